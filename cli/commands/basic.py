"""init, upgrade and check: creating the street, upgrading the database and reporting on its health."""
from __future__ import annotations

from ledger.db import upgrade_database
from ledger.errors import LedgerError
from ledger.services.street import init_street

from ..session import print_upgrade


def register(sub) -> None:
    p = sub.add_parser("init", help="新建街道（或修改街道名称）；PostgreSQL 上不带 --user 时先以数据库所有者的账号建立数据库")
    p.add_argument("--name", required=True, help="街道名称，如：幸福街道")
    p.add_argument("--district", help="所属区县")
    p.set_defaults(func=cmd_init, upgrades_first=True)

    p = sub.add_parser("upgrade", help="升级数据库结构；PostgreSQL 上还建立服务器端的账号、权限和规则（用数据库所有者的账号运行）")
    p.set_defaults(func=cmd_upgrade, opens_itself=True)

    p = sub.add_parser("check", help="检查数据库完整性和台账一致性")
    p.set_defaults(func=cmd_check)


def cmd_init(args, ledger) -> int:
    init_street(ledger, args.name, args.district)
    print(f"已建立街道：{args.name}")
    return 0


def cmd_upgrade(args, _ledger) -> int:
    if args.user:
        raise LedgerError("upgrade 用数据库所有者的账号运行（PostgreSQL：写在 --db 地址中），不需要 --user")
    print_upgrade(upgrade_database(args.db))
    return 0


def cmd_check(args, ledger) -> int:
    from ledger.services.checks import run_checks
    report = run_checks(ledger)
    for finding in report.findings:
        print(f"[{finding.severity}] {finding.where}：{finding.message}")
    print(f"检查完成：{report.summary()}")
    return 1 if report.errors else 0
