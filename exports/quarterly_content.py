"""What the 季度统计汇总 says, whichever the format: its rows, status line, changes and notes, in Chinese."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ledger import clock
from ledger.money import round_half_up
from ledger.quarter import ORG_COLUMNS, CommunityFigures, QuarterFigures, QuarterReport

# the template's post columns; a pay standard with more posts needs an adjusted template (岗位4 …)
POST_FIELDS = ("岗位1", "岗位2", "岗位3", "岗位4", "岗位5", "岗位6")
# the wider ledgers' columns, from snapshot version 3
WIDER_FIELDS = ("共建单位", "项目实施中", "项目已完成", "报到党员", "志愿服务队", "活动次数", "服务人次", "诉求受理",
                "诉求办结", "办结率", "按期办结率", "满意率", "超期未结", "小区", "红色物业覆盖率")
# the rates among them: a 合计's is worked out from the sums, never added up
RATE_FIELDS = ("办结率", "按期办结率", "满意率", "红色物业覆盖率")
ROW_FIELDS = ("社区", *(name for name, _ in ORG_COLUMNS), "党员数", "网格数", "户数", "专职网格员", *POST_FIELDS,
              "工作者小计", "年度预算", "拨入", "支出", "结余", "执行率", "阵地面积", "达标", *WIDER_FIELDS)
# how many communities the notes name one by one before saying how many more
NAMED_COMMUNITIES = 10


def cn_date(day: date | datetime) -> str:
    """2026年9月30日: Chinese documents write dates without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def title(figures: QuarterFigures) -> str:
    return f"{figures.street}{figures.quarter.label}统计汇总表"


def meets_text(row: CommunityFigures) -> str:
    ok = row.meets_standard
    return "—" if ok is None else "是" if ok else "否"


def row_fields(figures: QuarterFigures) -> tuple[str, ...]:
    """The row fields a quarter's report has: a quarter closed before version 3 has no wider columns."""
    return ROW_FIELDS if figures.wider else ROW_FIELDS[:-len(WIDER_FIELDS)]


def row_values(row: CommunityFigures, posts: tuple[str, ...], wider: bool = True) -> dict[str, object]:
    """One community's cells by template field name; money stays Decimal, a missing rate is a dash (and so is
    every wider figure of a quarter closed before they were kept)."""
    fund = row.fund
    rate = fund.execution_rate
    values: dict[str, object] = {"社区": row.name}
    for name, _ in ORG_COLUMNS:
        values[name] = row.org_column(name)
    values.update({"党员数": row.members, "网格数": row.grids, "户数": count_or_dash(row.households),
                   "专职网格员": row.grid_workers})
    for index, field in enumerate(POST_FIELDS):
        values[field] = row.workers.get(posts[index], 0) if index < len(posts) else None
    values.update({"工作者小计": row.workers_total, "年度预算": fund.budget, "拨入": fund.allocated,
                   "支出": fund.spent, "结余": fund.balance, "执行率": rate if rate is not None else "—",
                   "阵地面积": row.venue_area, "达标": meets_text(row)})
    if not wider:
        return {**values, **dict.fromkeys(WIDER_FIELDS, "—")}
    values.update({"共建单位": row.partners, "项目实施中": row.projects_active, "项目已完成": row.projects_done,
                   "报到党员": row.reported, "志愿服务队": row.teams, "活动次数": row.activities,
                   "服务人次": row.service_visits, "诉求受理": row.cases.accepted, "诉求办结": row.cases.resolved,
                   "超期未结": row.cases.overdue_open, "小区": row.estates})
    return {**values, **rates(row)}


def rates(row: CommunityFigures) -> dict[str, object]:
    """The wider columns' rates of a row (a 合计's from its sums): per cent to one decimal, or a dash when there
    is nothing to divide by."""
    cases = row.cases
    worked_out = {"办结率": cases.resolved_rate, "按期办结率": cases.in_time_rate, "满意率": cases.satisfaction_rate,
                  "红色物业覆盖率": row.red_coverage}
    return {field: "—" if rate is None else rate for field, rate in worked_out.items()}


def count_or_dash(value: int | None) -> int | str:
    """A count a community left blank (户数) is a dash, never a 0 that it did not state."""
    return "—" if value is None else value


def met_text(row: CommunityFigures) -> str:
    """The 合计 of the 达标 column: communities whose centre meets the standard, of those judged."""
    return f"{row.venues_met}/{row.venues_judged}" if row.venues_judged else "—"


def status_text(figures: QuarterFigures) -> str:
    if not figures.is_open:
        who = f"（{figures.closed_by}）" if figures.closed_by else ""
        return f"已关账：本季度数据已于{cn_date(figures.closed_at)}冻结{who}，重印结果不变"
    return f"未关账：数据按{cn_date(figures.computed_at)} {figures.computed_at:%H:%M}的台账计算，关账前可能变化"


def _signed(value: Decimal | int, unit: str) -> str:
    if value == 0:
        return "持平"
    sign = "+" if value > 0 else "−"
    magnitude = abs(value)
    if unit == "万元":
        return f"{sign}{round_half_up(magnitude / 10000):,}万元"
    if unit == "元":
        return f"{sign}{magnitude:,.2f}元"
    if unit == "%":
        return f"{sign}{magnitude}个百分点"
    if unit == "平方米":
        return f"{sign}{magnitude:,.2f}平方米"
    return f"{sign}{magnitude:,}{unit}"


