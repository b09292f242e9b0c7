"""Importing what is already there: the same file again is refused until confirmed, naming the earlier import;
经费 rows identical to stored entries are 疑似重复 and added only when confirmed; undo still restores exactly."""
from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

import cli
from ledger.access import Actor
from ledger.app import Ledger
from ledger.importing import REPEAT, NEW, RepeatedImport, import_file, layout_for, load, preview, undo_last
from ledger.models import FundEntry, ImportBatch
from ledger.services import FundService
from ledger.services.street import init_street
from tests.helpers import snapshot
from tests.workbooks import communities, xlsx
from ui import messages, tasks
from ui.import_wizard import PAGE_DONE, PAGE_PREVIEW, ImportWizard

HEADER = ["日期", "所属社区", "经费类别", "收支", "金额", "摘要", "经办人"]
MARCH = [["2026-03-05", "幸福社区", "社区工作经费", "支出", "1200", "办公用品", "王芳"],
         ["2026-03-12", "幸福社区", "社区工作经费", "支出", "350.50", "水电费", "王芳"]]
APRIL = [["2026-04-02", "幸福社区", "社区工作经费", "支出", "800", "办公用品", "王芳"]]


def _spending(ledger: Ledger) -> Decimal:
    return sum((e["amount"] for e in FundService(ledger).list() if e["direction"] == "支出"), Decimal(0))


def test_the_same_fund_workbook_twice_adds_nothing_without_confirmation(ledger, tmp_path):
    communities(ledger, "幸福社区")
    march = xlsx(tmp_path / "3月经费.xlsx", [HEADER, *MARCH])
    first = import_file(ledger, "funds", march)[1]
    assert (first.created, _spending(ledger)) == (2, Decimal("1550.50"))
    # the probe: the same file again (here under another name, as a copy sent round would be)
    again = shutil.copy(march, tmp_path / "经费（副本）.xlsx")
    with pytest.raises(RepeatedImport) as refused:
        import_file(ledger, "funds", again)
    earlier = refused.value.earlier
    assert (earlier.filename, earlier.created, earlier.kind) == ("3月经费.xlsx", 2, "funds")
    assert str(refused.value).startswith(f"这个文件的内容已经导入过：{earlier.at:%Y-%m-%d %H:%M}导入的经费台账“3月经费.xlsx”"
                                         "（新增2条，更新0条）")
    # confirmed as a file, its rows are still each the same as a stored entry: 疑似重复, left out
    plan, outcome = import_file(ledger, "funds", again, again=True)
    assert [r.action for r in plan.rows] == [REPEAT, REPEAT]
    assert plan.rows[0].repeats == "与已登记的经费相同（2026-03-05 社区工作经费支出1,200.00元“办公用品”）"
    assert (outcome.created, outcome.duplicates, outcome.summary()) == (0, 2, "新增0条，更新0条，不变0条，疑似重复未导入2条")
    assert _spending(ledger) == Decimal("1550.50")


def test_duplicate_rows_are_added_only_as_confirmed_row_by_row_or_all(ledger, tmp_path):
    communities(ledger, "幸福社区")
    import_file(ledger, "funds", xlsx(tmp_path / "3月.xlsx", [HEADER, *MARCH]))
    # April's file repeats March's two entries (copied over by mistake, or really paid twice) and adds one
    april = xlsx(tmp_path / "4月.xlsx", [HEADER, *MARCH, *APRIL])
    loaded = load(april, "funds")
    plan = preview(ledger, "funds", loaded, layout_for(loaded, "funds"))
    assert [(r.row, r.action) for r in plan.rows] == [(2, REPEAT), (3, REPEAT), (4, NEW)]
    assert plan.repeat_of is None and plan.summary() == "新增1条，更新0条，不变0条，疑似重复2条"
    _plan, outcome = import_file(ledger, "funds", april, keep_duplicates={3})   # only the 水电费 paid twice
    assert (outcome.created, outcome.duplicates) == (2, 1)
    assert _spending(ledger) == Decimal("1550.50") + Decimal("350.50") + Decimal("800.00")
    undo_last(ledger)
    assert _spending(ledger) == Decimal("1550.50")
    _plan, outcome = import_file(ledger, "funds", april, keep_duplicates=True)
    assert (outcome.created, outcome.duplicates) == (3, 0)


