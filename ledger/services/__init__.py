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

# Every ledger's rules by the short name used on the command line and in file names, in navigation order.
LEDGERS: dict[str, type[LedgerService]] = {key: d.service for key, d in catalog.ledgers().items()}

__all__ = ["LEDGERS", "LedgerService", "CommunityService", "PartyOrgService", "GridService", "WorkerService",
           "FundService", "BudgetService", "VenueService"]
