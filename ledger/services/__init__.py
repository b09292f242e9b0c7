"""The ledger services: one per ledger, all going through Ledger.unit for permission and audit.

Each ledger is declared once (ledger.catalog.LedgerDef, next to its rules in this package); LEDGERS, the
command line's kinds, the window's pages, the audit trail and the community limit are derived from them.
"""
from __future__ import annotations

from .. import catalog
from .base import LedgerService
from .communities import CommunityService
from .funds import BudgetService, FundService
from .grids import GridService
from .orgs import PartyOrgService
from .venues import VenueService
from .workers import WorkerService



def __getattr__(name: str):
    """LEDGERS — every ledger's rules by the short name used on the command line and in file names, in
    navigation order — made on first use: the catalogue imports every module of this package to find the
    declarations, which must not happen while this package is still being imported."""
    if name == "LEDGERS":
        ledgers: dict[str, type[LedgerService]] = {key: d.service for key, d in catalog.ledgers().items()}
        globals()["LEDGERS"] = ledgers
        return ledgers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LEDGERS", "LedgerService", "CommunityService", "PartyOrgService", "GridService", "WorkerService",
           "FundService", "BudgetService", "VenueService"]
