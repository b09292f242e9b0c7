"""批量修改: one field of the selected records set to one value — previewed first (old → new and the service's
verdict per record), then saved all or nothing through the service (`update_many`), a refused record named.

Nothing is decided here: the preview is `service.check_many`, the save `service.update_many`, each record checked
by the rules of its form and the version the page showed.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView,
                               QLabel, QTableView, QVBoxLayout, QWidget)

from ledger.errors import LedgerError
from ledger.fields import Field
from ledger.services.base import BatchRefused, LedgerService

from . import messages
from .dialog_sizes import remember_size
from .field_editors import ComboEditor, Editor, community_editor, default_editor
from .table_model import TupleTableModel
from .undo import record_name

ERROR_STYLE = "color: #c0392b;"
# kinds a batch never sets: a person's 身份证号 and a venue's rooms are each record's own
_NOT_BATCHED = ("idcard", "rooms")


def batch_fields(service: LedgerService) -> list[Field]:
    """The fields a batch may set: entered ones, not those that tell one record from another (its 身份证号, 凭证号)."""
    own = set(service.match_on) | {service.label_key}
    return [f for f in service.fields if not f.derived and f.kind not in _NOT_BATCHED and f.key not in own]


def batch_editor(field: Field, service: LedgerService) -> Editor:
    if field.key == "community" and field.kind == "ref":
        return community_editor(service.ledger)[0]
    if field.key == "post" and hasattr(service, "post_choices"):
        return ComboEditor(service.post_choices(), blank=True)
    return default_editor(field)


class BatchEditDialog(QDialog):
    """Set one field of several records; emits `saved(before, after)` with the records as they were and are."""

    saved = Signal(list, list)

    def __init__(self, service: LedgerService, records: list[dict], parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.records = records
        self.fields = batch_fields(service)
        self.refused: dict[int, list[str]] = {}
        self.setWindowTitle(f"批量修改{service.name}（{len(records)}条）")
        self.setSizeGripEnabled(True)
        self.field_box = QComboBox()
        for f in self.fields:
            self.field_box.addItem(f.label, f.key)
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self.form = QFormLayout()
        self.form.addRow("修改哪一项：", self.field_box)
        self.editor: Editor | None = None
        self.model = TupleTableModel(("记录", "原值", "新值", "检查结果"))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(80)
        header.setStretchLastSection(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        hint = QLabel("先看预览：每条记录的原值和新值，以及按台账规则检查的结果。全部通过才能保存；"
                      "保存时所有记录一起写入，有一条不能修改就都不修改。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        layout.addLayout(self.form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.preview)
        self._field_changed()
        remember_size(self, "batch_edit", QSize(760, 520))

    # --- choosing ------------------------------------------------------------------------------------------
    def field(self) -> Field:
        key = self.field_box.currentData()
        return next(f for f in self.fields if f.key == key)

    def choose(self, label: str) -> None:
        """Choose the field by its label (as a clerk picks it from the list)."""
        self.field_box.setCurrentIndex(max(0, self.field_box.findText(label)))

    def set_value(self, text: str) -> None:
        """The new value, as typed or picked; the preview follows."""
        if self.editor is not None:
            self.editor.set_value(text)
        self.preview()

    def _field_changed(self) -> None:
        if self.editor is not None:
            self.form.removeRow(1)
        if not self.fields:
            self.editor = None
            self.note.setText(f"{self.service.name}台账没有可以批量修改的项目")
            self.save_button.setEnabled(False)
            return
        self.editor = batch_editor(self.field(), self.service)
        self.editor.widget.setMinimumWidth(240)
        self.form.addRow("改为：", self.editor.widget)
        self.editor.on_change(self._timer.start)
        self.preview()

    # --- preview and save -------------------------------------------------------------------------------------
    def changes(self) -> list[tuple[int, dict, int | None]]:
        value = self.editor.value() if self.editor is not None else ""
        key = self.field().key
        return [(r["id"], {key: value}, r.get("version")) for r in self.records]

    def preview(self) -> None:
        """Each record's old and new value and what the service says of the change (nothing is written)."""
        self._timer.stop()
        if self.editor is None:
            return
        try:
            self.refused = self.service.check_many(self.changes())
        except LedgerError as exc:
            self.refused = {}
            self._show_rows()
            self._say(str(exc), error=True)
            self.save_button.setEnabled(False)
            return
        self._show_rows()
        if self.refused:
            self._say(f"有{len(self.refused)}条记录不能这样修改（红色，原因见“检查结果”），不能保存。"
                      f"请改填新值，或取消后只选中其他记录。", error=True)
        else:
            self._say(f"将修改{len(self.records)}条记录的“{self.field().label}”。")
        self.save_button.setEnabled(not self.refused)

    def _show_rows(self) -> None:
        field = self.field()
        new = self.editor.value() if self.editor is not None else ""
        try:
            shown_new = field.render(field.parse(new)) if new.strip() else "（空）"
        except ValueError:
            shown_new = new
        rows, flags = [], []
        for r in self.records:
            reasons = self.refused.get(r["id"])
            old = field.render(r.get(field.key)) or "（空）"
            rows.append((record_name(self.service, r), old, shown_new, "；".join(reasons) if reasons else "可以修改"))
            flags.append("错误" if reasons else None)
        self.model.set_rows(rows, flags)

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(ERROR_STYLE if error else "")

    def save(self) -> bool:
        """All or nothing through update_many; a refusal (someone changed a record since the preview) is shown
        against its record and nothing is saved."""
        self.preview()
        if self.refused:   # changed since the preview was shown (by someone else), or never fit
            self._say(f"没有保存任何修改：{len(self.refused)}条记录不能这样修改（红色，原因见“检查结果”）。", error=True)
            return False
        if self.editor is None:
            return False
        try:
            after = self.service.update_many(self.changes())
        except BatchRefused as exc:
            self.refused = exc.rows
            self._show_rows()
            self._say(f"没有保存任何修改：{len(exc.rows)}条记录不能修改（见“检查结果”）。", error=True)
            self.save_button.setEnabled(False)
            return False
        except LedgerError as exc:
            messages.warn(self, "未能保存", str(exc))
            return False
        self.saved.emit(self.records, after)
        self.accept()
        return True


def open_batch_edit(service: LedgerService, records: list[dict], parent: QWidget | None) -> BatchEditDialog:
    dialog = BatchEditDialog(service, records, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