def change_label(report: QuarterReport, key: str, in_wan: bool = False) -> str:
    """'较上季度+12人', '较上季度持平', or why there is no comparison; amounts in 万元 with `in_wan`."""
    indicator = next(i for i in report.indicators if i.key == key)
    change = report.change(key)
    if change is None:
        if report.previous is None:
            return "上季度无数据"
        if indicator.year_to_date and report.figures.quarter.number == 1:
            return "年度首季，不作比较"
        return "—"
    text = _signed(change, "万元" if in_wan and indicator.unit == "元" else indicator.unit)
    return "较上季度持平" if text == "持平" else f"较上季度{text}"


def changes_text(report: QuarterReport) -> str:
    """One sentence for the 补充资料 line of the table."""
    previous = report.figures.quarter.previous
    if report.previous is None:
        return f"{previous.label}没有台账数据，未作比较。"
    state = "已关账数据" if report.previous_was_closed else "按当前台账计算"
    parts = []
    for indicator in report.indicators:
        change = report.change(indicator.key)
        if change is None:
            continue
        parts.append(f"{indicator.label}{_signed(change, indicator.unit)}")
    text = f"与{previous.label}（{state}）相比：" + "，".join(parts) + "。"
    if report.figures.quarter.number == 1:
        text += (("经费、志愿服务活动和诉求受理、办结、满意情况为年度累计数" if report.figures.wider else "经费为年度累计数")
                 + "，一季度不与上年四季度比较。")
    return text


def notes_text(figures: QuarterFigures) -> str:
    q = figures.quarter
    area, per100 = figures.venue_standard
    counted = (f"1. 党组织、社区工作者为截至{cn_date(q.last_day)}的数（社区工作者为在岗人员）；党员数按各社区党组织"
               f"填报的党员总数统计，下级组织已含在上级组织中的不重复计算。")
    if figures.groups_apart:
        counted += "党小组是党支部的组成部分，不计入党组织数，单独列出；户数为社区台账填报的户数。"
    text = (counted +
            f"2. 经费为{q.year}年{q.months_label}累计数，执行率＝累计支出÷年度预算×100%，结余＝累计拨入−累计支出。"
            f"3. 阵地面积为社区各阵地建筑面积之和；达标指社区级党群服务中心建筑面积不少于{area}平方米且每百户不少于"
            f"{per100}平方米，合计栏为达标社区数/参评社区数。")
    if figures.wider:
        text += wider_notes(figures, 4)
    return text


def wider_notes(figures: QuarterFigures, first: int = 1) -> str:
    """How the wider ledgers' columns are counted, and which communities' 报到党员 is their 党组织's figure;
    the notes numbered from `first`."""
    q = figures.quarter
    return (f"{first}. 共建单位为截至{cn_date(q.last_day)}在协议期内的单位；共建项目为“项目”清单中实施中、已完成的项目；"
            f"志愿服务活动次数和服务人次为{q.year}年{q.months_label}累计数；红色物业覆盖率＝红色物业小区数÷小区数×100%。"
            f"{first + 1}. 报到党员为在职党员双报到台账中在册的党员；{reported_source(figures)}"
            f"{first + 2}. {case_notes(figures)}")


def case_notes(figures: QuarterFigures) -> str:
    """How the 民生诉求 columns are counted (the figures of ledger/case_figures.py)."""
    q = figures.quarter
    return (f"民生诉求受理数为{q.year}年{q.months_label}发现登记的诉求，办结数为其中截至{cn_date(q.last_day)}已处置办结的；"
            f"办结率＝办结数÷受理数×100%，按期办结率＝在办理时限内办结数÷办结数×100%，满意率＝评价为满意、基本满意的"
            f"÷已评价结案的×100%；超期未结为截至{cn_date(q.last_day)}已过办理时限仍未办结的诉求（含以前年度受理的）。")


def reported_source(figures: QuarterFigures) -> str:
    """The sentence that says whose 报到党员 is the 在职党员报到数 their party organisations state."""
    by_orgs = [r.name for r in figures.rows if r.reported_by_orgs]
    if not by_orgs:
        return "各社区均按报到台账统计。"
    if len(by_orgs) == len(figures.rows):
        return "各社区尚未建立报到台账，均按党组织台账填报的在职党员报到数统计。"
    named = "、".join(by_orgs[:NAMED_COMMUNITIES]) + (f"等{len(by_orgs)}个社区" if len(by_orgs) > NAMED_COMMUNITIES else "")
    return f"{named}尚未建立报到台账，按党组织台账填报的在职党员报到数统计。"


def report_date(figures: QuarterFigures) -> str:
    """报出日期: a closed quarter was reported when it was closed, whenever it is reprinted; an open one today."""
    return cn_date(issued_at(figures))


def issued_at(figures: QuarterFigures) -> datetime:
    """The time a quarter's outputs are dated by (报出日期, the files' creation date)."""
    return figures.closed_at if not figures.is_open and figures.closed_at is not None else clock.now()
