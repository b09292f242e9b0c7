"""The pay standard's versions as a service: list, view, save a new version, import a 等级 × 岗位 matrix sheet."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from .. import audit, settings
from ..app import Ledger
from ..errors import LedgerError, Problem, ValidationError
from ..models import PayRun, PayStandardVersion
from ..paystandard import PayStandard
from ..services.paystandards import standard_in_force, store_standard
from ..money import parse_amount
from ..values import is_blank, normalize, parse_int

LEVEL_HEADER = "等级"


@dataclass(frozen=True)
class VersionInfo:
    id: int
    effective_from: date
    name: str
    used_by_runs: int


class PayStandards:
    """Versions by effective date; a version used by a pay run can be read but not replaced or deleted."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def versions(self) -> list[VersionInfo]:
        with self.ledger.reading("pay.read") as session:
            used: dict[int, int] = {}
            for sid in session.scalars(select(PayRun.standard_id)):
                used[sid] = used.get(sid, 0) + 1
            return [VersionInfo(v.id, v.effective_from, v.name, used.get(v.id, 0))
                    for v in session.scalars(select(PayStandardVersion).order_by(PayStandardVersion.effective_from))]

    def in_force(self, on: date | None = None) -> PayStandard:
        with self.ledger.reading("pay.read") as session:
            return standard_in_force(session, on or date.today())

    def get(self, effective_from: date) -> PayStandard:
        with self.ledger.reading("pay.read") as session:
            version = session.scalar(select(PayStandardVersion).where(
                PayStandardVersion.effective_from == effective_from))
            if version is None:
                raise LedgerError(f"没有{effective_from:%Y-%m-%d}生效的工资标准")
            return PayStandard.from_json(version.spec)

    def save(self, standard: PayStandard) -> None:
        """Store the standard as the version from its effective date; refused when invalid or already used."""
        with self.ledger.unit("pay.write") as session:
            problems = standard.validate(settings.ceiling(session, settings.PAY_CEILING))
            if problems:
                raise ValidationError(problems)
            existing = session.scalar(select(PayStandardVersion).where(
                PayStandardVersion.effective_from == standard.effective_from))
            if existing is not None:
                used = session.scalar(select(PayRun.month).where(PayRun.standard_id == existing.id,
                                                                 PayRun.status == "已审批").limit(1))
                if used:
                    raise LedgerError(f"{standard.effective_from:%Y-%m-%d}生效的工资标准已用于{used}的已审批工资表，"
                                      f"不能修改；请另设一个新的生效日期")
            store_standard(session, standard)

    def delete(self, effective_from: date) -> None:
        with self.ledger.unit("pay.write") as session:
            version = session.scalar(select(PayStandardVersion).where(
                PayStandardVersion.effective_from == effective_from))
            if version is None:
                raise LedgerError(f"没有{effective_from:%Y-%m-%d}生效的工资标准")
            if session.scalar(select(PayRun.id).where(PayRun.standard_id == version.id).limit(1)):
                raise LedgerError("该版本工资标准已用于工资表，不能删除")
            if session.scalar(select(PayStandardVersion.id).where(PayStandardVersion.id != version.id).limit(1)) is None:
                raise LedgerError("这是唯一的工资标准版本，不能删除")
            session.execute(delete(PayStandardVersion).where(PayStandardVersion.id == version.id))
            audit.record(session, "删除", "工资标准", version.id, f"{effective_from:%Y-%m-%d} {version.name}")

    def import_matrix(self, rows: list[list], effective_from: date, name: str | None = None) -> PayStandard:
        """Make a matrix sheet (等级, 一岗, 二岗, …) the 岗位等级工资 from `effective_from`, other items unchanged."""
        base = self.in_force(effective_from)
        matrix = parse_matrix(rows, base)
        standard = replace(base, matrix=matrix, effective_from=effective_from, name=name or base.name)
        self.save(standard)
        return standard


def matrix_rows(standard: PayStandard) -> list[list]:
    """The matrix as a sheet: header 等级, 一岗, 二岗, 三岗 …, one row per level, None outside a post's range."""
    rows: list[list] = [[LEVEL_HEADER] + [p.name for p in standard.posts]]
    for level in range(1, standard.levels + 1):
        rows.append([level] + [standard.matrix.get((p.code, level)) for p in standard.posts])
    return rows


def parse_matrix(rows: list[list], standard: PayStandard) -> dict[tuple[int, int], Decimal]:
    """The matrix of a sheet, checked against the posts' level ranges; ValidationError names row and column."""
    header_at = None
    for i, row in enumerate(rows[:15]):
        cells = [normalize(c).replace(" ", "") for c in row]
        if LEVEL_HEADER in cells:
            header_at = i
            break
    if header_at is None:
        raise ValidationError.single("等级", "找不到表头：需要一行包含“等级”和各岗位名称（一岗、二岗、三岗…）")
    header = [normalize(c).replace(" ", "").replace("\n", "") for c in rows[header_at]]
    level_col = header.index(LEVEL_HEADER)
    columns: dict[int, int] = {}
    for j, text in enumerate(header):
        post = standard.post_by_name(text.split("（")[0].split("(")[0]) if text else None
        if post is not None:
            columns[post.code] = j
    problems = [Problem(p.name, "表头中缺少该岗位列") for p in standard.posts if p.code not in columns]
    matrix: dict[tuple[int, int], Decimal] = {}
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cell = row[level_col] if level_col < len(row) else None
        if is_blank(cell):
            continue
        try:
            level = parse_int(cell)
        except ValueError as exc:
            if normalize(cell).startswith(("合计", "说明", "注")):
                break
            problems.append(Problem(LEVEL_HEADER, str(exc), i))
            continue
        for post in standard.posts:
            j = columns.get(post.code)
            value = row[j] if j is not None and j < len(row) else None
            inside = post.admits(level)
            if is_blank(value):
                if inside:
                    problems.append(Problem(post.name, f"{level}级在{post.name}范围内（{post.range_text}），不能为空", i))
                continue
            if not inside:
                problems.append(Problem(post.name, f"{level}级不在{post.name}范围内（{post.range_text}），应留空", i))
                continue
            try:
                matrix[(post.code, level)] = parse_amount(value)
            except ValueError as exc:
                problems.append(Problem(post.name, str(exc), i))
    for post in standard.posts:
        for level in range(post.min_level, post.max_level + 1):
            if (post.code, level) not in matrix and not any(p.field == post.name for p in problems):
                problems.append(Problem(post.name, f"缺少{level}级"))
    if problems:
        raise ValidationError(problems)
    return matrix
