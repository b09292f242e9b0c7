"""payroll and grading commands, and the pay kinds of export / import / template."""
from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger.errors import LedgerError
from ledger.money import format_yuan
from ledger.progress import Progress
from ledger.values import parse_date

from ..registry import export_kind, import_kind, template_kind


def register(sub) -> None:
    p = sub.add_parser("payroll", help="月度工资表：生成、审批、查看、补发/扣款、期初累计")
    ps = p.add_subparsers(dest="action", metavar="操作", required=True)
    q = ps.add_parser("run", help="生成（或重新计算）某月工资表草稿")
    q.add_argument("month", help="月份，如 2026-03")
    bonus = q.add_mutually_exclusive_group()
    bonus.add_argument("--bonus", dest="bonus", action="store_true", default=None, help="本月发放年度奖励性绩效")
    bonus.add_argument("--no-bonus", dest="bonus", action="store_false", help="本月不发放奖励性绩效")
    q.set_defaults(func=cmd_run)
    q = ps.add_parser("approve", help="审批某月工资表（审批后数字不再改变）")
    q.add_argument("month")
    q.add_argument("--reason", help="有人实发为负时必填：照此审批的原因（记入操作日志）")
    q.set_defaults(func=cmd_approve)
    q = ps.add_parser("show", help="显示工资表汇总，或某人的明细与计算过程")
    q.add_argument("month", nargs="?", help="月份；不填则列出所有月份")
    q.add_argument("--worker", help="姓名或身份证号：显示此人的计算过程")
    q.set_defaults(func=cmd_show)
    q = ps.add_parser("discard", help="删除某月工资表草稿")
    q.add_argument("month")
    q.set_defaults(func=cmd_discard)
    q = ps.add_parser("adjust", help="为某人添加其他补发或其他扣款（须写明原因）")
    q.add_argument("month")
    q.add_argument("--worker", required=True, help="姓名或身份证号")
    q.add_argument("--kind", required=True, choices=("补发", "扣款"), help="补发 或 扣款")
    q.add_argument("--amount", required=True, help="金额（元）")
    q.add_argument("--reason", required=True, help="原因")
    q.add_argument("--untaxed", action="store_true",
                   help="补发：不计入应税收入；扣款：税后扣款（默认扣款为税前扣发）")
    q.set_defaults(func=cmd_adjust)
    q = ps.add_parser("opening-import", help="导入年初至首次使用前的累计数（期初累计）")
    q.add_argument("file", type=Path)
    q.add_argument("--year", type=int, required=True, help="年度，如 2026")
    q.add_argument("--sheet", help="工作表名称（默认第一个）")
    q.set_defaults(func=cmd_opening_import)

    g = sub.add_parser("grading", help="年度调级：提出建议、审批")
    gs = g.add_subparsers(dest="action", metavar="操作", required=True)
    q = gs.add_parser("propose", help="列出某年度的调级建议及原因")
    q.add_argument("year", type=int)
    q.set_defaults(func=cmd_grading_propose)
    q = gs.add_parser("approve", help="审批某年度的调级建议，写入调级记录")
    q.add_argument("year", type=int)
    q.add_argument("--from", dest="month", help="生效月份，如 2027-01（默认次年1月）")
    q.add_argument("--worker", action="append", help="只审批此人（姓名或身份证号，可重复）")
    q.set_defaults(func=cmd_grading_approve)


def _progress() -> Progress:
    def show_progress(done: int, total: int, message: str) -> None:
        print(f"\r[{done}/{total}] {message}      ", end="", file=sys.stderr, flush=True)
    return Progress(show_progress)


def _payroll(ledger):
    from ledger.pay.runs import Payroll   # the pay run's modules load only for a command that uses them
    return Payroll(ledger)


def _summary_line(s) -> str:
    from ledger.pay.runs import month_label
    bonus = "，含奖励性绩效" if s.pays_bonus else ""
    return (f"{month_label(s.month)} {s.status}{bonus}：{s.workers}人，应发合计 {format_yuan(s.gross)}，"
            f"扣款合计 {format_yuan(s.deduct)}，实发合计 {format_yuan(s.net)}，单位缴费 {format_yuan(s.employer)}"
            f"（标准：{s.standard_name or '示例标准'}）")


def _worker_id(ledger, text: str) -> int:
    from ledger.services import WorkerService
    return WorkerService(ledger).find_one(text)


