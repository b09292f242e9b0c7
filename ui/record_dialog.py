"""Add or edit one record: a form built from the ledger's fields, checked by the service as you type.

Every message comes from `service.validate(raw, record_id)` (the same Chinese text an import or the command
line gives) and is shown under the field it names; nothing is decided here. Enter or Ctrl+S saves, Esc
cancels (asking first when something was changed); 保存并新建 saves and clears the form for the next record,
keeping its 社区. Every save is a step the window's 撤销 can take back (ui.undo). Ledgers with more to show
subclass this dialog:
worker_details, org_details, venue_details. The dialog opens as large as its form (or as the clerk last left
it) and grows when messages appear under the fields, so that they never hide behind a scroll bar.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout,
                               QWidget)

from ledger.conflicts import Conflict
from ledger.errors import LedgerError, Problem, ValidationError
from ledger.fields import Field
from ledger.services import LEDGERS
from ledger.services.base import LedgerService

from . import messages
from .dialog_sizes import fit_to_screen, remember_size, resize
from .field_editors import ComboEditor, Editor, community_editor, default_editor

ERROR_STYLE = "color: #c0392b;"
CHECK_DELAY_MS = 250   # validate this long after the last keystroke, not on every one


class RecordDialog(QDialog):
    """The form of one record; emits `saved(record)` with the stored record after a successful save."""

    saved = Signal(dict)
    wide_fields: tuple[str, ...] = ()   # keys laid out across the whole form (e.g. a table of rooms)

    def __init__(self, service: LedgerService, record: dict | None = None, parent: QWidget | None = None,
                 defaults: dict[str, str] | None = None, known: list[dict] | None = None):
        super().__init__(parent)
        self.service = service
        self.known = known          # the ledger's records the page has loaded (for lists of references)
        self.ledger = service.ledger
        self.record = record
        self.record_id: int | None = record["id"] if record else None
        self.defaults = defaults or {}
        self.fields = self.form_fields()
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        self.shown_problems: list[Problem] = []
        self._initial: dict[str, str] = {}
        self._touched: set[str] = set()
        self._by_label = {f.label: f.key for f in self.fields}
        self.community_ids: dict[str, int] = {}
        self._and_new = False
        self._refs_for: str | None = None
        self.setWindowTitle(self.title())
        self.setSizeGripEnabled(True)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)

        form = self.build_form()
        self.general = QLabel()
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()
        self.buttons = QDialogButtonBox(self)   # parented first: a default button must know its dialog
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_new_button = self.buttons.addButton("保存并新建", QDialogButtonBox.ButtonRole.ApplyRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("保存（Enter 或 Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        self.save_new_button.setToolTip("保存这条记录，接着录入下一条（保留所属社区）")
        self.save_new_button.clicked.connect(self.save_and_new)
        self.save_new_button.setVisible(record is None)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.build_body(form), 1)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        for f in self.fields:
            text = self.initial_text(f)
            self.editors[f.key].set_value(text)
            self._initial[f.key] = self.editors[f.key].value()
            self.editors[f.key].on_change(lambda key=f.key: self._changed(key))
        self._fill_refs()
        self.values_changed()
        self._fit_to_screen()

    # --- hooks for the ledgers' own dialogs ----------------------------------------------------------------
    def title(self) -> str:
        if self.record is None:
            return f"新建{self.service.name}"
        label = self.record.get(self.service.label_key) or self.record.get("name") or self.record_id
        return f"{self.service.name}：{label}"

    def form_fields(self) -> list[Field]:
        """The fields the form edits (a subclass may keep some for actions of their own)."""
        return [f for f in self.service.fields if not f.derived]

    def editor_for(self, field: Field) -> Editor:
        """The widget for a field; a subclass offers lists for its references."""
        if field.kind == "ref" and field.key == "community":
            editor, self.community_ids = community_editor(self.ledger)
            return editor
        if field.kind == "ref" and field.refers:
            return ComboEditor([], blank=True, editable=True)   # filled with the chosen 社区's records
        return default_editor(field)

    def build_body(self, form: QWidget) -> QWidget:
        """What fills the dialog above the buttons; a subclass may put the form in tabs or beside a panel."""
        return form

    def initial_text(self, field: Field) -> str:
        if self.record is not None:
            return field.render(self.record.get(field.key))
        if field.key in self.defaults:
            return self.defaults[field.key]
        return field.render(field.default) if field.default is not None else ""

    def values_changed(self) -> None:
        """Called after any edit; a subclass refreshes what it derives from the form (年龄, 每百户面积)."""

    # --- the form -------------------------------------------------------------------------------------------
    def build_form(self) -> QWidget:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        narrow = [f for f in self.fields if f.key not in self.wide_fields]
        wide = [f for f in self.fields if f.key in self.wide_fields]
        columns = 2 if len(narrow) > 8 else 1
        per_column = (len(narrow) + columns - 1) // columns
        places = {f.key: divmod(n, per_column) for n, f in enumerate(narrow)}
        for n, f in enumerate(wide):
            places[f.key] = (0, per_column + n)
        for f in self.fields:   # in field order, which is also the tab order
            editor = self.editor_for(f)
            self.editors[f.key] = editor
            column, row = places[f.key]
            label = QLabel(f"{f.label}<span style='color:#c0392b'>*</span>：" if f.required else f"{f.label}：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setBuddy(editor.widget)
            if f.help:
                label.setToolTip(f.help)
                editor.widget.setToolTip(f.help)
            error = QLabel()
            error.setObjectName(f"error_{f.key}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.errors[f.key] = error
            editor.widget.setMinimumWidth(200)
            span = 4 if f.key in self.wide_fields and columns == 2 else 1
            grid.addWidget(label, row * 2, column * 3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
                           if span > 1 else Qt.AlignmentFlag.AlignRight)
            grid.addWidget(editor.widget, row * 2, column * 3 + 1, 1, span)
            grid.addWidget(error, row * 2 + 1, column * 3 + 1, 1, span)
            if column and row == 0:
                grid.setColumnMinimumWidth(column * 3 - 1, 16)
        grid.setColumnStretch(1, 1)
        if columns == 2:
            grid.setColumnStretch(4, 1)
        grid.setRowStretch((per_column + len(wide)) * 2, 1)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._form_inner = inner
        self._form_scroll = scroll
        return scroll

    def _fit_to_screen(self) -> None:
        """As large as the form needs (no horizontal scrolling), within the screen; taller forms scroll."""
        inner = self._form_inner.sizeHint()
        screen = self.screen().availableGeometry() if self.screen() else None
        bar = self._form_scroll.verticalScrollBar().sizeHint().width()
        self._form_scroll.setMinimumWidth(inner.width() + bar + 4)
        room = int(screen.height() * 0.88) - 160 if screen is not None else inner.height()
        self._form_scroll.setMinimumHeight(min(inner.height() + 4, max(room, 240)))
        remember_size(self, f"record/{self.service.name}", self.sizeHint())

    def _grow(self) -> None:
        """Make room for the messages now shown under the fields instead of scrolling, as the screen allows."""
        if not self.isVisible():
            return
        self._form_inner.layout().invalidate()
        need = self._form_inner.sizeHint().height() - self._form_scroll.viewport().height()
        if need > 0:
            resize(self, fit_to_screen(self, QSize(self.width(), self.height() + need + 4)))

    # --- values ---------------------------------------------------------------------------------------------
    def parsed(self, key: str):
        """A field's value as typed so far, in its domain type; None while it is blank or not yet valid."""
        field = next(f for f in self.fields if f.key == key)
        try:
            return field.parse(self.editors[key].value())
        except ValueError:
            return None

    def raw(self) -> dict[str, str]:
        """What to give the service: every field for a new record, the changed ones for an edit."""
        values = {key: editor.value() for key, editor in self.editors.items()}
        if self.record_id is None:
            return values
        return {key: value for key, value in values.items() if value != self._initial.get(key)}

    def dirty(self) -> bool:
        return any(editor.value() != self._initial.get(key) for key, editor in self.editors.items())

    def _changed(self, key: str) -> None:
        self._touched.add(key)
        self._timer.start()
        self._fill_refs()
        self.values_changed()

    def _fill_refs(self) -> None:
        """A reference to another ledger's record (所属网格, 队伍) offers the records of the chosen 社区."""
        refs = [f for f in self.fields if f.kind == "ref" and f.refers]
        community_key = self.service.community_field
        if not refs or community_key not in self.editors:
            return
        community = self.editors[community_key].value()
        if community == self._refs_for:
            return
        self._refs_for = community
        cid = self.community_ids.get(community)
        for f in refs:
            names: list[str] = []
            if cid is not None:
                try:
                    names = list(dict.fromkeys(r["name"] for r in LEDGERS[f.refers](self.ledger).list(community_id=cid)))
                except LedgerError:
                    names = []
            editor = self.editors[f.key]
            assert isinstance(editor, ComboEditor)
            editor.set_items(names, blank=True)

    # --- checking and saving ------------------------------------------------------------------------------------
    def check(self, show_all: bool = False) -> list[Problem]:
        """Ask the service what a save would report, and show it beside the fields (touched ones only,
        unless show_all: a fresh form does not start out red)."""
        self._timer.stop()
        try:
            problems = self.service.validate(self.raw(), self.record_id)
        except LedgerError as exc:
            problems = [Problem("", str(exc))]
        self.show_problems(problems, show_all)
        return problems

    def show_problems(self, problems: list[Problem], show_all: bool = True) -> None:
        by_key: dict[str, list[str]] = {}
        general: list[str] = []
        for p in problems:
            key = self._by_label.get(p.field)
            if key is not None and key in self.errors:
                if show_all or key in self._touched:
                    by_key.setdefault(key, []).append(p.message)
            elif show_all or self._touched:
                general.append(str(p))
        for key, label in self.errors.items():
            text = "；".join(by_key.get(key, []))
            label.setText(text)
            label.setVisible(bool(text))
        self.general.setText("；".join(general))
        self.general.setVisible(bool(general))
        self.shown_problems = [p for p in problems if show_all or self._by_label.get(p.field) in by_key]
        if by_key:
            self._grow()

    def save(self) -> bool:
        """Save if the service accepts; otherwise show why and keep the dialog open. True when saved."""
        problems = self.check(show_all=True)
        if problems:
            self._focus_first(problems)
            return False
        raw = self.raw()
        try:
            if self.record_id is None:
                record = self.service.create(raw, details=False)   # the row for the table is what comes back
            elif raw or self.force_update():
                record = self.service.update(self.record_id, raw, version=(self.record or {}).get("version"),
                                             details=False)
            else:
                record = self.record
        except ValidationError as exc:
            self.show_problems(exc.problems, True)
            self._focus_first(exc.problems)
            return False
        except Conflict as exc:
            # Someone saved this record since it was opened: say who and what, and offer their values.
            if messages.ask(self, "记录已被他人修改", f"{exc}\n\n重新载入后，窗口中显示对方保存的内容，"
                                                    f"您在此窗口中未保存的修改将被放弃。", yes="重新载入", no="继续编辑"):
                self.show_stored()
            return False
        except LedgerError as exc:
            messages.warn(self, "未能保存", str(exc))
            return False
        self._push_undo(self.record if self.record_id is not None else None, record)
        self.record = record
        self.record_id = record["id"]
        self._initial = {key: editor.value() for key, editor in self.editors.items()}
        self.saved.emit(record)
        if self._and_new:
            self.start_new()
        else:
            self.after_save(record)
        return True

    def save_and_new(self) -> bool:
        """保存并新建: save, then an empty form for the next record of the same 社区."""
        self._and_new = True
        try:
            return self.save()
        finally:
            self._and_new = False

    def start_new(self) -> None:
        """Clear the form for a new record, keeping the 社区 and the page's defaults."""
        keep = {}
        if self.service.community_field and self.service.community_field in self.editors:
            keep[self.service.community_field] = self.editors[self.service.community_field].value()
        self.record, self.record_id = None, None
        self.defaults = {**self.defaults, **keep}
        for f in self.fields:
            self.editors[f.key].set_value(self.initial_text(f))
            self._initial[f.key] = self.editors[f.key].value()
        self._touched.clear()
        self.show_problems([], show_all=False)
        self.setWindowTitle(self.title())
        self.values_changed()
        first = next((f.key for f in self.fields if f.key not in keep), None)
        if first is not None:
            self.editors[first].widget.setFocus()

    def _push_undo(self, before: dict | None, after: dict) -> None:
        """The save as a step of the window's 撤销 (nothing outside a main window)."""
        from . import undo
        window = undo.window_of(self)
        if window is None:
            return
        if before is None:
            undo.push(window, undo.CreateCommand(window, self.service, after))
            return
        keys = undo.changed_keys(self.service, before, after)
        if keys:
            undo.push(window, undo.EditCommand(window, self.service, before, after, keys))

    def show_stored(self) -> None:
        """Show the record as it is stored now, discarding this window's edits (after someone else saved it)."""
        try:
            self.record = self.service.get(self.record_id)
        except LedgerError as exc:
            messages.warn(self, "未能重新载入", str(exc))
            return
        for f in self.fields:
            self.editors[f.key].set_value(self.initial_text(f))
            self._initial[f.key] = self.editors[f.key].value()
        self._touched.clear()
        self.setWindowTitle(self.title())
        self.values_changed()
        self.check()

    def force_update(self) -> bool:
        """A subclass with edits outside the fields (none by default) says so here."""
        return False

    def after_save(self, record: dict) -> None:
        self.accept()

    def _focus_first(self, problems: list[Problem]) -> None:
        for p in problems:
            key = self._by_label.get(p.field)
            if key in self.editors:
                self.editors[key].widget.setFocus()
                return

    def reject(self) -> None:  # Esc, 取消, the window's close button
        if self.dirty() and not messages.ask(self, "放弃修改", "修改尚未保存，确定要放弃吗？", yes="放弃修改",
                                             no="继续编辑"):
            return
        super().reject()
