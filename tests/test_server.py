"""A shared PostgreSQL server holds the rules itself: each person's own login role, connected with psycopg as
any other SQL tool would, gets no more than the application gives them.

The office: two 社区 with a worker each, and one account per role (a 台账录入员 and a 领导 limited to 幸福社区).
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import make_url, select, text

import cli
from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
from ledger.accounts import LoginFailed, change_password, create_user, login, update_user
from ledger.app import Ledger
from ledger.audit_chain import chain_findings, verify
from ledger.conflicts import Conflict
from ledger.db import SchemaBehind, upgrade_database
from ledger.errors import PermissionDenied, ValidationError
from ledger.idcard import make_id
from ledger.models import AuditEntry, Community, User
from ledger.server import rows
from ledger.server.names import roles_for
from ledger.services import CommunityService, WorkerService
from ledger.services.checks import run_checks
from ledger.services.street import init_street
from tests.helpers import worker

pytestmark = pytest.mark.server

PASSWORD = "街道2026ok"
ID_XINGFU = make_id("150203", date(1985, 6, 15), 231)
ID_HEPING = make_id("150204", date(1990, 1, 2), 17)
BANK = "6222021234567890123"


@pytest.fixture
def office(server_url):
    upgrade_database(server_url)
    owner = Ledger.open(server_url, Actor(source="界面"))
    init_street(owner, "测试街道")
    for name in ("幸福社区", "和平社区"):
        CommunityService(owner).create({"name": name, "phone": "0472-5123456"})
    WorkerService(owner).create(worker("幸福社区", bank_account=BANK, phone="13812345678"))
    WorkerService(owner).create(worker("和平社区", name="王伟", id_number=ID_HEPING))
    create_user(owner, "管理员甲", ADMIN, PASSWORD)
    admin = login(owner, "管理员甲", PASSWORD).ledger
    create_user(admin, "录入员乙", CLERK, PASSWORD, community="幸福社区")
    create_user(admin, "财务丙", FINANCE, PASSWORD)
    create_user(admin, "领导丁", LEADER, PASSWORD)
    create_user(admin, "幸福领导", LEADER, PASSWORD, community="幸福社区")
    with owner.db.sessions() as session:
        ids = dict(session.execute(select(Community.name, Community.id)).all())
    yield SimpleNamespace(url=server_url, owner=owner, admin=admin, ids=ids, roles=roles_for(make_url(server_url).database))
    admin.close()
    owner.close()


def connect(office, name: str, password: str = PASSWORD) -> psycopg.Connection:
    """psycopg as a person would use it from any SQL tool, with their own credentials."""
    url = make_url(office.url)
    return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=name, password=password)


def refused(connection: psycopg.Connection, sql: str) -> str:
    """The server's refusal of a statement (the transaction is rolled back)."""
    with pytest.raises(psycopg.Error) as error:
        connection.execute(sql)
    connection.rollback()
    return str(error.value)


def test_a_limited_role_sees_and_changes_only_its_communitys_rows(office):
    heping = office.ids["和平社区"]
    with connect(office, "录入员乙") as c:
        assert c.execute("SELECT name FROM worker").fetchall() == [("张华",)]
        assert c.execute(f"SELECT count(*) FROM worker WHERE community_id = {heping}").fetchone() == (0,)
        assert c.execute("SELECT name FROM community").fetchall() == [("幸福社区",)]
        # a child table through its parent's foreign key
        assert c.execute("SELECT count(*) FROM level_change lc JOIN worker w ON w.id = lc.worker_id "
                         f"WHERE w.community_id = {heping}").fetchone() == (0,)
        assert c.execute(f"UPDATE worker SET note = '越权' WHERE community_id = {heping}").rowcount == 0
        c.rollback()
        assert "row-level security" in refused(c, f"UPDATE worker SET community_id = {heping}")
        assert "row-level security" in refused(
            c, "INSERT INTO worker (name, id_number, community_id, title, post, level, dual_role, special_deduction, "
               f"status, credited_bonus) VALUES ('新人', '{make_id('150204', date(1991, 1, 2), 18)}', {heping}, "
               "'社区工作者', 3, 5, false, 0, '在岗', 0)")
    with connect(office, "幸福领导") as c:
        assert c.execute("SELECT name FROM worker").fetchall() == [("张华",)]
    with connect(office, "领导丁") as c:   # not limited: the whole street
        assert sorted(c.execute("SELECT name FROM worker").fetchall()) == [("张华",), ("王伟",)]


