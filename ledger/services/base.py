"""The shape every ledger service shares: parse, resolve, check, write — all or nothing.

A ledger service knows its model and its fields (ledger.fields); subclasses add references to resolve
and rules that span fields. Records go in as raw values (text from a form or a cell, or typed values) and
come out as plain dicts keyed by field key, with `id`, never as attached ORM objects.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from itertools import repeat
from typing import Any, ClassVar

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session, object_session

from .. import catalog, conflicts, scope, settings
from ..app import Ledger
from ..catalog import LedgerDef
from ..errors import LedgerError, NotFound, Problem, ValidationError
from ..fields import Field, parse_record
from ..models import Community, Street
from ..shared_reads import shared
from . import recycle_bin
from .columns import Columns, column_batches
from .facts import facts_for
from .grid_refs import name_grids, resolve_grid

Record = dict[str, Any]


def community_ids(session: Session) -> dict[str, int]:
    """社区名称 -> id for the communities of the database."""
    return {name: cid for cid, name in session.execute(select(Community.id, Community.name))}


def communities(session: Session) -> list[Any]:
    """Every 社区's id, name, code and 户数 (the figures and the names of a refresh read them once)."""
    return shared(session, "communities", lambda: list(session.execute(
        select(Community.id, Community.name, Community.code, Community.households))))


def community_names(session: Session) -> dict[int, str]:
    return {c.id: c.name for c in communities(session)}


def current_street(session: Session) -> Street | None:
    return shared(session, "street", lambda: session.scalars(select(Street).order_by(Street.id)).first())


