"""File dialogs start in the user's 文档 folder and then where that kind of file was last put or taken."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from ui import file_dialogs, messages, system_menu
from ui.main_window import MainWindow


@pytest.fixture
def documents(monkeypatch, tmp_path) -> Path:
    """A home folder of our own with its 文档 folder, as Qt finds it."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def dialogs(monkeypatch):
    """Every save/open dialog answers with `dialogs.answer` and records the folder it opened in."""
    class Dialogs:
        answer = ""
        opened_in: list[Path] = []

    def ask(parent, title, start, filter=""):
        start = Path(start)
        Dialogs.opened_in.append(start if start.is_dir() else start.parent)
        return Dialogs.answer, ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(ask))
    return Dialogs


def test_first_dialog_opens_in_documents_then_each_kind_where_it_was_last_used(qapp, documents, dialogs, tmp_path):
    exports = tmp_path / "报表"
    exports.mkdir()
    dialogs.answer = str(exports / "汇总")
    chosen = file_dialogs.save_path(None, file_dialogs.XLSX, "导出", "汇总.xlsx", suffix=".xlsx")
    assert dialogs.opened_in[-1] == documents and chosen == exports / "汇总.xlsx"
    dialogs.answer = ""                                  # cancelled: nothing chosen, nothing remembered
    assert file_dialogs.save_path(None, file_dialogs.XLSX, "导出", "人员.xlsx") is None
    assert dialogs.opened_in[-1] == exports              # the next workbook goes where the last one went
    file_dialogs.save_path(None, file_dialogs.PDF, "导出", "汇总.pdf", file_dialogs.PDF_FILTER)
    assert dialogs.opened_in[-1] == documents            # a PDF has not been saved anywhere yet
    file_dialogs.open_path(None, file_dialogs.IMPORT, "导入", "Excel (*.xlsx)")
    assert dialogs.opened_in[-1] == documents


def test_a_remembered_folder_that_is_gone_falls_back_to_documents(qapp, documents, dialogs, tmp_path):
    gone = tmp_path / "U盘"
    gone.mkdir()
    dialogs.answer = str(gone / "备份.sqlite")
    file_dialogs.save_path(None, file_dialogs.BACKUP, "备份", "备份.sqlite")
    gone.rmdir()
    file_dialogs.save_path(None, file_dialogs.BACKUP, "备份", "备份.sqlite")
    assert dialogs.opened_in[-1] == documents


def test_the_backup_menu_starts_in_documents(qtbot, sqlite_ledger, documents, dialogs, monkeypatch):
    monkeypatch.setattr(messages, "inform", lambda *a: None)
    window = MainWindow(sqlite_ledger)
    qtbot.addWidget(window)
    system_menu.make_backup(window)                      # cancelled in the dialog: nothing written
    assert dialogs.opened_in == [documents]
    assert not list(documents.iterdir())
    window.close()
