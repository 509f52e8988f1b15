"""A pane shows an answer's web sources: numbered markers where the answer cites them
and a list under it whose addresses are written out; only an http(s) address is a
link, and a reply with thousands of sources lists a bounded number and says so."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QTextCursor, QTextDocument

from desktop.core.records.evidence import Citation, WebSource
from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind
from desktop.ui.table.pane import SeatPane
from desktop.ui.table.source_list import MAX_LISTED
from tests.fakes.provider_server import Cite, FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

CITES = (
    Cite("https://example.org/bodies", "Found: the bodies", "The bodies were found."),
    Cite("https://news.example.com/court", "Court rules", " A court ruled."),
)


def links_in(document: QTextDocument) -> list[str]:
    """Every link address the drawn document holds."""
    found = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                found.append(fmt.anchorHref())
            iterator += 1
        block = block.next()
    return found


def test_an_answer_with_sources_shows_markers_and_the_list_of_addresses(
    make_ui: Callable[..., UI], fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    fake.script("ui-b", Stream(text="This week: ", cites=CITES))
    ui.send("News?", [ui.document.session.seats[1].id])
    ui.settle()
    pane = ui.window.panes[1]
    text = pane.view.toPlainText()
    assert "The bodies were found.[1] A court ruled.[2]" in text
    assert "🔎 Sources (2 cited):" in text
    assert "[1] https://example.org/bodies — Found: the bodies" in text
    assert links_in(pane.view.document()) == [c.url for c in CITES]
    # A highlight across a marker is found in the answer's own text.
    pane.view.moveCursor(QTextCursor.MoveOperation.Start)
    assert pane.view.find("were found.[1] A court")
    selected = pane.selected_words()
    assert selected is not None
    reply = pane.reply
    assert reply is not None
    assert reply.text[selected.start : selected.end] == "were found. A court"


def hostile_session(sources: list[WebSource], text: str = "An answer.") -> tuple[Seat, Session]:
    seat = Seat("Searcher", "anthropic/claude-sonnet-4-5")
    reply = Reply(seat_id=seat.id, status=ReplyStatus.COMPLETE, text=text, sources=sources)
    turn = Turn(TurnKind.PROMPT, "News?", [seat.id], replies=[reply])
    return seat, Session(seats=[seat], turns=[turn])


def test_hostile_sources_are_text_never_links_and_never_markup(qtbot: object) -> None:
    sources = [
        WebSource("javascript:alert(1)", "<b>click</b>", [Citation(0, 2)]),
        WebSource("file:///etc/passwd", "passwords"),
        WebSource("https://evil.example/\u202egnp.exe", "Bidi \u202etxt.exe"),
        WebSource("https://ok.example/a b", "a space"),
        WebSource("roundtable://open?x", "a custom scheme"),
        WebSource("https://fine.example/", "fine", [Citation(10**9, 10**9 + 5)]),
    ]
    seat, session = hostile_session(sources)
    pane = SeatPane(seat)
    pane.rebuild(session)
    text = pane.view.toPlainText()
    assert links_in(pane.view.document()) == ["https://fine.example/"]
    assert "<b>click</b>" in text, "markup in a title stays text"
    assert "\u202e" not in text
    assert "[2] file:///etc/passwd — passwords (searched, not cited)" in text
    assert "An[1] answer.[6]" in text, "a marker past the end is put at the end"


def test_ten_thousand_sources_list_a_bounded_number_and_say_so(qtbot: object) -> None:
    sources = [
        WebSource(f"https://example.org/{i}", f"Page {i}", [Citation(0, 3)]) for i in range(10_000)
    ]
    seat, session = hostile_session(sources)
    pane = SeatPane(seat)
    pane.rebuild(session)
    text = pane.view.toPlainText()
    assert f"[{MAX_LISTED}] https://example.org/{MAX_LISTED - 1}" in text
    assert f"[{MAX_LISTED + 1}] " not in text.split("🔎")[1]
    assert f"… and {10_000 - MAX_LISTED:,} more, not listed here" in text
    assert len(text) < 40_000, "the markers are bounded too"
