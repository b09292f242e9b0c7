"""身份证号 by GB 11643: check digit, derived sex and birth date, and Excel-mangled numbers explained."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.idcard import check_digit, make_id, mask, parse_id, read_id


def test_known_valid_number():
    # 11010519491231002X is the standard's own example: weights sum 167, 167 mod 11 = 2 → 'X'.
    card = parse_id("11010519491231002x")
    assert card.number == "11010519491231002X"
    assert card.birth_date == date(1949, 12, 31)
    assert card.sex == "女"  # 17th digit 2 is even


def test_wrong_check_digit_is_refused():
    with pytest.raises(ValueError, match="校验位不正确"):
        parse_id("110105194912310021")


def test_excel_scientific_notation_is_explained():
    with pytest.raises(ValueError, match="文本"):
        parse_id("1.10105E+17")
    with pytest.raises(ValueError, match="Excel"):
        parse_id(1.10105194912310e17)


def test_excel_integer_with_lost_digits_is_explained():
    # Excel keeps 15 significant digits: the last three become 000, which fails the check digit.
    with pytest.raises(ValueError, match="Excel"):
        parse_id(110105194912310000)


def test_impossible_birth_date():
    first17 = "11010519491332002"
    with pytest.raises(ValueError, match="出生日期"):
        parse_id(first17 + check_digit(first17))


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)), st.integers(0, 999))
def test_made_ids_parse_back(birth, seq):
    card = parse_id(make_id("150203", birth, seq))
    assert card.birth_date == birth
    assert card.sex == ("男" if (seq % 10) % 2 else "女")


def test_mask_keeps_region_and_last_four():
    assert mask("11010519491231002X") == "110105********002X"


def test_a_stored_number_reads_as_the_typed_one():
    typed = parse_id(" 11010519491231002x ")
    assert read_id("11010519491231002X") == typed
    assert read_id("１１０１０５１９４９１２３１００２X") == parse_id("１１０１０５１９４９１２３１００２X")
    with pytest.raises(ValueError, match="校验位不正确"):
        read_id("110105194912310021")
    with pytest.raises(ValueError, match="出生日期"):
        read_id("110105194913310021")


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_digit_is_the_standards_weighted_sum(first17):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert check_digit(first17) == "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.mark.parametrize("born", [date.today() + timedelta(days=1), date(1899, 12, 31)])
def test_a_birth_date_in_the_future_or_before_1900_is_refused_as_unreasonable(born):
    number = make_id("110105", born, 1)
    with pytest.raises(ValueError, match="不合理"):
        read_id(number)


@pytest.mark.parametrize("born", [date.today(), date(2000, 12, 31), date(1900, 1, 1)])
def test_a_birth_date_up_to_today_is_read(born):
    assert read_id(make_id("110105", born, 1)).birth_date == born
