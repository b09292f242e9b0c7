"""Opening the database for a command, as the person named by --user once the database has accounts.

A damaged SQLite file is refused before anything else, with the newest good backup named; `restore` alone
may go on (as an unopened database), since nobody can log in to a broken file. A file that cannot be opened
for another reason (a full disk, no rights, held by another program) is refused with that reason. After login
the day's automatic backup is made if there is none yet.

On a PostgreSQL server `--user NAME` connects as NAME's own login role with NAME's password; without it the
URL's own credentials are used (the database owner's, for `init` and `upgrade`).
"""
from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ledger import backup
from ledger.access import Actor
from ledger.accounts import has_accounts, login
from ledger.app import Ledger
from ledger.db import Upgraded, database_url, sqlite_file, upgrade_database
from ledger.errors import LedgerError
from ledger.server import is_server

PASSWORD_ENV = "STREETLEDGER_PASSWORD"
NEW_PASSWORD_ENV = "STREETLEDGER_NEW_PASSWORD"


@dataclass
class UnopenedDatabase:
    """A damaged SQLite file handed to a command that works on the file itself (restore)."""

    path: Path
    problem: str

    def close(self) -> None:
        pass


def open_ledger(args) -> Ledger | UnopenedDatabase:
    url = database_url(args.db)
    path = sqlite_file(url)
    if path is not None and (problem := backup.database_problem(path)) is not None:
        if getattr(args, "works_on_damaged_file", False):
            return UnopenedDatabase(path, problem)
        raise backup.DamagedDatabase(path, problem)   # cli.main adds the newest good backup
    args.password_used_for_login = False
    if is_server(url):
        if getattr(args, "upgrades_first", False) and not args.user:
            print_upgrade(upgrade_database(url))
        if args.user:
            return _login(url, args)
    ledger = Ledger.open(args.db, Actor(source="命令行"))
    try:
        if has_accounts(ledger):
            ledger = _login(ledger, args)
        elif args.user:
            print(f"提示：此数据库还没有账号，无需登录（--user {args.user} 未使用）", file=sys.stderr)
        if path is not None and (notice := backup.daily_backup_notice(path)) is not None:
            # The command itself must still run; the clerk learns the backup did not happen (once a day
            # when the reason is the disk, not the data).
            print(f"警告：{notice}", file=sys.stderr)
    except BaseException:
        ledger.close()
        raise
    return ledger


def restore_hint(path: Path) -> str:
    latest = backup.latest_good_backup(path)
    if latest is None:
        return "没有找到可用的自动备份；如有其他备份文件，可用 restore 命令恢复"
    return f"最新可用备份是 {latest.label}，可执行：python main.py --db \"{path}\" restore \"{latest.path}\""


def print_upgrade(done: Upgraded) -> None:
    """What an upgrade did, for the person who ran it (one-time passwords to hand to their owners)."""
    if done.before == done.after:
        print(f"数据库结构已是最新（{done.after}）")
    else:
        print(f"数据库结构已升级：{done.before or '新数据库'} → {done.after}")
    if done.copy is not None:
        print(f"升级前的数据库已另存为：{done.copy}")
    made = [m for m in done.moved if m.password]
    if made:
        print("已为下列账号建立数据库服务器登录名和一次性密码，请分别交给本人；首次登录后须设置自己的新密码：")
        for m in made:
            print(f"  {m.name}\t{m.password}")
    for m in done.moved:
        if m.problem:
            print(f"警告：账号“{m.name}”{m.problem}", file=sys.stderr)


def _login(ledger: Ledger | str, args) -> Ledger:
    if not args.user:
        raise LedgerError("此数据库已启用账号登录，请用 --user 用户名 指定登录用户（写在命令之前，如："
                          "python main.py --user 张华 check），密码从提示输入或设置环境变量 STREETLEDGER_PASSWORD")
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        args.password_used_for_login = True
    else:
        password = ask_password(f"请输入“{args.user}”的密码：")
    signed = login(ledger, args.user, password, source="命令行")
    if signed.must_change_password and not _is_own_passwd(args):
        if signed.ledger is not ledger:
            signed.ledger.close()
        raise LedgerError(f"管理员重置了“{args.user}”的密码，请先设置新密码：python main.py --user {args.user} "
                          f"user passwd {args.user}")
    return signed.ledger


def _is_own_passwd(args) -> bool:
    return getattr(args, "command", None) == "user" and getattr(args, "user_command", None) == "passwd" \
        and getattr(args, "name", None) == args.user


def ask_password(prompt: str) -> str:
    """A password typed at a terminal (not echoed); without a terminal the environment variable is needed."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise LedgerError(f"需要密码：请在终端中运行以输入密码，或设置环境变量 {PASSWORD_ENV}")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise LedgerError("没有输入密码") from None


def new_password(args, name: str) -> str:
    """A new password for `name`: STREETLEDGER_NEW_PASSWORD, or STREETLEDGER_PASSWORD when it was not the
    login's own, or typed twice at a terminal."""
    if (value := os.environ.get(NEW_PASSWORD_ENV)) is not None:
        return value
    if (value := os.environ.get(PASSWORD_ENV)) is not None and not getattr(args, "password_used_for_login", False):
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise LedgerError(f"需要新密码：请在终端中运行以输入，或设置环境变量 {NEW_PASSWORD_ENV}")
    first = ask_password(f"请输入“{name}”的新密码：")
    if ask_password("请再输入一次：") != first:
        raise LedgerError("两次输入的密码不一致，未作修改")
    return first
