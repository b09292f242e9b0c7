"""工资: choose the month, run it, review every line with how each figure was reached, add 补发/扣款, approve, export.

The lines can be searched (姓名, 社区, 拼音首字母), end in a 合计 row over those shown, and have the tools every
table has (ui.table_tools). A month that pays the 奖励性绩效 says plainly who lacks the year's 年度考核 (paid 0)
and opens a table to enter it for many at once; 成本测算 is the 报表 page's 年度人力成本 in a window of its own.

Every action is a call of ledger.pay (the same the command line makes); long ones run through ui.tasks with a
progress bar; dialogs are opened, never run modally. The page reads `window.ledger` at each call, so a login
that changes the actor takes effect.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMenu, QPlainTextEdit, QPushButton, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from exports.table import TableColumn
from ledger.errors import LedgerError
from ledger.money import format_yuan
from ledger.pay.appraisals import bonus_gaps
from ledger.pay.columns import COUNT, MONEY, SHEET
from ledger.pay.runs import LineRecord, Payroll, RunSummary, month_label

from . import messages
from .file_dialogs import EXCEL_FILTER, PDF, PDF_FILTER, XLSX, save_path
from .pinyin import initials
from .table_tools import TableTools
from .tasks import run_task

COLUMNS = SHEET
_NUMBERS = frozenset(i for i, c in enumerate(COLUMNS) if c.kind in (MONEY, COUNT))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

EXPORTS = (("工资发放表（Excel）", "salary-sheet", ".xlsx"), ("工资发放表（PDF）", "salary-sheet", ".pdf"),
           ("银行代发清单（Excel）", "bank-list", ".xlsx"), ("工资条（PDF）", "payslips", ".pdf"),
           ("工资条（Excel）", "payslips", ".xlsx"))
_BOLD = QFont()
_BOLD.setBold(True)


class PayLinesModel(QAbstractTableModel):
    """The run's lines that match the search, then a 合计 row over them; formatted once when set, so that data()
    only indexes into prepared strings."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[LineRecord] = []
        self.shown: list[LineRecord] = []
        self._text: list[tuple[str, ...]] = []
        self._all_text: list[tuple[str, ...]] = []
        self._hay: list[str] = []
        self.totals: dict[str, Decimal] = {}

    def set_lines(self, lines: list[LineRecord], search: str = "") -> None:
        self.lines = list(lines)
        self._all_text = [tuple(format_yuan(getattr(line, c.key)) if c.kind == MONEY else str(getattr(line, c.key))
                                for c in COLUMNS) for line in self.lines]
        self._hay = [f"{line.community}\t{line.worker_name}\t{initials(line.worker_name)}\t{initials(line.community)}"
                     .lower() for line in self.lines]
        self.search(search)

    def search(self, text: str) -> None:
        """Show the lines whose 姓名 or 社区 (or their 拼音首字母) hold every word typed; the 合计 follows."""
        terms = text.lower().split()
        chosen = [i for i, hay in enumerate(self._hay) if all(t in hay for t in terms)]
        self.beginResetModel()
        self.shown = [self.lines[i] for i in chosen]
        self._text = [self._all_text[i] for i in chosen]
        self.totals = {c.key: sum((getattr(line, c.key) for line in self.shown), Decimal("0.00"))
                       for c in COLUMNS if c.kind == MONEY}
        if self.shown:
            self._text.append(tuple("合计" if c.key == "community" else f"{len(self.shown)}人" if c.key == "worker_name"
                                    else format_yuan(self.totals[c.key]) if c.kind == MONEY else "" for c in COLUMNS))
        self.endResetModel()

    def is_total(self, row: int) -> bool:
        return bool(self.shown) and row == len(self.shown)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._text)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if not index.isValid() or not (0 <= row < len(self._text)) or not (0 <= column < len(COLUMNS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and self.is_total(row):
            return _BOLD
        return None

    def table_column(self, column: int) -> TableColumn:
        c = COLUMNS[column]
        kind = "money" if c.kind == MONEY else "int" if c.kind == COUNT else "short" if c.centered else "text"
        return TableColumn(c.label, kind, c.width, key=c.key in ("community", "worker_name"))

    def cell_value(self, row: int, column: int) -> Any:
        if not (0 <= row < len(self._text) and 0 <= column < len(COLUMNS)):
            return None
        c = COLUMNS[column]
        if self.is_total(row):
            return self.totals[c.key] if c.kind == MONEY else self._text[row][column] or None
        return getattr(self.shown[row], c.key)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section].label
        return None

    def line(self, row: int) -> LineRecord | None:
        """The worker's line shown at `row` (None for the 合计 row)."""
        return self.shown[row] if 0 <= row < len(self.shown) else None


class AdjustmentDialog(QDialog):
    """其他补发 / 其他扣款 for one worker of the month, with its reason."""

    def __init__(self, parent: QWidget | None, month: str, lines: list[LineRecord], preselect: int | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{month_label(month)} 添加其他补发或扣款")
        self.worker = QComboBox()
        for line in lines:
            self.worker.addItem(f"{line.worker_name}（{line.community}）", line.worker_id)
        if preselect is not None:
            self.worker.setCurrentIndex(max(0, self.worker.findData(preselect)))
        self.kind = QComboBox()
        self.kind.addItems(["补发", "扣款"])
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("金额（元），如 150.00")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("必填，如：补发3月等级工资差额")
        self.untaxed = QCheckBox("补发不计税 / 扣款为税后扣款")
        form = QFormLayout(self)
        form.addRow("人员", self.worker)
        form.addRow("类别", self.kind)
        form.addRow("金额", self.amount)
        form.addRow("原因", self.reason)
        form.addRow("", self.untaxed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[int, str, str, str, bool]:
        return (self.worker.currentData(), self.kind.currentText(), self.amount.text(), self.reason.text(),
                not self.untaxed.isChecked())


class PayPage(QWidget):
    """The 工资 page; `window` is the main window (or anything with a `ledger` attribute)."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.summary_: RunSummary | None = None
        self.last_export: Path | None = None
        self.last_warnings: list[str] = []   # what the last export asks to check: a column, a stored number
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy年M月")
        today = date.today()
        self.month_edit.setDate(QDate(today.year, today.month, 1))
        try:   # open on the month that needs work: the oldest draft, or the month after the last approved run
            waiting = Payroll(window.ledger).next_month_to_run()
        except LedgerError:
            waiting = None
        if waiting:
            self.set_month(waiting)
        self.month_edit.dateChanged.connect(lambda _d: self.refresh())
        self.bonus = QCheckBox("本月发放奖励性绩效")
        self.bonus.setToolTip("按本年度考核结果发放；不勾选时默认在工资标准规定的月份（通常为12月）发放")
        self.run_button = QPushButton("生成 / 重新计算")
        self.run_button.clicked.connect(self.run_month)
        self.approve_button = QPushButton("审批")
        self.approve_button.clicked.connect(self.approve_month)
        self.adjust_button = QPushButton("添加补发/扣款")
        self.adjust_button.clicked.connect(self.add_adjustment)
        self.export_button = QPushButton("导出")
        menu = QMenu(self.export_button)
        for label, kind, suffix in EXPORTS:
            menu.addAction(label, lambda k=kind, s=suffix, t=label: self.export(k, s, t))
        self.export_button.setMenu(menu)
        self.cost_button = QPushButton("成本测算…")
        self.cost_button.setToolTip("年度人力成本：全年应发与单位缴费合计，以及等级额上调的测算")
        self.cost_button.clicked.connect(lambda: self.open_cost())
        self.standard_button = QPushButton("工资标准…")
        self.standard_button.clicked.connect(lambda: self.open_standard())
        self.grading_button = QPushButton("年度调级…")
        self.grading_button.clicked.connect(lambda: self.open_grading())
        self.appraisal_button = QPushButton("录入年度考核…")
        self.appraisal_button.setToolTip("为多人一起录入本年度的考核结果（决定奖励性绩效）")
        self.appraisal_button.clicked.connect(lambda: self.open_appraisals())
        bar = QHBoxLayout()
        bar.addWidget(QLabel("月份"))
        for widget in (self.month_edit, self.bonus, self.run_button, self.approve_button, self.adjust_button,
                       self.export_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.appraisal_button, self.cost_button, self.standard_button, self.grading_button):
            bar.addWidget(widget)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.warning = QLabel()      # a bonus month whose workers lack the year's 年度考核
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.warning_button = QPushButton("录入年度考核…")
        self.warning_button.clicked.connect(lambda: self.open_appraisals())
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.warning, 1)
        warning_row.addWidget(self.warning_button)
        self.warning_box = QWidget()
        self.warning_box.setLayout(warning_row)
        warning_row.setContentsMargins(0, 0, 0, 0)
        self.warning_box.hide()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、社区或拼音首字母")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(320)
        self.search.textChanged.connect(self._search_changed)
        self.model = PayLinesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {"community": 110, "worker_name": 72, "post_name": 48, "level": 44}
        for column, c in enumerate(COLUMNS):   # fixed widths: measuring 10,000 rows would be slow
            header.resizeSection(column, widths.get(c.key, 92))
        self.tools = TableTools(self.table, self.print_title, filters=lambda: (f"搜索“{self.search.text().strip()}”"
                                                                            if self.search.text().strip() else ""))
        menu.addSeparator()
        self.tools.add_exports(menu, "工资明细（按当前搜索，Excel）", "工资明细（按当前搜索，PDF）")
        lines_bar = QHBoxLayout()
        lines_bar.addWidget(self.search)
        lines_bar.addStretch(1)
        lines_bar.addWidget(self.tools.make_print_button("打印明细…"))
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self.explain_row(current.row()))
        self.explanation = QPlainTextEdit()
        self.explanation.setReadOnly(True)
        self.explanation.setPlaceholderText("选中一行，这里显示每个数字的来历：哪个等级、哪些项目、个税如何算出")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.explanation)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.warning_box)
        layout.addLayout(lines_bar)
        layout.addWidget(splitter, 1)
        self.stale = True
        self.dialog: QDialog | None = None    # the dialog last opened from the page, for tests

    # --- page protocol ------------------------------------------------------------------------------------
    @property
    def ledger(self):
        return self.window_.ledger

    def activate(self) -> None:
        if self.stale:
            self.refresh()

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def month(self) -> str:
        d = self.month_edit.date()
        return f"{d.year():04d}-{d.month():02d}"

    def set_month(self, month: str) -> None:
        self.month_edit.setDate(QDate(int(month[:4]), int(month[5:7]), 1))

    def refresh(self) -> None:
        """Show the chosen month's run (or what to do first)."""
        self.stale = False
        pay = Payroll(self.ledger)
        month = self.month()
        self.summary_ = pay.summary(month)
        lines = pay.lines(month) if self.summary_ is not None else []
        self.model.set_lines(lines, self.search.text())
        self.explanation.clear()
        self._show_status()
        self._show_bonus_gaps()

    def _search_changed(self, text: str) -> None:
        self.model.search(text)
        self.explanation.clear()

    def print_title(self) -> str:
        from ledger.services.street import street_name
        return f"{street_name(self.ledger) or ''}{month_label(self.month())}工资明细"

    def _show_bonus_gaps(self) -> None:
        """Say plainly when the month pays the 奖励性绩效 and some get 0 for want of the year's 年度考核."""
        try:
            gaps = bonus_gaps(self.ledger, self.month())
        except LedgerError:
            gaps = None
        self.warning.setText(gaps.warning() if gaps is not None else "")
        self.warning_box.setVisible(gaps is not None)
        self.warning_button.setVisible(gaps is not None and gaps.missing > 0)
        self.appraisal_button.setVisible(not self.warning_button.isVisibleTo(self))   # one such button is enough

    def _show_status(self) -> None:
        s = self.summary_
        month = self.month()
        if s is None:
            nxt = Payroll(self.ledger).next_month_to_run()
            hint = "" if nxt in (None, month) else f"（按顺序，下一个应处理的是{month_label(nxt)}）"
            self.status.setText(f"{month_label(month)}还没有工资表。点“生成”计算草稿{hint}。")
            self.bonus.setChecked(False)
        else:
            bonus = "，发放奖励性绩效（按年度考核）" if s.pays_bonus else ""
            self.status.setText(f"{month_label(month)} <b>{s.status}</b>{bonus}：{s.workers}人，"
                                f"应发合计 {format_yuan(s.gross)}，扣款合计 {format_yuan(s.deduct)}，"
                                f"实发合计 {format_yuan(s.net)}，单位缴费 {format_yuan(s.employer)}"
                                + (f"（{s.approved_by or ''}于{s.approved_at:%Y-%m-%d %H:%M}审批，数字已锁定）"
                                   if s.approved else ""))
            self.bonus.setChecked(s.pays_bonus)
        approved = s is not None and s.approved
        self.run_button.setEnabled(not approved)
        self.approve_button.setEnabled(s is not None and not approved)
        self.adjust_button.setEnabled(not approved)
        self.export_button.setEnabled(s is not None)

    def explain_row(self, row: int) -> None:
        line = self.model.line(row)
        if line is None:   # nothing selected, or the 合计 row
            self.explanation.clear()
            return
        self.explanation.setPlainText(Payroll(self.ledger).explain(self.month(), line.worker_id))

    # --- actions ------------------------------------------------------------------------------------------
    def run_month(self):
        month, ledger = self.month(), self.ledger
        bonus = self.bonus.isChecked() if (self.bonus.isChecked() or self.summary_ is not None) else None
        return run_task(self, f"正在计算{month_label(month)}工资", lambda progress: Payroll(ledger).run(
            month, bonus, progress=progress), on_success=lambda _s: self.refresh())

    def approve_month(self) -> None:
        s = self.summary_
        if s is None:
            return
        negative = Payroll(self.ledger).negative_lines(s.month)
        if negative:
            from .negative_pay_dialog import ask_reason
            reason = ask_reason(self, s.month, negative)
            if reason is None:
                return
        elif not messages.ask(self, "审批工资表", f"审批{month_label(s.month)}的工资表（{s.workers}人，实发合计 "
                                                  f"{format_yuan(s.net)}）？审批后数字不能再改，更正只能在以后月份补发或扣款。",
                              yes="审批"):
            return
        try:
            Payroll(self.ledger).approve(s.month, negative_reason=reason if negative else None)
        except Exception as exc:  # noqa: BLE001 — shown to the user as it is
            from .tasks import show_error
            show_error(self, "审批工资表", exc)
        self.refresh()

    def add_adjustment(self) -> AdjustmentDialog:
        current = self.model.line(self.table.currentIndex().row())
        dialog = AdjustmentDialog(self, self.month(), self.model.lines, current.worker_id if current else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.save_adjustment(*dialog.values()))
        dialog.open()
        self.dialog = dialog
        return dialog

    def save_adjustment(self, worker_id: int, kind: str, amount: str, reason: str, taxable: bool) -> bool:
        try:
            Payroll(self.ledger).add_adjustment(self.month(), worker_id, kind, amount, reason, taxable)
        except Exception as exc:  # noqa: BLE001
            from .tasks import show_error
            show_error(self, "添加补发/扣款", exc)
            return False
        self.refresh()
        return True

    def export(self, kind: str, suffix: str, label: str, path: str | None = None):
        month, ledger = self.month(), self.ledger
        if path is None:
            default = f"{month_label(month)}{label.split('（')[0]}{suffix}"
            pdf = suffix == ".pdf"
            path = save_path(self, PDF if pdf else XLSX, f"导出{label}", default, PDF_FILTER if pdf else EXCEL_FILTER,
                             suffix)
            if path is None:
                return None
        out = Path(path)
        if out.suffix.lower() != suffix:
            out = out.with_suffix(suffix)
        warnings: list[str] = []     # filled off the GUI thread: a column too narrow, a number to check

        def work(progress):
            def step(done: int, total: int) -> None:
                progress.report(done, total, f"{label}：{done}/{total}")
            if kind == "salary-sheet":
                from exports.salary_sheet import export_salary_sheet
                return export_salary_sheet(ledger, month, out, step, warn=warnings.append)
            if kind == "bank-list":
                from exports.bank_list import export_bank_list
                return export_bank_list(ledger, month, out, step, warn=warnings.append)
            from exports.payslips import export_payslips
            return export_payslips(ledger, month, out, step, warn=warnings.append)

        return run_task(self, f"正在导出{label}", work, on_success=lambda path: self._exported(path, warnings))

    def _exported(self, path: Path, warnings: Sequence[str] = ()) -> None:
        self.last_export = Path(path)
        self.last_warnings = list(warnings)
        text = f"已导出：{path}"
        if warnings:
            text += "\n\n请注意（文件已按原样导出）：\n" + "\n".join(warnings[:20])
        if messages.ask(self, "导出完成", text, yes="打开文件", no="关闭"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_standard(self) -> QDialog:
        from .pay_standard_dialog import PayStandardDialog
        return self._open(PayStandardDialog(self.ledger, self))

    def open_grading(self) -> QDialog:
        from .grading_dialog import GradingDialog
        return self._open(GradingDialog(self.ledger, self))

    def open_cost(self) -> QDialog:
        """成本测算: the 年度人力成本 of the month's year, with the what-if of a raise."""
        from .labour_cost_view import open_labour_cost
        self.dialog = open_labour_cost(self.window_, int(self.month()[:4]), self)
        return self.dialog

    def open_appraisals(self) -> QDialog:
        """录入年度考核 for the workers of the month's run (or those in post), many at once."""
        from .appraisals_dialog import open_appraisals
        self.dialog = open_appraisals(self.ledger, int(self.month()[:4]), self.month(), self)
        self.dialog.saved.connect(lambda _count: self.refresh())
        return self.dialog

    def _open(self, dialog: QDialog) -> QDialog:
        """Open a dialog without blocking; the page reads the month again when it closes."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        self.dialog = dialog
        return dialog
