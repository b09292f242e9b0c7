"""A 社区 chooser for reports: the whole street or one community (a limited account sees only its own)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services import CommunityService


class CommunityChoice(QComboBox):
    """Item data is the community's id; None stands for every community the account may see."""

    def __init__(self, everyone: str = "全街道"):
        super().__init__()
        self.everyone = everyone
        self.setMinimumContentsLength(8)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMaxVisibleItems(25)

    def fill(self, ledger: Ledger) -> None:
        """The communities as they are now, keeping the current choice where it still exists."""
        current = self.community_id()
        try:
            communities = CommunityService(ledger).list()
        except LedgerError:
            communities = []
        self.blockSignals(True)
        self.clear()
        if ledger.actor.community_id is None:
            self.addItem(self.everyone, None)
        for c in communities:
            self.addItem(c["name"], c["id"])
        self.choose(current)
        self.blockSignals(False)
        self.setEnabled(self.count() > 1)

    def community_id(self) -> int | None:
        return self.currentData() if self.currentIndex() >= 0 else None

    def choose(self, community_id: int | None) -> None:
        self.setCurrentIndex(max(0, self.findData(community_id)))
