"""Every model, imported in one place so that metadata and Alembic see them all."""
from __future__ import annotations

from .account import AuditEntry, User
from .base import Base
from .calendar import CalendarDay
from .case import Case, CaseStep
from .estate import Estate
from .fund import Budget, FundEntry
from .org import Community, Grid, Setting, Street
from .partner import Partner
from .party import PartyOrg
from .recycle import DeletedRecord
from .pay import PayAdjustment, PayLine, PayRun, PayStandardVersion, YearOpening
from .project import Project
from .registration import Registration, ServiceRecord
from .snapshot import ImportBatch, QuarterSnapshot
from .venue import Venue, VenueRoom
from .volunteer import Activity, Team
from .worker import Appraisal, Certificate, LevelChange, PostChange, Worker

__all__ = [
    "Base", "Setting", "Street", "Community", "Grid", "PartyOrg", "Worker", "LevelChange", "PostChange",
    "Appraisal", "Certificate", "FundEntry", "Budget", "Venue", "VenueRoom", "PayStandardVersion", "PayRun",
    "PayLine", "PayAdjustment", "YearOpening", "User", "AuditEntry", "QuarterSnapshot", "ImportBatch", "DeletedRecord",
    "Partner", "Project", "Registration", "ServiceRecord", "Team", "Activity", "Estate",
    "Case", "CaseStep", "CalendarDay",
]
