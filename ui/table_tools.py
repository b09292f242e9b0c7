"""Every table's tools, in one place: 导出Excel and 导出PDF of the view as it is shown, 打印 (that same PDF in the
print preview), Ctrl+C (the selected cells or rows with their headers, as tab-separated text and as HTML, which
Excel and WPS paste into cells), Ctrl+V where a table takes rows, and the right-click menu of rows.

A view gets them with `TableTools(view, title)`. What a cell holds comes from its model: `table_column(column)`
(an exports.table.TableColumn: the header, how its values print) and `cell_value(row, column)` (a Decimal, a date,
text); a model without them gives the text it shows. What is exported, printed or copied is what is shown: the
rows in their order after search and filters, the columns that are not hidden. The PDF is made by
exports/table_pdf.py, and the preview and the printer show that file's pages (ui/pdf_print.py).
"""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QMenu, QPushButton, QTableView, QWidget

from exports.safe import sanitize_filename, safe_cell_text
from exports.table import NUMERIC_KINDS, TableColumn, display
from ledger.errors import LedgerError

from . import messages
from .file_dialogs import EXCEL_FILTER, PDF, PDF_FILTER, XLSX, save_path
from .tasks import run_task

_DISPLAY = Qt.ItemDataRole.DisplayRole
_HORIZONTAL = Qt.Orientation.Horizontal


@dataclass
class RowActions:
    """What the right-click menu offers besides 复制 and 导出所选: each a callable of the page, or None."""

    edit: Callable[[], Any] | None = None
    batch: Callable[[], Any] | None = None        # 批量修改, offered when several rows are selected
    delete: Callable[[], Any] | None = None
    history: Callable[[], Any] | None = None


def column_of(model, column: int) -> TableColumn:
    """How a model's column prints: the model's own declaration, else its header as text."""
    if hasattr(model, "table_column"):
        return model.table_column(column)
    return TableColumn(str(model.headerData(column, _HORIZONTAL, _DISPLAY) or ""))


def value_of(model, row: int, column: int) -> Any:
    if hasattr(model, "cell_value"):
        return model.cell_value(row, column)
    return model.data(model.index(row, column), _DISPLAY)


def copy_text(value: Any, kind: str) -> str:
    """A value as a spreadsheet reads it from the clipboard: numbers plain (no thousands separators), dates ISO."""
    if value is None:
        return ""
    if kind in NUMERIC_KINDS and isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return value.isoformat()
    text = display(value, kind)
    return text if kind in NUMERIC_KINDS else str(safe_cell_text(text))


