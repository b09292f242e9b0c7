"""One ledger's page: instant search, filters, sortable columns, a column chooser, footer sums, the record
dialogs, 批量修改, and the tools every table has (ui.table_tools: 导出, 打印, Ctrl+C, the right-click menu) —
generic over ledger.services.LEDGERS with each ledger's particulars in ledger_specs. Rows pasted from Excel/WPS
(Ctrl+V) open the import preview; deletions go to the 回收站, and every change is a step of the window's 撤销.

Records are read through the service in a background task, a batch at a time, and kept compactly (TableData);
every keystroke, filter and header click then works on lists of row indices and resets the model. A large
ledger's page lets go of its rows while another page is shown, and reads them again when shown (`release`).
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from exports.ledger_export import KEY_FIELDS
from exports.table import TableColumn
from ledger import audit, collector
from ledger.errors import LedgerError, NotFound
from ledger.progress import Progress
from ledger.services.columns import Columns

from . import messages, undo
from .ledger_specs import LedgerSpec
from .table_data import Query, TableData
from .table_model import LedgerTableModel
from .table_tools import RowActions, TableTools
from .tasks import run_task

if TYPE_CHECKING:
    from .record_dialog import RecordDialog

ALL = "全部"
# A ledger is read this many records at a time, each batch kept as the table's cells before the next is read.
READ_ROWS = 10000
# Above this many rows the search text is made after the table is shown, in a second background step.
INDEX_LATER_ROWS = 20000
# A page of more rows than this lets go of them while another page is shown (see LedgerPage.release).
KEEP_ROWS = 5000


class LedgerPage(QWidget):
    """A ledger's table with its tools; `window` is the main window (ledger, settings, scope, hooks)."""

    def __init__(self, window, spec: LedgerSpec):
        super().__init__()
        self.window = window
        self.spec = spec
        self.key = spec.key
        self.service = spec.service(window.ledger)
        self.fields = spec.fields()
        self.keys = [f.key for f in self.fields]
        self.table: TableData | None = None
        self.query = Query()
        self.answer: list[int] = []
        self._answered: Query | None = None   # the query `answer` belongs to
        self.stale = True
        self.loading = None
        self.deleting = None        # the running deletion, for tests
        self._indexing: TableData | None = None   # the table whose search text is being made
        self._again = False
        self._pending_select: int | None = None
        self._released = False                 # left for another page: its rows were let go
        self._where: tuple[list[int], int | None] = ([], None)   # the selection and top row when it was left
        self._state = window.ui_settings.page_state(self.key)
        self._hidden = set(self._state.get("hidden", spec.hidden))
        self._hidden &= set(self.keys)
        sort = self._state.get("sort")
        if sort and sort[0] in self.keys:
            self.query = Query(sort_key=sort[0], descending=bool(sort[1]))
        self._build()

    # --- building the page ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.new_button = QPushButton("新建")
        self.new_button.setToolTip(f"新建{self.spec.title}（Ctrl+N）")
        self.edit_button = QPushButton("编辑")
        self.edit_button.setToolTip("打开选中的记录（Enter 或双击）")
        self.batch_button = QPushButton("批量修改")
        self.batch_button.setToolTip("把选中的多条记录的同一项改为同一个值（先预览，全部通过才保存）")
        self.delete_button = QPushButton("删除")
        self.delete_button.setToolTip("删除选中的记录（Delete）；删除的记录可在“系统 → 回收站”中恢复")
        self.import_button = QPushButton("导入")
        self.import_button.setToolTip(f"从 Excel/WPS 文件导入{self.spec.title}台账")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新读取台账（F5）")
        self.columns_button = QPushButton("显示列")
        self.columns_button.setToolTip("选择表格中显示的列（也可右键单击表头）")
        self.columns_menu = QMenu(self)
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        self.columns_button.setMenu(self.columns_menu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：输入文字或拼音首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(360)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.batch_button.clicked.connect(self.batch_edit)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(lambda: self.window.open_import(self.key))
        self.refresh_button.clicked.connect(self.refresh)
        self.search.textChanged.connect(self._search_changed)
        self.search.installEventFilter(self)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search, activated=self.search.clear,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.model = LedgerTableModel(self)
        self.model.key_fields = frozenset(KEY_FIELDS.get(self.key, ()))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.tools = TableTools(self.view, self.print_title, filters=self.describe_filters,
                                actions=RowActions(edit=self.edit_selected, batch=self.batch_edit,
                                                   delete=self.delete_selected, history=self.show_history),
                                paste=self.paste_rows, on_export=self._exported)
        self.export_button, self.print_button = self.tools.buttons()

        tools = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.batch_button, self.delete_button, self.import_button,
                       self.export_button, self.print_button, self.refresh_button, self.columns_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.search)

        self.facet_boxes: dict[str, QComboBox] = {}
        facets = QHBoxLayout()
        for facet in self.spec.facets:
            box = QComboBox()
            box.addItem(ALL)
            box.setMinimumContentsLength(6)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMaxVisibleItems(25)
            box.currentIndexChanged.connect(self._facets_changed)
            label = QLabel(f"{facet.label}：")
            label.setBuddy(box)
            facets.addWidget(label)
            facets.addWidget(box)
            facets.addSpacing(8)
            self.facet_boxes[facet.label] = box
        if self.spec.facets:
            self.clear_button = QPushButton("清除筛选")
            self.clear_button.clicked.connect(self.clear_filters)
            facets.addWidget(self.clear_button)
        facets.addStretch(1)

        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setTabKeyNavigation(False)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)   # never measure 100,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(False)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(False)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._remember_width)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.view, activated=self.edit_selected,
                      context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.refresh,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.footer = QLabel()
        self.footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setStyleSheet("color: #7f8c8d;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.footer, 1)
        bottom.addWidget(self.status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(tools)
        if self.spec.facets:
            layout.addLayout(facets)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.model.set_table(None)

    # --- page protocol (called by the main window) -------------------------------------------------------
    def activate(self) -> None:
        """The page became visible: load it if it was never loaded, was let go, or its data changed elsewhere."""
        self._released = False
        if self.stale and self.loading is None:
            self.load()

    def release(self) -> None:
        """The page was left for another: a large ledger lets go of its rows, cells and search text (100,000
        经费 entries hold some 70 MB), keeping what the clerk chose — search, filters, sort, columns, the
        selected row — so that coming back reads the ledger anew and shows it as it was left. A small one
        is kept: it costs little, and coming back to it is instant."""
        self._released = True
        if self.table is None or len(self.table.rows) <= KEEP_ROWS:
            return
        top = self.model.record_id(self.view.rowAt(0))
        self._where = (self._selected_ids(), top)
        self.table = None
        self._indexing = None
        self.answer = []
        self._answered = None
        self.model.set_table(None)
        self.stale = True

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.load()

    def refresh(self) -> None:
        self.stale = True
        self.load()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_scope(self, community_id: int | None, grid_id: int | None, community_name: str = "") -> None:
        self.query = _replace(self.query, community_id=community_id, grid_id=grid_id)
        box = self.facet_boxes.get("社区")
        if box is not None:
            box.blockSignals(True)
            if community_id is not None:
                index = box.findText(community_name)
                if index < 0:
                    box.addItem(community_name)
                    index = box.count() - 1
                box.setCurrentIndex(index)
            else:
                box.setCurrentIndex(0)
            box.setEnabled(community_id is None)
            box.setToolTip("已按左侧组织架构选定社区" if community_id is not None else "")
            box.blockSignals(False)
        self._facets_changed()

    # --- loading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        if self.loading is not None:
            self._again = True   # changed while loading: load again when this load ends
            return
        self._again = False
        self.status.setText("正在加载…")
        shown = [k for k in self.keys if k not in self._hidden]
        spec, service, fields = self.spec, self.service, self.fields

        def fetch(progress: Progress) -> TableData:
            progress.report(0, 0, f"正在读取{spec.title}台账")
            table = TableData(fields, [], facets=spec.facets, totals=spec.totals, scope=spec.scope, shown=shown,
                              flag=spec.flag, index=False)
            with collector.paused():
                for _ in _read_into(table, spec, service):
                    progress.report(0, 0, f"已读取{spec.title} {len(table.rows):,} 条")
                if len(table.rows) <= INDEX_LATER_ROWS:
                    table.set_index(table.make_index(progress))
            return table

        self.loading = run_task(self, f"正在加载{spec.title}台账", fetch, self._loaded, self._load_failed)

    def _loaded(self, table: TableData) -> None:
        self.loading = None
        if self._again:
            self.load()
        if self._released and len(table.rows) > KEEP_ROWS:   # left while it loaded: read again when shown
            self.stale = True
            return
        first = self.table is None
        self.table = table
        self.stale = False
        self._fill_facets()
        self.model.set_table(table, [])
        if first:
            self._restore_columns()
        self.apply(narrow=False)
        self.status.setText("")
        self._index_when_wanted()
        self._return()
        if self._pending_select is not None:
            self.select_record(self._pending_select)
            self._pending_select = None

    def _return(self) -> None:
        """Back on the page after it was let go: the rows it showed at the top and the selection, as they were."""
        selected, top = self._where
        self._where = ([], None)
        row = self.model.row_of_id(top) if top is not None else None
        if row is not None:
            self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._restore_selection(selected)

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = None
        self.status.setText("未加载（按 F5 重试）")
        from .tasks import show_error
        show_error(self, f"加载{self.spec.title}台账", exc)

    def _index_when_wanted(self) -> None:
        """Make the search text when a search needs it: a small ledger's at once, a large one's (a fifth of
        what its page holds) when the clerk goes to the search box or a search is to be shown again."""
        table = self.table
        if table is None or table.indexed or self._indexing is table:
            return
        if len(table.rows) <= INDEX_LATER_ROWS or self.query.text or self.search.hasFocus():
            self._make_index()

    def _make_index(self) -> None:
        table = self.table
        if table is None:
            return
        self.status.setText("正在建立搜索索引…")
        self._indexing = table

        def done(made) -> None:
            if self._indexing is table:
                self._indexing = None
            if table is self.table and table.set_index(made):
                self.status.setText("")
                if self.query.text:
                    self.apply(narrow=False)
            elif table is self.table:
                self._make_index()   # the rows changed meanwhile: make it again

        def make(progress: Progress):
            with collector.paused():
                return table.make_index(progress)

        run_task(self, "建立搜索索引", make, done, show_progress=False)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.search and event.type() == QEvent.Type.FocusIn:
            self._index_when_wanted()   # about to search: the search text is made while the clerk types
        return super().eventFilter(watched, event)

    # --- filtering, searching, sorting ----------------------------------------------------------------
    def _fill_facets(self) -> None:
        for facet in self.spec.facets:
            box = self.facet_boxes[facet.label]
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL)
            choices = self.table.facet_choices(facet.label) if self.table else []
            if facet.label == "年度":
                choices.sort(reverse=True)
            box.addItems(choices)
            index = box.findText(current)
            if index < 0 and current != ALL and current:
                box.addItem(current)
                index = box.count() - 1
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    def _facets_changed(self) -> None:
        chosen = tuple((label, box.currentText()) for label, box in self.facet_boxes.items()
                       if box.currentIndex() > 0 and not (label == "社区" and self.query.community_id is not None))
        self.query = _replace(self.query, facets=chosen)
        self.apply(narrow=False)

    def clear_filters(self) -> None:
        for box in self.facet_boxes.values():
            if box.isEnabled():
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.query = _replace(self.query, facets=(), text="")
        self.apply(narrow=False)

    def _search_changed(self, text: str) -> None:
        self.query = _replace(self.query, text=text)
        self._index_when_wanted()
        self.apply()

    def apply(self, narrow: bool = True) -> None:
        """Show the rows the query selects; `narrow` lets a longer search filter the last answer."""
        if self.table is None:
            return
        previous = (self._answered, self.answer) if narrow and self._answered is not None else None
        selected = self._selected_ids()
        self.answer = self.table.select(self.query, previous)
        self._answered = self.query
        self.model.set_visible(self.answer)
        self._restore_selection(selected)
        self._update_footer()

    def _header_clicked(self, section: int) -> None:
        """Ascending, descending, then back to the stored order."""
        if self.table is None or not 0 <= section < len(self.keys):
            return
        key = self.keys[section]
        if self.query.sort_key != key:
            sort_key, descending = key, False
        elif not self.query.descending:
            sort_key, descending = key, True
        else:
            sort_key, descending = None, False
        self.sort_by(sort_key, descending)

    def sort_by(self, key: str | None, descending: bool = False) -> None:
        self.query = _replace(self.query, sort_key=key, descending=descending)
        if self.table is not None:
            selected = self._selected_ids()
            if len(self.answer) * 2 < len(self.table.rows):
                # Few rows shown: sorting them is much cheaper than the full order.
                self.answer = self.table.sort_rows(self.answer, key, descending)
            else:
                self.answer = self.table.select(self.query)
            self._answered = self.query
            self.model.set_visible(self.answer)
            self._restore_selection(selected)
        self._show_sort_indicator()
        self._save_sort()

    def _show_sort_indicator(self) -> None:
        header = self.view.horizontalHeader()
        if self.query.sort_key in self.keys:
            header.setSortIndicatorShown(True)
            order = Qt.SortOrder.DescendingOrder if self.query.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(self.keys.index(self.query.sort_key), order)
        else:
            header.setSortIndicatorShown(False)

    def print_title(self) -> str:
        """示范街道社区工作者台账: what an export or a printout of this page is called."""
        from ledger.services.street import street_name
        try:
            street = street_name(self.window.ledger) or ""
        except LedgerError:
            street = ""
        return f"{street}{self.spec.title}台账"

    def describe_filters(self) -> str:
        """How the shown rows were chosen, printed under the title: 社区：幸福社区；职务：书记；搜索“张”."""
        parts = []
        scope = getattr(self.window, "_scope_names", ("", ""))
        if self.query.community_id is not None and scope[0]:
            parts.append("范围：" + scope[0] + (f" › {scope[1]}" if self.query.grid_id is not None and scope[1] else ""))
        parts += [f"{label}：{value}" for label, value in self.query.facets]
        if self.query.text.strip():
            parts.append(f"搜索“{self.query.text.strip()}”")
        return "；".join(parts)

    def _exported(self, path, rows: int, columns: list[TableColumn]) -> None:
        """An export of the page holding 身份证号, 银行账号 or 电话 is recorded, as a ledger export is."""
        labels = {c.label for c in columns}
        if any(f.personal and f.label in labels for f in self.fields):
            audit.exported(self.window.ledger, f"{self.spec.title}台账（当前视图）", path, rows, personal=True)

    def _update_footer(self) -> None:
        table = self.table
        if table is None:
            self.footer.setText("")
            return
        unit = self.spec.count_unit
        parts = [f"共 {len(self.answer):,} {unit}"]
        if len(self.answer) != len(table.rows):
            parts[0] += f"（全部 {len(table.rows):,} {unit}）"
        sums = table.sums(self.answer)
        for total in table.totals:
            parts.append(f"{total.label}：{table.format_total(total, sums[total.label])}")
        self.footer.setText("　　".join(parts))

    # --- columns ---------------------------------------------------------------------------------------
    def _restore_columns(self) -> None:
        widths = self._state.get("widths", {})
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        sample = self.table.rows[:200] if self.table else []
        for i, f in enumerate(self.fields):
            self.view.setColumnHidden(i, f.key in self._hidden)
            width = widths.get(f.key)
            if not isinstance(width, int) or width <= 0:
                # Wide enough for the header and most values seen, within reason.
                texts = [row[i] for row in sample if i < len(row)]
                widest = max([metrics.horizontalAdvance(t) for t in texts] or [0])
                width = max(metrics.horizontalAdvance(f.label) + 28, min(widest + 18, 280))
            header.resizeSection(i, width)
        self._show_sort_indicator()

    def _remember_width(self, section: int, _old: int, new: int) -> None:
        if 0 <= section < len(self.keys) and new > 0:
            self._state.setdefault("widths", {})[self.keys[section]] = new

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        for f in self.fields:
            action = QAction(f.label, self.columns_menu)
            action.setCheckable(True)
            action.setChecked(f.key not in self._hidden)
            action.toggled.connect(lambda on, key=f.key: self.set_column_shown(key, on))
            self.columns_menu.addAction(action)
        self.columns_menu.addSeparator()
        reset = self.columns_menu.addAction("恢复默认列")
        reset.triggered.connect(self.reset_columns)

    def _header_menu(self, pos: QPoint) -> None:
        self._fill_columns_menu()
        self.columns_menu.popup(self.view.horizontalHeader().mapToGlobal(pos))

    def set_column_shown(self, key: str, shown: bool) -> None:
        if shown:
            self._hidden.discard(key)
        elif len(self._hidden) + 1 < len(self.keys):   # keep at least one column
            self._hidden.add(key)
        self.view.setColumnHidden(self.keys.index(key), key in self._hidden)
        self._state["hidden"] = sorted(self._hidden)
        if self.table is not None and self.table.set_shown([k for k in self.keys if k not in self._hidden]):
            # Searching covers the shown columns only: make the search text again.
            self._index_when_wanted()

    def reset_columns(self) -> None:
        self._state = {}
        self._hidden = set(self.spec.hidden)
        if self.table is not None:
            self._restore_columns()
            if self.table.set_shown([k for k in self.keys if k not in self._hidden]):
                self._index_when_wanted()

    def save_state(self) -> None:
        self._state["hidden"] = sorted(self._hidden)
        self._save_sort()
        self.window.ui_settings.set_page_state(self.key, self._state)

    def _save_sort(self) -> None:
        self._state["sort"] = [self.query.sort_key, self.query.descending] if self.query.sort_key else None

    # --- selection ---------------------------------------------------------------------------------------
    def _selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()}) \
            if self.view.selectionModel() else []
        return [rid for rid in (self.model.record_id(r) for r in rows) if rid is not None]

    def _restore_selection(self, ids: list[int]) -> None:
        if not ids:
            return
        for rid in ids[:50]:
            row = self.model.row_of_id(rid)
            if row is not None:
                self.view.selectRow(row)
                break

    def select_record(self, record_id: int) -> bool:
        row = self.model.row_of_id(record_id)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # --- records -------------------------------------------------------------------------------------------
    def dialog_class(self) -> type[RecordDialog]:
        module, name = self.spec.dialog.split(":")
        return getattr(importlib.import_module(module), name)

    def make_dialog(self, record: dict | None) -> RecordDialog:
        defaults = {}
        if record is None and self.query.community_id is not None and self.service.community_field:
            defaults[self.service.community_field] = self.window.scope_community_name()
        dialog = self.dialog_class()(self.service, record, self, defaults=defaults,
                                     known=self.table.records if self.table is not None else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.record_saved)
        return dialog

    def new_record(self) -> RecordDialog:
        dialog = self.make_dialog(None)
        dialog.open()
        return dialog

    def open_row(self, row: int) -> RecordDialog | None:
        record_id = self.model.record_id(row)
        return self.open_record(record_id) if record_id is not None else None

    def edit_selected(self):
        """Open the selected record; with several selected, offer 批量修改 of them instead."""
        ids = self._selected_ids()
        if not ids:
            index = self.view.currentIndex()
            return self.open_row(index.row()) if index.isValid() else None
        if len(ids) > 1 and messages.ask(self, "编辑", f"已选中{len(ids):,}条记录。要把它们的同一项一起修改（批量修改）吗？",
                                         yes="批量修改", no="只编辑第一条"):
            return self.batch_edit()
        return self.open_record(ids[0])

    def batch_edit(self):
        """批量修改 of the selected records (a preview first, then all or nothing)."""
        ids = self._selected_ids()
        if len(ids) < 2 or self.table is None:
            messages.inform(self, "批量修改", "请先在表格中选中要一起修改的多条记录（按住 Ctrl 或 Shift 单击）")
            return None
        from .batch_edit import open_batch_edit
        records = [self.table.records[self.table.row_of(rid)] for rid in ids if self.table.row_of(rid) is not None]
        dialog = open_batch_edit(self.service, records, self)
        dialog.saved.connect(self._batch_saved)
        return dialog

    def _batch_saved(self, before: list, after: list) -> None:
        for record in after:
            self.record_saved(record)
        keys = sorted({k for b, a in zip(before, after) for k in undo.changed_keys(self.service, b, a)})
        if keys:
            undo.push(self, undo.BatchCommand(undo.window_of(self), self.service, before, after, keys))

    def show_history(self):
        """修改历史 of the selected record (with 恢复到此版本)."""
        ids = self._selected_ids()
        if not ids:
            return None
        from ledger.record_names import is_person, named

        from .audit_view import show_record_history
        try:
            record = self.service.get(ids[0])
        except LedgerError as exc:
            messages.warn(self, "修改历史", str(exc))
            return None
        own = str(record.get(self.service.label_key) or record.get("name") or self.service.name)
        community = record.get("community") if self.service.community_field else None
        label = named(own, community, is_person(self.service.definition))
        return show_record_history(self.window.ledger, self.service.name, ids[0], label, self,
                                   ledger_key=self.key, version=record.get("version"))

    def paste_rows(self, text: str):
        """Rows copied from Excel/WPS: the import preview of them, as if they were a file."""
        from ledger import importing
        try:
            loaded = importing.load_text(text)
        except LedgerError as exc:
            messages.warn(self, "粘贴", str(exc))
            return None
        opener = getattr(self.window, "open_import", None)
        return opener(self.key, loaded) if opener is not None else None

    def open_record(self, record_id: int) -> RecordDialog | None:
        """Open a record's dialog by id (also for links from the 首页), even if filtered out of view."""
        try:
            record = self.service.get(record_id)
        except NotFound as exc:
            messages.warn(self, "记录不存在", str(exc))
            self.refresh()
            return None
        except LedgerError as exc:
            messages.warn(self, "无法打开", str(exc))
            return None
        if self.table is not None:
            self.select_record(record_id)
        else:
            self._pending_select = record_id
        dialog = self.make_dialog(record)
        dialog.open()
        return dialog

    def record_saved(self, record: dict) -> None:
        """A dialog saved a record: put it in the table without reloading the ledger."""
        if self.table is not None:
            if self.spec.derive:
                columns = Columns.of([record])
                self.spec.derive(columns)
                record = columns.records()[0]
            self.table.upsert(record)
            self._fill_facets()
            self.apply(narrow=False)
            self.select_record(record["id"])
        self.window.ledger_changed(self.key)

    def delete_selected(self) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            record = self.table.records[self.table.row_of(ids[0])] if self.table else {}
            label = record.get(self.service.label_key) or record.get("name") or ""
            text = f"确定删除{self.spec.title}“{label}”吗？删除后可按 Ctrl+Z 撤销，或在“系统 → 回收站”中恢复。"
        else:
            text = (f"确定删除选中的 {len(ids):,} 条{self.spec.title}记录吗？删除后可按 Ctrl+Z 撤销，"
                    f"或在“系统 → 回收站”中恢复。")
        if not messages.ask(self, "删除", text, yes="删除", no="取消"):
            return
        service = self.service
        shown = {rid: self.table.records[self.table.row_of(rid)] for rid in ids
                 if self.table is not None and self.table.row_of(rid) is not None}

        def work(progress: Progress) -> tuple[list[int], list[tuple[int, int]], list[str]]:
            gone, kept, refused = [], [], []
            for n, record_id in enumerate(ids):
                progress.report(n, len(ids), f"正在删除 {n + 1:,} / {len(ids):,}")
                try:
                    kept.append((record_id, service.delete(record_id, version=shown.get(record_id, {}).get("version"))))
                except NotFound:
                    gone.append(record_id)
                except LedgerError as exc:
                    refused.append(str(exc))
            return gone, kept, refused

        self.deleting = run_task(self, f"删除{self.spec.title}", work, lambda outcome: self._deleted(outcome, shown))

    def _deleted(self, outcome: tuple[list[int], list[tuple[int, int]], list[str]], shown: dict[int, dict]) -> None:
        gone, kept, refused = outcome
        done = gone + [record_id for record_id, _entry in kept]
        if self.table is not None:
            for record_id in done:
                self.table.remove(record_id)
            self.apply(narrow=False)
        if kept and all(record_id in shown for record_id, _entry in kept):
            undo.push(self, undo.DeleteCommand(undo.window_of(self), self.service,
                                               [shown[record_id] for record_id, _entry in kept],
                                               [entry for _record_id, entry in kept]))
        if done:
            self.window.ledger_changed(self.key)
        if refused:
            more = f"\n……另有{len(refused) - 5}条" if len(refused) > 5 else ""
            messages.warn(self, "未能删除", "\n".join(refused[:5]) + more)


def _read_into(table: TableData, spec: LedgerSpec, service) -> Iterator[None]:
    """Put the ledger's records into the table a batch at a time (yielding after each): the page never holds all
    of them, nor one dict per row where the ledger lists plainly (read column by column)."""
    plainly = service.lists_plainly()
    batches = service.columns_in_batches(READ_ROWS) if plainly else map(Columns.of, service.list_in_batches(READ_ROWS))
    for columns in batches:
        if spec.derive:
            spec.derive(columns)
        table.add_columns(columns)
        del columns   # before the next batch is read
        yield


def _replace(query: Query, **changes) -> Query:
    return replace(query, **changes)
