"""数据检查 (`check`): each finding about a record carries the record, named as a person reads it."""
from __future__ import annotations

from sqlalchemy import update

from ledger.models import Worker
from ledger.services import CommunityService, PartyOrgService, WorkerService
from ledger.services.checks import run_checks
from tests.helpers import worker


def test_findings_carry_their_record(ledger, writes_around):
    CommunityService(ledger).create({"name": "幸福社区"})
    clerk = WorkerService(ledger).create(worker(level="5"))
    with ledger.unit("ledger.write") as session:        # a level the form would refuse, as an old import left it
        session.execute(update(Worker).where(Worker.id == clerk["id"]).values(level=14))
    branch = PartyOrgService(ledger).create({"name": "第1网格党支部", "category": "网格党支部", "community": "幸福社区",
                                             "members_total": "2", "members_full": "2", "members_probation": "0"})
    findings = {(f.ledger, f.record_id): f for f in run_checks(ledger).findings}
    level = findings[("workers", clerk["id"])]
    assert (level.severity, level.where, level.label) == ("错误", "社区工作者", "张华（幸福社区）")
    assert level.message == "等级14超出三岗范围1–12级"
    assert level.line() == "[错误] 社区工作者 张华（幸福社区）：等级14超出三岗范围1–12级"
    small = findings[("orgs", branch["id"])]
    assert (small.where, small.label, small.community_id) == ("党组织", "幸福社区 第1网格党支部", branch["community_id"])
    assert small.message == "正式党员只有2人，党支部应有3名以上正式党员"


def test_a_warning_that_names_its_record_says_it_once(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    org = PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                          "term_start": "2015-01-01"})
    term = next(f for f in run_checks(ledger).findings if f.record_id == org["id"])
    assert term.ledger == "orgs" and term.label == "幸福社区党委"
    assert term.problem == "任期已于2020年01月01日届满，尚未换届"
    assert term.line() == "[警告] 党组织：幸福社区党委任期已于2020年01月01日届满，尚未换届"
