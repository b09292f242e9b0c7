"""The pay standard as data: posts and level ranges, the post × level matrix, items, rates, bounds, tax table.

A standard is versioned by its effective date; every figure is editable, and the 示例标准 of the domain
reference is only the default a new database starts with. Amounts are exact Decimal yuan; in the database a
version is stored as JSON with amounts as strings, so nothing passes through a float.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal

from .errors import Problem
from .money import parse_amount

POST_NAMES = ("一岗", "二岗", "三岗", "四岗", "五岗", "六岗")
INSURANCE_ITEMS = ("养老", "医疗", "失业", "住房公积金")
EMPLOYER_ITEMS = ("养老", "医疗", "失业", "工伤", "住房公积金")
APPRAISAL_GRADES = ("优秀", "合格", "基本合格", "不合格")
EDUCATIONS = ("博士", "硕士", "本科", "大专", "高中及以下")
QUALIFICATIONS = ("无", "助理社会工作师", "社会工作师", "高级社会工作师")


@dataclass(frozen=True)
class Post:
    code: int            # 1 = 一岗
    name: str            # 一岗
    title: str           # 社区正职
    min_level: int
    max_level: int

    def admits(self, level: int) -> bool:
        """Whether `level` is within the post's range: the one place the range is applied."""
        return self.min_level <= level <= self.max_level

    @property
    def range_text(self) -> str:
        """7–18级"""
        return f"{self.min_level}–{self.max_level}级"

    def level_problem(self, level: object) -> str | None:
        """Why a worker in this post cannot be at `level` (None when it can)."""
        if isinstance(level, int) and self.admits(level):
            return None
        return f"{self.name}（{self.title}）的等级范围是{self.range_text}，不能是{level}级"


@dataclass(frozen=True)
class TaxBracket:
    upper: Decimal | None   # cumulative taxable income up to and including this; None = no limit
    rate: Decimal
    quick_deduction: Decimal


@dataclass(frozen=True)
class Grading:
    step_years: int = 3
    education_bonus: dict[str, int] = field(default_factory=lambda: {"本科": 1, "硕士": 2, "博士": 3})
    qualification_bonus: dict[str, int] = field(
        default_factory=lambda: {"助理社会工作师": 1, "社会工作师": 2, "高级社会工作师": 3})
    stacking: str = "max"  # "max": 就高不叠加; "sum": both count


