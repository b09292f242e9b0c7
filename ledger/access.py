"""Who may do what: the roles, the permissions each grants, and the signed-in actor.

Permissions are checked in the services (through Ledger.unit), never by hiding buttons, so the GUI, the
command line and the importer are held to the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied

ADMIN, CLERK, FINANCE, LEADER = "管理员", "台账录入员", "财务", "领导"
ROLES = (ADMIN, CLERK, FINANCE, LEADER)

# permission -> (Chinese description for the refusal message, roles that hold it)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "ledger.read": ("查看台账", frozenset(ROLES)),
    "ledger.write": ("修改台账", frozenset({ADMIN, CLERK})),
    "pay.read": ("查看工资", frozenset({ADMIN, FINANCE, LEADER})),
    "pay.write": ("修改工资标准或工资表", frozenset({ADMIN, FINANCE})),
    "pay.bank": ("导出银行代发清单", frozenset({ADMIN, FINANCE})),
    "personal.read": ("查看完整的身份证号、银行账号和电话", frozenset({ADMIN, CLERK, FINANCE})),
    "report.export": ("导出报表", frozenset(ROLES)),
    "quarter.close": ("关闭季度", frozenset({ADMIN})),
    "settings.write": ("修改系统设置", frozenset({ADMIN})),
    "accounts": ("管理账号", frozenset({ADMIN})),
    "backup": ("备份与恢复", frozenset({ADMIN})),
}


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
        if not self.can(permission):
            what = PERMISSIONS[permission][0]
            raise PermissionDenied(f"“{self.name or '当前用户'}”的角色是{self.role}，没有“{what}”的权限")

    def with_source(self, source: str) -> "Actor":
        return Actor(self.name, self.role, self.community_id, source)
