"""An office of many people on one database: N processes of mixed work, and the invariants that must hold.

    python -m bench.office                                  # SQLite, 8 processes × 5 minutes
    python -m bench.office --db postgresql+psycopg://…/db   # the same on a server (an empty database)
    python -m bench.office --processes 4 --ops 50           # a fixed amount of work instead of a time

Every process signs in with the office's accounts (their passwords; on a server each person connects as their
own login role, so the server's row-level rules and privileges are part of what is tried) and, at random, edits the same few workers (adding
1.00 to 专项附加扣除 from the version it read, retrying on a conflict), imports a small workbook, runs the
month's draft pay, or reads the ledgers and the audit log as an account limited to one 社区. At the end:

- lost updates: the stored 专项附加扣除 of each contested worker against the saves the processes saw succeed;
- leaked rows: rows a limited account was shown from another community;
- tracebacks: anything that ended in an exception other than the application's Chinese refusal;
- unanswered conflicts: a refusal without a message.

All four must be zero. tests/test_office.py runs a short fixed-work version on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

CONTESTED = 6          # workers every process edits: conflicts are the point
STEP = Decimal("1.00")
MONTH = "2026-01"
PASSWORD = "办公室2026ok"


@dataclass
class Tally:
    """What one process did and saw."""

    ops: int = 0
    saved: int = 0
    conflicts: int = 0          # refusals with a message (another person was first)
    tracebacks: list[str] = field(default_factory=list)
    unanswered: int = 0
    leaked: int = 0
    increments: dict[str, int] = field(default_factory=dict)   # worker id -> successful +1.00 saves


def prepare(url: str) -> dict:
    """A street-scale demo with the office's people; returns who they are and the contested workers."""
    from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
    from ledger.accounts import create_user, login
    from ledger.app import Ledger
    from ledger.demo import load_demo
    from ledger.services import CommunityService, GridService, WorkerService
    from ledger.services.street import init_street

    from ledger.db import upgrade_database
    upgrade_database(url)   # a server database is made by its owner's upgrade (a SQLite file upgrades on opening)
    ledger = Ledger.open(url, Actor(source="命令行"))
    try:
        init_street(ledger, "示范街道")
        load_demo(ledger, "street", today=date(2026, 1, 20))
        communities = CommunityService(ledger).list()
        workers = WorkerService(ledger).list()
        contested = [w["id"] for w in workers[:CONTESTED]]
        for worker_id in contested:
            WorkerService(ledger).update(worker_id, {"special_deduction": "0"})
        limited = communities[3]["id"]
        # the office's accounts by the part each plays; a server's login names are unique on the whole server,
        # so each run's names carry a mark of their own
        mark = uuid.uuid4().hex[:6]
        people = {"admin": (f"管理员{mark}", ADMIN, None), "clerk": (f"录入员{mark}", CLERK, None),
                  "finance": (f"财务{mark}", FINANCE, None),
                  "limited_clerk": (f"社区录入员{mark}", CLERK, communities[3]["name"]),
                  "limited_leader": (f"社区领导{mark}", LEADER, communities[3]["name"])}
        create_user(ledger, people["admin"][0], ADMIN, PASSWORD)
        admin = login(ledger, people["admin"][0], PASSWORD, "命令行").ledger
        try:
            for account, role, community in list(people.values())[1:]:
                create_user(admin, account, role, PASSWORD, community=community)
        finally:
            admin.close()
        grids = [g["code"] for g in GridService(ledger).list(community_id=limited)][:3]
        return {"people": {part: account for part, (account, _role, _c) in people.items()}, "contested": contested, "limited": limited,
                "limited_name": communities[3]["name"], "grids": grids}
    finally:
        ledger.close()


def work(url: str, setup: dict, index: int, ops: int | None, deadline: float | None, out: str) -> None:
    """One person's session: mixed work until `ops` actions are done or the deadline passes."""
    from ledger.accounts import login
    from ledger.errors import LedgerError

    rng = random.Random(index)
    tally = Tally()
    as_ = {part: login(url, account, PASSWORD, "命令行").ledger for part, account in setup["people"].items()}
    actions = [(_edit, 45), (_limited_reads, 30), (_import, 10), (_pay, 10), (_audit_reads, 5)]
    try:
        while (ops is None or tally.ops < ops) and (deadline is None or time.time() < deadline):
            action = rng.choices([a for a, _ in actions], [w for _, w in actions])[0]
            tally.ops += 1
            try:
                action(as_, setup, rng, tally, index)
            except LedgerError as exc:
                if str(exc).strip():
                    tally.conflicts += 1
                else:
                    tally.unanswered += 1
            except Exception:  # noqa: BLE001 — counting them is the point
                tally.tracebacks.append(traceback.format_exc(limit=6))
    finally:
        for ledger in as_.values():
            ledger.close()
        Path(out).write_text(json.dumps(asdict(tally), ensure_ascii=False), encoding="utf-8")


