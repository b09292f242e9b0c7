"""The width a printed figure needs, against what LibreOffice printed (the estimate both the built-in templates
and the check of an office's template rely on)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exports.cell_width import fitted_width, needed_width, shown


@pytest.mark.parametrize("value, fmt, text", [
    (Decimal("11429606.4"), "#,##0.00", "11,429,606.40"),
    (Decimal("-3456.78"), "#,##0.00", "-3,456.78"),
    (Decimal("296200"), "#,##0.00", "296,200.00"),
    (12345, "0", "12345"),
    (Decimal("87.54"), "0.0", "87.5"),
    (Decimal("0.875"), "0.0%", "87.5%"),
    (Decimal("1234.50"), "General", "1234.5"),
    (Decimal("12.3"), '#,##0.00"元"', "12.30元"),
    (date(2026, 1, 5), "yyyy-mm-dd", "0000-00-00"),
])
def test_a_figure_is_measured_as_its_format_prints_it(value, fmt, text):
    assert shown(value, fmt) == text


def test_text_is_not_measured():
    assert shown("幸福社区", "@") is None and shown(None) is None and shown(True) is None


# bold 10 pt 宋体 as LibreOffice 7.4 printed it (at 100 % and fitted to the page): the narrowest width that showed
# the figure in both, and the widest that showed ### in either
MEASURED = [("9,999.99", 7.5, 7.0), ("99,999.99", 9.0, 8.0), ("999,999.99", 10.0, 9.0),
            ("9,999,999.99", 11.5, 10.5), ("99,999,999.99", 12.5, 11.5), ("999,999,999.99", 13.5, 12.5),
            ("9,999,999,999.99", 15.0, 14.0)]


@pytest.mark.parametrize("text, printed, hashes", MEASURED)
def test_the_estimate_reports_what_printed_hashes_and_sizes_what_printed(text, printed, hashes):
    assert needed_width(text, 10, bold=True) > hashes
    assert fitted_width(text, 10, bold=True) >= printed


def test_the_issues_total_in_a_column_nine_wide_is_too_wide():
    # 工资发放表 as it was: 296,200.00 in bold in a column 9 wide printed ###
    assert needed_width("296,200.00", 10, bold=True) > 9
    assert needed_width("59,000.00", 10, bold=True) <= 9       # and a street's 基础绩效 did not
