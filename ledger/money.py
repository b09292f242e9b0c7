"""Money: Decimal yuan with two places wherever an amount enters or leaves; integer fen only inside the pay engine.

One converter pair (to_fen / from_fen), one way to show an amount (format_yuan) and one parser for what people
type or a workbook holds (parse_amount), with the ceiling of the amount's kind (ledger.settings keeps the
ceilings an office may change). Half-up rounding per line, as Chinese payroll does.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .values import normalize

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# The most any ceiling may be (10 billion yuan): a sum of 100,000 such amounts in fen still fits a BIGINT.
LIMIT = Decimal(10) ** 10
_LONGEST = 40   # characters of an amount as typed; anything longer is not an amount
_DROPPED = str.maketrans("", "", ",¥ ")


def round_half_up(value: Decimal, quantum: Decimal = FEN) -> Decimal:
    """Round to the quantum, halves away from zero (四舍五入)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def to_fen(yuan: Decimal | int | str) -> int:
    """Whole fen of an amount already exact to the fen; refuses a third decimal place."""
    fen = Decimal(yuan) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额 {yuan} 超过两位小数")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Decimal yuan with exactly two places (12345 -> 123.45); exact for any fen a BIGINT holds."""
    return FEN * fen


def format_yuan(value: Decimal | None) -> str:
    """'1,234.50' — the way amounts are shown and printed; blank for None."""
    if value is None:
        return ""
    return f"{value:,.2f}"


def parse_amount(raw: object, ceiling: Decimal | int | None = None, *, negative: bool = False) -> Decimal:
    """An amount in yuan as people type it ('1,234.5', '￥88元', '１２０'), or a number from a workbook.

    Returns Decimal with two places; raises ValueError with a Chinese reason for anything else: not a number,
    a third decimal place, a negative amount (unless `negative`), or more than `ceiling` (default LIMIT).
    """
    shown = _shown(raw)
    value = _number(raw, shown)
    bound = LIMIT if ceiling is None else min(Decimal(ceiling), LIMIT)
    if abs(value) > bound:
        hint = "（单笔上限，管理员可以修改）" if ceiling is not None else ""
        raise ValueError(f"“{shown}”过大：不能超过{format_yuan(bound)}元{hint}")
    if value < 0 and not negative:
        raise ValueError(f"“{shown}”不能为负数")
    exact = value.quantize(FEN)
    if exact != value:
        raise ValueError(f"“{shown}”最多2位小数")
    return exact if exact else ZERO


def _shown(raw: object) -> str:
    """The input as the message quotes it (cut short: a pasted page is not repeated back)."""
    text = normalize(raw) if isinstance(raw, str) else str(raw)
    return text if len(text) <= _LONGEST else text[:_LONGEST] + "…"


def _number(raw: object, shown: str) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(f"“{shown}”不是有效的金额")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))   # a spreadsheet's 0.1 is read as 0.1, not as the binary fraction
    else:
        text = normalize(raw).translate(_DROPPED).removesuffix("元")
        if len(text) > _LONGEST:
            raise ValueError(f"“{shown}”不是有效的金额")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{shown}”不是有效的金额") from None
    if not value.is_finite():
        raise ValueError(f"“{shown}”不是有效的金额")
    return value
