"""quarter close|reopen|show|list, and the export kinds quarterly and ledger-<台账>."""
from __future__ import annotations

from pathlib import Path

from ledger import quarter
from ledger.errors import LedgerError
from ledger.services import LEDGERS, CommunityService

from ..registry import export_kind

# ledger-communities, ledger-orgs, … as the command line names the ledger exports
LEDGER_EXPORTS = {f"ledger-{key}": key for key in LEDGERS}


def register(sub) -> None:
    p = sub.add_parser("quarter", help="季度统计：关账、重新打开、查看")
    qs = p.add_subparsers(dest="quarter_command", metavar="操作", required=True)
    c = qs.add_parser("close", help="关账：冻结该季度的统计数据，之后重印结果不变（管理员）")
    c.add_argument("quarter", help="季度，如 2026-Q3")
    c.set_defaults(func=cmd_close)
    r = qs.add_parser("reopen", help="重新打开已关账的季度（管理员，须写明原因）")
    r.add_argument("quarter", help="季度，如 2026-Q3")
    r.add_argument("--reason", required=True, help="重新打开的原因，记入操作日志")
    r.set_defaults(func=cmd_reopen)
    s = qs.add_parser("show", help="显示季度统计汇总")
    s.add_argument("quarter", help="季度，如 2026-Q3")
    s.add_argument("--community", help="只显示一个社区")
    s.set_defaults(func=cmd_show)
    lst = qs.add_parser("list", help="列出已关账的季度")
    lst.set_defaults(func=cmd_list)


def _community_id(ledger, name: str | None) -> int | None:
    return CommunityService(ledger).id_by_name(name) if name else None


def cmd_close(args, ledger) -> int:
    figures = quarter.close_quarter(ledger, args.quarter)
    total = figures.total
    print(f"已关账：{figures.quarter.label}（{len(figures.rows)}个社区，党员{total.members}名，"
          f"在岗社区工作者{total.workers_total}名）。此后导出该季度的报表数据不再随台账变化。")
    return 0


def cmd_reopen(args, ledger) -> int:
    q = quarter.Quarter.parse(args.quarter)
    quarter.reopen_quarter(ledger, q, args.reason)
    print(f"已重新打开：{q.label}。该季度的数据重新按台账计算，原关账数据已记入操作日志。")
    return 0


def cmd_list(args, ledger) -> int:
    closed = quarter.closed_quarters(ledger)
    if not closed:
        print("还没有已关账的季度")
        return 0
    for item in closed:
        by = f"  {item.closed_by}" if item.closed_by else ""
        print(f"{item.quarter.code}  {item.quarter.label}  关账于 {item.closed_at:%Y-%m-%d %H:%M}{by}")
    return 0


def cmd_show(args, ledger) -> int:
    from exports.quarterly_content import change_label, status_text
    report = quarter.report(ledger, args.quarter, _community_id(ledger, args.community))
    f = report.figures
    print(f"{f.street}{f.quarter.label}统计汇总（截至{f.as_of:%Y-%m-%d}）")
    print(status_text(f))
    for indicator in report.indicators:
        value = report.values[indicator.key]
        shown = "—" if value is None else f"{value:,}"
        print(f"  {indicator.label}：{shown}{indicator.unit if value is not None else ''}"
              f"（{change_label(report, indicator.key)}）")
    print()
    posts = "/".join(f.posts)
    print(f"{'社区':<10}{'党组织':>6}{'党员':>7}{'网格':>5}{'户数':>8}{'网格员':>6}  {posts + '（人）':<14}"
          f"{'拨入（元）':>16}{'支出（元）':>16}{'执行率':>8}{'阵地（㎡）':>12} 达标")
    for row in (*f.rows, f.total):
        rate = row.fund.execution_rate
        workers = "/".join(str(row.workers.get(p, 0)) for p in f.posts)
        meets = "—" if row.meets_standard is None else ("是" if row.meets_standard else "否")
        if row is f.total:
            meets = f"{row.venues_met}/{row.venues_judged}"
        households = "—" if row.households is None else row.households
        print(f"{row.name:<10}{f.org_figure(row):>6}{row.members:>7}{row.grids:>5}{households:>8}{row.grid_workers:>6}  "
              f"{workers:<14}{row.fund.allocated:>16,.2f}{row.fund.spent:>16,.2f}"
              f"{'—' if rate is None else f'{rate}%':>8}{row.venue_area:>12,.2f} {meets}")
    return 0


@export_kind("quarterly", "季度统计汇总（--quarter 2026-Q3；.xlsx 用于上报，.pdf 供领导阅看）", (".xlsx", ".pdf"))
def export_quarterly(args, ledger, out: Path) -> str:
    if not args.quarter:
        raise LedgerError("请用 --quarter 指定季度，如：export quarterly --quarter 2026-Q3 -o 汇总.pdf")
    report = quarter.report(ledger, args.quarter, _community_id(ledger, args.community), permission="report.export")
    if out.suffix.lower() == ".pdf":
        from exports.quarterly_pdf import write_quarterly_pdf
        write_quarterly_pdf(report, out)
    else:
        from exports.quarterly_xlsx import write_quarterly_xlsx
        write_quarterly_xlsx(report, out, warn=args.warn)
    state = "已关账，数据已冻结" if not report.figures.is_open else "未关账，数据按当前台账计算"
    return f"已导出：{out}（{report.figures.quarter.label}，{state}）"


def _ledger_export(key: str):
    def run(args, ledger, out: Path) -> str:
        from exports.ledger_export import export_ledger
        result = export_ledger(ledger, key, out, _community_id(ledger, args.community), warn=args.warn)
        masked = "；身份证号、银行账号、联系电话已按权限遮蔽" if result.masked else ""
        notes = "".join(f"\n提示：{line}" for line in result.warnings)
        return f"已导出：{out}（{LEDGERS[key].name}台账 {result.rows} 条{masked}）{notes}"
    return run


for _name, _key in LEDGER_EXPORTS.items():
    export_kind(_name, f"{LEDGERS[_key].name}台账（与导入模板的列相同；.xlsx 或 .pdf）", (".xlsx", ".pdf"))(
        _ledger_export(_key))
