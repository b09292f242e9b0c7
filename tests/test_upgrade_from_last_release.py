"""A street office's database as the last release left it opens in this one with its data intact.

tests/data/release_0007/streetledger.sqlite was made by the previous release (schema 0007_integrity): the street
demo, the pay of 2026-10 run and approved, 2026-Q3 closed. expected.json holds what that release itself read
back from it: every approved pay line's amounts, the closed quarter's indicators and the ledgers' counts.
"""
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import quarter
from ledger.access import Actor
from ledger.app import Ledger
from ledger.db import current_revision, head_revision
from ledger.pay.columns import MONEY_KEYS
from ledger.pay.runs import Payroll
from ledger.services import LEDGERS
from ledger.services.checks import run_checks

RELEASE = Path(__file__).parent / "data" / "release_0007"


@pytest.fixture
def upgraded(tmp_path, data_dir):
    copy = tmp_path / "streetledger.sqlite"
    shutil.copyfile(RELEASE / "streetledger.sqlite", copy)
    ledger = Ledger.open(copy, Actor(source="界面"))     # start-up upgrades a SQLite file
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((RELEASE / "expected.json").read_text(encoding="utf-8"))


def test_the_schema_reaches_this_release_and_a_copy_of_the_old_file_is_kept(upgraded, data_dir):
    assert current_revision(upgraded.db.engine) == head_revision(upgraded.db.engine)
    assert list((data_dir / "backups").glob("*.sqlite")), "the file as the last release left it is kept aside"


def test_every_ledger_keeps_its_records(upgraded, expected):
    assert {key: len(LEDGERS[key](upgraded).list()) for key in expected["counts"]} == expected["counts"]


def test_the_approved_pay_reprints_to_the_fen(upgraded, expected):
    lines = Payroll(upgraded).lines("2026-10")
    assert Payroll(upgraded).summary("2026-10").approved
    assert {line.id_number: {k: str(getattr(line, k)) for k in MONEY_KEYS} for line in lines} == expected["pay_2026_10"]
    assert sum(Decimal(v["net"]) for v in expected["pay_2026_10"].values()) == sum(line.net for line in lines)


def test_the_closed_quarter_states_what_it_stated(upgraded, expected):
    values = quarter.report(upgraded, "2026-Q3").values
    assert {k: None if values[k] is None else str(values[k]) for k in expected["quarter_2026_Q3"]} \
        == expected["quarter_2026_Q3"]
    assert all(values[k] is None for k in values if k not in expected["quarter_2026_Q3"]), \
        "a quarter closed before the wider ledgers and 民生诉求 states none of their figures"


def test_the_upgraded_database_passes_its_checks_and_takes_new_records(upgraded):
    assert [f.message for f in run_checks(upgraded).errors] == []
    team = LEDGERS["teams"](upgraded).create({"name": "红马甲", "community": "幸福社区"})
    assert team["community"] == "幸福社区"