def cmd_run(args, ledger) -> int:
    summary = _payroll(ledger).run(args.month, args.bonus, progress=_progress())
    print(file=sys.stderr)
    print("已生成草稿：" + _summary_line(summary))
    return 0


def cmd_approve(args, ledger) -> int:
    from ledger.pay.runs import NegativePayError, month_key
    try:
        summary = _payroll(ledger).approve(args.month, negative_reason=args.reason)
    except NegativePayError as exc:
        raise LedgerError(f"{exc}（payroll approve {month_key(args.month)} --reason 原因）") from None
    print("已审批：" + _summary_line(summary))
    return 0


def cmd_show(args, ledger) -> int:
    from ledger.pay.runs import month_key, month_label
    pay = _payroll(ledger)
    if args.month is None:
        runs = pay.runs()
        for s in runs:
            print(_summary_line(s))
        if not runs:
            print("还没有工资表。用 payroll run 2026-01 生成第一个月。")
        nxt = pay.next_month_to_run()
        if nxt:
            print(f"下一个要处理的月份：{month_label(nxt)}")
        return 0
    if args.worker:
        print(pay.explain(args.month, _worker_id(ledger, args.worker)))
        return 0
    summary = pay.summary(args.month)
    if summary is None:
        raise LedgerError(f"{month_label(month_key(args.month))}还没有工资表")
    print(_summary_line(summary))
    by_community: dict[str, list] = {}
    for line in pay.lines(args.month):
        c = by_community.setdefault(line.community, [0, Decimal(0), Decimal(0), Decimal(0)])
        c[0] += 1
        c[1] += line.gross
        c[2] += line.deduct_total
        c[3] += line.net
    for name, (n, gross, deduct, net) in by_community.items():
        print(f"  {name}：{n}人，应发 {format_yuan(gross)}，扣款 {format_yuan(deduct)}，实发 {format_yuan(net)}")
    for a in pay.adjustments(args.month):
        print(f"  其他{a.kind}：{a.worker_name}（{a.community}）{format_yuan(a.amount)}元，{a.reason}")
    return 0


def cmd_discard(args, ledger) -> int:
    from ledger.pay.runs import month_key, month_label
    _payroll(ledger).discard(args.month)
    print(f"已删除{month_label(month_key(args.month))}的工资表草稿")
    return 0


def cmd_adjust(args, ledger) -> int:
    pay = _payroll(ledger)
    added = pay.add_adjustment(args.month, _worker_id(ledger, args.worker), args.kind, args.amount, args.reason,
                               taxable=not args.untaxed)
    line = next(a for a in pay.adjustments(args.month) if a.id == added)
    summary = pay.summary(args.month)
    print(f"已记录其他{line.kind} {format_yuan(line.amount)}元：{line.worker_name}（{line.community}），{line.reason}")
    if summary is not None:
        print("草稿已重新计算：" + _summary_line(summary))
    return 0


def _import_openings(ledger, path: Path, year: int, sheet: str | None, dry_run: bool = False) -> int:
    from ledger.pay.sheets import parse_openings, read_rows
    openings, first_row = parse_openings(read_rows(path, sheet))
    if dry_run:
        print(f"检查通过：{len(openings)}人的{year}年期初累计（未写入）")
        return 0
    count = _payroll(ledger).set_openings(year, openings, first_row)
    print(f"已导入{count}人的{year}年期初累计")
    return 0


def cmd_opening_import(args, ledger) -> int:
    return _import_openings(ledger, args.file, args.year, args.sheet)


def cmd_grading_propose(args, ledger) -> int:
    from ledger.pay.grading_service import GradingService
    proposals = GradingService(ledger).propose(args.year)
    changes = [p for p in proposals if p.approvable]
    for p in proposals:
        arrow = f"{p.old_level}级 → {p.new_level}级" if p.approvable else f"{p.old_level}级（不变）"
        print(f"{p.community}\t{p.name}\t{p.post_name}\t{arrow}\t{p.reason}")
    print(f"{args.year}年度：{len(changes)}人建议调级，{len(proposals) - len(changes)}人不调级（原因见上）")
    return 0


def cmd_grading_approve(args, ledger) -> int:
    from ledger.pay.grading_service import GradingService
    from ledger.pay.runs import month_key, month_label
    month = args.month or f"{args.year + 1}-01"
    ids = [_worker_id(ledger, w) for w in args.worker] if args.worker else None
    count = GradingService(ledger).approve(args.year, month, ids)
    print(f"已审批{args.year}年度调级{count}人，自{month_label(month_key(month))}起执行，已写入调级记录")
    return 0


