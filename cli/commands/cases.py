"""case: 民生诉求 from the command line — register, take the loop's steps, show a timeline, list, and the holidays.

Each step is the service's own action (ledger/services/cases.py `act`): a step out of order, or one this account
may not take, is refused with its reason and nothing is written (exit 1). The 办理时限 of each 类别 are settings
(`settings 安全隐患 2`); the holidays they count over are `case holidays`.
"""
from __future__ import annotations

from datetime import date

from ledger.case_flow import ASSIGN, CLOSED_STATUSES, ESCALATE, FEEDBACK, RATE, RATINGS, RESOLVE, STATUSES, SUPERVISE
from ledger.errors import LedgerError
from ledger.services.cases import FIELDS, OVERDUE, CaseService
from ledger.services.holidays import clear_day, days_of, set_day, years_entered
from ledger.workdays import KINDS

# case VERB -> the step it takes, and what it carries besides its day and a note
_STEPS = {"escalate": (ESCALATE, "上报（报街道）"), "assign": (ASSIGN, "转办给承办单位，限期办理"),
          "resolve": (RESOLVE, "记录处置结果（办结）"), "feedback": (FEEDBACK, "记录向群众反馈"),
          "rate": (RATE, "记录群众评价（第一次不满意时退回重新处置）"), "supervise": (SUPERVISE, "督办（领导）")}
_SHOWN = ("number", "status", "community", "grid", "source", "category", "content", "reporter", "phone", "found_on",
          "handler", "limit_days", "due_on", "result", "rating", "supervised_on", "note")


def register(sub) -> None:
    p = sub.add_parser("case", help="民生诉求：登记、上报、转办、处置、反馈、评价、督办，查看办理过程")
    cs = p.add_subparsers(dest="case_command", metavar="操作", required=True)
    q = cs.add_parser("new", help="登记一件民生诉求（编号自动生成）")
    for f in FIELDS:
        if f.key in ("number", "source", "community", "grid", "reporter", "phone", "category", "content",
                     "found_on", "note"):
            choices = f"（{'、'.join(f.choices)}）" if f.choices else ""
            q.add_argument(f"--{_option(f.key)}", dest=f.key, required=f.required and f.key != "found_on",
                           metavar=f.label, help=f"{f.label}{choices}" + ("，不填为今天" if f.key == "found_on" else ""))
    q.set_defaults(func=cmd_new)

    q = cs.add_parser("show", help="显示一件诉求及其办理过程，和现在可以办理的步骤")
    q.add_argument("number", metavar="编号", help="如 2026-00012")
    q.set_defaults(func=cmd_show)

    for verb, (kind, text) in _STEPS.items():
        q = cs.add_parser(verb, help=text)
        q.add_argument("number", metavar="编号", help="如 2026-00012")
        if kind == RATE:
            q.add_argument("rating", choices=RATINGS, metavar="评价", help="、".join(RATINGS))
        if kind == ASSIGN:
            q.add_argument("--unit", dest="handler", required=True, metavar="承办单位", help="如：街道城管办")
            q.add_argument("--days", dest="limit_days", metavar="工作日", help="办理时限，不填按类别默认（settings 可改）")
        if kind == RESOLVE:
            q.add_argument("--result", required=True, metavar="处置结果")
        q.add_argument("--date", dest="on", metavar="日期", help="不填为今天")
        q.add_argument("--note", metavar="说明" if kind != SUPERVISE else "督办意见")
        q.set_defaults(func=cmd_step, step=kind)

    q = cs.add_parser("list", help="列出民生诉求")
    q.add_argument("--overdue", action="store_true", help="只列出超期未办结的")
    q.add_argument("--community", metavar="社区", help="只列出这个社区的")
    q.add_argument("--status", choices=STATUSES, metavar="状态", help="只列出这个状态的：" + "、".join(STATUSES))
    q.set_defaults(func=cmd_list)

    q = cs.add_parser("holidays", help="节假日安排（办理时限按工作日计算，含调休上班的周末）")
    hs = q.add_subparsers(dest="holiday_command", metavar="操作", required=True)
    h = hs.add_parser("list", help="列出某年的放假和调休上班日期")
    h.add_argument("year", nargs="?", type=int, metavar="年份", help="不填为今年")
    h.set_defaults(func=cmd_holidays_list)
    h = hs.add_parser("set", help="登记一天：放假，或周末调休上班（管理员）")
    h.add_argument("day", metavar="日期", help="如 2027-02-06")
    h.add_argument("kind", choices=KINDS, metavar="安排", help="、".join(KINDS))
    h.add_argument("--name", metavar="节日", help="如 春节")
    h.set_defaults(func=cmd_holidays_set)
    h = hs.add_parser("clear", help="取消一天的登记，恢复按星期计算（管理员）")
    h.add_argument("day", metavar="日期")
    h.set_defaults(func=cmd_holidays_clear)


def _option(key: str) -> str:
    return {"found_on": "found", "community": "community"}.get(key, key.replace("_", "-"))


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


