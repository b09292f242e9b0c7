"""The audit trail's hash chain: each entry carries a hash over its content and the previous entry's hash.

Triggers refuse changes made through SQL, but whoever holds a SQLite file can drop them. The chain makes such an
edit visible: changing, deleting or inserting an entry breaks the chain from that entry on, and `check` names the
first entry that does not verify. (Rewriting the whole chain after an edit is possible with this file alone; the
entries kept in earlier backups then disagree with it.)

Canonical form, version 1 — frozen, since offices' databases hold entries hashed with it (a change is a new
version, never an edit of this one):

    parts = previous entry's hash ('' for the first entry), id, at, user_name, source, action, ledger, record_id,
            record_label, changes
    id, record_id  decimal digits
    at             'YYYY-MM-DD HH:MM:SS.ffffff' (always six digits of microseconds)
    changes        the JSON text as stored in the column (json.dumps of the value, so None is 'null'); both
                   backends give it back unchanged with CAST(changes AS TEXT)
    each part      '<number of characters>:<text>', or '-' for NULL; the parts joined with '|'
    hash           lowercase hex SHA-256 of the UTF-8 bytes of that text

The same in PostgreSQL (11 or later, no extension needed); migration 0007_integrity creates it as the function
audit_entry_hash(previous text, entry audit_entry):

    encode(sha256(convert_to(concat_ws('|', e(previous), e(id::text), e(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US')),
           e(user_name), e(source), e(action), e(ledger), e(record_id::text), e(record_label), e(changes::text)),
           'UTF8')), 'hex')        where e(x) = coalesce(char_length(x) || ':' || x, '-')

Entries are appended one writer at a time, so that each one's "previous" is the entry before it in id order. On
PostgreSQL the server links every entry itself, whoever inserts it (ledger.server.trail: a trigger takes the
transaction-level advisory lock CHAIN_LOCK, reads the chain's head and gives the entry its id and hash), so a
person writing with another SQL tool cannot break or forge the chain; on SQLite the application does, under the
database's write lock, taken before the head is read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import Text, cast, func, select, text
from sqlalchemy.orm import Session

from .db import WRITING
from .models import AuditEntry

VERSION = 1
CHAIN_LOCK = 0x53544C4544474552   # pg_advisory_xact_lock key ("STLEDGER" in ASCII)
CONTENT = ("id", "at", "user_name", "source", "action", "ledger", "record_id", "record_label", "changes")
BATCH = 2000
_TABLE = AuditEntry.__table__


def _part(value: Any) -> str:
    if value is None:
        return "-"
    if value.__class__ is not str:
        # a timestamp always with six digits of microseconds, as to_char(at, 'YYYY-MM-DD HH24:MI:SS.US') writes it
        value = value.isoformat(" ", "microseconds") if isinstance(value, datetime) else str(value)
    return f"{len(value)}:{value}"


def entry_hash(previous: str, entry_id: int, at: datetime, user_name: str | None, source: str | None, action: str,
               ledger: str | None, record_id: int | None, record_label: str | None, changes_text: str | None) -> str:
    """The hash of one entry in canonical form version 1; `changes_text` is the JSON text as stored."""
    canonical = "|".join(_part(v) for v in (previous, entry_id, at, user_name, source, action, ledger, record_id,
                                            record_label, changes_text))
    return sha256(canonical.encode("utf-8")).hexdigest()


def append(session: Session, entries: list[dict[str, Any]]) -> None:
    """Insert entries at the end of the chain, in the order given, each with its id and hash.

    Each entry is a dict of the content columns (at, action required; the rest default to None).
    """
    if not entries:
        return
    if session.get_bind().dialect.name == "postgresql":
        # The server names, times, numbers and links each entry (people may neither read the trail's head nor
        # have an insert hand anything back: no RETURNING).
        rows = [{c: entry.get(c) for c in (*CONTENT[1:], "community_id")} for entry in entries]
        for start in range(0, len(rows), BATCH):
            session.execute(_TABLE.insert().inline(), rows[start:start + BATCH])
        return
    # Take SQLite's write lock before reading the head: a transaction that has written nothing yet reads
    # outside any lock, and another writer could append between that read and this insert. A Ledger.unit
    # began with the lock (BEGIN IMMEDIATE).
    if not session.connection().get_execution_options().get(WRITING, False):
        session.execute(text("UPDATE audit_entry SET id = id WHERE 0"))
    head = session.execute(select(_TABLE.c.id, _TABLE.c.chain_hash).order_by(_TABLE.c.id.desc()).limit(1)).first()
    last_id, previous = (head.id, head.chain_hash or "") if head is not None else (0, "")
    ids = range(last_id + 1, last_id + 1 + len(entries))
    rows = []
    for entry, entry_id in zip(entries, ids):
        row = {c: entry.get(c) for c in CONTENT[1:]}
        row["id"] = entry_id
        # Filed under its community for a limited account's view; not part of the hashed content (version 1).
        row["community_id"] = entry.get("community_id")
        # json.dumps is what the JSON column type writes, so the text hashed is the text stored
        previous = entry_hash(previous, entry_id, row["at"], row["user_name"], row["source"], row["action"],
                              row["ledger"], row["record_id"], row["record_label"], json.dumps(row["changes"]))
        row["chain_hash"] = previous
        rows.append(row)
    for start in range(0, len(rows), BATCH):
        session.execute(_TABLE.insert(), rows[start:start + BATCH])


@dataclass(frozen=True)
class BrokenLink:
    """The first entry that does not verify, as a person finds it in the trail, and how many follow it."""

    at: datetime
    user_name: str | None
    source: str | None
    action: str
    ledger: str | None
    record_label: str | None
    later: int

    def describe(self) -> str:
        who = (self.user_name or "未登录的用户") + (f"（{self.source}）" if self.source else "")
        what = " ".join(x for x in (self.action, self.ledger, self.record_label) if x)
        return (f"{self.at:%Y-%m-%d %H:%M:%S} {who}的“{what}”这一条与校验值不符：这一条被改动过，或它前面有记录被删除"
                f"或插入。从这一条起的{self.later + 1}条记录不能再作为可信的操作记录；请保留数据库文件和备份，联系技术支持")


def verify(session: Session) -> BrokenLink | None:
    """Walk the chain in id order; the first entry whose hash does not verify, or None when all do."""
    columns = [_TABLE.c[c] for c in CONTENT[:-1]] + [cast(_TABLE.c.changes, Text).label("changes_text"),
                                                      _TABLE.c.chain_hash]
    previous = ""
    stmt = select(*columns).order_by(_TABLE.c.id).execution_options(yield_per=5000)
    for row in session.execute(stmt):
        expected = entry_hash(previous, row.id, row.at, row.user_name, row.source, row.action, row.ledger,
                              row.record_id, row.record_label, row.changes_text)
        if row.chain_hash != expected:
            later = session.scalar(select(func.count()).select_from(_TABLE).where(_TABLE.c.id > row.id)) or 0
            return BrokenLink(row.at, row.user_name, row.source, row.action, row.ledger, row.record_label, later)
        previous = row.chain_hash
    return None


def chain_findings(ledger) -> list[tuple[str, str, str]]:
    """What `check` says about the chain: (severity, where, message) triples."""
    with ledger.db.sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            # a person may read only part of the trail, or none: the server walks all of it (ledger.server.trail)
            row = session.execute(text("SELECT * FROM public.sl_audit_chain_break()")).first()
            broken = BrokenLink(*row) if row is not None else None
        else:
            broken = verify(session)
    return [] if broken is None else [("错误", "操作日志", broken.describe())]


def backfill(rows) -> list[dict[str, Any]]:
    """The chain over entries written before it existed (for the migration): [{'id', 'chain_hash'}] in id order.

    `rows` are (id, at, user_name, source, action, ledger, record_id, record_label, changes as stored text).
    """
    previous = ""
    out = []
    for row in rows:
        previous = entry_hash(previous, *row)
        out.append({"entry_id": row[0], "chain_hash": previous})
    return out