def test_the_accounts_the_trail_and_the_tables_are_out_of_reach_even_of_an_administrator(office):
    with connect(office, "管理员甲") as c:
        assert "permission denied" in refused(c, "UPDATE app_user SET role = '管理员' WHERE name = '领导丁'")
        assert "permission denied" in refused(c, "INSERT INTO app_user (name, role, password_hash, failed_attempts, "
                                                 "active, must_change_password) VALUES ('x', '管理员', 'x', 0, true, false)")
        assert "must be owner" in refused(c, "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change")
        assert "must be owner" in refused(c, "ALTER TABLE audit_entry DISABLE TRIGGER ALL")
        assert "must be owner" in refused(c, "DROP TRIGGER sl_audit_fill ON worker")
        assert "must be owner" in refused(c, "ALTER TABLE worker DISABLE ROW LEVEL SECURITY")
        assert "permission denied" in refused(c, "DELETE FROM audit_entry")
        assert "permission denied" in refused(c, "UPDATE audit_entry SET user_name = '别人'")
        assert "permission denied" in refused(c, "TRUNCATE audit_entry")
        assert "permission denied" in refused(c, "CREATE TABLE mine (id int)")
        assert "permission denied" in refused(c, "SET session_replication_role = replica")
        assert "permission denied" in refused(c, 'ALTER ROLE "领导丁" PASSWORD \'x\'')
        assert "admin option" in refused(c, f'GRANT "{office.roles.group(ADMIN)}" TO "领导丁"')
    promote = "SELECT sl_account_set('领导丁', '管理员', false, NULL, NULL, '数据库')"
    with connect(office, "领导丁") as c:
        assert "permission denied for function" in refused(c, promote)
    with office.owner.db.engine.begin() as c:   # even were it granted to all, the function checks its caller
        c.exec_driver_sql("GRANT EXECUTE ON FUNCTION sl_account_set(text, text, boolean, integer, boolean, text) "
                          "TO PUBLIC")
    with connect(office, "领导丁") as c:
        assert "只有本数据库的管理员" in refused(c, promote)
        assert "permission denied" in refused(c, f'SET ROLE "{office.roles.group(ADMIN)}"')
        assert "permission denied" in refused(c, f'SET ROLE "{office.roles.keeper}"')
    with connect(office, "管理员甲") as c:   # an administrator's function touches only this database's roles
        assert "不存在" in refused(c, f"SELECT sl_account_password('{make_url(office.url).username}', "
                                      "'SCRAM-SHA-256$4096:aa==$bb=:cc=', '数据库')")
    with office.owner.db.sessions() as session:
        assert session.scalar(select(User.role).where(User.name == "领导丁")) == LEADER


