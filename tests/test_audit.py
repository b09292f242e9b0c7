"""The audit trail: who changed which record when, with old and new values; append-only; filters and history."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update

import cli
from ledger import audit
from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
from ledger.accounts import create_user, login
from ledger.app import Ledger
from ledger.errors import LedgerError, PermissionDenied
from ledger.idcard import make_id
from ledger.models import AuditEntry
from ledger.services import CommunityService, WorkerService
from ledger.services.audit_query import (AuditFilter, audit_ledgers, audit_users, count_audit, query_audit,
                                         record_history)
from ledger.services.street import init_street
from tests.helpers import worker

PASSWORD = "街道2026ok"


def _people(ledger: Ledger) -> dict[str, Ledger]:
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    create_user(ledger, "张华", ADMIN, PASSWORD)
    admin = login(ledger, "张华", PASSWORD).ledger
    create_user(admin, "李敏", CLERK, PASSWORD)
    create_user(admin, "王领导", LEADER, PASSWORD)
    return {"admin": admin, "clerk": login(ledger, "李敏", PASSWORD, source="界面").ledger,
            "leader": login(ledger, "王领导", PASSWORD).ledger}


def test_a_gui_edit_records_who_when_which_record_and_old_and_new_values(ledger):
    clerk = _people(ledger)["clerk"]
    assert clerk.actor.source == "界面"
    service = WorkerService(clerk)
    before = datetime.now() - timedelta(seconds=1)
    created = service.create(worker("幸福社区", level="5", phone="13812345678"))
    service.update(created["id"], {"level": "6", "phone": "13900001111", "community": "和平社区"})

    with ledger.db.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.ledger == "社区工作者")
                                  .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["新增", "修改"]
    edit = entries[1]
    assert (edit.user_name, edit.source, edit.record_id, edit.record_label) == ("李敏", "界面", created["id"], "张华")
    assert before <= edit.at <= datetime.now()
    changes = {c["field"]: (c["old"], c["new"]) for c in edit.changes}
    ids = {c["name"]: c["id"] for c in CommunityService(clerk).list()}
    assert changes == {"level": (5, 6), "phone": ("13812345678", "13900001111"),
                       "community_id": (ids["幸福社区"], ids["和平社区"])}
    new = {c["field"]: c["new"] for c in entries[0].changes}
    assert new["name"] == "张华" and new["level"] == 5 and new["id_number"] == created["id_number"]


def test_the_history_shown_to_people_uses_labels_names_and_masks(ledger):
    people = _people(ledger)
    service = WorkerService(people["clerk"])
    created = service.create(worker("幸福社区", level="5"))
    new_id = make_id("150203", date(1985, 6, 15), 232)
    service.update(created["id"], {"level": "6", "id_number": new_id, "community": "和平社区"})

    history = record_history(people["clerk"], "社区工作者", created["id"])
    assert [h.action for h in history] == ["新增", "修改"]
    edit = {c.field: (c.old, c.new) for c in history[1].changes}
    assert edit["等级"] == (5, 6)
    assert edit["所属社区"] == ("幸福社区", "和平社区")
    assert edit["身份证号"] == (created["id_number"], new_id)
    assert "等级 5 → 6" in history[1].summary()

    # 领导 reads the trail, but personal values in it are masked as everywhere else.
    seen = record_history(people["leader"], "社区工作者", created["id"])
    old, new = {c.field: (c.old, c.new) for c in seen[1].changes}["身份证号"]
    assert old == created["id_number"][:6] + "********" + created["id_number"][-4:]
    assert new == new_id[:6] + "********" + new_id[-4:]


def test_deletes_keep_the_last_values(ledger):
    clerk = _people(ledger)["clerk"]
    created = WorkerService(clerk).create(worker("幸福社区"))
    WorkerService(clerk).delete(created["id"])
    gone = query_audit(people_admin(ledger), AuditFilter(ledger="社区工作者", action="删除"))
    assert len(gone) == 1 and gone[0].record_id == created["id"] and gone[0].user == "李敏"
    assert {c.field: (c.old, c.new) for c in gone[0].changes}["姓名"] == ("张华", None)   # the values removed
    # A deleted record's history is still there for those who read the trail.
    assert [h.action for h in record_history(people_admin(ledger), "社区工作者", created["id"])] == ["新增", "删除"]
    with pytest.raises(PermissionDenied, match="查看操作日志"):
        record_history(clerk, "社区工作者", created["id"])


def people_admin(ledger: Ledger) -> Ledger:
    return login(ledger, "张华", PASSWORD).ledger


def test_the_trail_cannot_be_changed_through_the_application(ledger):
    admin = _people(ledger)["admin"]
    with ledger.db.sessions() as session:
        count = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    # Through the ORM: refused by the flush hook, whatever the permission.
    with pytest.raises(LedgerError, match="只能新增"):
        with admin.unit("settings.write") as session:
            session.scalars(select(AuditEntry)).first().user_name = "别人"
    with pytest.raises(LedgerError, match="只能新增"):
        with admin.unit("settings.write") as session:
            session.delete(session.scalars(select(AuditEntry)).first())
    # Through SQL: refused by the database's triggers. On a server a person's own role holds no such privilege
    # at all, and the owner's connection (init and upgrade) meets the triggers.
    for statement in (update(AuditEntry).values(user_name="别人"), delete(AuditEntry)):
        with pytest.raises(Exception, match="permission denied" if ledger.db.server else "审计记录只能新增"):
            with admin.unit("settings.write") as session:
                session.execute(statement)
        if ledger.db.server:
            with pytest.raises(Exception, match="审计记录只能新增"):
                with ledger.db.engine.begin() as c:
                    c.execute(statement)
    if ledger.db.server:
        with pytest.raises(Exception, match="审计记录只能新增"):
            with ledger.db.engine.begin() as c:
                c.execute(text("TRUNCATE audit_entry"))
    with ledger.db.sessions() as session:
        assert session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) == count
        assert "别人" not in session.scalars(select(AuditEntry.user_name)).all()


def test_filters_by_who_when_which_ledger_and_record(ledger):
    people = _people(ledger)
    clerk, admin = people["clerk"], people["admin"]
    a = WorkerService(clerk).create(worker("幸福社区"))
    WorkerService(admin).update(a["id"], {"level": "7"})
    CommunityService(admin).update(CommunityService(admin).list()[0]["id"], {"households": 1200})

    by_clerk = query_audit(admin, AuditFilter(user="李敏"))
    assert {r.user for r in by_clerk} == {"李敏"} and {"新增", "登录"} <= {r.action for r in by_clerk}
    workers = query_audit(admin, AuditFilter(ledger="社区工作者"))
    assert [(r.action, r.user) for r in workers] == [("修改", "张华"), ("新增", "李敏")]   # newest first
    assert query_audit(admin, AuditFilter(ledger="社区工作者", record_id=a["id"], action="修改"))[0].changes[0].new == 7
    assert query_audit(admin, AuditFilter(since=date.today() + timedelta(days=1))) == []
    today = query_audit(admin, AuditFilter(since=date.today(), until=date.today()))
    assert len(today) == count_audit(admin) == count_audit(admin, AuditFilter(until=date.today()))
    assert query_audit(admin, AuditFilter(text="幸福"))[0].ledger == "社区"
    assert {"张华", "李敏"} <= set(audit_users(admin))
    assert "社区工作者" in audit_ledgers() and "账号" in audit_ledgers()
    with pytest.raises(PermissionDenied, match="查看操作日志"):
        query_audit(clerk)


def test_exports_of_personal_data_and_demo_loads_are_recorded(sqlite_ledger, tmp_path):
    from ledger.demo import load_demo
    load_demo(sqlite_ledger, "street", today=date(2026, 11, 23))
    audit.exported(sqlite_ledger, "社区工作者花名册", tmp_path / "花名册.xlsx", rows=300)
    leader = sqlite_ledger.as_actor(Actor("王领导", LEADER, source="界面"))
    audit.exported(leader, "社区工作者花名册", tmp_path / "花名册2.xlsx", rows=300)
    rows = query_audit(sqlite_ledger, AuditFilter(action="导出"))
    assert [{c.field: c.new for c in r.changes}["个人信息"] for r in rows] == ["已遮蔽", "完整"]
    assert rows[0].user == "王领导" and rows[0].label == "社区工作者花名册"
    demo = query_audit(sqlite_ledger, AuditFilter(action="加载演示数据"))
    assert len(demo) == 1 and {c.field: c.new for c in demo[0].changes}["社区工作者"] == 300


def test_audit_command_prints_the_trail(tmp_path, monkeypatch, capsys):
    path = tmp_path / "a.sqlite"
    opened = Ledger.open(path, Actor(source="界面"))
    init_street(opened, "测试街道")
    people = _people(opened)
    WorkerService(people["clerk"]).create(worker("幸福社区", level="5"))
    w = WorkerService(people["clerk"]).list()[0]
    WorkerService(people["clerk"]).update(w["id"], {"level": "6"})
    opened.close()
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    assert cli.main(["--db", str(path), "--user", "张华", "audit", "--since", date.today().isoformat(),
                     "--user", "李敏"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all("李敏" in line for line in out)
    edit = next(line for line in out if "修改" in line)
    assert f"修改  社区工作者#{w['id']} 张华（幸福社区）  等级 5 → 6" in edit and "李敏（界面）" in edit
    assert cli.main(["--db", str(path), "--user", "张华", "audit", "--since", "明天"]) == 1
    assert cli.main(["--db", str(path), "--user", "李敏", "audit"]) == 1
    assert "查看操作日志" in capsys.readouterr().err


# --- a CLI import and a pay approval ---------------------------------------------------------------------
@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """A SQLite file with two communities, a clerk and a finance account, and a `main.py --user` runner."""
    path = tmp_path / "cli.sqlite"
    opened = Ledger.open(path, Actor(source="测试"))
    init_street(opened, "测试街道")
    _people(opened)
    admin = login(opened, "张华", PASSWORD).ledger
    create_user(admin, "赵会计", FINANCE, PASSWORD)
    opened.close()

    def run(user: str, *argv: str) -> int:
        monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
        return cli.main(["--db", str(path), "--user", user, *argv])
    run.path = path
    return run


def _entries(path, **where) -> list[AuditEntry]:
    opened = Ledger.open(path, Actor("张华", ADMIN))
    try:
        with opened.db.sessions() as session:
            stmt = select(AuditEntry).order_by(AuditEntry.id)
            for key, value in where.items():
                stmt = stmt.where(getattr(AuditEntry, key) == value)
            return session.scalars(stmt).all()
    finally:
        opened.close()


def _workers_csv(path, level_of_second: int) -> None:
    first = make_id("150203", date(1985, 6, 15), 231)
    second = make_id("150203", date(1990, 2, 3), 45)
    rows = ["姓名,身份证号,所属社区,职务,岗位,等级,学历,参加社区工作时间,联系电话",
            f"张华,{first},幸福社区,社区工作者,三岗,5,本科,2015.03,13812345678",
            f"刘洋,{second},和平社区,专职网格员,三岗,{level_of_second},大专,2018.07,13700001111"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")


def test_a_cli_import_records_each_record_and_the_changed_values(cli_db, tmp_path, capsys):
    source = tmp_path / "社区工作者.csv"
    _workers_csv(source, 4)
    assert cli_db("李敏", "import", "workers", str(source)) == 0, capsys.readouterr().err
    created = _entries(cli_db.path, ledger="社区工作者", action="新增")
    assert [(e.user_name, e.source, e.record_label) for e in created] == [("李敏", "导入", "张华"),
                                                                          ("李敏", "导入", "刘洋")]
    assert created[1].changes == [{"field": "来源", "old": None, "new": "社区工作者.csv 第3行"}]

    _workers_csv(source, 6)   # the same file again, with 刘洋's level raised
    assert cli_db("李敏", "import", "workers", str(source)) == 0, capsys.readouterr().err
    changed = _entries(cli_db.path, ledger="社区工作者", action="修改")
    assert len(changed) == 1 and changed[0].record_label == "刘洋" and changed[0].source == "导入"
    assert {c["field"]: (c["old"], c["new"]) for c in changed[0].changes}["level"] == (4, 6)
    assert changed[0].record_id == created[1].record_id
    # The trail as people read it: labels, and the command's own printout.
    capsys.readouterr()
    assert cli_db("张华", "audit", "--ledger", "社区工作者", "--action", "修改") == 0
    assert "修改  社区工作者#%d 刘洋（和平社区）  等级 4 → 6" % created[1].record_id in capsys.readouterr().out
    # A leader may not import: refused, nothing written.
    assert cli_db("王领导", "import", "workers", str(source)) == 1
    assert "修改台账" in capsys.readouterr().err
    assert len(_entries(cli_db.path, ledger="社区工作者")) == 3


def test_a_pay_approval_is_recorded_with_who_and_the_status_change(cli_db, tmp_path, capsys):
    source = tmp_path / "社区工作者.csv"
    _workers_csv(source, 4)
    assert cli_db("李敏", "import", "workers", str(source)) == 0
    assert cli_db("李敏", "payroll", "run", "2026-03") == 1          # a clerk keeps ledgers, not pay
    assert "生成、重算、审批或删除工资表" in capsys.readouterr().err
    assert cli_db("赵会计", "payroll", "run", "2026-03") == 0, capsys.readouterr().err
    assert cli_db("王领导", "payroll", "approve", "2026-03") == 1     # a leader changes nothing
    assert cli_db("赵会计", "payroll", "approve", "2026-03") == 0, capsys.readouterr().err
    approvals = _entries(cli_db.path, action="审批工资表")
    assert len(approvals) == 1
    entry = approvals[0]
    assert (entry.user_name, entry.source, entry.ledger, entry.record_label) == ("赵会计", "命令行", "工资表", "2026-03")
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes["状态"] == ("草稿", "已审批") and changes["人数"][1] == 2
    # One entry for the approval: the flush hook adds no second, field-by-field one.
    assert _entries(cli_db.path, ledger="工资表", action="修改") == []
