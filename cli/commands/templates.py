"""report-template: list the report templates, save a built-in one for adjusting, install or reset one."""
from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("report-template", help="报表模板管理：list 列出；save 另存内置模板；install 安装修改后的模板；reset 恢复内置")
    p.add_argument("action", choices=("list", "save", "install", "reset"), metavar="操作",
                   help="list | save NAME -o FILE | install NAME FILE | reset NAME")
    p.add_argument("name", nargs="?", help="模板名称，如 工资发放表.xlsx")
    p.add_argument("file", nargs="?", type=Path, help="install 时：修改后的模板文件")
    p.add_argument("-o", "--output", type=Path, help="save 时：另存到的文件或文件夹")
    p.set_defaults(func=cmd_templates)


def cmd_templates(args, ledger) -> int:
    from exports import template_admin
    from ledger.errors import LedgerError
    if args.action == "list":
        for info in template_admin.templates(ledger):
            state = "已调整（使用本单位修改的副本）" if info.customised else "内置"
            print(f"{info.name}\t{state}\t{info.path}")
        return 0
    if not args.name:
        raise LedgerError("请给出模板名称，如 工资发放表.xlsx（report-template list 列出全部）")
    if args.action == "save":
        if not args.output:
            raise LedgerError("请用 -o 指定另存到的文件或文件夹")
        print(f"已另存：{template_admin.save_builtin(ledger, args.name, args.output)}")
    elif args.action == "install":
        if not args.file:
            raise LedgerError("请给出修改后的模板文件")
        print(f"已安装，今后导出将使用：{template_admin.install(ledger, args.name, args.file)}")
    else:
        print("已恢复内置模板" if template_admin.reset(ledger, args.name) else "该模板没有修改过，仍在使用内置模板")
    return 0
