"""年度考核 for many at once, and the warning of a bonus month whose workers lack it (奖励性绩效 0)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.errors import ValidationError
from ledger.idcard import make_id
from ledger.models import Appraisal
from ledger.pay.appraisals import appraisal_sheet, bonus_gaps, record_appraisals
from ledger.pay.runs import Payroll
from ledger.services import CommunityService, WorkerService
from tests.helpers import count, snapshot, worker


@pytest.fixture
def three(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    ids = [WorkerService(ledger).create(worker(name=name, id_number=make_id("150203", date(1980 + n, 3, 1), 21 + n)))["id"]
           for n, name in enumerate(("张华", "李敏", "王强"))]
    WorkerService(ledger).add_history(ids[0], "年度考核", {"year": 2026, "grade": "优秀"})
    return ledger, ids


def test_a_december_without_appraisals_says_how_many_get_no_bonus(three):
    ledger, ids = three
    Payroll(ledger).run("2026-12")
    gaps = bonus_gaps(ledger, "2026-12")
    assert gaps.warning() == "有2人未录入2026年度考核，奖励性绩效为0"
    bonus = {line.worker_id: line.bonus for line in Payroll(ledger).lines("2026-12")}
    assert bonus == {ids[0]: Decimal("6000.00"), ids[1]: Decimal("0.00"), ids[2]: Decimal("0.00")}

    assert record_appraisals(ledger, 2026, {ids[1]: "合格", ids[2]: "基本合格"}) == 2
    gaps = bonus_gaps(ledger, "2026-12")
    assert (gaps.missing, gaps.waiting) == (0, 2)
    assert gaps.warning() == "2人的2026年度考核在本表计算后才录入，重新计算2026年12月工资表后才计入奖励性绩效"
    Payroll(ledger).run("2026-12")
    assert bonus_gaps(ledger, "2026-12") is None
    bonus = {line.worker_id: line.bonus for line in Payroll(ledger).lines("2026-12")}
    assert bonus == {ids[0]: Decimal("6000.00"), ids[1]: Decimal("4000.00"), ids[2]: Decimal("2000.00")}


def test_a_month_without_the_bonus_has_no_warning(three):
    ledger, _ids = three
    Payroll(ledger).run("2026-11")
    assert bonus_gaps(ledger, "2026-11") is None


def test_appraisals_are_all_or_nothing_and_name_the_refused_row(three):
    ledger, ids = three
    rows = snapshot(ledger, Appraisal)
    with pytest.raises(ValidationError) as refused:
        record_appraisals(ledger, 2026, {ids[0]: "合格", ids[1]: "良好", ids[2]: "合格"})
    assert str(refused.value) == "李敏（幸福社区）：考核结果“良好”应为优秀/合格/基本合格/不合格"
    assert snapshot(ledger, Appraisal) == rows


def test_the_sheet_lists_the_runs_workers_with_their_grades(three):
    ledger, ids = three
    Payroll(ledger).run("2026-12")
    sheet = appraisal_sheet(ledger, 2026, "2026-12")
    assert [(r.worker_id, r.name, r.grade, r.post) for r in sheet] == [
        (ids[0], "张华", "优秀", "三岗"), (ids[1], "李敏", None, "三岗"), (ids[2], "王强", None, "三岗")]
    record_appraisals(ledger, 2026, {ids[0]: "合格"})      # changed, not added twice
    assert count(ledger, Appraisal) == 1
    assert appraisal_sheet(ledger, 2026)[0].grade == "合格"
