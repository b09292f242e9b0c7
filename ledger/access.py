"""Who may do what: the roles, the permissions each grants, the signed-in actor, and personal-data masking.

Permissions are checked in the services (through Ledger.unit), never by hiding buttons, so the GUI, the
command line and the importer are held to the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import PermissionDenied

ADMIN, CLERK, FINANCE, LEADER = "管理员", "台账录入员", "财务", "领导"
ROLES = (ADMIN, CLERK, FINANCE, LEADER)
# Who uses a database that has accounts before logging in: allowed nothing at all.
NOBODY = "未登录"
# Who uses a database without accounts: its administrator, as the status bar and the audit trail name them.
UNNAMED = "管理员"

# What each role is for, as the accounts dialog and `user list` explain it.
ROLE_HELP = {
    ADMIN: "全部功能，管理账号、备份与恢复",
    CLERK: "录入和修改台账",
    FINANCE: "工资标准、工资表、工资条和银行代发清单",
    LEADER: "查看全部台账、导出报表、督办民生诉求，不能修改",
}

# permission -> (Chinese description for the refusal message, roles that hold it)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "ledger.read": ("查看台账", frozenset(ROLES)),
    "ledger.write": ("修改台账", frozenset({ADMIN, CLERK})),
    # 民生诉求: 转办, 处置, 反馈 and 评价 also need an account of the whole street (ledger.case_flow.role_refusal);
    # 督办 is a leader's one write action.
    "case.handle": ("转办、处置、反馈和评价民生诉求", frozenset({ADMIN, CLERK})),
    "case.supervise": ("督办民生诉求", frozenset({ADMIN, LEADER})),
    "pay.read": ("查看工资", frozenset({ADMIN, FINANCE, LEADER})),
    "pay.write": ("录入补发、扣款和期初累计", frozenset({ADMIN, FINANCE})),
    "pay.run": ("生成、重算、审批或删除工资表", frozenset({ADMIN, FINANCE})),
    "pay.standard": ("修改工资标准", frozenset({ADMIN, FINANCE})),
    "pay.grading": ("审批年度调级", frozenset({ADMIN, FINANCE})),
    "pay.bank": ("导出银行代发清单", frozenset({ADMIN, FINANCE})),
    "personal.read": ("查看完整的身份证号、银行账号和电话", frozenset({ADMIN, CLERK, FINANCE})),
    "report.export": ("导出报表", frozenset(ROLES)),
    "quarter.close": ("关闭季度", frozenset({ADMIN})),
    "settings.write": ("修改系统设置", frozenset({ADMIN})),
    "accounts": ("管理账号", frozenset({ADMIN})),
    "audit.read": ("查看操作日志", frozenset({ADMIN, LEADER})),
    "backup": ("备份与恢复", frozenset({ADMIN})),
    "recycle.empty": ("清空回收站", frozenset({ADMIN})),
}


# Work that spans the whole street: refused to an account limited to one 社区 whatever its role, since its
# figures and records are every community's (DOMAIN.md §6).
STREET_WIDE = frozenset({"pay.run", "pay.standard", "pay.grading", "quarter.close", "settings.write", "accounts",
                         "backup"})


@dataclass(frozen=True)
class Actor:
    """The person behind an operation. A database without accounts acts as an unnamed administrator."""

    name: str | None = None
    role: str = ADMIN
    community_id: int | None = None   # limited to one community when set
    source: str = "命令行"             # 界面 / 命令行 / 导入 — recorded in the audit trail

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission][1]

    def require(self, permission: str) -> None:
        if self.role == NOBODY:
            raise PermissionDenied("此数据库已启用账号，请先登录")
        if not self.can(permission):
            what = PERMISSIONS[permission][0]
            raise PermissionDenied(f"“{self.name or '当前用户'}”的角色是{self.role}，没有“{what}”的权限")
        if permission in STREET_WIDE and self.community_id is not None:
            what, roles = PERMISSIONS[permission]
            who = "或".join(r for r in ROLES if r in roles)
            raise PermissionDenied(f"“{self.name or '当前用户'}”的账号只限一个社区；“{what}”涉及全街道，"
                                   f"须由不限社区的{who}账号操作")

    @property
    def shown_name(self) -> str:
        """The name the window shows for this person (a database without accounts: 管理员)."""
        return self.name or UNNAMED

    def with_source(self, source: str) -> "Actor":
        return replace(self, source=source)

    @property
    def shows_personal(self) -> bool:
        """Whether this person sees 身份证号, 银行账号 and 联系电话 in full (else masked)."""
        return self.can("personal.read")

    def personal(self, value: object) -> object:
        """A personal value as this person may see it: in full, or masked."""
        if self.shows_personal or value is None or value == "":
            return value
        return mask_personal(str(value))


def mask_personal(value: str | None) -> str:
    """110105********1234 for an ID or a bank account, 138****5678 for a phone: enough to tell people apart."""
    if not value:
        return ""
    text = str(value).strip()
    if len(text) <= 4:
        return "*" * len(text)
    head, tail = (6, 4) if len(text) >= 15 else (3, 4) if len(text) >= 10 else (0, 2)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]