class LedgerService:
    """A ledger's rules. Its model, name and fields come from its declaration (ledger.catalog.LedgerDef)."""

    definition: ClassVar[LedgerDef]
    model: ClassVar[type]
    name: ClassVar[str]                      # 社区, 网格, … as a user calls the ledger
    fields: ClassVar[tuple[Field, ...]]
    label_key: ClassVar[str] = "name"
    # The field naming the community (a 'ref' resolved to community_id), if the ledger has one.
    community_field: ClassVar[str | None] = "community"
    # The columns that say which stored record a row of an imported workbook means (after references are
    # resolved), e.g. 身份证号 for workers; a row whose key is blank is a new record unless the column is
    # listed in match_nullable (a party organisation without 上级组织 is a top-level one).
    match_on: ClassVar[tuple[str, ...]] = ()
    match_nullable: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    # --- reading ------------------------------------------------------------------------------
    # Reads see only what the signed-in account may see: ledger.scope limits every ORM statement.
    def list(self, community_id: int | None = None, **filters: Any) -> list[Record]:
        with self.ledger.reading() as session:
            stmt = self._select(session)
            if community_id is not None:
                if not scope.allows(session, community_id):
                    scope.refuse(session)
                stmt = stmt.where(self._community_column() == community_id)
            for key, value in filters.items():
                if value is not None:
                    stmt = stmt.where(getattr(self.model, key) == value)
            records = self._listed(session, stmt)
        return self._mask(records)

    def list_in_batches(self, size: int = 20000) -> Iterator[list[Record]]:
        """The records `list()` gives, in its order, `size` at a time from one read: a caller that keeps them in
        a form of its own (a page's table of cells) never holds all of them as dicts — 100,000 经费 entries
        are some 110 MB of dicts, several times what the page keeps of them."""
        with self.ledger.reading() as session:
            names = community_names(session)
            for read in column_batches(session, self._select(session).order_by(self.model.id), size):
                yield self._mask(self._records_of(session, read, names))

    @classmethod
    def lists_plainly(cls) -> bool:
        """Whether the ledger's listed records are made column by column: its rows' own columns, the 社区 by name
        and what _add_columns adds, no hook of the ledger working on records one by one."""
        return cls._to_record is LedgerService._to_record and cls._enrich is LedgerService._enrich and \
            _grid_field(cls) is None

    def columns_in_batches(self, size: int = 20000) -> Iterator[Columns]:
        """For a ledger that lists plainly: the records list_in_batches gives, as columns (the same keys and values,
        personal numbers masked alike), without a dict per row — 100,000 经费 entries made a third of their page's
        read in dicts taken apart again by the table."""
        if not self.lists_plainly():
            raise TypeError(f"{type(self).__name__} adds to its records; read them with list_in_batches")
        with self.ledger.reading() as session:
            names = community_names(session)
            for read in column_batches(session, self._select(session).order_by(self.model.id), size):
                yield self._mask_columns(self._listed_columns(session, read, names))

    def get_many(self, record_ids: Sequence[int]) -> list[Record]:
        """Several records as `list` gives them (without their history), in the order of `record_ids`."""
        wanted = list(dict.fromkeys(record_ids))
        found: dict[int, Record] = {}
        with self.ledger.reading() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for record in self._listed(session, self._select(session).where(self.model.id.in_(chunk))):
                    found[record["id"]] = record
        return self._mask([found[i] for i in wanted if i in found])

    def _listed(self, session: Session, stmt) -> list[Record]:
        names = community_names(session)
        return [record for read in column_batches(session, stmt.order_by(self.model.id))
                for record in self._records_of(session, read, names)]

    def get(self, record_id: int) -> Record:
        with self.ledger.reading() as session:
            records = self._listed(session, self._select(session).where(self.model.id == record_id))
            if not records:
                self._missing(session, record_id)
            record = records[0]
            record.update(self._details(session, record))
        return self._mask([record])[0]

    def _records_of(self, session: Session, read: Columns, names: dict[int, str]) -> list[Record]:
        """The listed records of rows read by `_select` (unmasked)."""
        if self.lists_plainly():
            return self._listed_columns(session, read, names).records()
        records = [self._to_record(row, names) for row in read.records()]
        self._name_grid(session, records)
        self._enrich(session, records)
        return records

    def _listed_columns(self, session: Session, read: Columns, names: dict[int, str]) -> Columns:
        """For a ledger that lists plainly: the listed records of rows read by `_select`, as columns (unmasked): the
        row's columns a record carries, the 社区 by name, and what the ledger adds."""
        keys = _kept_keys(type(self), read.keys)
        columns = Columns(keys, [read[k] for k in keys])
        if self.community_field:
            columns.put(self.community_field, list(map(names.get, read["community_id"], repeat(""))))
        self._add_columns(session, columns)
        return columns

    def _mask_columns(self, columns: Columns) -> Columns:
        """_mask, column by column."""
        hide = self.ledger.actor.personal
        for key in self._masked_keys():
            if key in columns.keys:
                columns.put(key, [hide(v) if v else v for v in columns[key]])
        return columns

    def count(self) -> int:
        with self.ledger.reading() as session:
            return session.scalar(select(func.count()).select_from(self.model)) or 0

    # --- writing ------------------------------------------------------------------------------
    def validate(self, raw: dict[str, Any], record_id: int | None = None) -> list[Problem]:
        """The problems a save would report, without writing (for forms that validate as you type)."""
        with self.ledger.reading() as session:
            return self.prepare(session, raw, record_id)[1]

    def create(self, raw: dict[str, Any], details: bool = True) -> Record:
        """Add a record; returns it as `get` does, or with details=False as `list` does (read in the same
        transaction: what a form's save puts back into its table)."""
        with self.ledger.unit("ledger.write") as session:
            obj = self.save(session, raw)
            record_id = obj.id
            saved = None if details else self._saved(session, obj)
        return self.get(record_id) if saved is None else self._mask([saved])[0]

    def update(self, record_id: int, raw: dict[str, Any], version: int | None = None,
               details: bool = True) -> Record:
        """Change a record; `version` is the one the person saw (a newer stored one refuses the save).
        Returns the record as `create` does."""
        with self.ledger.unit("ledger.write") as session:
            obj = self.save(session, raw, record_id, version=version)
            saved = None if details else self._saved(session, obj)
        return self.get(record_id) if saved is None else self._mask([saved])[0]

    def _saved(self, session: Session, obj) -> Record:
        """The record just written, as `list` shows it, from the object in hand when the ledger reads its own
        table (no query for what was just written), else by its select."""
        if type(self)._select is LedgerService._select:
            row = {attr.key: getattr(obj, attr.key) for attr in inspect(self.model).column_attrs}
            names = community_names(session) if self.community_field else {}
            return self._records_of(session, Columns.of([row]), names)[0]
        return self._listed(session, self._select(session).where(self.model.id == obj.id))[0]

    def check_many(self, changes: Sequence[tuple[int, dict[str, Any], int | None]]) -> dict[int, list[str]]:
        """What `update_many` would refuse, record by record, without writing (a batch's preview)."""
        refused: dict[int, list[str]] = {}
        with self.ledger.reading() as session:
            for record_id, raw, version in changes:
                try:
                    obj = self._load(session, record_id)
                    if version is not None:
                        self.check_version(obj, version)
                    problems = self.prepare(session, raw, record_id)[1]
                except LedgerError as exc:
                    refused[record_id] = [str(exc)]
                    continue
                if problems:
                    refused[record_id] = [str(p) for p in problems]
        return refused

    def update_many(self, changes: Sequence[tuple[int, dict[str, Any], int | None]]) -> list[Record]:
        """Change several records (record id, raw values, the version the person saw) in one transaction.

        Each change is checked as a form's save is; all or nothing: when any is refused, nothing is saved and
        `BatchRefused` names every refused record with its reasons.
        """
        refused: dict[int, list[str]] = {}
        names: dict[int, str] = {}
        with self.ledger.unit("ledger.write") as session:
            for record_id, raw, version in changes:
                obj = session.get(self.model, record_id)
                if obj is not None:
                    names[record_id] = recycle_bin.record_name(session, self.definition, obj)
                try:
                    self.save(session, raw, record_id, version=version)
                except ValidationError as exc:
                    refused[record_id] = [str(p) for p in exc.problems]
                except LedgerError as exc:   # gone, changed by someone else, outside the account's community
                    refused[record_id] = [str(exc)]
            if refused:
                raise BatchRefused(refused, names)
        return self.get_many([record_id for record_id, _raw, _version in changes])

    def delete(self, record_id: int, version: int | None = None) -> int:
        """Delete a record into the 回收站 and return its bin entry; refused while other records use it.

        With `version`, a record saved by someone else since that version is refused (conflicts.Conflict).
        """
        return self.delete_many([(record_id, version)])[0]

    def delete_many(self, records: Sequence[tuple[int, int | None]]) -> list[int]:
        """Delete records (id, the version seen or None) into the 回收站 in one transaction, all or nothing."""
        kept = []
        with self.ledger.unit("ledger.write") as session:
            for record_id, version in records:
                obj = self._load(session, record_id)
                if version is not None:
                    self.check_version(obj, version)
                self._before_delete(session, obj)
                refuse_if_used(session, self.definition, obj)
                kept.append(recycle_bin.keep(session, self.definition, obj))
                session.delete(obj)
                session.flush()
        return kept

    def save(self, session: Session, raw: dict[str, Any], record_id: int | None = None, row: int | None = None,
             version: int | None = None):
        """Validate and write one record inside the caller's unit; raises ValidationError, writes nothing then.

        With `version`, a record saved by someone else since that version is refused (conflicts.Conflict).
        """
        # The object read here is the one written: its version goes into the UPDATE's WHERE, so a save by
        # someone else in between is refused at the write too (StaleDataError → conflicts.translate).
        obj = self._load(session, record_id) if record_id is not None else None
        if obj is not None and version is not None:
            self.check_version(obj, version)
        attrs, problems = self.prepare(session, raw, record_id, row)
        if problems:
            raise ValidationError(problems)
        obj = obj if obj is not None else self.model()
        extra = self._apply(session, obj, attrs)
        if record_id is None:
            session.add(obj)
        session.flush()
        if extra:
            extra(obj)
            session.flush()
        return obj

    def prepare(self, session: Session, raw: dict[str, Any], record_id: int | None = None,
                row: int | None = None) -> tuple[dict[str, Any], list[Problem]]:
        """Parse, resolve references and check the rules; returns model attributes and problems."""
        partial = record_id is not None
        clean, problems = parse_record(self.fields, raw, partial=partial, row=row, ceilings=settings.ceilings(session))
        existing = self._load(session, record_id) if record_id is not None else None
        return self.check_parsed(session, clean, problems, existing, row)

    def check_parsed(self, session: Session, clean: dict[str, Any], problems: list[Problem], existing=None,
                     row: int | None = None) -> tuple[dict[str, Any], list[Problem]]:
        """Resolve references and check the rules on parsed values, over the stored record if one is given.

        `existing` is the stored record as an ORM object or a row with the same attribute names; the importer
        passes prefetched rows so that ten thousand rows are checked by the same rules as one form.
        """
        merged = {**self._current(existing), **clean} if existing is not None else dict(clean)
        bad = {p.field for p in problems}
        self._resolve(session, merged, problems, row, bad)
        if (grid := _grid_field(type(self))) is not None:
            resolve_grid(session, merged, problems, row, grid.label)
        if not problems:
            self._check(session, merged, problems, existing, row)
        return merged, problems

    def check_version(self, obj, version: int) -> None:
        """Refuse, naming who and when, if the stored record is no longer the version the person saw."""
        if getattr(obj, "version", version) != version:
            session = object_session(obj)
            raise conflicts.stale(session, self.model.__table__.name, obj.id,
                                  str(getattr(obj, self.label_key, None) or obj.id))

    def match(self, session: Session, attrs: dict[str, Any]) -> list[Any] | None:
        """The stored records that resolved `attrs` mean by the ledger's natural key; None when the key is blank.

        A key column the attributes lack (not in the workbook) is left out, so that the rest may still match.
        """
        where = self.match_key(attrs)
        return None if where is None else facts_for(session).find(self.model, **where)

    def match_key(self, attrs: dict[str, Any]) -> dict[str, Any] | None:
        """The natural-key columns and values present in resolved `attrs`; None when the key is blank."""
        where = {k: attrs[k] for k in self.match_on if k in attrs}
        if not where or any(v is None and k not in self.match_nullable for k, v in where.items()):
            return None
        return where

    def warnings(self, session: Session, attrs: dict[str, Any], row: int | None = None) -> list[Problem]:
        """What is allowed but worth a second look (a grid far from 450 households), for previews and forms."""
        return []

    def write_children(self, session: Session, written: list[tuple[int, Any, dict[str, Any]]]) -> dict[str, dict]:
        """For bulk writers: the rows of other tables that writing these records brings (history, rooms).

        `written` holds (id, stored row before or None, attributes written). Returns per table the ids
        inserted and the rows deleted, so that an import can be undone exactly.
        """
        return {}

    # --- hooks for subclasses -----------------------------------------------------------------
    def _select(self, session: Session):
        """Every column of the ledger's table, through the mapped attributes so that the limit applies."""
        return select(*_columns(self.model))

    def _to_record(self, row: dict[str, Any], names: dict[int, str]) -> Record:
        """A listed record from a row of `_select` as a plain dict: the row's own columns that the
        record carries, and the 社区 by name."""
        # a row of nothing else is the record itself (the row is a dict of our own, made for this record); else a
        # copy without the other columns (a subclass may still read them from the row), which is quicker per row
        # than building a new dict key by key
        dropped = _unlisted_keys(type(self), tuple(row))
        record = row
        if dropped:
            record = row.copy()
            for key in dropped:
                del record[key]
        if self.community_field:
            record[self.community_field] = names.get(row["community_id"], "")
        return record

    def _enrich(self, session: Session, records: list[Record]) -> None:
        """Add what one query per page can tell (names of references, derived figures) to listed records."""

    def _add_columns(self, session: Session, columns: Columns) -> None:
        """What a ledger that lists plainly adds to its listed records (names of references, derived figures), a
        read's rows at a time, column by column (Columns.put)."""

    def _details(self, session: Session, record: Record) -> Record:
        """What a single record's page shows beyond its row (history, children)."""
        return {}

    def _resolve(self, session: Session, attrs: dict, problems: list[Problem], row, bad: set[str]) -> None:
        if self.community_field and self.community_field in attrs:
            label = self.definition.field(self.community_field).label
            name = attrs.pop(self.community_field)
            if name is None:
                return
            cid = facts_for(session).community_ids().get(name)
            if cid is None:
                hint = "" if scope.limit_of(session) is None else f"（您的账号只能录入{scope.own_name(session)}的记录）"
                problems.append(Problem(label, f"社区“{name}”不存在，请先在社区台账中新建或导入该社区{hint}", row))
                return
            if not scope.allows(session, cid):
                problems.append(Problem(label, f"您的账号只能录入{scope.own_name(session)}的记录", row))
            attrs["community_id"] = cid

    def _check(self, session: Session, attrs: dict, problems: list[Problem], existing, row) -> None:
        pass

    def _apply(self, session: Session, obj, attrs: dict):
        """Copy attributes onto the object; may return a callable run after the object has an id."""
        columns = {c.key for c in self.model.__table__.columns}
        for key, value in attrs.items():
            if key in columns:
                setattr(obj, key, value)
        return None

    def _current(self, obj) -> dict[str, Any]:
        """The record's present values in field terms (so an edit of one field re-checks the whole)."""
        out = {f.key: getattr(obj, f.key) for f in self.fields if hasattr(obj, f.key) and not f.derived}
        if self.community_field:
            out.pop(self.community_field, None)
            out["community_id"] = obj.community_id
        if (grid := _grid_field(type(self))) is not None:
            out.pop(grid.key, None)
            out["grid_id"] = obj.grid_id
        return out

    def _name_grid(self, session: Session, records: list[Record]) -> None:
        if _grid_field(type(self)) is not None:
            name_grids(session, records)

    def _before_delete(self, session: Session, obj) -> None:
        """A ledger's own reasons to refuse a deletion (rows that use the record are checked for every ledger)."""

    # --- helpers -------------------------------------------------------------------------------
    def _load(self, session: Session, record_id: int):
        obj = session.get(self.model, record_id)
        if obj is None:
            self._missing(session, record_id)
        return obj

    def _missing(self, session: Session, record_id: int) -> None:
        """A record the account cannot see: another community's (refused as such), or gone."""
        if scope.exists_anywhere(session, self.model, record_id):
            scope.refuse(session)
        raise NotFound(f"{self.name}记录不存在（编号 {record_id}），可能已被删除")

    def _community_column(self):
        """The column the window's tree filters on: the record's community (a community's own id)."""
        return getattr(self.model, self.definition.owner.column)

    def _masked_keys(self) -> list[str]:
        """The personal fields the signed-in account sees masked (none for one that may read personal data)."""
        return [] if self.ledger.actor.shows_personal else [f.key for f in self.fields if f.personal]

    def _mask(self, records: list[Record]) -> list[Record]:
        hide = self.ledger.actor.personal
        for key in self._masked_keys():
            for record in records:
                if record.get(key):
                    record[key] = hide(record[key])
        return records

    @staticmethod
    def _duplicate(session: Session, stmt, existing) -> bool:
        found = session.scalar(stmt)
        return found is not None and (existing is None or found != existing.id)

    @staticmethod
    def _taken(found: list[Any], existing) -> bool:
        """Whether rows found by a uniqueness question belong to another record than the one being saved."""
        return any(existing is None or row.id != existing.id for row in found)


