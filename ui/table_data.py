"""A ledger's records kept compactly for the table: cells, search text, sort keys and footer sums.

Pure Python (no Qt), so it is built off the GUI thread and measured by bench/gui_table.py without a window.
Searching and sorting are list operations on row indices over text prepared here; the table model only shows
rows of it. That is what keeps 100,000 rows responsive: a QSortFilterProxyModel over the same rows was
100–240× slower than doing the same in Python and resetting the model.

The records come in as columns (a service's Columns) and stay so: a list of values per key, a column's repeated
texts and dates one object; a cell is rendered when it is shown (`cell`, `rows`), a column when it is sorted or
searched. The search text (cells plus
拼音首字母) is a fifth of what a large ledger's table holds, so a page can show its table first and make the
search text when a search needs it (`make_index` / `set_index`), off the GUI thread.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.fields import Field
from ledger.progress import SILENT, Progress
from ledger.services.columns import ABSENT, Columns

from . import pinyin

Record = dict[str, Any]
_SEARCHED_BY_PINYIN = ("text", "choice", "ref", "rooms")
_NEG_INF = float("-inf")
_NO_DATE = date.min   # blank dates sort first, like blank numbers
_SHAREABLE = frozenset({str, date, type(None)})


@dataclass(frozen=True)
class Facet:
    """A filter drop-down over one column: its cell text, or what `value` makes of the column's value (a date's
    year), worked out once per distinct value."""

    label: str
    key: str
    value: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Total:
    """A footer figure: the sum of a numeric column (or record key) over the shown rows (only rows where
    key == value)."""

    label: str
    key: str
    unit: str = ""
    where: tuple[str, str] | None = None


@dataclass(frozen=True)
class Query:
    """What the table shows: the tree's scope, the chosen facets, the search text and the sort."""

    community_id: int | None = None
    grid_id: int | None = None
    facets: tuple[tuple[str, str], ...] = ()   # (facet label, chosen value); an absent facet means all
    text: str = ""
    sort_key: str | None = None
    descending: bool = False

    def terms(self) -> list[str]:
        return self.text.lower().split()

    def base(self) -> tuple:
        """Everything but the search text: answers with the same base can be narrowed by more typing."""
        return (self.community_id, self.grid_id, self.facets, self.sort_key, self.descending)


@dataclass(frozen=True)
class Scope:
    """Which record keys place a row in the organisation tree (the 社区 ledger's own id is its 社区)."""

    community: str | None = "community_id"
    grid: str | None = None


