"""The audit trail on PostgreSQL: the server names the writer of every entry and writes what was not recorded.

The application writes the trail as it does on SQLite (ledger.audit: the ORM hook, the bulk writers' entries,
the events). On a shared server three things are added, so that a person working in another SQL tool with
their own credentials is recorded too and cannot write under another name:

- **Stamp** (BEFORE INSERT on audit_entry): an entry inserted by a person's login role carries that role's
  name and the server's clock, whatever the statement said; ids are handed out one writer at a time.
- **Fill** (a deferred trigger on every table, run at commit): each changed row must be accounted for by an
  entry of the same transaction — a new or deleted record by an entry naming it, a changed one by an entry
  stating each changed column's old and new value (exactly what ledger.audit writes). A change without one
  gets an entry written by the server (source 数据库), in the shape the ORM hook writes.
- Bulk work recorded as one event (a demo load, the opening balances: ledger.audit.SUMMARIZED) accounts for
  the rows it inserts or replaces; tables whose service records them as a whole (pay runs, their lines, a
  closed quarter) need an entry of the same transaction, whatever it says.

The application's entries are therefore never doubled, and the same work leaves the same trail on both
backends; tests/test_server.py shows a change made in psql recorded under its author's name.
"""
from __future__ import annotations

import json

from sqlalchemy import DateTime

from .. import audit, catalog
from ..audit_chain import CHAIN_LOCK
from ..models import Base
from ..models.base import Scaled
from .functions import Function
from .names import Roles
from .sql import fill, ident, literal

SOURCE = "数据库"                       # the source of an entry the server wrote for a change made around the application
SKIPPED = frozenset(audit._SECRET | {"id"})


def spec(table: str) -> dict:
    """What the server needs to know of a table to audit its rows as ledger.audit does."""
    info = catalog.tables()[table]
    columns = Base.metadata.tables[table].columns
    pk = [c.name for c in columns if c.primary_key]
    return {
        "name": info.name or info.called,
        "kind": "field" if info.name and not info.by_service else "event",
        "keyed": pk == ["id"],
        "columns": [c.name for c in columns if c.name not in SKIPPED],
        "scaled": {c.name: c.type.places for c in columns if isinstance(c.type, Scaled)},
        "stamps": [c.name for c in columns if isinstance(c.type, DateTime)],
        "labels": [a for a in audit._LABEL_ATTRS if a in columns],
        "summaries": sorted(action for action, tables in audit.SUMMARIZED.items()
                            if table in (tables if tables is not None else ledger_tables())),
        "cascade": _cascade(table),
        "community": _community(info),
    }


def _community(info: catalog.TableInfo) -> dict | None:
    """Where a row's community is found, as ledger.scope.communities_of finds it (None: street-wide)."""
    if info.owner is None:
        return None
    if info.owner.column is not None:
        return {"column": info.owner.column}
    return {"via": info.owner.via, "parent": info.parent, "column": catalog.tables()[info.parent].owner.column}


def _cascade(table: str) -> dict | None:
    """The parent whose recorded deletion accounts for this row's (its foreign key deletes ON CASCADE)."""
    for fk in Base.metadata.tables[table].foreign_keys:
        parent = catalog.tables().get(fk.column.table.name)
        if (fk.ondelete or "").upper() == "CASCADE" and parent is not None and parent.name:
            return {"name": parent.name, "column": fk.parent.name}
    return None


def ledger_tables() -> set[str]:
    """The tables of the ledgers and of their children."""
    return {table for d in catalog.ledgers().values()
            for table in (d.table, *(child.model.__table__.name for child in d.children))}


def audited_tables() -> list[str]:
    """Every table whose rows the server accounts for: all but the trail itself and the schema version."""
    return [name for name in catalog.tables() if name in Base.metadata.tables and name != "audit_entry"]


def statements() -> list[str]:
    """The stamp on the trail and the fill trigger on every other table."""
    out = ["DROP TRIGGER IF EXISTS sl_audit_stamp ON public.audit_entry",
           "CREATE TRIGGER sl_audit_stamp BEFORE INSERT ON public.audit_entry "
           "FOR EACH ROW EXECUTE FUNCTION public.sl_audit_stamp()"]
    for table in audited_tables():
        argument = literal(json.dumps(spec(table), ensure_ascii=False, sort_keys=True))
        out += [f"DROP TRIGGER IF EXISTS sl_audit_fill ON public.{ident(table)}",
                f"CREATE CONSTRAINT TRIGGER sl_audit_fill AFTER INSERT OR UPDATE OR DELETE ON public.{ident(table)} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.sl_audit_fill({argument})"]
    return out


