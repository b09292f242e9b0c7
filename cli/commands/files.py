"""export / import / template: the commands built from the kinds registered in cli.registry.

This module is imported last, after every feature module has registered its kinds.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..registry import EXPORTS, IMPORTS, TEMPLATES, check_suffix


def register(sub) -> None:
    if EXPORTS:
        p = sub.add_parser("export", help="导出报表或台账（格式由文件扩展名决定）")
        p.add_argument("kind", choices=sorted(EXPORTS), metavar="种类",
                       help="；".join(f"{k.name}：{k.help}" for k in EXPORTS.values()))
        p.add_argument("-o", "--output", required=True, type=Path, help="输出文件")
        p.add_argument("--month", help="月份，如 2026-03")
        p.add_argument("--year", type=int, help="年度，如 2026")
        p.add_argument("--quarter", help="季度，如 2026-Q1")
        p.add_argument("--community", help="只导出一个社区")
        p.add_argument("--raise", dest="raise_amount", metavar="元", default="100",
                       help="年度人力成本的测算：等级额每月上调多少元（默认100，仅 cost）")
        p.add_argument("--from", dest="raise_from", metavar="月份",
                       help="年度人力成本的测算：自哪个月起上调，如 2026-07（默认为尚未审批的第一个月，仅 cost）")
        p.set_defaults(func=cmd_export)
    if IMPORTS:
        p = sub.add_parser("import", help="从 Excel/WPS（xlsx、xls）或 CSV 文件导入台账")
        p.add_argument("kind", choices=sorted(IMPORTS), metavar="种类",
                       help="；".join(f"{k.name}：{k.help}" for k in IMPORTS.values()))
        p.add_argument("file", type=Path, help="要导入的文件")
        p.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
        p.add_argument("--again", action="store_true", help="确认再次导入一个已经导入过的文件（默认拒绝并说明上次导入）")
        p.add_argument("--keep-duplicates", action="store_true",
                       help="也导入“疑似重复”的行（与已登记记录完全相同的经费，默认不导入并逐行列出）")
        p.add_argument("--effective", help="工资标准的生效日期，如 2026-07-01（仅 payscale）")
        p.add_argument("--sheet", help="工作表名称（默认第一个）")
        p.set_defaults(func=cmd_import)
    if TEMPLATES:
        p = sub.add_parser("template", help="生成空白导入模板")
        p.add_argument("kind", choices=sorted(TEMPLATES), metavar="种类",
                       help="；".join(f"{k.name}：{k.help}" for k in TEMPLATES.values()))
        p.add_argument("-o", "--output", required=True, type=Path, help="输出文件（.xlsx）")
        p.set_defaults(func=cmd_template)


def cmd_export(args, ledger) -> int:
    from ledger.files import check_writable
    kind = EXPORTS[args.kind]
    check_suffix(kind, args.output)
    check_writable(args.output)          # before the work, not after it
    warnings: list[str] = []
    args.warn = warnings.append          # a kind passes it on: a column of a template too narrow for a figure
    print(kind.run(args, ledger, args.output) or f"已导出：{args.output}")
    for text in warnings:
        print(f"注意：{text}", file=sys.stderr)
    return 0


def cmd_import(args, ledger) -> int:
    kind = IMPORTS[args.kind]
    check_suffix(kind, args.file)
    return int(kind.run(args, ledger, args.file) or 0)


def cmd_template(args, ledger) -> int:
    from ledger.files import check_writable
    kind = TEMPLATES[args.kind]
    check_suffix(kind, args.output)
    check_writable(args.output)
    print(kind.run(args, ledger, args.output) or f"已生成模板：{args.output}")
    return 0