def test_no_person_holds_createrole_and_the_roles_own_nothing(office):
    roles = office.roles
    with office.owner.db.engine.connect() as c:
        powers = dict(c.execute(text("SELECT rolname, rolcreaterole OR rolsuper OR rolcreatedb OR rolbypassrls "
                                     "FROM pg_roles WHERE rolname = ANY (:n)"),
                                {"n": ["管理员甲", "录入员乙", "财务丙", "领导丁", *roles.groups.values(), roles.signin]}).all())
        assert set(powers.values()) == {False}
        keeper = c.execute(text("SELECT rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = :k"),
                           {"k": roles.keeper}).one()
        assert tuple(keeper) == (True, False)
        owned = c.scalar(text("SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                              "AND pg_get_userbyid(c.relowner) <> current_user"))
        assert owned == 0


def test_personal_data_is_masked_by_the_server_for_roles_without_personal_read(office):
    with connect(office, "领导丁") as c:
        assert "permission denied" in refused(c, "SELECT id_number FROM public.worker")
        assert "permission denied" in refused(c, "SELECT bank_account FROM public.worker")
        assert "permission denied" in refused(c, "SELECT phone FROM public.community")
        assert "permission denied" in refused(c, "SELECT changes FROM public.audit_entry")
        number, bank, phone = c.execute("SELECT id_number, bank_account, phone FROM worker WHERE name = '张华'").fetchone()
        assert (number, bank, phone) == (ID_XINGFU[:6] + "********" + ID_XINGFU[-4:], "622202*********0123",
                                         "138****5678")
        trail = " ".join(str(changes) for (changes,) in c.execute("SELECT changes FROM audit_entry"))
        assert ID_XINGFU[:6] + "********" + ID_XINGFU[-4:] in trail
        assert ID_XINGFU not in trail and BANK not in trail
    with connect(office, "录入员乙") as c:   # a clerk sees them in full
        assert c.execute("SELECT id_number, bank_account FROM worker").fetchone() == (ID_XINGFU, BANK)
    # The application reads through the same views: the leader's list is masked, with what the ID tells.
    leader = login(office.url, "领导丁", PASSWORD).ledger
    first = next(w for w in WorkerService(leader).list() if w["name"] == "张华")
    assert first["id_number"].count("*") == 8 and first["birth_date"] == date(1985, 6, 15) and first["sex"] == "男"
    leader.close()


def test_a_change_made_in_another_sql_tool_is_recorded_under_its_authors_name(office):
    with connect(office, "录入员乙") as c:
        wid = c.execute("SELECT id FROM worker WHERE name = '张华'").fetchone()[0]
        c.execute(f"UPDATE worker SET level = 7, special_deduction = 150000 WHERE id = {wid}")
        c.execute("INSERT INTO audit_entry (at, user_name, action) VALUES ('2001-01-01', '管理员甲', '伪造')")
        c.commit()
    with office.owner.db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "修改", AuditEntry.record_id == wid)
                                .order_by(AuditEntry.id.desc())).first()
        forged = session.scalars(select(AuditEntry).where(AuditEntry.action == "伪造")).one()
    assert (entry.user_name, entry.source, entry.ledger, entry.record_label) == ("录入员乙", "数据库", "社区工作者", "张华")
    assert {c["field"]: (c["old"], c["new"]) for c in entry.changes} == {
        "level": (5, 7), "special_deduction": (None, "1500.00")}
    # The name and time of an entry are the server's, whatever the statement said.
    assert forged.user_name == "录入员乙" and forged.at.year == date.today().year
    # Entries the server wrote or stamped are links of the hash chain that check verifies, as any other.
    with office.owner.db.sessions() as session:
        assert verify(session) is None
    clerk = login(office.url, "录入员乙", PASSWORD).ledger   # who may not read the trail: the server walks it
    assert chain_findings(clerk) == []
    clerk.close()


def test_the_applications_own_entries_are_not_doubled(office):
    clerk = login(office.url, "录入员乙", PASSWORD).ledger
    target = WorkerService(clerk).list()[0]
    WorkerService(clerk).update(target["id"], {"level": "6"})
    with office.owner.db.sessions() as session:
        edits = session.scalars(select(AuditEntry).where(AuditEntry.ledger == "社区工作者", AuditEntry.action == "修改",
                                                         AuditEntry.record_id == target["id"])).all()
    assert [(e.user_name, e.source) for e in edits] == [("录入员乙", "界面")]
    clerk.close()


def test_a_server_person_signs_in_as_their_own_login_role(office, monkeypatch, capsys):
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    # No credentials of the owner in the URL: the person's own are all it takes.
    url = make_url(office.url).set(username=None, password=None).render_as_string(hide_password=False)
    assert cli.main(["--db", url, "--user", "录入员乙", "check"]) == 0, capsys.readouterr().err
    with office.owner.db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "登录").order_by(AuditEntry.id.desc())).first()
    assert (entry.user_name, entry.source) == ("录入员乙", "命令行")
    monkeypatch.setenv("STREETLEDGER_PASSWORD", "错的密码")
    assert cli.main(["--db", url, "--user", "录入员乙", "check"]) == 1
    assert "用户名或密码错误（再错4次将锁定账号）" in capsys.readouterr().err
    signed = login(url, "录入员乙", PASSWORD).ledger
    with signed.db.engine.connect() as c:
        assert c.scalar(text("SELECT session_user")) == "录入员乙"
    signed.close()


