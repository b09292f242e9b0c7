"""Opening the database for a command, as the person named by --user once the database has accounts."""
from __future__ import annotations

from ledger.access import Actor
from ledger.app import Ledger


def open_ledger(args) -> Ledger:
    ledger = Ledger.open(args.db, Actor(source="命令行"))
    return ledger
