"""The 首页's figures, read for today and the quarter's last day at once, are the ones each is defined as: the cards
the street's figures counted to today alone, the charts the 季度统计汇总, the warnings those of `alerts`."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger import quarter, scope
from ledger.access import Actor
from ledger.accounts import login
from ledger.case_figures import case_figures, case_rows
from ledger.demo import load_demo
from ledger.figures import street_figures, worker_counts, workers_left
from ledger.idcard import make_id
from ledger.services import CommunityService, WorkerService
from ledger.services.activities import activities_by_community
from ledger.services.alerts import alerts
from ledger.services.base import current_street
from ledger.services.funds import fund_summary
from ledger.services.overview import home, overview_of
from ledger.services.partners import partners_by_community
from ledger.services.paystandards import standard_in_force
from ledger.services.projects import projects_by_community
from ledger.services.registrations import registered_by_community
from ledger.services.teams import teams_by_community
from ledger.shared_reads import sharing
from tests.helpers import worker
from tests.test_statements import statements, tables_read
from tests.test_server import PASSWORD, office  # noqa: F401  (the server office fixture)

TODAY = date(2026, 10, 20)     # the demo's fourth quarter goes on after it: 经费, 诉求, 报到, 活动 …


def counted_alone(ledger, today: date, community_id: int | None = None):
    """The overview from the street's figures counted to `today` on their own (no read shared with another day)."""
    with ledger.reading() as session:
        counted = street_figures(session, today)
        return overview_of(counted, current_street(session).name, community_id,
                           workers_left(session, today, community_id))


def charts_of(figures: quarter.QuarterFigures) -> quarter.QuarterFigures:
    return replace(figures, computed_at=None)


@pytest.fixture
def street(ledger):
    """The demo street on each backend, with a worker who starts after TODAY (in the charts, not yet on the cards)."""
    load_demo(ledger, "street", today=date(2026, 11, 23))
    first = CommunityService(ledger).list()[0]["name"]
    WorkerService(ledger).create(worker(first, name="李新", started_on="2026-11-02"))
    return ledger


def test_the_cards_count_to_today_and_the_charts_to_the_quarters_end(street):
    shown = home(street, today=TODAY)
    assert shown.overview == counted_alone(street, TODAY)
    assert charts_of(shown.quarter) == charts_of(quarter.figures(street, "2026-Q4"))
    assert shown.alerts == alerts(street, today=TODAY)
    # the two days' figures differ, so that the agreement above is about each day's own figures
    charts = shown.quarter.total
    assert shown.overview.workers == charts.workers_total - 1
    assert shown.overview.spent < charts.fund.spent
    assert (shown.overview.activities, shown.overview.reported) < (charts.activities, charts.reported)


def test_each_table_is_read_once_for_both_days_on_each_backend(street):
    for today in (TODAY, date(2026, 12, 31)):
        with statements(street) as sent:
            home(street, today=today)
        assert max(tables_read(sent).values()) == 1, tables_read(sent)
        assert len(sent) <= 22, "\n".join(sent)


def test_a_community_clerk_sees_its_own_figures_for_both_days(street):
    own = CommunityService(street).list()[0]["id"]
    clerk = street.as_actor(Actor("录入员", "台账录入员", own))
    shown = home(clerk, today=TODAY)
    assert shown.overview == counted_alone(clerk, TODAY, own)
    assert charts_of(shown.quarter) == charts_of(quarter.figures(clerk, "2026-Q4"))
    assert [r.community_id for r in shown.quarter.rows] == [own]
    assert shown.alerts == alerts(clerk, today=TODAY, community_id=own)


def test_on_a_quarters_last_day_the_cards_and_the_charts_are_the_same_figures(street):
    shown = home(street, today=date(2026, 12, 31))
    assert shown.overview == counted_alone(street, date(2026, 12, 31))
    assert charts_of(shown.quarter) == charts_of(quarter.figures(street, "2026-Q4"))
    assert shown.overview.workers == shown.quarter.total.workers_total


def test_a_closed_quarters_charts_are_its_frozen_figures_and_the_cards_todays(street):
    frozen = quarter.close_quarter(street, "2026-Q3", today=date(2026, 11, 23))
    shown = home(street, today=date(2026, 9, 15))
    assert not shown.quarter.is_open and shown.quarter.to_json() == frozen.to_json()
    assert shown.overview == counted_alone(street, date(2026, 9, 15))


@pytest.mark.parametrize("days", [(date(2026, 10, 20), date(2026, 12, 31)), (date(2026, 2, 1), date(2026, 3, 31)),
                                  (date(2025, 12, 31), date(2026, 6, 30))])
def test_a_read_made_for_two_days_at_once_gives_each_day_what_it_gives_alone(street, days):
    reads = {
        "经费": lambda s, d: fund_summary(s, d.year, d), "工作者": worker_counts, "共建单位": partners_by_community,
        "共建项目": projects_by_community, "报到": registered_by_community, "服务队": teams_by_community,
        "活动": lambda s, d: activities_by_community(s, date(d.year, 1, 1), d), "诉求": case_figures,
        "诉求清单": case_rows, "工资标准": standard_in_force}
    with street.reading() as session:
        alone = {(name, day): read(session, day) for name, read in reads.items() for day in days}
    with street.reading() as session, sharing(session, days):
        together = {(name, day): read(session, day) for name, read in reads.items() for day in reversed(days)}
    assert together == alone
    assert alone[("经费", days[0])] != alone[("经费", days[1])]


@pytest.mark.server
def test_on_the_server_a_limited_persons_refresh_reads_its_community_only_even_past_the_application(office):
    """Both days' figures come from one statement per table, and the server's row-level security keeps it to the
    person's community even when the application's own limit is lifted."""
    xingfu = office.ids["幸福社区"]
    WorkerService(office.owner).create(worker("幸福社区", name="李新", id_number=make_id("150203", date(1990, 3, 1), 15),
                                              started_on="2026-11-02"))
    leader = login(office.owner, "幸福领导", PASSWORD).ledger
    try:
        shown = home(leader, today=TODAY)
        assert (shown.overview.communities, shown.overview.workers, shown.quarter.total.workers_total) == (1, 1, 2)
        assert [r.community_id for r in shown.quarter.rows] == [xingfu]
        with leader.reading() as session, scope.unlimited(session), sharing(session, (TODAY, date(2026, 12, 31))):
            assert {r[0] for r in worker_counts(session, TODAY)} == {xingfu}
            assert sum(r[4] for r in worker_counts(session, date(2026, 12, 31))) == 2
    finally:
        leader.close()
