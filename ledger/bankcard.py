"""Bank card numbers: the Luhn check digit of 银联 cards, a warning (never a refusal) when it does not verify.

Which numbers are checked: 16–19 digits starting with 62 — the 银联 (UnionPay) range that nearly every
Chinese debit card used for payroll is issued in, and whose card rules prescribe the Luhn (ISO/IEC 7812) check
digit. Other account numbers (passbook and company accounts, foreign-brand cards, older local cards) follow
rules of their own bank and are not checked: a wrong warning there would teach clerks to ignore the warning.
"""
from __future__ import annotations

import re

from .idcard import digit_codes

_SEPARATORS = re.compile(r"[\s\-]")
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")   # a digit doubled, its two digits summed (7 → 14 → 5)


def luhn_ok(digits: str) -> bool:
    """Whether a string of digits ends in its Luhn check digit."""
    # From the right, every second digit is doubled. Summed as codes (each the digit + 48) in C, without a
    # Python step per digit: every 银行账号 of a 10,000-worker roster is checked each time its page opens.
    right = digit_codes(digits)[::-1]
    return (sum(right[::2]) + sum(right[1::2].translate(_DOUBLED)) - ord("0") * len(right)) % 10 == 0


def luhn_digit(body: str) -> str:
    """The check digit that makes `body` + digit pass the Luhn check (for demo data and tests)."""
    return next(d for d in "0123456789" if luhn_ok(body + d))


def doubt(account: str | None) -> str | None:
    """Why a 银行账号 looks mistyped (a 银联 card number whose check digit does not verify), else None."""
    if not account:
        return None
    # Bare digits (as most numbers are stored) need no tidying: the separators' regex only for the rest. The 银联
    # range by str methods, not a regex: every 银行账号 of a 10,000-worker roster is checked as its page opens.
    # (isdecimal() is the regex's \d: any Unicode decimal digit.)
    digits = account if account.isdecimal() else _SEPARATORS.sub("", account)
    if 16 <= len(digits) <= 19 and digits.startswith("62") and digits.isdecimal() and not luhn_ok(digits):
        return "银联卡号的校验位不对，可能有录错的数字，请与本人核对（代发时银行会退回）"
    return None
