"""Importing the workbooks clerks already have: read, find the table, preview, write all or nothing, undo.

    loaded = load(path, "workers")                  # .xlsx / .xls / .csv, the best-matching sheet
    layout = layout_for(loaded, "workers")          # header row(s) and column mapping (remembered ones applied)
    plan = preview(ledger, "workers", loaded, layout)           # new / update / unchanged / errors, nothing written
    plan, outcome = run_import(ledger, "workers", loaded, layout)   # all or nothing (valid_only=True: the good rows)
    undo_last(ledger)                                # the last import, exactly

A file whose content was imported before is refused (RepeatedImport, naming that import) unless `again=True`;
rows identical to stored records (a 经费 entry, FundService.repeated_entry) are planned as 疑似重复 and written
only when confirmed (`keep_duplicates=True`, or the row numbers to keep).

The GUI wizard and the command line are two faces of these calls; neither holds a rule of its own.
"""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from ..app import Ledger
from .. import conflicts
from ..errors import LedgerError, PermissionDenied, Problem, ValidationError
from ..models import ImportBatch
from ..progress import SILENT, Progress
from . import memory
from .apply import ImportOutcome, apply_plan
from .clipboard import load_text
from .headers import MANUAL, REMEMBERED, SEARCH_ROWS, Column, Layout, detect
from .plan import ERROR, KINDS, NEW, REPEAT, SAME, UPDATE, Change, Plan, RowPlan, make_plan
from .reader import ImportFileError, Loaded, Sheet, Source
from .repeats import RepeatedImport, earlier_import, file_digest
from .undo import BatchInfo, UndoOutcome, info, last_batch, undo_batch

SOURCE = "导入"  # how the audit trail names the records an import wrote


def service_for(ledger: Ledger, kind: str):
    if kind not in KINDS:
        raise LedgerError(f"不能导入“{kind}”，可导入：{'、'.join(KINDS)}")
    return KINDS[kind](ledger)


def load(path: str | Path, kind: str, sheet: str | None = None) -> Loaded:
    """Read a file; without `sheet`, the sheet whose header best fits the ledger (the first on a tie)."""
    path = Path(path)
    fields = KINDS[kind].fields
    with Source(path) as source:
        names = list(source.names)
        if not names:
            raise ImportFileError(f"“{path.name}”中没有工作表")
        if sheet is None and len(names) > 1:
            def fit(index: int) -> tuple:
                layout = detect(source.read(names[index], SEARCH_ROWS + 1), fields)
                return (layout.found, len(layout.mapping()), -index)
            sheet = names[max(range(len(names)), key=fit)]
        chosen = source.read(sheet or names[0])
        kind_of_file = source.kind
    return Loaded(path, kind_of_file, names, chosen, file_digest(path))


def layout_for(loaded: Loaded, kind: str, mapping: dict[int, str | None] | None = None,
               header_row: int | None = None) -> Layout:
    """Where the table is and which column fills which field: detected, then the remembered and given mappings."""
    fields = KINDS[kind].fields
    layout = detect(loaded.sheet, fields, header_row)
    allowed = {f.key for f in fields if not f.derived}
    width = len(layout.columns)
    if layout.found:
        remembered = memory.recall(kind, layout.fingerprint)
        if remembered:
            clean = {i: k for i, k in remembered.items() if i < width and (k is None or k in allowed)}
            layout = layout.with_mapping(clean, REMEMBERED)
            layout.remembered = True
    if mapping:
        clean = {i: k for i, k in mapping.items() if i < width and (k is None or k in allowed)}
        layout = layout.with_mapping(clean, MANUAL)
    return layout


def remember_layout(kind: str, layout: Layout) -> None:
    """Remember the columns set by hand, for the next file of the same layout."""
    overrides = {c.index: c.field for c in layout.columns if c.status in (MANUAL, REMEMBERED)}
    if overrides and layout.found:
        memory.remember(kind, layout.fingerprint, [c.header for c in layout.columns], overrides)


def preview(ledger: Ledger, kind: str, loaded: Loaded, layout: Layout, progress: Progress = SILENT) -> Plan:
    """What an import would do, row by row; writes nothing."""
    service = service_for(ledger, kind)
    with ledger.reading() as session:
        plan = make_plan(session, service, kind, loaded, layout, progress)
        plan.repeat_of = earlier_import(session, kind, plan.digest, plan.sheet)
        return plan


class _Share(Progress):
    """A part of a larger piece of work: reports scaled into [start, start + share] of the whole."""

    def __init__(self, outer: Progress, start: float, share: float):
        super().__init__()
        self.outer, self.start, self.share = outer, start, share

    def cancel(self) -> None:
        self.outer.cancel()

    @property
    def cancelled(self) -> bool:
        return self.outer.cancelled

    def report(self, done: int, total: int, message: str = "") -> None:
        fraction = self.start + self.share * (done / total if total else 1.0)
        self.outer.report(int(fraction * 1000), 1000, message)


