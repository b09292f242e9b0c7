"""街道台账 — the ledger core: domain, storage and services (no Qt, no exports)."""
from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "街道台账"
