"""民生诉求台账: residents' requests as a closed loop — registered, then 上报, 转办, 处置, 反馈, 评价, and 督办.

A case is registered like any ledger record (form, command, import); each later step is an action (`act`) that
the rules of ledger/case_flow.py allow only in order and only to the right people, and that leaves a CaseStep
(who, when, what) and one audit entry named for the step. An imported row may carry the dates of the steps
already taken: they are checked in the same order and become the case's steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit, conflicts, scope, settings
from ..audit import plain
from ..case_flow import (ACTIONS, ASSIGN, CATEGORIES, DATE_OF, ESCALATE, LABELS, LIMIT_SETTINGS, MAX_LIMIT,
                         RATE, RATINGS, REGISTER, RESOLVE, SOURCES, SUPERVISE, UNSATISFIED, CaseState, Refused, Step,
                         choices, from_row, role_refusal, take)
from ..catalog import Child, LedgerDef, PageHint
from ..errors import PermissionDenied, Problem, ValidationError
from ..fields import Field
from ..models import Case, CaseStep
from .base import LedgerService, Record, bulk_insert
from .facts import PrefetchedFacts, facts_for
from .holidays import calendar_of


STEP_HELP = "已办理的步骤填写日期，按上报、转办、处置、反馈、评价的顺序，不早于前一步"


def _date(key: str, **extra) -> Field:
    extra.setdefault("help", STEP_HELP)
    return Field(key, LABELS[key], "date", months_ahead=0, **extra)


FIELDS = (
    Field("number", "编号", max_length=20, aliases=("诉求编号", "案件编号", "工单编号"), help="不填时自动生成（年份-序号）"),
    Field("source", "来源", "choice", required=True, choices=SOURCES, aliases=("诉求来源", "问题来源", "渠道"),
          value_aliases={"巡查": "网格员巡查", "网格巡查": "网格员巡查", "来访": "居民来访", "12345": "12345热线",
                         "热线": "12345热线", "市民热线": "12345热线", "来电": "电话"}),
    Field("community", "所属社区", "ref", required=True, aliases=("社区",)),
    Field("grid", "所属网格", "ref", aliases=("网格",), help="网格编号或网格名称", refers="grids"),
    Field("reporter", "反映人", max_length=30, person=True, aliases=("诉求人", "反映人姓名", "来访人")),
    Field("phone", "联系电话", max_length=32, personal=True, aliases=("电话", "反映人电话")),
    Field("category", "类别", "choice", required=True, choices=CATEGORIES, aliases=("诉求类别", "问题类别", "问题类型"),
          value_aliases={"环境": "环境卫生", "物业": "物业管理", "纠纷": "矛盾纠纷", "安全": "安全隐患",
                         "市政": "市政设施", "救助": "民生救助"}),
    Field("content", "内容", required=True, max_length=1000, multiline=True,
          aliases=("诉求内容", "问题描述", "反映内容", "问题内容")),
    _date("found_on", required=True, aliases=("发现时间", "反映日期", "反映时间", "登记日期"), help=""),
    _date("reported_on", aliases=("上报时间",)),
    _date("assigned_on", aliases=("转办时间", "交办日期")),
    Field("handler", LABELS["handler"], max_length=100, aliases=("承办部门", "责任单位", "办理单位")),
    Field("limit_days", LABELS["limit_days"], "int", minimum=1, maximum=MAX_LIMIT, unit="个工作日",
          aliases=("时限", "办理时限(工作日)"), help="工作日；不填时按类别的默认时限"),
    _date("resolved_on", aliases=("办结时间", "处置日期")),
    Field("result", LABELS["result"], max_length=1000, multiline=True, aliases=("办理结果", "处置情况")),
    _date("feedback_on", aliases=("反馈时间",)),
    Field("rating", LABELS["rating"], "choice", choices=RATINGS, aliases=("群众评价", "满意度", "评价结果"),
          value_aliases={"比较满意": "基本满意"}),
    _date("rated_on", aliases=("评价时间",)),
    _date("reopened_on", aliases=("重办日期",), help="群众第一次评价不满意、诉求退回重新处置的日期"),
    _date("supervised_on", aliases=("督办时间",)),
    Field("note", "备注", max_length=500, multiline=True),
    Field("status", "状态", derived=True),
    Field("due_on", LABELS["due_on"], "date", derived=True),
    Field("overdue", "超期", derived=True),
)
_BY_KEY = {f.key: f for f in FIELDS}
NOTE = Field("note", "说明", max_length=500, multiline=True)
OVERDUE = "超期"
# The fields of a case's registration: what its form edits (the steps are actions, not form fields).
REGISTRATION = ("source", "community", "grid", "reporter", "phone", "category", "content", "found_on", "note")


def label(key: str) -> str:
    return _BY_KEY[key].label if key in _BY_KEY else key


def default_limit(session: Session, category: str) -> int:
    """The 类别's 办理时限 in working days, as the office set it."""
    return settings.get(session, LIMIT_SETTINGS[category][0])


