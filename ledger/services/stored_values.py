"""Stored values that fail their own field's rules, for `check`: named by ledger, record, 社区 and field.

A value can fail although every save checks it: a digit of a 身份证号 changed with another program, or a name
entered before the rule that now refuses it. Such values are shown and exported as stored (with the doubt
beside them); this pass lists them so that a clerk can correct them.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any



from ..app import Ledger
from . import LEDGERS
from .base import LedgerService, community_names
from .workers import WorkerService, stored_doubts

ERROR, WARNING = "错误", "警告"
SHOWN_PER_FIELD = 20   # a database of an earlier release may hold hundreds of one kind: the rest are counted
_CHECKED_KINDS = ("text", "idcard", "date")


def stored_value_findings(ledger: Ledger) -> list[tuple[str, str, str]]:
    """(severity, where, message) for every stored value that fails its field's rules, in the user's scope.

    A 身份证号 that fails its check is an error (sex and birth date cannot be derived, the bank may refuse the
    payment); any other value is a warning, and so is a 银联 card number whose check digit does not verify.
    """
    found: list[tuple[str, str, str]] = []
    with ledger.reading() as session:
        names = community_names(session)
        for service_class in LEDGERS.values():
            service = service_class(ledger)
            counted: dict[str, int] = {}
            for severity, record, field, message in _failures(session, service, names):
                counted[field] = counted.get(field, 0) + 1
                if counted[field] <= SHOWN_PER_FIELD:
                    found.append((severity, f"{service.name} {record}", message))
            for field, n in counted.items():
                if n > SHOWN_PER_FIELD:
                    found.append((WARNING, service.name, f"另有{n - SHOWN_PER_FIELD}条记录的{field}也未通过校验"))
    return found


def _failures(session, service: LedgerService, names: dict[int, str]) -> Iterator[tuple[str, str, str, str]]:
    """(severity, record as people know it, field label, message) per failing value of one ledger."""
    table = service.model.__table__
    fields = [f for f in service.fields if not f.derived and f.kind in _CHECKED_KINDS and f.key in table.c]
    # through the mapped columns, so that the account's community limit applies (ledger.scope)
    stmt = service._select(session).order_by(service.model.id)
    actor = service.ledger.actor
    is_roster = isinstance(service, WorkerService)
    for row in session.execute(stmt).mappings():
        record = None
        if is_roster:
            for key, message in stored_doubts(row["id_number"], row["bank_account"]).items():
                record = record or _describe(service, row, names)
                yield (ERROR if key == "id_number" else WARNING), record, _label(service, key), message
        for f in fields:
            if is_roster and f.key in ("id_number", "bank_account"):
                continue
            reason = f.stored_problem(row[f.key])
            if reason is None:
                continue
            if f.personal and not actor.shows_personal:
                reason = "不符合录入规则"   # the reason would quote the value
            record = record or _describe(service, row, names)
            yield WARNING, record, f.label, f"{f.label}：{reason}（已登记的值，请更正）"


def _describe(service: LedgerService, row: Any, names: dict[int, str]) -> str:
    """A record as a clerk finds it: its name (or, for an entry without one, its first values) and 社区."""
    label = row.get(service.label_key) if service.label_key in row else None
    if not label:
        shown = [f.render(row[f.key]) for f in service.fields
                 if f.key in row and not f.derived and f.kind not in ("ref",) and row[f.key] not in (None, "")]
        label = " ".join(shown[:4])
    community = names.get(row["community_id"]) if service.community_field else None
    return f"{label}（{community}）" if community else str(label)


def _label(service: LedgerService, key: str) -> str:
    return next(f.label for f in service.fields if f.key == key)


__all__ = ["stored_value_findings"]
