"""Demo 民生诉求: about 38 cases per community from the start of last year to today, with realistic step dates.

Most cases are registered, reported and assigned within a working day or two and handled within their 时限;
some are handled late, some are rated 不满意 and handled again (a few closed 不满意), the newest are still in
hand, and a few are past their deadline and not handled (超期), some of those 督办. Every date follows the
working-day calendar stored in the database and the loop's order (ledger/case_flow.py replays each case).
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .bulk import insert_rows
from .case_flow import (ASSIGN, ESCALATE, FEEDBACK, LIMIT_SETTINGS, RATE, REGISTER, RESOLVE, SUPERVISE,
                        UNSATISFIED, CaseState, Step, registered, take)
from .models import Case, CaseStep, Grid
from .workdays import WorkCalendar

PER_COMMUNITY = 38   # a city of 400 communities: about 15,000 cases (the seeds: 延边 3,637 solved, 嘉峪关 6,200余件)
_CATEGORIES = {"环境卫生": 30, "物业管理": 22, "矛盾纠纷": 12, "安全隐患": 10, "市政设施": 14, "民生救助": 7, "其他": 5}
_SOURCES = {"网格员巡查": 35, "居民来访": 20, "电话": 12, "12345热线": 18, "微信": 12, "其他": 3}
_PROBLEMS = {
    "环境卫生": ("楼道堆放杂物，影响通行", "垃圾清运不及时，气味较大", "绿化带内有建筑垃圾", "路边积水，蚊虫滋生"),
    "物业管理": ("电梯频繁故障，影响老人出行", "小区路灯损坏多日未修", "物业收费标准不透明", "单元门禁损坏"),
    "矛盾纠纷": ("邻里因噪音产生矛盾", "楼上漏水与楼下住户发生纠纷", "停车位占用引发争执", "饲养宠物扰民"),
    "安全隐患": ("电动车在楼道内充电", "消防通道被占用", "外墙瓷砖脱落", "燃气管道有异味"),
    "市政设施": ("井盖破损存在安全隐患", "人行道地砖松动", "路灯不亮", "排水管道堵塞"),
    "民生救助": ("独居老人生活困难需要帮扶", "困难家庭申请临时救助", "残疾人出行需要帮助", "咨询低保政策"),
    "其他": ("咨询社区办事流程", "建议增设健身器材", "反映快递柜设置不合理"),
}
_UNITS = {"环境卫生": ("街道环卫所", "街道城管办"), "物业管理": ("物业服务企业", "街道物业办"),
          "矛盾纠纷": ("社区人民调解委员会", "街道司法所"), "安全隐患": ("街道应急办", "辖区消防救援站"),
          "市政设施": ("区市政管理处", "街道城建办"), "民生救助": ("街道民政办", "社区社会救助站"), "其他": ("街道党政办",)}
_RESULTS = {"环境卫生": "已组织清理，现场恢复整洁", "物业管理": "已督促物业维修，恢复正常使用",
            "矛盾纠纷": "经调解双方达成一致", "安全隐患": "已现场整改，隐患消除", "市政设施": "已维修完毕",
            "民生救助": "已上门走访并落实帮扶措施", "其他": "已答复居民"}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def load_cases(session: Session, rng, communities: dict[str, int], today: date) -> int:
    """Write the demo cases and their steps for `communities` (name -> id); returns how many cases."""
    from .services.holidays import calendar_of   # the services import the demo's neighbours: imported late
    calendar = calendar_of(session)
    grids: dict[int, list[str]] = {}
    for cid, name in session.execute(select(Grid.community_id, Grid.name).order_by(Grid.id)):
        grids.setdefault(cid, []).append(name)
    grid_ids = {(cid, name): gid for gid, cid, name in session.execute(select(Grid.id, Grid.community_id, Grid.name))}
    staff = [rng.person() for _ in range(6)]
    leader = rng.person()
    start = date(today.year - 1, 1, 1)
    span = (today - start).days
    cases = []
    for cid in communities.values():
        clerk = rng.person()
        for _ in range(PER_COMMUNITY):
            found = start + timedelta(days=int(rng.random() * (span + 1)))
            category = _pick(rng, _CATEGORIES)
            grid = rng.choice(grids[cid]) if grids.get(cid) and rng.random() < 0.85 else None
            place = f"{grid}{rng.randint(1, 24)}号楼" if grid else f"{rng.randint(1, 24)}号楼"
            cases.append({"community_id": cid, "grid_id": grid_ids.get((cid, grid)), "found_on": found,
                          "category": category, "source": _pick(rng, _SOURCES),
                          "content": f"{place}：{rng.choice(_PROBLEMS[category])}",
                          "reporter": rng.person() if rng.random() < 0.8 else None,
                          "phone": f"1{rng.choice((3, 5, 8))}{rng.randint(100000000, 999999999)}"
                          if rng.random() < 0.6 else None, "_clerk": clerk})
    cases.sort(key=lambda c: c["found_on"])
    sequence: dict[int, int] = {}
    histories = []
    for case in cases:
        year = case["found_on"].year
        sequence[year] = sequence.get(year, 0) + 1
        case["number"] = f"{year}-{sequence[year]:05d}"
        state, steps = _history(rng, case, today, calendar)
        case.update(state.values())
        histories.append((case["number"], case.pop("_clerk"), steps))
    insert_rows(session, Case, cases)
    ids = dict(session.execute(select(Case.number, Case.id)).all())
    rows = []
    now = datetime.now()
    for number, clerk, steps in histories:
        entered = datetime.min
        for step, due in steps:
            who = clerk if step.kind in (REGISTER, ESCALATE) else leader if step.kind == SUPERVISE else rng.choice(staff)
            # entered during office hours of the day it was taken, after the step before it
            entered = min(now, max(datetime.combine(step.on, time(8, 30)) + timedelta(minutes=rng.randint(0, 480)),
                                   entered + timedelta(minutes=rng.randint(5, 60))))
            rows.append({"case_id": ids[number], "kind": step.kind, "done_on": step.on, "handler": step.handler,
                         "limit_days": step.limit_days, "due_on": due, "result": step.result, "rating": step.rating,
                         "note": step.note, "user_name": who, "source": "界面", "recorded_at": entered})
    insert_rows(session, CaseStep, rows)
    return len(cases)


def _history(rng, case: dict, today: date, calendar: WorkCalendar) -> tuple[CaseState, list[tuple[Step, date | None]]]:
    """A case's steps up to today, each through the loop's own rules; with the 办理期限 a step sets."""
    state = registered(case["found_on"])
    steps: list[tuple[Step, date | None]] = [(Step(REGISTER, case["found_on"]), None)]
    category = case["category"]
    limit = LIMIT_SETTINGS[category][1]
    # Left unhandled (超期 once its deadline passes): some of the last three months' cases; older ones were handled.
    stuck = (today - case["found_on"]).days <= 90 and rng.random() < 0.1
    supervise = rng.random() < 0.4

    def taken(step: Step) -> bool:
        nonlocal state
        if step.on > today:
            return False
        state, due = take(state, step, calendar)
        steps.append((step, due))
        return True

    def after(day: date, low: int, high: int) -> date:
        n = rng.randint(low, high)
        return calendar.add(day, n) if n else day

    if not taken(Step(ESCALATE, after(case["found_on"], 0, 1))):
        return state, steps
    if not taken(Step(ASSIGN, after(state.reported_on, 0, 1), rng.choice(_UNITS[category]), limit)):
        return state, steps
    for round_ in (1, 2):
        if stuck:
            if supervise and state.due_on < today:
                taken(Step(SUPERVISE, min(today, calendar.add(state.due_on, rng.randint(1, 3))),
                          note="请承办单位尽快办结并反馈"))
            return state, steps
        late = rng.random() < 0.08
        took = rng.randint(limit + 1, limit + 5) if late else rng.randint(1, limit)
        begun = state.reopened_on or state.assigned_on
        resolved = calendar.add(begun, took)
        if late and supervise and calendar.add(state.due_on, 1) <= min(today, resolved):
            taken(Step(SUPERVISE, calendar.add(state.due_on, 1), note="已超期，请加快办理"))
        if not taken(Step(RESOLVE, resolved, result=_RESULTS[category])):
            return state, steps
        if not taken(Step(FEEDBACK, after(resolved, 0, 2))):
            return state, steps
        weights = (72, 20, 8) if round_ == 1 else (50, 35, 15)
        rating = rng.choices(("满意", "基本满意", UNSATISFIED), weights)[0]
        if not taken(Step(RATE, after(state.feedback_on, 0, 3), rating=rating)) or rating != UNSATISFIED:
            return state, steps
    return state, steps
