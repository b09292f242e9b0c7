"""Grading (定级与调级): a new worker's starting level and the year's proposed level changes, pure, no database.

The rules are the standard's `Grading` (step years, 学历/职业资格 bonuses, 就高不叠加 or 叠加) and its post
ranges. The annual step needs no stored counter: a worker's counted years at the end of a year are the full
years of community service less the years appraised 不合格, and a step is due in the year that count passes
a multiple of the step years. A degree or certificate adds only what its bonus exceeds the bonus already
credited (the worker's `credited_bonus`, or what the holdings of earlier years were worth).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..paystandard import PayStandard

FAILED = "不合格"


def full_years(start: date, on: date) -> int:
    """Completed years from start to on (an anniversary counts on its day)."""
    if on < start:
        return 0
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def bonus_of(standard: PayStandard, educations: list[str], qualifications: list[str]) -> tuple[int, str]:
    """The 学历/职业资格 bonus of what a worker holds, and which holding gives it."""
    rules = standard.grading
    edu = max(((rules.education_bonus.get(e, 0), e) for e in educations), default=(0, ""))
    cert = max(((rules.qualification_bonus.get(q, 0), q) for q in qualifications), default=(0, ""))
    if rules.stacking == "sum":
        names = "、".join(n for b, n in (edu, cert) if b)
        return edu[0] + cert[0], names
    best = max(edu, cert)
    return best[0], best[1] if best[0] else ""


@dataclass(frozen=True)
class StartingLevel:
    level: int
    bonus: int       # credited 学历/职业资格 bonus
    reason: str


def starting_level(standard: PayStandard, post_code: int, years: int, education: str | None,
                   qualification: str | None) -> StartingLevel:
    """定级: 1 + floor(years / step) + bonus (就高不叠加 by default), clamped to the post's range."""
    post = standard.post(post_code)
    step = standard.grading.step_years
    bonus, source = bonus_of(standard, [education] if education else [], [qualification] if qualification else [])
    raw = 1 + years // step + bonus
    level = min(max(raw, post.min_level), post.max_level)
    reason = f"社区工作{years}年（每满{step}年加1级）"
    if bonus:
        reason += f"，{source}加{bonus}级"
    reason += f"，得{raw}级"
    if level != raw:
        reason += f"，按{post.name}等级范围{post.min_level}–{post.max_level}级定为{level}级"
    return StartingLevel(level, bonus, reason)


@dataclass(frozen=True)
class GradingFacts:
    """What the year's grading needs to know of one worker."""

    worker_id: int
    name: str
    community: str
    post: int
    level: int
    started_on: date | None
    credited_bonus: int = 0
    education: str | None = None          # the roster's value (held before the year unless a certificate says)
    qualification: str | None = None
    certificates: tuple[tuple[str, str, date | None], ...] = ()   # (学历/职业资格, name, obtained_on)
    appraisals: dict[int, str] = field(default_factory=dict)       # year -> grade
    graded_in_year: bool = False            # this year's change was already approved


@dataclass(frozen=True)
class Proposal:
    worker_id: int
    name: str
    community: str
    post_name: str
    old_level: int
    new_level: int
    reason: str
    new_bonus: int          # credited_bonus after approval
    approvable: bool        # False for rows that only explain why nothing changes


def _holdings(facts: GradingFacts, until: date) -> tuple[list[str], list[str]]:
    """Degrees and qualifications held on `until`; roster values without a dated certificate count as held."""
    edus, quals = [], []
    dated = {(kind, name) for kind, name, _ in facts.certificates}
    for kind, name, obtained in facts.certificates:
        if obtained is None or obtained <= until:
            (edus if kind == "学历" else quals).append(name)
    if facts.education and ("学历", facts.education) not in dated:
        edus.append(facts.education)
    if facts.qualification and facts.qualification != "无" and ("职业资格", facts.qualification) not in dated:
        quals.append(facts.qualification)
    return edus, quals


def propose_one(standard: PayStandard, facts: GradingFacts, year: int) -> Proposal | None:
    """The year's proposal for one worker, or None when there is nothing to say."""
    post = standard.post(facts.post)
    rules = standard.grading
    step = rules.step_years
    end, before_end = date(year, 12, 31), date(year - 1, 12, 31)
    make = lambda new, reason, bonus, ok: Proposal(  # noqa: E731
        facts.worker_id, facts.name, facts.community, post.name, facts.level, new, reason, bonus, ok)
    if facts.graded_in_year:
        return None
    steps, reasons = 0, []
    if facts.started_on is not None:
        start = facts.started_on
        fails_to = lambda y: sum(1 for yr, g in facts.appraisals.items()  # noqa: E731
                                 if g == FAILED and start.year <= yr <= y)
        counted_now = full_years(start, end) - fails_to(year)
        counted_before = full_years(start, before_end) - fails_to(year - 1)
        steps = max(0, counted_now // step - max(0, counted_before) // step)
        if steps:
            reasons.append(f"满{step}年晋级（计算年限{counted_now}年）")
        elif facts.appraisals.get(year) == FAILED and full_years(start, end) - fails_to(year - 1) > 0 and \
                (full_years(start, end) - fails_to(year - 1)) // step > max(0, counted_before) // step:
            reasons.append(f"考核不合格不计年限（{year}年度考核不合格，本年不晋级）")
    edus, quals = _holdings(facts, end)
    old_edus, old_quals = _holdings(facts, before_end)
    bonus_now, source = bonus_of(standard, edus, quals)
    bonus_before, _ = bonus_of(standard, old_edus, old_quals)
    credited = max(facts.credited_bonus, bonus_before)
    gained = max(0, bonus_now - credited)
    if gained:
        reasons.append(f"取得学历/证书（{source}，加{gained}级）")
    new_bonus = max(credited, bonus_now)
    target = facts.level + steps + gained
    if not reasons:
        return None
    if target > post.max_level:
        if facts.level >= post.max_level:
            return make(facts.level, "；".join(reasons + [f"已达岗位最高级（{post.name}最高{post.max_level}级）"]),
                        facts.credited_bonus, False)
        reasons.append(f"已达岗位最高级（{post.name}最高{post.max_level}级）")
        target = post.max_level
    if target == facts.level:
        return make(target, "；".join(reasons), facts.credited_bonus, False)
    return make(target, "；".join(reasons), new_bonus, True)


def propose(standard: PayStandard, workers: list[GradingFacts], year: int) -> list[Proposal]:
    """The year's proposals, one per worker with something to say, in the order given."""
    out = []
    for facts in workers:
        proposal = propose_one(standard, facts, year)
        if proposal is not None:
            out.append(proposal)
    return out
