"""The commands fed hostile files, paths and bytes: a clear message and an exit status,
never a traceback, a half-written or unopenable session, or text the terminal obeys.

Run in this process (``desktop.cli.main``) with captured output: what is tested is what
each command prints and writes, not how Python starts.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import transcript
from desktop.core.post.export import rendered_files
from desktop.core.post.plan import Exchange, PostError, Section, plan_post
from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "invoice\u202egpj.exe" reads "invoiceexe.jpg"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def debate(title: str, answer: str = "It is doomed.") -> Session:
    seats = [Seat("Claude", "anthropic/m"), Seat("Gemini", "gemini/m")]
    turn = Turn(TurnKind.PROMPT, "Doomed?", [s.id for s in seats])
    turn.replies = [Reply(s.id, status=ReplyStatus.COMPLETE, text=answer) for s in seats]
    return Session(title=title, seats=seats, turns=[turn])


def test_post_import_of_a_copy_reusing_reply_ids_refuses_and_leaves_the_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = debate("Mine")
    path, other_path = tmp_path / "s.json", tmp_path / "other.json"
    transcript.save_session(mine, path)
    # A crafted file: new seat and turn ids, but this session's reply ids.
    other = copy.deepcopy(mine)
    for seat, twin in zip(other.seats, debate("x").seats, strict=True):
        for turn in other.turns:
            turn.targets = [twin.id if t == seat.id else t for t in turn.targets]
            for reply in turn.replies:
                reply.seat_id = twin.id if reply.seat_id == seat.id else reply.seat_id
        seat.id = twin.id
    other.turns[0].id = "a-new-turn"
    transcript.save_session(other, other_path)
    before = path.read_bytes()
    status, out, err = run(capsys, "post", "import", str(path), str(other_path), "--seat", "Claude")
    assert status == 2, out
    assert "already uses" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before, "nothing written"
    transcript.load_session(path)


def test_export_to_a_folder_or_an_unwritable_place_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    transcript.save_session(debate("Folder"), path)
    status, _, err = run(capsys, "export", str(path), "--to", "html", "-o", str(tmp_path))
    assert (status, "Traceback" in err) == (2, False)
    assert "is a folder" in err
    a_file = tmp_path / "a-file.png"
    a_file.write_bytes(b"mine")
    # Under a file, not a folder: unwritable for root too.
    status, _, err = run(capsys, "export", str(path), "--to", "markdown", "-o", f"{a_file}/p.md")
    assert (status, "Traceback" in err) == (2, False)
    assert str(a_file) in err
    status, _, err = run(capsys, "export", str(path), "--to", "cards", "-o", str(a_file))
    assert (status, a_file.read_bytes()) == (2, b"mine")
    assert "cards go in a folder" in err


def test_every_command_shows_direction_overrides_and_undecodable_bytes_as_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    title = f"invoice{OVERRIDE}gpj.exe"
    transcript.save_session(
        debate(title, f"See invoice{OVERRIDE}gpj.exe \x9b2J"), library / "s.json"
    )
    (library / "broken.json").write_text(f"{{{OVERRIDE}", encoding="utf-8")
    outputs = [
        run(capsys, "show", str(library / "s.json")),
        run(capsys, "list", "--library", str(library)),
        run(capsys, "list", "--library", str(library), "--json"),
        run(capsys, "search", "invoice", "--library", str(library)),
        run(capsys, "search", "invoice", "--library", str(library), "--json"),
        run(capsys, "show", str(tmp_path / f"gone{OVERRIDE}.json")),
    ]
    for _status, out, err in outputs:
        for text in (out, err):
            assert OVERRIDE not in text
            assert "\x9b" not in text
            assert "\x1b" not in text
    assert "invoice\ufffdgpj.exe" in outputs[0][1]
    assert "\\u202e" in outputs[2][1], "JSON keeps the character, escaped"
    # A query of bytes that are not UTF-8 (as a shell passes them) is refused, not a crash.
    status, _, err = run(capsys, "search", "x\udcff", "--library", str(library))
    assert status == 2
    assert "not UTF-8" in err
    assert "Traceback" not in err


def no_cards(section: Section, exchange: Exchange, with_prompt: bool) -> list[bytes]:
    raise AssertionError("no card is drawn for a refused export")


def test_the_windows_export_gets_every_refusal_as_the_post_error_it_reports(
    tmp_path: Path,
) -> None:
    """Export… in the window reports PostError and OSError; cards onto a file was a
    private error of the CLI's, and the window said nothing."""
    a_file = tmp_path / "post.png"
    a_file.write_bytes(b"mine")
    with pytest.raises(PostError, match="cards go in a folder"):
        rendered_files(plan_post(debate("Cards")), "cards", a_file, no_cards)
    with pytest.raises(PostError, match="is a folder"):
        rendered_files(plan_post(debate("Page")), "html", tmp_path, no_cards)


def test_show_prints_hostile_sources_and_a_huge_thought_as_plain_marked_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.core.records.evidence import Citation, WebSource

    session = debate("Sources")
    reply = session.turns[0].replies[0]
    reply.reasoning = "a thought \x1b[31mred\x1b[0m " * 250_000  # 5 MB, with escapes
    reply.sources = [
        WebSource("javascript:alert(1)", f"<script>x</script> \x1b]8;;http://evil\x07{OVERRIDE}"),
        *(
            WebSource(f"https://example.org/{i}", f"Page {i}", [Citation(0, 2)])
            for i in range(10_000)
        ),
    ]
    path = tmp_path / "s.json"
    transcript.save_session(session, path)
    status, out, _ = run(capsys, "show", str(path))
    assert status == 0
    assert "\x1b" not in out, "no escape reaches the terminal"
    assert OVERRIDE not in out
    assert "[1] <script>x</script>" in out
    assert "[10001] Page 9999 — https://example.org/9999" in out
    assert "It[2][3][4][5][6][+9,995] is doomed." in out
    assert "💭 Thinking (750,000 words):" in out
