"""Each role's allowed and refused operations, through the services and through the command line, and a
user limited to one community seeing and changing only its records."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import cli
from ledger import backup
from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
from ledger.accounts import create_user, list_users, login
from ledger.app import Ledger
from ledger.errors import LedgerError, PermissionDenied, ValidationError
from ledger.models import Community
from ledger.paystandard import default_standard
from ledger.services import CommunityService, GridService, WorkerService
from ledger.services.audit_query import query_audit
from ledger.services.paystandards import store_standard
from ledger.services.street import init_street, put_setting
from ledger.services.workers import FIELDS as WORKER_FIELDS
from tests.helpers import worker

PASSWORD = "街道2026ok"
USERS = {ADMIN: "管理员甲", CLERK: "录入员乙", FINANCE: "财务丙", LEADER: "领导丁"}


def _setup(ledger: Ledger) -> dict[str, Ledger]:
    """Two communities with a worker each, one account per role; the ledgers as each person."""
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name, "phone": "0472-5123456"})
    WorkerService(ledger).create(worker("幸福社区", bank_account="6222021234567890123", phone="13812345678"))
    from ledger.idcard import make_id
    WorkerService(ledger).create(worker("和平社区", name="王伟", id_number=make_id("150204", date(1990, 1, 2), 17),
                                        bank_account="6217000011112222333"))
    create_user(ledger, USERS[ADMIN], ADMIN, PASSWORD)
    admin = login(ledger, USERS[ADMIN], PASSWORD).ledger
    for role in (CLERK, FINANCE, LEADER):
        create_user(admin, USERS[role], role, PASSWORD)
    create_user(admin, "幸福录入员", CLERK, PASSWORD, community="幸福社区")
    create_user(admin, "幸福领导", LEADER, PASSWORD, community="幸福社区")
    people = {role: login(ledger, name, PASSWORD).ledger for role, name in USERS.items()}
    people["幸福录入员"] = login(ledger, "幸福录入员", PASSWORD).ledger
    people["幸福领导"] = login(ledger, "幸福领导", PASSWORD).ledger
    return people


def _pay_write(ledger: Ledger) -> None:
    # Until the pay-run service lands, the pay standard is the pay.write operation every role can be tried on.
    with ledger.unit("pay.write") as session:
        standard = default_standard()
        store_standard(session, standard)


def _backup(ledger: Ledger, tmp_path) -> None:
    try:
        backup.backup_to(ledger, tmp_path / "手动备份.sqlite")
    except PermissionDenied:
        raise
    except LedgerError as exc:   # PostgreSQL: allowed, but done with pg_dump
        assert "pg_dump" in str(exc)


OPERATIONS = {
    "查看台账": lambda l, t: CommunityService(l).list(),
    "新增台账记录": lambda l, t: CommunityService(l).create({"name": f"新社区{l.actor.name}"}),
    "修改台账记录": lambda l, t: GridService(l).list(),   # replaced below by a real update
    "修改系统设置": lambda l, t: put_setting(l, "backup_keep", 12),
    "修改工资标准": lambda l, t: _pay_write(l),
    "管理账号": lambda l, t: list_users(l),
    "查看操作日志": lambda l, t: query_audit(l),
    "备份": _backup,
}

ALLOWED = {   # the roles: 管理员 everything; 台账录入员 ledgers; 财务 pay; 领导 reads and exports
    ADMIN: {"查看台账", "新增台账记录", "修改台账记录", "修改系统设置", "修改工资标准", "管理账号", "查看操作日志", "备份"},
    CLERK: {"查看台账", "新增台账记录", "修改台账记录"},
    FINANCE: {"查看台账", "修改工资标准"},
    LEADER: {"查看台账", "查看操作日志"},
}


def _update_worker(ledger: Ledger, tmp_path) -> None:
    target = next(w for w in WorkerService(ledger).list())
    WorkerService(ledger).update(target["id"], {"note": f"{ledger.actor.name}改"})


OPERATIONS["修改台账记录"] = _update_worker


@pytest.mark.parametrize("role", [ADMIN, CLERK, FINANCE, LEADER])
def test_each_role_through_the_services(ledger, tmp_path, role):
    person = _setup(ledger)[role]
    for operation, run in OPERATIONS.items():
        if operation in ALLOWED[role]:
            run(person, tmp_path)
        else:
            with pytest.raises(PermissionDenied) as refused:
                run(person, tmp_path)
            # A clear Chinese refusal: who, which role, which right.
            assert f"“{USERS[role]}”的角色是{role}，没有“" in str(refused.value)


def test_personal_fields_are_masked_for_the_leader_only(ledger):
    people = _setup(ledger)
    personal = {f.key for f in WORKER_FIELDS if f.personal}
    assert personal == {"id_number", "phone", "bank_account"}
    for role, person in people.items():
        if role not in (ADMIN, CLERK, FINANCE, LEADER):
            continue
        first = next(w for w in WorkerService(person).list() if w["community"] == "幸福社区")
        if role == LEADER:
            assert first["id_number"] == first["id_number"][:6] + "********" + first["id_number"][-4:]
            assert first["bank_account"] == "622202*********0123"
            assert first["phone"] == "138****5678"
            assert CommunityService(person).list()[0]["phone"] == "047*****3456"
        else:
            assert first["bank_account"] == "6222021234567890123" and first["phone"] == "13812345678"
            assert "*" not in first["id_number"]


def test_bank_list_permission_is_for_finance_and_admin_only():
    allowed = {role for role in (ADMIN, CLERK, FINANCE, LEADER) if Actor("某人", role).can("pay.bank")}
    assert allowed == {ADMIN, FINANCE}
    with pytest.raises(PermissionDenied, match="导出银行代发清单"):
        Actor("领导丁", LEADER).require("pay.bank")


def test_a_community_limited_user_sees_and_changes_only_its_community(ledger):
    people = _setup(ledger)
    clerk, leader = people["幸福录入员"], people["幸福领导"]
    with ledger.db.sessions() as session:
        ids = dict(session.execute(select(Community.name, Community.id)).all())

    assert [c["name"] for c in CommunityService(clerk).list()] == ["幸福社区"]
    assert {w["community"] for w in WorkerService(clerk).list()} == {"幸福社区"}
    assert {w["community"] for w in WorkerService(leader).list()} == {"幸福社区"}
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        WorkerService(clerk).list(community_id=ids["和平社区"])
    other = next(w for w in WorkerService(people[ADMIN]).list() if w["community"] == "和平社区")
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        WorkerService(clerk).get(other["id"])
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        WorkerService(clerk).update(other["id"], {"note": "越权"})
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        WorkerService(clerk).delete(other["id"])
    from ledger.idcard import make_id
    with pytest.raises(ValidationError, match="所属社区：您的账号只能录入幸福社区的记录"):
        WorkerService(clerk).create(worker("和平社区", name="新人", id_number=make_id("150204", date(1991, 1, 2), 18)))
    # Moving one of its own records into another community is refused too.
    mine = WorkerService(clerk).list()[0]
    with pytest.raises(ValidationError, match="所属社区：您的账号只能录入幸福社区的记录"):
        WorkerService(clerk).update(mine["id"], {"community": "和平社区"})
    # Its own community: allowed.
    WorkerService(clerk).update(mine["id"], {"note": "本社区修改"})
    assert WorkerService(people[ADMIN]).get(mine["id"])["note"] == "本社区修改"
    assert WorkerService(people[ADMIN]).get(other["id"])["note"] is None
    # The limited leader still changes nothing.
    with pytest.raises(PermissionDenied, match="修改台账"):
        WorkerService(leader).update(mine["id"], {"note": "领导改"})


# --- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """A SQLite file with the accounts of every role, and a runner of `main.py --db FILE --user NAME …`."""
    path = tmp_path / "cli.sqlite"
    opened = Ledger.open(path, Actor(source="测试"))
    init_street(opened, "测试街道")
    _setup(opened)
    opened.close()

    def run(user: str | None, *argv: str, password: str | None = PASSWORD) -> int:
        if password is None:
            monkeypatch.delenv("STREETLEDGER_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("STREETLEDGER_PASSWORD", password)
        head = ["--db", str(path)] + (["--user", user] if user else [])
        return cli.main(head + list(argv))
    run.path = path
    return run


CLI_COMMANDS = {
    "check": ["check"],
    "init": ["init", "--name", "改名街道"],
    "user list": ["user", "list"],
    "audit": ["audit", "--limit", "3"],
    "backup": ["backup", "-o", "{tmp}/备份.sqlite"],
    "settings": ["settings", "工资项目", "2000000"],
}
CLI_ALLOWED = {
    ADMIN: set(CLI_COMMANDS),
    CLERK: {"check"},
    FINANCE: {"check"},
    LEADER: {"check", "audit"},
}


@pytest.mark.parametrize("role", [ADMIN, CLERK, FINANCE, LEADER])
def test_each_role_through_the_command_line(cli_db, tmp_path, capsys, role):
    for name, argv in CLI_COMMANDS.items():
        argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        code = cli_db(USERS[role], *argv)
        out, err = capsys.readouterr()
        if name in CLI_ALLOWED[role]:
            assert code == 0, (name, err)
        else:
            assert code == 1, (name, out)
            assert f"错误：“{USERS[role]}”的角色是{role}，没有“" in err


def _street(path) -> str:
    import sqlite3
    with sqlite3.connect(path) as c:
        return c.execute("SELECT name FROM street").fetchone()[0]


def test_the_command_line_needs_a_user_and_the_right_password(cli_db, capsys):
    assert cli_db(None, "check") == 1
    assert "请用 --user 用户名" in capsys.readouterr().err
    assert cli_db(USERS[ADMIN], "init", "--name", "改名街道", password="错的密码") == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert cli_db(USERS[ADMIN], "init", "--name", "改名街道", password=None) == 1   # no terminal, no variable
    assert "STREETLEDGER_PASSWORD" in capsys.readouterr().err
    assert cli_db("无此人", "check") == 1
    assert _street(cli_db.path) == "测试街道"          # nothing was done
    assert cli_db(USERS[ADMIN], "init", "--name", "改名街道") == 0
    assert _street(cli_db.path) == "改名街道"


def test_command_line_user_management(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", "新人密码123")
    assert cli_db(USERS[ADMIN], "user", "add", "新人", "--role", "台账录入员", "--community", "和平社区") == 0
    assert "已创建账号：新人（台账录入员，限和平社区）" in capsys.readouterr().out
    assert cli_db("新人", "check", password="新人密码123") == 0
    # A clerk may not add accounts or reset others' passwords, but changes their own.
    assert cli_db("新人", "user", "add", "又一人", "--role", "财务", password="新人密码123") == 1
    assert cli_db("新人", "user", "passwd", USERS[ADMIN], password="新人密码123") == 1
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", "改过的密码456")
    assert cli_db("新人", "user", "passwd", "新人", password="新人密码123") == 0
    assert cli_db("新人", "check", password="改过的密码456") == 0
    # An administrator's reset forces a new password before anything else.
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", "临时密码789")
    assert cli_db(USERS[ADMIN], "user", "passwd", "新人") == 0
    capsys.readouterr()
    assert cli_db("新人", "check", password="临时密码789") == 1
    assert "请先设置新密码" in capsys.readouterr().err
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", "自己的新密码")
    assert cli_db("新人", "user", "passwd", "新人", password="临时密码789") == 0
    assert cli_db("新人", "check", password="自己的新密码") == 0
    assert cli_db(USERS[ADMIN], "user", "set", "新人", "--disable") == 0
    assert cli_db("新人", "check", password="自己的新密码") == 1
    capsys.readouterr()
    assert cli_db(USERS[ADMIN], "user", "list") == 0
    listing = capsys.readouterr().out
    assert "新人" in listing and "已停用" in listing and "和平社区" in listing


def test_first_account_from_the_command_line_turns_login_on(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.sqlite"
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    assert cli.main(["--db", str(path), "init", "--name", "新街道"]) == 0
    assert cli.main(["--db", str(path), "user", "add", "李四", "--role", "财务"]) == 1
    assert "第一个账号必须是管理员" in capsys.readouterr().err
    assert cli.main(["--db", str(path), "user", "add", "张华", "--role", "管理员"]) == 0
    assert "已启用登录" in capsys.readouterr().out
    assert cli.main(["--db", str(path), "check"]) == 1
    assert cli.main(["--db", str(path), "--user", "张华", "check"]) == 0


def test_pay_outputs_and_ledger_exports_by_role(cli_db, tmp_path, capsys):
    import openpyxl
    assert cli_db(USERS[FINANCE], "payroll", "run", "2026-03") == 0
    assert cli_db(USERS[FINANCE], "payroll", "approve", "2026-03") == 0
    capsys.readouterr()
    bank = str(tmp_path / "代发.xlsx")
    for role, expected in ((LEADER, 1), (CLERK, 1), (FINANCE, 0), (ADMIN, 0)):
        code = cli_db(USERS[role], "export", "bank-list", "--month", "2026-03", "-o", bank)
        err = capsys.readouterr().err
        assert code == expected, (role, err)
        if expected:
            assert "导出银行代发清单" in err
    # The roster exported by a leader carries masked personal numbers; by a clerk, the full ones.
    for role, masked in ((LEADER, True), (CLERK, False)):
        out = tmp_path / f"花名册-{role}.xlsx"
        assert cli_db(USERS[role], "export", "ledger-workers", "-o", str(out)) == 0, capsys.readouterr().err
        cells = [str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
        assert any("********" in c for c in cells) is masked
        assert ("6222021234567890123" in cells) is not masked
    capsys.readouterr()
    assert cli_db(USERS[ADMIN], "audit", "--action", "导出") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(USERS[LEADER] in line and "个人信息：已遮蔽" in line for line in lines)
    assert any(USERS[CLERK] in line and "个人信息：完整" in line for line in lines)
    assert any(USERS[FINANCE] in line and "银行代发清单" in line for line in lines)
