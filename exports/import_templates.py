"""Blank import templates: a ledger's headers, a note on each required column, drop-down lists for coded fields.

The header texts are the fields' labels, so a filled template imports with no mapping at all. Columns that
Excel would turn into numbers and spoil (身份证号, 银行账号, 电话, 凭证号) are formatted as text before the clerk
types anything, which is the cure the importer's refusal message asks for.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from exports.ledger_export import column_kind
from exports.safe import save_workbook
from exports.table_xlsx import print_setup
from ledger.app import Ledger
from ledger.fields import Field
from ledger.importing import KINDS
from ledger.models import Community
from ledger.services.paystandards import standard_in_force

ROWS = 1000  # rows prepared with validation and formats; a clerk may type beyond them
_FORMATS = {"money": "#,##0.00", "decimal": "0.00", "int": "0", "date": "yyyy-mm-dd"}
_WIDTHS = {"idcard": 22, "date": 14, "money": 13, "rooms": 30, "bool": 9}
_THIN = Side(style="thin", color="999999")
_BOX = Border(_THIN, _THIN, _THIN, _THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEAD_FONT = Font(bold=True)


def template_fields(kind: str) -> list[Field]:
    return [f for f in KINDS[kind].fields if not f.derived]


def choices_for(ledger: Ledger, kind: str, f: Field) -> list[str]:
    """The values a drop-down offers for a field; empty for free text."""
    if f.kind == "bool":
        return ["是", "否"]
    if f.kind == "choice":
        return list(f.choices)
    if kind == "workers" and f.key == "post":
        with ledger.reading() as session:
            return [f"{p.name}（{p.title}）" for p in standard_in_force(session, date.today()).posts]
    if f.kind == "ref" and f.key == "community":
        with ledger.reading() as session:
            return list(session.scalars(select(Community.name).order_by(Community.id)))
    return []


def note_for(f: Field, choices: list[str]) -> str:
    parts = ["必填。" if f.required else "选填。"]
    if f.help:
        parts.append(f.help + "。" if not f.help.endswith("。") else f.help)
    if f.kind == "idcard":
        parts.append("18位号码，最后一位可为X；本列已设为文本格式，请勿改为数字。")
    elif f.kind == "date":
        parts.append("可写作 2015-03-01、2015/3/1、2015.03 或 2015年3月。")
    elif choices and f.kind != "ref":
        parts.append("可选：" + "、".join(choices) + "。")
    return "".join(parts)


def write_template(ledger: Ledger, kind: str, path: str | Path) -> Path:
    """Write the blank template of a ledger to `path` (.xlsx)."""
    service = KINDS[kind]
    fields = template_fields(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{service.name}台账"
    lists = wb.create_sheet("可选值")
    lists.sheet_state = "hidden"
    list_column = 0
    widths = []
    for col, f in enumerate(fields, 1):
        letter = get_column_letter(col)
        cell = ws.cell(1, col, f.label)
        cell.font = _REQUIRED_FONT if f.required else _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        choices = choices_for(ledger, kind, f)
        comment = Comment(note_for(f, choices), "街道台账")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        width = _WIDTHS.get(f.kind, max(10, min(24, len(f.label) * 2 + 4)))
        ws.column_dimensions[letter].width = width
        widths.append(width)
        if column_kind(f) == "code":
            ws.column_dimensions[letter].number_format = "@"
        elif f.kind in _FORMATS:
            ws.column_dimensions[letter].number_format = _FORMATS[f.kind]
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(1, list_column, f.label)
            for i, choice in enumerate(choices, 2):
                lists.cell(i, list_column, choice)
            source = f"'可选值'!${list_letter}$2:${list_letter}${len(choices) + 1}"
            # A community not yet in the list may still be typed (the import then explains); coded values may not.
            strict = f.kind != "ref"
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False,
                                showErrorMessage=True, errorStyle="stop" if strict else "warning",
                                errorTitle="不在可选值中", error=f"{f.label}应从下拉列表中选择",
                                promptTitle=f.label, prompt=note_for(f, [])[:250], showInputMessage=True)
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2"
    # filled in and printed by hand as often as typed into: A4, the header on every page
    print_setup(ws, widths, title_rows="1:1", key_columns=1)
    return save_workbook(wb, path)


__all__ = ["write_template", "template_fields", "choices_for"]