class TableData:
    """Rows of one ledger ready to show; indices into `rows` are what the table model displays."""

    def __init__(self, fields: Sequence[Field], records: list[Record], *, facets: Sequence[Facet] = (),
                 totals: Sequence[Total] = (), scope: Scope = Scope(), shown: Sequence[str] | None = None,
                 flag: Callable[[Columns], list[str | None]] | None = None, index: bool = True,
                 progress: Progress = SILENT):
        self.fields = tuple(fields)
        self.keys = [f.key for f in self.fields]
        self.facets = tuple(facets)
        self.totals = tuple(totals)
        self.scope = scope
        self.flag = flag
        self.hay: list[bytes] | None = [] if index else None
        self.flags: list[str | None] = []
        self.ids: list[int] = []
        self.communities: list[int | None] = []
        self.grids: list[int | None] = []
        self.facet_values: dict[str, list[str]] = {f.label: [] for f in self.facets}
        self.total_values: dict[str, list[int]] = {t.label: [] for t in self.totals}
        # The records are kept as one list of values per key (`_values`, in the order of `_keys`), the repeated
        # texts and dates of a column as one object: a dict per record, a tuple of cells beside it and a string per
        # repeated 社区 name made a 100,000-row ledger several times larger, and a list per key is no object per
        # row for the garbage collector to walk. The cells are rendered when shown (`rows`, `cell`), and `records`
        # gives the records back as dicts.
        self._keys: list[str] = []
        self._at: dict[str, int] = {}
        self._values: list[list] = []
        self._same: dict[str, dict] = {}      # per record key: the one object kept for each repeated value
        self._own: set[str] = set()           # the keys whose values are not shared
        self._gaps: set[str] = set()          # the keys some records did not have
        self.version = 0   # bumped by every change, so a search text made meanwhile is not taken
        self._shown = self._shown_indices(shown)
        self._sort_keys: dict[str, list] = {}
        self._orders: dict[tuple[str | None, bool], list[int]] = {}
        self._base: tuple[tuple, list[int]] | None = None
        self._row_of: dict[int, int] | None = None
        step = 5000
        for start in range(0, len(records), step):
            progress.report(start, len(records), f"正在整理 {start:,} / {len(records):,} 条")
            self._ingest(Columns.of(records[start:start + step]))
        progress.report(len(records), len(records), f"已整理 {len(records):,} 条")

    # --- building ---------------------------------------------------------------------------------
    def _shown_indices(self, shown: Sequence[str] | None) -> list[int]:
        if shown is None:
            return list(range(len(self.fields)))
        wanted = set(shown)
        return [i for i, key in enumerate(self.keys) if key in wanted]

    def _haystacks(self, values: list[list], shown: list[int], count: int) -> list[bytes]:
        """Per row: its shown cells (of `values`, a list per shown column) lowercased, each Chinese text cell
        followed by its 拼音首字母, in UTF-8.

        A column of repeated values (names, communities, days) is rendered and read once per distinct value, the
        rows joined in C: a 100,000-row ledger makes this text for every row. UTF-8 keeps the digits, dates and
        initials that make most of a row at a byte a character (a str with one Chinese character takes two for
        each); a word typed, in UTF-8 too, is found in it exactly where it is found in the text."""
        if not shown:
            return [b""] * count
        pieces = [self._each_distinct(self.fields[i], column, self._searched) for i, column in zip(shown, values)]
        return list(map(str.encode, map("\t".join, zip(*pieces))))

    def _searched(self, f: Field, values: list) -> list[str]:
        """A column's part of the search text for each value: the cell lowercased, and the initials of Chinese text."""
        cells = list(map(str.lower, self._rendered(f, values)))
        if f.kind not in _SEARCHED_BY_PINYIN:
            return cells
        return [c if c.isascii() else f"{c}\t{pinyin.initials(c)}" for c in cells]

    def add(self, records: list[Record]) -> None:
        """Put more records in (rows after the ones already there); the table keeps none of the dicts."""
        self.add_columns(Columns.of(records))

    def add_columns(self, columns: Columns) -> None:
        """Put more records in, given as columns (a service's columns_in_batches: no dict per row is made)."""
        if len(columns):
            self._ingest(columns)
            self._changed()

    def _ingest(self, columns: Columns) -> None:
        count = len(columns)
        values = self._store(dict(zip(columns.keys, columns.values)), count, set(columns.sparse))
        self._extend(values, count, columns)

    def _extend(self, columns: dict[str, list], count: int, given: Columns) -> None:
        """The rows' flags, places in the tree, filter values, sums and (when kept) search text, from their values
        by key (`columns`, None where a record has none)."""
        if self.hay is not None:
            shown = [columns.get(self.keys[i], [None] * count) for i in self._shown]
            self.hay.extend(self._haystacks(shown, self._shown, count))
        self.flags.extend(self.flag(given) if self.flag else [None] * count)
        self.ids.extend(columns.get("id", [None] * count))
        for key, out in ((self.scope.community, self.communities), (self.scope.grid, self.grids)):
            out.extend(columns[key] if key in columns else [None] * count)
        for facet in self.facets:
            values = columns.get(facet.key, [None] * count)
            if facet.value is not None:
                value = facet.value
                named = {v: "" if v is None else value(v) or "" for v in set(values)}
                values = self._shared("facet " + facet.label, list(map(named.__getitem__, values)))
            else:
                values = self._render(self.keys.index(facet.key), values)
            self.facet_values[facet.label].extend(values)
        hundredths: dict[str, list[int]] = {}
        for total in self.totals:
            if total.key not in hundredths:
                hundredths[total.key] = list(map(_hundredths, columns.get(total.key, [None] * count)))
            values = hundredths[total.key]
            if total.where is not None:
                key, wanted = total.where
                where = columns.get(key, [None] * count)
                values = [v if w == wanted else 0 for v, w in zip(values, where)]
            self.total_values[total.label].extend(values)

    def _add_keys(self, new: Sequence[str]) -> None:
        """Keys first brought by the rows being added: the rows before have none (ABSENT)."""
        before = len(self.ids)
        self._keys += new
        self._at = {k: i for i, k in enumerate(self._keys)}
        self._values += [[ABSENT] * before for _ in new]
        if before:
            self._gaps.update(new)

    def _store(self, given: dict[str, list], count: int, gaps: set[str]) -> dict[str, list]:
        """Keep rows given as values by key (`gaps`: the keys some of them lack, marked ABSENT); returns their values
        by key, shared where they repeat (None where absent)."""
        new = [k for k in given if k not in self._at]
        if new:
            self._add_keys(new)
        columns: dict[str, list] = {}
        for key, kept in zip(self._keys, self._values):
            values = given.get(key)
            if values is None:   # a key that rows before these brought
                gaps.add(key)
                values = [ABSENT] * count
            values = self._shared(key, values)
            kept.extend(values)
            columns[key] = [None if v is ABSENT else v for v in values] if key in gaps else values
        self._gaps |= gaps
        return columns

    def _shared(self, key: str, values: list) -> list:
        """A column's repeated texts and dates as one object each (a 社区 name, a category, a day): the read gives
        a new string for every row. Whether a column repeats is decided by its first rows; columns of other
        values, or of mostly distinct ones (凭证号, 金额), are left as they are."""
        same = self._same.get(key)
        if same is None:
            if key in self._own or not set(map(type, values)) <= _SHAREABLE or \
                    len(values) > 50 and len(set(values)) * 2 > len(values):
                self._own.add(key)
                return values
            same = self._same[key] = {}
        try:
            return list(map(same.setdefault, values, values))
        except TypeError:   # a value that cannot be looked up (a list): the column keeps its own
            return values

    def _render(self, column: int, values: list) -> list[str]:
        """A column's cells as Field.render shows its values: a text is its own cell, and a column of repeated
        values is rendered once per distinct value (its cells are then one string each, too)."""
        f = self.fields[column]
        return self._each_distinct(f, values, self._rendered)

    def _each_distinct(self, f: Field, values: list, make: Callable[[Field, list], list]) -> list:
        """make(f, values), made once per distinct value for a column of repeated values."""
        if f.key not in self._same:
            return make(f, values)
        distinct = list(set(values))
        return list(map(dict(zip(distinct, make(f, distinct))).__getitem__, values))

    @staticmethod
    def _rendered(f: Field, values: list) -> list[str]:
        try:
            return f.render_many(values)
        except (TypeError, ValueError):  # a value of an unexpected type: show it as text rather than fail
            return [_safe_render(f, v) for v in values]

    # --- the records, as dicts again ------------------------------------------------------------------
    @property
    def records(self) -> Sequence[Record]:
        """Every row's record as the service listed it (each made anew when asked for)."""
        return _Each(self, self.record)

    @property
    def rows(self) -> Sequence[tuple[str, ...]]:
        """Every row's cells, as the table shows them (each row rendered when asked for)."""
        return _Each(self, self.row)

    def cell(self, row: int, column: int) -> str:
        f = self.fields[column]
        value = self.value(row, f.key)
        return value if value.__class__ is str else _safe_render(f, value)

    def row(self, row: int) -> tuple[str, ...]:
        return tuple([self.cell(row, column) for column in range(len(self.fields))])

    def cells(self, column: int) -> list[str]:
        """A column's cells, row by row."""
        return self._render(column, self.column(self.keys[column]))

    def record(self, row: int) -> Record:
        return {k: v for k, values in zip(self._keys, self._values) if (v := values[row]) is not ABSENT}

    def value(self, row: int, key: str) -> Any:
        """One value of a row's record (None when it has none)."""
        at = self._at.get(key)
        if at is None:
            return None
        value = self._values[at][row]
        return None if value is ABSENT else value

    def column(self, key: str) -> list:
        """The values of a record key, row by row (a copy; None where a record has none)."""
        at = self._at.get(key)
        if at is None:
            return [None] * len(self.ids)
        values = self._values[at]
        return [None if v is ABSENT else v for v in values] if key in self._gaps else values[:]

    # --- the search text, possibly made after the table is shown ----------------------------------------
    @property
    def indexed(self) -> bool:
        return self.hay is not None

    def make_index(self, progress: Progress = SILENT) -> tuple[int, list[bytes]]:
        """The search text of every row (safe to run in a worker thread); give it to set_index."""
        version, shown = self.version, list(self._shown)
        columns = [self.column(self.keys[i]) for i in shown]   # copies: the rows may change meanwhile
        count = len(columns[0]) if columns else len(self.ids)
        hay: list[bytes] = []
        step = 20000
        for start in range(0, count, step):
            progress.report(start, count, "正在建立搜索索引")
            part = [column[start:start + step] for column in columns]
            hay.extend(self._haystacks(part, shown, min(step, count - start)))
        return version, hay

    def set_index(self, made: tuple[int, list[bytes]]) -> bool:
        """Take a search text from make_index; refused (False) if the rows changed meanwhile."""
        version, hay = made
        if version != self.version or len(hay) != len(self.ids):
            return False
        self.hay = hay
        return True

    def set_shown(self, shown: Sequence[str]) -> bool:
        """Search only the shown columns. True if the search text must be made again (make_index)."""
        indices = self._shown_indices(shown)
        if indices == self._shown:
            return False
        self._shown = indices
        self.hay = None
        self._changed()
        return True

    # --- changes after an edit (one record, no reload) ------------------------------------------------
    def _changed(self) -> None:
        self.version += 1
        self._sort_keys.clear()
        self._orders.clear()
        self._base = None

    def _columns(self) -> list[list]:
        columns = [*self._values, self.flags, self.ids, self.communities, self.grids,
                   *self.facet_values.values(), *self.total_values.values()]
        return columns + [self.hay] if self.hay is not None else columns

    def row_of(self, record_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {rid: i for i, rid in enumerate(self.ids)}
        return self._row_of.get(record_id)

    def upsert(self, record: Record) -> int:
        """Put a saved record in (replacing the row with its id); returns its row index."""
        index = self.row_of(record["id"])
        self._ingest(Columns.of([record]))
        if index is None:
            index = len(self.ids) - 1
            self._row_of[record["id"]] = index  # type: ignore[index]  # built by row_of above
        else:
            for column in self._columns():
                column[index] = column.pop()
        self._changed()
        return index

    def remove(self, record_id: int) -> None:
        index = self.row_of(record_id)
        if index is None:
            return
        for column in self._columns():
            del column[index]
        self._row_of = None
        self._changed()

    # --- querying ---------------------------------------------------------------------------------
    def facet_choices(self, label: str) -> list[str]:
        """The distinct values of a facet in pinyin order (years and numbers in their own order)."""
        return sorted({v for v in self.facet_values[label] if v}, key=pinyin.sort_key)

    def sort_keys(self, key: str) -> list:
        """One comparable key per row for a column: numbers as numbers, dates as dates, text by pinyin.
        Blanks come first in ascending order."""
        keys = self._sort_keys.get(key)
        if keys is None:
            column = self.keys.index(key)
            kind = self.fields[column].kind
            if kind in _SEARCHED_BY_PINYIN or kind == "idcard":
                values = []
            else:
                values = self.column(key)
            # Without blanks the values are their own keys (one pass fewer over 100,000 rows).
            if kind == "int":
                keys = values if None not in values else [_NEG_INF if v is None else v for v in values]
            elif kind in ("decimal", "money"):
                keys = [_NEG_INF if v is None else float(v) for v in values]   # floats compare 5x faster
            elif kind == "date":
                keys = values if None not in values else [_NO_DATE if v is None else v for v in values]
            elif kind == "bool":
                keys = [-1 if v is None else int(bool(v)) for v in values]
            else:
                # Rank the distinct texts by pinyin once, then sort rows by small integers: comparing
                # ranks is several times cheaper than comparing pinyin strings row against row.
                cells = self.cells(column)
                rank = {c: n for n, c in enumerate(sorted(set(cells), key=pinyin.sort_key))}
                keys = list(map(rank.__getitem__, cells))
            self._sort_keys[key] = keys
        return keys

    def order(self, key: str | None, descending: bool = False) -> list[int]:
        """Every row index in the sort order (the stored order without a sort key); cached."""
        found = self._orders.get((key, descending))
        if found is None:
            other = self._orders.get((key, not descending)) if key is not None else None
            if other is not None:
                found = other[::-1]   # the other direction, reversed (equal keys then come in reverse too)
            else:
                found = list(range(len(self.ids)))
                if key is not None:
                    found.sort(key=self.sort_keys(key).__getitem__, reverse=descending)
            self._orders[(key, descending)] = found
        return found

    def sort_rows(self, rows: list[int], key: str | None, descending: bool = False) -> list[int]:
        """The given rows in another order: cheaper than the full order when a search shows few rows."""
        if key is None:
            return sorted(rows)
        return sorted(rows, key=self.sort_keys(key).__getitem__, reverse=descending)

    def _scoped(self, query: Query) -> list[int]:
        """Rows in the query's scope and facets, in its order; kept for the next query with the same base."""
        signature = query.base()
        if self._base is not None and self._base[0] == signature:
            return self._base[1]
        rows = self.order(query.sort_key, query.descending)
        tests: list[Callable[[int], bool]] = []
        if query.grid_id is not None and self.scope.grid is not None:
            grids, gid = self.grids, query.grid_id
            tests.append(lambda i: grids[i] == gid)
        elif query.community_id is not None and self.scope.community is not None:
            communities, cid = self.communities, query.community_id
            tests.append(lambda i: communities[i] == cid)
        for label, value in query.facets:
            values = self.facet_values.get(label)
            if values is not None:
                tests.append(lambda i, values=values, value=value: values[i] == value)
        if len(tests) == 1:
            test = tests[0]
            rows = [i for i in rows if test(i)]
        elif tests:
            rows = [i for i in rows if all(t(i) for t in tests)]
        self._base = (signature, rows)
        return rows

    def select(self, query: Query, previous: tuple[Query, list[int]] | None = None) -> list[int]:
        """The row indices to show, in order. Given the previous query and its answer, a search that only
        narrows (more letters typed) filters that answer instead of every row. Without the search text
        (not indexed yet) the search is left out."""
        terms = [t.encode() for t in query.terms()] if self.hay is not None else []
        rows = None
        if previous is not None and terms:
            before, answer = previous
            old = [t.encode() for t in before.terms()]
            if before.base() == query.base() and old and len(terms) >= len(old) and \
                    all(o in n for o, n in zip(old, terms)):
                rows = answer
        if rows is None:
            rows = self._scoped(query)
        if not terms:
            return rows
        hay = self.hay
        if len(terms) == 1:
            term = terms[0]
            return [i for i in rows if term in hay[i]]
        return [i for i in rows if all(t in hay[i] for t in terms)]

    def sums(self, rows: list[int]) -> dict[str, int]:
        """Footer sums (hundredths for money and areas, units for counts) over the given rows."""
        if len(rows) == len(self.ids):
            return {label: sum(values) for label, values in self.total_values.items()}
        return {label: sum(map(values.__getitem__, rows)) for label, values in self.total_values.items()}

    def format_total(self, total: Total, value: int) -> str:
        # a total over a record key that is no column (a count the service marks per record) is a plain count
        kind = self.fields[self.keys.index(total.key)].kind if total.key in self.keys else "int"
        if kind in ("money", "decimal"):
            return f"{Decimal(value) / 100:,.2f}{total.unit}"
        return f"{value:,}{total.unit}"


class _Each(Sequence):
    """A table's rows as a read-only list, each made by `make(row)` when asked for (cells, or records)."""

    def __init__(self, table: TableData, make: Callable[[int], Any]):
        self._table, self._make = table, make

    def __len__(self) -> int:
        return len(self._table.ids)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self._make(i) for i in range(*row.indices(len(self)))]
        return self._make(row)


def _safe_render(f: Field, value: object) -> str:
    try:
        return f.render(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def _hundredths(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value * 100)  # exact sums of money and areas, in fen and hundredths of a m²
    return int(value)
