"""init and check: creating the street and reporting on the database's health."""
from __future__ import annotations

from ledger.services.street import init_street


def register(sub) -> None:
    p = sub.add_parser("init", help="新建街道（或修改街道名称）")
    p.add_argument("--name", required=True, help="街道名称，如：幸福街道")
    p.add_argument("--district", help="所属区县")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check", help="检查数据库完整性和台账一致性")
    p.set_defaults(func=cmd_check)


def cmd_init(args, ledger) -> int:
    init_street(ledger, args.name, args.district)
    print(f"已建立街道：{args.name}")
    return 0


def cmd_check(args, ledger) -> int:
    from ledger.services.checks import run_checks
    report = run_checks(ledger)
    for finding in report.findings:
        print(finding.line())
    print(f"检查完成：{report.summary()}")
    return 1 if report.errors else 0