# --- export / import / template kinds -------------------------------------------------------------------
def _month(args) -> str:
    if not args.month:
        raise LedgerError("请用 --month 指定月份，如 --month 2026-03")
    return args.month


@export_kind("salary-sheet", "工资发放表（--month；.xlsx 或 .pdf）", (".xlsx", ".pdf"))
def export_salary_sheet(args, ledger, out: Path) -> str:
    from exports.salary_sheet import export_salary_sheet as run
    run(ledger, _month(args), out, warn=args.warn)
    return f"已导出工资发放表：{out}"


@export_kind("bank-list", "银行代发清单（--month；.xlsx）", (".xlsx",))
def export_bank_list(args, ledger, out: Path) -> str:
    from exports.bank_list import export_bank_list as run
    run(ledger, _month(args), out, warn=args.warn)
    return f"已导出银行代发清单：{out}"


@export_kind("payslips", "工资条（--month；.pdf 或 .xlsx）", (".pdf", ".xlsx"))
def export_payslips(args, ledger, out: Path) -> str:
    from exports.payslips import export_payslips as run

    def show_progress(done: int, total: int) -> None:
        print(f"\r[{done}/{total}] 页", end="", file=sys.stderr, flush=True)
    try:
        run(ledger, _month(args), out, progress=show_progress, warn=args.warn)
    finally:
        print(file=sys.stderr)      # after the progress line, so that a refusal starts a line of its own
    return f"已导出工资条：{out}"


@export_kind("cost", "年度人力成本（--year；.xlsx，含自 --from 月起等级额每月上调 --raise 元的测算，默认100元、"
                     "自尚未审批的第一个月起）", (".xlsx",))
def export_cost(args, ledger, out: Path) -> str:
    from exports.labour_cost import export_labour_cost
    if not args.year:
        raise LedgerError("请用 --year 指定年度，如 --year 2026")
    report = export_labour_cost(ledger, args.year, out, getattr(args, "raise_amount", None) or "100",
                                raise_from=getattr(args, "raise_from", None), warn=args.warn)
    return f"已导出年度人力成本：{out}（合计 {format_yuan(report.total)} 元）\n{report.what_if}"


@import_kind("payscale", "岗位等级工资表（等级 × 一岗/二岗/三岗；须 --effective 生效日期）", (".xlsx", ".csv"))
def import_payscale(args, ledger, path: Path) -> int:
    from ledger.pay.sheets import read_rows
    from ledger.pay.standards import PayStandards, parse_matrix
    if not args.effective:
        raise LedgerError("请用 --effective 指定新工资标准的生效日期，如 --effective 2026-07-01")
    try:
        effective = parse_date(args.effective)
    except ValueError as exc:
        raise LedgerError(f"生效日期：{exc}") from None
    rows = read_rows(path, args.sheet)
    standards = PayStandards(ledger)
    if args.dry_run:
        parse_matrix(rows, standards.in_force(effective))
        print("检查通过（未写入）")
        return 0
    standard = standards.import_matrix(rows, effective)
    print(f"已导入岗位等级工资：{standard.name}，自{effective:%Y-%m-%d}起执行（其他项目不变）")
    return 0


@import_kind("openings", "期初累计（年初至首次使用前的累计应发、专项扣除、已预扣税额等；"
                         "年度取 --effective 的年份，默认为下一个要生成的工资月份所在年度）", (".xlsx", ".csv"))
def import_openings(args, ledger, path: Path) -> int:
    if args.effective:
        year = parse_date(args.effective).year
    else:
        nxt = _payroll(ledger).next_month_to_run()
        year = int(nxt[:4]) if nxt else date.today().year
    return _import_openings(ledger, path, year, args.sheet, args.dry_run)


@template_kind("payscale", "岗位等级工资表，预填当前工资标准")
def template_payscale(args, ledger, out: Path) -> str:
    from exports.pay_sheets import write_payscale
    from ledger.pay.standards import PayStandards
    standard = PayStandards(ledger).in_force()
    write_payscale(standard, out)
    return f"已生成岗位等级工资表（{standard.name}）：{out}"


@template_kind("openings", "期初累计表，列出在岗人员")
def template_openings(args, ledger, out: Path) -> str:
    from exports.pay_sheets import write_openings
    nxt = _payroll(ledger).next_month_to_run()
    year = int(nxt[:4]) if nxt else date.today().year
    write_openings(ledger, year, out)
    return f"已生成{year}年期初累计表：{out}"
