"""The preview of an import: every row new, an update (with what changes), unchanged, or refused, with reasons.

Each row is parsed by the ledger's own Field parsers and checked by the ledger service's own rules
(`check_parsed`), against facts prefetched once (PrefetchedFacts) instead of a query per row; rows planned as
new are added to the facts, so a later row that repeats a key, or names an earlier row as its 上级组织, is
judged as if the earlier row were already stored.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import scope, settings
from ..errors import Problem
from ..fields import Field, format_rooms, parse_record
from ..models import Grid, PartyOrg, VenueRoom
from ..progress import SILENT, Progress
from ..services import LEDGERS, LedgerService
from ..services.facts import PrefetchedFacts
from ..values import normalize
from .headers import SEARCH_ROWS, Body, Layout, body
from .reader import Loaded
from .repeats import sheet_key

# The ledgers that can be imported, by the names the command line uses: every declared ledger.
KINDS: dict[str, type[LedgerService]] = LEDGERS

NEW, UPDATE, SAME, ERROR = "新增", "更新", "不变", "错误"
# A new row identical to a stored record (a 经费 entry imported again): written only when the user confirms it.
REPEAT = "疑似重复"

# Columns that hold a resolved reference, and the field a user typed it in (a service record's member: by 姓名).
_REFERENCE_FIELDS = {"parent_id": "parent", "grid_id": "grid", "team_id": "team", "registration_id": "name"}
_HIDDEN_COLUMNS = {"id", "street_id", "credited_bonus"}
_DATEISH = (date, datetime)


@dataclass(frozen=True)
class Change:
    """One field of an existing record that the import changes, as a user reads it."""

    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass
class RowPlan:
    row: int                              # the row number the user sees in Excel
    action: str                           # NEW, UPDATE, SAME or ERROR
    label: str                            # what the row is about (a name, a 凭证号)
    raw: dict[str, Any]                   # field key -> the cell as read
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    record_id: int | None = None          # the stored record an update changes
    repeats: str = ""                     # for a 疑似重复 row: the stored record it repeats, described
    attrs: dict[str, Any] = field(default_factory=dict, repr=False)   # what will be written
    before: Any = field(default=None, repr=False)                     # the stored row an update starts from


@dataclass
class Plan:
    """What an import would do, row by row, before anything is written."""

    kind: str
    ledger_name: str
    file_name: str
    sheet_names: list[str]
    layout: Layout
    rows: list[RowPlan]
    skipped: list[tuple[int, str]]
    blank_rows: int
    problems: list[Problem]               # about the file or its header, not one row
    digest: str | None = None             # the file's content (repeats.file_digest) and the sheet read, kept with
    sheet: str | None = None              # the import batch so that importing the same content again is noticed
    repeat_of: Any = None                 # the earlier import of the same content (BatchInfo), if any

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.problems for r in self.rows)

    def all_problems(self) -> list[Problem]:
        """Every reason to refuse, the file's first, then by row."""
        return self.problems + [p for r in self.rows for p in r.problems]

    def all_warnings(self) -> list[Problem]:
        return [w for r in self.rows for w in r.warnings]

    def summary(self) -> str:
        parts = [f"新增{self.count(NEW)}条", f"更新{self.count(UPDATE)}条", f"不变{self.count(SAME)}条"]
        if self.count(REPEAT):
            parts.append(f"疑似重复{self.count(REPEAT)}条")
        if self.count(ERROR):
            parts.append(f"有错误{self.count(ERROR)}行")
        return "，".join(parts)


@contextmanager
def prefetched(session: Session) -> Iterator[PrefetchedFacts]:
    """Make the services' rules answer from one prefetch for the duration of a plan."""
    facts = PrefetchedFacts(session)
    session.info["facts"] = facts
    try:
        yield facts
    finally:
        session.info.pop("facts", None)


