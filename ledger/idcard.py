"""中华人民共和国居民身份证号码 (GB 11643-1999): check digit, sex and birth date."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")
_STORED = re.compile(r"\d{17}[\dX]")   # a number as the application stores it: nothing to tidy
_ZEROS = ord("0") * sum(_WEIGHTS)


@dataclass(frozen=True)
class IdCard:
    number: str
    sex: str  # 男 / 女
    birth_date: date


def check_digit(first17: str) -> str:
    # Weighted in one pass over the digits' codes (each the digit + 48) rather than 17 int() calls: a roster of
    # 10,000 workers is checked each time its page opens.
    return _CHECK[(sum(map(mul, digit_codes(first17), _WEIGHTS)) - _ZEROS) % 11]


def digit_codes(digits: str) -> bytes:
    """The digits' ASCII codes (the digit + 48), also for full-width and other Unicode digits that int() reads."""
    return digits.encode() if digits.isascii() else "".join(str(int(d)) for d in digits).encode()


def read_id(raw: object) -> IdCard:
    """Validate an 18-digit ID; raises ValueError with a Chinese explanation a clerk can act on.

    Not cached (parse_id is): for the stored numbers of a roster, each read once as its page opens.
    """
    if type(raw) is str and _STORED.fullmatch(raw):
        return _checked(raw)   # as stored (a roster's listing): already tidy, and no Excel damage to explain
    if isinstance(raw, float) or (isinstance(raw, str) and re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", raw.strip())):
        raise ValueError(
            "身份证号被 Excel 存成了数字（如 1.10105E+17），后几位已经丢失；"
            "请把该列设为“文本”格式后重新录入完整号码")
    text = str(raw).strip().replace(" ", "").upper().replace("x", "X")
    if isinstance(raw, int) and len(text) in (17, 18):
        # A whole number in a numeric cell: Excel keeps only 15 significant digits.
        if len(text) == 17 or check_digit(text[:17]) != text[17]:
            raise ValueError(
                "身份证号被 Excel 存成了数字，后几位已变成 0 或丢失；请把该列设为“文本”格式后重新录入完整号码")
    if not _PATTERN.match(text):
        raise ValueError(f"应为18位（最后一位可为X），实际为“{text}”")
    return _checked(text)


def _checked(text: str) -> IdCard:
    """The card of 18 tidy characters (17 digits and a digit or X), once its birth date and check digit verify."""
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError(f"出生日期 {text[6:14]} 不是有效日期") from None
    # A birth in or before 2000 is past whatever today is: only a later one needs the clock (date.today() was a
    # fifth of checking a roster's 10,000 stored numbers)
    if birth.year < 1900 or (birth.year > 2000 and birth > date.today()):
        raise ValueError(f"出生日期 {text[6:14]} 不合理")
    if check_digit(text[:17]) != text[17]:
        raise ValueError("校验位不正确，请核对号码")
    return IdCard(text, "男" if int(text[16]) % 2 else "女", birth)


# Cached: a form or an import row checks the same number in the field and again in the service's rules.
# typed: 1, 1.0 and True must not share an answer.
parse_id = lru_cache(maxsize=4096, typed=True)(read_id)


def make_id(region: str, birth: date, sequence: int) -> str:
    """A valid ID for demo data and tests: 6-digit region, birth date, 3-digit sequence."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mask(number: str | None) -> str:
    """110105********1234 — how personal numbers are shown to roles that do not need them."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
