"""import KIND FILE, template KIND -o FILE, undo-import: clerks' workbooks from the command line.

`import` exits 0 and prints the counts when the whole file went in; otherwise it prints one line per problem
(第12行 身份证号：校验位不正确) on stderr, writes nothing and exits 1. `--dry-run` checks and previews only.
A file whose content was imported before is refused, naming that import, unless `--again`; rows identical to
stored 经费 entries (疑似重复) are left out with a line each, unless `--keep-duplicates`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ledger.errors import ValidationError
from ledger.importing import (KINDS, REPEAT, UPDATE, RepeatedImport, import_file, last_import, layout_for, load,
                              preview, run_import, undo_last)
from ledger.importing.headers import DUPLICATE, UNKNOWN
from ledger.progress import Progress

from ..registry import import_kind, template_kind

SHOWN_CHANGES = 20  # a dry run lists the first updates with their changes; the rest are counted


def _progress(quiet: bool) -> Progress:
    if quiet or not sys.stderr.isatty():
        return Progress()

    def show(done: int, total: int, message: str) -> None:
        print(f"\r{message}      ", end="", file=sys.stderr, flush=True)
    return Progress(show)


def _describe_layout(loaded, layout) -> None:
    where = f"工作表“{loaded.sheet.name}”" if len(loaded.sheet_names) > 1 else f"“{loaded.path.name}”"
    rows = (f"第{layout.header_first}行" if layout.header_first == layout.header_last
            else f"第{layout.header_first}–{layout.header_last}行")
    if layout.found:
        print(f"{where}：表头在{rows}，识别了{len(layout.mapping())}列" + ("（按上次记住的列对应）" if layout.remembered else ""))
    for column in layout.columns:
        if column.status == UNKNOWN:
            print(f"提示：{column.letter}列“{column.header}”未识别，不导入（可在图形界面中指定对应的栏目）")
        elif column.status == DUPLICATE:
            print(f"提示：{column.letter}列“{column.header}”与前面的列重复，不导入")


def _print_duplicates(plan, kept: bool) -> None:
    what = "将导入（已用 --keep-duplicates 确认）" if kept else "未导入"
    for r in plan.rows:
        if r.action == REPEAT:
            print(f"第{r.row}行 疑似重复，{what}：{r.repeats}")


def _print_problems(problems) -> None:
    for problem in problems:
        print(str(problem), file=sys.stderr)


def make_import(kind: str):
    def run(args, ledger, path: Path) -> int:
        loaded = load(path, kind, getattr(args, "sheet", None))
        layout = layout_for(loaded, kind)
        _describe_layout(loaded, layout)
        if args.dry_run:
            plan = preview(ledger, kind, loaded, layout)
            problems = plan.all_problems()
            if problems:
                _print_problems(problems)
                print(f"检查未通过：{len(problems)}个问题（未写入任何数据）", file=sys.stderr)
                return 1
            for warning in plan.all_warnings():
                print(f"提示：{warning}")
            if plan.repeat_of is not None:
                print(f"提示：这个文件的内容已经导入过：{plan.repeat_of.describe()}；正式导入时需加 --again 确认")
            _print_duplicates(plan, args.keep_duplicates)
            updates = [r for r in plan.rows if r.action == UPDATE]
            for r in updates[:SHOWN_CHANGES]:
                print(f"第{r.row}行 {r.label}：" + "；".join(str(c) for c in r.changes))
            if len(updates) > SHOWN_CHANGES:
                print(f"……另有{len(updates) - SHOWN_CHANGES}条更新")
            print(f"检查通过（试运行，未写入）：{plan.summary()}")
            return 0
        try:
            plan, outcome = run_import(ledger, kind, loaded, layout, again=args.again,
                                       keep_duplicates=args.keep_duplicates, progress=_progress(False))
        except ValidationError as exc:
            if sys.stderr.isatty():
                print(file=sys.stderr)
            _print_problems(exc.problems)
            print(f"未导入：{len(exc.problems)}个问题，没有写入任何数据", file=sys.stderr)
            return 1
        except RepeatedImport as exc:
            if sys.stderr.isatty():
                print(file=sys.stderr)
            print(f"未导入：{exc}。如确需再导入一次，请加 --again", file=sys.stderr)
            return 1
        if sys.stderr.isatty():
            print(file=sys.stderr)
        for warning in plan.all_warnings():
            print(f"提示：{warning}")
        _print_duplicates(plan, args.keep_duplicates)
        print(f"已导入{KINDS[kind].name}台账：{outcome.summary()}")
        if outcome.duplicates:
            print("如确认这些行不是重复录入，可加 --keep-duplicates 导入（将全部导入；要逐行选择请用图形界面的导入窗口）")
        if outcome.batch_id is not None:
            print("如需撤销这次导入：undo-import")
        return 0
    return run


def make_template(kind: str):
    def run(args, ledger, out: Path) -> str:
        from exports.import_templates import write_template
        write_template(ledger, kind, out)
        return f"已生成{KINDS[kind].name}台账导入模板：{out}"
    return run


for _kind, _service in KINDS.items():
    import_kind(_kind, f"{_service.name}台账")(make_import(_kind))
    template_kind(_kind, f"{_service.name}台账导入模板")(make_template(_kind))


def register(sub) -> None:
    p = sub.add_parser("undo-import", help="撤销最近一次导入（恢复到导入前的状态）")
    p.add_argument("--show", action="store_true", help="只显示将被撤销的导入，不撤销")
    p.set_defaults(func=cmd_undo_import)


def cmd_undo_import(args, ledger) -> int:
    batch = last_import(ledger)
    if batch is None:
        print("没有可以撤销的导入")
        return 1
    if args.show:
        print(f"最近一次导入：{batch.describe()}")
        return 0
    try:
        outcome = undo_last(ledger)
    except ValidationError as exc:
        _print_problems(exc.problems)
        print("未撤销，数据没有改变", file=sys.stderr)
        return 1
    print(outcome.summary())
    return 0


__all__ = ["register", "make_import", "make_template", "import_file"]
