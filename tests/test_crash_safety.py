"""Crash safety: a process killed (SIGKILL) at any moment of a long operation leaves the database exactly as it
was before the operation or exactly as after it, never between, and always passing integrity_check.

Each kill point runs the operation in a fresh child process (forked from a helper subprocess) on a copy of a
prepared database. Kill points are timed (a delay after the operation starts, spread past its end to catch
the commit itself), exact (the child kills itself at its Nth progress report), or right after it finished.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
                                 reason="SIGKILL and fork are POSIX only")]


# --- what the child runs ------------------------------------------------------------------------------
def _demo(ledger, progress) -> None:
    from ledger.demo import load_demo
    load_demo(ledger, "street", today=TODAY, progress=progress)


@dataclass(frozen=True)
class Operation:
    name: str
    prepare: Callable[[Path], None]      # builds the "before" database
    run: Callable                        # (ledger, progress) in the child
    timed_points: int
    progress_points: int


def _prepare_street(path: Path) -> None:
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.services.street import init_street
    ledger = Ledger.open(path, Actor(source="测试"))
    init_street(ledger, "示范街道")
    ledger.close()


IMPORT_ROWS = 1500


def _prepare_import(path: Path) -> None:
    """A street with twelve communities, and beside it a workbook of new workers as a clerk would bring."""
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.idcard import make_id
    from ledger.services import CommunityService
    _prepare_street(path)
    ledger = Ledger.open(path, Actor(source="测试"))
    names = [f"第{i}社区" for i in range(1, 13)]
    for name in names:
        CommunityService(ledger).create({"name": name})
    ledger.close()
    lines = ["姓名,身份证号,所属社区,职务,岗位,等级,学历,参加社区工作时间,联系电话,银行账号"]
    for i in range(IMPORT_ROWS):
        number = make_id("150203", date(1965 + i % 30, 1 + i % 12, 1 + i % 28), i % 1000)
        name = "张" + "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(i))   # a name has no digits
        lines.append(f"{name},{number},{names[i % 12]},专职网格员,三岗,{1 + i % 12},本科,2015.03,"
                     f"138{i:08d},6222{i:015d}")
    (path.parent / "import.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def _import(ledger, progress) -> None:
    from ledger.importing import import_file
    db = Path(str(ledger.db.engine.url.database))
    import_file(ledger, "workers", db.parent / "import.csv", progress=progress)


def _prepare_pay(path: Path) -> None:
    """A district's demo ledgers: 1,520 workers on the default pay standard."""
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.demo import load_demo
    _prepare_street(path)
    ledger = Ledger.open(path, Actor(source="测试"))
    load_demo(ledger, "district", today=TODAY)
    ledger.close()


def _pay_run(ledger, progress) -> None:
    from ledger.pay.runs import Payroll
    Payroll(ledger).run("2026-03", progress=progress)


OPERATIONS: dict[str, Operation] = {
    "demo": Operation("demo", _prepare_street, _demo, timed_points=44, progress_points=8),
    "import": Operation("import", _prepare_import, _import, timed_points=20, progress_points=6),
    "pay": Operation("pay", _prepare_pay, _pay_run, timed_points=20, progress_points=6),
}


def zygote() -> None:
    """python tests/test_crash_safety.py OPERATION: import once, then fork one child per request.

    Requests on stdin: "run DB CRASH_AT" forks a child that opens DB, says "started PID", runs the operation
    (saying "progress N" at each report) and "done SECONDS REPORTS"; "reap" waits for that child and says
    "exited CODE". The child stays a zombie until reaped, so the parent's SIGKILL can never hit a reused pid.
    Forking from an already-imported, single-threaded process makes a kill point cost the operation's time,
    not an interpreter start.
    """
    sys.path.insert(0, str(ROOT))
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.progress import Progress
    operation = OPERATIONS[sys.argv[1]]

    def say(text: str) -> None:
        os.write(1, (text + "\n").encode())   # unbuffered: nothing may be duplicated by fork

    say("zygote-ready")
    pid = None
    for line in sys.stdin:
        words = line.split()
        if words[0] == "run":
            db, crash_at = words[1], int(words[2])
            pid = os.fork()
            if pid == 0:
                ledger = Ledger.open(db, Actor("崩溃测试", source="测试"))
                reports = 0

                def report(done: int, total: int, message: str) -> None:
                    nonlocal reports
                    say(f"progress {reports}")
                    if reports == crash_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    reports += 1

                say(f"started {os.getpid()}")
                started = time.perf_counter()
                operation.run(ledger, Progress(report))
                say(f"done {time.perf_counter() - started:.4f} {reports}")
                ledger.close()
                os._exit(0)
        elif words[0] == "reap":
            _, status = os.waitpid(pid, 0)
            say(f"exited {os.waitstatus_to_exitcode(status)}")