def test_the_sign_in_role_may_only_report_a_failed_sign_in(office):
    roles = office.roles
    with connect(office, roles.signin, roles.signin) as c:
        assert "permission denied" in refused(c, "SELECT count(*) FROM app_user")
        assert "permission denied" in refused(c, "SELECT count(*) FROM worker")
        assert "permission denied" in refused(c, "SELECT sl_signed_in('界面')")
        assert c.execute("SELECT sl_sign_in_failed('无此人', '界面')").fetchone() == ("unknown",)


def test_account_names_are_unique_on_the_whole_server(office):
    with office.owner.db.engine.begin() as c:
        c.exec_driver_sql('CREATE ROLE "外单位" LOGIN')
    try:
        with pytest.raises(ValidationError, match="用户名：“外单位”已是这台数据库服务器上的登录名"):
            create_user(office.admin, "外单位", CLERK, PASSWORD)
    finally:
        with office.owner.db.engine.begin() as c:
            c.exec_driver_sql('DROP ROLE "外单位"')


def test_role_changes_follow_the_account(office):
    update_user(office.admin, "领导丁", role=FINANCE)
    with connect(office, "领导丁") as c:   # a finance role reads in full, through the tables themselves
        assert c.execute("SELECT bank_account FROM worker WHERE name = '张华'").fetchone() == (BANK,)
    update_user(office.admin, "领导丁", active=False)
    with pytest.raises(LoginFailed, match="已停用"):
        login(office.url, "领导丁", PASSWORD)
    with pytest.raises(psycopg.OperationalError):
        connect(office, "领导丁")


def test_an_own_password_change_reaches_the_server(office):
    me = login(office.url, "财务丙", PASSWORD).ledger
    with pytest.raises(ValidationError, match="原密码：不正确"):
        change_password(me, "新的密码456", old_password="猜的")
    change_password(me, "新的密码456", old_password=PASSWORD)
    assert WorkerService(me).list()   # the session goes on with the new password
    me.close()
    with pytest.raises(LoginFailed):
        login(office.url, "财务丙", PASSWORD)
    login(office.url, "财务丙", "新的密码456").ledger.close()


def test_a_person_is_told_to_upgrade_a_database_that_is_behind(office):
    with office.owner.db.engine.begin() as c:
        c.exec_driver_sql("CREATE OR REPLACE FUNCTION public.sl_setup_digest() RETURNS text LANGUAGE sql "
                          "AS $$ SELECT 'older' $$")
    with pytest.raises(SchemaBehind, match="请数据库所有者运行 python main.py --db .* upgrade"):
        login(office.url, "录入员乙", PASSWORD)
    upgrade_database(office.url)
    login(office.url, "录入员乙", PASSWORD).ledger.close()


def test_every_table_of_a_community_has_its_policy_and_the_rest_are_street_wide(office):
    with office.owner.db.engine.connect() as c:
        tables = dict(c.execute(text(
            "SELECT c.relname, EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'")).all())
    without = {name for name, has_policy in tables.items() if not has_policy}
    # the tables whose rows every person of the street may see (accounts, settings, the holidays, pay runs …)
    assert without == {"alembic_version", "app_user", "calendar_day", "import_batch", "pay_run", "pay_standard",
                       "quarter_snapshot", "setting", "street"}
    assert set(tables) - without == set(rows.owned())


