"""A 民生诉求's dialog: its registration as a form, its timeline, and the next steps as buttons.

The buttons are the service's own answer (`CaseService.actions`): the steps this person may take now are
buttons, the others are listed with the reason they are refused (out of order, or not this account's). A step
opens a small form (its day, and 承办单位 and 时限, 处置结果 or 评价) whose refusal is the service's message.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ledger.case_flow import ASSIGN, CLOSED_STATUSES, DATE_OF, LABELS, RATE, RATINGS, RESOLVE, SUPERVISE
from ledger.conflicts import Conflict
from ledger.errors import LedgerError, ValidationError
from ledger.fields import Field
from ledger.services.cases import NOTE, REGISTRATION
from ledger.services.holidays import work_calendar

from . import messages
from .dialog_sizes import remember_size
from .field_editors import ComboEditor, Editor, LineEditor
from .record_dialog import ERROR_STYLE, RecordDialog

STATUS_STYLE = "font-size: 15px; font-weight: bold;"
LATE_STYLE = "color: #c0392b; font-weight: bold;"
MUTED_STYLE = "color: #6c7a89;"
TIMELINE_COLUMNS = ("日期", "步骤", "内容", "办理人", "录入时间")


class TextEditor(Editor):
    """A few lines of text (内容, 处置结果)."""

    def __init__(self, lines: int = 3):
        self.widget = self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * lines + 14)

    def value(self) -> str:
        return self.text.toPlainText()

    def set_value(self, text: str) -> None:
        self.text.setPlainText(text)

    def on_change(self, slot: Callable[[], None]) -> None:
        self.text.textChanged.connect(slot)


def step_text(step: dict) -> str:
    """What a step carried, in words: 街道城管办，3个工作日（至2026-03-06）; 已清理; 不满意，退回重新处置 …"""
    parts = []
    if step["handler"]:
        parts.append(f"转给{step['handler']}，{step['limit_days']}个工作日（至{step['due_on']:%Y-%m-%d}）")
    if step["result"]:
        parts.append(step["result"])
    if step["rating"]:
        again = f"，退回重新处置（至{step['due_on']:%Y-%m-%d}）" if step["due_on"] else ""
        parts.append(step["rating"] + again)
    if step["note"]:
        parts.append(step["note"])
    return "；".join(parts)


class CaseDialog(RecordDialog):
    wide_fields = ("content",)

    def form_fields(self) -> list[Field]:
        return [f for f in self.service.fields if f.key in REGISTRATION]

    def editor_for(self, field: Field) -> Editor:
        if field.key == "content":
            return TextEditor()
        return super().editor_for(field)

    def title(self) -> str:
        if self.record is None:
            return "登记民生诉求"
        return f"民生诉求 {self.record['number']}（{self.record.get('community', '')}）"

    def build_body(self, form: QWidget) -> QWidget:
        self.status = QLabel()
        self.status.setStyleSheet(STATUS_STYLE)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        self.timeline = QTableWidget(0, len(TIMELINE_COLUMNS))
        self.timeline.setHorizontalHeaderLabels(TIMELINE_COLUMNS)
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setWordWrap(True)
        header = self.timeline.horizontalHeader()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.actions_box = QWidget()
        self.action_row = QHBoxLayout(self.actions_box)
        self.action_row.setContentsMargins(0, 0, 0, 0)
        self.action_row.addStretch(1)
        self.refusals = QLabel()
        self.refusals.setWordWrap(True)
        self.refusals.setStyleSheet(MUTED_STYLE)
        self.action_buttons: dict[str, QPushButton] = {}

        loop = QGroupBox("办理过程")
        column = QVBoxLayout(loop)
        column.addWidget(self.status)
        column.addWidget(self.deadline)
        column.addWidget(self.timeline, 1)
        column.addWidget(self.actions_box)
        column.addWidget(self.refusals)
        registration = QGroupBox("登记")
        QVBoxLayout(registration).addWidget(form)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(registration, 4)
        row.addWidget(loop, 6)
        loop.setMinimumWidth(700)
        self.timeline.setMinimumHeight(250)
        self.show_loop()
        if not self.ledger.actor.can("ledger.write"):
            # 领导 read the case and may 督办; the registration is not theirs to change
            form.setEnabled(False)
            self.save_button.hide()
            self.cancel_button.setText("关闭")
        return body

    # --- the loop ------------------------------------------------------------------------------------------
    def show_loop(self) -> None:
        record = self.record
        for button in self.action_buttons.values():
            self.action_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.action_buttons = {}
        if record is None:
            self.status.setText("新登记")
            self.deadline.setText("保存后即完成登记，编号自动生成；之后可以上报街道。")
            self.timeline.setRowCount(0)
            self.refusals.setText("")
            return
        self.status.setText(f"状态：{record['status']}")
        self.deadline.setText(self._deadline_text(record))
        self._fill_timeline(record["steps"])
        refused = []
        if record["status"] in CLOSED_STATUSES:
            self.refusals.setText(f"这件诉求已经结案（{record['status']}），不能再办理。")
            return
        for action in record["actions"]:
            if action.allowed:
                button = QPushButton(f"{action.kind}…")
                button.setObjectName(f"action_{action.kind}")
                button.clicked.connect(lambda _checked=False, kind=action.kind: self.take(kind))
                self.action_row.insertWidget(len(self.action_buttons), button)
                button.show()
                self.action_buttons[action.kind] = button
            else:
                refused.append(f"{action.kind}：{action.refused}")
        lead = "可以办理：" + "、".join(self.action_buttons) if self.action_buttons else "现在没有可以办理的步骤"
        self.refusals.setText(lead + "<br>" + "<br>".join(refused))

    def _deadline_text(self, record: dict) -> str:
        parts = []
        if record.get("due_on"):
            due = f"办理期限：{record['due_on']:%Y-%m-%d}（{record['limit_days']}个工作日，承办单位：{record['handler']}）"
            if record.get("overdue"):
                due += f"　<span style='{LATE_STYLE}'>已超期{record['overdue_days']}个工作日</span>"
            parts.append(due)
        late = record.get("resolved_late_days")
        if late is not None:
            verdict = "按期办结" if late == 0 else f"<span style='{LATE_STYLE}'>超期{late}个工作日办结</span>"
            parts.append(f"办结日期：{record['resolved_on']:%Y-%m-%d}（{verdict}）")
        if record.get("reopened_on"):
            parts.append(f"群众于{record['reopened_on']:%Y-%m-%d}评价不满意，已退回重新处置（再次不满意即以不满意结案）")
        if record.get("supervised_on"):
            parts.append(f"领导已于{record['supervised_on']:%Y-%m-%d}督办")
        if record.get("calendar_missing"):
            years = "、".join(f"{y}年" for y in record["calendar_missing"])
            parts.append(f"<span style='{LATE_STYLE}'>{years}的节假日安排尚未录入，期限只按周末计算</span>")
        return "<br>".join(parts)

    def _fill_timeline(self, steps: list[dict]) -> None:
        self.timeline.setRowCount(len(steps))
        for row, step in enumerate(steps):
            who = step["user"] + (f"（{step['source']}）" if step["source"] else "")
            cells = (f"{step['on']:%Y-%m-%d}" if step["on"] else "（未导入）", step["kind"], step_text(step), who,
                     f"{step['recorded_at']:%Y-%m-%d %H:%M}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.timeline.setItem(row, column, item)
        self.timeline.resizeRowsToContents()
        if steps:
            self.timeline.scrollToBottom()

    def take(self, kind: str) -> StepDialog:
        """Open the form of one step; after it is taken the dialog shows the case as it now is."""
        dialog = StepDialog(self, kind)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def step_taken(self, record: dict) -> None:
        self.record = record
        self.setWindowTitle(self.title())
        self.show_loop()
        self.saved.emit(record)


class StepDialog(QDialog):
    """The form of one step: its day (today unless changed) and what it carries; the service decides."""

    def __init__(self, case_dialog: CaseDialog, kind: str):
        super().__init__(case_dialog)
        self.case_dialog = case_dialog
        self.service = case_dialog.service
        self.record = case_dialog.record
        self.kind = kind
        self.setWindowTitle(f"{kind}：民生诉求 {self.record['number']}")
        fields = {f.key: f for f in self.service.fields}
        form = QFormLayout()
        self.editors: dict[str, Editor] = {}

        def add(key: str, label: str, editor: Editor) -> Editor:
            form.addRow(f"{label}：", editor.widget)
            self.editors[key] = editor
            return editor

        day = add("on", LABELS[DATE_OF[kind]], LineEditor(Field("on", LABELS[DATE_OF[kind]], "date")))
        day.set_value(date.today().isoformat())
        self.due = QLabel()
        if kind == ASSIGN:
            handler = add("handler", "承办单位", ComboEditor(self.service.handlers(), blank=True, editable=True))
            handler.set_value(self.record.get("handler") or "")
            default = self.service.default_limit(self.record["category"])
            days = add("limit_days", "办理时限（工作日）", LineEditor(fields["limit_days"]))
            days.set_value(str(default or ""))
            days.widget.setToolTip(f"{self.record['category']}默认{default}个工作日（管理员可在设置中修改）")
            form.addRow("", self.due)
            self.calendar = work_calendar(self.service.ledger)
            day.on_change(self._show_due)
            days.on_change(self._show_due)
            self._show_due()
        elif kind == RESOLVE:
            add("result", "处置结果", TextEditor(4))
        elif kind == RATE:
            add("rating", "群众评价", ComboEditor(RATINGS, blank=True))
            hint = QLabel("第一次评价不满意时，诉求退回重新处置；再次不满意即以不满意结案。")
            hint.setStyleSheet(MUTED_STYLE)
            hint.setWordWrap(True)
            form.addRow("", hint)
        add("note", "督办意见" if kind == SUPERVISE else "说明", LineEditor(NOTE))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(kind, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.take)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        remember_size(self, f"case_step/{kind}")

    def _show_due(self) -> None:
        """The deadline the 时限 gives, counted over the working-day calendar, as the clerk types."""
        try:
            start = date.fromisoformat(self.editors["on"].value().strip())
            days = int(self.editors["limit_days"].value().strip())
            self.due.setText(f"办理期限：{self.calendar.add(start, days):%Y-%m-%d}（按工作日计算，不含节假日）")
        except ValueError:
            self.due.setText("")

    def take(self) -> bool:
        raw = {key: editor.value() for key, editor in self.editors.items()}
        try:
            record = self.service.act(self.record["id"], self.kind, raw, version=self.record.get("version"))
        except ValidationError as exc:
            self.error.setText("；".join(str(p) for p in exc.problems))
            self.error.show()
            return False
        except Conflict as exc:
            messages.warn(self, "诉求已被他人办理", f"{exc}\n\n窗口将显示这件诉求现在的情况。")
            self._reload()
            self.reject()
            return False
        except LedgerError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.case_dialog.step_taken(record)
        self.accept()
        return True

    def _reload(self) -> None:
        try:
            self.case_dialog.step_taken(self.service.get(self.record["id"]))
        except LedgerError as exc:
            messages.warn(self, "未能重新载入", str(exc))