def put_limits(ledger, days: dict[str, object]) -> None:
    """Set the default 办理时限 of several 类别 at once (whole working days, 1 to MAX_LIMIT); all or nothing."""
    parsed, problems = {}, []
    for category, text in days.items():
        try:
            parsed[LIMIT_SETTINGS[category][0]] = _BY_KEY["limit_days"].parse(text)
        except ValueError as exc:
            problems.append(Problem(f"{category}的办理时限", str(exc)))
        else:
            if parsed[LIMIT_SETTINGS[category][0]] is None:
                problems.append(Problem(f"{category}的办理时限", "必填，不能为空"))
    if problems:
        raise ValidationError(problems)
    with ledger.unit("settings.write") as session:
        for key, value in parsed.items():
            settings.put(session, key, value)


def _permission(kind: str) -> str:
    if kind == SUPERVISE:
        return "case.supervise"
    return "ledger.write" if kind in (REGISTER, ESCALATE) else "case.handle"


@dataclass(frozen=True)
class Action:
    """A step a person might take on a case now, or why not."""

    kind: str
    refused: str | None

    @property
    def allowed(self) -> bool:
        return self.refused is None


class CaseService(LedgerService):
    match_on = ("number",)

    # --- reading ----------------------------------------------------------------------------------------
    def _to_record(self, row, names):
        record = super()._to_record(row, names)
        record["due_on"] = row["due_on"]
        return record

    def _enrich(self, session, records):
        calendar = calendar_of(session)
        today = date.today()
        for record in records:
            state = CaseState.of(record)
            record["status"] = state.status
            late = state.overdue(today)
            record["overdue"] = OVERDUE if late else ""
            record["overdue_days"] = calendar.between(state.due_on, today) if late else 0
            # working days a 办结 came after its deadline (0: in time; None: not 办结 or no deadline)
            record["resolved_late_days"] = calendar.between(state.due_on, state.resolved_on) \
                if state.resolved and state.due_on is not None else None

    def _details(self, session, record):
        # in the order taken: by day, then as entered (an imported 督办 takes its place among the loop's steps)
        steps = session.execute(select(CaseStep).where(CaseStep.case_id == record["id"])
                                .order_by(CaseStep.done_on, CaseStep.id)).scalars().all()
        state = CaseState.of(record)
        missing = calendar_of(session).missing_years(d for d in (state.assigned_on, state.due_on) if d)
        return {"steps": [_step_record(s) for s in steps],
                "actions": [Action(kind, reason) for kind, reason in choices(state, self.ledger.actor)],
                "calendar_missing": missing}

    def _current(self, obj):
        out = super()._current(obj)
        out["due_on"] = obj.due_on
        return out

    def actions(self, record: Record) -> list[Action]:
        """What the signed-in person may do to this case now, and why not the rest."""
        return [Action(kind, reason) for kind, reason in choices(CaseState.of(record), self.ledger.actor)]

    def default_limit(self, category: str) -> int | None:
        if category not in LIMIT_SETTINGS:
            return None
        with self.ledger.reading() as session:
            return default_limit(session, category)

    def handlers(self) -> list[str]:
        """The 承办单位 used before, most used first (offered when a case is 转办)."""
        with self.ledger.reading() as session:
            used: dict[str, int] = {}
            for name in session.scalars(select(CaseStep.handler).where(CaseStep.handler.is_not(None))):
                used[name] = used.get(name, 0) + 1
        return sorted(used, key=lambda n: (-used[n], n))

    def find_number(self, number: str) -> int:
        """A case's id by its 编号 (the command line names cases so)."""
        with self.ledger.reading() as session:
            found = session.scalar(select(Case.id).where(Case.number == number.strip()))
            if found is None:
                with scope.unlimited(session):
                    elsewhere = session.scalar(select(Case.id).where(Case.number == number.strip()))
                if elsewhere is not None:
                    scope.refuse(session)
                raise ValidationError.single("编号", f"没有编号为“{number}”的民生诉求")
        return found

    # --- registering (and importing with history) ----------------------------------------------------
    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        number = attrs.get("number")
        if number is None and existing is None:
            attrs["number"] = next_number(session, attrs["found_on"].year)
        elif number is not None and self._taken(facts.find(Case, number=number), existing):
            problems.append(Problem("编号", f"“{number}”已被另一件诉求使用", row))
        stored = CaseState.of(existing) if existing is not None else None
        if attrs.get("assigned_on") is not None and attrs.get("limit_days") is None and \
                (stored is None or stored.limit_days is None):
            attrs["limit_days"] = facts.memo(f"limit_{attrs['category']}",
                                             lambda: default_limit(session, attrs["category"]))
        try:
            state, steps = from_row(stored, attrs, calendar_of(session))
        except Refused as exc:
            problems.append(Problem(label(exc.key), exc.message, row))
            return
        actor = session.info.get("actor")
        for step, _due in steps:
            reason = role_refusal(step.kind, actor) if actor is not None and step.kind != REGISTER else None
            if reason:
                problems.append(Problem(label(DATE_OF[step.kind]), reason, row))
                return
        attrs.update(state.values())
        attrs["steps"] = steps

    def warnings(self, session, attrs, row=None):
        reopened = [s for s, _due in attrs.get("steps", ()) if s.kind == RATE and s.rating == UNSATISFIED
                    and s.note is None]
        if reopened and attrs.get("reopened_on") == reopened[0].on:
            return [Problem("评价", "第一次评价不满意：诉求退回重新处置（再次不满意时以不满意结案）", row)]
        return []

    def _apply(self, session, obj, attrs):
        steps = attrs.pop("steps", [])
        super()._apply(session, obj, attrs)
        if not steps:
            return None

        def record_steps(saved: Case) -> None:
            bulk_insert(session, CaseStep, step_rows(session, saved.id, steps))
        return record_steps

    def write_children(self, session, written):
        """The steps an imported row brings: for a new case all of them (登记 first), for a stored one the added."""
        rows = [r for case_id, _before, attrs in written for r in step_rows(session, case_id, attrs.get("steps", []))]
        if not rows:
            return {}
        return {"case_step": {"inserted": bulk_insert(session, CaseStep, rows), "values": rows, "deleted": []}}

    def _before_delete(self, session, obj):
        state = CaseState.of(obj)
        if state.reported_on is not None:
            raise ValidationError.single("", f"民生诉求“{obj.number}”已经上报（现在是“{state.status}”），"
                                             "办理记录须保留，不能删除；只有尚未上报的诉求可以删除")

    # --- the loop's actions ----------------------------------------------------------------------------
    def act(self, case_id: int, kind: str, raw: dict[str, Any] | None = None, version: int | None = None) -> Record:
        """Take one step (上报, 转办, 处置, 反馈, 评价 or 督办) on a case; raises with the reason when it may not be
        taken (out of order, by this person, or lacking what it carries) and then writes nothing.

        `raw` may hold on (the step's day, default today), handler and limit_days (转办), result (处置), rating
        (评价) and note; `version` is the case's version the person saw.
        """
        if kind not in ACTIONS:
            raise ValidationError.single("", f"“{kind}”不是民生诉求的办理步骤（可以是{'、'.join(ACTIONS)}）")
        actor = self.ledger.actor
        with self.ledger.unit(_permission(kind)) as session:
            obj = self._load(session, case_id)
            if version is not None:
                self.check_version(obj, version)
            if (reason := role_refusal(kind, actor)) is not None:
                raise PermissionDenied(reason)
            step = self._parse_step(session, kind, raw or {}, obj)
            before = CaseState.of(obj)
            try:
                after, due = take(before, step, calendar_of(session))
            except Refused as exc:
                raise ValidationError(Problem(label(exc.key), exc.message)) from None
            self._write_step(session, obj, before, after, step, due)
        return self.get(case_id)

    def _parse_step(self, session: Session, kind: str, raw: dict[str, Any], obj: Case) -> Step:
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        when = Field("on", LABELS[DATE_OF[kind]], "date", months_ahead=0)
        carried = {ASSIGN: ("handler", "limit_days"), RESOLVE: ("result",), RATE: ("rating",)}.get(kind, ())
        for f in (when, *(_BY_KEY[k] for k in carried), NOTE):
            try:
                values[f.key] = f.parse(raw.get(f.key))
            except ValueError as exc:
                problems.append(Problem(f.label, str(exc)))
        if problems:
            raise ValidationError(problems)
        if kind == ASSIGN and values.get("limit_days") is None:
            values["limit_days"] = default_limit(session, obj.category)
        return Step(kind, values.pop("on") or date.today(), **values)

    def _write_step(self, session: Session, obj: Case, before: CaseState, after: CaseState, step: Step,
                    due: date | None) -> None:
        """The case's new state (only if it is still the version read), its step, and one audit entry."""
        old, new = before.values(), after.values()
        changed = {k: v for k, v in new.items() if old[k] != v}
        table = Case.__table__
        written = session.execute(update(table).where(table.c.id == obj.id, table.c.version == obj.version)
                                  .values(**changed, version=obj.version + 1))
        if written.rowcount != 1:
            raise conflicts.stale(session, table.name, obj.id, obj.number)
        bulk_insert(session, CaseStep, step_rows(session, obj.id, [(step, due)]))
        trail = [{"field": k, "old": plain(old[k]), "new": plain(v)} for k, v in changed.items()]
        if step.rating and "rating" not in changed:   # a first 不满意 reopens the case and leaves no rating
            trail.append({"field": "rating", "old": None, "new": step.rating})
        if before.status != after.status:
            trail.append({"field": "status", "old": before.status, "new": after.status})
        if step.note:
            trail.append({"field": NOTE.label, "old": None, "new": step.note})
        audit.record(session, step.kind, self.name, obj.id, obj.number, trail, obj.community_id)


