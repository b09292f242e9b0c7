"""民生诉求 in the 季度统计汇总: a small case set in two communities worked out by hand, in the xlsx cells, the PDF
text and the 报表 page; frozen when the quarter is closed, whatever steps are taken on the cases afterwards."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from exports.quarterly_pdf import write_quarterly_pdf
from exports.quarterly_xlsx import write_quarterly_xlsx
from ledger import quarter
from ledger.case_figures import CaseFigures
from ledger.services.cases import CaseService
from tests.test_case_figures import case
from tests.test_quarter import AFTER_Q3, Q3, build_street

D = Decimal
FIRST_ROW = 9
CASES = slice(29, 35)     # 受理, 办结, 办结率, 按期办结率, 满意率, 超期未结 (columns AD:AI)


def build_cases(ledger) -> dict[str, dict]:
    """The cases of build_street's two communities. Deadlines in working days after the 转办 (or after a first
    不满意, which sends a case back): J1 07-09, J2 07-15, J3 08-10, J4 09-08; Y1 07-10 and after its first 不满意
    (07-13) 07-16; Y2 06-18; Y3 10-10 (a Saturday worked after 国庆); Y4 2025-12-04."""
    return {
        # handled in time, 满意
        "J1": case(ledger, "甲社区", "2026-07-06", ("上报", "2026-07-06"), ("转办", "2026-07-06", "3"),
                   ("处置", "2026-07-08"), ("反馈", "2026-07-09"), ("评价", "2026-07-09", "满意")),
        # handled late (07-20 after 07-15), 基本满意
        "J2": case(ledger, "甲社区", "2026-07-13", ("上报", "2026-07-13"), ("转办", "2026-07-13", "2"),
                   ("处置", "2026-07-20"), ("反馈", "2026-07-21"), ("评价", "2026-07-21", "基本满意")),
        # never handled: 超期未结 at the quarter's end
        "J3": case(ledger, "甲社区", "2026-08-03", ("上报", "2026-08-03"), ("转办", "2026-08-03", "5")),
        # handled in time, not yet rated
        "J4": case(ledger, "甲社区", "2026-09-01", ("上报", "2026-09-01"), ("转办", "2026-09-01", "5"),
                   ("处置", "2026-09-07"), ("反馈", "2026-09-08")),
        # handled on its deadline day, 不满意, handled again in time, 不满意 again: closed 不满意结案
        "Y1": case(ledger, "乙社区", "2026-07-07", ("上报", "2026-07-07"), ("转办", "2026-07-07", "3"),
                   ("处置", "2026-07-10"), ("反馈", "2026-07-13"), ("评价", "2026-07-13", "不满意"),
                   ("处置", "2026-07-15"), ("反馈", "2026-07-16"), ("评价", "2026-07-16", "不满意")),
        # found in the second quarter and never handled
        "Y2": case(ledger, "乙社区", "2026-06-15", ("上报", "2026-06-15"), ("转办", "2026-06-15", "3")),
        # assigned two days before the quarter ends: open, not yet past its deadline
        "Y3": case(ledger, "乙社区", "2026-09-28", ("上报", "2026-09-28"), ("转办", "2026-09-28", "5")),
        # found last year and never handled: 超期未结, but no 受理 of 2026
        "Y4": case(ledger, "乙社区", "2025-12-01", ("上报", "2025-12-01"), ("转办", "2025-12-01", "3")),
    }


@pytest.fixture
def street(sqlite_ledger):
    build_street(sqlite_ledger)
    made = build_cases(sqlite_ledger)
    return sqlite_ledger, made


# 甲: 受理 J1–J4; 办结 J1 J2 J4, in time J1 J4; rated J1 满意, J2 基本满意; 超期未结 J3
JIA = CaseFigures(accepted=4, resolved=3, resolved_in_time=2, rated=2, satisfied=2, overdue_open=1)
# 乙: 受理 Y1–Y3 (Y4 is last year's); 办结 Y1, in time (07-15 before 07-16), closed 不满意; 超期未结 Y2 and Y4
YI = CaseFigures(accepted=3, resolved=1, resolved_in_time=1, rated=1, satisfied=0, overdue_open=2)


def rates(c: CaseFigures) -> tuple:
    return c.resolved_rate, c.in_time_rate, c.satisfaction_rate


def test_the_deadlines_the_figures_rest_on(street):
    _ledger, made = street
    assert {k: str(r["due_on"]) for k, r in made.items()} == {
        "J1": "2026-07-09", "J2": "2026-07-15", "J3": "2026-08-10", "J4": "2026-09-08", "Y1": "2026-07-16",
        "Y2": "2026-06-18", "Y3": "2026-10-10", "Y4": "2025-12-04"}


def test_the_quarters_case_figures_by_hand(street):
    ledger, _made = street
    report = quarter.report(ledger, Q3)
    a, b = report.figures.rows
    assert (a.name, a.cases, b.name, b.cases) == ("甲社区", JIA, "乙社区", YI)
    # 办结率 3/4, 按期 2/3, 满意 2/2; 乙: 1/3, 1/1, 0/1
    assert rates(a.cases) == (D("75.0"), D("66.7"), D("100.0"))
    assert rates(b.cases) == (D("33.3"), D("100.0"), D("0.0"))
    # the street's from the sums: 4/7 = 57.14…, 3/4, 2/3 = 66.66… (not the communities' rates averaged)
    assert report.figures.total.cases == CaseFigures(7, 4, 3, 3, 2, 3)
    keys = ("cases_accepted", "cases_resolved_rate", "cases_in_time_rate", "cases_satisfaction", "cases_overdue")
    assert [report.values[k] for k in keys] == [7, D("57.1"), D("75.0"), D("66.7"), 3]
    # the second quarter: Y2 accepted, not handled, past 06-18 as Y4 is: 办结率 0/1; nothing handled, nothing rated
    assert report.previous["cases_accepted"] == 1 and report.previous["cases_resolved_rate"] == D("0.0")
    assert [report.change(k) for k in keys] == [6, D("57.1"), None, None, 1]
    # year to date: a first quarter is not compared with the fourth
    assert quarter.report(ledger, "2026-Q1").change("cases_accepted") is None


def _table(ws) -> list[tuple]:
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        rows.append(row)
        if row[0] == "合计":
            return rows
    return rows


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "").replace("\n", "")


def test_the_workbook_states_them(street, tmp_path):
    ledger, _made = street
    out = tmp_path / "季度.xlsx"
    write_quarterly_xlsx(quarter.report(ledger, Q3), out)
    ws = openpyxl.load_workbook(out).active
    assert ws["AD7"].value == "民生诉求（件）"
    assert [ws.cell(8, c).value for c in range(30, 36)] == ["受理\n（1—9月）", "办结\n（1—9月）", "办结率\n（%）",
                                                            "按期\n办结率\n（%）", "满意率\n（%）", "超期\n未结"]
    a, b, total = _table(ws)
    assert a[CASES] == (4, 3, 75, 66.7, 100, 1)
    assert b[CASES] == (3, 1, 33.3, 100, 0, 2)
    assert total[CASES] == (7, 4, 57.1, 75, 66.7, 3)
    assert [ws.cell(FIRST_ROW, c).number_format for c in range(30, 36)] == ["0", "0", "0.0", "0.0", "0.0", "0"]
    changes, notes = ws["A12"].value, ws["A13"].value
    assert "诉求受理+6件，诉求办结率+57.1个百分点，超期未结诉求+1件" in changes
    assert "按期办结率" not in changes and "诉求满意率" not in changes      # nothing to compare with in Q2
    assert "民生诉求受理数为2026年1—9月发现登记的诉求" in notes
    assert "超期未结为截至2026年9月30日已过办理时限仍未办结的诉求（含以前年度受理的）" in notes


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_pdf_states_them(street, tmp_path):
    ledger, _made = street
    text = _text(write_quarterly_pdf(quarter.report(ledger, Q3), tmp_path / "季度.pdf"))
    assert "1—9月受理民生诉求7件，办结4件，办结率57.1%、按期办结率75.0%、满意率66.7%；截至2026年9月30日超期未结3件。" in text
    # the indicator cards, row by row: labels, figures, changes (按期办结率 and 满意率: nothing to divide by in Q2)
    assert ("诉求受理（件）诉求办结率（%）按期办结率（%）诉求满意率（%）超期未结诉求（件）" "7" "57.1" "75.0" "66.7" "3"
            "较上季度+6件" "较上季度+57.1个百分点" "—" "—" "较上季度+1件") in text
    #  序号 社区 共建单位 实施中 已完成 报到党员 队伍 活动 人次 | 受理 办结 办结率 按期办结率 满意率 超期未结 | 小区 覆盖率
    assert "1甲社区0000*000" "4375.066.7100.01" "0—" in text
    assert "2乙社区0000*000" "3133.3100.00.02" "0—" in text
    assert "合计0000000" "7457.175.066.73" "0—" in text


def _later_steps(ledger, made) -> None:
    """Steps taken after the quarter was closed: J3 handled late (dated within the quarter), J4 rated, Y3 handled."""
    service = CaseService(ledger)
    service.act(made["J3"]["id"], "处置", {"on": "2026-09-29", "result": "已补办"})
    service.act(made["J4"]["id"], "评价", {"on": "2026-10-09", "rating": "满意"})
    service.act(made["Y3"]["id"], "处置", {"on": "2026-09-30", "result": "已办结"})


def test_a_closed_quarter_reprints_the_same_after_later_steps(street, tmp_path):
    ledger, made = street
    quarter.close_quarter(ledger, Q3, today=AFTER_Q3)
    write_quarterly_xlsx(quarter.report(ledger, Q3), tmp_path / "before.xlsx")
    write_quarterly_pdf(quarter.report(ledger, Q3), tmp_path / "before.pdf")
    _later_steps(ledger, made)
    frozen = quarter.report(ledger, Q3)
    assert [r.cases for r in frozen.figures.rows] == [JIA, YI]
    assert frozen.values["cases_resolved_rate"] == D("57.1") and frozen.change("cases_overdue") == 1
    write_quarterly_xlsx(frozen, tmp_path / "after.xlsx")
    write_quarterly_pdf(frozen, tmp_path / "after.pdf")
    before = openpyxl.load_workbook(tmp_path / "before.xlsx").active
    after = openpyxl.load_workbook(tmp_path / "after.xlsx").active
    assert _table(after) == _table(before) and _table(after)[2][CASES] == (7, 4, 57.1, 75, 66.7, 3)
    assert after["A12"].value == before["A12"].value
    if shutil.which("pdftotext"):
        assert _text(tmp_path / "after.pdf") == _text(tmp_path / "before.pdf")
    # what the ledgers now say of the same quarter: J3 and Y3 handled by 30 September (J3 late), J4's rating
    # came in October; 超期未结 Y2 and Y4 only
    with ledger.reading() as session:
        live = quarter.compute(session, Q3).total.cases
    assert live == CaseFigures(accepted=7, resolved=6, resolved_in_time=4, rated=3, satisfied=2, overdue_open=2)


def test_the_reports_page_shows_them(street):
    from ui.quarterly_view import community_table, indicator_rows
    ledger, _made = street
    report = quarter.report(ledger, Q3)
    headers, rows, _numeric = community_table(report)
    at = headers.index("诉求受理（1—9月）")
    assert headers[at:at + 6] == ["诉求受理（1—9月）", "诉求办结（1—9月）", "办结率", "按期办结率", "满意率", "超期未结"]
    assert rows[0][at:at + 6] == ("4", "3", "75.0%", "66.7%", "100.0%", "1")
    assert rows[-1][at:at + 6] == ("7", "4", "57.1%", "75.0%", "66.7%", "3")
    shown = {label: (value, change) for label, value, change in indicator_rows(report)}
    assert shown["诉求受理"] == ("7件", "+6件") and shown["诉求办结率"] == ("57.1%", "+57.1个百分点")
    assert shown["按期办结率"] == ("75.0%", "—") and shown["超期未结诉求"] == ("3件", "+1件")
