"""Values as clerks type them: dates in many shapes, full-width digits, 是/否 variants."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ledger.values import normalize, parse_bool, parse_date, parse_decimal, parse_int


@pytest.mark.parametrize("text, expected", [
    ("2015.03", date(2015, 3, 1)), ("2015年3月", date(2015, 3, 1)), ("2015-3-1", date(2015, 3, 1)),
    ("2015/03/01", date(2015, 3, 1)), ("2015年3月15日", date(2015, 3, 15)), ("２０１５－０３－０１", date(2015, 3, 1)),
    (42064, date(2015, 3, 1)), ("42064", date(2015, 3, 1)), (datetime(2015, 3, 1, 8, 0), date(2015, 3, 1)),
    ("20150301", date(2015, 3, 1)),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_bad_date_names_the_accepted_forms():
    with pytest.raises(ValueError, match="2015年3月"):
        parse_date("三月")
    with pytest.raises(ValueError):
        parse_date("2015-02-30")


def test_numbers_as_text_and_full_width():
    assert parse_int(" １２３ ") == 123
    assert parse_int("450户") == 450
    assert parse_int(450.0) == 450
    assert parse_decimal("1,200.5平方米") == Decimal("1200.50")
    with pytest.raises(ValueError, match="整数"):
        parse_int("12.5")


@pytest.mark.parametrize("text", ["是", "√", "Y", "y", "1", 1, True])
def test_yes(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["否", "", None, "N", "0", 0])
def test_no(text):
    assert parse_bool(text) is False


def test_normalize_strips_full_width_space():
    assert normalize("\u3000幸福社区 ") == "幸福社区"
