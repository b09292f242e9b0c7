"""The pay standard as data: posts and level ranges, the post × level matrix, items, rates, bounds, tax table.

A standard is versioned by its effective date; every figure is editable, and the 示例标准 of the domain
reference is only the default a new database starts with. Amounts are exact Decimal yuan; in the database a
version is stored as JSON with amounts as strings, so nothing passes through a float.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal

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
        )


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
