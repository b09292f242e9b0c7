"""Which rows a person sees on PostgreSQL (row-level security), and personal data masked by the server.

**Rows.** Every table that belongs to a community (ledger.catalog: its own column, the community's `id`, or a
parent's foreign key) gets one policy, generated here from that declaration: a person's rows are those of the
communities `sl_communities(current_user)` returns — NULL for the whole street, one id for an account limited
to a 社区, none for a role that is not an account of this database (fail closed). It reads the accounts table
(app_user: login name → community), so a limit set in the window holds on the server at once. A street limit
later is a change of that function alone (the communities of the account's street). The database owner stays
exempt (RLS is enabled, not forced): it is used only by init and upgrade.

**Personal data.** Roles without personal.read (领导) have no column privilege on 身份证号, 银行账号 and 联系电话
(ledger.catalog `personal`); they read those tables through the views of the schema `masked`, which show the
values as ledger.access.mask_personal does, within the same row limit. Their login roles find the views first
on their search_path, so the application reads them without knowing; another SQL tool gets the same. The
audit trail's changes are masked in its view as the trail is shown to them (ledger.services.audit_query).
"""
from __future__ import annotations

import json

from .. import catalog
from ..access import PERMISSIONS, ROLES
from .functions import Function
from .names import Roles
from .rights import MASKED, columns_of
from .sql import fill, ident, literal

POLICY = "community_limit"
# What the application derives from a 身份证号 (ledger.idcard: 性别 from the 17th digit, 出生日期 from the 7th–
# 14th), computed by the server for those who see the number masked; shown after the table's own columns.
DERIVED = {"worker": {
    "sex": "CASE WHEN t.id_number ~ '^[0-9]{17}[0-9X]$' THEN CASE WHEN substr(t.id_number, 17, 1)::int % 2 = 1 "
           "THEN '男' ELSE '女' END END",
    "birth_date": "CASE WHEN t.id_number ~ '^[0-9]{17}[0-9X]$' THEN to_date(substr(t.id_number, 7, 8), 'YYYYMMDD') END",
}}


def _limit(who: str) -> str:
    """The communities `who` sees (an InitPlan: computed once per statement, not per row)."""
    return f"(SELECT public.sl_communities({who}))"


def owned() -> list[str]:
    """The tables a limited account sees only part of."""
    return [name for name, info in catalog.tables().items() if info.owner is not None]


def visible(table: str, alias: str, who: str = "current_user", depth: int = 0) -> str:
    """SQL: row `alias` of `table` is one the role `who` may see (the policy, spelt once)."""
    info = catalog.tables()[table]
    owner = info.owner
    limit = _limit(who)
    if owner.column is not None:
        mine = f" OR {alias}.{ident(owner.or_actor)} = {who}" if owner.or_actor else ""   # their own entries
        return f"({limit} IS NULL OR {alias}.{ident(owner.column)} = ANY ({limit}::integer[]){mine})"
    parent = f"up{depth}"
    return (f"({limit} IS NULL OR {alias}.{ident(owner.via)} IN (SELECT {parent}.id FROM public.{ident(info.parent)} "
            f"{parent} WHERE {visible(info.parent, parent, who, depth + 1)}))")


def policy_statements() -> list[str]:
    out = []
    for table in owned():
        target = f"public.{ident(table)}"
        condition = visible(table, ident(table))
        out += [f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY",
                f"ALTER TABLE {target} NO FORCE ROW LEVEL SECURITY",
                f"DROP POLICY IF EXISTS {POLICY} ON {target}",
                f"CREATE POLICY {POLICY} ON {target} USING {condition} WITH CHECK {condition}"]
    return out


def masked_tables() -> list[str]:
    return [name for name, info in catalog.tables().items() if info.personal]


def masked_roles() -> list[str]:
    """Application roles that see personal data masked."""
    return [role for role in ROLES if role not in PERMISSIONS["personal.read"][1]]


