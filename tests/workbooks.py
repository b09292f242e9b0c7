"""Messy workbooks for the import tests, built the ways clerks build them (title rows, merges, footers, …)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from ledger.idcard import make_id
from ledger.services import CommunityService

# Valid IDs used across the tests (check digits computed, birth dates plausible).
ID_WANG = make_id("150203", date(1980, 3, 2), 12)     # 15020319800302012X
ID_LI = make_id("150203", date(1986, 7, 9), 31)
ID_ZHAO = make_id("150204", date(1990, 1, 20), 42)
ID_SUN = make_id("110105", date(1978, 11, 30), 57)


def xlsx(path: Path, rows: Iterable[Sequence[Any]], merges: Iterable[str] = (), formats: dict[str, str] | None = None,
         sheet: str = "Sheet1", extra_sheets: dict[str, list] | None = None) -> Path:
    """Write rows (None for an empty cell) to a workbook, merge the given ranges, set number formats by cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(list(row))
    wb.save(path)
    return path


def csv_file(path: Path, rows: Iterable[Sequence[Any]], encoding: str, delimiter: str = ",") -> Path:
    """A CSV file as Excel saves one: quoted where needed, CRLF line ends, in the given encoding."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def communities(ledger, *names: str) -> dict[str, int]:
    service = CommunityService(ledger)
    return {name: service.create({"name": name})["id"] for name in names}


def by(records: list[dict], key: str) -> dict[Any, dict]:
    return {r[key]: r for r in records}
