"""Reading the pay sheets a clerk fills in (the 等级 × 岗位 matrix, the opening figures) into rows of cells."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

from ..errors import LedgerError, Problem, ValidationError
from ..money import ZERO, parse_amount
from ..values import is_blank, normalize, parse_int
from .runs import OPENING_AMOUNTS, OPENING_HEADERS, Opening

_ALIASES = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "累计收入": "累计应发", "累计应发工资": "累计应发",
            "累计专项扣除（三险一金）": "累计专项扣除", "累计已缴税额": "累计已预扣税额", "累计已预缴税额": "累计已预扣税额",
            "累计减除费用月数": "任职月数", "本年任职月数": "任职月数"}


def read_rows(path: str | Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of one worksheet (the first unless named) of an .xlsx file, or of a .csv file."""
    path = Path(path)
    if not path.exists():
        raise LedgerError(f"找不到文件“{path}”")
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [list(r) for r in csv.reader(fh)]
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise LedgerError(f"无法读取“{path.name}”：不是有效的 xlsx 文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise LedgerError(f"“{path.name}”中没有名为“{sheet}”的工作表")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _header(cell: Any) -> str:
    text = normalize(cell).replace(" ", "").replace("\n", "").replace("*", "")
    return _ALIASES.get(text, text)


def parse_openings(rows: list[list[Any]]) -> tuple[list[Opening], int]:
    """Opening figures from a sheet with the headers of OPENING_HEADERS; returns them and the first data row."""
    at = next((i for i, row in enumerate(rows[:15]) if "累计应发" in {_header(c) for c in row}), None)
    if at is None:
        raise ValidationError.single("表头", "找不到表头：需要一行包含 " + "、".join(OPENING_HEADERS))
    columns = {_header(c): j for j, c in enumerate(rows[at]) if not is_blank(c)}
    missing = [h for h in OPENING_HEADERS[2:] if h not in columns]
    if missing or ("身份证号" not in columns and "姓名" not in columns):
        raise ValidationError.single("表头", "缺少列：" + "、".join(missing or ["身份证号或姓名"]))
    out, problems = [], []

    def cell(row, name):
        j = columns.get(name)
        return row[j] if j is not None and j < len(row) else None

    for i, row in enumerate(rows[at + 1:], start=at + 2):
        if all(is_blank(c) for c in row):
            continue
        first = normalize(cell(row, "姓名") or cell(row, "身份证号"))
        if first.startswith(("合计", "制表", "填表", "说明")):
            break
        figures, bad = {}, False
        for key, header in zip(OPENING_AMOUNTS, OPENING_HEADERS[2:]):
            try:
                figures[key] = ZERO if is_blank(cell(row, header)) else parse_amount(cell(row, header))
            except ValueError as exc:
                problems.append(Problem(header, str(exc), i))
                bad = True
        months_header = OPENING_HEADERS[-1]
        try:
            months = parse_int(cell(row, months_header)) if not is_blank(cell(row, months_header)) else 0
        except ValueError as exc:
            problems.append(Problem(months_header, str(exc), i))
            bad = True
        if bad:
            continue
        number = normalize(cell(row, "身份证号")).upper() or None
        out.append(Opening(number, normalize(cell(row, "姓名")) or None, months=months, **figures))
    if problems:
        raise ValidationError(problems)
    return out, at + 2
