"""台账导出: any ledger as an xlsx with the columns of its import template, so that the file imports back as it is.

One writer for every ledger, driven by the service's fields: the header is Field.label, the cells are the
values in the form the importer reads back (dates as dates, amounts as exact numbers, 是/否, 功能室 as
'会议室(60)、活动室(80)', a party organisation's 网格 by its 编号). The layout is a small template made from
the fields and filled by exports.template, whose row writer emits sheet XML directly: measured on the city
demo's 94,400 funding entries, openpyxl's write-only mode alone took longer than the 3× of xlsxwriter that an
export may cost, while the template engine stays within it (bench/reports.py).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from exports.safe import check_writable
from exports.template import fill
from ledger import audit
from ledger.app import Ledger
from ledger.fields import Field, format_rooms
from ledger.models import Grid
from ledger.services import LEDGERS
from ledger.services.base import current_street

THIN = Side(style="thin", color="999999")
BOX = Border(THIN, THIN, THIN, THIN)
FORMATS = {"money": "#,##0.00", "decimal": "0.00", "int": "0", "date": "yyyy-mm-dd"}
WIDTHS = {"money": 13, "decimal": 11, "int": 9, "date": 12, "bool": 8, "idcard": 21, "rooms": 30}


@dataclass(frozen=True)
class LedgerExport:
    path: Path
    rows: int
    masked: bool      # personal columns were masked because the user may not read them in full
    warnings: tuple[str, ...] = ()   # stored values that fail their check, written as stored (a damaged 身份证号)


def export_fields(key: str) -> list[Field]:
    """The columns of a ledger's export: those of its import template (entered, not derived)."""
    return [f for f in LEDGERS[key].fields if not f.derived]


def _cell(field: Field, value: Any) -> Any:
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
    records = LEDGERS[key](ledger).list(community_id)
    if key == "orgs":
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
    return [f.label for f in fields], [[_cell(f, r.get(f.key)) for f in fields] for r in records]


def _template(path: Path, title: str, fields: list[Field]) -> None:
    """A one-sheet template: title, export line, the header of the import template, one {{#行}} row."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    n = len(fields)
    last = get_column_letter(n)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = "{{标题}}"
    ws["A1"].font = Font(name="黑体", size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = "{{说明}}，共{{计数}}条"
    ws["A2"].font = Font(name="宋体", size=9, color="555555")
    head_font = Font(name="宋体", size=10, bold=True)
    body_font = Font(name="宋体", size=10)
    fill_grey = PatternFill("solid", fgColor="F2F2F2")
    for index, f in enumerate(fields, start=1):
        letter = get_column_letter(index)
        head = ws.cell(3, index, f.label)
        head.font, head.fill, head.border = head_font, fill_grey, BOX
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell = ws.cell(4, index, ("{{#行}}" if index == 1 else "") + "{{" + f.key + "}}")
        cell.font, cell.border = body_font, BOX
        # text columns are formatted as text, so that Excel keeps 身份证号 and 编码 as typed when edited
        cell.number_format = FORMATS.get(f.kind, "@")
        if f.numeric:
            cell.alignment = Alignment(horizontal="right")
        width = WIDTHS.get(f.kind, 10 if f.max_length <= 32 else 16)
        ws.column_dimensions[letter].width = max(width, len(f.label) * 2 + 3)
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{last}4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    wb.save(path)


def export_ledger(ledger: Ledger, key: str, out_path: str | Path, community_id: int | None = None) -> LedgerExport:
    """Write one ledger to `out_path` (.xlsx); an export holding personal columns is audited."""
    ledger.actor.require("report.export")
    service = LEDGERS[key]
    check_writable(out_path)
    fields = export_fields(key)
    records = _records(ledger, key, community_id)
    with ledger.reading() as session:
        street = current_street(session)
    street_name = street.name if street else ""
    masked = any(f.personal for f in fields) and not ledger.actor.shows_personal
    now = datetime.now()
    note = f"导出时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}"
    if masked:
        note += "（身份证号、银行账号、联系电话已按权限遮蔽，此文件不能用于重新导入这些信息）"
    keys = [f.key for f in fields]
    converters = [(f.key, f) for f in fields]
    rows = ({k: _cell(f, r.get(k)) for k, f in converters} for r in records)
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / f"{service.name}台账.xlsx"
        _template(template, f"{service.name}台账", fields)
        result = fill(template, {"标题": f"{street_name}{service.name}台账", "说明": note}, rows,
                      out_path=out_path, fields=keys)
    if any(f.personal for f in fields):
        audit.exported(ledger, f"{service.name}台账导出", out_path, result.rows, personal=True)
    return LedgerExport(Path(out_path), result.rows, masked, _doubts(service, records))


def _doubts(service, records: list[dict[str, Any]]) -> tuple[str, ...]:
    """One line per record whose stored values fail their check: who, and what is wrong."""
    label = next((f.label for f in service.fields if f.key == service.label_key), "")
    out = []
    for r in records:
        for message in (r.get("doubts") or {}).values():
            community = f"（{r['community']}）" if r.get("community") else ""
            out.append(f"{service.name} {label}“{r.get(service.label_key) or ''}”{community}：{message}")
    return tuple(out)
