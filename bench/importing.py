"""Importing a 10,000-row roster vs an openpyxl read-only pass over the same file plus sqlite3's executemany of its
rows: in this process (the import itself), and as the whole `import workers` command from process start to exit
(with its peak RSS) against the same baseline in a process of its own.

The workbook is the way clerks make it: a title row, a 填报单位 line, the header, a 序号 column, IDs as text.
Ours is the whole import (read, find the header, parse and check every row by the service's rules, insert,
audit trail, undo data) in one transaction; the baseline only reads the cells and inserts ready-made rows.
"""
from __future__ import annotations

import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import select

from ledger.access import Actor
from ledger.app import Ledger
from ledger.bankcard import luhn_digit
from ledger.idcard import make_id
from ledger.importing import import_file
from ledger.models import Community, Street
from ledger.services.street import init_street

from .import_baseline import COLUMNS, insert_rows

ROWS = 10_000
COMMUNITIES = 40
HEADERS = ("序号", "姓名", "身份证号码", "所属社区", "职务", "岗位", "等级", "是否一肩挑", "学历", "职业资格", "参加社区工作时间",
           "政治面貌", "联系电话", "银行账号", "缴费基数", "专项附加扣除", "状态", "备注")


def _name(i: int) -> str:
    """A distinct name without digits (a name with digits is refused): the number spelt in characters."""
    return "张" + "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(i))


def _card(i: int) -> str:
    """A distinct 银联 card number that passes its check digit, as real ones do."""
    body = f"6222{i:014d}"
    return body + luhn_digit(body)


def _community(i: int) -> str:
    return f"第{i % COMMUNITIES + 1}社区"


def make_roster(path: Path, rows: int = ROWS) -> list[dict]:
    """Write the workbook; returns the rows as the database will hold them (for the baseline's insert)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["基准街道社区工作者花名册"])
    ws.append(["填报单位：基准街道办事处", None, None, None, None, None, None, None, None, None, "填报日期：2026年3月"])
    ws.append(list(HEADERS))
    records = []
    for i in range(rows):
        birth = date(1966 + i % 35, 1 + i % 12, 1 + i % 28)
        number = make_id(("150203", "150204", "110105")[i % 3], birth, i % 997 + 1)
        post, level = (3, 1 + i % 12) if i % 10 else (2, 4 + i % 12)
        started = date(max(birth.year + 20, 2003 + i % 20), 1 + i % 12, 1)
        name, card = _name(i), _card(i)
        ws.append([i + 1, name, number, _community(i), "社区工作者" if post == 3 else "副主任",
                   "三岗" if post == 3 else "二岗", level, "否", ("本科", "大专", "硕士")[i % 3], "无",
                   started, "群众", f"138{i:08d}", card, None, 1000, "在岗", None])
        records.append({"name": name, "id_number": number, "community_id": None, "title": "社区工作者" if post == 3 else "副主任",
                        "post": post, "level": level, "dual_role": False, "education": ("本科", "大专", "硕士")[i % 3],
                        "qualification": "无", "started_on": started, "political_status": "群众", "phone": f"138{i:08d}",
                        "bank_account": card, "contribution_base": None,
                        "special_deduction": Decimal("1000.00"), "status": "在岗", "note": None, "credited_bonus": 0,
                        "_community": _community(i)})
    wb.save(path)
    return records


def _ledger(path: Path) -> Ledger:
    ledger = Ledger.open(path, Actor(source="界面"))
    init_street(ledger, "基准街道")
    with ledger.unit("ledger.write") as session:
        street_id = session.scalar(select(Street.id))
        session.execute(Community.__table__.insert(), [{"street_id": street_id, "name": f"第{i + 1}社区"}
                                                        for i in range(COMMUNITIES)])
    return ledger


def _ours(folder: Path, workbook: Path, n: int) -> float:
    ledger = _ledger(folder / f"ours{n}.sqlite")
    start = time.perf_counter()
    _plan, outcome = import_file(ledger, "workers", workbook)
    elapsed = time.perf_counter() - start
    assert outcome.created == ROWS, outcome
    ledger.close()
    return elapsed


def _baseline(folder: Path, workbook: Path, records: list[dict], n: int) -> float:
    """openpyxl's read-only pass over the workbook, then sqlite3's executemany of the rows, made beforehand."""
    ledger = _ledger(folder / f"base{n}.sqlite")
    with ledger.reading() as session:
        ids = dict(session.execute(select(Community.name, Community.id)).all())
    ledger.close()
    rows = [_stored(r, ids[r["_community"]]) for r in records]
    start = time.perf_counter()
    wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    for _values in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()
    insert_rows(folder / f"base{n}.sqlite", rows)
    return time.perf_counter() - start


def _stored(record: dict, community_id: int) -> tuple:
    """A roster row as the worker table stores it (amounts in fen, dates as text), in COLUMNS order."""
    values = {**record, "community_id": community_id, "started_on": record["started_on"].isoformat(),
              "special_deduction": int(record["special_deduction"] * 100), "dual_role": int(record["dual_role"]),
              "version": 1}
    return tuple(values[c] for c in COLUMNS)


def _copy(source: Path, target: Path) -> Path:
    import shutil
    shutil.copyfile(source, target)
    return target


def whole_command(folder: Path, workbook: Path, repeat: int) -> tuple:
    """`main.py import workers` from process start to exit vs the raw baseline in a process of its own."""
    from bench.child import best, run_child
    empty = folder / "empty.sqlite"
    _ledger(empty).close()
    ours, base = [], []
    for n in range(repeat):
        db = _copy(empty, folder / f"cli{n}.sqlite")
        ours.append(run_child(["main.py", "--db", str(db), "import", "workers", str(workbook)]))
        db = _copy(empty, folder / f"raw{n}.sqlite")
        base.append(run_child(["-m", "bench.import_baseline", str(db), str(workbook)]))
    o, b = best(ours), best(base)
    return (f"import workers 命令 {ROWS:,} 行（进程启动到结束）vs openpyxl + sqlite3 executemany", o.seconds, b.seconds,
            2.0, o.rss_mb, b.rss_mb)


def run(quick: bool = False) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workbook = folder / "花名册.xlsx"
        records = make_roster(workbook)
        ours, base = [], []
        for n in range(2 if quick else 5):  # interleaved, so that a busy moment of the machine hits both sides alike
            base.append(_baseline(folder, workbook, records, n))
            ours.append(_ours(folder, workbook, n))
        return [(f"导入社区工作者 {ROWS:,} 行（进程内）vs openpyxl 只读遍历 + sqlite3 executemany", min(ours), min(base), 2.0),
                whole_command(folder, workbook, 1 if quick else 2)]
