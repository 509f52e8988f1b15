"""The library: every saved session, found by its words in milliseconds.

Sessions live in the library folder (platformdirs' user data dir unless the user picks
another), or anywhere else the user saved one (registered in the folder's
``.registered`` list). The index (``library_index``) lives in the cache dir and is
brought up to date from the files: a file whose size or mtime changed is read again
(and only re-indexed when its bytes did), a file that is gone is forgotten, and a file
that cannot be read as a transcript is listed as damaged with the reason, never fatal.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop.core.library.index import MARK_END, MARK_START, Entry, LibraryIndex, Stamp, Unit
from desktop.core.records.model import AnnotationKind, Session
from desktop.core.records.post_blocks import TextBlock
from desktop.core.transcript import MAX_FILE_BYTES
from desktop.core.transcript.decode import TOO_LARGE
from desktop.core.utils.regular_files import FileRefused, read_regular_file

UNNAMEABLE = "its name is not UTF-8 text; rename it to list it"
REGISTERED = ".registered"  # in the library folder: sessions saved elsewhere, a path a line
MAX_REGISTERED_BYTES = 4 * 1024 * 1024  # a path a line: tens of thousands of sessions


def default_folder() -> Path:
    """Where sessions are kept unless the user chose another folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("roundtable")) / "Sessions"


def default_index(folder: Path) -> Path:
    """Where ``folder``'s index lives: the cache dir, since the files can always rebuild
    it; one index per library folder."""
    import platformdirs

    name = hashlib.sha256(str(folder.absolute()).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("roundtable")) / f"library-{name}.sqlite3"


@dataclass(frozen=True)
class Refreshed:
    """What a refresh changed in the index."""

    indexed: int
    forgotten: int
    damaged: int
    unchanged: int


class Library:
    """The library folder and its index."""

    def __init__(self, folder: Path, index: Path | None = None, drafts: Path | None = None) -> None:
        self.folder = folder
        self.drafts = drafts  # the recovery folder: autosaves of sessions never saved
        self.index = LibraryIndex(index or default_index(folder))

    def close(self) -> None:
        """Close the index."""
        self.index.close()

    # -- which files ---------------------------------------------------------------------

    def files(self) -> list[Path]:
        """The session files: the folder's (not hidden), then those registered."""
        found: list[Path] = []
        if self.folder.is_dir():
            for root, dirs, names in os.walk(self.folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    Path(root, n)
                    for n in sorted(names)
                    if n.endswith(".json") and not n.startswith(".")
                ]
        if self.drafts is not None and self.drafts.is_dir():
            found += sorted(self.drafts.glob("session-*.json"))
        seen = set(found)
        return found + [p for p in self.registered() if p not in seen]

    def registered(self) -> list[Path]:
        """Sessions saved outside the folder that the library lists too."""
        try:
            raw = read_regular_file(self.folder / REGISTERED, MAX_REGISTERED_BYTES, "too large")
            lines = raw.decode("utf-8").splitlines()
        except (OSError, FileRefused, UnicodeDecodeError):
            return []
        return [Path(line) for line in dict.fromkeys(lines) if line.strip()]

    def register(self, path: Path) -> None:
        """List ``path`` (saved outside the folder) in the library from now on."""
        path = path.absolute()
        if path.is_relative_to(self.folder.absolute()) or path in self.registered():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        listed = self.folder / REGISTERED
        if listed.exists() and not listed.is_file():
            return  # opening a FIFO to write would block until someone reads it
        with open(listed, "a", encoding="utf-8", errors="surrogateescape") as out:
            out.write(f"{path}\n")

    # -- keeping the index up to date ----------------------------------------------------

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> Refreshed:
        """Bring the index up to date with the files; ``progress(done, total)``."""
        files = self.files()
        known = self.index.stamps()
        indexed = damaged = unchanged = 0
        for done, path in enumerate(files, 1):
            outcome = self._update(path, known.get(_key(path)))
            indexed += outcome in ("indexed", "damaged")
            damaged += outcome == "damaged"
            unchanged += outcome == "unchanged"
            if progress is not None:
                progress(done, len(files))
        gone = set(known) - {_key(p) for p in files}
        self.index.forget(gone)
        return Refreshed(indexed, len(gone), damaged, unchanged)

    def saved(self, path: Path) -> None:
        """``path`` was just written: list it (registering it when outside the folder)
        and index it now."""
        self.register(path)
        self._update(path.absolute() if not path.is_absolute() else path, None)

    def _update(self, path: Path, known: Stamp | None) -> str:
        try:
            status = path.stat()
        except OSError:
            return "gone"
        if known is not None and (status.st_mtime_ns, status.st_size) == (
            known.mtime_ns,
            known.size,
        ):
            return "unchanged"
        unread = Stamp(status.st_mtime_ns, status.st_size, "")
        if _key(path) != str(path):  # SQLite keeps text; the name cannot be kept as it is
            self.index.put(Entry(_key(path), unread, damaged=UNNAMEABLE))
            return "damaged"
        try:
            # A FIFO would block this thread for ever, /dev/zero or a sparse file of
            # gigabytes would fill the memory: regular files only, and only so big.
            raw = read_regular_file(path, MAX_FILE_BYTES, TOO_LARGE)
        except FileRefused as refused:
            self.index.put(Entry(str(path), unread, damaged=str(refused)))
            return "damaged"
        except OSError as exc:
            self.index.put(Entry(str(path), unread, damaged=exc.strerror or str(exc)))
            return "damaged"
        stamp = Stamp(status.st_mtime_ns, status.st_size, hashlib.sha256(raw).hexdigest())
        if known is not None and known.sha256 == stamp.sha256:
            self.index.restamp(str(path), stamp)
            return "unchanged"
        entry = entry_for(path, stamp, raw)
        if entry is None:
            self.index.forget([str(path)])
            return "unchanged"
        self.index.put(entry)
        return "damaged" if entry.damaged else "indexed"


