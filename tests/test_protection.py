"""`check` verifies what protects the data: every trigger present (and on a server enabled)."""
from __future__ import annotations

from sqlalchemy import text

from ledger import protection
from ledger.services.checks import run_checks


def test_a_new_database_has_exactly_the_protecting_triggers_check_expects(ledger):
    with ledger.db.engine.connect() as c:
        if c.dialect.name == "sqlite":
            found = set(c.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")))
            expected = protection.SQLITE_TRIGGERS
        else:
            found = set(c.execute(text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgname NOT LIKE 'sl\\_%'")))
            expected = protection.POSTGRES_TRIGGERS
    assert found == {(table, name) for table, names in expected.items() for name in names}
    assert protection.findings(ledger) == []


def test_check_reports_a_missing_or_disabled_trigger(ledger):
    with ledger.db.engine.begin() as c:   # what a hand with the file, or with the owner's credentials, could do
        if c.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER pay_line_locked_update"))
        else:
            c.execute(text("ALTER TABLE pay_line DISABLE TRIGGER pay_line_locked"))
    errors = [(f.where, f.message) for f in run_checks(ledger).errors if "pay_line_locked" in f.message]
    assert len(errors) == 1 and errors[0][0] == "工资表"
    assert ("缺失" if ledger.db.engine.dialect.name == "sqlite" else "被停用了") in errors[0][1]
