"""A case replayed from its steps: state_on is `effect` step by step, and the quarter's 民生诉求 figures, which
read only the steps they need, are those of every case replayed from all of its steps."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ledger.bulk import insert_rows
from ledger.case_figures import case_figures
from ledger.case_flow import (ASSIGN, ESCALATE, FAIRLY_SATISFIED, FEEDBACK, RATE, RATINGS, REGISTER, RESOLVE,
                              SATISFIED, SUPERVISE, CaseState, Step, effect, registered, state_on)
from ledger.models import Case, CaseStep
from tests.workbooks import communities

KINDS = (REGISTER, ESCALATE, ASSIGN, RESOLVE, FEEDBACK, RATE, SUPERVISE)
START = date(2025, 11, 1)


def one_by_one(found_on: date, steps: list[tuple[Step, date | None]], day: date) -> CaseState:
    """The case after each step in turn (a CaseState after every step), as a step is taken in the window."""
    state = registered(found_on)
    for step, due in steps:
        if step.on is not None and step.on <= day:
            state = effect(state, step, due)
    return state


days = st.builds(lambda n: START + timedelta(days=n), st.integers(0, 120))
steps = st.lists(st.tuples(
    st.builds(Step, st.sampled_from(KINDS), st.one_of(st.none(), days), st.sampled_from((None, "街道城管办")),
              st.sampled_from((None, 1, 5)), st.sampled_from((None, "已处理")), st.sampled_from((None, *RATINGS))),
    st.one_of(st.none(), days)), max_size=12)


@given(days, steps, days)
def test_a_case_on_a_day_is_its_steps_taken_one_by_one(found_on, taken, day):
    # any order, even one no window would allow: the replay is unchecked, as recorded history is
    assert state_on(found_on, taken, day) == one_by_one(found_on, taken, day)


def everything_replayed(session, on: date) -> dict[int, list[int]]:
    """Each community's six counts from every case registered by `on`, replayed from all its steps taken by then."""
    first = date(on.year, 1, 1)
    cases = session.execute(Case.__table__.select().with_only_columns(Case.id, Case.community_id, Case.found_on)
                            .where(Case.found_on <= on)).all()
    rows = session.execute(CaseStep.__table__.select().order_by(CaseStep.case_id, CaseStep.done_on, CaseStep.id)
                           .where(CaseStep.done_on <= on)).mappings().all()
    by_case: dict[int, list] = {}
    for r in rows:
        by_case.setdefault(r["case_id"], []).append(
            (Step(r["kind"], r["done_on"], r["handler"], r["limit_days"], r["result"], r["rating"]), r["due_on"]))
    counts: dict[int, list[int]] = {}
    for case_id, community, found_on in cases:
        state = one_by_one(found_on, by_case.get(case_id, []), on)
        row = counts.setdefault(community, [0] * 6)
        if found_on >= first:
            row[0] += 1
            row[1] += state.resolved
            row[2] += state.resolved and state.resolved_in_time()
            row[3] += state.closed
            row[4] += state.rating in (SATISFIED, FAIRLY_SATISFIED)
        row[5] += state.overdue(on)
    return counts


def figures_as_counts(session, on: date) -> dict[int, list[int]]:
    return {cid: [f.accepted, f.resolved, f.resolved_in_time, f.rated, f.satisfied, f.overdue_open]
            for cid, f in case_figures(session, on).items()}


QUARTER_DAYS = [date(2025, 3, 31), date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 6), date(2026, 3, 31),
                date(2026, 6, 30), date(2026, 9, 30), date(2026, 11, 23)]


def test_the_street_demos_figures_are_every_case_replayed(demo_ledger):
    with demo_ledger.reading() as session:
        for on in QUARTER_DAYS:
            assert figures_as_counts(session, on) == everything_replayed(session, on), on


def test_cases_of_earlier_years_left_unread_are_办结(ledger, writes_around):
    """Histories in any order (reopened, handled again, sent back twice, several 处置 on one day): a case of an
    earlier year whose steps the figures do not read is 办结 however its steps run, so no 超期未结 is lost."""
    ids = communities(ledger, "甲社区", "乙社区")
    rng = random.Random(20260930)
    cases, histories = [], []
    for n in range(400):
        found = START + timedelta(days=rng.randint(0, 40))
        cases.append({"number": f"R-{n:05d}", "source": "电话", "community_id": rng.choice(list(ids.values())),
                      "category": "其他", "content": "问题", "found_on": found, "version": 1})
        day, history = found, [(REGISTER, found, None, None)]
        for _ in range(rng.randint(0, 9)):
            day += timedelta(days=rng.choice((0, 0, 1, 3, 10)))
            kind = rng.choice((ASSIGN, RESOLVE, RESOLVE, RATE, RATE, FEEDBACK))
            history.append((kind, day, rng.choice(RATINGS) if kind == RATE else None,
                            day + timedelta(days=rng.randint(0, 8)) if kind in (ASSIGN, RATE) else None))
        histories.append(history)
    with ledger.unit("ledger.write") as session:
        insert_rows(session, Case, cases)
        numbers = dict(session.execute(Case.__table__.select().with_only_columns(Case.number, Case.id)).all())
        insert_rows(session, CaseStep, [
            {"case_id": numbers[case["number"]], "kind": kind, "done_on": on, "handler": "街道城管办",
             "limit_days": 3, "due_on": due, "result": "已处理", "rating": rating, "note": None,
             "user_name": "张三", "source": "界面", "recorded_at": datetime(2026, 1, 5, 9)}
            for case, history in zip(cases, histories) for kind, on, rating, due in history])
    with ledger.reading() as session:
        for on in (date(2026, 1, 1), date(2026, 1, 20), date(2026, 3, 31)):
            assert figures_as_counts(session, on) == everything_replayed(session, on), on
        # the histories do leave some cases open and overdue, and many 办结
        assert sum(row[5] for row in everything_replayed(session, date(2026, 1, 20)).values()) > 10
