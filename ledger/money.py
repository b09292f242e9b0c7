"""Exact money: Decimal yuan in the domain, integer fen in storage, half-up rounding per line."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def round_half_up(value: Decimal, quantum: Decimal = FEN) -> Decimal:
    """Round to the quantum, halves away from zero (四舍五入), as Chinese payroll does."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def to_fen(yuan: Decimal | int | str) -> int:
    """Whole fen of an amount already exact to the fen; refuses a third decimal place."""
    value = Decimal(yuan)
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额 {yuan} 超过两位小数")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Decimal yuan with exactly two places."""
    return (Decimal(fen) / 100).quantize(FEN)


def parse_yuan(text: str | int | Decimal) -> Decimal:
    """Decimal yuan from text such as '1,234.5' or '¥1234.50'; raises ValueError with a Chinese reason."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = str(text).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").strip()
        cleaned = cleaned.removesuffix("元").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"“{text}”不是有效的金额") from None
    if not value.is_finite():
        raise ValueError(f"“{text}”不是有效的金额")
    if value != round_half_up(value):
        raise ValueError(f"金额 {text} 超过两位小数")
    return round_half_up(value)


def format_yuan(value: Decimal | None) -> str:
    """'1,234.50' — the way amounts are shown and printed."""
    if value is None:
        return ""
    return f"{value:,.2f}"
