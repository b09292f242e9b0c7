"""Several people at once on one database: no lost update, no leaked row, no traceback, every refusal said.

A short, fixed amount of work (not a time) per process, so a busy machine only makes it slower; the five-minute
run for the record is `python -m bench.office` (docs/trust.md).
"""
from __future__ import annotations

from bench.office import run_office


def test_four_people_working_at_once_lose_nothing_and_see_only_their_own(db_url):
    result = run_office(db_url, processes=4, ops=25)
    assert result["finished"] == 4 and result["ops"] == 100
    assert result["tracebacks"] == []
    assert (result["lost_updates"], result["leaked_rows"], result["unanswered"]) == (0, 0, 0)
    assert result["saved"] > 0
