"""user, audit, backup and restore: accounts, the audit trail and the database's safety copies."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from ledger import backup
from ledger.access import ROLE_HELP, ROLES
from ledger.accounts import (change_password, create_user, has_accounts, list_users, reset_password,
                             update_user)
from ledger.errors import LedgerError, ValidationError
from ledger.values import parse_date

from ..session import UnopenedDatabase, new_password


def register(sub) -> None:
    roles = "；".join(f"{r}：{h}" for r, h in ROLE_HELP.items())
    p = sub.add_parser("user", help="账号：新建、修改密码、列出、修改角色或停用")
    user = p.add_subparsers(dest="user_command", metavar="操作", required=True)
    q = user.add_parser("add", help="新建账号（第一个账号必须是管理员，建立后所有命令都需要 --user 登录）")
    q.add_argument("name", help="用户名，如：张华")
    q.add_argument("--role", required=True, choices=ROLES, metavar="角色", help=roles)
    q.add_argument("--community", help="只能查看和修改这个社区的记录（不填则为全部社区）")
    q.set_defaults(func=cmd_user_add)
    q = user.add_parser("passwd", help="修改自己的密码；管理员对他人执行即为重置（对方下次登录须改密码）")
    q.add_argument("name", help="用户名")
    q.set_defaults(func=cmd_user_passwd)
    q = user.add_parser("list", help="列出全部账号")
    q.set_defaults(func=cmd_user_list)
    q = user.add_parser("set", help="修改账号的角色、所属社区或停用/启用")
    q.add_argument("name", help="用户名")
    q.add_argument("--role", choices=ROLES, metavar="角色", help=roles)
    scope = q.add_mutually_exclusive_group()
    scope.add_argument("--community", help="限定为这个社区")
    scope.add_argument("--all-communities", action="store_true", help="取消社区限定")
    state = q.add_mutually_exclusive_group()
    state.add_argument("--disable", action="store_true", help="停用（不能再登录）")
    state.add_argument("--enable", action="store_true", help="重新启用")
    q.set_defaults(func=cmd_user_set)

    p = sub.add_parser("audit", help="查看操作日志（谁在何时修改了哪条记录）")
    p.add_argument("--since", help="起始日期，如 2026-01-01")
    p.add_argument("--until", help="截止日期（含当天）")
    p.add_argument("--user", dest="audit_user", metavar="NAME", help="只看这个用户的操作")
    p.add_argument("--ledger", help="只看这个台账，如：社区工作者、经费、账号")
    p.add_argument("--record", type=int, help="只看这条记录（编号）")
    p.add_argument("--action", help="只看这种操作，如：修改、删除、登录失败、导出")
    p.add_argument("--limit", type=int, default=200, help="最多显示条数（默认200）")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("backup", help="备份数据库到文件；--list 列出自动备份")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help="备份文件，如：台账备份.sqlite")
    target.add_argument("--list", action="store_true", help="列出自动备份及其是否可用")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="用备份文件恢复数据库（先检查备份，当前数据库另存到备份目录）")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="备份文件")
    source.add_argument("--latest", action="store_true", help="使用最新的可用自动备份")
    p.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    p.set_defaults(func=cmd_restore, works_on_damaged_file=True)


# --- user -----------------------------------------------------------------------------------------
def cmd_user_add(args, ledger) -> int:
    first = not has_accounts(ledger)
    if first and args.role != "管理员":
        raise ValidationError.single("角色", "第一个账号必须是管理员（之后由管理员创建其他账号）")
    ledger.actor.require("accounts")
    password = new_password(args, args.name)
    account = create_user(ledger, args.name, args.role, password, args.community)
    where = f"，限{account.community}" if account.community else ""
    print(f"已创建账号：{account.name}（{account.role}{where}）")
    if first:
        print(f"已启用登录：此后每个命令都需要 --user 用户名（如 python main.py --user {account.name} check），"
              "图形界面启动时也要登录")
    return 0


def cmd_user_passwd(args, ledger) -> int:
    if not has_accounts(ledger):
        raise LedgerError("此数据库还没有账号；请先用 user add 创建管理员账号")
    own = args.name == ledger.actor.name
    if not own:
        ledger.actor.require("accounts")
    password = new_password(args, args.name)
    if own:
        change_password(ledger, password)
        print(f"已修改“{args.name}”的密码")
    else:
        reset_password(ledger, args.name, password)
        print(f"已重置“{args.name}”的密码并解除锁定；对方下次登录后须设置新密码")
    return 0


def cmd_user_list(args, ledger) -> int:
    accounts = list_users(ledger)
    if not accounts:
        print("还没有账号（无需登录）。用 user add 用户名 --role 管理员 创建第一个账号即启用登录。")
        return 0
    print(f"{'用户名':<10}\t{'角色':<6}\t{'社区':<10}\t{'状态':<8}\t最近登录")
    for a in accounts:
        last = f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "从未"
        print(f"{a.name:<10}\t{a.role:<6}\t{a.community or '全部':<10}\t{a.status:<8}\t{last}")
    return 0


def cmd_user_set(args, ledger) -> int:
    community: str | None | bool = False
    if args.community:
        community = args.community
    elif args.all_communities:
        community = None
    active = True if args.enable else False if args.disable else None
    a = update_user(ledger, args.name, role=args.role, community=community, active=active)
    print(f"已修改账号：{a.name}（{a.role}，{a.community or '全部社区'}，{'可登录' if a.active else '已停用'}）")
    return 0


# --- audit ----------------------------------------------------------------------------------------
def _date(text: str | None, label: str):
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError.single(label, str(exc)) from None


def cmd_audit(args, ledger) -> int:
    from ledger.services.audit_query import AuditFilter, count_audit, query_audit
    flt = AuditFilter(user=args.audit_user, since=_date(args.since, "--since"), until=_date(args.until, "--until"),
                      ledger=args.ledger, record_id=args.record, action=args.action)
    rows = query_audit(ledger, flt, limit=args.limit)
    total = count_audit(ledger, flt)
    for r in reversed(rows):   # oldest first reads like a log
        what = r.ledger + (f"#{r.record_id}" if r.record_id is not None else "")
        label = f" {r.label}" if r.label else ""
        details = r.summary()
        print(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.user}（{r.source}）  {r.action}  {what}{label}"
              + (f"  {details}" if details else ""))
    shown = f"，显示最近{len(rows)}条（用 --limit 显示更多）" if total > len(rows) else ""
    print(f"共{total}条{shown}", file=sys.stderr)
    return 0


# --- backup and restore ---------------------------------------------------------------------------
def cmd_backup(args, ledger) -> int:
    ledger.actor.require("backup")
    path = backup.sqlite_path(ledger)
    if args.list:
        if path is None:
            raise LedgerError("PostgreSQL 数据库没有自动备份，请由服务器管理员用 pg_dump 备份")
        found = backup.list_backups(path)
        if not found:
            print("还没有自动备份")
        for b in found:
            try:
                backup.verify_backup(b.path)
                state = "可用"
            except LedgerError as exc:
                state = f"不可用：{exc}"
            print(f"{b.label}\t{b.size / 1024 / 1024:.1f} MB\t{state}\t{b.path}")
        return 0
    target = backup.backup_to(ledger, args.output)
    print(f"已备份到：{target}")
    return 0


def cmd_restore(args, ledger) -> int:
    if isinstance(ledger, UnopenedDatabase):
        db_path, opened = ledger.path, None
        print(f"当前数据库已损坏：{ledger.problem}", file=sys.stderr)
    else:
        ledger.actor.require("backup")
        db_path, opened = backup.sqlite_path(ledger), ledger
        if db_path is None:
            raise LedgerError("PostgreSQL 数据库请由服务器管理员用 pg_restore 恢复")
    if args.latest:
        latest = backup.latest_good_backup(db_path)
        if latest is None:
            raise LedgerError("没有找到可用的自动备份")
        source = latest.path
    else:
        source = args.file
    backup.verify_backup(source)
    print(f"备份文件“{source.name}”检查通过（修改时间 {datetime.fromtimestamp(source.stat().st_mtime):%Y-%m-%d %H:%M}）")
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise LedgerError("恢复会用备份替换当前数据库：请在终端中确认，或加 --yes")
        answer = input(f"用它替换数据库“{db_path.name}”？当前数据库会另存到备份目录。输入 是 确认：").strip()
        if answer not in ("是", "y", "Y", "yes"):
            print("已取消，数据库未改动")
            return 1
    aside = backup.restore(db_path, source, opened)
    print(f"已恢复：{db_path}")
    if aside is not None:
        print(f"原数据库已另存为：{aside}")
    return 0
