"""What changed between two versions of the pay standard, item by item, in the words of the 工资标准 window.

The audit trail stores a version as its JSON; shown raw it is a Python dict. This reads both versions and
names each difference ("基础绩效 200.00 → 220.00", "岗位等级工资 一岗7–18级：每级+100.00元"), so that the
操作日志 says what a person changed.
"""
from __future__ import annotations

from decimal import Decimal

from .paystandard import PayStandard

STACKING = {"max": "就高不叠加", "sum": "学历与证书叠加"}
# More changed cells of one post than this, without one common difference, are summed up in a line.
LISTED_CELLS = 6

Line = tuple[str, str | None, str | None]   # (item, before, after); None: the item did not exist


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:,.2f}"


def percent(rate: Decimal | None) -> str | None:
    return None if rate is None else f"{format((rate * 100).normalize(), 'f')}%"


def summary(standard: PayStandard) -> list[Line]:
    """A first version in a line: its posts and levels."""
    posts = "、".join(f"{p.name}{p.min_level}–{p.max_level}级" for p in standard.posts)
    return [("岗位", None, f"{posts}（共{standard.levels}级）")]


def changes(old: PayStandard, new: PayStandard) -> list[Line]:
    """Every difference between two versions, in the order of the 工资标准 window's tabs."""
    out: list[Line] = []

    def compare(item: str, before, after, shown=str) -> None:
        if before != after:
            out.append((item, None if before is None else shown(before), None if after is None else shown(after)))

    compare("标准名称", old.name, new.name)   # the effective date names the version itself: not compared
    out.extend(_matrix(old, new))
    compare("等级数", old.levels, new.levels, lambda n: f"{n}级")
    old_posts = {p.code: p for p in old.posts}
    for post in new.posts:
        before = old_posts.pop(post.code, None)
        compare(f"{post.name} 名称与等级范围", before and (before.name, before.title, before.min_level, before.max_level),
                (post.name, post.title, post.min_level, post.max_level), lambda p: f"{p[0]}（{p[1]}）{p[2]}–{p[3]}级")
    for post in old_posts.values():
        out.append((f"{post.name} 名称与等级范围", f"{post.name}（{post.title}）{post.min_level}–{post.max_level}级", None))
    compare("基础绩效", old.basic_performance, new.basic_performance, money)
    compare("一肩挑补贴", old.dual_role_allowance, new.dual_role_allowance, money)
    for name in dict.fromkeys([*old.qualification_allowance, *new.qualification_allowance]):
        compare(f"职业资格津贴 {name}", old.qualification_allowance.get(name), new.qualification_allowance.get(name), money)
    for grade in dict.fromkeys([*old.appraisal_bonus, *new.appraisal_bonus]):
        compare(f"奖励性绩效 {grade}", old.appraisal_bonus.get(grade), new.appraisal_bonus.get(grade), money)
    compare("奖励性绩效发放月份", old.bonus_month, new.bonus_month, lambda m: f"{m}月")
    for side, before, after in (("个人", old.employee_rates, new.employee_rates),
                                ("单位", old.employer_rates, new.employer_rates)):
        for item in dict.fromkeys([*before, *after]):
            compare(f"{side}{item}缴费比例", before.get(item), after.get(item), percent)
    compare("缴费基数下限", old.base_min, new.base_min, money)
    compare("缴费基数上限", old.base_max, new.base_max, money)
    compare("每月减除费用", old.monthly_exemption, new.monthly_exemption, money)
    for i in range(max(len(old.tax_brackets), len(new.tax_brackets))):
        compare(f"税率表第{i + 1}档", _bracket(old.tax_brackets, i), _bracket(new.tax_brackets, i))
    compare("每满几年晋升一级", old.grading.step_years, new.grading.step_years, lambda n: f"{n}年")
    compare("学历与职业资格加级", STACKING.get(old.grading.stacking, old.grading.stacking),
            STACKING.get(new.grading.stacking, new.grading.stacking))
    for kind in ("education_bonus", "qualification_bonus"):
        before, after = getattr(old.grading, kind), getattr(new.grading, kind)
        for name in dict.fromkeys([*before, *after]):
            compare(f"{name}加级", before.get(name), after.get(name), lambda n: f"{n}级")
    return out


def _bracket(brackets, i: int) -> str | None:
    if i >= len(brackets):
        return None
    b = brackets[i]
    upper = "不限" if b.upper is None else f"{b.upper:,.2f}"
    return f"上限{upper}，税率{percent(b.rate)}，速算扣除数{money(b.quick_deduction)}"


def _matrix(old: PayStandard, new: PayStandard) -> list[Line]:
    """岗位等级工资 per post: a common raise in one line, a few changed cells each, many in a count."""
    out: list[Line] = []
    names = {p.code: p.name for p in (*old.posts, *new.posts)}
    for code, name in names.items():
        levels = sorted({lvl for (c, lvl) in (*old.matrix, *new.matrix) if c == code})
        changed = [(lvl, old.matrix.get((code, lvl)), new.matrix.get((code, lvl))) for lvl in levels
                   if old.matrix.get((code, lvl)) != new.matrix.get((code, lvl))]
        if not changed:
            continue
        differences = {a - b for _, b, a in changed if a is not None and b is not None}
        both = all(b is not None and a is not None for _, b, a in changed)
        if len(changed) > 2 and both and len(differences) == 1:
            step = differences.pop()
            sign = "+" if step > 0 else "−"
            out.append((f"岗位等级工资 {name}{_span([lvl for lvl, _, _ in changed])}", None,
                        f"每级{sign}{money(abs(step))}元"))
        elif len(changed) <= LISTED_CELLS:
            out.extend((f"岗位等级工资 {name}{lvl}级", money(b), money(a)) for lvl, b, a in changed)
        else:
            out.append((f"岗位等级工资 {name}", None, f"{_span([lvl for lvl, _, _ in changed])}中{len(changed)}个等级有变化"))
    return out


def _span(levels: list[int]) -> str:
    """7–18级 for a run of levels, else 7、9、12级."""
    if levels == list(range(levels[0], levels[-1] + 1)):
        return f"{levels[0]}–{levels[-1]}级" if len(levels) > 1 else f"{levels[0]}级"
    return "、".join(str(n) for n in levels) + "级"
