"""Crash recovery files: one per running instance, in a folder only this user can read.

Each running Roundtable writes the autosave of its unsaved session (and of what is typed
or attached in the composer but not sent) to its own file, and holds a lock on a
companion file for as long as it runs. A file whose lock nobody holds was left by an
instance that died: it is offered back at the next start, and it is never overwritten
or deleted before the user has answered that offer. Several instances never share a
file.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from desktop.core.records.model import Attachment, ReplyStatus, Session
from desktop.core.utils.stamps import new_id

# Where a recovery file keeps what is not part of the session: the composer's draft and
# the document's state (the transcript format keeps unknown fields, so an ordinary loader
# reads such a file as the session it is).
RECOVERY_KEY = "roundtable_recovery"


@dataclass
class Draft:
    """What the user typed and attached in the composer but has not sent."""

    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.text.strip() or self.attachments)


@dataclass
class Snapshot:
    """What a recovery file holds besides the session."""

    draft: Draft = field(default_factory=Draft)
    file: Path | None = None  # the session's own file, when it has one
    dirty: bool = True  # the session has changes its file does not
    read_only: bool = False  # its file must not be overwritten (a newer format)
    closed_cleanly: bool = False  # written by an instance that quit, not one that died


@dataclass
class Recovered:
    """A recovery file's session (crashed replies marked stopped) and the rest of it."""

    path: Path
    session: Session
    snapshot: Snapshot


def for_recovery(session: Session, snapshot: Snapshot) -> Session:
    """A shallow copy of ``session`` that also carries ``snapshot`` (for the recovery
    file): the draft's files ride along in the attachments, named in the snapshot."""
    draft = snapshot.draft
    return replace(
        session,
        attachments=[*session.attachments, *draft.attachments],
        extra={
            **session.extra,
            RECOVERY_KEY: {
                "text": draft.text,
                "attachment_ids": [a.id for a in draft.attachments],
                "file": str(snapshot.file) if snapshot.file is not None else None,
                "dirty": snapshot.dirty,
                "read_only": snapshot.read_only,
                "closed_cleanly": snapshot.closed_cleanly,
            },
        },
    )


def recovered(path: Path, session: Session) -> Recovered:
    """Take the snapshot back out of a loaded recovery file's session, and mark replies
    that were streaming when the app died as stopped, with their text."""
    for turn in session.turns:
        for reply in turn.replies:
            if not reply.status.is_final:
                reply.status = ReplyStatus.STOPPED
    raw = session.extra.pop(RECOVERY_KEY, None)
    if not isinstance(raw, dict):
        return Recovered(path, session, Snapshot())
    ids = raw.get("attachment_ids")
    wanted = {i for i in ids if isinstance(i, str)} if isinstance(ids, list) else set()
    used = {i for turn in session.turns for i in turn.attachment_ids}
    pending = [a for a in session.attachments if a.id in wanted and a.id not in used]
    session.attachments = [a for a in session.attachments if a not in pending]
    text, file = raw.get("text"), raw.get("file")
    return Recovered(
        path,
        session,
        Snapshot(
            Draft(text if isinstance(text, str) else "", pending),
            Path(file) if isinstance(file, str) and file else None,
            raw.get("dirty") is not False,
            raw.get("read_only") is True,
            raw.get("closed_cleanly") is True,
        ),
    )


class RecoveryStore:
    """This instance's recovery file, and the files of instances that died."""

    SUFFIX = ".json"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is masked by the umask and ignored for an existing folder.
        folder.chmod(0o700)
        name = f"session-{new_id()}"
        self.path = folder / f"{name}{self.SUFFIX}"
        self._lock = _Lock.hold(folder / f"{name}.lock")
        self._claimed: dict[Path, _Lock] = {}

    def orphans(self) -> list[Path]:
        """Recovery files left by instances that are no longer running, newest first.

        Each one returned is claimed (locked) by this instance until it is
        :meth:`release`-d or :meth:`remove`-d, so two instances never offer the same one.
        """
        found = []
        for path in self.folder.glob(f"session-*{self.SUFFIX}"):
            if path == self.path:
                continue
            if path not in self._claimed:
                lock = _Lock.try_hold(path.with_suffix(".lock"))
                if lock is None:
                    continue  # its instance is running
                if not path.exists():  # another instance took it between glob and lock
                    lock.close(delete=True)
                    continue
                self._claimed[path] = lock
            found.append(path)
        return sorted(found, key=_mtime, reverse=True)

    def load(self, orphan: Path) -> Recovered:
        """Read a recovery file; raises TranscriptError when it is damaged."""
        from desktop.core.transcript import load_session

        return recovered(orphan, load_session(orphan).session)

    def set_aside(self, orphan: Path) -> Path:
        """Move a damaged recovery file out of the way (kept for the curious); returns
        where it went. Raises OSError when it cannot be moved."""
        target = orphan.with_suffix(".damaged")
        orphan.rename(target)
        self.remove(orphan)
        return target

    def release(self, orphan: Path) -> None:
        """Leave ``orphan`` for a later start (the user chose to decide later)."""
        lock = self._claimed.pop(orphan, None)
        if lock is not None:
            lock.close()

    def remove(self, orphan: Path) -> None:
        """Delete ``orphan``: restored into this instance, or discarded by the user."""
        orphan.unlink(missing_ok=True)
        lock = self._claimed.pop(orphan, None)
        if lock is not None:
            lock.close(delete=True)

    def discard(self) -> None:
        """Delete this instance's own recovery file (the session is saved or discarded)."""
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop being a running instance; the recovery file, if any, stays for next time."""
        for orphan in list(self._claimed):
            self.release(orphan)
        self._lock.close(delete=not self.path.exists())


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class _Lock:
    """An exclusive lock on a file, held until closed (the OS drops it if we die)."""

    def __init__(self, path: Path, handle: IO[Any]) -> None:
        self.path = path
        self._handle = handle

    @classmethod
    def hold(cls, path: Path) -> _Lock:
        lock = cls.try_hold(path)
        if lock is None:
            raise OSError(f"{path} is locked by another instance")
        return lock

    @classmethod
    def try_hold(cls, path: Path) -> _Lock | None:
        handle = open(path, "a+b")  # noqa: SIM115 - kept open for the lock's lifetime
        try:
            _lock_file(handle)
        except OSError:
            handle.close()
            return None
        return cls(path, handle)

    def close(self, delete: bool = False) -> None:
        if delete:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self._handle.close()


def _lock_file(handle: IO[Any]) -> None:
    """Lock the whole file without waiting; OSError when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