def _edit(as_, setup, rng, tally: Tally, _index) -> None:
    """+1.00 on a contested worker from the version read; a conflict is retried from a fresh read."""
    from ledger.conflicts import Conflict
    from ledger.services import WorkerService
    service = WorkerService(as_["clerk"])
    worker_id = rng.choice(setup["contested"])
    for _attempt in range(5):
        record = service.get(worker_id)
        value = (record["special_deduction"] or Decimal(0)) + STEP
        try:
            service.update(worker_id, {"special_deduction": str(value)}, version=record["version"])
        except Conflict:
            tally.conflicts += 1
            continue
        tally.saved += 1
        tally.increments[str(worker_id)] = tally.increments.get(str(worker_id), 0) + 1
        return


def _limited_reads(as_, setup, rng, tally: Tally, _index) -> None:
    from ledger.services import LEDGERS
    clerk = as_["limited_clerk"]
    key = rng.choice(["workers", "grids", "orgs", "venues", "funds", "communities"])
    own = setup["limited"]
    for record in LEDGERS[key](clerk).list():
        place = record["id"] if key == "communities" else record.get("community_id")
        if place != own:
            tally.leaked += 1


def _audit_reads(as_, setup, _rng, tally: Tally, _index) -> None:
    from ledger.services.audit_query import AuditFilter, query_audit
    leader = as_["limited_leader"]
    for row in query_audit(leader, AuditFilter(), limit=200):
        if row.community_id not in (None, setup["limited"]) and row.user != leader.actor.name:
            tally.leaked += 1


def _import(as_, setup, rng, tally: Tally, index) -> None:
    from openpyxl import Workbook

    from ledger.importing import import_file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "网格.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.append(["所属社区", "网格编号", "网格名称", "户数", "备注"])
        for code in setup["grids"]:
            ws.append([setup["limited_name"], code, f"第{int(code)}网格", rng.randint(400, 500), f"进程{index}"])
        wb.save(path)
        import_file(as_["limited_clerk"], "grids", path)
    tally.saved += 1


def _pay(as_, _setup, _rng, tally: Tally, _index) -> None:
    from ledger.pay.runs import Payroll
    Payroll(as_["finance"]).run(MONTH)
    tally.saved += 1


def run_office(url: str, processes: int, ops: int | None = None, seconds: float | None = None) -> dict:
    """Run the office and return the invariants (and the counts behind them)."""
    setup = prepare(url)
    deadline = time.time() + seconds if seconds else None
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        outs = [str(Path(folder) / f"{i}.json") for i in range(processes)]
        children = [context.Process(target=work, args=(url, setup, i, ops, deadline, outs[i])) for i in range(processes)]
        for child in children:
            child.start()
        for child in children:
            child.join()
        tallies = [Tally(**json.loads(Path(o).read_text(encoding="utf-8"))) for o in outs if Path(o).exists()]
    return verdict(url, setup, tallies, processes)


def verdict(url: str, setup: dict, tallies: list[Tally], processes: int) -> dict:
    from ledger.accounts import login
    from ledger.services import WorkerService
    ledger = login(url, setup["people"]["admin"], PASSWORD, "命令行").ledger
    try:
        lost = 0
        for worker_id in setup["contested"]:
            stored = WorkerService(ledger).get(worker_id)["special_deduction"] or Decimal(0)
            seen = sum(t.increments.get(str(worker_id), 0) for t in tallies)
            lost += abs(int(stored / STEP) - seen)
    finally:
        ledger.close()
    return {"processes": processes, "finished": len(tallies), "ops": sum(t.ops for t in tallies),
            "saved": sum(t.saved for t in tallies), "conflicts": sum(t.conflicts for t in tallies),
            "lost_updates": lost, "leaked_rows": sum(t.leaked for t in tallies),
            "tracebacks": [tb for t in tallies for tb in t.tracebacks],
            "unanswered": sum(t.unanswered for t in tallies)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.office", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database: a SQLite file or a postgresql+psycopg:// URL")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--ops", type=int, help="actions per process (instead of --minutes)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'office.sqlite'}"
        result = run_office(url, args.processes, args.ops, None if args.ops else args.minutes * 60)
    print(f"{result['processes']}个进程：共{result['ops']}次操作，成功{result['saved']}次，冲突提示{result['conflicts']}次")
    print(f"丢失的修改 {result['lost_updates']}　越权可见的行 {result['leaked_rows']}　"
          f"程序错误 {len(result['tracebacks'])}　无提示的拒绝 {result['unanswered']}")
    for text in result["tracebacks"][:3]:
        print(text, file=sys.stderr)
    clean = not (result["lost_updates"] or result["leaked_rows"] or result["tracebacks"] or result["unanswered"])
    return 0 if clean and result["finished"] == result["processes"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
