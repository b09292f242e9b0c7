"""撤销 and 重做 of the window: one QUndoCommand per user action, whose undo and redo call the services.

The main window holds one QUndoStack; its 编辑 menu's entries carry the action's text ("撤销 修改 张华"). A command is
pushed after its action was done (the stack's first redo does nothing), and taking it back goes through the same
services as a form: an edit is saved back with the version the record got from it, so that a change someone else
made since meets the conflict of ledger/conflicts.py (who, when, what) instead of being overwritten; a deletion is
restored from the 回收站 under the record's own id; an import is undone by its batch. A command that fails is said
in a message box and dropped from the stack (its record has moved on), never raised into Qt.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from ledger import importing
from ledger.errors import LedgerError
from ledger.record_names import is_person, named
from ledger.services.base import LedgerService
from ledger.services.recycle_bin import RecycleBin

from . import messages

Record = dict[str, Any]


def stack_of(widget: QObject | None) -> QUndoStack | None:
    """The undo stack of the window a widget (a page, a dialog) belongs to; None outside a main window."""
    while widget is not None:
        stack = getattr(widget, "undo_stack", None)
        if isinstance(stack, QUndoStack):
            return stack
        widget = widget.parent()
    return None


def window_of(widget: QObject | None) -> Any:
    while widget is not None:
        if isinstance(getattr(widget, "undo_stack", None), QUndoStack):
            return widget
        widget = widget.parent()
    return None


def push(widget: QObject | None, command: "ServiceCommand") -> None:
    stack = stack_of(widget)
    if stack is not None:
        stack.push(command)


def record_name(service: LedgerService, record: Record) -> str:
    """张华（幸福社区）, 幸福社区 第1网格: a record as the command's text names it."""
    own = record.get(service.label_key) or record.get("name") or record.get("id")
    community = record.get(service.community_field) if service.community_field else None
    return named(str(own), community, is_person(service.definition))


def raw_values(service: LedgerService, record: Record, keys: Sequence[str]) -> dict[str, str]:
    """A record's fields as a form sends them (the text each field shows), for saving them back."""
    fields = {f.key: f for f in service.fields}
    return {key: fields[key].render(record.get(key)) for key in keys}


def changed_keys(service: LedgerService, before: Record, after: Record) -> list[str]:
    """The entered fields whose shown value differs between two states of a record."""
    return [f.key for f in service.fields if not f.derived and f.render(before.get(f.key)) != f.render(after.get(f.key))]


class ServiceCommand(QUndoCommand):
    """A done action that can be taken back (and done again) through the services."""

    def __init__(self, window: Any, ledger_key: str, text: str):
        super().__init__(text)
        self.window = window
        self.ledger_key = ledger_key
        self._pushed = True

    def take_back(self) -> None:
        raise NotImplementedError

    def do_again(self) -> None:
        raise NotImplementedError

    def undo(self) -> None:
        self._run(self.take_back, "撤销")

    def redo(self) -> None:
        if self._pushed:           # QUndoStack.push calls redo: the action has been done already
            self._pushed = False
            return
        self._run(self.do_again, "重做")

    def _run(self, step: Callable[[], None], verb: str) -> None:
        try:
            step()
        except LedgerError as exc:
            self.setObsolete(True)     # the record has moved on: this step can no longer be taken
            messages.warn(self.window, f"未能{verb}", f"没有{verb}“{self.text()}”：{exc}")
        except Exception as exc:  # noqa: BLE001 — nothing may escape into Qt's undo stack
            self.setObsolete(True)
            from .tasks import show_error
            show_error(self.window, verb, exc)
        refresh = getattr(self.window, "records_changed", None)
        if refresh is not None:
            refresh(self.ledger_key)


class EditCommand(ServiceCommand):
    """修改 张华: the changed fields saved back, each way with the version the last save gave the record."""

    def __init__(self, window: Any, service: LedgerService, before: Record, after: Record, keys: Sequence[str]):
        super().__init__(window, service.definition.key, f"修改 {record_name(service, after)}")
        self.service, self.record_id, self.keys = service, after["id"], list(keys)
        self.before, self.after = raw_values(service, before, keys), raw_values(service, after, keys)
        self.version = after.get("version")

    def take_back(self) -> None:
        self.version = self.service.update(self.record_id, self.before, version=self.version).get("version")

    def do_again(self) -> None:
        self.version = self.service.update(self.record_id, self.after, version=self.version).get("version")


class CreateCommand(ServiceCommand):
    """新建 张华: taken back by deleting it (into the 回收站), done again by restoring it from there."""

    def __init__(self, window: Any, service: LedgerService, record: Record):
        super().__init__(window, service.definition.key, f"新建 {record_name(service, record)}")
        self.service, self.record_id, self.version = service, record["id"], record.get("version")
        self.kept: int | None = None

    def take_back(self) -> None:
        self.kept = self.service.delete(self.record_id, version=self.version)

    def do_again(self) -> None:
        self.version = RecycleBin(self.service.ledger).restore(self.kept).version


class DeleteCommand(ServiceCommand):
    """删除 张华 (or 删除 3条社区工作者记录): taken back by restoring them from the 回收站, under their own ids."""

    def __init__(self, window: Any, service: LedgerService, records: Sequence[Record], kept: Sequence[int]):
        text = f"删除 {record_name(service, records[0])}" if len(records) == 1 \
            else f"删除 {len(records)}条{service.name}记录"
        super().__init__(window, service.definition.key, text)
        self.service, self.ids, self.kept = service, [r["id"] for r in records], list(kept)
        self.versions: list[int | None] = []

    def take_back(self) -> None:
        self.versions = [r.version for r in RecycleBin(self.service.ledger).restore_many(self.kept)]

    def do_again(self) -> None:
        self.kept = self.service.delete_many(list(zip(self.ids, self.versions)))


class BatchCommand(ServiceCommand):
    """批量修改 3条社区工作者记录的等级: saved back all or nothing (update_many), each record version-checked."""

    def __init__(self, window: Any, service: LedgerService, before: Sequence[Record], after: Sequence[Record],
                 keys: Sequence[str]):
        labels = "、".join(f.label for f in service.fields if f.key in keys)
        super().__init__(window, service.definition.key, f"批量修改 {len(after)}条{service.name}记录的{labels}")
        self.service = service
        self.before = {r["id"]: raw_values(service, r, keys) for r in before}
        self.after = {r["id"]: raw_values(service, r, keys) for r in after}
        self.versions = {r["id"]: r.get("version") for r in after}

    def _save(self, values: dict[int, dict[str, str]]) -> None:
        saved = self.service.update_many([(rid, raw, self.versions.get(rid)) for rid, raw in values.items()])
        self.versions = {r["id"]: r.get("version") for r in saved}

    def take_back(self) -> None:
        self._save(self.before)

    def do_again(self) -> None:
        self._save(self.after)


class ImportCommand(ServiceCommand):
    """导入 社区工作者台账（花名册.xlsx）: taken back by undoing that import; not done again (import the file anew)."""

    def __init__(self, window: Any, ledger_key: str, batch_id: int, describe: str):
        super().__init__(window, ledger_key, f"导入 {describe}")
        self.batch_id = batch_id

    def take_back(self) -> None:
        importing.undo_last(self.window.ledger, batch_id=self.batch_id)
        self.setObsolete(True)

    def do_again(self) -> None:
        raise LedgerError("导入不能重做，请重新导入文件")


__all__ = ["stack_of", "window_of", "push", "ServiceCommand", "EditCommand", "CreateCommand", "DeleteCommand",
           "BatchCommand", "ImportCommand", "changed_keys", "raw_values", "record_name"]
