"""`check`: the database's integrity and the ledgers' consistency, in one report.

A finding about one record carries it (its ledger's key, its id and its name as a person reads it), so that
the window's 数据检查 opens the record with a double-click and the command line names it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from .. import catalog
from ..app import Ledger
from ..audit_chain import chain_findings
from ..bypass_probe import bypass_findings
from ..figures import household_findings
from ..models import PartyOrg, PayLine, Worker
from ..party import BRANCHES
from ..record_names import named
from .alerts import alerts
from .base import community_names
from .paystandards import standard_in_force
from .stored_values import stored_value_findings


@dataclass(frozen=True)
class Finding:
    severity: str  # 错误 / 警告
    where: str     # what kind of thing: 社区工作者, 党组织, 数据库文件, 工资表 …
    message: str
    ledger: str | None = None         # the record's ledger key (catalog), when the finding is about one record
    record_id: int | None = None
    label: str = ""                   # the record as a person names it: 幸福社区 第1网格, 张华（幸福社区）
    community_id: int | None = None   # the 社区 it concerns (a fund category's overspending has no record)

    @property
    def problem(self) -> str:
        """The message without the record's name where it begins with it (a table shows the name beside it)."""
        if self.label and self.message.startswith(self.label):
            return self.message[len(self.label):].lstrip("：: ") or self.message
        return self.message

    def line(self) -> str:
        """[警告] 党组织 幸福社区 第1网格党支部：正式党员只有2人… (a message that names its record says it once)"""
        named = self.label and not self.message.startswith(self.label)
        return f"[{self.severity}] {self.where}{' ' + self.label if named else ''}：{self.message}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "错误"]

    def summary(self) -> str:
        warnings = len(self.findings) - len(self.errors)
        return f"{len(self.errors)}个错误，{warnings}个警告" if self.findings else "未发现问题"


def run_checks(ledger: Ledger) -> CheckReport:
    report = CheckReport()
    add = lambda sev, where, msg, **record: report.findings.append(Finding(sev, where, msg, **record))  # noqa: E731
    with ledger.reading() as session:
        if session.bind.dialect.name == "sqlite":
            result = session.execute(text("PRAGMA integrity_check")).scalars().all()
            if result != ["ok"]:
                add("错误", "数据库文件", "完整性检查未通过：" + "；".join(result[:5]))
            for row in session.execute(text("PRAGMA foreign_key_check")).all()[:20]:
                add("错误", "数据库文件", f"表 {row[0]} 第 {row[1]} 行引用了不存在的 {row[2]} 记录")
        from datetime import date
        standard = standard_in_force(session, date.today())
        names = community_names(session)
        workers = catalog.ledger("workers")
        for w in session.execute(select(Worker.id, Worker.name, Worker.community_id, Worker.post, Worker.level,
                                        Worker.dual_role).where(Worker.status == "在岗")):
            worker = {"ledger": "workers", "record_id": w.id, "community_id": w.community_id,
                      "label": named(w.name, names.get(w.community_id), person=True)}
            try:
                post = standard.post(w.post)
            except KeyError:
                add("错误", workers.name, f"岗位编号{w.post}不在现行工资标准的岗位中", **worker)
                continue
            if not post.admits(w.level):
                add("错误", workers.name, f"等级{w.level}超出{post.name}范围{post.range_text}", **worker)
        orgs = catalog.ledger("orgs")
        for org in session.execute(select(PartyOrg.id, PartyOrg.name, PartyOrg.community_id, PartyOrg.category,
                                          PartyOrg.members_total, PartyOrg.members_full, PartyOrg.members_probation)):
            where = orgs.name
            record = {"ledger": "orgs", "record_id": org.id, "community_id": org.community_id,
                      "label": named(org.name, names.get(org.community_id))}
            if org.members_total is not None and org.members_full is not None and org.members_probation is not None \
                    and org.members_full + org.members_probation != org.members_total:
                add("警告", where, f"正式党员{org.members_full}+预备党员{org.members_probation}≠党员总数{org.members_total}",
                    **record)
            if org.category in BRANCHES:
                if org.members_full is not None and org.members_full < 3:
                    add("警告", where, f"正式党员只有{org.members_full}人，党支部应有3名以上正式党员", **record)
                if org.members_total is not None and org.members_total > 50:
                    add("警告", where, f"党员{org.members_total}人，党支部一般不超过50人，可考虑拆分", **record)
        ids = {name: cid for cid, name in names.items()}
        for name, why in household_findings(session):
            add("警告", catalog.ledger("communities").name, why, ledger="communities", record_id=ids.get(name),
                community_id=ids.get(name), label=name)
        if ledger.actor.can("pay.read"):   # pay figures are for those who may read pay
            bad_lines = session.scalar(select(func.count()).select_from(PayLine).where(
                PayLine.__table__.c.net != PayLine.__table__.c.gross - PayLine.__table__.c.deduct_total))
            if bad_lines:
                add("错误", "工资表", f"{bad_lines}行实发工资不等于应发合计减扣款合计")
    for alert in alerts(ledger):
        add("警告", catalog.ledger(alert.ledger).name, alert.text, ledger=alert.ledger, record_id=alert.record_id,
            label=alert.label, community_id=alert.community_id)
    from ..backup import trust_findings   # accounts, automatic backups
    from ..protection import findings as protection   # triggers, row policies, privileges, roles
    for severity, where, message in trust_findings(ledger) + protection(ledger):
        add(severity, where, message)
    for findings in (chain_findings, bypass_findings, stored_value_findings):
        for severity, where, message in findings(ledger):
            add(severity, where, message)
    return report