def make_plan(session: Session, service: LedgerService, kind: str, loaded: Loaded, layout: Layout,
              progress: Progress = SILENT) -> Plan:
    """Plan the import of a loaded sheet with a layout; reads the database, writes nothing."""
    plan = Plan(kind, service.name, loaded.path.name, loaded.sheet_names, layout, [], [], 0, [],
                loaded.digest or None, sheet_key(loaded.sheet.name, loaded.sheet_names))
    fields = service.fields
    if not layout.found:
        names = "、".join(f"“{f.label}”" for f in fields if f.required)
        plan.problems.append(Problem("表头", f"在前{SEARCH_ROWS}行中没有找到表头：表头应含有{names}等列名", 1))
        return plan
    mapping = layout.mapping()
    mapped = set(mapping.values())
    for f in fields:
        if f.required and not f.derived and f.key not in mapped:
            plan.problems.append(Problem(f.label, "缺少这一列（必填）；如果表中这一列的名称不同，请在列对应中指定",
                                         layout.header_last))
    if plan.problems:
        return plan
    table_body = body(loaded.sheet, layout)
    plan.skipped, plan.blank_rows = table_body.skipped, table_body.blank
    if not table_body.rows:
        first = next(f for f in fields if f.required)
        plan.problems.append(Problem(first.label, "表头下面没有数据行", layout.data_start))
        return plan
    with prefetched(session) as facts:
        planner = _Planner(session, service, facts, mapping)
        ordered = _parents_first(table_body, mapping) if service.model is PartyOrg else table_body.rows
        total = len(ordered)
        for i, data_row in enumerate(ordered):
            if i % 250 == 0:
                progress.report(i, total, f"检查第{i + 1}/{total}行")
            plan.rows.append(planner.plan_row(data_row.number, data_row.cells))
        progress.report(total, total, "检查完成")
    plan.rows.sort(key=lambda r: r.row)
    return plan


class _Planner:
    """Plans rows one by one against the prefetched facts, remembering which rows claimed which record."""

    def __init__(self, session: Session, service: LedgerService, facts: PrefetchedFacts, mapping: dict[int, str]):
        self.session, self.service, self.facts, self.mapping = session, service, facts, mapping
        self.fields = service.fields
        self.by_key = {f.key: f for f in self.fields}
        self.table = service.model.__table__
        self.columns = {c.key for c in self.table.columns}
        self.claimed: dict[int, int] = {}   # record id (negative for a planned new row) -> the row that claimed it
        self.key_fields = {self._field_of(col) for col in service.match_on}
        self.ceilings = settings.ceilings(session)

    def _field_of(self, column: str) -> str:
        if column == "community_id" and self.service.community_field:
            return self.service.community_field
        return _REFERENCE_FIELDS.get(column, column)

    def label_of(self, column: str) -> str:
        key = self._field_of(column)
        return self.by_key[key].label if key in self.by_key else column

    def plan_row(self, number: int, cells: list[Any]) -> RowPlan:
        service, session = self.service, self.session
        width = len(cells)
        raw = {key: (cells[i] if type(cells[i]) not in _DATEISH else _cell(cells[i], self.by_key[key])) if i < width
               else None for i, key in self.mapping.items()}
        clean, problems = parse_record(self.fields, raw, partial=True, row=number, ceilings=self.ceilings)
        bad = {p.field for p in problems}
        existing = None
        if not bad & {self.by_key[k].label for k in self.key_fields if k in self.by_key}:
            probe = dict(clean)
            service._resolve(session, probe, [], number, set())
            found = service.match(session, probe)
            if found:
                if len(found) > 1:
                    labels = "、".join(self.label_of(k) for k in service.match_on)
                    problems.append(Problem(self.label_of(service.match_on[0]),
                                            f"已有{len(found)}条记录的{labels}与此行相同，无法确定更新哪一条", number))
                else:
                    existing = found[0]
                    first = self.claimed.get(existing.id)
                    if first is not None:
                        labels = "、".join(self.label_of(k) for k in service.match_on if k in probe)
                        problems.append(Problem(self.label_of(service.match_on[0]),
                                                f"与第{first}行重复（{labels}相同）", number))
                        existing = None
        if existing is None:
            # A new record: columns the file lacks take their defaults, as a form left blank would.
            for f in self.fields:
                if f.derived or f.key in raw:
                    continue
                try:
                    clean[f.key] = f.parse(None)
                except ValueError as exc:
                    problems.append(Problem(f.label, str(exc), number))
        attrs, problems = service.check_parsed(session, clean, problems, existing, number)
        if not problems:
            self._check_scope(attrs, existing, problems, number)
        label = attrs.get(service.label_key) or raw.get(service.label_key) or ""
        plan = RowPlan(number, ERROR, str(label), raw, problems, attrs=attrs, before=existing)
        if problems:
            return plan
        plan.warnings = service.warnings(session, attrs, number)
        if existing is None:
            finder = getattr(service, "repeated_entry", None)   # the ledgers whose new rows can repeat stored ones
            plan.repeats = (finder(session, attrs) if finder else None) or ""
            plan.action = REPEAT if plan.repeats else NEW
            pseudo = -number
            self.claimed[pseudo] = number
            self.facts.add(service.model, {**attrs, "id": pseudo})
        else:
            self.claimed[existing.id] = number
            plan.record_id = existing.id
            plan.changes = self._changes(existing, attrs)
            plan.action = UPDATE if plan.changes else SAME
        return plan

    def _check_scope(self, attrs: dict, existing, problems: list[Problem], number: int) -> None:
        """A row that names, or would change, another community's record is refused for a limited account."""
        own = scope.limit_of(self.session)
        if own is None:
            return
        column = self.service.definition.owner.column
        if column is None:
            # a ledger owned through its parent record: the rules resolve that parent and its community, and a
            # stored record matched by its parent belongs to the same one
            column, existing = "community_id", None
        values = [existing.id if existing is not None else None] if column == "id" else [attrs.get(column)]
        if existing is not None:
            values.append(getattr(existing, column))
        if any(value != own for value in values):
            label = self.label_of(column) if column != "id" else self.by_key[self.service.label_key].label
            problems.append(Problem(label, f"您的账号只能录入{scope.own_name(self.session)}的记录", number))

    def _changes(self, existing, attrs: dict) -> list[Change]:
        changes = []
        for column, new in attrs.items():
            if column not in self.columns or column in _HIDDEN_COLUMNS:
                continue
            old = getattr(existing, column)
            if old != new:
                changes.append(Change(self.label_of(column), self.render(column, old), self.render(column, new)))
        rooms = attrs.get("rooms")
        if rooms is not None and "rooms" in self.by_key:
            old_rooms = [(r.name, r.area) for r in self.facts.find(VenueRoom, venue_id=existing.id)]
            if [(n, a) for n, a in rooms] != old_rooms:
                changes.append(Change(self.by_key["rooms"].label, format_rooms(old_rooms), format_rooms(rooms)))
        return changes

    def render(self, column: str, value: Any) -> str:
        if value is None:
            return ""
        if column == "community_id":
            names = self.facts.memo("community_names", lambda: {v: k for k, v in self.facts.community_ids().items()})
            return names.get(value, str(value))
        if column in ("parent_id", "grid_id"):
            found = self.facts.first(PartyOrg if column == "parent_id" else Grid, id=value)
            return found.name if found is not None else str(value)
        if column == "post" and hasattr(self.service, "standard"):
            posts = self.facts.memo("post_names", lambda: {p.code: p.name for p in self.service.standard(self.session).posts})
            return posts.get(value, str(value))
        f = self.by_key.get(column)
        return f.render(value) if f is not None else str(value)