def _key(path: Path) -> str:
    """How ``path`` is kept in the index: its name, with any byte that is not UTF-8 (a
    name from another system) as �."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def entry_for(path: Path, stamp: Stamp, raw: bytes) -> Entry | None:
    """What the index keeps of the file ``path`` holding ``raw``; None for the autosave
    of a session that has a file of its own (the file is listed)."""
    from desktop.core.session.recovery import RECOVERY_KEY
    from desktop.core.transcript import TranscriptError, loads

    try:
        session = loads(raw, path).session
    except TranscriptError as exc:
        return Entry(str(path), stamp, damaged=exc.problem)
    recovery = session.extra.get(RECOVERY_KEY)
    if isinstance(recovery, dict) and recovery.get("file"):
        return None
    entry = summary(session, str(path), stamp)
    entry.draft = recovery is not None
    return entry


def summary(session: Session, path: str, stamp: Stamp) -> Entry:
    """The index's entry for ``session``, saved at ``path``."""
    seats = {s.id: s.label for s in session.seats}
    replies = [r for t in session.turns for r in t.replies]
    tokens = sum(
        (r.usage.prompt_tokens or 0) + (r.usage.completion_tokens or 0)
        for r in replies
        if r.usage is not None
    )
    costs = [r.cost_usd for r in replies if r.cost_usd is not None]
    return Entry(
        path=path,
        stamp=stamp,
        session_id=session.id,
        title=session.title or session.post.title,
        created_at=session.created_at.isoformat(),
        updated_at=session.updated_at.isoformat(),
        seats=[s.label for s in session.seats],
        models=sorted({s.model for s in session.seats}),
        tags=list(session.tags),
        turns=len(session.turns),
        tokens=tokens,
        cost_usd=sum(costs) if costs else None,
        first_prompt=next((t.text.strip()[:300] for t in session.turns if t.text.strip()), ""),
        starred=any(a.kind is AnnotationKind.STAR for a in session.annotations),
        has_post=bool(session.post.blocks or session.post.title),
        units=list(_units(session, seats)),
    )


def _units(session: Session, seats: dict[str, str]) -> Iterable[Unit]:
    def clean(text: str) -> str:  # the snippet's own marks cannot come from a file
        return text.replace(MARK_START, "").replace(MARK_END, "")

    for title in {session.title, session.post.title, session.post.subtitle} - {""}:
        yield Unit("title", clean(title))
    replies = {}
    for turn in session.turns:
        if turn.text.strip():
            yield Unit("prompt", clean(turn.text), turn.id)
        for reply in turn.replies:
            replies[reply.id] = turn.id
            seat = seats.get(reply.seat_id, "")
            if reply.text.strip():
                yield Unit("reply", clean(reply.text), turn.id, reply.id, seat)
            if reply.reasoning.strip():  # what it thought is found too, and said so
                thinking = f"{seat} (thinking)" if seat else "thinking"
                yield Unit("reasoning", clean(reply.reasoning), turn.id, reply.id, thinking)
    for note in session.annotations:
        if note.note.strip() and note.kind is AnnotationKind.COMMENT:
            turn_id = replies.get(note.target_id, "")
            reply_id = note.target_id if turn_id else ""
            yield Unit("comment", clean(note.note), turn_id, reply_id)
    for block in session.post.blocks:
        if isinstance(block, TextBlock) and block.markdown.strip():
            yield Unit("post", clean(block.markdown))