def step_rows(session: Session, case_id: int, steps: list[tuple[Step, date | None]]) -> list[dict[str, Any]]:
    """The rows of case_step for steps taken on a case, each with the 办理期限 it set (who: the signed-in person;
    when: now)."""
    actor = session.info.get("actor")
    now = datetime.now()
    return [{"case_id": case_id, "kind": step.kind, "done_on": step.on,
             "handler": step.handler if step.kind == ASSIGN else None,
             "limit_days": step.limit_days if step.kind == ASSIGN else None, "due_on": due,
             "result": step.result if step.kind == RESOLVE else None,
             "rating": step.rating if step.kind == RATE else None, "note": step.note,
             "user_name": getattr(actor, "shown_name", None), "source": getattr(actor, "source", None),
             "recorded_at": now} for step, due in steps]


def _step_record(step: CaseStep) -> dict[str, Any]:
    return {"kind": step.kind, "on": step.done_on, "handler": step.handler, "limit_days": step.limit_days,
            "due_on": step.due_on, "result": step.result, "rating": step.rating, "note": step.note,
            "user": step.user_name or "", "source": step.source or "", "recorded_at": step.recorded_at}


def next_number(session: Session, year: int) -> str:
    """The next free 编号 of a year: 2026-00001, 2026-00002 … (the import's planned rows counted too)."""
    facts = facts_for(session)
    counter = facts.memo(f"case_number_{year}", lambda: {"last": _last_number(session, facts, year)})
    counter["last"] += 1
    return f"{year}-{counter['last']:05d}"


def _last_number(session: Session, facts, year: int) -> int:
    prefix = f"{year}-"
    if isinstance(facts, PrefetchedFacts):
        numbers = [r.number for r in facts.rows(Case)]
    else:
        with scope.unlimited(session):   # numbers are the street's, whoever registers
            numbers = list(session.scalars(select(Case.number).where(Case.number.like(prefix + "%"))))
    tails = (n[len(prefix):] for n in numbers if n and n.startswith(prefix))
    return max((int(t) for t in tails if t.isdigit()), default=0)


CASES = LedgerDef(
    "cases", "民生诉求", Case, FIELDS, CaseService, label="number",
    page=PageHint("诉", 90, unit="件", facets=("community", "category", "status", "overdue", "found_on"),
                  hidden=("grid", "reporter", "phone", "reported_on", "assigned_on", "limit_days", "result",
                          "feedback_on", "rated_on", "reopened_on", "supervised_on", "note")),
    children=(Child(CaseStep, "诉求办理", "case_id", by_service=True),))
