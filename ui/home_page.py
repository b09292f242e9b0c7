"""首页: the street's key counts and the warnings that need attention, each a link to its record."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QScrollArea, QTableView, QTabWidget, QVBoxLayout, QWidget)

from ledger import catalog
from ledger.progress import Progress
from ledger.services.alerts import Alert
from ledger.services.overview import Home, Overview, home

from .table_model import TupleTableModel
from .tasks import run_task

# An alert's ledger key -> the ledger's name, from the declarations.
LEDGER_NAMES = {key: d.name for key, d in catalog.ledgers().items()}
SEVERITY_FLAGS = {"逾期": "逾期", "紧急": "紧急", "提醒": "提醒"}


class Card(QFrame):
    """A figure with its label and a line of detail; clicking it opens the ledger."""

    clicked = Signal()

    def __init__(self, title: str, compact: bool = False):
        super().__init__()
        self.setObjectName("card")
        self.setStyleSheet("#card { background: white; border: 1px solid #e3d6d4; border-radius: 6px; }"
                           "#card:hover { border-color: #c0392b; }")
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #7f3a30; font-weight: bold;")
        self.figure = QLabel("—")
        self.figure.setStyleSheet(f"font-size: {14 if compact else 22}pt; color: #c0392b;")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #555;")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        if compact:
            # the wider ledgers' row: title and figure on one line, so that the warnings keep their room
            layout.setContentsMargins(12, 6, 12, 6)
            layout.setSpacing(2)
            top = QHBoxLayout()
            top.addWidget(self.title)
            top.addStretch(1)
            top.addWidget(self.figure)
            layout.addLayout(top)
        else:
            layout.setContentsMargins(14, 10, 14, 10)
            layout.addWidget(self.title)
            layout.addWidget(self.figure)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def _reported_source(figures: Overview) -> str:
    """Where the 报到党员 figure comes from: the registrations, or (communities without any) the 党组织 ledger."""
    if not figures.reported_by_orgs:
        return "按在职党员双报到台账"
    if figures.reported_by_orgs == figures.communities:
        return "尚无报到台账，按党组织填报数"
    return f"其中 {figures.reported_by_orgs:,} 个社区尚无报到台账，按党组织填报数"


class HomePage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.stale = True
        self.loading = None
        self._again = False
        self.community_id: int | None = None
        self.alerts: list[Alert] = []

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold; color: #7f1d1d;")
        self.subheading = QLabel()
        self.subheading.setStyleSheet("color: #666;")
        self.cards: dict[str, Card] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for n, (key, title) in enumerate((("communities", "社区"), ("grids", "网格"), ("orgs", "党组织"),
                                          ("workers", "社区工作者（在岗）"), ("funds", "经费"), ("venues", "阵地"))):
            card = Card(title)
            card.clicked.connect(lambda key=key: self.window.show_page(key))
            self.cards[key] = card
            grid.addWidget(card, n // 3, n % 3)
        # the wider ledgers, one compact row of four
        wider = QGridLayout()
        wider.setSpacing(10)
        for n, (key, title) in enumerate((("partners", "共建单位"), ("registrations", "报到在职党员"),
                                          ("teams", "志愿服务"), ("estates", "小区"))):
            card = Card(title, compact=True)
            card.clicked.connect(lambda key=key: self.window.show_page(key))
            self.cards[key] = card
            wider.addWidget(card, 0, n)

        self.alert_title = QLabel("需要关注")
        self.alert_title.setStyleSheet("font-size: 12pt; font-weight: bold; color: #7f1d1d;")
        self.alert_counts = QLabel()
        self.alert_filter = QComboBox()
        self.alert_filter.addItems(["全部", "党组织", "网格", "阵地", "经费"])
        self.alert_filter.currentIndexChanged.connect(self._show_alerts)
        hint = QLabel("单击条目打开对应记录")
        hint.setStyleSheet("color: #888;")
        row = QHBoxLayout()
        row.addWidget(self.alert_title)
        row.addSpacing(12)
        row.addWidget(self.alert_counts)
        row.addStretch(1)
        row.addWidget(hint)
        row.addSpacing(12)
        row.addWidget(QLabel("类别："))
        row.addWidget(self.alert_filter)

        self.alert_model = TupleTableModel(("级别", "台账", "内容"))
        self.alert_view = QTableView()
        self.alert_view.setModel(self.alert_model)
        self.alert_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.alert_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.alert_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alert_view.verticalHeader().hide()
        self.alert_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.alert_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.alert_view.setAlternatingRowColors(True)
        self.alert_view.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        header = self.alert_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.alert_view.clicked.connect(lambda index: self.open_alert(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.alert_view, activated=lambda: self.open_alert(
                self.alert_view.currentIndex().row()), context=Qt.ShortcutContext.WidgetShortcut)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addSpacing(10)
        layout.addLayout(wider)
        layout.addSpacing(6)
        # Warnings and charts share the space below the cards as tabs: on a 1366×768 screen both at once
        # would leave the warnings list two rows high.
        alerts_tab = QWidget()
        alerts_layout = QVBoxLayout(alerts_tab)
        alerts_layout.setContentsMargins(0, 6, 0, 0)
        alerts_layout.addLayout(row)
        alerts_layout.addWidget(self.alert_view, 1)
        from .home_charts import HomeCharts
        self.charts = HomeCharts()
        self.tabs = QTabWidget()
        self.tabs.addTab(alerts_tab, "需要关注")
        scroller = QScrollArea()   # the charts keep a readable size and scroll on a small screen
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.charts)
        self.tabs.addTab(scroller, "统计图表")
        layout.addWidget(self.tabs, 1)

    # --- page protocol ------------------------------------------------------------------------------------
    def activate(self) -> None:
        if self.stale and self.loading is None:
            self.load()

    def mark_stale(self) -> None:
        """The ledgers changed: count again now if the page is on screen, else when it is shown (a save on
        another page then costs no figures)."""
        self.stale = True
        if self.isVisible():
            self.load()

    def refresh(self) -> None:
        self.stale = True
        self.load()

    def set_scope(self, community_id: int | None, grid_id: int | None, community_name: str = "") -> None:
        if community_id != self.community_id:
            self.community_id = community_id
            self.charts.set_community(community_id)
            self.mark_stale()

    # --- loading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        if self.loading is not None:
            self._again = True   # the data changed while counting: count again when this ends
            return
        self._again = False
        ledger, community_id = self.window.ledger, self.community_id

        def fetch(progress: Progress) -> Home:
            progress.report(0, 1, "正在统计")
            return home(ledger, community_id)

        self.loading = run_task(self, "正在统计首页数据", fetch, self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.loading = None
        self.charts.show_failure(exc)
        from .tasks import show_error
        show_error(self, "首页", exc)

    def _loaded(self, result: Home) -> None:
        self.loading = None
        self.stale = False
        if self._again:
            self.load()
        figures, found = result.overview, result.alerts
        self.charts.show_figures(result.quarter)
        scope = self.window.scope_community_name() if self.community_id is not None else ""
        self.heading.setText(f"{figures.street or '街道'}{'　' + scope if scope else ''}　台账概览")
        today = date.today()
        self.subheading.setText(f"{today.year}年{today.month}月{today.day}日　数据截至今日")
        c = self.cards
        c["communities"].figure.setText(f"{figures.communities:,} 个")
        households = "未填" if figures.households is None else f"{figures.households:,} 户"
        c["communities"].detail.setText(f"户数 {households}")
        c["grids"].figure.setText(f"{figures.grids:,} 个")
        c["grids"].detail.setText(f"网格户数合计 {figures.grid_households or 0:,} 户，"
                                  f"平均每个网格 {figures.households_per_grid:,} 户")
        c["orgs"].figure.setText(f"{figures.orgs:,} 个")
        c["orgs"].detail.setText(f"其中党支部 {figures.branches:,} 个；另有党小组 {figures.party_groups:,} 个；"
                                 f"党员 {figures.members:,} 人")
        c["workers"].figure.setText(f"{figures.workers:,} 人")
        c["workers"].detail.setText(f"离职 {figures.workers_left:,} 人")
        rate = figures.execution_rate
        c["funds"].title.setText(f"经费（{figures.year}年执行率）")
        c["funds"].figure.setText(f"{rate}%" if rate is not None else "未设预算")
        c["funds"].detail.setText(f"预算 {figures.budget:,.2f} 元，拨入 {figures.allocated:,.2f} 元，"
                                  f"支出 {figures.spent:,.2f} 元")
        c["venues"].figure.setText(f"{figures.venues:,} 个")
        c["venues"].detail.setText(f"建筑面积合计 {figures.venue_area:,.2f} 平方米")
        c["partners"].figure.setText(f"{figures.partners:,} 家")
        c["partners"].detail.setText(f"共建项目实施中 {figures.projects_active:,} 项，已完成 {figures.projects_done:,} 项")
        c["registrations"].figure.setText(f"{figures.reported:,} 人")
        c["registrations"].detail.setText(_reported_source(figures))
        c["teams"].figure.setText(f"{figures.teams:,} 支")
        c["teams"].detail.setText(f"{figures.year}年活动 {figures.activities:,} 次，服务 {figures.service_visits:,} 人次")
        coverage = figures.red_coverage
        c["estates"].figure.setText(f"{figures.estates:,} 个")
        c["estates"].detail.setText(f"红色物业覆盖率 {coverage}%" if coverage is not None else "红色物业覆盖率 —")
        self.alerts = found
        counts = {s: sum(1 for a in found if a.severity == s) for s in ("逾期", "紧急", "提醒")}
        self.alert_title.setText(f"需要关注（{len(found):,}）")
        self.tabs.setTabText(0, f"需要关注（{len(found):,}）")
        self.alert_counts.setText("　".join(f"{s} {n:,}" for s, n in counts.items()))
        self._show_alerts()

    def _show_alerts(self) -> None:
        wanted = self.alert_filter.currentText()
        shown = [a for a in self.alerts if wanted == "全部" or LEDGER_NAMES.get(a.ledger) == wanted]
        self.alert_model.set_rows([(a.severity, LEDGER_NAMES.get(a.ledger, a.ledger), a.text) for a in shown],
                                  flags=[SEVERITY_FLAGS.get(a.severity) for a in shown], payload=shown)

    def open_alert(self, row: int) -> None:
        if not 0 <= row < len(self.alert_model.payload):
            return
        alert: Alert = self.alert_model.payload[row]  # type: ignore[assignment]
        if alert.ledger == "funds":
            self.window.show_fund_summary(alert.community_id)
        elif alert.record_id is not None:
            self.window.open_record(alert.ledger, alert.record_id)
