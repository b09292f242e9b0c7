"""民生诉求's quarterly figures for a small set of cases, every figure worked out by hand below."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.access import CLERK, Actor
from ledger.case_figures import CaseFigures, case_figures, total
from ledger.services.cases import CaseService
from tests.workbooks import communities

D = Decimal


def case(ledger, community: str, found: str, *steps: tuple) -> dict:
    service = CaseService(ledger)
    record = service.create({"source": "电话", "community": community, "category": "环境卫生", "content": "问题",
                             "found_on": found})
    for kind, on, *extra in steps:
        raw = {"on": on}
        if kind == "转办":
            raw.update(handler="街道城管办", limit_days=extra[0])
        elif kind == "处置":
            raw["result"] = "已办结"
        elif kind == "评价":
            raw["rating"] = extra[0]
        record = service.act(record["id"], kind, raw)
    return record


@pytest.fixture
def cases(ledger):
    """Two communities' cases. Deadlines (working days after the 转办, 2026's holidays and 调休 counted):
    A1 due 01-09, A2 01-13, A3 02-10 and after its first 不满意 02-13, A4 03-26, A5 2025-12-23, A6 2025-11-07,
    B1 02-03, B2 03-31 (the deadline day itself is in time), B3 02-14 (a Saturday worked) and after its 不满意
    on 04-01 04-07 (清明 4–6 April off)."""
    ids = communities(ledger, "甲社区", "乙社区")
    made = {
        # resolved in time, 满意
        "A1": case(ledger, "甲社区", "2026-01-05", ("上报", "2026-01-05"), ("转办", "2026-01-06", "3"),
                   ("处置", "2026-01-08"), ("反馈", "2026-01-09"), ("评价", "2026-01-09", "满意")),
        # resolved late (01-15 after 01-13), 基本满意
        "A2": case(ledger, "甲社区", "2026-01-12", ("上报", "2026-01-12"), ("转办", "2026-01-12", "1"),
                   ("处置", "2026-01-15"), ("反馈", "2026-01-16"), ("评价", "2026-01-16", "基本满意")),
        # 不满意 once (back to 处置, due 02-13), handled again late (02-27), 不满意 again: 不满意结案
        "A3": case(ledger, "甲社区", "2026-02-02", ("上报", "2026-02-02"), ("转办", "2026-02-03", "5"),
                   ("处置", "2026-02-05"), ("反馈", "2026-02-06"), ("评价", "2026-02-06", "不满意"),
                   ("处置", "2026-02-27"), ("反馈", "2026-03-02"), ("评价", "2026-03-03", "不满意")),
        # past its deadline at the end of March; handled late in April, 满意
        "A4": case(ledger, "甲社区", "2026-03-20", ("上报", "2026-03-20"), ("转办", "2026-03-23", "3"),
                   ("处置", "2026-04-02"), ("反馈", "2026-04-03"), ("评价", "2026-04-03", "满意")),
        # found last year, handled this year: in no year-to-date figure of 2026
        "A5": case(ledger, "甲社区", "2025-12-15", ("上报", "2025-12-15"), ("转办", "2025-12-16", "5"),
                   ("处置", "2026-01-20")),
        # found last year and never handled: 超期未结 in every quarter of 2026
        "A6": case(ledger, "甲社区", "2025-11-03", ("上报", "2025-11-03"), ("转办", "2025-11-04", "3")),
        # reported, not yet 转办: no deadline, never 超期
        "A7": case(ledger, "甲社区", "2026-03-30", ("上报", "2026-03-30")),
        # in time, waiting for a rating
        "B1": case(ledger, "乙社区", "2026-01-20", ("上报", "2026-01-20"), ("转办", "2026-01-20", "10"),
                   ("处置", "2026-01-30"), ("反馈", "2026-02-02")),
        # resolved on its deadline day
        "B2": case(ledger, "乙社区", "2026-03-25", ("上报", "2026-03-25"), ("转办", "2026-03-26", "3"),
                   ("处置", "2026-03-31")),
        # resolved late in March; sent back by 不满意 on 1 April and not handled again
        "B3": case(ledger, "乙社区", "2026-02-10", ("上报", "2026-02-10"), ("转办", "2026-02-11", "3"),
                   ("处置", "2026-03-10"), ("反馈", "2026-03-11"), ("评价", "2026-04-01", "不满意")),
    }
    return ledger, ids, made


def test_the_deadlines_the_figures_rest_on(cases):
    _ledger, _ids, made = cases
    dues = {k: r["due_on"] for k, r in made.items()}
    assert dues == {"A1": date(2026, 1, 9), "A2": date(2026, 1, 13), "A3": date(2026, 2, 13), "A4": date(2026, 3, 26),
                    "A5": date(2025, 12, 23), "A6": date(2025, 11, 7), "A7": None, "B1": date(2026, 2, 3),
                    "B2": date(2026, 3, 31), "B3": date(2026, 4, 7)}
    assert made["A3"]["steps"][2]["due_on"] == date(2026, 2, 10) and made["B3"]["steps"][2]["due_on"] == date(2026, 2, 14)


def test_first_quarter(cases):
    ledger, ids, _made = cases
    with ledger.reading() as session:
        figures = case_figures(session, date(2026, 3, 31))
    a, b = figures[ids["甲社区"]], figures[ids["乙社区"]]
    # 甲: 受理 A1 A2 A3 A4 A7; 办结 A1 A2 A3, in time A1 only; closed by a rating A1 满意, A2 基本满意, A3 不满意;
    # 超期未结 A4 (due 03-26) and A6 (found in 2025)
    assert a == CaseFigures(accepted=5, resolved=3, resolved_in_time=1, rated=3, satisfied=2, overdue_open=2)
    assert (a.resolved_rate, a.in_time_rate, a.satisfaction_rate) == (D("60.0"), D("33.3"), D("66.7"))
    # 乙: B1 B2 B3 all 办结 (B3's 不满意 comes after the quarter), B1 and B2 in time; nothing rated yet
    assert b == CaseFigures(accepted=3, resolved=3, resolved_in_time=2, rated=0, satisfied=0, overdue_open=0)
    assert (b.resolved_rate, b.in_time_rate, b.satisfaction_rate) == (D("100.0"), D("66.7"), None)
    street = total(figures.values())
    assert street == CaseFigures(8, 6, 3, 3, 2, 2)
    assert (street.resolved_rate, street.in_time_rate, street.satisfaction_rate) == (D("75.0"), D("50.0"), D("66.7"))


def test_second_quarter_year_to_date(cases):
    ledger, ids, _made = cases
    with ledger.reading() as session:
        figures = case_figures(session, date(2026, 6, 30))
    a, b = figures[ids["甲社区"]], figures[ids["乙社区"]]
    # 甲: A4 now 办结 late and rated 满意; A6 still 超期未结
    assert a == CaseFigures(accepted=5, resolved=4, resolved_in_time=1, rated=4, satisfied=3, overdue_open=1)
    assert (a.resolved_rate, a.in_time_rate, a.satisfaction_rate) == (D("80.0"), D("25.0"), D("75.0"))
    # 乙: B3 was sent back on 04-01 and is past its new deadline (04-07)
    assert b == CaseFigures(accepted=3, resolved=2, resolved_in_time=2, rated=0, satisfied=0, overdue_open=1)
    assert (b.resolved_rate, b.in_time_rate, b.satisfaction_rate) == (D("66.7"), D("100.0"), None)
    assert total(figures.values()) == CaseFigures(8, 6, 3, 4, 3, 2)


def test_a_day_within_the_quarter_sees_the_cases_as_they_stood_then(cases):
    ledger, ids, _made = cases
    with ledger.reading() as session:
        figures = case_figures(session, date(2026, 2, 6))
    # 甲 on 6 February: A1 A2 A3 accepted; A3 was sent back that day, so only A1 and A2 stand 办结 and rated;
    # A6 is 超期未结 (A5 was handled on 01-20)
    assert figures[ids["甲社区"]] == CaseFigures(accepted=3, resolved=2, resolved_in_time=1, rated=2, satisfied=2,
                                                 overdue_open=1)
    # 乙 on 6 February: B1 only (resolved 01-30 in time)
    assert figures[ids["乙社区"]] == CaseFigures(accepted=1, resolved=1, resolved_in_time=1, overdue_open=0)


def test_a_limited_account_gets_its_own_communitys_figures_only(cases):
    ledger, ids, _made = cases
    clerk = ledger.as_actor(Actor("乙录入员", CLERK, ids["乙社区"], "界面"))
    with clerk.reading() as session:
        assert set(case_figures(session, date(2026, 3, 31))) == {ids["乙社区"]}
