"""Dialogs at the size their content needs: a form grows for its messages, a size once set is kept, the
工资标准 tables show their whole headers with amounts on the right."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from ledger.services import CommunityService, GridService
from ui.pay_standard_dialog import PayStandardDialog
from ui.record_dialog import RecordDialog


def _grid_dialog(qtbot, ledger) -> RecordDialog:
    dialog = RecordDialog(GridService(ledger))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_form_grows_for_its_messages_instead_of_scrolling(qtbot, ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    dialog = _grid_dialog(qtbot, ledger)
    before = dialog.height()
    bar = dialog._form_scroll.verticalScrollBar()
    assert not dialog.save()                                  # 所属社区, 网格编号, 网格名称, 户数 are required
    assert len([e for e in dialog.errors.values() if not e.isHidden()]) >= 3
    assert dialog.height() > before
    qtbot.wait(50)                                            # the layout settles
    assert bar.maximum() == 0                                 # every message in sight, nothing to scroll


def test_a_dialog_opens_at_the_size_it_was_left(qtbot, ledger):
    dialog = _grid_dialog(qtbot, ledger)
    larger = QSize(dialog.width() + 40, dialog.height() + 30)
    dialog.resize(larger)
    dialog.reject()                                           # nothing typed: closes without asking
    again = _grid_dialog(qtbot, ledger)
    assert again.size() == larger


def test_pay_standard_headers_are_whole_and_amounts_right_aligned(qtbot, ledger):
    dialog = PayStandardDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    for table in (dialog.rates, dialog.brackets, dialog.posts, dialog.matrix):
        header = table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(table.columnCount()):
            text = table.horizontalHeaderItem(column).text()
            assert header.sectionSize(column) >= metrics.horizontalAdvance(text), text
    right = Qt.AlignmentFlag.AlignRight
    assert dialog.matrix.item(0, 2).text() == "2400.00" and dialog.matrix.item(0, 2).textAlignment() & right
    assert dialog.rates.item(0, 0).text() == "8" and dialog.rates.item(0, 0).textAlignment() & right
    assert dialog.posts.item(0, 0).text() == "一岗" and not dialog.posts.item(0, 0).textAlignment() & right


def test_growing_for_messages_is_not_taken_for_the_persons_choice(qtbot, ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    dialog = _grid_dialog(qtbot, ledger)
    first = dialog.size()
    dialog.save()                                             # grows for its messages
    dialog.done(0)
    assert _grid_dialog(qtbot, ledger).size() == first        # the next form opens at its own size again