def tab_separated(header: list[str], rows: list[list[str]]) -> str:
    """Rows as Excel puts them on the clipboard: tabs between cells, a cell with a tab, a line break or a quote
    in double quotes."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def html_table(header: list[str], rows: list[list[str]], kinds: list[str]) -> str:
    """The same cells as HTML: Excel and WPS keep a cell marked as text as text (a 身份证号 keeps its 18 digits)."""
    text_style = " style=\"mso-number-format:'\\@'\""
    styles = ["" if kind in NUMERIC_KINDS or kind == "date" else text_style for kind in kinds]
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{style}>{escape(cell).replace(chr(10), '<br>')}</td>"
                                    for cell, style in zip(row, styles)) + "</tr>" for row in rows)
    return ("<html><head><meta charset=\"utf-8\"></head><body><table border=\"1\">"
            f"<tr>{head}</tr>{body}</table></body></html>")


class TableTools(QObject):
    """The tools of one table view (see the module docstring).

    `title()` names what the table is ("示范街道社区工作者台账"); `filters()` says how the rows are chosen
    ("社区：幸福社区；搜索“张”"), printed under the title. `paste(text)` takes rows pasted from a spreadsheet;
    `on_export(path, rows, columns)` runs after a file is written (off the GUI thread), e.g. to audit it.
    """

    def __init__(self, view: QTableView, title: Callable[[], str] | str, *, filters: Callable[[], str] | None = None,
                 actions: RowActions | None = None, paste: Callable[[str], Any] | None = None,
                 on_export: Callable[[Path, int, list[TableColumn]], None] | None = None):
        super().__init__(view)
        self.view = view
        self._title = title if callable(title) else (lambda: title)
        self._filters = filters or (lambda: "")
        self.actions = actions or RowActions()
        self._paste = paste
        self._on_export = on_export
        self.preview = None         # the open print preview, for tests
        self.task = None            # the last export or print task, for tests
        self.menu: QMenu | None = None
        self._folders: list[str] = []
        view.installEventFilter(self)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.context_menu)
        view.destroyed.connect(self._forget_all)

    # --- what is shown --------------------------------------------------------------------------------------
    def shown_columns(self) -> list[int]:
        model = self.view.model()
        return [c for c in range(model.columnCount()) if not self.view.isColumnHidden(c)]

    def selected_rows(self) -> list[int]:
        selection = self.view.selectionModel()
        rows = sorted({index.row() for index in selection.selectedIndexes()}) if selection else []
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return rows

    def table(self, rows: list[int] | None = None) -> tuple[list[TableColumn], list[list[Any]]]:
        """The printed columns and the rows' values (all shown rows, or the given ones), in the view's order."""
        model = self.view.model()
        columns = self.shown_columns()
        if rows is None:
            rows = list(range(model.rowCount()))
        if hasattr(model, "values_of"):
            values = model.values_of(rows, columns)
        else:
            values = [[value_of(model, r, c) for c in columns] for r in rows]
        return [column_of(model, c) for c in columns], values

    def title(self) -> str:
        return self._title()

    def subtitle(self, count: int) -> str:
        now = datetime.now()
        text = f"导出时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}，共{count:,}条"
        chosen = self._filters()
        return f"{text}（{chosen}）" if chosen else text

    # --- copy and paste ---------------------------------------------------------------------------------------
    def copy(self) -> str:
        """Put the selected cells (or whole rows) with their headers on the clipboard; returns the text."""
        model = self.view.model()
        selection = self.view.selectionModel()
        indexes = [i for i in (selection.selectedIndexes() if selection else []) if not self.view.isColumnHidden(i.column())]
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        if self.view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
            columns = self.shown_columns()
        chosen = {(i.row(), i.column()) for i in indexes}
        whole_rows = self.view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
        printed = [column_of(model, c) for c in columns]
        header = [p.label.replace("\n", "") for p in printed]
        cells = [[copy_text(value_of(model, r, c), p.kind) if whole_rows or (r, c) in chosen else ""
                  for c, p in zip(columns, printed)] for r in rows]
        text = tab_separated(header, cells)
        mime = QMimeData()
        mime.setText(text)
        mime.setHtml(html_table(header, cells, [p.kind for p in printed]))
        QGuiApplication.clipboard().setMimeData(mime)
        return text

    def paste(self) -> Any:
        if self._paste is None:
            return None
        return self._paste(QGuiApplication.clipboard().text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Before the view's own Ctrl+C, which copies the current cell's text only.
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return True
            if event.matches(QKeySequence.StandardKey.Paste) and self._paste is not None:
                self.paste()
                return True
        return False

    # --- the right-click menu -----------------------------------------------------------------------------
    def context_menu(self, pos: QPoint) -> QMenu:
        """编辑 (批量修改 for several rows), 删除, 复制, 修改历史, 导出所选 — for the rows selected (or clicked)."""
        index = self.view.indexAt(pos)
        selection = self.view.selectionModel()
        if index.isValid() and selection is not None and not selection.isRowSelected(index.row(), QModelIndex()):
            self.view.selectRow(index.row())
        several = len(self.selected_rows()) > 1
        menu = QMenu(self.view)
        actions = self.actions
        if several and actions.batch is not None:
            menu.addAction("批量修改…", actions.batch)
        elif actions.edit is not None:
            menu.addAction("编辑…", actions.edit)
        if actions.delete is not None:
            menu.addAction("删除", actions.delete)
        if not menu.isEmpty():
            menu.addSeparator()
        menu.addAction("复制（含表头）", self.copy)
        if actions.history is not None:
            menu.addAction("修改历史…", actions.history).setEnabled(not several)
        menu.addSeparator()
        menu.addAction("导出所选到Excel…", lambda: self.export(".xlsx", selected=True))
        for action in menu.actions():
            action.setEnabled(action.isEnabled() and bool(self.selected_rows()))
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))
        return menu

    # --- buttons ------------------------------------------------------------------------------------------------
    def buttons(self) -> list[QPushButton]:
        """导出 (Excel or PDF) and 打印…, for the page's tool bar."""
        export = QPushButton("导出")
        export.setToolTip("把表格中显示的行和列导出为 Excel 或 PDF 文件")
        export.setMenu(self.add_exports(QMenu(export)))
        self.export_button = export
        return [export, self.make_print_button()]

    def add_exports(self, menu: QMenu, excel: str = "导出Excel…", pdf: str = "导出PDF…") -> QMenu:
        """The two exports as entries of a menu (a page whose 导出 menu holds other outputs adds them there)."""
        menu.addAction(excel, lambda: self.export(".xlsx"))
        menu.addAction(pdf, lambda: self.export(".pdf"))
        return menu

    def make_print_button(self, text: str = "打印…") -> QPushButton:
        printing = QPushButton(text)
        printing.setToolTip("打印表格中显示的行和列，先显示打印预览")
        printing.clicked.connect(lambda: self.print_preview())
        self.print_button = printing
        return printing

    def button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in self.buttons():
            row.addWidget(button)
        return row

    # --- exporting and printing -----------------------------------------------------------------------------
    def export(self, suffix: str, path: str | Path | None = None, *, selected: bool = False):
        """导出Excel / 导出PDF of the shown rows (or the selected ones); returns the task."""
        rows = self.selected_rows() if selected else None
        if selected and not rows:
            return None
        title = self.title()
        if path is None:
            pdf = suffix == ".pdf"
            name = sanitize_filename(title + ("（所选）" if selected else "")) + suffix
            path = save_path(self.view, PDF if pdf else XLSX, f"导出{title}", name, PDF_FILTER if pdf else EXCEL_FILTER,
                             suffix)
            if path is None:
                return None
        out = Path(path)
        columns, values = self.table(rows)
        subtitle = self.subtitle(len(values))
        on_export = self._on_export

        def work(progress) -> Path:
            _render(suffix, title, subtitle, columns, values, out, progress)
            if on_export is not None:
                on_export(out, len(values), columns)
            return out

        def done(written: Path) -> None:
            messages.exported(self.view, f"导出{title}", f"已导出：{written}（{len(values):,}行）", written)

        self.task = run_task(self.view, f"正在导出{title}", work, done)
        return self.task

    def print_preview(self):
        """打印: the PDF that 导出PDF writes, in the print preview (opened, not run modally); returns the task."""
        title = self.title()
        columns, values = self.table()
        subtitle = self.subtitle(len(values))
        folder = tempfile.mkdtemp(prefix="streetledger-print-")
        self._folders.append(folder)
        out = Path(folder) / (sanitize_filename(title) + ".pdf")

        def work(progress) -> Path:
            return _render(".pdf", title, subtitle, columns, values, out, progress)

        def done(pdf: Path) -> None:
            from .pdf_print import preview_pdf
            try:
                self.preview = preview_pdf(pdf, title, self.view.window())
            except LedgerError as exc:
                messages.warn(self.view, "打印", str(exc))
                self._forget(folder)
                return
            self.preview.finished.connect(lambda _result: self._forget(folder))

        self.task = run_task(self.view, f"正在准备打印{title}", work, done,
                             on_error=lambda exc: (self._forget(folder), _shown(self.view, exc)))
        return self.task

    def _forget(self, folder: str) -> None:
        if self.preview is not None:
            try:
                self.preview.document.close()   # Windows keeps an open file from being deleted
            except RuntimeError:                # the preview is gone already
                pass
        shutil.rmtree(folder, ignore_errors=True)
        if folder in self._folders:
            self._folders.remove(folder)

    def _forget_all(self, *_args) -> None:
        for folder in list(self._folders):
            shutil.rmtree(folder, ignore_errors=True)


def _render(suffix: str, title: str, subtitle: str, columns: list[TableColumn], rows: list[list[Any]], out: Path,
            progress) -> Path:
    if suffix == ".pdf":
        from exports.table_pdf import render_table_pdf

        def step(done: int, total: int) -> None:
            progress.report(done, total, f"正在排版第{done}页，共{total}页")
        return render_table_pdf(title, subtitle, columns, rows, out, progress=step)
    from exports.table_xlsx import render_table_xlsx
    progress.report(0, 0, "正在写入")
    render_table_xlsx(title, subtitle, columns, rows, out)
    return out


def _shown(parent: QWidget, exc: BaseException) -> None:
    from .tasks import show_error
    show_error(parent, "打印", exc)


__all__ = ["TableTools", "RowActions", "copy_text", "tab_separated", "html_table", "column_of", "value_of"]