def triggers() -> dict[str, set[str]]:
    """The triggers this module makes, by table (for `check`)."""
    out = {table: {"sl_audit_fill"} for table in audited_tables()}
    out["audit_entry"] = {"sl_audit_stamp"}
    return out


def functions(roles: Roles) -> list[Function]:
    values = {"keeper": literal(roles.keeper), "chain_lock": str(CHAIN_LOCK), "source": literal(SOURCE)}
    return [Function(signature, fill(template, **values), callers=callers)
            for signature, callers, template in _FUNCTIONS]


_FUNCTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("public.sl_audit_link(public.audit_entry)", ("people", "keeper"), """
CREATE OR REPLACE FUNCTION public.sl_audit_link(entry public.audit_entry) RETURNS public.audit_entry
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE head public.audit_entry;
BEGIN
  -- One writer at a time appends (the lock of ledger.audit_chain), so that a transaction's entries are the
  -- newest until it commits and each links to the one before: an id drawn before the lock was taken may lie
  -- behind an entry committed meanwhile, and is drawn again.
  PERFORM pg_advisory_xact_lock(«chain_lock»);
  SELECT * INTO head FROM public.audit_entry a ORDER BY a.id DESC LIMIT 1;
  IF entry.id IS NULL OR entry.id <= head.id THEN
    entry.id := nextval('public.audit_entry_id_seq');
    IF entry.id <= head.id THEN
      PERFORM setval('public.audit_entry_id_seq', head.id);
      entry.id := nextval('public.audit_entry_id_seq');
    END IF;
  END IF;
  entry.chain_hash := public.audit_entry_hash(coalesce(head.chain_hash, ''), entry);
  RETURN entry;
END $$"""),
    ("public.sl_audit_stamp()", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  -- A person's own login role names them, whatever the statement said. The account functions (running as the
  -- keeper) name the administrator they act for, or for a failed sign-in the name that was tried.
  IF current_user <> «keeper» AND EXISTS (SELECT 1 FROM public.app_user u WHERE u.name = session_user) THEN
    NEW.user_name := session_user;
  END IF;
  NEW.at := clock_timestamp()::timestamp;
  RETURN public.sl_audit_link(NEW);   -- its id and its link in the hash chain
