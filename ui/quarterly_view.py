"""季度统计汇总 on the 报表 page: choose the quarter, read the figures and their change on the previous quarter,
export them (Excel for upward reporting, PDF for leaders), print the PDF, close (关账) or reopen the quarter.

Everything is a call of ledger.quarter and exports.quarterly_* — the services `quarter …` and
`export quarterly` use on the command line. Who may close is the service's rule (quarter.check_close); the
window only asks it, to say on the disabled button why.
"""
from __future__ import annotations

import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from exports import quarterly_content as content
from exports.safe import sanitize_filename
from ledger import quarter
from ledger.errors import LedgerError
from ledger.quarter import Quarter, QuarterReport

from . import messages
from .community_choice import CommunityChoice
from .file_dialogs import EXCEL_FILTER, PDF, PDF_FILTER, XLSX, save_path
from .table_model import TupleTableModel
from .tasks import run_task

NOTE_STYLE = "color: #7f8c8d;"


def _cell(value: object) -> str:
    """A figure as the report prints it: money with two decimals, counts with thousands, a rate with %."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def community_table(report: QuarterReport) -> tuple[list[str], list[tuple[str, ...]], set[int]]:
    """Headers, rows (each community, then 合计) and the numeric columns of the summary table."""
    f = report.figures
    fields = [name for name in content.row_fields(f)
              if name not in content.POST_FIELDS or content.POST_FIELDS.index(name) < len(f.posts)]
    renamed = {content.POST_FIELDS[i]: post for i, post in enumerate(f.posts)}
    months = f"（{f.quarter.months_label}）"
    units = {"年度预算": "（元）", "拨入": "（元）", "支出": "（元）", "结余": "（元）", "阵地面积": "（平方米）",
             "活动次数": months, "服务人次": months, "诉求受理": months, "诉求办结": months}
    headers = [renamed.get(name, name) + units.get(name, "") for name in fields]
    headers[fields.index("拨入")] = "累计拨入（元）"
    headers[fields.index("支出")] = "累计支出（元）"
    rows = []
    for row in (*f.rows, f.total):
        values = content.row_values(row, f.posts, f.wider)
        if row is f.total:
            values["达标"] = content.met_text(row)
        for key in ("执行率", *content.RATE_FIELDS):
            rate = values[key]
            values[key] = f"{rate}%" if isinstance(rate, Decimal) else rate
        rows.append(tuple(_cell(values[name]) for name in fields))
    numeric = {i for i, name in enumerate(fields) if name not in ("社区", "达标")}
    return headers, rows, numeric


def indicator_rows(report: QuarterReport) -> list[tuple[str, str, str]]:
    """指标, 本季度, 较上季度 — the figures a leader reads first."""
    out = []
    for indicator in report.indicators:
        value = report.values[indicator.key]
        figure = str(value) if indicator.unit == "%" and value is not None else _cell(value)
        shown = "—" if value is None else f"{figure}{indicator.unit}"
        # the column's header says 较上季度 already
        change = content.change_label(report, indicator.key).removeprefix("较上季度")
        out.append((indicator.label, shown, change))
    return out


class ReopenDialog(QDialog):
    """重新开账 with its reason (required: it goes into the audit trail with the figures that were frozen)."""

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"重新开账 — {label}")
        text = QLabel(f"重新开账后，{label}的统计数据将重新按当前台账计算；原关账时冻结的数字和下面的原因记入操作日志。")
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("必填，如：九月经费漏录，补录后重新关账")
        self.reason.setMinimumWidth(360)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("重新开账", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(QLabel("原因："))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)


class QuarterlyView(QWidget):
    """The 季度统计汇总 tab; `window` is the main window (its ledger is read at every call)."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.report: QuarterReport | None = None
        self.loading = None
        self._again = False
        self.stale = True
        self.quarter_box = QComboBox()
        self.quarter_box.setMinimumContentsLength(14)
        self.quarter_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.quarter_box.currentIndexChanged.connect(lambda _i: self.load())
        self.scope = CommunityChoice()
        self.scope.currentIndexChanged.connect(lambda _i: self.load())
        self.xlsx_button = QPushButton("导出Excel…")
        self.xlsx_button.setToolTip("上报用的 Excel 工作簿（按报表模板填写）")
        self.pdf_button = QPushButton("导出PDF…")
        self.pdf_button.setToolTip("供领导阅看的 PDF，含图表")
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("打印导出的 PDF，先显示打印预览")
        self.close_button = QPushButton("关账…")
        self.reopen_button = QPushButton("重新开账…")
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export(".pdf"))
        self.print_button.clicked.connect(self.print_pdf)
        self.close_button.clicked.connect(self.close_quarter)
        self.reopen_button.clicked.connect(self.reopen_quarter)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("季度："))
        tools.addWidget(self.quarter_box)
        tools.addSpacing(8)
        tools.addWidget(QLabel("范围："))
        tools.addWidget(self.scope)
        tools.addSpacing(16)
        for button in (self.xlsx_button, self.pdf_button, self.print_button, self.close_button, self.reopen_button):
            tools.addWidget(button)
        tools.addStretch(1)

        self.status = QLabel("正在统计……")
        self.status.setWordWrap(True)
        self.note = QLabel()   # why 关账 / 重新开账 are not offered to this account
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.note.hide()
        self.indicators = TupleTableModel(("指标", "本季度", "较上季度"), numeric=(1,))
        self.indicator_view = self._table(self.indicators)
        self.rows = TupleTableModel(())
        self.row_view = self._table(self.rows)
        self.row_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.indicator_view)
        splitter.addWidget(self.row_view)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(tools)
        layout.addWidget(self.status)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self._temp: list[str] = []

    def _table(self, model: TupleTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        view.setAlternatingRowColors(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    @property
    def ledger(self):
        return self.window.ledger

    # --- page protocol -----------------------------------------------------------------------------------
    def activate(self) -> None:
        if self.quarter_box.count() == 0:
            self._fill_quarters()
            self.scope.fill(self.ledger)
        if self.stale:
            self.load()

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.scope.fill(self.ledger)
            self.load()

    def set_scope(self, community_id: int | None, _grid_id=None, _name: str = "") -> None:
        if self.scope.count():
            self.scope.choose(community_id)

    def _fill_quarters(self, select: Quarter | None = None) -> None:
        try:
            found = set(quarter.quarters_with_data(self.ledger))
            closed = {c.quarter for c in quarter.closed_quarters(self.ledger)}
        except LedgerError as exc:
            self.status.setText(str(exc))
            return
        current = Quarter.containing(date.today())
        select = select or (current.previous if current.previous in found else current)
        self.quarter_box.blockSignals(True)
        self.quarter_box.clear()
        for q in sorted(found | closed, reverse=True):
            self.quarter_box.addItem(q.label + ("（已关账）" if q in closed else ""), q.code)
        self.quarter_box.setCurrentIndex(max(0, self.quarter_box.findData(select.code)))
        self.quarter_box.blockSignals(False)

    def chosen(self) -> Quarter | None:
        code = self.quarter_box.currentData()
        return Quarter.parse(code) if code else None

    # --- figures ---------------------------------------------------------------------------------------
    def load(self) -> None:
        q = self.chosen()
        if q is None:
            return
        if self.loading is not None:
            self._again = True
            return
        self._again = False
        ledger, community_id = self.ledger, self.scope.community_id()
        self.status.setText(f"正在统计{q.label}……")
        self.loading = run_task(self, f"正在统计{q.label}", lambda _p: quarter.report(ledger, q, community_id),
                                self._loaded, self._failed)

    def _loaded(self, report: QuarterReport) -> None:
        self.loading = None
        self.stale = False
        if self._again:
            self.load()
            return
        self.report = report
        f = report.figures
        scope = self.scope.currentText() if self.scope.community_id() is not None else "全街道"
        self.status.setText(f"<b>{content.title(f)}</b>　{scope}　截至{content.cn_date(f.as_of)}<br>"
                            f"{content.status_text(f)}")
        self.indicators.set_rows(indicator_rows(report))
        headers, rows, numeric = community_table(report)
        self.rows.headers, self.rows.numeric = headers, numeric
        self.rows.set_rows(rows, bold=[len(rows) - 1])
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.loading = None
        self.status.setText(f"未能统计：{exc}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        """关账 and 重新开账 as the service allows them for this account and quarter, saying why not."""
        q, report = self.chosen(), self.report
        has = report is not None and q is not None and report.figures.quarter == q
        for button in (self.xlsx_button, self.pdf_button, self.print_button):
            button.setEnabled(has)
        closed = has and not report.figures.is_open
        close_why = reopen_why = None
        if not has:
            close_why = reopen_why = "正在统计"
        elif closed:
            close_why = f"{q.label}已关账"
            reopen_why = _refusal(lambda: quarter.check_reopen(self.ledger))
        else:
            close_why = _refusal(lambda: quarter.check_close(self.ledger, q))
            reopen_why = f"{q.label}尚未关账"
        self.close_button.setEnabled(close_why is None)
        self.close_button.setToolTip(close_why or "冻结本季度的统计数据：之后导出、打印的数字不再随台账变化")
        self.reopen_button.setEnabled(reopen_why is None)
        self.reopen_button.setToolTip(reopen_why or "撤销关账，数据重新按台账计算（须写明原因）")
        # A refusal of the account, not of the quarter's state, is said in words under the buttons too.
        why = reopen_why if closed else close_why
        shown = has and why is not None and not why.startswith(q.label)
        self.note.setText(f"{'重新开账' if closed else '关账'}：{why}" if shown else "")
        self.note.setVisible(shown)

    # --- actions ---------------------------------------------------------------------------------------
    def _file_name(self, suffix: str) -> str:
        f = self.report.figures
        scope = self.scope.currentText() if self.scope.community_id() is not None else ""
        return sanitize_filename(f"{content.title(f)}{scope}{suffix}")

    def export(self, suffix: str, path: str | Path | None = None):
        """导出Excel / 导出PDF: the same report and writers as `export quarterly`."""
        q = self.chosen()
        if q is None or self.report is None:
            return None
        if path is None:
            pdf = suffix == ".pdf"
            path = save_path(self, PDF if pdf else XLSX, "导出季度统计汇总", self._file_name(suffix),
                             PDF_FILTER if pdf else EXCEL_FILTER, suffix)
            if path is None:
                return None
        out = Path(path)
        ledger, community_id = self.ledger, self.scope.community_id()

        def work(_progress) -> QuarterReport:
            report = quarter.report(ledger, q, community_id, permission="report.export")
            if suffix == ".pdf":
                from exports.quarterly_pdf import write_quarterly_pdf
                write_quarterly_pdf(report, out)
            else:
                from exports.quarterly_xlsx import write_quarterly_xlsx
                write_quarterly_xlsx(report, out)
            return report

        def done(report: QuarterReport) -> None:
            state = "已关账，数据已冻结" if not report.figures.is_open else "未关账，数据按当前台账计算"
            messages.exported(self, "导出季度统计汇总", f"已导出：{out}\n（{q.label}，{state}）", out)

        return run_task(self, "正在导出季度统计汇总", work, done)

    def print_pdf(self):
        """打印: the PDF that 导出PDF writes, shown in the print preview and printed from there."""
        q = self.chosen()
        if q is None or self.report is None:
            return None
        folder = tempfile.mkdtemp(prefix="streetledger-print-")
        self._temp.append(folder)
        out = Path(folder) / self._file_name(".pdf")
        ledger, community_id = self.ledger, self.scope.community_id()
        title = content.title(self.report.figures)

        def work(_progress) -> Path:
            from exports.quarterly_pdf import write_quarterly_pdf
            return write_quarterly_pdf(quarter.report(ledger, q, community_id, permission="report.export"), out)

        def done(pdf: Path) -> None:
            from .pdf_print import preview_pdf
            try:
                self.preview = preview_pdf(pdf, title, self)
            except LedgerError as exc:
                messages.warn(self, "打印", str(exc))
                return
            self.preview.finished.connect(lambda _r: self._forget(folder))

        return run_task(self, "正在准备打印", work, done)

    def _forget(self, folder: str) -> None:
        preview = getattr(self, "preview", None)
        if preview is not None:
            preview.document.close()   # Windows keeps an open file from being deleted
        shutil.rmtree(folder, ignore_errors=True)
        if folder in self._temp:
            self._temp.remove(folder)

    def close_quarter(self):
        q = self.chosen()
        if q is None or not messages.ask(
                self, "关账", f"关账后，{q.label}的统计数据将被冻结，以后导出和打印的数字不再随台账变化。"
                             f"确定关账吗？", yes="关账"):
            return None
        ledger = self.ledger

        def done(_figures) -> None:
            self._fill_quarters(q)
            messages.inform(self, "关账", f"已关账：{q.label}。此后导出该季度的报表，数据不再随台账变化。")
            self.load()

        return run_task(self, f"正在关账：{q.label}", lambda _p: quarter.close_quarter(ledger, q), done)

    def reopen_quarter(self) -> ReopenDialog | None:
        q = self.chosen()
        if q is None:
            return None
        dialog = ReopenDialog(q.label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._reopen(q, dialog.reason.text()))
        dialog.open()
        return dialog

    def _reopen(self, q: Quarter, reason: str) -> None:
        try:
            quarter.reopen_quarter(self.ledger, q, reason)
        except LedgerError as exc:
            messages.warn(self, "重新开账", str(exc))
            return
        self._fill_quarters(q)
        messages.inform(self, "重新开账", f"已重新开账：{q.label}。数据重新按台账计算，原关账数据已记入操作日志。")
        self.load()


def _refusal(check) -> str | None:
    """The message of the refusal `check()` raises, or None when it allows."""
    try:
        check()
    except LedgerError as exc:
        return str(exc)
    return None
