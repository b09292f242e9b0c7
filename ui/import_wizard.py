"""导入台账: pick a file, check the header and the column mapping, preview every row, import with progress, undo.

The wizard is a face of ledger.importing and holds no rule of its own: reading, header detection, the
preview (new / update / unchanged / 疑似重复 / errors) and the all-or-nothing write are the services the command
line uses too. Reading, previewing and importing run through ui.tasks.run_task, off the GUI thread. A file
imported before is imported again only after a confirmation naming that import; 疑似重复 rows only when ticked.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QStackedWidget, QTableView,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from exports.table import TableColumn
from ledger import importing
from ledger.app import Ledger
from ledger.errors import LedgerError, ValidationError
from ledger.importing import (ERROR, KINDS, NEW, REPEAT, SAME, UPDATE, Layout, Loaded, Plan, RepeatedImport,
                              RowPlan)
from ledger.importing.headers import DERIVED, DUPLICATE, MANUAL, SEQUENCE, UNKNOWN

from . import messages
from .dialog_sizes import remember_size
from .file_dialogs import EXCEL_FILTER, IMPORT, XLSX, open_path, save_path
from .table_tools import TableTools
from .tasks import run_task

FILE_FILTER = "Excel/WPS 表格 (*.xlsx *.xls *.csv *.xml *.htm *.html);;所有文件 (*)"
NOT_IMPORTED = "（不导入）"
PAGE_FILE, PAGE_COLUMNS, PAGE_PREVIEW, PAGE_DONE = range(4)
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
WARNING_BRUSH = QBrush(QColor("#fff4d6"))
UPDATE_BRUSH = QBrush(QColor("#e6f0fb"))
SAME_BRUSH = QBrush(QColor("#f3f3f3"))
REPEAT_BRUSH = QBrush(QColor("#fde9d9"))
FILTERS = (("全部行", None), ("有错误的行", ERROR), ("有提示的行", "提示"), ("疑似重复的行", REPEAT), ("将更新的行", UPDATE),
           ("将新增的行", NEW), ("不变的行", SAME))


class PreviewModel(QAbstractTableModel):
    """The preview's rows: 行号, 结果, 名称, 说明; errors, warnings and updates coloured. Thin and defensive.

    A 疑似重复 row has a check box in 结果: ticked, it is imported as a new record (`kept` holds the row numbers).
    """

    HEADERS = ("行号", "结果", "名称", "说明")
    kept_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._all: list[RowPlan] = []
        self._rows: list[RowPlan] = []
        self.kept: set[int] = set()

    def set_plan(self, plan: Plan | None, show: str | None = None) -> None:
        self.beginResetModel()
        self._all = list(plan.rows) if plan is not None else []
        self._rows = [r for r in self._all if _matches(r, show)]
        self.kept &= {r.row for r in self._all if r.action == REPEAT}
        self.endResetModel()

    def keep_all(self, on: bool) -> None:
        """Tick (or clear) every 疑似重复 row."""
        self.kept = {r.row for r in self._all if r.action == REPEAT} if on else set()
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))
        self.kept_changed.emit()

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        plan = self.row_plan(index.row()) if index.isValid() else None
        if plan is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1 and plan.action == REPEAT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        plan = self.row_plan(index.row()) if index.isValid() else None
        if plan is None or plan.action != REPEAT or index.column() != 1 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.kept.add(plan.row)
        else:
            self.kept.discard(plan.row)
        self.dataChanged.emit(index, index, [role])
        self.kept_changed.emit()
        return True

    def row_plan(self, row: int) -> RowPlan | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def table_column(self, column: int) -> TableColumn:
        """How the preview prints (ui.table_tools): the row number as a number, 说明 wrapping."""
        label = self.HEADERS[column]
        return TableColumn(label, "int" if column == 0 else "text", 40 if column == 3 else None, key=column < 2)

    def cell_value(self, row: int, column: int) -> Any:
        plan = self.row_plan(row)
        if plan is None:
            return None
        return (plan.row, plan.action, plan.label, explain(plan))[column] if 0 <= column < 4 else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 4:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        plan = self.row_plan(index.row()) if index.isValid() else None
        if plan is None or not 0 <= index.column() < 4:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"第{plan.row}行", plan.action, plan.label, explain(plan))[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 1 and plan.action == REPEAT:
            return Qt.CheckState.Checked if plan.row in self.kept else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (1, 3):
            return explain(plan, "\n")
        if role == Qt.ItemDataRole.BackgroundRole:
            if plan.problems:
                return ERROR_BRUSH
            if plan.action == REPEAT:
                return REPEAT_BRUSH
            if plan.warnings:
                return WARNING_BRUSH
            return UPDATE_BRUSH if plan.action == UPDATE else SAME_BRUSH if plan.action == SAME else None
        return None


def _matches(plan: RowPlan, show: str | None) -> bool:
    if show is None:
        return True
    if show == "提示":
        return bool(plan.warnings)
    return plan.action == show


def explain(plan: RowPlan, sep: str = "；") -> str:
    """What the preview says about a row: its problems, else its warnings and the changes it makes."""
    if plan.problems:
        return sep.join(f"{p.field}：{p.message}" for p in plan.problems)
    parts = [f"{plan.repeats}：勾选“结果”中的方框才会导入此行"] if plan.action == REPEAT else []
    parts += [f"提示：{w.field}：{w.message}" for w in plan.warnings]
    parts += [str(c) for c in plan.changes]
    return sep.join(parts)


class ImportWizard(QDialog):
    """The import dialog for one ledger (or a choice of ledgers); emits `imported(kind)` after a change."""

    imported = Signal(str)

    def __init__(self, ledger: Ledger, ledger_key: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.kind = ledger_key if ledger_key in KINDS else "workers"
        self.loaded: Loaded | None = None
        self.layout_: Layout | None = None
        self.plan: Plan | None = None
        self.outcome: importing.ImportOutcome | None = None
        self.pasted: Loaded | None = None   # rows pasted from a spreadsheet instead of a file
        self.task = None   # the running background task, for tests
        self.setWindowTitle("导入台账")
        remember_size(self, "import", QSize(980, 640))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._columns_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._done_page())
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        self.import_button = QPushButton("导入")
        self.close_button = QPushButton("关闭")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.kind_box.setCurrentIndex(list(KINDS).index(self.kind))
        if ledger_key in KINDS:
            self.kind_box.setEnabled(False)
        self._show(PAGE_FILE)
        self.refresh_last_import()

    # --- page 1: the file ---------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        self.kind_box = QComboBox()
        for key, service in KINDS.items():
            self.kind_box.addItem(f"{service.name}台账", key)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("选择要导入的 Excel/WPS 文件（.xlsx、.xls）、CSV 文件，或其他系统导出的网页/XML 表格")
        self.path_edit.textChanged.connect(lambda _text: self._update_buttons())
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.template_button = QPushButton("生成空白导入模板…")
        self.template_button.clicked.connect(self.save_template)
        form = QFormLayout()
        form.addRow("台账：", self.kind_box)
        form.addRow("文件：", row)
        hint = QLabel("可直接导入现有的台账表格：标题行、合并单元格、序号列、合计行和签字行都会自动识别。\n"
                      "默认“全部成功才写入”：只要有一行有错误，就不会写入任何数据。")
        hint.setWordWrap(True)
        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.undo_button = QPushButton("撤销上次导入")
        self.undo_button.clicked.connect(self.undo_last)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.last_label, 1)
        undo_row.addWidget(self.undo_button)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.template_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        layout.addLayout(undo_row)
        return page

    def _kind_changed(self, index: int) -> None:
        self.kind = self.kind_box.itemData(index) or self.kind
        self.loaded = self.layout_ = self.plan = None

    def browse(self) -> None:
        path = open_path(self, IMPORT, "选择要导入的文件", FILE_FILTER)
        if path is not None:
            self.path_edit.setText(str(path))

    def save_template(self) -> None:
        name = f"{KINDS[self.kind].name}台账导入模板.xlsx"
        path = save_path(self, XLSX, "保存导入模板", name, EXCEL_FILTER, ".xlsx")
        if path is not None:
            self.write_template(path)

    def write_template(self, path: str | Path) -> None:
        from exports.import_templates import write_template
        try:
            write_template(self.ledger, self.kind, Path(path))
        except LedgerError as exc:
            messages.warn(self, "生成模板", str(exc))
            return
        messages.inform(self, "生成模板", f"已生成导入模板：{path}")

    def refresh_last_import(self) -> None:
        try:
            batch = importing.last_import(self.ledger)
        except LedgerError:
            batch = None
        self.last_label.setText(f"上次导入：{batch.describe()}" if batch else "")
        self.undo_button.setVisible(batch is not None)

    def undo_last(self) -> None:
        batch = importing.last_import(self.ledger)
        if batch is None:
            return
        if not messages.ask(self, "撤销导入", f"撤销{batch.describe()}？\n这次导入新增的记录将被删除，被修改的记录恢复原值。",
                            yes="撤销导入"):
            return

        def done(outcome) -> None:
            messages.inform(self, "撤销导入", outcome.summary())
            self.refresh_last_import()
            self.imported.emit(batch.kind)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                messages.warn(self, "无法撤销", "\n".join(str(p) for p in exc.problems))
            else:
                from .tasks import show_error
                show_error(self, "撤销导入", exc)
        ledger = self.ledger
        self.task = run_task(self, "正在撤销导入", lambda progress: importing.undo_last(ledger, progress), done, failed)

    # --- page 2: header and columns ------------------------------------------------------------------------
    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.sheet_box = QComboBox()
        self.sheet_box.activated.connect(lambda _i: self.load_file(sheet=self.sheet_box.currentText()))
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 30)
        self.header_spin.setToolTip("表头所在的行号；自动识别不对时可以改")
        self.header_spin.editingFinished.connect(self._header_row_changed)
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("工作表："))
        top.addWidget(self.sheet_box)
        top.addSpacing(16)
        top.addWidget(QLabel("表头所在行："))
        top.addWidget(self.header_spin)
        top.addStretch(1)
        self.columns_table = QTableWidget(0, 4)
        self.columns_table.setHorizontalHeaderLabels(["列", "表中的列名", "导入到", "示例"])
        self.columns_table.verticalHeader().setVisible(False)
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.columns_table.setColumnWidth(1, 220)
        self.columns_table.setColumnWidth(2, 200)
        self.missing_label = QLabel()
        self.missing_label.setStyleSheet("color: #b00020;")
        self.missing_label.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.header_label)
        layout.addWidget(self.columns_table, 1)
        layout.addWidget(self.missing_label)
        return page

    def load_file(self, path: str | Path | None = None, sheet: str | None = None) -> None:
        """Read the file in the background, then show the detected header and columns."""
        text = str(path) if path else self.path_edit.text().strip()
        if not text:
            return
        path = Path(text)
        if text != self.path_edit.text():
            self.path_edit.setText(text)
        kind = self.kind

        def work(progress):
            progress.report(0, 0, f"正在读取“{path.name}”")
            loaded = importing.load(path, kind, sheet)
            return loaded, importing.layout_for(loaded, kind)

        def done(result) -> None:
            self.loaded, layout = result
            self.show_layout(layout)
            self._show(PAGE_COLUMNS)
        self.task = run_task(self, "正在读取文件", work, done)

    def take_rows(self, loaded: Loaded) -> None:
        """Rows pasted from a spreadsheet (ledger.importing.load_text): their header and columns, then the preview."""
        self.loaded = self.pasted = loaded
        self.path_edit.setText(self._pasted_text(loaded))
        self.show_layout(importing.layout_for(loaded, self.kind))
        self._show(PAGE_COLUMNS)
        if self.next_button.isEnabled():
            self.start_preview()

    @staticmethod
    def _pasted_text(loaded: Loaded) -> str:
        return f"（从{loaded.path.name}粘贴的{len(loaded.sheet.rows):,}行）"

    def _header_row_changed(self) -> None:
        if self.loaded is None or self.layout_ is None or self.header_spin.value() == self.layout_.header_last:
            return
        self.show_layout(importing.layout_for(self.loaded, self.kind, header_row=self.header_spin.value()))

    def show_layout(self, layout: Layout) -> None:
        self.layout_ = layout
        self.plan = None
        loaded = self.loaded
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        self.sheet_box.addItems(loaded.sheet_names)
        self.sheet_box.setCurrentText(loaded.sheet.name)
        self.sheet_box.setEnabled(len(loaded.sheet_names) > 1)
        self.sheet_box.blockSignals(False)
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(max(1, layout.header_last if layout.found else 1))
        self.header_spin.blockSignals(False)
        if layout.found:
            rows = (f"第{layout.header_first}行" if layout.header_first == layout.header_last
                    else f"第{layout.header_first}–{layout.header_last}行")
            text = f"检测到表头在{rows}，数据从第{layout.data_start}行开始。"
            if layout.remembered:
                text += "已按上次为同样格式的表格所做的设置对应各列。"
            text += "如有列没有对应上，请在“导入到”中选择。"
        else:
            text = "没有找到表头：请在“表头所在行”中填写列名所在的行号，或在下面为各列选择对应的栏目。"
        self.header_label.setText(text)
        fields = [f for f in KINDS[self.kind].fields if not f.derived]
        sample = self._sample_row(layout)
        self.columns_table.setRowCount(len(layout.columns))
        for r, column in enumerate(layout.columns):
            self.columns_table.setItem(r, 0, QTableWidgetItem(column.letter))
            header = QTableWidgetItem(column.header or "（空）")
            self.columns_table.setItem(r, 1, header)
            box = QComboBox()
            box.addItem(NOT_IMPORTED, None)
            for f in fields:
                box.addItem(f.label + ("（必填）" if f.required else ""), f.key)
            box.setCurrentIndex(max(0, box.findData(column.field)) if column.field else 0)
            if column.status in (SEQUENCE, DERIVED, DUPLICATE) and not column.field:
                box.setToolTip({SEQUENCE: "序号列，不导入", DERIVED: "由身份证号自动计算，不导入",
                                DUPLICATE: "与前面的列重复，不导入"}[column.status])
            if column.status == UNKNOWN:
                header.setBackground(WARNING_BRUSH)
                header.setToolTip("未识别的列名：如需导入，请选择对应的栏目")
            box.currentIndexChanged.connect(lambda _i, col=column.index, b=box: self.set_column(col, b.currentData()))
            self.columns_table.setCellWidget(r, 2, box)
            value = sample[column.index] if column.index < len(sample) else None
            self.columns_table.setItem(r, 3, QTableWidgetItem("" if value is None else str(value)))
        self._show_missing()
        self._update_buttons()

    def _sample_row(self, layout: Layout) -> list:
        rows = self.loaded.sheet.rows if self.loaded else []
        for row in rows[layout.data_start - 1:layout.data_start + 20]:
            if any(v not in (None, "") for v in row):
                return list(row)
        return []

    def set_column(self, index: int, field: str | None) -> None:
        """The clerk chose what a column fills (None: not imported)."""
        if self.layout_ is None:
            return
        self.layout_ = self.layout_.with_mapping({index: field}, MANUAL)
        self.plan = None
        for r, column in enumerate(self.layout_.columns):
            box = self.columns_table.cellWidget(r, 2)
            if isinstance(box, QComboBox) and box.currentData() != column.field:
                box.blockSignals(True)
                box.setCurrentIndex(max(0, box.findData(column.field)) if column.field else 0)
                box.blockSignals(False)
        self._show_missing()
        self._update_buttons()

    def missing_fields(self) -> list[str]:
        if self.layout_ is None:
            return []
        mapped = set(self.layout_.mapping().values())
        return [f.label for f in KINDS[self.kind].fields if f.required and not f.derived and f.key not in mapped]

    def _show_missing(self) -> None:
        missing = self.missing_fields()
        self.missing_label.setText(f"还缺少必填的列：{'、'.join(missing)}" if missing else "")

    # --- page 3: preview ----------------------------------------------------------------------------------
    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.filter_box = QComboBox()
        for text, key in FILTERS:
            self.filter_box.addItem(text, key)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(QLabel("显示："))
        top.addWidget(self.filter_box)
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.verticalHeader().setVisible(False)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.preview_view.setColumnWidth(0, 80)
        self.preview_view.setColumnWidth(1, 100)   # room for the check box of a 疑似重复 row
        self.preview_view.setColumnWidth(2, 160)
        self.skipped_label = QLabel()
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setStyleSheet("color: #666;")
        self.valid_only = QCheckBox("只导入没有错误的行（有错误的行不导入）")
        self.valid_only.toggled.connect(lambda _on: self._update_buttons())
        self.keep_duplicates = QCheckBox("疑似重复的行也全部导入（确认它们不是重复录入）")
        self.keep_duplicates.toggled.connect(self.preview_model.keep_all)
        self.preview_model.kept_changed.connect(self._kept_changed)
        self.preview_tools = TableTools(self.preview_view, lambda: f"{KINDS[self.kind].name}导入预览",
                                        filters=lambda: self.filter_box.currentText() if self.filter_box.currentIndex() else "")
        for button in self.preview_tools.buttons():
            top.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.preview_view, 1)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.keep_duplicates)
        layout.addWidget(self.valid_only)
        return page

    def _kept_changed(self) -> None:
        duplicates = self.plan.count(REPEAT) if self.plan is not None else 0
        self.keep_duplicates.blockSignals(True)
        self.keep_duplicates.setChecked(bool(duplicates) and len(self.preview_model.kept) == duplicates)
        self.keep_duplicates.blockSignals(False)
        self._update_buttons()

    def start_preview(self) -> None:
        if self.loaded is None or self.layout_ is None:
            return
        ledger, kind, loaded, layout = self.ledger, self.kind, self.loaded, self.layout_

        def done(plan: Plan) -> None:
            self.show_plan(plan)
            self._show(PAGE_PREVIEW)
        self.task = run_task(self, "正在检查每一行",
                             lambda progress: importing.preview(ledger, kind, loaded, layout, progress), done)

    def show_plan(self, plan: Plan) -> None:
        self.plan = plan
        errors = plan.count(ERROR)
        warnings = sum(1 for r in plan.rows if r.warnings)
        text = f"共{len(plan.rows)}行：新增{plan.count(NEW)}条，更新{plan.count(UPDATE)}条，不变{plan.count(SAME)}条"
        duplicates = plan.count(REPEAT)
        if duplicates:
            text += (f"，疑似重复{duplicates}条（与已登记的记录完全相同，默认不导入：确认不是重复录入的，"
                     "请在“结果”中勾选，或勾选下方的“全部导入”）")
        if warnings:
            text += f"，{warnings}行有提示"
        if plan.repeat_of is not None:
            text += f"。注意：这个文件的内容已经导入过（{plan.repeat_of.describe()}）"
        if plan.problems:
            text += "。" + "；".join(str(p) for p in plan.problems)
        if errors:
            text += f"。{errors}行有错误（红色）：默认不会写入任何数据；改正后重新导入，或勾选下方选项只导入正确的行"
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet("color: #b00020;" if errors or plan.problems or plan.repeat_of else "")
        self.valid_only.setChecked(False)
        self.valid_only.setVisible(bool(errors) and not plan.problems)
        self.keep_duplicates.blockSignals(True)
        self.keep_duplicates.setChecked(False)
        self.keep_duplicates.blockSignals(False)
        self.keep_duplicates.setVisible(bool(duplicates) and not plan.problems)
        self.preview_model.kept = set()
        skipped = [f"第{row}行{reason}" for row, reason in plan.skipped]
        if plan.blank_rows:
            skipped.append(f"{plan.blank_rows}个空行")
        self.skipped_label.setText(("未导入：" + "；".join(skipped[:8]) + ("……" if len(skipped) > 8 else ""))
                                   if skipped else "")
        self._filter_changed()
        self._update_buttons()

    def _filter_changed(self) -> None:
        self.preview_model.set_plan(self.plan, self.filter_box.currentData())

    # --- page 4: import and done --------------------------------------------------------------------------
    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_undo = QPushButton("撤销这次导入")
        self.done_undo.clicked.connect(self.undo_last)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addWidget(self.done_undo, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or plan.problems or not plan.rows:
            return False
        if plan.count(ERROR) and not self.valid_only.isChecked():
            return False
        return plan.count(NEW) + plan.count(UPDATE) + len(self.preview_model.kept) > 0

    def start_import(self) -> None:
        if not self.can_import():
            return
        ledger, kind, loaded, layout = self.ledger, self.kind, self.loaded, self.layout_
        valid_only = self.valid_only.isChecked()
        kept = set(self.preview_model.kept)
        again = self.plan.repeat_of is not None
        if again and not messages.ask(self, "再次导入", f"这个文件的内容已经导入过：{self.plan.repeat_of.describe()}。\n"
                                      "再导入一次，其中的记录可能重复。仍要导入吗？", yes="仍要导入"):
            return

        def done(result) -> None:
            plan, outcome = result
            self.outcome = outcome
            importing.remember_layout(kind, layout)
            text = f"已导入{KINDS[kind].name}台账：{outcome.summary()}。"
            if outcome.problems:
                text += "\n未导入的行：\n" + "\n".join(str(p) for p in outcome.problems[:20])
            self.done_label.setText(text)
            self.done_undo.setVisible(outcome.batch_id is not None)
            self._show(PAGE_DONE)
            self.refresh_last_import()
            if outcome.batch_id is not None:
                from . import undo
                window = undo.window_of(self.parentWidget())
                if window is not None:
                    name = f"{KINDS[kind].name}台账（{loaded.path.name}）"
                    undo.push(window, undo.ImportCommand(window, kind, outcome.batch_id, name))
                self.imported.emit(kind)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                # The data changed since the preview: show the new verdict.
                messages.warn(self, "未导入", "数据在预览后有变化，重新检查发现问题，没有写入任何数据：\n"
                              + "\n".join(str(p) for p in exc.problems[:20]))
                self.start_preview()
            elif isinstance(exc, RepeatedImport):
                # Someone imported the same file since the preview: ask again with that import named.
                messages.warn(self, "未导入", f"{exc}\n没有写入任何数据。")
                self.start_preview()
            else:
                from .tasks import show_error
                show_error(self, "导入", exc)
        previewed = self.plan
        self.task = run_task(self, f"正在导入{KINDS[kind].name}台账",
                             lambda progress: importing.run_import(ledger, kind, loaded, layout, valid_only=valid_only,
                                                                   again=again, keep_duplicates=kept,
                                                                   progress=progress, previewed=previewed),
                             done, failed)

    # --- navigation ---------------------------------------------------------------------------------------
    def _show(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex() if hasattr(self, "stack") else PAGE_FILE
        self.back_button.setVisible(page in (PAGE_COLUMNS, PAGE_PREVIEW))
        self.next_button.setVisible(page in (PAGE_FILE, PAGE_COLUMNS))
        self.import_button.setVisible(page == PAGE_PREVIEW)
        self.close_button.setText("完成" if page == PAGE_DONE else "关闭")
        if page == PAGE_FILE:
            self.next_button.setEnabled(bool(self.path_edit.text().strip()))
        elif page == PAGE_COLUMNS:
            self.next_button.setEnabled(self.layout_ is not None and not self.missing_fields()
                                        and bool(self.layout_.mapping()))
        self.import_button.setEnabled(self.can_import())

    def go_next(self) -> None:
        page = self.stack.currentIndex()
        if page == PAGE_FILE and self.pasted is not None and self.path_edit.text() == self._pasted_text(self.pasted):
            self.take_rows(self.pasted)
        elif page == PAGE_FILE:
            self.load_file()
        elif page == PAGE_COLUMNS:
            self.start_preview()

    def go_back(self) -> None:
        page = self.stack.currentIndex()
        self._show(PAGE_FILE if page == PAGE_COLUMNS else PAGE_COLUMNS)


def open_import_wizard(ledger: Ledger, ledger_key: str | None, parent: QWidget | None = None,
                       loaded: Loaded | None = None) -> ImportWizard:
    """Show the wizard (window-modal) and return it; connect `imported` to refresh the pages. With `loaded` (rows
    pasted from a spreadsheet) it opens on their columns, as if a file had been read."""
    wizard = ImportWizard(ledger, ledger_key, parent)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.show()
    if loaded is not None:
        wizard.take_rows(loaded)
    return wizard


__all__ = ["ImportWizard", "PreviewModel", "open_import_wizard", "explain"]
