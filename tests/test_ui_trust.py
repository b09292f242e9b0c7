"""The trust dialogs: login (and the forced new password), accounts, the audit view and record history, and
the restore offered for a damaged database. Modal boxes are patched, never shown."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QDialog  # noqa: E402

from ledger import backup  # noqa: E402
from ledger.access import ADMIN, CLERK, LEADER, Actor  # noqa: E402
from ledger.accounts import create_user, has_accounts, login, reset_password  # noqa: E402
from ledger.app import Ledger  # noqa: E402
from ledger.services import CommunityService, WorkerService  # noqa: E402
from tests.helpers import worker  # noqa: E402
from ui import accounts_dialog, login_dialog, restore_dialog  # noqa: E402
from ui.accounts_dialog import AccountForm, AccountsDialog  # noqa: E402
from ui.audit_view import AuditView, RecordHistoryDialog, details_html  # noqa: E402
from ui.login_dialog import LoginDialog, sign_in  # noqa: E402
from ui.restore_dialog import RestoreDialog, offer_restore  # noqa: E402

PASSWORD = "街道2026ok"


@pytest.fixture
def with_admin(sqlite_ledger) -> Ledger:
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    create_user(sqlite_ledger, "张华", ADMIN, PASSWORD)
    return login(sqlite_ledger, "张华", PASSWORD).ledger


def test_login_refuses_a_wrong_password_in_the_dialog_then_signs_in(qtbot, with_admin):
    dialog = LoginDialog(with_admin, last_user="张华", database="测试.sqlite")
    qtbot.addWidget(dialog)
    dialog.password.setText("不对的密码")
    dialog.login_button.click()
    assert "用户名或密码错误" in dialog.message.text() and "再错4次" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.password.text() == ""
    dialog.password.setText(PASSWORD)
    dialog.login_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.signed_in.actor.name, dialog.signed_in.actor.role, dialog.signed_in.actor.source) == \
        ("张华", ADMIN, "界面")


def test_after_a_reset_the_login_asks_for_a_new_password(qtbot, with_admin, monkeypatch):
    create_user(with_admin, "李敏", CLERK, PASSWORD)
    reset_password(with_admin, "李敏", "临时密码789")
    shown = []

    def fill_and_accept(self):
        shown.append(self.forced)
        self.new.setText("我的新密码1")
        self.again.setText("我的新密码1")
        self.try_change()
        return self.result()

    monkeypatch.setattr(login_dialog.ChangePasswordDialog, "exec", fill_and_accept)
    dialog = LoginDialog(with_admin)
    qtbot.addWidget(dialog)
    dialog.name.setText("李敏")
    dialog.password.setText("临时密码789")
    dialog.try_login()
    assert shown == [True] and dialog.signed_in.actor.name == "李敏"
    assert not login(with_admin, "李敏", "我的新密码1").must_change_password


def test_without_accounts_there_is_no_login(qtbot, sqlite_ledger):
    assert sign_in(sqlite_ledger) is sqlite_ledger


def test_the_first_account_is_an_administrator_and_turns_login_on(qtbot, sqlite_ledger, monkeypatch):
    dialog = AccountsDialog(sqlite_ledger)
    qtbot.addWidget(dialog)
    assert "还没有账号" in dialog.intro.text() and dialog.add_button.text() == "创建管理员账号…"

    def fill(self):
        assert not self.role.isEnabled() and self.role.currentData() == ADMIN
        self.name.setText("张华")
        self.password.setText(PASSWORD)
        self.again.setText(PASSWORD)
        self.save()
        return self.result()

    monkeypatch.setattr(accounts_dialog.AccountForm, "exec", fill)
    with qtbot.waitSignal(dialog.login_enabled, timeout=2000) as signal:
        dialog.add_button.click()
    assert signal.args == ["张华"] and has_accounts(sqlite_ledger)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == ADMIN


def test_accounts_dialog_creates_limits_resets_and_disables(qtbot, with_admin):
    form = AccountForm(with_admin)
    qtbot.addWidget(form)
    form.name.setText("李敏")
    form.role.setCurrentIndex(form.role.findData(CLERK))
    form.community.setCurrentText("幸福社区")
    form.password.setText(PASSWORD)
    form.again.setText("不一样")
    form.save()
    assert "不一致" in form.message.text()
    form.again.setText(PASSWORD)
    form.save()
    assert form.result_account.community == "幸福社区"
    # An administrator cannot be limited to a community: choosing the role clears and locks the choice.
    form.role.setCurrentIndex(form.role.findData(ADMIN))
    assert not form.community.isEnabled() and form.community.currentIndex() == 0

    dialog = AccountsDialog(with_admin)
    qtbot.addWidget(dialog)
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["张华", "李敏"]
    dialog.table.selectRow(1)
    dialog.toggle_account()
    assert dialog.table.item(1, 3).text() == "已停用"
    dialog.table.selectRow(0)
    dialog.toggle_account()   # oneself
    assert "不能停用自己" in dialog.message.text()

    clerk_view = AccountsDialog(login(with_admin, "张华", PASSWORD).ledger.as_actor(Actor("李敏", CLERK)))
    qtbot.addWidget(clerk_view)
    assert "管理账号" in clerk_view.message.text() and clerk_view.table.rowCount() == 0


def test_audit_view_filters_and_shows_old_and_new_values(qtbot, with_admin):
    create_user(with_admin, "李敏", CLERK, PASSWORD)
    clerk = login(with_admin, "李敏", PASSWORD).ledger
    created = WorkerService(clerk).create(worker("幸福社区", level="5"))
    WorkerService(clerk).update(created["id"], {"level": "6"})

    view = AuditView(with_admin)
    qtbot.addWidget(view)
    assert view.model.rowCount() >= 5 and "共" in view.status.text()
    view.set_filter(user="李敏", ledger="社区工作者")
    assert [r.action for r in view.model.rows] == ["修改", "新增"]
    assert {r.user for r in view.model.rows} == {"李敏"}
    view.table.selectRow(0)
    html = view.details.toHtml()
    assert "等级" in html and "5" in html and "6" in html
    assert "等级 5 → 6" in view.model.data(view.model.index(0, 6))
    view.set_filter(record_id=created["id"] + 1000)
    assert view.model.rowCount() == 0

    history = RecordHistoryDialog(clerk, "社区工作者", created["id"], "张华")
    qtbot.addWidget(history)
    assert [r.action for r in history.rows] == ["新增", "修改"]
    assert "原值" in details_html(history.rows[1])

    leader = with_admin.as_actor(Actor("王领导", LEADER, source="界面"))
    masked = AuditView(leader)
    qtbot.addWidget(masked)
    masked.set_filter(ledger="社区工作者")
    new_entry = next(r for r in masked.model.rows if r.action == "新增")
    assert "********" in {c.field: c.new for c in new_entry.changes}["身份证号"]

    refused = AuditView(clerk)
    qtbot.addWidget(refused)
    assert "查看操作日志" in refused.status.text() and refused.model.rowCount() == 0


def _corrupt(path: Path) -> None:
    import sqlite3
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE IF NOT EXISTS padding (x)")
        c.executemany("INSERT INTO padding VALUES (?)", [("填充" * 200,) for _ in range(200)])
        page, pages = c.execute("PRAGMA page_size").fetchone()[0], c.execute("PRAGMA page_count").fetchone()[0]
    with open(path, "r+b") as f:
        for n in range(2, pages, 2):
            f.seek(n * page + 8)
            f.write(b"\xde\xad\xbe\xef" * (page // 8))


def test_without_accounts_the_log_names_the_person_the_status_bar_names(qtbot, sqlite_ledger):
    """The 操作日志 said （未登录） for every action while the status bar said 管理员."""
    from PySide6.QtWidgets import QLabel

    from ui.main_window import MainWindow
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    window = MainWindow(sqlite_ledger)
    qtbot.addWidget(window)
    status = [label.text() for label in window.statusBar().findChildren(QLabel) if "当前用户" in label.text()]
    assert status == ["当前用户：管理员（管理员）"]
    view = AuditView(sqlite_ledger)
    qtbot.addWidget(view)
    assert {r.user for r in view.model.rows} == {"管理员"}
    view.set_filter(user="管理员")
    assert view.model.rowCount() == len(view.model.rows) >= 2      # 街道 and 社区 created, by the 管理员


def test_a_damaged_database_offers_the_latest_good_backup(qtbot, tmp_path, monkeypatch):
    from ledger.services.street import init_street
    path = tmp_path / "坏了.sqlite"
    opened = Ledger.open(path, Actor())
    init_street(opened, "测试街道")
    CommunityService(opened).create({"name": "幸福社区"})
    opened.close()
    good = backup.make_backup(path, backup.DAILY)
    bad = backup.make_backup(path, backup.DAILY)
    _corrupt(bad)
    _corrupt(path)
    assert offer_restore(tmp_path / "还没有.sqlite") is None

    problem = backup.database_problem(path)
    dialog = RestoreDialog(path, problem=problem)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    assert dialog.selected_path() == good                          # the newest good one, not the broken newest
    assert "不可用" in dialog.list.item(0).text()
    asked = []
    monkeypatch.setattr(restore_dialog, "confirm", lambda parent, text: asked.append(text) or True)
    dialog.restore_selected()
    assert asked and dialog.result() == QDialog.DialogCode.Accepted and dialog.restored_from == good
    assert backup.database_problem(path) is None and "已损坏" in dialog.kept_aside.name
    reopened = Ledger.open(path, Actor())
    assert [c["name"] for c in CommunityService(reopened).list()] == ["幸福社区"]
    reopened.close()


def test_start_up_signs_in_and_makes_the_days_backup(qtbot, tmp_path, monkeypatch):
    from ledger.services.street import init_street
    path = tmp_path / "启动.sqlite"
    opened = Ledger.open(path, Actor())
    init_street(opened, "测试街道")
    create_user(opened, "张华", ADMIN, PASSWORD)
    opened.close()

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert login_dialog.open_and_sign_in(path) is None              # no login, no window
    assert backup.list_backups(path) == []

    def log_in(self):
        self.name.setText("张华")
        self.password.setText(PASSWORD)
        self.try_login()
        return self.result()

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", log_in)
    ledger = login_dialog.open_and_sign_in(path)
    try:
        assert ledger.actor.name == "张华" and ledger.actor.source == "界面"
        assert [b.kind for b in backup.list_backups(path)] == ["每日"]
    finally:
        ledger.close()
