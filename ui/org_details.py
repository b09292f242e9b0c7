"""A party organisation's dialog: the form beside its term (换届), member counts and place in the party tree."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ledger.errors import LedgerError
from ledger.fields import Field
from ledger.party import default_term_years, term_end, term_state
from ledger.services import PartyOrgService
from ledger.services.street import get_settings
from ledger.settings import SPECS as SETTING_SPECS

from .field_editors import ComboEditor, Editor
from .record_dialog import RecordDialog

WARN = "color: #c0392b; font-weight: bold;"
SOON = "color: #d35400; font-weight: bold;"


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


class OrgDialog(RecordDialog):
    def _orgs(self) -> list[dict]:
        if self.known is None:
            self.known = PartyOrgService(self.ledger).list()
        return self.known

    def editor_for(self, field: Field) -> Editor:
        if field.key == "parent":
            names = sorted({o["name"] for o in self._orgs() if o.get("id") != self.record_id})
            return ComboEditor(names, blank=True, editable=True)
        return super().editor_for(field)

    def build_body(self, form: QWidget) -> QWidget:
        try:
            self._settings = get_settings(self.ledger)
        except LedgerError:
            self._settings = {spec.key: spec.default for spec in SETTING_SPECS}
        self.term_text, self.term_state = _label(), _label()
        self.member_text = _label()
        self.tree_text = _label()
        term = QGroupBox("任期（换届）")
        column = QVBoxLayout(term)
        column.addWidget(self.term_text)
        column.addWidget(self.term_state)
        members = QGroupBox("党员与委员")
        QVBoxLayout(members).addWidget(self.member_text)
        place = QGroupBox("在党组织体系中的位置")
        QVBoxLayout(place).addWidget(self.tree_text)
        panel = QWidget()
        side = QVBoxLayout(panel)
        side.setContentsMargins(0, 0, 0, 0)
        for box in (term, members, place):
            side.addWidget(box)
        side.addStretch(1)
        panel.setFixedWidth(270)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(form, 1)
        row.addWidget(panel)
        return body

    def values_changed(self) -> None:
        start, years = self.parsed("term_start"), self.parsed("term_years")
        category = self.editors["category"].value()
        parent = self.editors["parent"].value()
        if years is None and category:
            parent_category = next((o.get("category") for o in self._orgs() if o["name"] == parent), None)
            years = default_term_years(category, parent_category, bool(self.editors["community"].value()))
            years_text = f"{years}年（按类别默认）" if years else "不设任期"
        else:
            years_text = f"{years}年" if years else "—"
        end = term_end(start, years)
        self.term_text.setText(f"本届任期开始：{start.isoformat() if start else '未填写'}\n任期年限：{years_text}\n"
                               f"届满日期：{end.isoformat() if end else '—'}")
        today = date.today()
        state = term_state(end, today, self._settings["term_warn_months"], self._settings["term_urgent_months"])
        if state is None:
            self.term_state.setText("")
        else:
            days = (end - today).days
            if state.severity == "逾期":
                self.term_state.setText(f"任期已届满 {-days} 天，应及时换届")
                self.term_state.setStyleSheet(WARN)
            elif state.severity is not None:
                self.term_state.setText(f"还有 {days} 天任期届满（{state.label}），请准备换届")
                self.term_state.setStyleSheet(SOON)
            else:
                self.term_state.setText(f"任期内（还有 {days} 天）")
                self.term_state.setStyleSheet("color: #27835a;")
        total, full, probation = (self.parsed(k) for k in ("members_total", "members_full", "members_probation"))
        reported, committee = self.parsed("members_reported"), self.parsed("committee_size")
        show = lambda n: "—" if n is None else f"{n} 人"  # noqa: E731
        self.member_text.setText(f"党员总数：{show(total)}\n正式党员：{show(full)}　预备党员：{show(probation)}\n"
                                 f"在职党员报到：{show(reported)}\n委员：{show(committee)}")
        record = self.record or {}
        ancestors = list(record.get("ancestors") or ([parent] if parent else []))
        name = self.editors["name"].value() or "（本组织）"
        path = " › ".join(ancestors + [f"<b>{name}</b>"])
        children = record.get("children") or []
        shown = "、".join(children[:12]) + (f" 等{len(children)}个" if len(children) > 12 else "")
        self.tree_text.setText(f"{path}<br><br>下级组织：{shown if children else '无'}")
