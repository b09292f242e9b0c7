"""One running 街道台账 per user and data folder: a second start brings the running window to the front.

A clerk who double-clicks the icon again while the window is hidden behind others would otherwise get
a second window on the same database. The first process listens on a QLocalServer (a named pipe on
Windows, a socket file elsewhere); a later one connects, hands over its command-line arguments and
exits. Wiring, in the GUI's start-up after the QApplication exists:

    instance = SingleInstance(parent=app)
    if not instance.claim(sys.argv[1:]):
        return 0                                   # the running window comes forward instead
    window = MainWindow(...)
    instance.activated.connect(lambda _args: bring_to_front(window))
"""
from __future__ import annotations

import getpass
import hashlib
import json
import sys

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from ledger import paths

CONNECT_TIMEOUT_MS = 1000
WRITE_TIMEOUT_MS = 1000


def default_key() -> str:
    """The server name for this user and data folder.

    Named pipes are visible machine-wide (several clerks may share a terminal server), so the user is
    part of the name; the data folder is too, so a portable copy or a test with STREETLEDGER_DATA_DIR
    runs beside the installed program instead of handing over to it. Hashed to keep the name short
    and free of path characters.
    """
    identity = f"{getpass.getuser()}\n{paths.data_dir().resolve()}"
    return "StreetLedger-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]


def _allow_other_process_to_take_focus() -> None:
    """Windows only lets the process that the user just started put a window in front; the second
    instance has that right and passes it on, so the first one's activateWindow() is not ignored."""
    if sys.platform == "win32":
        import ctypes

        ASFW_ANY = -1
        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)


class SingleInstance(QObject):
    """Claims the single-instance server, or hands the arguments to the process that holds it."""

    activated = Signal(list)  # the command-line arguments of a later start (list of str)

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or default_key()
        self._server: QLocalServer | None = None

    @property
    def is_primary(self) -> bool:
        return self._server is not None and self._server.isListening()

    def claim(self, args: list[str] | None = None) -> bool:
        """True if this process is now the only instance (and listening); False if a running instance
        took `args` and this process should exit."""
        if self._hand_over(args or []):
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            if server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
                # Either another instance won a race with us, or a crashed one left its socket file.
                if self._hand_over(args or []):
                    return False
                QLocalServer.removeServer(self.key)
                if server.listen(self.key):
                    return self._keep(server)
            # Cannot listen at all (unusual permissions): run anyway rather than refuse to start.
            server.deleteLater()
            return True
        return self._keep(server)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _keep(self, server: QLocalServer) -> bool:
        self._server = server
        server.newConnection.connect(self._accept)
        return True

    def _hand_over(self, args: list[str]) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        _allow_other_process_to_take_focus()
        socket.write(json.dumps(args, ensure_ascii=False).encode("utf-8") + b"\n")
        socket.waitForBytesWritten(WRITE_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(WRITE_TIMEOUT_MS)
        return True

    def _accept(self) -> None:
        while self._server is not None and (connection := self._server.nextPendingConnection()) is not None:
            buffer = bytearray()

            def read(connection: QLocalSocket = connection, buffer: bytearray = buffer) -> None:
                buffer.extend(connection.readAll().data())
                if buffer.endswith(b"\n"):
                    connection.disconnectFromServer()

            def finish(connection: QLocalSocket = connection, buffer: bytearray = buffer) -> None:
                buffer.extend(connection.readAll().data())
                connection.deleteLater()
                self.activated.emit(self._decode(bytes(buffer)))

            connection.readyRead.connect(read)
            connection.disconnected.connect(finish)
            read()  # the data may already have arrived with the connection

    @staticmethod
    def _decode(data: bytes) -> list[str]:
        """The arguments sent by a later start; anything malformed still means "come to the front"."""
        try:
            args = json.loads(data.decode("utf-8").strip() or "[]")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return []
        return [str(a) for a in args] if isinstance(args, list) else []


def bring_to_front(window: QWidget) -> None:
    """Show the window un-minimised, raised and focused."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
