"""模板管理 as a service: who may adjust the report templates, with each change in the audit trail.

The template files themselves are handled by exports.template; this adds the permission (系统设置) and the
audit entry, so that the window and the command line are held to the same rule.
"""
from __future__ import annotations

from pathlib import Path

from ledger import audit
from ledger.app import Ledger

from .template import TemplateInfo, export_builtin, install_custom, list_templates, reset_to_builtin


def templates(ledger: Ledger) -> list[TemplateInfo]:
    ledger.actor.require("report.export")
    return list_templates()


def save_builtin(ledger: Ledger, name: str, dest: str | Path) -> Path:
    """A copy of the built-in template for an office to adjust in Excel/WPS."""
    ledger.actor.require("report.export")
    return export_builtin(name, dest)


def install(ledger: Ledger, name: str, src: str | Path) -> Path:
    """Check an adjusted template and make it the one used from now on."""
    ledger.actor.require("settings.write")
    target = install_custom(name, src)
    audit.note(ledger, "安装模板", "模板", None, name, [{"field": "文件", "old": None, "new": str(src)}])
    return target


def reset(ledger: Ledger, name: str) -> bool:
    """Go back to the built-in template; False if none was adjusted."""
    ledger.actor.require("settings.write")
    removed = reset_to_builtin(name)
    if removed:
        audit.note(ledger, "恢复内置模板", "模板", None, name)
    return removed