END $$"""),
    ("public.sl_audit_chain_break()", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_audit_chain_break()
RETURNS TABLE (at timestamp, user_name varchar, source varchar, action varchar, ledger varchar,
               record_label varchar, later bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE e public.audit_entry; previous text := '';
BEGIN
  -- ledger.audit_chain.verify over the whole trail, for anyone running check (who may see only part of it):
  -- the first entry that does not verify, and how many follow it.
  FOR e IN SELECT * FROM public.audit_entry a ORDER BY a.id LOOP
    IF e.chain_hash IS DISTINCT FROM public.audit_entry_hash(previous, e) THEN
      RETURN QUERY SELECT e.at, e.user_name, e.source, e.action, e.ledger, e.record_label,
                          (SELECT count(*) FROM public.audit_entry a WHERE a.id > e.id);
      RETURN;
    END IF;
    previous := e.chain_hash;
  END LOOP;
END $$"""),
    ("public.sl_iso(timestamp without time zone)", ("keeper",), """
CREATE OR REPLACE FUNCTION public.sl_iso(ts timestamp) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS')
         || CASE WHEN to_char(ts, 'US') = '000000' THEN '' ELSE '.' || to_char(ts, 'US') END
$$"""),
    ("public.sl_audit_values(jsonb, jsonb)", ("keeper",), """
CREATE OR REPLACE FUNCTION public.sl_audit_values(r jsonb, spec jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  -- A row's audited columns as ledger.audit.plain renders them: money as '12.30', times as isoformat.
  SELECT coalesce(jsonb_object_agg(c.col, CASE
      WHEN r->c.col IS NULL OR jsonb_typeof(r->c.col) = 'null' THEN 'null'::jsonb
      WHEN spec->'scaled' ? c.col THEN to_jsonb(round((r->>c.col)::numeric / (10::numeric ^ (spec->'scaled'->>c.col)::int),
                                                      (spec->'scaled'->>c.col)::int)::text)
      WHEN spec->'stamps' ? c.col THEN to_jsonb(public.sl_iso((r->>c.col)::timestamp))
      ELSE r->c.col END), '{}'::jsonb)
  FROM jsonb_array_elements_text(spec->'columns') AS c(col)
$$"""),
    ("public.sl_audit_changes(text, jsonb, jsonb, jsonb)", ("keeper",), """
CREATE OR REPLACE FUNCTION public.sl_audit_changes(op text, old_v jsonb, new_v jsonb, spec jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  -- As the ORM hook writes them: a new row's values, a deleted row's last values, a change's old and new.
  SELECT jsonb_agg(jsonb_build_object('field', c.col,
                                      'old', CASE WHEN op = 'INSERT' THEN 'null'::jsonb ELSE old_v->c.col END,
                                      'new', CASE WHEN op = 'DELETE' THEN 'null'::jsonb ELSE new_v->c.col END)
                   ORDER BY c.i)
  FROM jsonb_array_elements_text(spec->'columns') WITH ORDINALITY AS c(col, i)
  WHERE CASE op WHEN 'INSERT' THEN new_v->c.col <> 'null'::jsonb
                WHEN 'DELETE' THEN old_v->c.col <> 'null'::jsonb
                ELSE old_v->c.col IS DISTINCT FROM new_v->c.col END
$$"""),
    ("public.sl_audit_label(jsonb, jsonb)", ("keeper",), """
CREATE OR REPLACE FUNCTION public.sl_audit_label(v jsonb, spec jsonb) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT left(v->>l.col, 100) FROM jsonb_array_elements_text(spec->'labels') WITH ORDINALITY AS l(col, i)
  WHERE coalesce(v->>l.col, '') <> '' ORDER BY l.i LIMIT 1
$$"""),
    ("public.sl_audit_same(jsonb, jsonb, text, jsonb)", (), r"""
CREATE OR REPLACE FUNCTION public.sl_audit_same(a jsonb, b jsonb, col text, spec jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  -- Whether a value an entry states (a) is the stored one (b, rendered by sl_audit_values).
  SELECT CASE
    WHEN a IS NULL OR jsonb_typeof(a) = 'null' THEN b IS NULL OR jsonb_typeof(b) = 'null'
    WHEN b IS NULL OR jsonb_typeof(b) = 'null' THEN false
    WHEN a = b OR a #>> '{}' = b #>> '{}' THEN true
    WHEN spec->'scaled' ? col THEN
      CASE WHEN (a #>> '{}') ~ '^-?[0-9]+(\.[0-9]+)?$' THEN (a #>> '{}')::numeric = (b #>> '{}')::numeric ELSE false END
    WHEN spec->'stamps' ? col THEN
      CASE WHEN (a #>> '{}') ~ '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,6})?$'
           THEN (a #>> '{}')::timestamp = (b #>> '{}')::timestamp ELSE false END
    ELSE false END
$$"""),
    ("public.sl_audit_states(jsonb, jsonb, jsonb)", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_states(stated jsonb, changes jsonb, spec jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  -- Whether an entry's changes state every change the server saw, each with its old and new value.
  SELECT coalesce(jsonb_typeof(stated) = 'array', false) AND NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(changes) c
    WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(stated) x
                      WHERE x->>'field' = c->>'field'
                        AND public.sl_audit_same(x->'old', c->'old', c->>'field', spec)
                        AND public.sl_audit_same(x->'new', c->'new', c->>'field', spec)))