@dataclass(frozen=True)
class PayStandard:
    name: str
    effective_from: date
    levels: int
    posts: tuple[Post, ...]
    matrix: dict[tuple[int, int], Decimal]  # (post code, level) -> monthly 岗位等级工资
    basic_performance: Decimal
    dual_role_allowance: Decimal
    qualification_allowance: dict[str, Decimal]
    appraisal_bonus: dict[str, Decimal]
    employee_rates: dict[str, Decimal]
    employer_rates: dict[str, Decimal]
    base_min: Decimal
    base_max: Decimal
    monthly_exemption: Decimal
    tax_brackets: tuple[TaxBracket, ...]
    grading: Grading = field(default_factory=Grading)
    bonus_month: int = 12  # the month whose run pays 奖励性绩效 unless the user marks another

    def post(self, code: int) -> Post:
        for post in self.posts:
            if post.code == code:
                return post
        raise KeyError(code)

    def post_by_name(self, name: str) -> Post | None:
        for post in self.posts:
            if name in (post.name, post.title):
                return post
        return None

    def grade_pay(self, post: int, level: int) -> Decimal:
        return self.matrix[(post, level)]

    def with_matrix(self, matrix: dict[tuple[int, int], Decimal], effective_from: date) -> "PayStandard":
        return replace(self, matrix=dict(matrix), effective_from=effective_from)

    # --- JSON (amounts as strings) -------------------------------------------------------------
    def to_json(self) -> dict:
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat()
        data["posts"] = [asdict(p) for p in self.posts]
        data["matrix"] = [[p, lvl, str(v)] for (p, lvl), v in sorted(self.matrix.items())]
        data["tax_brackets"] = [[None if b.upper is None else str(b.upper), str(b.rate), str(b.quick_deduction)]
                                for b in self.tax_brackets]
        data["grading"] = asdict(self.grading)
        return _stringify(data)

    @classmethod
    def from_json(cls, data: dict) -> "PayStandard":
        dec = Decimal
        return cls(
            name=data["name"],
            effective_from=date.fromisoformat(data["effective_from"]),
            levels=int(data["levels"]),
            posts=tuple(Post(**p) for p in data["posts"]),
            matrix={(int(p), int(lvl)): dec(v) for p, lvl, v in data["matrix"]},
            basic_performance=dec(data["basic_performance"]),
            dual_role_allowance=dec(data["dual_role_allowance"]),
            qualification_allowance={k: dec(v) for k, v in data["qualification_allowance"].items()},
            appraisal_bonus={k: dec(v) for k, v in data["appraisal_bonus"].items()},
            employee_rates={k: dec(v) for k, v in data["employee_rates"].items()},
            employer_rates={k: dec(v) for k, v in data["employer_rates"].items()},
            base_min=dec(data["base_min"]),
            base_max=dec(data["base_max"]),
            monthly_exemption=dec(data["monthly_exemption"]),
            tax_brackets=tuple(TaxBracket(None if u is None else dec(u), dec(r), dec(q))
                               for u, r, q in data["tax_brackets"]),
            grading=Grading(**data.get("grading", {})),
            bonus_month=int(data.get("bonus_month", 12)),
        )

    # --- checks ----------------------------------------------------------------------------------
    def validate(self, ceiling: Decimal | None = None) -> list[Problem]:
        """Everything wrong with the standard, each naming the item; empty when it can be saved.

        `ceiling` bounds each amount paid per line (the office's setting, ledger.settings.PAY_CEILING); the
        tax table's thresholds are cumulative over a year and bounded only by money.LIMIT.
        """
        problems: list[Problem] = []

        def check(where: str, value: Decimal, bound: Decimal | None = ceiling) -> None:
            problem = _money_problem(value, bound)
            if problem:
                problems.append(Problem(where, problem))

        add = lambda where, why: problems.append(Problem(where, why))  # noqa: E731
        if not self.name.strip():
            add("标准名称", "必填，不能为空")
        if not 1 <= self.levels <= 60:
            add("等级数", f"应在1–60之间，不能是{self.levels}")
        if not self.posts:
            add("岗位", "至少要有一个岗位")
        if len({p.code for p in self.posts}) != len(self.posts) or len({p.name for p in self.posts}) != len(self.posts):
            add("岗位", "岗位名称或代码重复")
        for post in self.posts:
            if not 1 <= post.min_level <= post.max_level <= self.levels:
                add(f"{post.name}等级范围", f"应在1–{self.levels}级之间且起始级不高于最高级"
                                         f"（现为{post.min_level}–{post.max_level}）")
                continue
            previous = None
            for level in range(post.min_level, post.max_level + 1):
                amount = self.matrix.get((post.code, level))
                if amount is None:
                    add(f"{post.name}{level}级", "缺少岗位等级工资")
                    continue
                check(f"{post.name}{level}级岗位等级工资", amount)
                if previous is not None and amount < previous:
                    add(f"{post.name}{level}级", f"岗位等级工资{amount}低于{level - 1}级的{previous}，应随等级递增")
                previous = amount
        by_code = {p.code: p for p in self.posts}
        for (code, level) in self.matrix:
            post = by_code.get(code)
            if post is None:
                add(f"{code}{level}级", "不属于任何岗位，应留空")
            elif not post.admits(level):
                add(f"{post.name}{level}级", f"超出该岗位的等级范围（{post.range_text}），应留空")
        check("基础绩效", self.basic_performance)
        check("一肩挑补贴", self.dual_role_allowance)
        for key, value in self.qualification_allowance.items():
            check(f"职业资格津贴（{key}）", value)
        for key, value in self.appraisal_bonus.items():
            check(f"奖励性绩效（{key}）", value)
        for side, rates in (("个人", self.employee_rates), ("单位", self.employer_rates)):
            for key, rate in rates.items():
                if not Decimal(0) <= rate < Decimal(1):
                    add(f"{side}{key}缴费比例", f"应在0–100%之间，不能是{rate * 100}%")
        check("缴费基数下限", self.base_min)
        check("缴费基数上限", self.base_max)
        if self.base_min > self.base_max:
            add("缴费基数", f"下限{self.base_min}高于上限{self.base_max}")
        check("每月减除费用", self.monthly_exemption)
        if not self.tax_brackets or self.tax_brackets[-1].upper is not None:
            add("税率表", "最后一档应不设上限")
        uppers = [b.upper for b in self.tax_brackets if b.upper is not None]
        if uppers != sorted(uppers) or len(set(uppers)) != len(uppers):
            add("税率表", "各档上限应逐档递增")
        for i, bracket in enumerate(self.tax_brackets, 1):
            if not Decimal(0) <= bracket.rate < Decimal(1):
                add(f"税率表第{i}档", "税率应在0–100%之间")
            check(f"税率表第{i}档速算扣除数", bracket.quick_deduction, None)
            if bracket.upper is not None:
                check(f"税率表第{i}档上限", bracket.upper, None)
        if self.grading.step_years < 1:
            add("晋级年限", "至少1年")
        if self.grading.stacking not in ("max", "sum"):
            add("学历与证书加级", "应为“就高不叠加”（max）或“叠加”（sum）")
        if not 1 <= self.bonus_month <= 12:
            add("奖励性绩效发放月份", "应为1–12月")
        return problems


