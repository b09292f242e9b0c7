"""A restore never replaces a database another running program has open, and says who has it open."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import backup
from ledger.access import Actor
from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services import CommunityService
from ledger.services.street import init_street

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys
from ledger.app import Ledger
ledger = Ledger.open(sys.argv[1])
print("opened", flush=True)
sys.stdin.readline()          # holds the database open until told (or killed)
ledger.close()
"""


def _database(tmp_path) -> tuple[Path, Path]:
    path = tmp_path / "台账.sqlite"
    ledger = Ledger.open(path, Actor(source="测试"))
    init_street(ledger, "测试街道")
    CommunityService(ledger).create({"name": "幸福社区"})
    ledger.close()
    copy = backup.backup_sqlite(path, tmp_path / "备份.sqlite")
    return path, copy


def _hold(path: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout.readline().strip() == "opened"
    return child


def test_a_restore_is_refused_while_another_program_has_the_database_open(tmp_path):
    path, copy = _database(tmp_path)
    before = path.read_bytes()
    child = _hold(path)
    try:
        with pytest.raises(LedgerError, match=r"数据库正被其他程序打开：.+在电脑“.+”上（自.+起，进程\d+）"):
            backup.restore(path, copy, Ledger.open(path, Actor(source="测试")))
        assert path.read_bytes() == before
    finally:
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait()
    backup.restore(path, copy, Ledger.open(path, Actor(source="测试")))   # closed there: now it may


def test_a_program_that_ended_abruptly_does_not_block_a_restore(tmp_path):
    path, copy = _database(tmp_path)
    child = _hold(path)
    child.kill()          # SIGKILL: its marker stays behind, but nobody holds its lock any more
    child.wait()
    assert backup.restore(path, copy, Ledger.open(path, Actor(source="测试"))) is not None
