"""init, upgrade, check and settings: creating the street, upgrading the database, reporting on its health,
the office's thresholds."""
from __future__ import annotations

from ledger.db import upgrade_database
from ledger.errors import LedgerError
from ledger.services.street import get_settings, init_street, put_setting
from ledger.settings import SPECS
from ledger.values import parse_int

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

    p = sub.add_parser("settings", help="查看或修改本单位的设置（提醒阈值、金额单笔上限等；修改须管理员）")
    p.add_argument("name", nargs="?", help="要修改的设置：其名称或名称中的一段，如 单笔上限 前的“工资项目”")
    p.add_argument("value", nargs="?", help="新的值（整数）")
    p.set_defaults(func=cmd_settings)


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
        print(finding.line())
    print(f"检查完成：{report.summary()}")
    return 1 if report.errors else 0


def cmd_settings(args, ledger) -> int:
    if args.name is None:
        values = get_settings(ledger)
        for spec in SPECS:
            print(f"{spec.label}：{values[spec.key]:,}")
        return 0
    if args.value is None:
        raise LedgerError("请同时写出新的值，如：settings 工资项目 2000000")
    found = [spec for spec in SPECS if args.name.strip() and args.name.strip() in spec.label]
    if len(found) != 1:
        names = "、".join(spec.label for spec in found or SPECS)
        raise LedgerError(f"“{args.name}”{'对应多项设置' if found else '不是设置的名称'}，请写明其中一项：{names}")
    spec = found[0]
    try:
        value = parse_int(args.value)
    except ValueError as exc:
        raise LedgerError(f"{spec.label}：{exc}") from None
    put_setting(ledger, spec.key, value)
    print(f"已修改：{spec.label}为{value:,}")
    return 0