def _money_problem(value: object, ceiling: Decimal | None) -> str:
    """Why an amount of the standard is wrong ('' when it is right), by the one parser's rules."""
    if not isinstance(value, Decimal):
        return "不是有效的金额"
    try:
        parse_amount(value, ceiling)
    except ValueError as exc:
        return str(exc)
    return ""


def _stringify(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stringify(v) for v in value]
    return value


def default_standard(effective_from: date = date(2026, 1, 1)) -> PayStandard:
    """示例标准: 岗位基数 2800/2500/2300 + 等级额 100 + 80 × (n − 1), and the items of the domain reference."""
    posts = (Post(1, "一岗", "社区正职", 7, 18), Post(2, "二岗", "社区副职", 4, 15), Post(3, "三岗", "其他社区工作者", 1, 12))
    base = {1: Decimal(2800), 2: Decimal(2500), 3: Decimal(2300)}
    matrix = {(p.code, n): (base[p.code] + 100 + 80 * (n - 1)).quantize(Decimal("0.01"))
              for p in posts for n in range(p.min_level, p.max_level + 1)}
    money = lambda s: Decimal(s).quantize(Decimal("0.01"))  # noqa: E731
    return PayStandard(
        name="示例标准",
        effective_from=effective_from,
        levels=18,
        posts=posts,
        matrix=matrix,
        basic_performance=money(200),
        dual_role_allowance=money(300),
        qualification_allowance={"助理社会工作师": money(200), "社会工作师": money(300), "高级社会工作师": money(500)},
        appraisal_bonus={"优秀": money(6000), "合格": money(4000), "基本合格": money(2000), "不合格": money(0)},
        employee_rates={"养老": Decimal("0.08"), "医疗": Decimal("0.02"), "失业": Decimal("0.005"),
                        "住房公积金": Decimal("0.12")},
        employer_rates={"养老": Decimal("0.16"), "医疗": Decimal("0.08"), "失业": Decimal("0.005"),
                        "工伤": Decimal("0.002"), "住房公积金": Decimal("0.12")},
        base_min=money(4000),
        base_max=money(30000),
        monthly_exemption=money(5000),
        tax_brackets=tuple(TaxBracket(None if u is None else money(u), Decimal(r), money(q)) for u, r, q in (
            (36000, "0.03", 0), (144000, "0.10", 2520), (300000, "0.20", 16920), (420000, "0.25", 31920),
            (660000, "0.30", 52920), (960000, "0.35", 85920), (None, "0.45", 181920))),
    )