class BatchRefused(ValidationError):
    """A batch of changes refused as a whole: `rows` holds each refused record's reasons by its id."""

    def __init__(self, rows: dict[int, list[str]], names: dict[int, str]):
        self.rows = rows
        self.names = names
        super().__init__([Problem("", f"{names.get(record_id, f'编号{record_id}')}：{'；'.join(reasons)}")
                          for record_id, reasons in rows.items()])


@cache
def _columns(model: type) -> tuple:
    return tuple(getattr(model, attr.key) for attr in inspect(model).column_attrs)


@cache
def _unlisted_keys(service: type[LedgerService], row_keys: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a row with these columns that a listed record does not carry (see _listed_keys)."""
    listed = set(_listed_keys(service, row_keys))
    return tuple(k for k in row_keys if k not in listed)


@cache
def _kept_keys(service: type[LedgerService], row_keys: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a row with these columns that a listed record carries, in the row's order."""
    dropped = set(_unlisted_keys(service, row_keys))
    return tuple(k for k in row_keys if k not in dropped)


@cache
def _listed_keys(service: type[LedgerService], row_keys: tuple[str, ...]) -> tuple[str, ...]:
    """What a listed record carries from a row with these columns (worked out once per query shape, not per row):
    the fields stored in the ledger's table, the ids of its references, id, version and community_id."""
    columns = {attr.key for attr in inspect(service.model).column_attrs}
    wanted = [f.key for f in service.fields if f.key in columns and not f.derived]
    wanted += [*_reference_keys(service.model), "id", "version"]
    if service.community_field:
        wanted.append("community_id")
    present = set(row_keys)
    return tuple(dict.fromkeys(k for k in wanted if k in present))


@cache
def _grid_field(service: type[LedgerService]) -> Field | None:
    """The ledger's reference to a 网格 (所属网格, 报到网格), resolved and named for every ledger by grid_refs."""
    return next((f for f in service.fields if f.refers == "grids"), None)


@cache
def _reference_keys(model: type) -> tuple[str, ...]:
    """The ids of the records a record refers to (its 上级组织, 网格, 队伍), which its fields name instead."""
    return tuple(c.key for c in model.__table__.columns if c.foreign_keys and c.key != "community_id")


def refuse_if_used(session: Session, definition: LedgerDef, obj) -> None:
    """Refuse to delete a record that other rows still point to (every foreign key without ON DELETE CASCADE).

    What counts is read from the schema, so a new table that refers to a ledger protects it without a list
    to keep up to date; the rows are named as the catalogue names their table.
    """
    table = obj.__table__
    used = []
    with scope.unlimited(session):
        for other in table.metadata.sorted_tables:
            for fk in other.foreign_keys:
                if fk.column.table is not table or (fk.ondelete or "").upper() == "CASCADE":
                    continue
                n = session.scalar(select(func.count()).select_from(other).where(fk.parent == obj.id)) or 0
                if n:
                    called = catalog.tables()[other.name].called or other.name
                    used.append(f"{n}条{'下级' if other is table else ''}{called}")
    if not used:
        return
    what = f"{definition.name}“{getattr(obj, definition.label, None) or obj.id}”"
    if definition.delete_hint:
        raise ValidationError.single("", f"{what}已有{'、'.join(used)}，不能删除；{definition.delete_hint}")
    raise ValidationError.single("", f"{what}下还有{'、'.join(used)}，请先删除或转移这些记录")


def delete_all(session: Session, model) -> None:
    session.execute(delete(model))


def bulk_insert(session: Session, model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert many rows with one Core statement per batch; returns their new ids in the order given."""
    if not rows:
        return []
    scope.check_rows(session, model, rows)
    table = model.__table__
    if session.get_bind().dialect.name == "sqlite":
        # Ordered RETURNING makes SQLAlchemy send one statement per row on SQLite. SQLite gives a new row
        # max(id) + 1, and only one connection writes at a time, so the ids above the old maximum are ours, in
        # order; a writer slipping in before our first write shows up as a wrong count, and is refused.
        before = session.scalar(select(func.max(table.c.id))) or 0
        session.execute(table.insert(), rows)
        ids = list(session.scalars(select(table.c.id).where(table.c.id > before).order_by(table.c.id)))
        if len(ids) != len(rows):
            raise LedgerError("数据库正被另一个程序同时写入，请稍后重试")
        return ids
    stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, rows).scalars())
