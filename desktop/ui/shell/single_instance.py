"""One Roundtable per user: a second launch hands its files to the running one.

The running app holds a lock in the user's own runtime folder and listens on a local
socket there; a launch that finds it sends the sessions it was given (none: a new
window) and exits, so a double-clicked transcript opens as a new window of the app
already running. What arrives on the socket is a stranger's message (any process of
this user may write to it): a short JSON object whose paths are each checked, and
anything else is dropped unanswered.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket

MAX_MESSAGE = 64 * 1024
MAX_PATHS = 16
MAX_CONNECTIONS = 8
CONNECTION_MS = 3000  # a connection that says nothing in this time is dropped
ANSWER = b"ok\n"


def socket_name() -> str | None:
    """Where the running app listens: a path in the user's own runtime folder (a named
    pipe with the user's name on Windows); None when there is no such folder to use."""
    if sys.platform == "win32":
        return f"roundtable-{getpass.getuser()}"
    import platformdirs

    try:
        folder = Path(platformdirs.user_runtime_dir("roundtable"))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None  # each launch then runs on its own
    return str(folder / "instance")


def _lock_path(name: str) -> str:
    """The lock the running app holds (in the temp folder for a pipe name)."""
    if os.path.isabs(name):
        return name + ".lock"
    return str(Path(QDir.tempPath()) / f"{name}.lock")


def encode(paths: list[Path]) -> bytes:
    """The message a launch sends: the sessions to open, as absolute paths."""
    return json.dumps({"open": [str(p.absolute()) for p in paths]}).encode() + b"\n"


def decode(data: bytes) -> list[Path] | None:
    """The paths in a message, or None when it is not one this module writes."""
    if len(data) > MAX_MESSAGE:
        return None
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or set(message) != {"open"}:
        return None
    paths = message["open"]
    if not isinstance(paths, list) or len(paths) > MAX_PATHS:
        return None
    if not all(isinstance(p, str) and _plausible(p) for p in paths):
        return None
    return [Path(p) for p in paths]


def _plausible(path: str) -> bool:
    return 0 < len(path) <= 4096 and "\0" not in path and os.path.isabs(path)


def hand_over(paths: list[Path], name: str | None = None, timeout_ms: int = 5000) -> bool:
    """Give ``paths`` to the app already running; True once it said it took them
    (False: none is running, or it did not answer, and this launch goes on itself)."""
    name = name or socket_name()
    if name is None:
        return False
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(encode(paths))
    sock.waitForBytesWritten(timeout_ms)
    answered = b""
    while len(answered) < len(ANSWER):
        # The answer may be in already: waitForReadyRead waits only for more.
        if not sock.bytesAvailable() and not sock.waitForReadyRead(timeout_ms):
            break
        answered += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return answered.startswith(ANSWER)


class InstanceServer(QObject):
    """The running app's end: each message's paths go to ``on_open``."""

    def __init__(self, on_open: Callable[[list[Path]], None], name: str | None = None) -> None:
        super().__init__()
        self.on_open: Callable[[list[Path]], None] | None = on_open
        self.name = name or socket_name()
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._lock: QLockFile | None = None

    def listen(self) -> bool:
        """Start listening; False when another running app already does (or there is
        nowhere to listen)."""
        if self.name is None:
            return False
        # The app that holds this lock is the one that listens. (QLocalServer alone
        # cannot tell: a second listen on the same name succeeds and takes it over.)
        lock = QLockFile(_lock_path(self.name))
        lock.setStaleLockTime(0)  # stale only when its holder is dead, never by its age
        if not lock.tryLock(0):
            return False
        # A socket file left by an app that died: nobody answers it, so take it over.
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            lock.unlock()
            return False
        self._lock = lock
        return True

    def close(self) -> None:
        """Stop listening and drop any connection still open (the socket file and the
        lock go with it)."""
        self.on_open = None
        self.server.close()
        for sock in list(self._buffers):
            sock.abort()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _accept(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            if len(self._buffers) >= MAX_CONNECTIONS:
                sock.abort()
                sock.deleteLater()
                continue
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))
            # One that never finishes its message would hold a slot for good.
            timer = QTimer(sock)
            timer.setSingleShot(True)
            timer.timeout.connect(sock.abort)
            timer.start(CONNECTION_MS)
            if sock.bytesAvailable():  # arrived before readyRead was connected
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        buffer = self._buffers.get(sock)
        if buffer is None:
            return
        buffer += bytes(sock.readAll().data())
        if len(buffer) > MAX_MESSAGE:
            sock.abort()
            return
        if not buffer.endswith(b"\n"):
            return  # more to come
        del self._buffers[sock]  # one message a connection: anything after it is ignored
        paths = decode(bytes(buffer))
        if paths is None:
            sock.abort()
            return
        sock.write(ANSWER)
        sock.flush()
        sock.disconnectFromServer()
        if self.on_open is not None:
            self.on_open(paths)

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()
