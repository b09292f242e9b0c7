"""Reports: Excel templates and PDF rendering over the ledger (no Qt, nothing from ui/)."""
from __future__ import annotations

from ledger.errors import LedgerError


class ExportError(LedgerError):
    """A report could not be made; the message says why, in Chinese, fit to show a user as it is."""