def test_check_reports_protection_switched_off_or_privileges_beyond_the_design(office):
    admin = office.admin
    assert [f for f in run_checks(admin).errors] == []
    people = office.roles.people
    with office.owner.db.engine.begin() as c:   # what the owner's credential (or a superuser) could do
        c.exec_driver_sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change")
        c.exec_driver_sql("ALTER TABLE worker DISABLE TRIGGER sl_audit_fill")
        c.exec_driver_sql("ALTER TABLE grid DISABLE ROW LEVEL SECURITY")
        c.exec_driver_sql(f'GRANT UPDATE ON app_user TO "{people}"')
        c.exec_driver_sql('GRANT SELECT ON worker TO PUBLIC')
    messages = [f.message for f in run_checks(admin).errors]
    assert any("audit_entry_no_change）被停用了" in m for m in messages)
    assert any("sl_audit_fill）被停用了" in m for m in messages)
    assert any("grid 的行级安全（按社区限定）没有启用" in m for m in messages)
    assert any(f"“{people}”在 public.app_user 上有设计之外的权限 UPDATE" in m for m in messages)
    assert any("“PUBLIC”在 public.worker 上有设计之外的权限 SELECT" in m for m in messages)
    upgrade_database(office.url)   # the owner's upgrade puts every protection back
    assert [f for f in run_checks(admin).errors] == []


def test_upgrade_gives_the_accounts_of_a_shared_credential_database_their_login_roles(server_url, capsys):
    # A database of the first release: everyone connected with one credential and signed in by scrypt hash.
    from alembic import command

    from ledger.accounts import hash_password
    from ledger.db import alembic_config, make_engine
    engine = make_engine(server_url)
    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as c:
        for name, role in (("老管理员", ADMIN), ("老录入员", CLERK)):
            c.execute(text("INSERT INTO app_user (name, role, password_hash, failed_attempts, active, "
                           "must_change_password) VALUES (:n, :r, :h, 0, true, false)"),
                      {"n": name, "r": role, "h": hash_password(PASSWORD)})
    engine.dispose()
    assert cli.main(["--db", server_url, "upgrade"]) == 0
    out = capsys.readouterr().out
    passwords = dict(line.split("\t") for line in out.splitlines() if line.startswith("  "))
    assert set(p.strip() for p in passwords) == {"老管理员", "老录入员"}
    one_time = passwords["  老录入员"]
    with pytest.raises(LoginFailed):
        login(server_url, "老录入员", PASSWORD)          # the old password was a hash the server cannot use
    signed = login(server_url, "老录入员", one_time)
    assert signed.must_change_password
    change_password(signed.ledger, "自己的密码321")
    signed.ledger.close()
    again = login(server_url, "老录入员", "自己的密码321")
    assert not again.must_change_password and again.ledger.actor.role == CLERK
    again.ledger.close()
    with make_engine(server_url).connect() as c:
        assert set(c.scalars(text("SELECT password_hash FROM app_user"))) == {"由数据库服务器验证"}


def test_the_window_signs_a_person_in_as_their_own_role(office, qtbot):
    from ui.login_dialog import LoginDialog
    url = make_url(office.url).set(username=None, password=None).render_as_string(hide_password=False)
    dialog = LoginDialog(url, database=url)
    qtbot.addWidget(dialog)
    dialog.name.setText("录入员乙")
    dialog.password.setText("错的")
    dialog.try_login()
    assert "再错4次" in dialog.message.text() and dialog.signed_in is None
    dialog.password.setText(PASSWORD)
    dialog.try_login()
    assert dialog.signed_in.actor.name == "录入员乙"
    with dialog.signed_in.db.engine.connect() as c:
        assert c.scalar(text("SELECT session_user")) == "录入员乙"
    dialog.signed_in.close()


def test_a_limited_person_is_refused_another_communitys_record_by_name(office):
    clerk = login(office.url, "录入员乙", PASSWORD).ledger
    other = next(w for w in WorkerService(office.admin).list() if w["community"] == "和平社区")
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        WorkerService(clerk).get(other["id"])
    clerk.close()



