"""Every role, limited to one 社区 or not, against the commands of an office, through the command line.

The expected table is written out by hand from DOMAIN.md §6 and docs/trust.md (管理员 everything, 台账录入员 the
ledgers, 财务 pay, 领导 reads and exports; work that spans the street — pay runs, approval, the standard, quarter
close, settings, accounts, backups — only for accounts not limited to one 社区), not read from ledger.access.
"""
from __future__ import annotations

import shutil
from datetime import date

import pytest

import cli
from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
from ledger.accounts import create_user, login
from ledger.app import Ledger
from ledger.idcard import make_id
from ledger.pay.runs import Payroll
from ledger.services import CommunityService, WorkerService
from ledger.services.street import init_street
from tests.helpers import worker
from tests.workbooks import xlsx

PASSWORD = "街道2026ok"
ROLES = (ADMIN, CLERK, FINANCE, LEADER)
MINE, OTHER = "幸福社区", "和平社区"
WANG = make_id("150204", date(1990, 1, 2), 17)    # a worker of 和平社区
ZHANG = make_id("150203", date(1985, 6, 15), 231)  # a worker of 幸福社区 (tests.helpers.worker)

# Every account of the office: a 管理员 manages all communities (an administrator cannot be limited).
ACCOUNTS = [(role, limited) for role in ROLES for limited in (False, True) if not (role == ADMIN and limited)]
# command -> the accounts that may run it: (role, limited to 幸福社区?)
ALL = set(ACCOUNTS)
STREET = lambda *roles: {(r, False) for r in roles}                       # noqa: E731
ANYWHERE = lambda *roles: {(r, limited) for r, limited in ACCOUNTS if r in roles}  # noqa: E731
COMMANDS: dict[str, tuple[list[str], set]] = {
    "check":               (["check"], ALL),
    "export 社区工作者台账":   (["export", "ledger-workers", "-o", "{out}.xlsx"], ALL),
    "import 本社区网格":       (["import", "grids", "{mine_grids}"], ANYWHERE(ADMIN, CLERK)),
    "template":            (["template", "workers", "-o", "{out}.xlsx"], ALL),
    "payroll show":        (["payroll", "show", "2026-01"], ANYWHERE(ADMIN, FINANCE, LEADER)),
    "payroll adjust 本社区":  (["payroll", "adjust", "2026-01", "--worker", ZHANG, "--kind", "补发", "--amount", "500",
                            "--reason", "加班"], ANYWHERE(ADMIN, FINANCE)),
    "payroll adjust 外社区":  (["payroll", "adjust", "2026-01", "--worker", WANG, "--kind", "补发", "--amount", "500",
                            "--reason", "加班"], STREET(ADMIN, FINANCE)),
    "payroll run":         (["payroll", "run", "2026-01"], STREET(ADMIN, FINANCE)),
    "payroll approve":     (["payroll", "approve", "2026-01"], STREET(ADMIN, FINANCE)),
    "export 工资发放表":      (["export", "salary-sheet", "--month", "2026-01", "-o", "{out}.xlsx"],
                            ANYWHERE(ADMIN, FINANCE, LEADER)),
    "export 银行代发清单":     (["export", "bank-list", "--month", "2025-12", "-o", "{out}.xlsx"], ANYWHERE(ADMIN, FINANCE)),
    "grading approve":     (["grading", "approve", "2026"], STREET(ADMIN, FINANCE)),
    "quarter close":       (["quarter", "close", "2026-Q3"], STREET(ADMIN)),
    "audit":               (["audit", "--limit", "5"], ANYWHERE(ADMIN, LEADER)),
    "user list":           (["user", "list"], STREET(ADMIN)),
    "settings":            (["settings", "工资项目", "2000000"], STREET(ADMIN)),
    "backup":              (["backup", "-o", "{out}-备份.sqlite"], STREET(ADMIN)),
    "report-template install": (["report-template", "reset", "工资发放表.xlsx"], STREET(ADMIN)),
}


def _account(role: str, limited: bool) -> str:
    return f"{'幸福' if limited else ''}{role}"


@pytest.fixture(scope="module")
def office_file(tmp_path_factory):
    """A street of two communities, a worker in each, an approved month and a draft, and an account per role
    and limit."""
    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "office.sqlite"
    ledger = Ledger.open(path, Actor(source="测试"))
    init_street(ledger, "测试街道")
    for name in (MINE, OTHER):
        CommunityService(ledger).create({"name": name})
    WorkerService(ledger).create(worker(MINE, bank_account="6222021234567890128"))
    WorkerService(ledger).create(worker(OTHER, name="王伟", id_number=WANG, bank_account="6217000011112222334"))
    create_user(ledger, _account(ADMIN, False), ADMIN, PASSWORD)
    admin = login(ledger, _account(ADMIN, False), PASSWORD).ledger
    for role, limited in ACCOUNTS[1:]:
        create_user(admin, _account(role, limited), role, PASSWORD, community=MINE if limited else None)
    pay = Payroll(admin)
    pay.run("2025-12")
    pay.approve("2025-12")
    pay.run("2026-01")
    ledger.close()
    grids = xlsx(folder / "网格.xlsx", [["所属社区", "网格编号", "网格名称", "户数"], [MINE, "09", "第九网格", 450]])
    return path, grids


@pytest.mark.slow
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_account_may_do_what_its_role_and_limit_allow(office_file, tmp_path, monkeypatch, capsys, command):
    source, grids = office_file
    argv, allowed = COMMANDS[command]
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    for role, limited in ACCOUNTS:
        db = tmp_path / f"{role}{limited}.sqlite"
        shutil.copy(source, db)      # each account starts from the same office
        args = [a.format(out=tmp_path / f"{role}{limited}", mine_grids=grids) for a in argv]
        code = cli.main(["--db", str(db), "--user", _account(role, limited), *args])
        out, err = capsys.readouterr()
        who = f"{_account(role, limited)} {command}"
        if (role, limited) in allowed:
            assert code == 0, f"{who}: {err}"
        else:
            assert code == 1, f"{who} was let through: {out}"
            assert err.startswith("错误："), who
            assert "Traceback" not in err and "Error" not in err, who
