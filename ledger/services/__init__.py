"""The ledger services: one per ledger, all going through Ledger.unit for permission and audit."""
from __future__ import annotations

from .base import LedgerService
from .communities import CommunityService
from .funds import BudgetService, FundService
from .grids import GridService
from .orgs import PartyOrgService
from .venues import VenueService
from .workers import WorkerService

# The ledgers a clerk keeps, by the short name used on the command line and in file names.
LEDGERS: dict[str, type[LedgerService]] = {
    "communities": CommunityService,
    "orgs": PartyOrgService,
    "grids": GridService,
    "workers": WorkerService,
    "funds": FundService,
    "venues": VenueService,
}

__all__ = ["LEDGERS", "LedgerService", "CommunityService", "PartyOrgService", "GridService", "WorkerService",
           "FundService", "BudgetService", "VenueService"]