def view_statements() -> list[str]:
    """The schema of masked views, made anew (its views follow the tables' columns)."""
    out = [f"DROP SCHEMA IF EXISTS {MASKED} CASCADE", f"CREATE SCHEMA {MASKED}"]
    for table in masked_tables():
        info = catalog.tables()[table]
        shown = []
        for column in columns_of(table):
            if column not in info.personal:
                shown.append(f"t.{ident(column)}")
            elif table == "audit_entry":
                shown.append(f"public.sl_mask_changes(t.ledger, t.{ident(column)}) AS {ident(column)}")
            else:
                shown.append(f"public.sl_mask(t.{ident(column)}) AS {ident(column)}")
        shown += [f"{sql} AS {ident(name)}" for name, sql in DERIVED.get(table, {}).items()]
        where = f" WHERE {visible(table, 't')}" if info.owner is not None else ""
        out.append(f"CREATE VIEW {MASKED}.{ident(table)} WITH (security_barrier = true) AS "
                   f"SELECT {', '.join(shown)} FROM public.{ident(table)} t{where}")
    # The application appends to the trail by its plain name, which is this view for them: pass it on.
    out.append(f"CREATE TRIGGER sl_append INSTEAD OF INSERT ON {MASKED}.audit_entry FOR EACH ROW "
               "EXECUTE FUNCTION public.sl_masked_append()")
    return out


def search_path_sql(database: str, person: str, role: str) -> str:
    """A person's search path in this database: the masked views first for those who see masked data."""
    target = f"ALTER ROLE {ident(person)} IN DATABASE {ident(database)}"
    if role in masked_roles():
        return f"{target} SET search_path = {MASKED}, public"
    return f"{target} RESET search_path"


def _history_checks() -> str:
    """plpgsql: `seen` := whether session_user may see record p_id of the ledger named p_ledger."""
    branches = []
    for d in catalog.ledgers().values():
        condition = f" AND {visible(d.table, 't', 'session_user')}" if d.owner is not None else ""
        branches.append(f"IF p_ledger = {literal(d.name)} THEN SELECT EXISTS (SELECT 1 FROM public.{ident(d.table)} t "
                        f"WHERE t.id = p_id{condition}) INTO seen; END IF;")
    return "\n  ".join(branches)


def functions(roles: Roles) -> list[Function]:
    from ..services.audit_words import _PERSONAL_KEYS
    personal_pairs = sorted(f"{d.name}/{f.key}" for d in catalog.ledgers().values() for f in d.fields if f.personal)
    full = [roles.group(r) for r in ROLES if r not in masked_roles()]
    values = {"keeper": literal(roles.keeper), "keys": literal(json.dumps(sorted(_PERSONAL_KEYS))),
              "pairs": literal(json.dumps(personal_pairs, ensure_ascii=False)),
              "owned": literal(json.dumps(owned())),
              "append_columns": ", ".join(ident(c) for c in columns_of("audit_entry")),
              "append_values": ", ".join(f"NEW.{ident(c)}" for c in columns_of("audit_entry")),
              "history_checks": _history_checks(),
              "full_groups": "ARRAY[" + ", ".join(literal(g) for g in full) + "]"}
    return [Function(signature, fill(template, **values), callers=callers)
            for signature, callers, template in _FUNCTIONS]


_FUNCTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("public.sl_communities(name)", ("people", "keeper"), """
CREATE OR REPLACE FUNCTION public.sl_communities(who name) RETURNS integer[]
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  -- NULL: the whole street; {id}: an account limited to one 社区; {}: not an account here (sees nothing).
  SELECT CASE
    WHEN who = «keeper» THEN NULL
    WHEN NOT EXISTS (SELECT 1 FROM public.app_user u WHERE u.name = who AND u.active) THEN '{}'::integer[]
    ELSE (SELECT CASE WHEN u.community_id IS NULL THEN NULL ELSE ARRAY[u.community_id] END
          FROM public.app_user u WHERE u.name = who)
  END
$$"""),
    ("public.sl_mask(text)", ("masked",), """
CREATE OR REPLACE FUNCTION public.sl_mask(value text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  -- ledger.access.mask_personal: 110105********1234, 138****5678.
  SELECT CASE WHEN value IS NULL OR btrim(value) = '' THEN value ELSE (
    SELECT CASE WHEN n <= 4 THEN repeat('*', n) ELSE left(t, h) || repeat('*', n - h - tl) || right(t, tl) END
    FROM (SELECT t, n, CASE WHEN n >= 15 THEN 6 WHEN n >= 10 THEN 3 ELSE 0 END AS h,
                       CASE WHEN n >= 10 THEN 4 ELSE 2 END AS tl
          FROM (SELECT btrim(value) AS t, char_length(btrim(value)) AS n) AS a) AS b) END
$$"""),
    ("public.sl_mask_value(json)", ("masked",), """
CREATE OR REPLACE FUNCTION public.sl_mask_value(v json) RETURNS json
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  SELECT CASE WHEN v IS NULL OR json_typeof(v) = 'null' THEN v ELSE to_json(public.sl_mask(v #>> '{}')) END
$$"""),
    ("public.sl_mask_changes(character varying, json)", ("masked",), """
CREATE OR REPLACE FUNCTION public.sl_mask_changes(ledger varchar, changes json) RETURNS json
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  -- An entry's old and new values masked where ledger.services.audit_query masks them.
  SELECT CASE WHEN changes IS NULL OR json_typeof(changes) <> 'array' THEN changes ELSE coalesce((
    SELECT json_agg(CASE WHEN «keys»::jsonb ? (x.e->>'field') OR «pairs»::jsonb ? (ledger || '/' || (x.e->>'field'))
                         THEN json_build_object('field', x.e->'field',
                                                'old', public.sl_mask_value(x.e->'old'),
                                                'new', public.sl_mask_value(x.e->'new'))
                         ELSE x.e END ORDER BY x.i)
    FROM json_array_elements(changes) WITH ORDINALITY AS x(e, i)), '[]'::json) END
$$"""),
    ("public.sl_masked_append()", (), """
CREATE OR REPLACE FUNCTION public.sl_masked_append() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO public.audit_entry («append_columns») VALUES («append_values»);
  RETURN NEW;
END $$"""),
    ("public.sl_record_exists(text, integer)", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_record_exists(tbl text, rid integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE found boolean;
BEGIN
  -- Whether a record exists outside the caller's 社区 (the refusal then says so instead of 'not found').
  IF NOT «owned»::jsonb ? tbl THEN RETURN NULL; END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I WHERE id = $1)', tbl) INTO found USING rid;
  RETURN found;
END $$"""),
    ("public.sl_record_history(text, integer)", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_record_history(p_ledger text, p_id integer) RETURNS SETOF public.audit_entry
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE seen boolean := false; g text; in_full boolean := false;
BEGIN
  -- One record's own history, for anyone who may see the record (ledger.services.audit_query.record_history),
  -- with personal values masked for those who see them masked.
  «history_checks»
  IF NOT seen THEN RETURN; END IF;
  FOREACH g IN ARRAY «full_groups» LOOP
    IF pg_has_role(session_user, g, 'MEMBER') THEN in_full := true; END IF;
  END LOOP;
  IF in_full THEN
    RETURN QUERY SELECT a.* FROM public.audit_entry a
                 WHERE a.ledger = p_ledger AND a.record_id = p_id ORDER BY a.at, a.id;
  ELSE
    RETURN QUERY SELECT (jsonb_populate_record(NULL::public.audit_entry, to_jsonb(a) || jsonb_build_object(
                   'changes', public.sl_mask_changes(a.ledger, a.changes)))).*
                 FROM public.audit_entry a WHERE a.ledger = p_ledger AND a.record_id = p_id ORDER BY a.at, a.id;
  END IF;
END $$"""),
    ("public.sl_community_names()", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_community_names() RETURNS TABLE (id integer, name varchar)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  -- Every 社区's name: a limited account's entries name other communities to be refused, not unknown.
  SELECT c.id, c.name FROM public.community c ORDER BY c.id
$$"""),
]
