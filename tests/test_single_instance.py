"""ui/single_instance.py: the first start claims, a second one hands over and the window comes forward."""
from __future__ import annotations

import os
import socket
import sys
import uuid

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtNetwork import QLocalServer  # noqa: E402
from PySide6.QtWidgets import QMainWindow  # noqa: E402

from ui.single_instance import SingleInstance, bring_to_front, default_key  # noqa: E402


@pytest.fixture
def key():
    """A server name of this test alone, so parallel test runs and a running app do not meet."""
    name = f"StreetLedger-test-{uuid.uuid4().hex[:12]}"
    yield name
    QLocalServer.removeServer(name)


@pytest.fixture
def first(qapp, key):
    instance = SingleInstance(key)
    assert instance.claim([])
    yield instance
    instance.close()


def test_first_start_claims_the_server(first):
    assert first.is_primary


def test_second_start_hands_its_arguments_over_and_does_not_claim(qtbot, first, key):
    second = SingleInstance(key)
    with qtbot.waitSignal(first.activated, timeout=3000) as blocker:
        assert second.claim(["--db", "D:\\台账\\街道.sqlite"]) is False
    assert blocker.args == [["--db", "D:\\台账\\街道.sqlite"]]
    assert not second.is_primary


def test_every_later_start_is_announced(qtbot, first, key):
    for n in range(3):
        with qtbot.waitSignal(first.activated, timeout=3000) as blocker:
            assert not SingleInstance(key).claim([str(n)])
        assert blocker.args == [[str(n)]]


def test_after_the_first_closes_the_next_start_claims(qapp, first, key):
    first.close()
    successor = SingleInstance(key)
    assert successor.claim([])
    successor.close()


def test_garbage_from_a_client_still_means_come_forward():
    assert SingleInstance._decode(b"not json\n") == []
    assert SingleInstance._decode(b'{"a": 1}\n') == []
    assert SingleInstance._decode(b'["x", 2]\n') == ["x", "2"]


@pytest.mark.skipif(sys.platform == "win32", reason="a socket file is how a crash leaves a stale server on Unix")
def test_socket_file_left_by_a_crashed_instance_is_taken_over(qapp, key):
    probe = QLocalServer()
    assert probe.listen(key)
    path = probe.fullServerName()
    probe.close()
    # A process that died without closing its server leaves the socket file behind: bound, not listening.
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)
    stale.close()
    assert os.path.exists(path)

    instance = SingleInstance(key)
    assert instance.claim([])
    assert instance.is_primary
    instance.close()


def test_key_depends_on_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("STREETLEDGER_DATA_DIR", str(tmp_path / "a"))
    first = default_key()
    monkeypatch.setenv("STREETLEDGER_DATA_DIR", str(tmp_path / "b"))
    assert default_key() != first
    assert first.startswith("StreetLedger-") and "/" not in first and "\\" not in first


def test_bring_to_front_restores_a_minimised_window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isMinimized() or window.isVisible())
    bring_to_front(window)
    assert window.isVisible()
    assert not window.windowState() & Qt.WindowState.WindowMinimized
