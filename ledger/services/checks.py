"""`check`: the database's integrity and the ledgers' consistency, in one report."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from ..app import Ledger
from ..models import PartyOrg, PayLine, Worker
from .alerts import alerts
from .base import community_names
from .paystandards import standard_in_force


@dataclass(frozen=True)
class Finding:
    severity: str  # 错误 / 警告
    where: str
    message: str


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
    add = lambda sev, where, msg: report.findings.append(Finding(sev, where, msg))  # noqa: E731
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
        for w in session.execute(select(Worker.id, Worker.name, Worker.community_id, Worker.post, Worker.level,
                                        Worker.dual_role).where(Worker.status == "在岗")):
            try:
                post = standard.post(w.post)
            except KeyError:
                add("错误", f"社区工作者 {w.name}", f"岗位代码 {w.post} 不在现行工资标准中")
                continue
            if not post.min_level <= w.level <= post.max_level:
                add("错误", f"社区工作者 {w.name}（{names.get(w.community_id, '')}）",
                    f"等级{w.level}超出{post.name}范围{post.min_level}–{post.max_level}级")
        for org in session.execute(select(PartyOrg.name, PartyOrg.category, PartyOrg.members_total,
                                          PartyOrg.members_full, PartyOrg.members_probation)):
            where = f"党组织 {org.name}"
            if org.members_total is not None and org.members_full is not None and org.members_probation is not None \
                    and org.members_full + org.members_probation != org.members_total:
                add("警告", where, f"正式党员{org.members_full}+预备党员{org.members_probation}≠党员总数{org.members_total}")
            if org.category in ("党支部", "联合党支部", "网格党支部", "小区党支部"):
                if org.members_full is not None and org.members_full < 3:
                    add("警告", where, f"正式党员只有{org.members_full}人，党支部应有3名以上正式党员")
                if org.members_total is not None and org.members_total > 50:
                    add("警告", where, f"党员{org.members_total}人，党支部一般不超过50人，可考虑拆分")
        if ledger.actor.can("pay.read"):   # pay figures are for those who may read pay
            bad_lines = session.scalar(select(func.count()).select_from(PayLine).where(
                PayLine.__table__.c.net != PayLine.__table__.c.gross - PayLine.__table__.c.deduct_total))
            if bad_lines:
                add("错误", "工资表", f"{bad_lines}行实发工资不等于应发合计减扣款合计")
    for alert in alerts(ledger):
        add("警告", {"orgs": "党组织", "grids": "网格", "venues": "阵地", "funds": "经费"}[alert.ledger], alert.text)
    from ..backup import trust_findings   # accounts, automatic backups
    from ..protection import findings     # triggers, row policies, privileges, roles
    for severity, where, message in trust_findings(ledger) + findings(ledger):
        add(severity, where, message)
    return report
