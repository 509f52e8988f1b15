"""The library: sessions indexed from their files (built, updated on save, rebuilt,
damaged and foreign files listed with why), searched with FTS5, safe with several
writers at once; and ``roundtable list`` / ``search`` with every exit code."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.core.library.folder import Library
from desktop.core.library.index import MARK_END, MARK_START, QueryError
from desktop.core.records.model import Annotation, AnnotationKind, Session
from desktop.core.transcript import dumps
from tests.core.test_post import session_of


def saved(folder: Path, name: str, session: Session) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps(session))
    return path


def debate(title: str, answer: str, *labels: str) -> Session:
    session = session_of(*(labels or ("Claude", "Gemini")))
    session.title = title
    for reply in session.turns[0].replies[1:]:
        reply.text = "Nothing to add."
    session.turns[0].replies[0].text = answer
    return session


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "Sessions"
    saved(folder, "meta.json", debate("Meta's truce", "A beautiful vision, probably doomed."))
    saved(folder, "2026/sandwich.json", debate("Sandwich", "A hot dog is a taco, structurally."))
    comment = debate("Kumbaya", "Racing is dangerous, says the lab behind.")
    reply = comment.turns[0].replies[0]
    comment.annotations = [
        Annotation(AnnotationKind.COMMENT, reply.id, start=0, end=6, note="cynical but fair")
    ]
    saved(folder, "kumbaya.json", comment)
    (folder / "broken.json").write_text('{"format": "roundtable.session", "version": 2, "se')
    (folder / "package.json").write_text('{"name": "not-a-session"}')
    (folder / ".hidden.json").write_text("{}")
    (folder / "notes.txt").write_text("not json at all")
    return folder


def test_a_cold_build_lists_sessions_and_damaged_files_with_why(
    folder: Path, tmp_path: Path
) -> None:
    library = Library(folder, tmp_path / "index.sqlite3")
    done = library.refresh()
    assert (done.indexed, done.damaged, done.forgotten) == (5, 2, 0)
    entries = {Path(e.path).name: e for e in library.index.entries()}
    assert set(entries) == {
        "meta.json",
        "sandwich.json",
        "kumbaya.json",
        "broken.json",
        "package.json",
    }
    assert entries["broken.json"].damaged is not None
    assert "not valid JSON" in entries["broken.json"].damaged
    assert "not a Roundtable transcript" in str(entries["package.json"].damaged)
    meta = entries["meta.json"]
    assert (meta.title, meta.seats, meta.turns, meta.damaged) == (
        "Meta's truce",
        ["Claude", "Gemini"],
        1,
        None,
    )
    again = library.refresh()
    assert (again.indexed, again.unchanged) == (0, 5)


def test_search_finds_words_phrases_prefixes_and_comments_with_snippets(
    folder: Path, tmp_path: Path
) -> None:
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    [hit] = library.index.search("doomed")
    assert hit.title == "Meta's truce"
    assert hit.seat == "Claude"
    assert hit.reply_id
    assert f"{MARK_START}doomed{MARK_END}" in hit.snippet
    assert [h.title for h in library.index.search('"hot dog"')] == ["Sandwich"]
    assert [h.title for h in library.index.search("structur*")] == ["Sandwich"]
    assert {h.title for h in library.index.search("taco OR truce")} == {"Sandwich", "Meta's truce"}
    [comment] = library.index.search("cynical")
    assert (comment.kind, comment.title) == ("comment", "Kumbaya")
    assert comment.reply_id, "a comment leads to the reply it is on"
    assert library.index.search("nowhere") == []
    for bad in ('"unclosed', "AND", "a:b", "(("):
        with pytest.raises(QueryError, match="not one the index understands"):
            library.index.search(bad)


def test_the_best_match_comes_first(tmp_path: Path) -> None:
    folder = tmp_path / "Sessions"
    saved(folder, "once.json", debate("Once", "Truce talk, and then a long aside " * 30))
    saved(folder, "often.json", debate("Often", "Truce. Truce again: truce, truce."))
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    assert [h.title for h in library.index.search("truce")][:2] == ["Often", "Once"]


def test_a_save_updates_the_index_and_a_touch_does_not_reindex(
    folder: Path, tmp_path: Path
) -> None:
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    changed = debate("Meta's truce", "On reflection: a truce nobody signs.")
    path = saved(folder, "meta.json", changed)
    library.saved(path)
    assert library.index.search("doomed") == []
    assert [h.title for h in library.index.search("reflection")] == ["Meta's truce"]
    os.utime(path, ns=(1, 1))  # the same bytes with another time
    assert library.refresh().unchanged == 5


def test_a_session_saved_elsewhere_is_registered(folder: Path, tmp_path: Path) -> None:
    library = Library(folder, tmp_path / "index.sqlite3")
    outside = saved(tmp_path / "Desktop", "draft.json", debate("Elsewhere", "Lone words."))
    library.saved(outside)
    assert [h.path for h in library.index.search("lone")] == [str(outside)]
    reopened = Library(folder, tmp_path / "index.sqlite3")
    reopened.refresh()
    assert str(outside) in {e.path for e in reopened.index.entries()}


def test_deleted_files_and_a_deleted_or_damaged_index(folder: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite3"
    library = Library(folder, index)
    library.refresh()
    (folder / "meta.json").unlink()
    assert library.refresh().forgotten == 1
    assert library.index.search("doomed") == []
    library.close()
    index.unlink()
    rebuilt = Library(folder, index)
    assert rebuilt.refresh().indexed == 4
    rebuilt.close()
    index.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        index.with_name(index.name + suffix).unlink(missing_ok=True)
    again = Library(folder, index)
    assert again.refresh().indexed == 4
    assert [h.title for h in again.index.search("taco")] == ["Sandwich"]


def test_text_from_a_file_cannot_forge_the_snippets_marks(tmp_path: Path) -> None:
    folder = tmp_path / "Sessions"
    forged = f"plain {MARK_START}fake match{MARK_END} words and the real needle"
    saved(folder, "forged.json", debate("Forged", forged))
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    [hit] = library.index.search("needle")
    assert hit.snippet.count(MARK_START) == 1
    assert f"{MARK_START}needle{MARK_END}" in hit.snippet


WRITER = """
import sys
from pathlib import Path
from desktop.core.library.folder import Library
library = Library(Path(sys.argv[1]), Path(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    library.refresh()
    for path in sorted(Path(sys.argv[1]).glob("w*.json")):
        library.saved(path)
library.close()
"""


def test_several_instances_writing_at_once_leave_a_sound_index(tmp_path: Path) -> None:
    folder = tmp_path / "Sessions"
    for number in range(12):
        saved(folder, f"w{number}.json", debate(f"Session {number}", f"answer number{number}"))
    index = tmp_path / "index.sqlite3"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(index), "4"])
        for _ in range(3)
    ]
    library = Library(folder, index)
    for _ in range(4):
        library.refresh()
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    assert len(library.index.entries()) == 12
    assert len(library.index.search("number7")) == 1
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM texts WHERE kind = 'reply'").fetchone() == (24,)


# -- the CLI ----------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_roundtable_list_prints_sessions_and_json(
    folder: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["list", "--library", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Meta's truce" in out
    assert "broken.json  damaged:" in out
    assert cli_main(["list", "--library", str(folder), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) == {
        "path",
        "session_id",
        "title",
        "updated_at",
        "seats",
        "turns",
        "damaged",
    }
    assert sum(row["damaged"] is not None for row in rows) == 2


def test_roundtable_search_exit_codes_and_json(
    folder: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["search", "doomed", "--library", str(folder), "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(row) == {"path", "session_id", "title", "turn_id", "reply_id", "seat", "snippet"}
    assert row["seat"] == "Claude"
    assert "[doomed]" in row["snippet"]
    assert cli_main(["search", "doomed", "--library", str(folder)]) == 0
    assert "[doomed]" in capsys.readouterr().out
    assert cli_main(["search", "nowhere", "--library", str(folder)]) == 0
    assert capsys.readouterr().out == ""
    assert cli_main(["search", '"unclosed', "--library", str(folder)]) == 2
    assert "not one the index understands" in capsys.readouterr().err
    assert cli_main(["search", "doomed", "--limit", "0", "--library", str(folder)]) == 2
    with pytest.raises(SystemExit) as usage:
        cli_main(["search", "--library", str(folder)])
    assert usage.value.code == 2
    assert cli_main(["list", "--library", str(folder / "nowhere")]) == 0, "an empty library"


def test_typed_tags_are_cleaned_up() -> None:
    from desktop.core.session.tagging import MAX_LENGTH, MAX_TAGS, parse_tags

    assert parse_tags(" policy, Work ,POLICY,\n news   room ,,") == ["policy", "Work", "news room"]
    assert parse_tags("") == []
    assert len(parse_tags(",".join(f"t{n}" for n in range(50)))) == MAX_TAGS
    assert parse_tags("x" * 500) == ["x" * MAX_LENGTH]


def test_fifos_devices_huge_files_and_odd_names_are_listed_as_damaged_unread(
    folder: Path, tmp_path: Path
) -> None:
    """Each would hang the library's thread for ever (a FIFO) or fill the memory
    (/dev/zero, a sparse file of gigabytes) if it were read."""
    os.mkfifo(folder / "fifo.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    with open(folder / "big.json", "wb") as out:
        out.truncate(6 * 1024**3)  # sparse: no disk used
    (folder / ".registered").write_text("/dev/zero\n", encoding="utf-8")
    odd = os.fsencode(folder) + b"/caf\xe9.json"  # a Latin-1 name, not UTF-8
    with open(odd, "wb") as out:
        out.write(dumps(debate("Odd", "x")))
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    damaged = {Path(e.path).name: e.damaged for e in library.index.entries() if e.damaged}
    assert "pipe" in str(damaged["fifo.json"])
    assert "device" in str(damaged["zero.json"])
    assert "device" in str(damaged["zero"])
    assert "too large" in str(damaged["big.json"])
    assert "not UTF-8" in str(damaged["caf\ufffd.json"])
    assert len(library.index.search("beautiful")) == 1, "the rest is listed as before"


def test_closing_the_library_never_waits_for_its_thread(tmp_path: Path) -> None:
    """The window closes, or changes folder, while the thread reads a slow disk."""
    import asyncio
    import threading

    from desktop.core.library.worker import LibraryWorker

    worker = LibraryWorker(tmp_path / "Sessions", tmp_path / "index.sqlite3")
    reading = threading.Event()
    disk = threading.Event()

    def slow_disk(library: Library) -> None:
        reading.set()
        disk.wait()

    async def go() -> None:
        busy = asyncio.ensure_future(worker._call(slow_disk))
        await asyncio.to_thread(reading.wait)
        closer = threading.Thread(target=worker.close)
        closer.start()
        closer.join(timeout=10)
        closed_at_once = not closer.is_alive()
        disk.set()
        await busy
        assert closed_at_once, "close() waited for the library's thread"

    asyncio.run(go())


def test_the_index_is_the_users_alone(folder: Path, tmp_path: Path) -> None:
    """It holds the full text of every session, as the files do (0600)."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)  # as a release before this one left it
    index = cache / "library-x.sqlite3"
    library = Library(folder, index)
    library.refresh()
    made = [index, index.with_name(index.name + "-wal"), index.with_name(index.name + "-shm")]
    assert all(p.exists() for p in made)
    assert {oct(p.stat().st_mode & 0o777) for p in made} == {"0o600"}
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    library.close()
    index.chmod(0o644)
    Library(folder, index).close()
    assert oct(index.stat().st_mode & 0o777) == "0o600", "an older index is made private too"


def test_what_a_seat_thought_is_found_and_said_to_be_its_thinking(tmp_path: Path) -> None:
    folder = tmp_path / "Sessions"
    session = debate("Thinker", "A sandwich.")
    session.turns[0].replies[0].reasoning = "Weighing the hinge against the cube rule."
    saved(folder, "thinker.json", session)
    library = Library(folder, tmp_path / "index.sqlite3")
    library.refresh()
    [hit] = library.index.search("hinge")
    assert (hit.kind, hit.seat) == ("reasoning", "Claude (thinking)")
    assert hit.reply_id == session.turns[0].replies[0].id
