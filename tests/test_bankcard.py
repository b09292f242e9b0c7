"""银行账号: the Luhn check of 银联 card numbers, a warning (never a refusal) when it fails."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ledger.bankcard import doubt, luhn_digit, luhn_ok


def _luhn_by_the_book(digits: str) -> bool:
    """ISO/IEC 7812 as written: from the right, every second digit doubled, a two-digit result's digits summed."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


@given(st.text("0123456789", min_size=1, max_size=25))
def test_luhn_is_the_standard_check(digits):
    assert luhn_ok(digits) == _luhn_by_the_book(digits)


def test_full_width_digits_are_read_as_digits():
    assert luhn_ok("６２２２０２１２３４５６７８９０１２３") == luhn_ok("6222021234567890123")


def test_a_unionpay_number_with_a_wrong_check_digit_is_doubted():
    body = "622202123456789012"
    good = body + luhn_digit(body)
    bad = body + str((int(luhn_digit(body)) + 1) % 10)
    assert doubt(good) is None
    assert doubt(f"{good[:4]} {good[4:8]}-{good[8:]}") is None   # separators as clerks type them
    assert "校验位" in doubt(bad)
    assert doubt("4" + bad[1:]) is None          # not 银联: its bank's own rules, not checked


@given(st.text("0123456789 -", max_size=24))
def test_a_unionpay_card_number_is_doubted_exactly_when_its_digits_fail_the_check(rest):
    # 62 and 14–17 more digits, however a clerk spaced or hyphenated them, bare digits or not
    account = "62" + rest
    digits = account.replace(" ", "").replace("-", "")
    assert (doubt(account) is not None) == (16 <= len(digits) <= 19 and not _luhn_by_the_book(digits))