def test_an_office_sets_up_its_server_database_from_the_command_line(server_url, monkeypatch, capsys):
    """docs/trust.md: init and the first account with the owner's credentials, then everyone as themselves."""
    assert cli.main(["--db", server_url, "init", "--name", "幸福街道"]) == 0, capsys.readouterr().err
    assert "数据库结构已升级：新数据库" in capsys.readouterr().out
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", PASSWORD)
    assert cli.main(["--db", server_url, "user", "add", "总管", "--role", ADMIN]) == 0, capsys.readouterr().err
    plain = make_url(server_url).set(username=None, password=None).render_as_string(hide_password=False)
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    monkeypatch.setenv("STREETLEDGER_NEW_PASSWORD", "录入员的密码")
    assert cli.main(["--db", plain, "--user", "总管", "user", "add", "小录", "--role", CLERK]) == 0, \
        capsys.readouterr().err
    assert cli.main(["--db", plain, "--user", "小录", "check"]) == 1      # not with the administrator's password
    monkeypatch.setenv("STREETLEDGER_PASSWORD", "录入员的密码")
    capsys.readouterr()
    assert cli.main(["--db", plain, "--user", "小录", "check"]) == 0, capsys.readouterr().err
    assert cli.main(["--db", server_url, "check"]) == 1          # the owner's credentials are not for daily work
    assert "请用 --user 用户名" in capsys.readouterr().err


def test_finance_does_its_work_as_itself_and_no_more(office):
    """A pay run, an adjustment, an approval and the annual grading, by 财务's own login role; the trail
    records them as the application does, and the server had to write nothing itself."""
    from ledger.pay.grading_service import GradingService
    from ledger.pay.runs import Payroll
    finance = login(office.url, "财务丙", PASSWORD).ledger
    pay = Payroll(finance)
    zhang = next(w for w in WorkerService(finance).list() if w["name"] == "张华")
    pay.add_adjustment("2026-03", zhang["id"], "其他补发", "500", "补发加班")
    assert pay.run("2026-03").workers == 2
    pay.approve("2026-03")
    assert GradingService(finance).approve(2027, "2026-04") == 2   # 张华 and 王伟: 5 → 6
    assert [w["level"] for w in WorkerService(finance).list()] == [6, 6]
    with pytest.raises(PermissionDenied):
        WorkerService(finance).update(zhang["id"], {"note": "财务改"})       # the application refuses
    with connect(office, "财务丙") as c:                                      # and so does the server
        assert "permission denied" in refused(c, f"UPDATE worker SET note = '财务改' WHERE id = {zhang['id']}")
        assert "permission denied" in refused(c, "INSERT INTO setting (key, value) VALUES ('x', 'y')")
    finance.close()
    with office.owner.db.engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM audit_entry WHERE source = '数据库'")) == 0
        assert c.scalar(text("SELECT count(*) FROM audit_entry WHERE action = '审批工资表' AND user_name = '财务丙'")) == 1


def test_a_clerk_told_of_a_colleagues_newer_save_learns_who_made_it(office):
    """The conflict names the colleague from the record's history, which a 台账录入员 reads on the server only
    through the record-history function (the whole trail is not theirs to read)."""
    clerk = login(office.url, "录入员乙", PASSWORD).ledger
    try:
        mine = WorkerService(clerk).list()[0]
        WorkerService(office.admin).update(mine["id"], {"phone": "13900001111"}, version=mine["version"])
        with pytest.raises(Conflict) as refused_save:
            WorkerService(clerk).update(mine["id"], {"phone": "13900002222"}, version=mine["version"])
        assert "“管理员甲”" in str(refused_save.value) and "联系电话" in str(refused_save.value)
        assert WorkerService(clerk).get(mine["id"])["phone"] == "13900001111"
    finally:
        clerk.close()


def test_a_database_behind_or_ahead_of_the_program_is_named_in_words_not_revision_codes(server_url):
    from alembic import command

    from ledger.db import alembic_config, make_engine
    engine = make_engine(server_url)
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    with pytest.raises(SchemaBehind) as behind:
        Ledger.open(server_url, Actor(source="界面"))
    assert "比本程序旧" in str(behind.value) and "upgrade" in str(behind.value) and "0004" not in str(behind.value)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0099_later'"))
    with pytest.raises(SchemaBehind, match="更新版本的街道台账") as ahead:
        Ledger.open(server_url, Actor(source="界面"))
    assert "0099" not in str(ahead.value)
    engine.dispose()
