"""The catalogue: every table states how it is audited, and a ledger declared once appears everywhere.

The last test does what docs/architecture.md tells a developer to do — add a model and its declaration as one
new module of ledger/services — and shows that the new ledger appears on the command line, in the window, in
the audit trail and under the community limit without any other file being touched.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import inspect as sa_inspect

from ledger import catalog
from ledger.app import Ledger
from ledger.db import upgrade_database
from ledger.models import Base

ROOT = Path(__file__).resolve().parent.parent


def test_every_table_of_a_migrated_database_is_audited_or_says_why_not(db_url):
    upgrade_database(db_url)
    ledger = Ledger.open(db_url)
    try:
        stored = set(sa_inspect(ledger.db.engine).get_table_names())
    finally:
        ledger.close()
    tables = catalog.tables()
    assert stored - set(tables) == set()
    for name, info in tables.items():
        assert (info.name is None) != (info.exempt is None), f"{name}: audited under a name, or exempt with a reason"


def test_every_model_is_in_the_catalogue_and_every_ledger_has_its_parts():
    assert set(Base.metadata.tables) - set(catalog.tables()) == set()
    for key, d in catalog.ledgers().items():
        assert d.service.definition is d and d.service.fields is d.fields, key
        assert d.owner is None or hasattr(d.model, d.owner.column or d.owner.via), key


PROBE_LEDGER = '''
"""志愿服务队（测试）: a ledger added the way docs/architecture.md describes (test only)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..catalog import LedgerDef, PageHint
from ..fields import Field
from ..models.base import Base


class ProbeTeam(Base):
    """A volunteer team."""

    __tablename__ = "probe_team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    members: Mapped[int | None]


FIELDS = (
    Field("name", "队伍名称", required=True, max_length=64),
    Field("community", "所属社区", "ref", required=True),
    Field("members", "队员人数", "int", minimum=0, unit="人"),
)

PROBE_TEAMS = LedgerDef("probe-teams", "测试服务队", ProbeTeam, FIELDS,
                        page=PageHint("队", 70, unit="支", facets=("community",), totals=("members",)))
'''

PROBE_RUN = '''
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from ledger.access import Actor, CLERK
from ledger.app import Ledger
from ledger.db import upgrade_database
from ledger.services import LEDGERS
from ledger.services.street import init_street
from ledger.services.probe_teams import ProbeTeam
from ledger.models import AuditEntry
from sqlalchemy import select

ledger = Ledger.open(sys.argv[1], Actor(source="界面"))
ProbeTeam.__table__.create(ledger.db.engine)        # what its migration would do
init_street(ledger, "测试街道")
communities = LEDGERS["communities"](ledger)
a, b = communities.create({"name": "幸福社区"}), communities.create({"name": "和平社区"})
teams = LEDGERS["probe-teams"](ledger)
teams.create({"name": "红马甲", "community": "幸福社区", "members": "12"})
teams.create({"name": "巡逻队", "community": "和平社区", "members": "8"})
with ledger.reading() as s:
    print("audit", sorted(e.record_label for e in s.scalars(select(AuditEntry).where(AuditEntry.ledger == "测试服务队"))))
clerk = ledger.as_actor(Actor("小王", CLERK, a["id"], "界面"))
print("limited", [r["name"] for r in LEDGERS["probe-teams"](clerk).list()], LEDGERS["probe-teams"](clerk).count())
try:
    teams.create({"name": "x", "community": "幸福社区", "members": "-1"})
except Exception as exc:
    print("refused", exc)

import cli
from cli.registry import EXPORTS, IMPORTS, TEMPLATES
cli.build_parser()
print("cli", "ledger-probe-teams" in EXPORTS, "probe-teams" in IMPORTS, "probe-teams" in TEMPLATES)

from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.main_window import MainWindow
window = MainWindow(ledger)
page = window.show_page("probe-teams")
from ui.tasks import running_tasks
while running_tasks() or page.table is None:       # the page loads its rows in the background
    app.processEvents()
print("window", window.page_title.text(), [f.label for f in page.fields], len(page.table.rows))
window.close()
ledger.close()
'''


def test_a_ledger_added_as_one_module_appears_in_the_cli_the_window_the_audit_and_the_limit(tmp_path):
    module = ROOT / "ledger" / "services" / "probe_teams.py"
    module.write_text(textwrap.dedent(PROBE_LEDGER), encoding="utf-8")
    try:
        out = subprocess.run([sys.executable, "-c", PROBE_RUN, str(tmp_path / "probe.sqlite")], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    finally:
        module.unlink()
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    assert lines["audit"] == "['巡逻队', '红马甲']"
    assert lines["limited"] == "['红马甲'] 1"
    assert lines["refused"] == "队员人数：不能为负数"
    assert lines["cli"] == "True True True"
    assert lines["window"] == "测试服务队 ['队伍名称', '所属社区', '队员人数'] 2"