$$"""),
    ("public.sl_audit_summarized(jsonb)", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_summarized(actions jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE e record; me xid := pg_current_xact_id()::xid;
BEGIN
  -- This transaction's entries are the newest (appends are serialized): look back through them only.
  IF actions IS NULL OR jsonb_array_length(actions) = 0 THEN RETURN false; END IF;
  FOR e IN SELECT a.action, a.xmin FROM public.audit_entry a ORDER BY a.id DESC LOOP
    EXIT WHEN e.xmin <> me;
    IF actions ? e.action THEN RETURN true; END IF;
  END LOOP;
  RETURN false;
END $$"""),
    ("public.sl_audit_covered(jsonb, text, bigint, text, jsonb, bigint)", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_covered(spec jsonb, op text, rid bigint, label text, changes jsonb,
                                                   parent_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE e record; me xid := pg_current_xact_id()::xid;
BEGIN
  -- A row the database deleted with its parent: the parent's recorded deletion accounts for it.
  IF op = 'DELETE' AND parent_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM public.audit_entry a WHERE a.ledger = spec->'cascade'->>'name' AND a.record_id = parent_id
      AND a.action = '删除' AND a.xmin = me) THEN
    RETURN true;
  END IF;
  IF spec->>'kind' = 'event' THEN   -- recorded as a whole by its service: any entry of this transaction
    RETURN coalesce((SELECT a.xmin = me FROM public.audit_entry a ORDER BY a.id DESC LIMIT 1), false);
  END IF;
  FOR e IN SELECT a.action, a.changes FROM public.audit_entry a
           WHERE a.ledger = spec->>'name' AND a.record_id = rid AND a.xmin = me
           UNION ALL
           SELECT a.action, a.changes FROM public.audit_entry a
           WHERE rid IS NULL AND a.ledger = spec->>'name' AND a.record_id IS NULL AND a.record_label = label
             AND a.xmin = me LOOP
    IF op = 'INSERT' THEN RETURN true; END IF;
    IF op = 'DELETE' AND e.action = '删除' THEN RETURN true; END IF;
    IF op = 'UPDATE' AND public.sl_audit_states(e.changes::jsonb, changes, spec) THEN RETURN true; END IF;
  END LOOP;
  RETURN op <> 'UPDATE' AND public.sl_audit_summarized(spec->'summaries');
END $$"""),
    ("public.sl_audit_community(jsonb, jsonb)", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_community(raw jsonb, place jsonb) RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE found integer;
BEGIN
  -- The community an entry is filed under: the row's own column, or its parent's (ledger.scope.communities_of).
  IF place IS NULL OR jsonb_typeof(place) = 'null' THEN RETURN NULL; END IF;
  IF place ? 'via' THEN
    EXECUTE format('SELECT %I FROM public.%I WHERE id = $1', place->>'column', place->>'parent')
      INTO found USING (raw->>(place->>'via'))::integer;
    RETURN found;
  END IF;
  RETURN (raw->>(place->>'column'))::integer;
END $$"""),
    ("public.sl_audit_fill()", (), """
CREATE OR REPLACE FUNCTION public.sl_audit_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  spec jsonb := TG_ARGV[0]::jsonb;
  raw jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  rid bigint := CASE WHEN (spec->>'keyed')::boolean THEN (raw->>'id')::bigint END;
  parent_id bigint := (raw->>(spec->'cascade'->>'column'))::bigint;
  old_v jsonb; new_v jsonb; changes jsonb; label text;
BEGIN
  IF TG_OP = 'UPDATE' AND to_jsonb(OLD) = to_jsonb(NEW) THEN RETURN NULL; END IF;   -- written back unchanged
  IF TG_OP <> 'UPDATE' AND rid IS NOT NULL AND public.sl_audit_covered(spec, TG_OP, rid, NULL, NULL, parent_id) THEN
    RETURN NULL;   -- the common case, decided before any value is rendered
  END IF;
  IF TG_OP <> 'INSERT' THEN old_v := public.sl_audit_values(to_jsonb(OLD), spec); END IF;
  IF TG_OP <> 'DELETE' THEN new_v := public.sl_audit_values(to_jsonb(NEW), spec); END IF;
  changes := public.sl_audit_changes(TG_OP, old_v, new_v, spec);
  IF TG_OP = 'UPDATE' AND changes IS NULL THEN RETURN NULL; END IF;   -- only bookkeeping columns changed
  label := public.sl_audit_label(coalesce(new_v, old_v), spec);
  IF public.sl_audit_covered(spec, TG_OP, rid, label, changes, parent_id) THEN RETURN NULL; END IF;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label, changes,
                                  community_id)
  VALUES (clock_timestamp(), left(session_user, 32), «source»,
          CASE TG_OP WHEN 'INSERT' THEN '新增' WHEN 'UPDATE' THEN '修改' ELSE '删除' END,
          spec->>'name', rid, label, changes::json, public.sl_audit_community(raw, spec->'community'));
  RETURN NULL;
END $$"""),
]
