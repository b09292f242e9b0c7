"""Accounts: hashing, the first administrator turning login on, lockout, changing and resetting passwords."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ledger import accounts
from ledger.access import ADMIN, CLERK, FINANCE, LEADER, NOBODY, Actor
from ledger.accounts import (LoginFailed, change_password, create_user, has_accounts, hash_password, list_users,
                             login, reset_password, update_user, verify_password)
from ledger.app import Ledger
from ledger.errors import PermissionDenied, ValidationError
from ledger.models import AuditEntry, User
from ledger.server.logins import SERVER_PASSWORD
from ledger.services import CommunityService

PASSWORD = "街道2026ok"


def _entries(ledger, action):
    with ledger.db.sessions() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _admin(ledger) -> Ledger:
    create_user(ledger, "张华", ADMIN, PASSWORD)
    return login(ledger, "张华", PASSWORD).ledger


def test_hash_is_scrypt_salted_and_verifies():
    first, second = hash_password("秘密口令123"), hash_password("秘密口令123")
    assert first.startswith("scrypt$16384$8$1$") and first != second
    assert verify_password("秘密口令123", first) and verify_password("秘密口令123", second)
    assert not verify_password("秘密口令124", first)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")


def test_the_hash_never_reaches_the_audit_trail(ledger):
    _admin(ledger)
    with ledger.db.sessions() as session:
        stored = session.scalar(select(User.password_hash))
        texts = [str(e.changes) for e in session.scalars(select(AuditEntry))]
    if ledger.db.server:   # the server authenticates: the accounts table holds no hash at all
        assert stored == SERVER_PASSWORD
    else:
        assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert not [t for t in texts if stored in t or PASSWORD in t or "password" in t]


def test_first_account_must_be_an_administrator_and_turns_login_on(ledger, db_url):
    assert not has_accounts(ledger)
    with pytest.raises(ValidationError, match="第一个账号必须是管理员"):
        create_user(ledger, "李四", CLERK, PASSWORD)
    create_user(ledger, "张华", ADMIN, PASSWORD)
    assert has_accounts(ledger)
    assert [e.action for e in _entries(ledger, "启用登录")] == ["启用登录"]

    # A fresh start without login may do nothing at all, whatever the entry point.
    again = Ledger.open(db_url, Actor(source="界面"))
    try:
        assert again.actor.role == NOBODY
        with pytest.raises(PermissionDenied, match="请先登录"):
            CommunityService(again).list()
        with pytest.raises(PermissionDenied, match="请先登录"):
            create_user(again, "王五", ADMIN, PASSWORD)
    finally:
        again.close()


def test_login_gives_the_account_role_and_community(ledger):
    admin = _admin(ledger)
    CommunityService(admin).create({"name": "幸福社区"})
    create_user(admin, "李四", CLERK, PASSWORD, community="幸福社区")
    signed = login(ledger, "李四", PASSWORD, source="命令行")
    assert not signed.must_change_password
    actor = signed.ledger.actor
    assert (actor.name, actor.role, actor.source) == ("李四", CLERK, "命令行")
    assert actor.community_id == CommunityService(admin).list()[0]["id"]
    entry = _entries(ledger, "登录")[-1]
    assert (entry.user_name, entry.source, entry.ledger, entry.record_label) == ("李四", "命令行", "账号", "李四")


def test_five_wrong_passwords_lock_the_account(ledger):
    _admin(ledger)
    for n in range(1, 5):
        with pytest.raises(LoginFailed, match=f"再错{5 - n}次将锁定"):
            login(ledger, "张华", "错误的密码")
    with pytest.raises(LoginFailed, match="已锁定15分钟"):
        login(ledger, "张华", "错误的密码")
    with pytest.raises(LoginFailed, match="已锁定，请在.*后再试"):
        login(ledger, "张华", PASSWORD)   # even the right password, while locked
    failures = _entries(ledger, "登录失败")
    assert len(failures) == 6
    assert failures[4].changes[0]["new"].startswith("密码错误，连续5次")
    assert failures[5].changes[0]["new"] == "账号已锁定"

    with ledger.db.sessions.begin() as session:   # fifteen minutes later
        session.scalar(select(User)).locked_until = datetime.now() - timedelta(seconds=1)
    assert login(ledger, "张华", PASSWORD).ledger.actor.name == "张华"


def test_unknown_and_disabled_accounts_are_refused_and_recorded(ledger):
    admin = _admin(ledger)
    with pytest.raises(LoginFailed, match="用户名或密码错误"):
        login(ledger, "不存在", PASSWORD)
    create_user(admin, "王五", LEADER, PASSWORD)
    update_user(admin, "王五", active=False)
    with pytest.raises(LoginFailed, match="已停用"):
        login(ledger, "王五", PASSWORD)
    reasons = [e.changes[0]["new"] for e in _entries(ledger, "登录失败")]
    assert reasons == ["用户名不存在", "账号已停用"]


def test_a_user_changes_their_own_password(ledger):
    admin = _admin(ledger)
    create_user(admin, "赵六", FINANCE, PASSWORD)
    me = login(ledger, "赵六", PASSWORD).ledger
    with pytest.raises(ValidationError, match="原密码：不正确"):
        change_password(me, "新的密码456", old_password="猜的")
    with pytest.raises(ValidationError, match="至少6位"):
        change_password(me, "abc", old_password=PASSWORD)
    change_password(me, "新的密码456", old_password=PASSWORD)
    with pytest.raises(LoginFailed):
        login(ledger, "赵六", PASSWORD)
    assert login(ledger, "赵六", "新的密码456").ledger.actor.role == FINANCE
    assert [e.user_name for e in _entries(ledger, "修改密码")] == ["赵六"]


def test_an_administrator_resets_a_password_and_unlocks(ledger):
    admin = _admin(ledger)
    create_user(admin, "赵六", FINANCE, PASSWORD)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(ledger, "赵六", "忘记了")
    reset_password(admin, "赵六", "临时密码789")
    signed = login(ledger, "赵六", "临时密码789")
    assert signed.must_change_password
    change_password(signed.ledger, "自己的密码321")
    assert not login(ledger, "赵六", "自己的密码321").must_change_password
    assert [(e.user_name, e.record_label) for e in _entries(ledger, "重置密码")] == [("张华", "赵六")]
    other = login(ledger, "赵六", "自己的密码321").ledger
    with pytest.raises(PermissionDenied, match="财务.*管理账号"):
        reset_password(other, "张华", "夺权密码999")


@pytest.mark.parametrize("password, message", [
    ("12345", "至少6位"), ("aaaaaaa", "同一个字符"), ("123456", "过于简单"), ("张华张华张华", None), (" 前后空格 ", "空格"),
])
def test_password_rules(ledger, password, message):
    if message is None:
        create_user(ledger, "张华", ADMIN, password)
    else:
        with pytest.raises(ValidationError, match=message):
            create_user(ledger, "张华", ADMIN, password)


def test_account_rules(ledger):
    admin = _admin(ledger)
    CommunityService(admin).create({"name": "幸福社区"})
    with pytest.raises(ValidationError, match="已存在"):
        create_user(admin, "张华", CLERK, PASSWORD)
    with pytest.raises(ValidationError, match="不是有效角色"):
        create_user(admin, "李四", "超级用户", PASSWORD)
    with pytest.raises(ValidationError, match="管理员管理全部社区"):
        create_user(admin, "李四", ADMIN, PASSWORD, community="幸福社区")
    with pytest.raises(ValidationError, match="社区“和平社区”不存在"):
        create_user(admin, "李四", CLERK, PASSWORD, community="和平社区")
    with pytest.raises(ValidationError, match="不能包含空格"):
        create_user(admin, "李 四", CLERK, PASSWORD)
    with pytest.raises(ValidationError, match="至少要保留一个可用的管理员"):
        update_user(admin, "张华", role=CLERK)
    with pytest.raises(ValidationError, match="不能停用自己"):
        update_user(admin, "张华", active=False)
    create_user(admin, "李四", CLERK, PASSWORD)
    update_user(admin, "李四", community="幸福社区")
    assert [(a.name, a.role, a.community, a.status) for a in list_users(admin)] == [
        ("张华", ADMIN, "", "正常"), ("李四", CLERK, "幸福社区", "正常")]
    clerk = login(ledger, "李四", PASSWORD).ledger
    with pytest.raises(PermissionDenied, match="管理账号"):
        list_users(clerk)
    with pytest.raises(PermissionDenied, match="管理账号"):
        create_user(clerk, "王五", CLERK, PASSWORD)


def test_lockout_settings_are_as_documented():
    assert accounts.LOCK_AFTER == 5 and accounts.LOCK_FOR == timedelta(minutes=15)


def test_parallel_wrong_passwords_lock_the_account_after_the_fifth(ledger):
    """Twelve guesses at once: five are counted, the fifth locks, the other seven meet the lock."""
    from concurrent.futures import ThreadPoolExecutor
    _admin(ledger)
    create_user(login(ledger, "张华", PASSWORD).ledger, "赵六", FINANCE, PASSWORD)

    def guess(n: int) -> str:
        try:
            login(ledger, "赵六", f"猜的密码{n}").ledger.close()
        except LoginFailed as exc:
            return str(exc)
        return "进入了"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(guess, range(12)))
    assert len([a for a in answers if "再错" in a]) == 4
    assert len([a for a in answers if "已锁定15分钟" in a]) == 1
    assert len([a for a in answers if "已锁定，请在" in a]) == 7
    reasons = [e.changes[0]["new"] for e in _entries(ledger, "登录失败")]
    assert sorted(reasons) == sorted(["密码错误"] * 4 + ["密码错误，连续5次，锁定15分钟"] + ["账号已锁定"] * 7)
    with pytest.raises(LoginFailed, match="已锁定"):
        login(ledger, "赵六", PASSWORD)


def test_an_account_name_must_fit_a_database_login_name(ledger):
    with pytest.raises(ValidationError, match="用户名：不能超过63个字节"):
        create_user(ledger, "很" * 22, ADMIN, PASSWORD)     # 66 bytes in UTF-8
    with pytest.raises(ValidationError, match="用户名：是数据库保留的名称"):
        create_user(ledger, "public", ADMIN, PASSWORD)
    create_user(ledger, "很" * 21, ADMIN, PASSWORD)         # 63 bytes
