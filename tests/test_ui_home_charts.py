"""首页 charts (ui/home_charts.py): the same figures as the quarterly summary, for the 街道 or one 社区."""
from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6.QtCharts")

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalStackedBarSeries, QPieSeries  # noqa: E402

from ledger import quarter  # noqa: E402
from ledger.access import Actor  # noqa: E402
from ledger.services import CommunityService  # noqa: E402
from ledger.services.overview import home  # noqa: E402
from tests.test_quarter import build_street  # noqa: E402
from ui.home_charts import HomeCharts  # noqa: E402

TODAY = date(2026, 9, 1)     # in the third quarter of the hand-worked street


@pytest.fixture
def street(sqlite_ledger):
    build_street(sqlite_ledger)
    return sqlite_ledger


def drawn(qtbot, ledger) -> HomeCharts:
    """The charts of the 首页's figures on TODAY."""
    widget = HomeCharts()
    qtbot.addWidget(widget)
    widget.show_figures(home(ledger, today=TODAY).quarter)
    return widget


@pytest.fixture
def charts(qtbot, street):
    return drawn(qtbot, street)


def values(bar_set) -> list[float]:
    return [bar_set.at(i) for i in range(bar_set.count())]


def test_the_street_charts_show_the_quarter_figures(charts):
    assert "2026年第三季度（未关账" in charts.caption.text() and "全街道" in charts.caption.text()
    per_community, pie, funds = charts.charts
    stacked = per_community.series()[0]
    assert isinstance(stacked, QHorizontalStackedBarSeries)      # lying bars, each name beside its bar
    assert [s.label() for s in stacked.barSets()] == ["一岗", "二岗", "三岗"]
    # drawn from the bottom up, so that 甲 (first in the report) is the top bar
    assert [values(s) for s in stacked.barSets()] == [[0, 1], [0, 1], [0, 1]]     # 乙 and 甲
    names = next(a for a in per_community.axes() if isinstance(a, QBarCategoryAxis))
    assert names.categories() == ["乙", "甲"]
    assert charts.views[0].minimumHeight() >= 220
    slices = pie.series()[0]
    assert isinstance(slices, QPieSeries)
    assert [s.label() for s in slices.slices()] == ["一岗 1人（33.3%）", "二岗 1人（33.3%）", "三岗 1人（33.3%）"]
    bars = funds.series()[0]
    assert isinstance(bars, QBarSeries)
    # categories 社区工作经费 and 其他; 预算 / 拨入 / 支出 in 万元
    assert [values(s) for s in bars.barSets()] == [[10.0, 0.0], [5.0, 2.0], [1.43, 0.0]]
    assert "执行率14.3%" in funds.title()


def test_choosing_a_community_redraws_at_once(qtbot, charts, street):
    yi = CommunityService(street).id_by_name("乙社区")
    with qtbot.waitSignal(charts.loaded, timeout=2000):
        charts.set_community(yi)
    orgs, pie, funds = charts.charts
    assert "乙社区党组织（党员8名）" == orgs.title()
    assert values(orgs.series()[0].barSets()[0]) == [0, 0, 2, 0, 0]     # 党委 党总支 党支部 网格党支部 党小组
    assert pie.series()[0].sum() == 0 and "乙社区在岗社区工作者岗位构成（0人）" == pie.title()
    assert [values(s) for s in funds.series()[0].barSets()] == [[0.0], [2.0], [0.0]]
    with qtbot.waitSignal(charts.loaded, timeout=2000):
        charts.set_community(None)
    assert "全街道" in charts.caption.text()


def test_a_closed_quarter_is_drawn_from_its_frozen_figures(qtbot, street):
    quarter.close_quarter(street, "2026-Q3", today=date(2026, 10, 15))
    widget = drawn(qtbot, street)
    assert "已关账" in widget.caption.text()


def test_a_community_account_sees_its_own_community(qtbot, street):
    yi = CommunityService(street).id_by_name("乙社区")
    clerk = street.as_actor(Actor("乙社区录入员", "台账录入员", yi))
    widget = drawn(qtbot, clerk)
    assert [values(s) for s in widget.charts[0].series()[0].barSets()] == [[0], [0], [0]]


def test_many_communities_get_a_bar_each_tall_enough_for_its_name(qtbot, ledger):
    for n in range(1, 41):
        CommunityService(ledger).create({"name": f"第{n}幸福社区"})
    widget = drawn(qtbot, ledger)
    widget.resize(1090, 900)                                  # the 首页's charts at 1366×768
    widget.show()
    axis = next(a for a in widget.charts[0].axes() if isinstance(a, QBarCategoryAxis))
    names = axis.categories()
    assert len(names) == 30 and all(name.startswith("第") and name.endswith("幸福") for name in names)
    qtbot.wait(50)
    assert not axis.labelsTruncated()                         # every name whole, none cut to "…"
    assert widget.views[0].minimumHeight() >= 30 * 22      # 22 pixels a bar: a name of ten characters fits
    assert "人数最多的30个社区（共40个）" in widget.charts[0].title()