def run_import(ledger: Ledger, kind: str, loaded: Loaded, layout: Layout, *, valid_only: bool = False,
               again: bool = False, keep_duplicates: bool | Collection[int] = False,
               progress: Progress = SILENT, previewed: Plan | None = None) -> tuple[Plan, ImportOutcome]:
    """Check and write in one transaction (the data may have changed since a preview); all or nothing.

    Raises ValidationError with every problem, having written nothing, unless `valid_only` is set, in which
    case the rows without errors are written and the others reported in the outcome. With `previewed` (the
    plan the person looked at), a row whose record someone saved since that preview is refused, named. Raises
    RepeatedImport (nothing written) when the file's content was imported before, unless `again`; 疑似重复 rows
    are written only as `keep_duplicates` says (True: all; or their row numbers).
    """
    importer = ledger.as_actor(ledger.actor.with_source(SOURCE))
    service = service_for(importer, kind)
    label = loaded.path.name if len(loaded.sheet_names) <= 1 else f"{loaded.path.name}［{loaded.sheet.name}］"
    with importer.unit("ledger.write") as session:
        plan = make_plan(session, service, kind, loaded, layout, _Share(progress, 0.0, 0.5))
        if previewed is not None:
            _refuse_changed_since(session, service, plan, previewed)
        plan.repeat_of = earlier_import(session, kind, plan.digest, plan.sheet)
        if plan.repeat_of is not None and not again:
            raise RepeatedImport(plan.repeat_of)
        outcome = apply_plan(session, service, plan, label, valid_only, _Share(progress, 0.5, 0.5), keep_duplicates)
    return plan, outcome


def _refuse_changed_since(session, service, plan: Plan, previewed: Plan) -> None:
    """Rows to update whose record was saved by someone else after the preview the person confirmed."""
    seen = {r.record_id: r.before.version for r in previewed.rows
            if r.record_id is not None and r.before is not None and hasattr(r.before, "version")}
    stale = [r for r in plan.rows if r.record_id in seen and getattr(r.before, "version", None) != seen[r.record_id]]
    if stale:
        reasons = [conflicts.stale(session, service.model.__table__.name, r.record_id, r.label) for r in stale]
        raise ValidationError([Problem("", f"{reason}（预览后发生的修改）", r.row) for r, reason in zip(stale, reasons)])


def import_file(ledger: Ledger, kind: str, path: str | Path, *, sheet: str | None = None,
                mapping: dict[int, str | None] | None = None, valid_only: bool = False, again: bool = False,
                keep_duplicates: bool | Collection[int] = False,
                progress: Progress = SILENT) -> tuple[Plan, ImportOutcome]:
    """load + layout_for + run_import, for the command line and scripts."""
    loaded = load(path, kind, sheet)
    return run_import(ledger, kind, loaded, layout_for(loaded, kind, mapping), valid_only=valid_only, again=again,
                      keep_duplicates=keep_duplicates, progress=progress)


def last_import(ledger: Ledger) -> BatchInfo | None:
    """The import that undo_last would undo, if any."""
    with ledger.reading() as session:
        batch = last_batch(session)
        return info(batch) if batch is not None else None


def undo_last(ledger: Ledger, progress: Progress = SILENT, batch_id: int | None = None) -> UndoOutcome:
    """Undo the most recent import that is not yet undone, restoring exactly the state before it.

    With `batch_id` (the import a window means to take back), refused when another import came after it.
    """
    with ledger.unit("ledger.write") as session:
        if batch_id is not None:
            meant = session.get(ImportBatch, batch_id)
            if meant is None or meant.undone:
                raise LedgerError("这次导入已经撤销过了")
        batch = last_batch(session)
        if batch is None:
            raise LedgerError("没有可以撤销的导入")
        if batch_id is not None and batch.id != batch_id:
            raise LedgerError(f"这次导入之后又有{info(batch).describe()}，请先撤销那次导入")
        actor = ledger.actor
        if actor.community_id is not None and batch.user_name != actor.name:
            raise PermissionDenied("您的账号只能撤销自己所做的导入")
        return undo_batch(session, batch, progress)


__all__ = [
    "KINDS", "NEW", "UPDATE", "SAME", "ERROR", "REPEAT", "Change", "Column", "Layout", "Loaded", "Plan", "RowPlan",
    "Sheet", "RepeatedImport",
    "ImportOutcome", "UndoOutcome", "BatchInfo", "ImportFileError", "load", "layout_for", "remember_layout",
    "preview", "run_import", "import_file", "last_import", "undo_last", "load_text",
]