def cmd_new(args, ledger) -> int:
    service = CaseService(ledger)
    raw = {f.key: getattr(args, f.key, None) for f in FIELDS if hasattr(args, f.key)}
    raw["found_on"] = raw.get("found_on") or date.today().isoformat()
    record = service.create(raw)
    print(f"已登记民生诉求 {record['number']}（{record['community']}，{record['category']}，{record['status']}）")
    return 0


def cmd_show(args, ledger) -> int:
    service = CaseService(ledger)
    record = service.get(service.find_number(args.number))
    labels = {f.key: f.label for f in FIELDS}
    for key in _SHOWN:
        if key == "due_on" and record.get("overdue"):
            print(f"{labels[key]}：{_shown(record[key])}（{OVERDUE}{record['overdue_days']}个工作日）")
        else:
            print(f"{labels[key]}：{_shown(record.get(key))}")
    print("办理过程：")
    for step in record["steps"]:
        print("  " + step_line(step))
    if record["calendar_missing"]:
        years = "、".join(f"{y}年" for y in record["calendar_missing"])
        print(f"提示：{years}的节假日安排尚未录入，办理期限只按周末计算（case holidays set）")
    if record["status"] in CLOSED_STATUSES:
        print(f"这件诉求已经结案（{record['status']}），不能再办理")
        return 0
    allowed = [a.kind for a in record["actions"] if a.allowed]
    print("可以办理：" + ("、".join(allowed) if allowed else "无"))
    for action in record["actions"]:
        if not action.allowed:
            print(f"  不能{action.kind}：{action.refused}")
    return 0


def step_line(step: dict) -> str:
    """One step of a timeline as a line: 2026-03-03 转办 街道城管办，时限3个工作日（至2026-03-06） — 张华 2026-03-03 09:12"""
    parts = [_shown(step["on"]) if step["on"] else "（日期未导入）", step["kind"]]
    if step["handler"]:
        parts.append(f"{step['handler']}，时限{step['limit_days']}个工作日（至{_shown(step['due_on'])}）")
    if step["result"]:
        parts.append(step["result"])
    if step["rating"]:
        parts.append(step["rating"] + (f"，退回重新处置（至{_shown(step['due_on'])}）" if step["due_on"] else ""))
    if step["note"]:
        parts.append(f"（{step['note']}）")
    who = f"{step['user']}（{step['source']}）" if step["source"] else step["user"]
    return " ".join(parts) + f" — {who} {step['recorded_at']:%Y-%m-%d %H:%M}"


def cmd_step(args, ledger) -> int:
    service = CaseService(ledger)
    case_id = service.find_number(args.number)
    raw = {key: getattr(args, key, None) for key in ("on", "handler", "limit_days", "result", "rating", "note")}
    record = service.act(case_id, args.step, raw)
    due = f"，办理期限{_shown(record['due_on'])}" if record.get("due_on") and not record.get("resolved_on") else ""
    print(f"已{args.step}：民生诉求 {record['number']}，现在是“{record['status']}”{due}")
    return 0


def cmd_list(args, ledger) -> int:
    service = CaseService(ledger)
    records = service.list()
    if args.community:
        records = [r for r in records if r["community"] == args.community.strip()]
    if args.status:
        records = [r for r in records if r["status"] == args.status]
    if args.overdue:
        records = sorted((r for r in records if r["overdue"]), key=lambda r: (r["due_on"], r["number"]))
    for r in records:
        late = f"，超期{r['overdue_days']}个工作日" if r["overdue"] else ""
        supervised = "，已督办" if r.get("supervised_on") and r["overdue"] else ""
        print(f"{r['number']}　{r['community']}　{r['category']}　{r['status']}　发现{_shown(r['found_on'])}　"
              f"期限{_shown(r['due_on'])}{late}{supervised}　{r['handler'] or ''}".rstrip())
    what = "超期未办结的民生诉求" if args.overdue else "民生诉求"
    print(f"共{len(records):,}件{what}")
    return 0


def cmd_holidays_list(args, ledger) -> int:
    year = args.year or date.today().year
    days = days_of(ledger, year)
    if not days:
        entered = "、".join(str(y) for y in years_entered(ledger)) or "无"
        print(f"{year}年的节假日安排尚未录入（办理时限只按周末计算）；已录入的年份：{entered}")
        return 0
    for d in days:
        print(f"{d.day:%Y-%m-%d} 星期{d.weekday} {d.kind} {d.name}".rstrip())
    off = sum(1 for d in days if d.kind == KINDS[0])
    print(f"{year}年：放假{off}天，调休上班{len(days) - off}天")
    return 0


def cmd_holidays_set(args, ledger) -> int:
    d = set_day(ledger, args.day, args.kind, args.name)
    print(f"已登记：{d.day:%Y-%m-%d}（星期{d.weekday}）{d.kind}" + (f"（{d.name}）" if d.name else ""))
    return 0


def cmd_holidays_clear(args, ledger) -> int:
    if not clear_day(ledger, args.day):
        raise LedgerError(f"{args.day} 没有登记过放假或调休上班")
    print(f"已取消 {args.day} 的登记，按星期计算")
    return 0
