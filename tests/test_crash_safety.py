"""Crash safety: a process killed (SIGKILL) at any moment of a long operation leaves the database exactly as it
was before the operation or exactly as after it, never between, and always passing integrity_check.

Each kill point runs the operation in a fresh child process (forked from a helper subprocess) on a copy of a
prepared database. Kill points are counted, never timed: the child kills itself as SQLite starts its Nth SQL
statement (spread from the first to the COMMIT), at SQLite's Nth progress-handler call inside a statement, or
at its Nth progress report; or the parent kills it right after it finished. So the test proves the same on a
saturated machine as on an idle one.
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
    statement_points: int                # kills as the Nth SQL statement starts (COMMIT included)
    step_points: int                     # kills inside a statement, at SQLite's Nth progress-handler call
    progress_points: int                 # kills at the operation's Nth progress report


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
    "demo": Operation("demo", _prepare_street, _demo, statement_points=24, step_points=20, progress_points=8),
    "import": Operation("import", _prepare_import, _import, statement_points=12, step_points=8, progress_points=6),
    "pay": Operation("pay", _prepare_pay, _pay_run, statement_points=12, step_points=8, progress_points=6),
}


STEP_INTERVAL = 1000   # SQLite virtual-machine instructions between two calls of the progress handler


def zygote() -> None:
    """python tests/test_crash_safety.py OPERATION: import once, then fork one child per request.

    Requests on stdin: "run DB HOOK N" forks a child that opens DB, says "started PID", runs the operation and
    kills itself (SIGKILL) when the hook fires for the Nth time (counting from 0; HOOK "none" never kills):
    "statement" as SQLite starts a statement (each row of an executemany, BEGIN and COMMIT included), "step"
    inside a statement (SQLite's progress handler), "report" at the operation's progress report. A child that
    finishes says "done REPORTS STATEMENTS STEPS"; with HOOK "after-end" it then waits, its database still
    open, for the parent's SIGKILL. "reap" waits for the child and says "exited CODE";
    the child stays a zombie until reaped, so a pid is never reused under the parent's feet.

    Every kill point is a count of the operation's own events, never a time, so where the kills land does not
    depend on how busy the machine is. Forking from an already-imported, single-threaded process makes a kill
    point cost the operation's time, not an interpreter start.
    """
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

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
            db, hook, crash_at = words[1], words[2], int(words[3])
            pid = os.fork()
            if pid == 0:
                counts = {"report": 0, "statement": 0, "step": 0}
                counting = False

                def count(what: str) -> None:
                    if not counting:
                        return
                    if what == hook and counts[what] == crash_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    counts[what] += 1

                @event.listens_for(Engine, "connect")
                def watch(dbapi_connection, _record) -> None:
                    dbapi_connection.set_trace_callback(lambda _sql: count("statement"))
                    dbapi_connection.set_progress_handler(lambda: count("step") or 0, STEP_INTERVAL)

                ledger = Ledger.open(db, Actor("崩溃测试", source="测试"))
                say(f"started {os.getpid()}")
                counting = True
                operation.run(ledger, Progress(lambda done, total, message: count("report")))
                counting = False
                say(f"done {counts['report']} {counts['statement']} {counts['step']}")
                while hook == "after-end":
                    signal.pause()     # committed, the database still open: the parent kills it here
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

    def run(self, db: Path, hook: str = "none", crash_at: int = -1) -> tuple[list[str], int]:
        """Run the operation on db in a fresh child that kills itself at the hook's `crash_at`th event, or
        (hook "after-end") that the parent kills once it says it is done, before it closes the database."""
        self._send(f"run {db} {hook} {crash_at}")
        lines = [self._line()]
        assert lines[0].startswith("started"), lines
        if hook == "after-end":
            while not lines[-1].startswith("done"):
                lines.append(self._line())
            os.kill(int(lines[0].split()[1]), signal.SIGKILL)
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


def spread(total: int, points: int) -> list[int]:
    """`points` event numbers from the first (0) to the last (total - 1), evenly apart, without repeats."""
    if total <= points:
        return list(range(total))
    return sorted({round(i * (total - 1) / (points - 1)) for i in range(points)})


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_killed_at_any_moment_the_database_is_before_or_after(name, tmp_path):
    operation = OPERATIONS[name]
    env = {**os.environ, "STREETLEDGER_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    template = tmp_path / "before.sqlite"
    operation.prepare(template)
    before = state(template)
    zygote = Zygote(name, env)
    try:
        # An undisturbed run: the "after" state and how many events of each kind the operation has.
        full = tmp_path / "after.sqlite"
        shutil.copyfile(template, full)
        lines, code = zygote.run(full)
        assert code == 0, lines
        reports, statements, steps = (int(n) for n in next(x for x in lines if x.startswith("done")).split()[1:])
        after = state(full)
        assert after != before

        points = [("statement", n) for n in spread(statements, operation.statement_points)]
        points += [("step", n) for n in spread(steps, operation.step_points)]
        points += [("report", n) for n in range(min(operation.progress_points, reports))]
        outcomes = []
        for hook, crash_at in [*points, ("after-end", 0), ("after-end", 1)]:
            db = tmp_path / f"{hook}-{crash_at}.sqlite"
            shutil.copyfile(template, db)
            lines, code = zygote.run(db, hook, crash_at)
            assert code == -signal.SIGKILL, (hook, crash_at, lines)
            outcomes.append(Outcome(f"{hook}-{crash_at}", lines, state(db)))
    finally:
        zygote.close()

    assert len(outcomes) == len(points) + 2
    # Each kill point is an event of the running operation: every one of them hit it while it ran.
    assert all(o.mid_operation for o in outcomes if not o.point.startswith("after-end"))
    wrong = [o.point for o in outcomes if o.state not in (before, after)]
    assert not wrong, f"killed at {wrong}: the database was neither before nor after"
    assert sum(o.state == before for o in outcomes) >= 10
    assert all(o.state == after for o in outcomes if o.point.startswith("after-end"))
    assert all(o.state == before for o in outcomes if o.point.startswith("report-"))


def test_there_are_at_least_fifty_kill_points():
    assert sum(op.statement_points + op.step_points + op.progress_points for op in OPERATIONS.values()) >= 50


if __name__ == "__main__":
    zygote()
