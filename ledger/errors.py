"""Errors a user sees: every message is Chinese and names the field (and row) it is about."""
from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """A refusal with a message fit to show a user as it is."""


@dataclass(frozen=True)
class Problem:
    field: str          # the column label as the user knows it, e.g. 身份证号
    message: str        # the reason, e.g. 校验位不正确
    row: int | None = None  # the spreadsheet row a user sees, for imports

    def __str__(self) -> str:
        where = f"第{self.row}行 " if self.row is not None else ""
        return f"{where}{self.field}：{self.message}" if self.field else f"{where}{self.message}"


class ValidationError(LedgerError):
    """One or more field problems; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("；".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str) -> "ValidationError":
        return cls(Problem(field, message))


class NotFound(LedgerError):
    """The record asked for does not exist (any more)."""


class PermissionDenied(LedgerError):
    """The signed-in user's role does not allow this operation."""
