"""民生诉求's closed loop as rules: the steps in their order, who may take each, and what each does to a case.

发现（登记）—上报—转办—处置—反馈—评价: each step only after the one before it and dated no earlier than it; 督办 at
any time while the case is open. A first 不满意 sends the case back to 处置 with a new 时限 counted from that day;
a second one closes it as 不满意结案. A case's state (CaseState) is what its steps leave, so the same `advance`
serves an action in the window, a command, and an imported row carrying the dates of the steps already taken.
No storage here: the services read and write (ledger/services/cases.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from .access import Actor
from .workdays import WorkCalendar

REGISTER, ESCALATE, ASSIGN, RESOLVE, FEEDBACK, RATE, SUPERVISE = "登记", "上报", "转办", "处置", "反馈", "评价", "督办"
LOOP = (REGISTER, ESCALATE, ASSIGN, RESOLVE, FEEDBACK, RATE)
ACTIONS = (ESCALATE, ASSIGN, RESOLVE, FEEDBACK, RATE, SUPERVISE)   # what can be done to a registered case

SOURCES = ("网格员巡查", "居民来访", "电话", "12345热线", "微信", "其他")
CATEGORIES = ("环境卫生", "物业管理", "矛盾纠纷", "安全隐患", "市政设施", "民生救助", "其他")
# 办理时限 in working days by 类别: the office's settings (these keys), with these defaults.
LIMIT_SETTINGS = {"安全隐患": ("case_limit_safety", 1), "环境卫生": ("case_limit_sanitation", 3),
                  "物业管理": ("case_limit_property", 5), "市政设施": ("case_limit_municipal", 5),
                  "民生救助": ("case_limit_relief", 5), "矛盾纠纷": ("case_limit_dispute", 10),
                  "其他": ("case_limit_other", 5)}
MAX_LIMIT = 60
SATISFIED, FAIRLY_SATISFIED, UNSATISFIED = "满意", "基本满意", "不满意"
RATINGS = (SATISFIED, FAIRLY_SATISFIED, UNSATISFIED)

WAITING_ESCALATION, WAITING_ASSIGNMENT, IN_HAND = "待上报", "待转办", "办理中"
WAITING_FEEDBACK, WAITING_RATING, CLOSED, CLOSED_UNSATISFIED = "待反馈", "待评价", "已结案", "不满意结案"
STATUSES = (WAITING_ESCALATION, WAITING_ASSIGNMENT, IN_HAND, WAITING_FEEDBACK, WAITING_RATING, CLOSED,
            CLOSED_UNSATISFIED)
CLOSED_STATUSES = (CLOSED, CLOSED_UNSATISFIED)
_NEXT = {WAITING_ESCALATION: ESCALATE, WAITING_ASSIGNMENT: ASSIGN, IN_HAND: RESOLVE, WAITING_FEEDBACK: FEEDBACK,
         WAITING_RATING: RATE}

# The columns a case's steps fill, with the words a clerk knows them by (the ledger's fields use these labels).
LABELS = {"found_on": "发现日期", "reported_on": "上报日期", "assigned_on": "转办日期", "handler": "承办单位",
          "limit_days": "办理时限", "resolved_on": "办结日期", "result": "处置结果", "feedback_on": "反馈日期",
          "rating": "评价", "rated_on": "评价日期", "reopened_on": "重新办理日期", "supervised_on": "督办日期",
          "due_on": "办理期限"}
DATE_OF = {REGISTER: "found_on", ESCALATE: "reported_on", ASSIGN: "assigned_on", RESOLVE: "resolved_on",
           FEEDBACK: "feedback_on", RATE: "rated_on", SUPERVISE: "supervised_on"}
# What an import says of a reopening it carries only the date of.
IMPORTED_REOPENING = "导入：群众评价不满意，退回重新处置（首次处置和反馈的日期未导入）"


class Refused(Exception):
    """A step that may not be taken: `key` names the column (or the step's date) the reason is about."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Step:
    """One step as taken: its kind, its day, and what it carries (承办单位 and 时限, 处置结果, 评价, a note)."""

    kind: str
    on: date | None
    handler: str | None = None
    limit_days: int | None = None
    result: str | None = None
    rating: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CaseState:
    """Where a case's loop stands: the day of each step and what the latest of each left."""

    found_on: date
    reported_on: date | None = None
    assigned_on: date | None = None
    handler: str | None = None
    limit_days: int | None = None
    due_on: date | None = None
    resolved_on: date | None = None
    result: str | None = None
    feedback_on: date | None = None
    rating: str | None = None
    rated_on: date | None = None
    reopened_on: date | None = None
    supervised_on: date | None = None

    @classmethod
    def of(cls, source: Any) -> CaseState:
        """From a stored case, a row or a dict with these attributes."""
        get = source.get if isinstance(source, Mapping) else lambda key: getattr(source, key, None)
        return cls(**{f.name: get(f.name) for f in fields(cls)})

    def values(self) -> dict[str, Any]:
        # its fields are dates, texts and numbers, so no deep copy (dataclasses.asdict's) is needed: that copy was
        # a sixth of loading the city demo's 15,200 cases
        return {name: getattr(self, name) for name in _STATE_FIELDS}

    @property
    def status(self) -> str:
        if self.rating in (SATISFIED, FAIRLY_SATISFIED):
            return CLOSED
        if self.rating == UNSATISFIED:
            return CLOSED_UNSATISFIED
        if self.feedback_on is not None:
            return WAITING_RATING
        if self.resolved_on is not None:
            return WAITING_FEEDBACK
        if self.assigned_on is not None:
            return IN_HAND
        if self.reported_on is not None:
            return WAITING_ASSIGNMENT
        return WAITING_ESCALATION

    @property
    def resolved(self) -> bool:
        """办结: a 处置 stands (after a reopening, only once it is handled again)."""
        return self.resolved_on is not None

    @property
    def closed(self) -> bool:
        return self.rating is not None

    @property
    def next_step(self) -> str | None:
        return _NEXT.get(self.status)

    def overdue(self, day: date) -> bool:
        """超期 on `day`: past its 办理期限 (the deadline day itself is in time) and not 办结."""
        return self.due_on is not None and not self.resolved and day > self.due_on

    def resolved_in_time(self) -> bool:
        return self.resolved and self.due_on is not None and self.resolved_on <= self.due_on


_STATE_FIELDS = tuple(f.name for f in fields(CaseState))


def registered(found_on: date) -> CaseState:
    return CaseState(found_on)


def _previous(state: CaseState, kind: str) -> str:
    """The column whose day a step may not precede."""
    if kind == RESOLVE and state.reopened_on is not None:
        return "reopened_on"
    if kind == SUPERVISE:
        return "found_on"
    return DATE_OF[LOOP[LOOP.index(kind) - 1]]


def order_refusal(state: CaseState, kind: str) -> str | None:
    """Why `kind` is not the case's next step; None when it is."""
    status = state.status
    if state.closed and kind in LOOP:
        return f"这件诉求已经结案（{status}），不能再{kind}"
    if kind == SUPERVISE:
        return f"这件诉求已经结案（{status}），不能再督办" if state.closed else None
    expected = state.next_step
    if kind == expected:
        return None
    if LOOP.index(kind) < LOOP.index(expected):
        return f"这件诉求已经{kind}（现在是“{status}”，下一步是{expected}）"
    return f"须先{expected}才能{kind}（现在是“{status}”）"


def role_refusal(kind: str, actor: Actor) -> str | None:
    """Why this person may not take a step of this kind; None when they may.

    台账录入员 (a community-limited one for its community) 登记 and 上报; street-level 台账录入员 and 管理员 also 转办,
    处置, 反馈 and 评价; 领导 督办 (their one write action) and read everything.
    """
    if kind == SUPERVISE:
        return None if actor.can("case.supervise") else f"督办由领导进行，{actor.role}不能督办"
    if kind in (REGISTER, ESCALATE):
        return None if actor.can("ledger.write") else f"{actor.role}不能{kind}（由台账录入员{kind}）"
    if not actor.can("case.handle"):
        hint = "，领导可以督办" if actor.can("case.supervise") else ""
        return f"{actor.role}不能{kind}（由街道的台账录入员或管理员办理{hint}）"
    if actor.community_id is not None:
        return f"{kind}由街道办理：社区账号只能登记和上报本社区的诉求"
    return None


def choices(state: CaseState, actor: Actor) -> list[tuple[str, str | None]]:
    """Every action on a case with the reason it is refused now (None: allowed), for buttons that explain."""
    return [(kind, order_refusal(state, kind) or role_refusal(kind, actor)) for kind in ACTIONS]


def advance(state: CaseState, step: Step, calendar: WorkCalendar, history: bool = False) -> CaseState:
    """The state after `step`; raises Refused (naming the column) for a step out of order, too early or lacking
    what it carries. `history`: the step comes from a recorded history (an imported row), where a 督办 dated on
    or before the day the case closed is in order, though it is listed after the closing."""
    kind = step.kind
    key = DATE_OF[kind]
    reason = order_refusal(state, kind)
    before_closing = history and kind == SUPERVISE and state.closed and step.on is not None and \
        step.on <= state.rated_on
    if reason is not None and not before_closing:
        raise Refused(key, reason)
    if step.on is None:
        raise Refused(key, "必填，不能为空")
    before = getattr(state, _previous(state, kind))
    if before is not None and step.on < before:
        raise Refused(key, f"早于{LABELS[_previous(state, kind)]}（{before:%Y-%m-%d}）")
    if kind == ASSIGN and not step.handler:
        raise Refused("handler", "转办时必须填写承办单位")
    if kind == ASSIGN and not (step.limit_days and 1 <= step.limit_days <= MAX_LIMIT):
        raise Refused("limit_days", f"转办时必须给出1至{MAX_LIMIT}个工作日的办理时限")
    if kind == RESOLVE and not step.result:
        raise Refused("result", "处置时必须填写处置结果")
    if kind == RATE and step.rating not in RATINGS:
        raise Refused("rating", f"评价应为{'、'.join(RATINGS)}之一")
    return effect(state, step, due_set(state, step, calendar))


def reopens(state: CaseState, step: Step) -> bool:
    """A first 不满意 sends the case back to 处置; a second one closes it."""
    return _reopening(step, state.reopened_on)


def _reopening(step: Step, reopened_on: date | None) -> bool:
    return step.kind == RATE and step.rating == UNSATISFIED and reopened_on is None


def due_set(state: CaseState, step: Step, calendar: WorkCalendar) -> date | None:
    """The 办理期限 a step sets: a 转办's 时限 from its day, a reopening's the same 时限 from the day of 不满意."""
    if step.kind == ASSIGN:
        return calendar.add(step.on, step.limit_days)
    if reopens(state, step):
        return calendar.add(step.on, state.limit_days or 1)
    return None


def changes(step: Step, due: date | None, reopened_on: date | None) -> dict[str, Any]:
    """What a step does to a case, unchecked: the columns it sets. `due` is the 办理期限 it sets (due_set, or as
    recorded then); `reopened_on` the case's before the step (a first 不满意 reopens, a second closes)."""
    kind, on = step.kind, step.on
    if kind == ESCALATE:
        return {"reported_on": on}
    if kind == ASSIGN:
        return {"assigned_on": on, "handler": step.handler, "limit_days": step.limit_days, "due_on": due}
    if kind == RESOLVE:
        return {"resolved_on": on, "result": step.result}
    if kind == FEEDBACK:
        return {"feedback_on": on}
    if kind == RATE and _reopening(step, reopened_on):
        # back to 处置: the earlier 处置 and 反馈 no longer stand, a new deadline does
        return {"reopened_on": on, "resolved_on": None, "result": None, "feedback_on": None, "rating": None,
                "rated_on": None, "due_on": due}
    if kind == RATE:
        return {"rating": step.rating, "rated_on": on}
    if kind == SUPERVISE:
        return {"supervised_on": on}
    return {}   # 登记: the case itself


def effect(state: CaseState, step: Step, due: date | None = None) -> CaseState:
    """The case after a step, unchecked; `due` is the 办理期限 it sets (due_set, or as recorded then)."""
    changed = changes(step, due, state.reopened_on)
    # vars() rather than dataclasses.replace, which looks up the fields anew for each step
    return CaseState(**{**vars(state), **changed}) if changed else state


def state_on(found_on: date, steps: Iterable[tuple[Step, date | None]], day: date) -> CaseState:
    """The case as it stood at the end of `day`, from its recorded steps (each with the 办理期限 it set then),
    given in the order they were taken: `effect` step by step, with one CaseState made at the end (a quarter's
    figures replay every case of the year)."""
    values: dict[str, Any] = {"found_on": found_on}
    for step, due in steps:
        if step.on is not None and step.on <= day:
            values.update(changes(step, due, values.get("reopened_on")))
    return CaseState(**values)


def _reopen_stated(state: CaseState, on: date, calendar: WorkCalendar) -> CaseState:
    """An imported reopening whose first round is not in the row: only after 转办 and before a new 处置."""
    if state.status != IN_HAND or state.reopened_on is not None:
        raise Refused("reopened_on", "重新办理须在转办之后、重新处置之前")
    if on < state.assigned_on:
        raise Refused("reopened_on", f"早于转办日期（{state.assigned_on:%Y-%m-%d}）")
    step = Step(RATE, on, rating=UNSATISFIED)
    return effect(state, step, due_set(state, step, calendar))


def steps_of_row(row: Mapping[str, Any]) -> list[Step]:
    """The steps a row's columns state, in the loop's order; raises Refused for a step's data without its day."""
    steps: list[Step] = []
    pairs = ((ESCALATE, "reported_on", ()), (ASSIGN, "assigned_on", ("handler",)),
             (RESOLVE, "resolved_on", ("result",)), (FEEDBACK, "feedback_on", ()), (RATE, "rated_on", ("rating",)))
    for kind, key, carried in pairs:
        for extra in carried:
            if row.get(extra) and row.get(key) is None:
                raise Refused(key, f"填写了{LABELS[extra]}，也须填写{LABELS[key]}")
        if kind == RESOLVE and row.get("reopened_on") is not None:
            steps.append(Step(RATE, row["reopened_on"], rating=UNSATISFIED, note=IMPORTED_REOPENING))
        if row.get(key) is not None:
            steps.append(Step(kind, row[key], row.get("handler"), row.get("limit_days"), row.get("result"),
                              row.get("rating")))
    if row.get("supervised_on") is not None:
        steps.append(Step(SUPERVISE, row["supervised_on"]))
    return steps


def take(state: CaseState, step: Step, calendar: WorkCalendar, history: bool = False
         ) -> tuple[CaseState, date | None]:
    """`advance`, with the 办理期限 the step set (to be recorded with it: a later change of the calendar does
    not move a deadline already given)."""
    after = _reopen_stated(state, step.on, calendar) if step.note == IMPORTED_REOPENING else \
        advance(state, step, calendar, history)
    return after, after.due_on if step.kind == ASSIGN or reopens(state, step) else None


def apply_steps(state: CaseState, steps: list[Step], calendar: WorkCalendar
                ) -> tuple[CaseState, list[tuple[Step, date | None]]]:
    taken = []
    for step in steps:
        state, due = take(state, step, calendar, history=True)
        taken.append((step, due))
    return state, taken


# The columns a row states of a case's steps: recorded ones an import may add to, never change.
STEP_KEYS = ("reported_on", "assigned_on", "handler", "limit_days", "resolved_on", "result", "feedback_on",
             "rating", "rated_on", "reopened_on", "supervised_on")


def from_row(stored: CaseState | None, row: Mapping[str, Any], calendar: WorkCalendar
             ) -> tuple[CaseState, list[tuple[Step, date | None]]]:
    """A row's case (new, or a stored one the row brings further) and the steps it adds with the deadlines they
    set, validated in order. A stored step may not be changed or cleared by a row; added steps follow it.
    """
    if stored is None:
        state, taken = apply_steps(registered(row["found_on"]), steps_of_row(row), calendar)
        return state, [(Step(REGISTER, row["found_on"]), None), *taken]
    for key in STEP_KEYS:
        old, new = getattr(stored, key), row.get(key, getattr(stored, key))
        if old is not None and new != old:
            shown = old.isoformat() if isinstance(old, date) else old
            raise Refused(key, f"已记录为“{shown}”，不能通过导入修改或清除（办理步骤请在诉求窗口中办理）")
    if row.get("found_on") is not None and row["found_on"] != stored.found_on:
        first = min((getattr(stored, k) for k in STEP_KEYS if k.endswith("_on") and getattr(stored, k)), default=None)
        if first is not None and row["found_on"] > first:
            raise Refused("found_on", f"晚于已记录的办理步骤（{first:%Y-%m-%d}）")
        stored = replace(stored, found_on=row["found_on"])
    return apply_steps(stored, [s for s in steps_of_row(row) if _is_new(stored, s)], calendar)


def _is_new(stored: CaseState, step: Step) -> bool:
    if step.note == IMPORTED_REOPENING:
        return stored.reopened_on is None
    return getattr(stored, DATE_OF[step.kind]) is None