# --- the parent's checks ------------------------------------------------------------------------------
def state(path: Path) -> str:
    """A digest of every table's rows, less the clock (columns 'at' and '*_at', times inside the audit's
    recorded values, and the audit chain's hashes, which cover the time of each entry), after SQLite's own
    recovery of the WAL a killed process left behind."""
    con = sqlite3.connect(path)
    try:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check")]
        assert problems == ["ok"], problems
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        digest = hashlib.sha256()
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')
                       if r[1] not in ("at", "chain_hash") and not r[1].endswith("_at")]
            digest.update(table.encode())
            for row in con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{table}" '
                                   "ORDER BY rowid"):
                digest.update(_CLOCK.sub("<时刻>", repr(row)).encode())
        return digest.hexdigest()
    finally:
        con.close()


@dataclass
class Outcome:
    point: str
    lines: list[str]
    state: str

    @property
    def mid_operation(self) -> bool:
        """Killed after the operation began (the child says "started" just before) and before it was done."""
        return not any(line.startswith("done") for line in self.lines)


class Zygote:
    """The parent's side of the forking helper (see zygote())."""

    def __init__(self, operation: str, env: dict[str, str]):
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), operation], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        line = self.proc.stdout.readline().strip()
        assert line == "zygote-ready", (line, self.proc.stderr.read() if self.proc.poll() is not None else "")

    def run(self, db: Path, delay: float | None = None, crash_at: int = -1,
            after_done: bool = False) -> tuple[list[str], int]:
        """Run the operation on db in a fresh child, SIGKILLed `delay` seconds after it starts (if given), or
        as soon as it says it is done (before it closes the database)."""
        self._send(f"run {db} {crash_at}")
        lines = [self._line()]
        assert lines[0].startswith("started"), lines
        if after_done:
            while not lines[-1].startswith("done"):
                lines.append(self._line())
            os.kill(int(lines[0].split()[1]), signal.SIGKILL)
        elif delay is not None:
            time.sleep(delay)
            os.kill(int(lines[0].split()[1]), signal.SIGKILL)   # a zombie if it already finished: harmless
        self._send("reap")
        while not lines[-1].startswith("exited"):
            lines.append(self._line())
        return lines, int(lines[-1].split()[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)

    def _send(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def _line(self) -> str:
        line = self.proc.stdout.readline().strip()
        assert line, f"the zygote stopped: {self.proc.stderr.read()}"
        return line


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_killed_at_any_moment_the_database_is_before_or_after(name, tmp_path):
    operation = OPERATIONS[name]
    env = {**os.environ, "STREETLEDGER_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    template = tmp_path / "before.sqlite"
    operation.prepare(template)
    before = state(template)
    zygote = Zygote(name, env)
    try:
        # Undisturbed runs: the "after" state and how long the operation takes (the slowest of three, since the
        # machine's load varies).
        durations = []
        for n in range(3):
            full = tmp_path / f"after-{n}.sqlite"
            shutil.copyfile(template, full)
            lines, code = zygote.run(full)
            assert code == 0, lines
            done = next(line for line in lines if line.startswith("done")).split()
            durations.append(float(done[1]))
            reports = int(done[2])
            after = state(full)
        duration = max(durations)
        assert after != before

        points: list[tuple[str, float | None, int, bool]] = []
        for i in range(operation.timed_points):
            # From the very start to 20% past the end: the last ones land on the commit and after it.
            points.append((f"timed-{i}", duration * 1.2 * i / (operation.timed_points - 1), -1, False))
        for i in range(2):
            points.append((f"after-end-{i}", None, -1, True))   # killed once all is committed
        for i in range(min(operation.progress_points, reports)):
            points.append((f"report-{i}", None, i, False))
        outcomes = []
        for point, delay, crash_at, after_done in points:
            db = tmp_path / f"{point}.sqlite"
            shutil.copyfile(template, db)
            lines, code = zygote.run(db, delay, crash_at, after_done)
            assert code in (0, -signal.SIGKILL), (point, lines)
            outcomes.append(Outcome(point, lines, state(db)))
    finally:
        zygote.close()

    assert len(outcomes) >= operation.timed_points + min(operation.progress_points, reports) + 2
    wrong = [o.point for o in outcomes if o.state not in (before, after)]
    assert not wrong, f"killed at {wrong}: the database was neither before nor after"
    assert sum(o.state == before for o in outcomes) >= 10
    assert all(o.state == after for o in outcomes if o.point.startswith("after-end"))
    # Most kills must really have hit the operation while it ran, or the test proves nothing.
    mid = [o.point for o in outcomes if o.mid_operation]
    assert len(mid) >= len(outcomes) // 2, f"only {mid} were killed while the operation ran"
    assert all(o.state == before for o in outcomes if o.point.startswith("report-"))


def test_there_are_at_least_fifty_kill_points():
    assert sum(op.timed_points + op.progress_points for op in OPERATIONS.values()) >= 50


if __name__ == "__main__":
    zygote()
