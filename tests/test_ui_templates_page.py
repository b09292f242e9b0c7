"""报表模板 page: save the built-in template, install an adjusted one (checked first), go back to the built-in."""
from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from exports.template import find_template
from ledger.access import CLERK, Actor
from ui import messages
from ui.main_window import MainWindow
from ui.templates_page import TemplatesPage


@pytest.fixture
def page(qtbot, sqlite_ledger, monkeypatch):
    said: list[str] = []
    for name in ("inform", "warn"):
        monkeypatch.setattr(messages, name, lambda parent, title, text, said=said: said.append(text))
    monkeypatch.setattr(messages, "ask", lambda *a, **k: True)
    window = MainWindow(sqlite_ledger)
    qtbot.addWidget(window)
    widget = TemplatesPage(window)
    qtbot.addWidget(widget)
    widget.said = said
    return widget


def _select(page, name: str) -> None:
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == name)
    page.table.selectRow(row)


def test_save_adjust_install_and_reset(page, tmp_path, monkeypatch, data_dir):
    from PySide6.QtWidgets import QFileDialog
    _select(page, "工资发放表.xlsx")
    saved = tmp_path / "工资发放表.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    page.save_button.click()
    assert saved.exists()

    book = load_workbook(saved)   # the office changes a column width, as it would in Excel
    book.active.column_dimensions["C"].width = 30
    book.save(saved)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    _select(page, "工资发放表.xlsx")
    page.install_button.click()
    assert find_template("工资发放表.xlsx").parent == data_dir / "templates"
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "工资发放表.xlsx")
    assert page.table.item(row, 1).text() == "本单位修改版"

    _select(page, "工资发放表.xlsx")
    page.reset_button.click()
    assert find_template("工资发放表.xlsx").parent.name == "templates" and "resources" in str(find_template("工资发放表.xlsx"))


def test_damaged_template_is_refused_and_not_installed(page, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    damaged = tmp_path / "坏模板.xlsx"
    shutil.copyfile(find_template("工资发放表.xlsx"), damaged)
    book = load_workbook(damaged)
    book.active["A1"] = "{{街道名}}社区工作者工资发放表"
    book.save(damaged)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(damaged), ""))
    _select(page, "工资发放表.xlsx")
    page.install_button.click()
    assert "A1" in page.said[-1] and "{{街道名}}" in page.said[-1]
    assert "resources" in str(find_template("工资发放表.xlsx"))


def test_a_clerk_may_not_install_templates(page, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    page.window.ledger = page.window.ledger.as_actor(Actor("李录入", CLERK))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(find_template("工资发放表.xlsx")), ""))
    _select(page, "工资发放表.xlsx")
    page.install_button.click()
    assert "没有“修改系统设置”的权限" in page.said[-1]