def test_an_entry_with_its_own_voucher_or_another_amount_is_no_duplicate(ledger, tmp_path):
    communities(ledger, "幸福社区")
    import_file(ledger, "funds", xlsx(tmp_path / "3月.xlsx", [HEADER, *MARCH]))
    rows = [HEADER + ["凭证号"], MARCH[0] + ["JZ-2026-031"],                # its own 凭证号: another entry
            ["2026-03-05", "幸福社区", "社区工作经费", "支出", "1200.01", "办公用品", "王芳", None],   # another amount
            ["2026-03-05", "幸福社区", "社区工作经费", "拨入", "1200", "办公用品", "王芳", None],      # money in, not out
            ["2026-03-05", "幸福社区", "社区工作经费", "支出", "1200", "办公桌椅", "王芳", None]]      # another project
    plan = preview(ledger, "funds", loaded := load(xlsx(tmp_path / "其他.xlsx", rows), "funds"), layout_for(loaded, "funds"))
    assert [r.action for r in plan.rows] == [NEW, NEW, NEW, NEW]


def test_undo_of_a_confirmed_repeat_restores_exactly_and_the_file_is_new_again(ledger, tmp_path):
    communities(ledger, "幸福社区")
    march = xlsx(tmp_path / "3月.xlsx", [HEADER, *MARCH])
    import_file(ledger, "funds", march)
    before = snapshot(ledger, FundEntry)
    _plan, outcome = import_file(ledger, "funds", march, again=True, keep_duplicates=True)
    assert outcome.created == 2 and len(snapshot(ledger, FundEntry)) == 4
    undo_last(ledger)
    assert snapshot(ledger, FundEntry) == before
    undo_last(ledger)                                  # the first import undone too: nothing of the file is there
    assert snapshot(ledger, FundEntry) == [] and import_file(ledger, "funds", march)[1].created == 2


def test_the_batch_keeps_the_content_hash_and_the_sheet(ledger, tmp_path):
    communities(ledger, "幸福社区", "和平社区")
    book = xlsx(tmp_path / "经费.xlsx", [HEADER, *MARCH], sheet="幸福社区",
                extra_sheets={"和平社区": [HEADER, ["2026-03-06", "和平社区", "社区工作经费", "支出", "90", "打印纸", "李敏"]]})
    import_file(ledger, "funds", book, sheet="幸福社区")
    # another sheet of the same workbook is another import; the same sheet again is a repeat
    assert import_file(ledger, "funds", book, sheet="和平社区")[1].created == 1
    with pytest.raises(RepeatedImport):
        import_file(ledger, "funds", book, sheet="和平社区")
    with ledger.reading() as session:
        batches = session.execute(select(ImportBatch.file_digest, ImportBatch.sheet).order_by(ImportBatch.id)).all()
    assert batches == [(hashlib.sha256(book.read_bytes()).hexdigest(), "幸福社区"),
                       (hashlib.sha256(book.read_bytes()).hexdigest(), "和平社区")]


def test_a_roster_imported_twice_is_refused_too(ledger, tmp_path):
    """Not only 经费: a repeated roster would put back values changed since in the application."""
    from tests.workbooks import ID_WANG
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "花名册.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                           ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9]])
    import_file(ledger, "workers", path)
    with pytest.raises(RepeatedImport):
        import_file(ledger, "workers", path)
    assert import_file(ledger, "workers", path, again=True)[1].unchanged == 1


# --- the command line ------------------------------------------------------------------------------------------
def test_cli_refuses_a_repeated_file_and_lists_duplicate_rows(tmp_path, capsys):
    db = tmp_path / "l.sqlite"
    opened = Ledger.open(db, Actor(source="命令行"))
    init_street(opened, "测试街道")
    communities(opened, "幸福社区")
    opened.close()
    march = xlsx(tmp_path / "3月经费.xlsx", [HEADER, *MARCH])
    run = lambda *extra: cli.main(["--db", str(db), "import", "funds", str(march), *extra])  # noqa: E731
    assert run() == 0
    assert "已导入经费台账：新增2条" in capsys.readouterr().out
    assert run() == 1
    err = capsys.readouterr().err
    assert "未导入：这个文件的内容已经导入过：" in err and "“3月经费.xlsx”（新增2条，更新0条）" in err and "--again" in err
    assert run("--again") == 0
    out = capsys.readouterr().out.splitlines()
    assert "第2行 疑似重复，未导入：与已登记的经费相同（2026-03-05 社区工作经费支出1,200.00元“办公用品”）" in out
    assert "第3行 疑似重复，未导入：与已登记的经费相同（2026-03-12 社区工作经费支出350.50元“水电费”）" in out
    assert "已导入经费台账：新增0条，更新0条，不变0条，疑似重复未导入2条" in out
    assert run("--again", "--keep-duplicates") == 0
    assert "新增2条" in capsys.readouterr().out
    opened = Ledger.open(db, Actor(source="命令行"))
    assert _spending(opened) == Decimal("3101.00")
    opened.close()


