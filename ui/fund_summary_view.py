"""预算执行: budget against money in and out, with 结余 and 执行率, per 社区 and 类别 (or summed by either)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from ledger.progress import Progress
from ledger.services import BudgetService, FundService
from ledger.services.funds import CATEGORIES, FundSummary

from .table_model import TupleTableModel
from .table_tools import TableTools
from .tasks import run_task

GROUPINGS = ("按社区和类别", "按社区", "按类别")
HEADERS = ("社区", "经费类别", "预算（元）", "累计拨入（元）", "累计支出（元）", "结余（元）", "执行率")


def combine(lines: list[FundSummary], by: str) -> list[FundSummary]:
    """Sum lines per community or per category; 执行率 and 结余 stay the service's own properties."""
    if by == "按社区和类别":
        return lines
    groups: dict[tuple, list[FundSummary]] = {}
    for s in lines:
        key = (s.community_id, s.community, "（全部类别）") if by == "按社区" else (0, "（全部社区）", s.category)
        groups.setdefault(key, []).append(s)
    out = [_sum(key, members) for key, members in groups.items()]
    if by == "按类别":
        order = {c: i for i, c in enumerate(CATEGORIES)}
        out.sort(key=lambda s: order.get(s.category, 99))
    return out


def _sum(key: tuple, members: list[FundSummary]) -> FundSummary:
    zero = Decimal("0.00")
    return FundSummary(key[0], key[1], key[2], sum((m.budget for m in members), zero),
                       sum((m.allocated for m in members), zero), sum((m.spent for m in members), zero))


class FundSummaryView(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.community_id: int | None = None
        self.lines: list[FundSummary] = []
        self.stale = True
        self.loading = None
        self._again = False
        self.year = QComboBox()
        this_year = date.today().year
        for year in range(this_year, this_year - 6, -1):
            self.year.addItem(f"{year}年", year)
        self.year.currentIndexChanged.connect(self.refresh)
        self.grouping = QComboBox()
        self.grouping.addItems(GROUPINGS)
        self.grouping.currentIndexChanged.connect(self._show)
        self.budget_button = QPushButton("设置预算…")
        self.budget_button.setToolTip("为社区的某一类经费设置年度预算；双击表格中的一行可修改该行预算")
        self.budget_button.clicked.connect(lambda: self.edit_budget(None))
        self.note = QLabel()
        self.note.setStyleSheet("color: #7f8c8d;")
        tools = QHBoxLayout()
        tools.addWidget(QLabel("年度："))
        tools.addWidget(self.year)
        tools.addSpacing(12)
        tools.addWidget(QLabel("汇总方式："))
        tools.addWidget(self.grouping)
        tools.addSpacing(12)
        tools.addWidget(self.budget_button)
        tools.addStretch(1)
        tools.addWidget(self.note)

        self.model = TupleTableModel(HEADERS, numeric=(2, 3, 4, 5, 6),
                                     kinds=("text", "text", "money", "money", "money", "money", "short"))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        for column, sample in enumerate(("西幸福社区社区", "党组织服务群众专项经费", "99,999,999.00", "99,999,999.00",
                                          "99,999,999.00", "-99,999,999.00", "100.0%")):
            header.resizeSection(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(
                HEADERS[column])) + 28)
        header.setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self._edit_row(index.row()))
        self.tools = TableTools(self.view, self.print_title, filters=lambda: self.grouping.currentText())
        for button in self.tools.buttons():
            tools.insertWidget(tools.count() - 2, button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        legend = QLabel("执行率 = 累计支出 ÷ 预算；结余 = 累计拨入 − 累计支出。红色为超支（支出大于拨入）。")
        legend.setStyleSheet("color: #7f8c8d;")
        layout.addWidget(legend)

    # --- page protocol -------------------------------------------------------------------------------------
    def activate(self) -> None:
        if self.stale and self.loading is None:
            self.refresh()

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def set_scope(self, community_id: int | None, grid_id: int | None, community_name: str = "") -> None:
        if community_id != self.community_id:
            self.community_id = community_id
            self.mark_stale()

    def refresh(self) -> None:
        if self.loading is not None:
            self._again = True   # asked again while summing (another year chosen): sum again afterwards
            return
        ledger, year, community_id = self.window.ledger, self.year.currentData(), self.community_id
        self._again = False

        def fetch(progress: Progress) -> list[FundSummary]:
            progress.report(0, 0, "正在汇总经费")
            return FundService(ledger).summary(year, None, community_id)

        self.loading = run_task(self, "正在汇总经费", fetch, self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.loading = None
        from .tasks import show_error
        show_error(self, "预算执行", exc)

    def _loaded(self, lines: list[FundSummary]) -> None:
        self.loading = None
        self.stale = False
        self.lines = lines
        self._show()
        if self._again:
            self.refresh()

    def print_title(self) -> str:
        from ledger.services.street import street_name
        scope = self.window.scope_community_name() if self.community_id is not None else ""
        return f"{street_name(self.window.ledger) or ''}{scope}{self.year.currentData()}年经费预算执行情况"

    def _show(self) -> None:
        lines = combine(self.lines, self.grouping.currentText())
        values, flags = [], []
        for s in lines:
            rate = s.execution_rate
            values.append((s.community, s.category, s.budget, s.allocated, s.spent, s.balance,
                           f"{rate}%" if rate is not None else "—"))
            flags.append("超支" if s.spent > s.allocated else None)
        payload: list[object] = list(lines)
        bold = []
        if lines:
            total = _sum((0, "合计", ""), lines)
            rate = total.execution_rate
            values.append(("合计", "", total.budget, total.allocated, total.spent, total.balance,
                           f"{rate}%" if rate is not None else "—"))
            flags.append(None)
            payload.append(None)
            bold.append(len(values) - 1)
        rows = [(v[0], v[1], *(f"{amount:,.2f}" for amount in v[2:6]), v[6]) for v in values]
        self.model.set_rows(rows, flags, payload, bold, values=values)
        over = sum(1 for f in flags if f)
        self.note.setText(f"{len(lines):,} 行" + (f"，超支 {over} 行" if over else ""))

    # --- budgets ----------------------------------------------------------------------------------------
    def _edit_row(self, row: int) -> None:
        line = self.model.payload[row] if 0 <= row < len(self.model.payload) else None
        if isinstance(line, FundSummary) and self.grouping.currentText() == "按社区和类别":
            self.edit_budget(line)

    def edit_budget(self, line: FundSummary | None):
        from .record_dialog import RecordDialog
        service = BudgetService(self.window.ledger)
        year = self.year.currentData()
        record = None
        defaults = {"year": str(year)}
        if line is not None:
            found = service.list(community_id=line.community_id, year=year, category=line.category)
            if found:
                record = service.get(found[0]["id"])
            else:
                defaults.update(community=line.community, category=line.category)
        elif self.community_id is not None:
            defaults["community"] = self.window.scope_community_name()
        dialog = RecordDialog(service, record, self, defaults=defaults)
        dialog.setWindowTitle("修改预算" if record else "设置预算")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _record: (self.refresh(), self.window.ledger_changed("funds")))
        dialog.open()
        return dialog
