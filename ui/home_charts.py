"""首页 charts: the quarterly summary's indicators drawn with QtCharts, for the whole 街道 or one 社区.

The figures are those of ledger.quarter for the current quarter (frozen if it is closed), counted so far with the
首页's own figures (ledger/services/overview.py `home`); choosing another 社区 only filters them, so it redraws at
once.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QHorizontalStackedBarSeries,
                              QPieSeries, QValueAxis)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ledger.money import round_half_up
from ledger.quarter import ORG_COLUMNS, CommunityFigures, QuarterFigures
from ledger.services.funds import CATEGORIES as FUND_CATEGORIES

# the PDF's palette: party red, gold, slate blue, greys
PALETTE = ("#B22222", "#D4A017", "#4A6FA5", "#7F8C8D", "#2E8B57", "#8E5B9E")
BUDGET_GREY = "#BBBBBB"
SHORT_CATEGORIES = {"社区工作经费": "工作经费", "党组织服务群众专项经费": "服务群众", "网格化管理经费": "网格化",
                    "共建项目资金": "共建项目"}
# the busiest communities shown when there are more (a district's 80 would make a chart three screens tall)
MAX_COMMUNITIES = 30
# one bar per 社区, lying down with its name beside it: upright bars left 30 names "…" at 1366×768
BAR_PX = 22
CHART_FRAME_PX = 110    # title, legend and value axis around the bars


def _wan(value: Decimal) -> float:
    """万元 for drawing (the chart's values are floats; the labels print the exact figure)."""
    return float(round_half_up(value / 10000))


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)   # redrawn on every 社区 change: no waiting
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _value_axis(chart: QChart, series, top: float, label_format: str = "%.0f",
                side: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top if top > 0 else 1)
    axis.setLabelFormat(label_format)
    axis.setTickCount(6)
    chart.addAxis(axis, side)
    series.attachAxis(axis)
    return axis


def _category_axis(chart: QChart, series, names: list[str], small: bool = False,
                   side: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignBottom) -> QBarCategoryAxis:
    # upright names only: QtCharts elides a slanted label to its category's width all the same
    axis = QBarCategoryAxis()
    axis.append(names)
    if small:
        font = QFont(axis.labelsFont())
        font.setPointSizeF(8)
        axis.setLabelsFont(font)
    chart.addAxis(axis, side)
    series.attachAxis(axis)
    return axis


def short_name(community: str) -> str:
    """The distinctive part of a 社区's name: 幸福 for 幸福社区 (every name ends the same)."""
    return community.removesuffix("社区") or community


def shown_communities(f: QuarterFigures) -> list[CommunityFigures]:
    """The rows the per-社区 chart draws: all of them, or the busiest MAX_COMMUNITIES."""
    rows = list(f.rows)
    if len(rows) > MAX_COMMUNITIES:
        rows = sorted(rows, key=lambda r: -r.workers_total)[:MAX_COMMUNITIES]
    return rows


def community_chart_height(f: QuarterFigures) -> int:
    return CHART_FRAME_PX + BAR_PX * len(shown_communities(f))


def _nice_top(value: float) -> float:
    if value <= 0:
        return 5.0
    magnitude = 1.0
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value * 1.08:
            return step * magnitude
    return 20 * magnitude


def workers_by_community(f: QuarterFigures) -> QChart:
    """A lying bar per 社区 with its name beside it, its workers stacked by 岗位 (the busiest when many)."""
    rows = shown_communities(f)
    title = "各社区在岗社区工作者（按岗位）"
    if len(rows) < len(f.rows):
        title += f"：人数最多的{MAX_COMMUNITIES}个社区（共{len(f.rows)}个）"
    chart = _chart(title)
    rows.reverse()   # QtCharts draws the first category at the bottom: the list reads from the top
    series = QHorizontalStackedBarSeries()
    for i, post in enumerate(f.posts):
        bar = QBarSet(post)
        bar.setColor(QColor(PALETTE[i % len(PALETTE)]))
        bar.append([float(r.workers.get(post, 0)) for r in rows])
        series.append(bar)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    names = _category_axis(chart, series, [short_name(r.name) for r in rows], side=Qt.AlignmentFlag.AlignLeft)
    names.setTruncateLabels(False)   # QtCharts cut three-character names to "…" although the width was there
    _value_axis(chart, series, _nice_top(max((r.workers_total for r in rows), default=0)),
                side=Qt.AlignmentFlag.AlignBottom)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def orgs_of_community(row: CommunityFigures) -> QChart:
    """One 社区's party organisations by the report's categories."""
    chart = _chart(f"{row.name}党组织（党员{row.members}名）")
    series = QBarSeries()
    bar = QBarSet("党组织数（个）")
    bar.setColor(QColor(PALETTE[0]))
    names = [name for name, _ in ORG_COLUMNS]
    values = [float(row.org_column(name)) for name in names]
    bar.append(values)
    series.append(bar)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    _category_axis(chart, series, names)
    _value_axis(chart, series, _nice_top(max(values, default=0)))
    chart.legend().hide()
    return chart


