"""A community worker's dialog: the roster form with 性别/出生日期/年龄 read from the 身份证号, and tabs for
the history kept per worker (调级记录, 岗位变动, 年度考核, 证书)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableView, QTabWidget, QVBoxLayout, QWidget)

from ledger.errors import LedgerError, Problem, ValidationError
from ledger.fields import Field
from ledger.idcard import parse_id
from ledger.models import Appraisal, Certificate, LevelChange, PostChange
from ledger.paystandard import APPRAISAL_GRADES
from ledger.services.workers import age_on

from . import messages
from .field_editors import ComboEditor, Editor, default_editor
from .record_dialog import ERROR_STYLE, RecordDialog
from .table_model import TupleTableModel

# kind -> (the record's key for its lines, the fields of a new line, the table and its columns shown)
HISTORY = {
    "调级记录": ("level_changes",
             (Field("new_level", "调整后等级", "int", required=True, minimum=1, maximum=60),
              Field("reason", "调级原因", required=True, max_length=200),
              Field("effective_on", "生效日期", "date", required=True),
              Field("approver", "审批人", max_length=32)),
             LevelChange, ("effective_on", "old_level", "new_level", "reason", "approver", "recorded_at")),
    "岗位变动": ("post_changes", (),
             PostChange, ("effective_on", "old_post", "new_post", "old_title", "new_title", "reason")),
    "年度考核": ("appraisals",
             (Field("year", "年度", "int", required=True, minimum=1990, maximum=2100),
              Field("grade", "考核结果", "choice", required=True, choices=APPRAISAL_GRADES),
              Field("note", "备注", max_length=200)),
             Appraisal, ("year", "grade", "note")),
    "证书": ("certificates",
           (Field("kind", "类别", "choice", required=True, choices=("学历", "职业资格")),
            Field("name", "证书名称", required=True, max_length=32),
            Field("obtained_on", "取得日期", "date"),
            Field("number", "证书编号", max_length=64),
            Field("note", "备注", max_length=200)),
           Certificate, ("kind", "name", "obtained_on", "number", "note")),
}
NUMERIC = {"old_level", "new_level", "year"}
WIDE = {"reason", "note"}   # free text: the column that takes the room left


class WorkerDialog(RecordDialog):
    def editor_for(self, field: Field) -> Editor:
        if field.key == "post":
            return ComboEditor(self.service.post_choices(), blank=True)
        return super().editor_for(field)

    def build_body(self, form: QWidget) -> QWidget:
        self.derived = QLabel()
        self.derived.setStyleSheet("color: #555; padding: 2px 4px 6px 4px;")
        basic = QWidget()
        column = QVBoxLayout(basic)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.derived)
        column.addWidget(form, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(basic, "基本信息")
        self.history_tabs: dict[str, HistoryTab] = {}
        for kind in HISTORY:
            tab = HistoryTab(self, kind)
            self.history_tabs[kind] = tab
            self.tabs.addTab(tab, kind)
        self._history_enabled()
        return self.tabs

    def _history_enabled(self) -> None:
        for n, kind in enumerate(HISTORY, 1):
            self.tabs.setTabEnabled(n, self.record_id is not None)
            self.tabs.setTabToolTip(n, "" if self.record_id is not None else "保存基本信息后可添加")
            self.history_tabs[kind].show_lines()

    def values_changed(self) -> None:
        text = self.editors["id_number"].value() if "id_number" in self.editors else ""
        try:
            card = parse_id(text) if text.strip() else None
        except ValueError:
            card = None
        if card is None:
            self.derived.setText("性别、出生日期、年龄：由身份证号自动得出")
            return
        self.derived.setText(f"性别：{card.sex}　　出生日期：{card.birth_date:%Y年%m月%d日}　　"
                             f"年龄：{age_on(card.birth_date, date.today())}岁")

    def reload(self) -> None:
        """Read the worker again after a history line changed it (a 调级 sets the level)."""
        try:
            record = self.service.get(self.record_id)
        except LedgerError as exc:
            messages.warn(self, "未能刷新", str(exc))
            return
        self.record = record
        for f in self.fields:
            editor = self.editors[f.key]
            if editor.value() == self._initial.get(f.key):   # leave what the clerk is editing alone
                editor.set_value(f.render(record.get(f.key)))
                self._initial[f.key] = editor.value()
        for tab in self.history_tabs.values():
            tab.show_lines()
        self.values_changed()
        self.saved.emit(record)


class HistoryTab(QWidget):
    def __init__(self, dialog: WorkerDialog, kind: str):
        super().__init__()
        self.dialog = dialog
        self.kind = kind
        self.record_key, self.entry_fields, model, keys = HISTORY[kind]
        # each column by the label its table declares (the audit trail names it the same)
        self.columns = [(model.__table__.c[key].info["label"], key) for key in keys]
        numeric = [i for i, (_label, key) in enumerate(self.columns) if key in NUMERIC]
        self.model = TupleTableModel([label for label, _key in self.columns], numeric)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        wide = [i for i, (_label, key) in enumerate(self.columns) if key in WIDE]
        if wide:   # the reason or note takes the room, the dates and levels keep what they need
            header.setSectionResizeMode(wide[0], QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(not wide)
        self.add_button = QPushButton("添加…")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("删除")
        self.remove_button.clicked.connect(self.remove)
        note = QLabel()
        note.setStyleSheet("color: #7f8c8d;")
        if not self.entry_fields:
            self.add_button.setEnabled(False)
            note.setText("修改基本信息中的岗位或职务并保存后，自动记录岗位变动。")
        elif kind == "调级记录":
            note.setText("添加调级记录会同时修改本人的等级。")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addSpacing(12)
        buttons.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def _post_names(self) -> dict[int, str]:
        return self.dialog.service.post_names()

    def show_lines(self) -> None:
        record = self.dialog.record or {}
        lines = record.get(self.record_key) or []
        posts = self._post_names() if self.kind == "岗位变动" and lines else {}
        rows = []
        for line in reversed(lines):   # newest first
            cells = []
            for _label, key in self.columns:
                value = line.get(key)
                if key in ("old_post", "new_post"):
                    value = posts.get(value, value)
                if hasattr(value, "strftime"):
                    value = value.strftime("%Y-%m-%d %H:%M" if key == "recorded_at" else "%Y-%m-%d")
                cells.append("" if value is None else str(value))
            rows.append(tuple(cells))
        self.model.set_rows(rows, payload=list(reversed(lines)))

    def add(self) -> None:
        record = self.dialog.record or {}
        defaults = {"effective_on": date.today().isoformat(), "year": str(date.today().year - 1)}
        if self.kind == "调级记录":
            defaults["new_level"] = str((record.get("level") or 0) + 1)
            defaults["approver"] = self.dialog.ledger.actor.name or ""
        entry = EntryDialog(self, f"添加{self.kind}", self.entry_fields, defaults, self._save)
        entry.open()

    def _save(self, values: dict) -> list[Problem]:
        record = self.dialog.record or {}
        if self.kind == "调级记录":
            values["old_level"] = record.get("level")
        try:
            self.dialog.service.add_history(self.dialog.record_id, self.kind, values)
        except ValidationError as exc:
            return exc.problems
        except LedgerError as exc:
            return [Problem("", str(exc))]
        self.dialog.reload()
        return []

    def remove(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        line = self.model.payload[rows[0].row()]
        if not isinstance(line, dict) or not messages.ask(self, "删除", f"确定删除这条{self.kind}吗？", yes="删除"):
            return
        try:
            self.dialog.service.remove_history(self.kind, line["id"])
        except LedgerError as exc:
            messages.warn(self, "未能删除", str(exc))
            return
        self.dialog.reload()


class EntryDialog(QDialog):
    """A small form for one history line: each field parsed by its Field, the service checks the rest."""

    def __init__(self, parent: QWidget, title: str, fields: tuple[Field, ...], defaults: dict[str, str], save):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.fields = fields
        self._save = save
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for f in fields:
            editor = default_editor(f)
            editor.set_value(defaults.get(f.key, ""))
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor.widget)
            column.addWidget(error)
            editor.widget.setMinimumWidth(240)
            form.addRow(f"{f.label}{'*' if f.required else ''}：", holder)
            self.editors[f.key] = editor
            self.errors[f.key] = error
        self.general = QLabel()
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.hide()
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        ok.clicked.connect(self.save)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

    def save(self) -> None:
        values, problems = {}, []
        for f in self.fields:
            try:
                values[f.key] = f.parse(self.editors[f.key].value())
            except ValueError as exc:
                problems.append(Problem(f.label, str(exc)))
        if not problems:
            problems = self._save(values)
        if not problems:
            self.accept()
            return
        by_label = {f.label: f.key for f in self.fields}
        general = []
        for key in self.errors:
            self.errors[key].hide()
        for p in problems:
            key = by_label.get(p.field)
            if key:
                self.errors[key].setText(p.message)
                self.errors[key].show()
            else:
                general.append(str(p))
        self.general.setText("；".join(general))
        self.general.setVisible(bool(general))