# --- the window -------------------------------------------------------------------------------------------------
class Said(list):
    """The texts of the message boxes the wizard showed, and the answer it gets to a question."""

    answer = True


@pytest.fixture
def asked(monkeypatch):
    seen = Said()
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: seen.append(text))
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: seen.append(text))
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: seen.append(text) or seen.answer)
    return seen


def _previewed(qtbot, wizard: ImportWizard, path) -> None:
    wizard.load_file(path)
    qtbot.waitUntil(lambda: wizard.task not in tasks.running_tasks(), timeout=30000)
    wizard.start_preview()
    qtbot.waitUntil(lambda: wizard.task not in tasks.running_tasks(), timeout=30000)
    assert wizard.stack.currentIndex() == PAGE_PREVIEW


def _imported(qtbot, wizard: ImportWizard) -> None:
    wizard.start_import()
    qtbot.waitUntil(lambda: wizard.task not in tasks.running_tasks(), timeout=30000)


def test_the_wizard_asks_before_a_repeat_and_shows_duplicate_rows_to_tick(qtbot, sqlite_ledger, tmp_path, asked):
    communities(sqlite_ledger, "幸福社区")
    march = xlsx(tmp_path / "3月经费.xlsx", [HEADER, *MARCH])
    import_file(sqlite_ledger, "funds", march)
    wizard = ImportWizard(sqlite_ledger, "funds")
    qtbot.addWidget(wizard)
    repeated = xlsx(tmp_path / "4月经费.xlsx", [HEADER, *MARCH, *APRIL])
    _previewed(qtbot, wizard, repeated)
    model = wizard.preview_model
    results = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert results == ["疑似重复", "疑似重复", "新增"]
    assert "疑似重复2条" in wizard.summary_label.text() and wizard.keep_duplicates.isVisibleTo(wizard)
    first = model.index(0, 1)
    assert model.flags(first) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert "与已登记的经费相同" in model.data(model.index(0, 3))
    # tick the second row only (the 水电费 really paid twice)
    assert model.setData(model.index(1, 1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.kept == {3} and not wizard.keep_duplicates.isChecked()
    _imported(qtbot, wizard)
    assert wizard.stack.currentIndex() == PAGE_DONE and wizard.outcome.created == 2 and wizard.outcome.duplicates == 1
    assert _spending(sqlite_ledger) == Decimal("1550.50") + Decimal("350.50") + Decimal("800.00")

    # the same file a second time: named in the preview, and a question before anything is written
    wizard2 = ImportWizard(sqlite_ledger, "funds")
    qtbot.addWidget(wizard2)
    _previewed(qtbot, wizard2, repeated)
    assert "这个文件的内容已经导入过" in wizard2.summary_label.text()
    assert [wizard2.preview_model.data(wizard2.preview_model.index(r, 1)) for r in range(3)] == ["疑似重复"] * 3
    wizard2.keep_duplicates.setChecked(True)               # "all": every row ticked
    assert wizard2.preview_model.kept == {2, 3, 4}
    asked.answer = False
    _imported(qtbot, wizard2)
    assert "这个文件的内容已经导入过" in asked[-1] and "仍要导入吗" in asked[-1]
    assert wizard2.stack.currentIndex() == PAGE_PREVIEW and _spending(sqlite_ledger) == Decimal("2701.00")
    asked.answer = True
    _imported(qtbot, wizard2)
    assert wizard2.outcome.created == 3 and _spending(sqlite_ledger) == Decimal("2701.00") + Decimal("2350.50")
