"""Ledger columns as data: the header a clerk knows, its aliases, its kind and its rules.

One definition per column serves the entry forms (labels, choices), the services (parsing and checks),
the importer (header names and aliases) and the exports (the same columns as the import templates).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import values
from .errors import Problem
from .idcard import parse_id
from .money import format_yuan, parse_amount


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"   # text, int, decimal, money, date, bool, choice, idcard, ref, rooms
    required: bool = False
    choices: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()        # other header wordings seen in clerks' workbooks
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    max_length: int = 100
    personal: bool = False               # masked for roles without personal.read
    help: str = ""                       # shown in forms and as the note in import templates
    unit: str = ""                       # 户, 人, 元, 平方米 — where a figure is stated with its unit
    default: object = None
    derived: bool = False                # shown and exported, never entered
    ceiling: str = ""                    # money: the setting that bounds it (ledger.settings PAY_/FUND_CEILING)
    person: bool = False                 # a person's name (姓名, 书记, 经办人…): values.person_name's rule
    multiline: bool = False              # line breaks and tabs allowed (备注); never in other text
    earliest: date = values.EARLIEST     # a date before it cannot be meant
    months_ahead: int | None = 600       # a date this many months after today cannot be meant (0: not after today)
    refers: str = ""                     # ref: the ledger (key) whose record of the same 社区 it names, by name

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "decimal", "money")

    def parse(self, raw: object, ceilings: Mapping[str, Decimal] | None = None) -> object:
        """The value in its domain type, None for blank; raises ValueError with a Chinese reason.

        `ceilings` are the office's ceilings of amounts by setting key (ledger.settings.ceilings); without
        them an amount is bounded only by money.LIMIT, and the service that saves it applies its ceiling.
        """
        if values.is_blank(raw) and self.kind != "bool":
            if self.required:
                raise ValueError("必填，不能为空")
            return self.default
        kind = self.kind
        if kind == "text" or kind == "ref":
            if isinstance(raw, float) and abs(raw) >= 1e15:
                # A long number (bank account, ID) typed into a numeric cell: Excel kept 15 digits only.
                raise ValueError("被 Excel 存成了数字，后几位已经丢失；请把该列设为“文本”格式后重新录入完整号码")
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            text = values.check_text(str(raw).strip(), self.multiline)
            if kind == "ref":
                text = values.normalize(text)
            elif self.person:
                text = values.person_name(text)
            if len(text) > self.max_length:
                raise ValueError(f"不能超过{self.max_length}个字")
            return text
        if kind == "int":
            value = values.parse_int(raw)
            if abs(value) > values.INT_LIMIT:
                raise ValueError(f"“{value}”数值过大")
        elif kind == "money":
            value = parse_amount(raw, (ceilings or {}).get(self.ceiling), negative=True)
        elif kind == "decimal":
            value = values.parse_decimal(raw, 2)
            if abs(value) >= values.DECIMAL_LIMIT:
                raise ValueError(f"“{value}”数值过大")
        elif kind == "date":
            value = values.check_date_range(values.parse_date(raw), self.earliest, self.months_ahead)
        elif kind == "bool":
            return values.parse_bool(raw) if not values.is_blank(raw) else bool(self.default)
        elif kind == "choice":
            if isinstance(raw, str):
                values.check_text(raw.strip())
            return values.parse_choice(raw, self.choices, self.value_aliases)
        elif kind == "idcard":
            return parse_id(raw).number
        elif kind == "rooms":
            return parse_rooms(raw)
        else:
            raise AssertionError(kind)
        if self.minimum is not None and value < self.minimum:
            raise ValueError("不能为负数" if self.minimum == 0 else f"不能小于{self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"不能大于{self.maximum}")
        return value

    def stored_problem(self, value: object) -> str | None:
        """Why a value read back from the database fails this field's own rules (a 身份证号 with a changed
        digit, a date typed before the rule existed); None when it passes. References are stored as ids."""
        if value is None or value == "" or self.derived or self.kind not in ("text", "idcard", "date"):
            return None
        try:
            self.parse(value)
        except ValueError as exc:
            return str(exc)
        return None

    def render_many(self, values: list) -> list[str]:
        """`render` of each value (a text as it is), the kind looked at once: a page renders 100,000 amounts."""
        if self.kind == "money":
            return list(map(format_yuan, values))
        render = self.render
        return [v if v.__class__ is str else render(v) for v in values]

    def render(self, value: object) -> str:
        """How a value is shown in a table cell or a text export."""
        if value is None:
            return ""
        if self.kind == "bool":
            return "是" if value else "否"
        if self.kind == "money":
            return format_yuan(value)
        if self.kind == "decimal":
            return f"{value:.2f}"
        if isinstance(value, date):
            return value.isoformat()
        if self.kind == "rooms":
            return format_rooms(value)
        return str(value)


def parse_record(fields: tuple[Field, ...], raw: dict[str, object], partial: bool = False,
                 row: int | None = None, ceilings: Mapping[str, Decimal] | None = None
                 ) -> tuple[dict[str, object], list[Problem]]:
    """Parse every field of a record; with partial=True only the keys present are parsed (an edit)."""
    clean: dict[str, object] = {}
    problems: list[Problem] = []
    for f in fields:
        if f.derived or (partial and f.key not in raw):
            continue
        try:
            clean[f.key] = f.parse(raw.get(f.key), ceilings)
        except ValueError as exc:
            problems.append(Problem(f.label, str(exc), row))
    return clean, problems


def parse_rooms(raw: object) -> list[tuple[str, Decimal | None]]:
    """功能室 as written in a cell: '会议室(60)、活动室(80.5)' or a list of (name, area)."""
    if isinstance(raw, list):
        return [(str(n), None if a is None else Decimal(a)) for n, a in raw]
    text = values.normalize(raw)
    rooms = []
    for part in filter(None, (p.strip() for p in text.replace(";", "、").replace(",", "、").split("、"))):
        if "(" in part and part.endswith(")"):
            name, area = part[:-1].split("(", 1)
            name, area = name.strip(), values.parse_decimal(area, 2)
            if not 0 <= area < values.DECIMAL_LIMIT:
                raise ValueError(f"功能室“{name}”的面积“{area}”不合理")
        else:
            name, area = part, None
        if len(name) > 64:
            raise ValueError(f"功能室名称“{name[:10]}…”不能超过64个字")
        rooms.append((name, area))
    return rooms


def format_rooms(rooms: list[tuple[str, Decimal | None]]) -> str:
    return "、".join(name if area is None else f"{name}({area})" for name, area in rooms)


def label_of(fields: tuple[Field, ...], key: str) -> str:
    return next(f.label for f in fields if f.key == key)
