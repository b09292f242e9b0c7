"""A worksheet as every reader hands it over, and the refusal of a file that cannot be read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import LedgerError


class ImportFileError(LedgerError):
    """The file cannot be read as a workbook or a CSV file; the message says why and what to do."""


@dataclass
class Sheet:
    """One worksheet's cells: rows[i] is the row a user sees as number i + 1."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col (1-based)
