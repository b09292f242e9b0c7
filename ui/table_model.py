"""Thin, defensive Qt table models: a ledger's prepared rows (TableData), and small lists of tuples.

Searching and sorting happen in TableData on lists of row indices; the model is then reset with the new
list. Never put a QSortFilterProxyModel or a QStandardItemModel over ledger data: measured on 100,000 rows
they were two orders of magnitude slower than this.
"""
from __future__ import annotations

from collections.abc import Sequence

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from exports.ledger_export import cell_value, table_column
from exports.table import TableColumn

from .table_data import TableData

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

# Row flags a ledger may set (TableData.flag): the colour its text is drawn in.
FLAG_COLOURS = {"逾期": "#c0392b", "未达标": "#c0392b", "超支": "#c0392b", "紧急": "#d35400", "提醒": "#b9770e",
                "离职": "#8a8a8a", "核对": "#c0392b", "错误": "#c0392b"}
_BRUSHES = {flag: QBrush(QColor(colour)) for flag, colour in FLAG_COLOURS.items()}

Index = QModelIndex | QPersistentModelIndex


class LedgerTableModel(QAbstractTableModel):
    """Shows the rows of a TableData named by a list of row indices (the current search and sort)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: TableData | None = None
        self.visible: list[int] = []
        self._align: list[int] = []
        self._labels: list[str] = []

    # --- changing what is shown -------------------------------------------------------------------
    def set_table(self, table: TableData | None, visible: list[int] | None = None) -> None:
        self.beginResetModel()
        self.table = table
        self._align = [_RIGHT if f.numeric else _LEFT for f in table.fields] if table is not None else []
        self._labels = [f.label for f in table.fields] if table is not None else []
        self.visible = visible if visible is not None else (list(range(len(table.rows))) if table else [])
        self.endResetModel()

    def set_visible(self, visible: list[int]) -> None:
        self.beginResetModel()
        self.visible = visible
        self.endResetModel()

    # --- what the view asks -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: Index, role: int = _DISPLAY):
        # Called for every painted cell and role: keep it short, and never raise into Qt.
        if role == _DISPLAY:
            try:
                return self.table.cell(self.visible[index.row()], index.column())  # type: ignore[union-attr]
            except (IndexError, AttributeError):
                return None
        if role == _ALIGN:
            try:
                return self._align[index.column()]
            except IndexError:
                return None
        if role == _FOREGROUND:
            try:
                flag = self.table.flags[self.visible[index.row()]]  # type: ignore[union-attr]
            except (IndexError, AttributeError):
                return None
            return _BRUSHES.get(flag) if flag else None
        if role == _TOOLTIP:
            try:
                row = self.visible[index.row()]
                text = self.table.cell(row, index.column())  # type: ignore[union-attr]
                # a stored value that fails its check says why (records carry such doubts by field key)
                doubt = (self.table.value(row, "doubts") or {}).get(self.table.keys[index.column()])  # type: ignore[union-attr]
            except (IndexError, AttributeError):
                return None
            if doubt:
                return doubt
            return text if len(text) > 16 else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):  # noqa: N802
        if role == _DISPLAY:
            if orientation == Qt.Orientation.Horizontal:
                return self._labels[section] if 0 <= section < len(self._labels) else None
            return str(section + 1)   # 序号 of the shown rows
        if role == _ALIGN:
            if orientation == Qt.Orientation.Vertical:
                return _RIGHT
            return self._align[section] if 0 <= section < len(self._align) else None
        return None

    # --- what a cell holds, for exports, printing and the clipboard (ui.table_tools) ------------------------
    key_fields: frozenset[str] = frozenset()     # the columns printed on every page of a wide table

    def table_column(self, column: int) -> TableColumn:
        field = self.table.fields[column]  # type: ignore[union-attr]
        return table_column(field, field.key in self.key_fields)

    def cell_value(self, row: int, column: int) -> Any:
        return self.values_of([row], [column])[0][0]

    def values_of(self, rows: list[int], columns: list[int]) -> list[list[Any]]:
        """The typed values (Decimal, int, date, 是/否, text) of shown rows, as the ledger export writes them."""
        table = self.table
        if table is None:
            return [[None] * len(columns) for _row in rows]
        fields = [table.fields[c] for c in columns]
        value, visible = table.value, self.visible
        return [[cell_value(f, value(visible[r], f.key)) for f in fields] for r in rows]

    # --- for the page ---------------------------------------------------------------------------------
    def record_id(self, row: int) -> int | None:
        try:
            return self.table.ids[self.visible[row]]  # type: ignore[union-attr]
        except (IndexError, AttributeError):
            return None

    def record(self, row: int) -> dict | None:
        try:
            return self.table.record(self.visible[row])  # type: ignore[union-attr]
        except (IndexError, AttributeError):
            return None

    def row_of_id(self, record_id: int) -> int | None:
        """The shown row of a record, or None when it is filtered out."""
        if self.table is None:
            return None
        index = self.table.row_of(record_id)
        if index is None:
            return None
        try:
            return self.visible.index(index)
        except ValueError:
            return None


class TupleTableModel(QAbstractTableModel):
    """A small read-only table of text tuples (history lines, summaries, warnings): headers, rows, and which
    columns are numbers (right-aligned). Row flags colour a row; bold rows are totals."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent=None,
                 kinds: Sequence[str] | None = None):
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.kinds = list(kinds) if kinds is not None else None   # how each column prints (exports.table kinds)
        self.rows: list[tuple[str, ...]] = []
        self.values: list[Sequence[Any]] | None = None            # the typed values behind the text, when given
        self.row_flags: list[str | None] = []
        self.bold: set[int] = set()
        self.payload: list[object] = []
        self._bold_font = QFont()
        self._bold_font.setBold(True)

    def set_rows(self, rows: Sequence[Sequence[str]], flags: Sequence[str | None] | None = None,
                 payload: Sequence[object] | None = None, bold: Sequence[int] = (),
                 values: Sequence[Sequence[Any]] | None = None) -> None:
        """Text rows as shown; `values` the typed values behind them (amounts as numbers in an export)."""
        self.beginResetModel()
        self.rows = [tuple(r) for r in rows]
        self.values = list(values) if values is not None else None
        self.row_flags = list(flags) if flags is not None else [None] * len(self.rows)
        self.payload = list(payload) if payload is not None else [None] * len(self.rows)
        self.bold = set(bold)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = _DISPLAY):
        row, column = index.row(), index.column()
        if not (0 <= row < len(self.rows) and 0 <= column < len(self.headers)):
            return None
        if role == _DISPLAY:
            cells = self.rows[row]
            return cells[column] if column < len(cells) else ""
        if role == _ALIGN:
            return _RIGHT if column in self.numeric else _LEFT
        if role == _FOREGROUND:
            flag = self.row_flags[row]
            return _BRUSHES.get(flag) if flag else None
        if role == _FONT and row in self.bold:
            return self._bold_font
        if role == _TOOLTIP:
            text = self.rows[row][column] if column < len(self.rows[row]) else ""
            return text if len(text) > 20 else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):  # noqa: N802
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        if role == _ALIGN and orientation == Qt.Orientation.Horizontal and section in self.numeric:
            return _RIGHT
        return None

    def table_column(self, column: int) -> TableColumn:
        label = self.headers[column] if 0 <= column < len(self.headers) else ""
        kind = self.kinds[column] if self.kinds is not None and column < len(self.kinds) else "text"
        return TableColumn(label, kind, key=column == 0)

    def cell_value(self, row: int, column: int) -> Any:
        if self.values is not None and 0 <= row < len(self.values) and 0 <= column < len(self.values[row]):
            return self.values[row][column]
        return self.rows[row][column] if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]) else None
