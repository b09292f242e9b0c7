"""Exact money: half-up rounding per line, fen round trips, text parsing with Chinese reasons."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.money import format_yuan, from_fen, parse_amount, round_half_up, to_fen


def test_half_up_not_bankers():
    # 4,000 × 0.5 % = 20.00; 4,321 × 0.005 = 21.605 → 21.61 (banker's rounding would give 21.60)
    assert round_half_up(Decimal("4321") * Decimal("0.005")) == Decimal("21.61")
    assert round_half_up(Decimal("0.125")) == Decimal("0.13")
    assert round_half_up(Decimal("-0.125")) == Decimal("-0.13")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_fen_round_trip(fen):
    assert to_fen(from_fen(fen)) == fen


def test_parse_amount_accepts_what_clerks_type():
    assert parse_amount("1,234.5") == Decimal("1234.50")
    assert parse_amount("￥ 88元") == Decimal("88.00")


def test_parse_amount_refuses_with_reason():
    with pytest.raises(ValueError, match="最多2位小数"):
        parse_amount("1.234")
    with pytest.raises(ValueError, match="不是有效的金额"):
        parse_amount("一百元")


def test_format_yuan_two_decimals_with_separators():
    assert format_yuan(Decimal("1234567.5")) == "1,234,567.50"
