"""An editor widget per field kind, all giving back the text as typed: the service parses and checks it.

Editors never refuse input themselves (no spin boxes, no validators), so that what a clerk typed reaches
the service and the service's Chinese message says what is wrong with it — the same message an import gives.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from ledger.fields import Field

PLACEHOLDERS = {
    "date": "如 2015-03-01、2015.03",
    "money": "元",
    "idcard": "18位，最后一位可为X",
}


class Editor:
    """A field's widget with text in and text out."""

    widget: QWidget

    def value(self) -> str:
        raise NotImplementedError

    def set_value(self, text: str) -> None:
        raise NotImplementedError

    def on_change(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError


class LineEditor(Editor):
    def __init__(self, field: Field, parent: QWidget | None = None):
        self.widget = self.line = QLineEdit(parent)
        self.line.setMaxLength(max(field.max_length, 40))
        if field.numeric:
            self.line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        placeholder = PLACEHOLDERS.get(field.kind, "")
        if field.kind in ("int", "decimal") and field.help:
            placeholder = field.help.removeprefix("单位：")
        if field.kind == "text" and field.help and len(field.help) <= 24:
            placeholder = field.help
        self.line.setPlaceholderText(placeholder)
        self.line.setClearButtonEnabled(False)

    def value(self) -> str:
        return self.line.text()

    def set_value(self, text: str) -> None:
        self.line.setText(text)
        self.line.setCursorPosition(0)

    def on_change(self, slot: Callable[[], None]) -> None:
        self.line.textEdited.connect(lambda _text: slot())


class ComboEditor(Editor):
    """A drop-down of allowed values (blank first unless a value is always needed); editable ones complete
    as you type among many values (上级组织 among thousands)."""

    def __init__(self, items: Sequence[str], blank: bool = True, editable: bool = False,
                 parent: QWidget | None = None):
        self.widget = self.combo = QComboBox(parent)
        self.combo.setEditable(editable)
        self.combo.setMaxVisibleItems(20)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(8)
        self.set_items(items, blank)
        if editable:
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = self.combo.completer()
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def set_items(self, items: Sequence[str], blank: bool = True) -> None:
        current = self.value()
        self.combo.blockSignals(True)
        self.combo.clear()
        if blank:
            self.combo.addItem("")
        self.combo.addItems(list(items))
        self.combo.blockSignals(False)
        self.set_value(current)

    def value(self) -> str:
        return self.combo.currentText().strip()

    def set_value(self, text: str) -> None:
        self.combo.blockSignals(True)
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0 and text:
            # 岗位 is stored as 一岗 and offered as 一岗（社区正职）
            index = next((i for i in range(self.combo.count())
                          if self.combo.itemText(i).split("（")[0] == text), -1)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        elif self.combo.isEditable():
            self.combo.setEditText(text)
        elif text:
            # A value from before the list changed: keep it visible rather than silently blank it.
            self.combo.addItem(text)
            self.combo.setCurrentIndex(self.combo.count() - 1)
        else:
            self.combo.setCurrentIndex(0 if self.combo.count() else -1)
        self.combo.blockSignals(False)

    def on_change(self, slot: Callable[[], None]) -> None:
        if self.combo.isEditable():
            self.combo.editTextChanged.connect(lambda _text: slot())
        else:
            self.combo.currentIndexChanged.connect(lambda _index: slot())


def community_editor(ledger) -> tuple[ComboEditor, dict[str, int]]:
    """The 所属社区 of a record: a list of the communities the person may see (and their ids by name)."""
    from ledger.services import CommunityService
    ids = {c["name"]: c["id"] for c in CommunityService(ledger).list()}
    return ComboEditor(list(ids), blank=True, editable=True), ids


def default_editor(field: Field, parent: QWidget | None = None) -> Editor:
    """The editor a field gets unless a dialog offers a better one (references, 岗位, 功能室)."""
    if field.kind == "choice":
        # Blank first even when required: a clerk must choose, not inherit the first item unnoticed.
        return ComboEditor(field.choices, blank=field.default is None, parent=parent)
    if field.kind == "bool":
        return ComboEditor(("否", "是"), blank=False, parent=parent)
    return LineEditor(field, parent)
