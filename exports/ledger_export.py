"""台账导出: any ledger with the columns of its import template — an xlsx that imports back as it is, or a PDF to file.

One writer for every ledger, driven by the service's fields: the header is Field.label, the cells are the
values in the form the importer reads back (dates as dates, amounts as exact numbers, 是/否, 功能室 as
'会议室(60)、活动室(80)', a party organisation's 网格 by its 编号). The layout is the one the window prints a
table with (exports/table_xlsx.py, exports/table_pdf.py): every text whole, the key columns (the record's name)
on every page when the columns do not fit one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from exports import ExportError
from exports.safe import check_writable
from exports.table import TableColumn
from exports.table_pdf import render_table_pdf
from exports.table_xlsx import render_table_xlsx
from ledger import audit
from ledger.app import Ledger
from ledger.fields import Field, format_rooms
from ledger.models import Grid
from ledger.services import LEDGERS
from ledger.services.base import current_street

# text fields holding digits a spreadsheet must not turn into a number (nor a printer break over lines)
CODE_KEYS = frozenset(("phone", "bank_account", "voucher_no", "code"))
# the columns that say which record a printed row is, repeated on every page of a wide ledger
KEY_FIELDS = {"communities": ("name",), "orgs": ("name",), "grids": ("community", "code", "name"),
              "workers": ("name",), "funds": ("entry_date", "community"), "venues": ("name",)}
_KINDS = {"money": "money", "decimal": "decimal", "int": "int", "date": "date", "bool": "short", "choice": "short",
          "idcard": "code"}
TEXT_HINT = 16     # characters of a long text (地址, 备注, 功能室) on one printed line before it wraps


@dataclass(frozen=True)
class LedgerExport:
    path: Path
    rows: int
    masked: bool      # personal columns were masked because the user may not read them in full
    warnings: tuple[str, ...] = ()   # stored values that fail their check, written as stored (a damaged 身份证号)


def export_fields(key: str) -> list[Field]:
    """The columns of a ledger's export: those of its import template (entered, not derived)."""
    return [f for f in LEDGERS[key].fields if not f.derived]


def cell_value(field: Field, value: Any) -> Any:
    """A value as written to its cell, in a form Field.parse reads back to the same value."""
    if value is None or value == "":
        return None
    kind = field.kind
    if kind == "bool":
        return "是" if value else "否"
    if kind == "rooms":
        return format_rooms(value) or None
    if kind in ("money", "decimal"):
        return Decimal(value)
    if kind == "int":
        return int(value)
    if kind == "date":
        return value
    if isinstance(value, (datetime, date, Decimal, int)) and kind in ("text", "ref", "choice"):
        return str(value)
    return value


def _records(ledger: Ledger, key: str, community_id: int | None) -> list[dict[str, Any]]:
    service = LEDGERS[key]
    records = service(ledger).list(community_id)
    if "grid_id" in service.model.__table__.columns and any(f.key == "grid" for f in service.fields):
        # the importer finds a grid by its 编号 first; a 名称 like 第1网格 repeats across communities
        with ledger.reading() as session:
            codes = dict(session.execute(select(Grid.id, Grid.code)).all())
        for record in records:
            record["grid"] = codes.get(record.get("grid_id"), "")
    return records


def export_rows(ledger: Ledger, key: str, community_id: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """The header and the cell values of a ledger's export (also what the benchmark hands to xlsxwriter)."""
    fields = export_fields(key)
    records = _records(ledger, key, community_id)
    return [f.label for f in fields], [[cell_value(f, r.get(f.key)) for f in fields] for r in records]


def column_kind(field: Field) -> str:
    """How a field's values print (see exports/table.py)."""
    if field.key in CODE_KEYS:
        return "code"
    return _KINDS.get(field.kind, "text")


def table_columns(key: str, fields: list[Field] | None = None) -> list[TableColumn]:
    """The printed columns of a ledger's export (or of the given fields of it, as a window shows them)."""
    keys = KEY_FIELDS.get(key, ())
    fields = export_fields(key) if fields is None else fields
    return [table_column(f, f.key in keys or (not keys and index == 0)) for index, f in enumerate(fields)]


def table_column(field: Field, key: bool = False) -> TableColumn:
    """How one field's values print."""
    kind = column_kind(field)
    return TableColumn(field.label, kind, min(field.max_length, TEXT_HINT) if kind == "text" else None, key=key)


def export_ledger(ledger: Ledger, key: str, out_path: str | Path, community_id: int | None = None, *,
                  warn: Callable[[str], None] | None = None) -> LedgerExport:
    """Write one ledger to `out_path`, .xlsx or .pdf; an export holding personal columns is audited."""
    ledger.actor.require("report.export")
    service = LEDGERS[key]
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ExportError(f"台账只能导出为 .xlsx 或 .pdf，而“{out_path.name}”不是")
    check_writable(out_path)
    fields = export_fields(key)
    records = _records(ledger, key, community_id)
    with ledger.reading() as session:
        street = current_street(session)
    street_name = street.name if street else ""
    masked = any(f.personal for f in fields) and not ledger.actor.shows_personal
    now = datetime.now()
    note = f"导出时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}，共{len(records)}条"
    if masked:
        note += "（身份证号、银行账号、联系电话已按权限遮蔽，此文件不能用于重新导入这些信息）"
    title = f"{street_name}{service.name}台账"
    rows = [[cell_value(f, r.get(f.key)) for f in fields] for r in records]
    if suffix == ".pdf":
        render_table_pdf(title, note, table_columns(key), rows, out_path)
    else:
        render_table_xlsx(title, note, table_columns(key), rows, out_path, warn=warn)
    if any(f.personal for f in fields):
        audit.exported(ledger, f"{service.name}台账导出", out_path, len(rows), personal=True)
    return LedgerExport(out_path, len(rows), masked, _doubts(service, records))


def _doubts(service, records: list[dict[str, Any]]) -> tuple[str, ...]:
    """One line per record whose stored values fail their check: who, and what is wrong."""
    label = next((f.label for f in service.fields if f.key == service.label_key), "")
    out = []
    for r in records:
        for message in (r.get("doubts") or {}).values():
            community = f"（{r['community']}）" if r.get("community") else ""
            out.append(f"{service.name} {label}“{r.get(service.label_key) or ''}”{community}：{message}")
    return tuple(out)
