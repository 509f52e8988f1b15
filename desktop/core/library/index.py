"""The library's index: one SQLite file (FTS5) of what every saved session holds.

The transcript files are the truth; this is a cache of them, rebuilt when it is missing,
foreign or of an older layout, and brought up to date file by file (see ``library``).
It runs in WAL mode and writes each file's rows in one ``BEGIN IMMEDIATE`` transaction,
so several Roundtable instances (and ``roundtable search``) can read and write it at
once without corrupting it or seeing a file half-indexed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# PRAGMA user_version of an index this code wrote; another is made again from the files
# (2: replies' thinking is indexed too).
LAYOUT = 2
BUSY_MS = 10_000  # how long a writer waits for another instance's transaction
MARK_START, MARK_END = "\ue000", "\ue001"  # around matched words in a snippet
SNIPPET_TOKENS = 14
RANKED = 2000  # matches ranked at most (see search)

_SCHEMA = """
CREATE TABLE sessions (
    key INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    damaged TEXT,
    draft INTEGER NOT NULL DEFAULT 0,
    session_id TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT '',
    seats TEXT NOT NULL DEFAULT '[]',
    models TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    turns INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL,
    first_prompt TEXT NOT NULL DEFAULT '',
    starred INTEGER NOT NULL DEFAULT 0,
    has_post INTEGER NOT NULL DEFAULT 0
);
CREATE VIRTUAL TABLE texts USING fts5(
    text,
    session UNINDEXED, kind UNINDEXED, turn_id UNINDEXED, reply_id UNINDEXED,
    seat UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""


class QueryError(ValueError):
    """A search FTS5 cannot run; ``str()`` says why, for the user."""


@dataclass(frozen=True)
class Stamp:
    """What tells whether a file changed since it was indexed."""

    mtime_ns: int
    size: int
    sha256: str


@dataclass(frozen=True)
class Unit:
    """One searchable text of a session: a prompt, a reply, a comment, commentary."""

    kind: str  # "title", "prompt", "reply", "reasoning", "comment", "post"
    text: str
    turn_id: str = ""
    reply_id: str = ""
    seat: str = ""  # the seat's label, for results


@dataclass
class Entry:
    """One file as the index keeps it; ``damaged`` is the reason it could not be read."""

    path: str
    stamp: Stamp
    damaged: str | None = None
    draft: bool = False
    session_id: str = ""
    title: str = ""
    created_at: str = ""
    updated_at: str = ""
    seats: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    turns: int = 0
    tokens: int = 0
    cost_usd: float | None = None
    first_prompt: str = ""
    starred: bool = False
    has_post: bool = False
    units: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """A search result: where the words are, and them in context."""

    path: str
    session_id: str
    title: str
    kind: str
    turn_id: str
    reply_id: str
    seat: str
    snippet: str  # matched words between MARK_START and MARK_END


_LISTED = (
    "path, damaged, draft, session_id, title, created_at, updated_at, seats, models, tags, "
    "turns, tokens, cost_usd, first_prompt, starred, has_post, mtime_ns, size, sha256"
)


class LibraryIndex:
    """The index file, opened (and made or remade when it must be)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _keep_private(path)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:  # not an index, or a damaged one: it is only a cache
            for stale in (
                path,
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                stale.unlink(missing_ok=True)
            _keep_private(path)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            with self._writing(db):
                (layout,) = db.execute("PRAGMA user_version").fetchone()
                if layout != LAYOUT:  # another layout, or new: made again from the files
                    db.execute("DROP TABLE IF EXISTS texts")
                    db.execute("DROP TABLE IF EXISTS sessions")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA user_version = {LAYOUT}")
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    @contextmanager
    def _writing(db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    # -- what is indexed -----------------------------------------------------------------

    def stamps(self) -> dict[str, Stamp]:
        """Every indexed file's stamp, by path."""
        rows = self._db.execute("SELECT path, mtime_ns, size, sha256 FROM sessions")
        return {path: Stamp(mtime, size, digest) for path, mtime, size, digest in rows}

    def put(self, entry: Entry) -> None:
        """Index ``entry`` in place of whatever was indexed for its path."""
        db = self._db
        with self._writing(db):
            self._delete(entry.path)
            cursor = db.execute(
                "INSERT INTO sessions (path, mtime_ns, size, sha256, damaged, draft, "
                "session_id, title, created_at, updated_at, seats, models, tags, turns, "
                "tokens, cost_usd, first_prompt, starred, has_post) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.path, entry.stamp.mtime_ns, entry.stamp.size, entry.stamp.sha256,
                    entry.damaged, entry.draft, entry.session_id, entry.title,
                    entry.created_at, entry.updated_at, json.dumps(entry.seats),
                    json.dumps(entry.models), json.dumps(entry.tags), entry.turns,
                    entry.tokens, entry.cost_usd, entry.first_prompt, entry.starred,
                    entry.has_post,
                ),
            )  # fmt: skip
            key = cursor.lastrowid
            db.executemany(
                "INSERT INTO texts (text, session, kind, turn_id, reply_id, seat) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                ((u.text, key, u.kind, u.turn_id, u.reply_id, u.seat) for u in entry.units),
            )

    def restamp(self, path: str, stamp: Stamp) -> None:
        """The file at ``path`` was touched but holds the same bytes."""
        with self._writing(self._db):
            self._db.execute(
                "UPDATE sessions SET mtime_ns = ?, size = ? WHERE path = ?",
                (stamp.mtime_ns, stamp.size, path),
            )

    def forget(self, paths: Iterable[str]) -> None:
        """Take files that are gone out of the index."""
        with self._writing(self._db):
            for path in paths:
                self._delete(path)

    def _delete(self, path: str) -> None:
        row = self._db.execute("SELECT key FROM sessions WHERE path = ?", (path,)).fetchone()
        if row is not None:
            self._db.execute("DELETE FROM texts WHERE session = ?", (row[0],))
            self._db.execute("DELETE FROM sessions WHERE key = ?", (row[0],))

    # -- reading -------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every indexed file, newest first (without its texts)."""
        rows = self._db.execute(
            f"SELECT {_LISTED} FROM sessions ORDER BY updated_at DESC, path"
        ).fetchall()
        return [_entry(row) for row in rows]

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """The texts matching ``query`` (FTS5 syntax), best first; QueryError when FTS5
        rejects it, or that holds no text (bytes of another encoding given as argv).

        Ranking every match of a word most texts hold (bm25 over tens of thousands of
        rows) costs tens of ms and says little; so a query matching more than
        ``RANKED`` texts ranks the ``RANKED`` most recently indexed of them (the
        sessions saved last)."""
        if any("\ud800" <= c <= "\udfff" for c in query):
            raise QueryError("The search holds bytes that are not UTF-8 text; type it again.")
        try:
            floor = self._db.execute(
                "SELECT rowid FROM texts WHERE texts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (query, RANKED - 1),
            ).fetchone()
            rows = self._db.execute(
                "SELECT s.path, s.session_id, s.title, t.kind, t.turn_id, t.reply_id, t.seat, "
                f"snippet(texts, 0, ?, ?, '…', {SNIPPET_TOKENS}) "
                "FROM texts AS t JOIN sessions AS s ON s.key = t.session "
                "WHERE texts MATCH ? AND t.rowid >= ? ORDER BY rank LIMIT ?",
                (MARK_START, MARK_END, query, floor[0] if floor else 0, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            problem = f"The search {query!r} is not one the index understands ({exc})."
            raise QueryError(problem) from None
        return [Hit(*row) for row in rows]


def _keep_private(path: Path) -> None:
    """Make the index's folder and file (and SQLite's -wal and -shm beside it) the
    user's alone before SQLite opens it: it holds every prompt, answer and comment of
    the library, as the files do (0600), and SQLite makes -wal and -shm with the
    permissions of the index file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)  # made earlier by a release that left it 0755
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for made in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if made.exists():
            made.chmod(0o600)


def _entry(row: tuple[object, ...]) -> Entry:
    (path, damaged, draft, session_id, title, created, updated, seats, models, tags, turns,
     tokens, cost, first, starred, has_post, mtime, size, digest) = row  # fmt: skip
    return Entry(
        path=str(path),
        stamp=Stamp(int(str(mtime)), int(str(size)), str(digest)),
        damaged=None if damaged is None else str(damaged),
        draft=bool(draft),
        session_id=str(session_id),
        title=str(title),
        created_at=str(created),
        updated_at=str(updated),
        seats=json.loads(str(seats)),
        models=json.loads(str(models)),
        tags=json.loads(str(tags)),
        turns=int(str(turns)),
        tokens=int(str(tokens)),
        cost_usd=None if cost is None else float(str(cost)),
        first_prompt=str(first),
        starred=bool(starred),
        has_post=bool(has_post),
    )