def workers_by_post(row: CommunityFigures, posts: tuple[str, ...], scope: str) -> QChart:
    """The workforce by 岗位 as a pie, each slice labelled with its count and share."""
    chart = _chart(f"{scope}在岗社区工作者岗位构成（{row.workers_total}人）")
    series = QPieSeries()
    total = row.workers_total
    for i, post in enumerate(posts):
        count = row.workers.get(post, 0)
        share = round_half_up(Decimal(count) * 100 / total, Decimal("0.1")) if total else Decimal(0)
        piece = series.append(f"{post} {count}人（{share}%）", float(count))
        piece.setColor(QColor(PALETTE[i % len(PALETTE)]))
        # the legend carries the text: labels beside the slices get cut off at the chart's edge
        piece.setLabelVisible(False)
    series.setPieSize(0.62)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


def funds_by_category(row: CommunityFigures, months: str, scope: str) -> QChart:
    """预算, 拨入 and 支出 per funding category in 万元, the 执行率 under each category's name."""
    rate = row.fund.execution_rate
    chart = _chart(f"{scope}经费{months}执行情况（万元，执行率{rate}%）" if rate is not None
                   else f"{scope}经费{months}执行情况（万元）")
    categories = [c for c in FUND_CATEGORIES if c in row.funds and (row.funds[c].budget or row.funds[c].allocated
                                                                    or row.funds[c].spent)]
    series = QBarSeries()
    for name, color, attr in (("年度预算", BUDGET_GREY, "budget"), ("累计拨入", PALETTE[2], "allocated"),
                              ("累计支出", PALETTE[0], "spent")):
        bar = QBarSet(name)
        bar.setColor(QColor(color))
        bar.append([_wan(getattr(row.funds[c], attr)) for c in categories])
        series.append(bar)
    chart.addSeries(series)
    labels = []
    for c in categories:
        r = row.funds[c].execution_rate
        # short names: a category label is one line, elided to the width of its group of bars
        short = SHORT_CATEGORIES.get(c, c)
        labels.append(f"{short}<br>{r}%" if r is not None else short)
    _category_axis(chart, series, labels, small=True)
    top = max((max(_wan(f.budget), _wan(f.allocated), _wan(f.spent)) for f in (row.funds[c] for c in categories)),
              default=0.0)
    _value_axis(chart, series, _nice_top(top))
    return chart


class HomeCharts(QWidget):
    """The 首页's charts; `set_community(None)` shows the whole 街道."""

    loaded = Signal()        # emitted after the charts were drawn (tests wait for it)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.community_id: int | None = None
        self.figures: QuarterFigures | None = None
        self.charts: list[QChart] = []
        self.caption = QLabel("正在统计……")
        self.caption.setStyleSheet("color: #666;")
        self.views = [QChartView() for _ in range(3)]
        grid = QGridLayout()
        grid.setSpacing(8)
        # the per-社区 chart takes the whole width below: its names need the room
        places = [(1, 0, 1, 2), (0, 0, 1, 1), (0, 1, 1, 1)]
        for view, place in zip(self.views, places):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
            grid.addWidget(view, *place)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addLayout(grid, 1)

    def set_community(self, community_id: int | None) -> None:
        """Show one 社区 (or the whole 街道 with None); the figures are already there, so this is immediate."""
        self.community_id = community_id
        if self.figures is not None:
            self._draw()

    def show_figures(self, figures: QuarterFigures) -> None:
        """Draw the quarter's figures (the 首页 counts them with its own, in one read)."""
        self.figures = figures
        self._draw()

    def show_failure(self, exc: BaseException) -> None:
        self.caption.setText(f"图表无法显示：{exc}")
        self.loaded.emit()

    def _draw(self) -> None:
        f = self.figures
        assert f is not None
        state = "未关账，按当前台账计算" if f.is_open else f"已关账（{f.closed_at:%Y-%m-%d}）"
        row = next((r for r in f.rows if r.community_id == self.community_id), None) \
            if self.community_id is not None else None
        if self.community_id is not None and row is None:
            self.community_id = None          # a 社区 deleted since, or outside the account's scope
        if row is None:
            scope, shown = "全街道", f.total
            first = workers_by_community(f)
            self.views[0].setMinimumHeight(max(220, community_chart_height(f)))
        else:
            scope, shown = row.name, row
            first = orgs_of_community(row)
            self.views[0].setMinimumHeight(220)
        self.caption.setText(f"{f.quarter.label}（{state}）　{scope}")
        self.charts = [first, workers_by_post(shown, f.posts, scope),
                       funds_by_category(shown, f.quarter.months_label, scope)]
        for view, chart in zip(self.views, self.charts):
            old = view.chart()
            view.setChart(chart)
            if old is not None and old is not chart:
                old.deleteLater()
        self.loaded.emit()