def _cell(value: Any, f: Field) -> Any:
    """A cell as the field's parser wants it: Excel's midnight datetimes are dates; a date in a text column is text."""
    if isinstance(value, datetime) and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        value = value.date()
    if f.kind in ("text", "ref") and isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _parents_first(table_body: Body, mapping: dict[int, str]) -> list:
    """Party organisations ordered so that one named as 上级组织 further down the file is planned before its children."""
    name_col = next((i for i, k in mapping.items() if k == "name"), None)
    parent_col = next((i for i, k in mapping.items() if k == "parent"), None)
    rows = table_body.rows
    if name_col is None or parent_col is None:
        return rows

    def text(cells, i):
        return normalize(cells[i]) if i < len(cells) else ""

    by_name: dict[str, list] = {}
    for r in rows:
        by_name.setdefault(text(r.cells, name_col), []).append(r)
    ordered, state = [], {}

    def visit(r) -> None:
        # iterative depth-first: parents before children, each row once, cycles left in file order
        stack = [(r, False)]
        while stack:
            node, expanded = stack.pop()
            if state.get(node.number) == 2:
                continue
            if expanded:
                state[node.number] = 2
                ordered.append(node)
                continue
            if state.get(node.number) == 1:
                continue
            state[node.number] = 1
            stack.append((node, True))
            for parent in reversed(by_name.get(text(node.cells, parent_col), [])):
                if state.get(parent.number) is None:
                    stack.append((parent, False))

    for r in rows:
        visit(r)
    return ordered
