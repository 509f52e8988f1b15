"""Votes cast through the document, and the scoreboard they add up to across a library:
wins, losses and ties from best-answer and pairwise votes, blind wins, peer-review
places, stars and reactions, and a strength only from enough votes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from desktop import cli
from desktop.core.library.scoreboard import JSON_KEYS, MIN_VOTES, tally
from desktop.core.records.changes import Change, VotesChanged
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Quote,
    Reply,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
)
from desktop.core.session.document import SessionDocument
from desktop.core.session.voting import Votes
from desktop.core.transcript import save_session
from desktop.core.verdicts.blinding import blind_names, revealed
from tests.fakes.scripted_gateway import ScriptedGateway

MODELS = ("anthropic/claude", "openai/gpt", "gemini/gemini")


def round_of(session: Session, blind: bool = False) -> Turn:
    """A finished turn in which every seat answered."""
    turn = Turn(TurnKind.PROMPT, "Q?", [s.id for s in session.seats], blind=blind)
    turn.replies = [
        Reply(s.id, status=ReplyStatus.COMPLETE, text=f"{s.label} says so.") for s in session.seats
    ]
    session.turns.append(turn)
    return turn


def table() -> Session:
    return Session(seats=[Seat(m.split("/")[1].title(), m) for m in MODELS])


def test_votes_are_cast_through_the_document_and_say_which_turn() -> None:
    session = table()
    turn = round_of(session, blind=True)
    document = SessionDocument(ScriptedGateway(), session)
    changes: list[Change] = []
    document.subscribe(changes.append)
    votes = Votes(document)
    assert not revealed(session, turn), "a blind turn hides who answered until a vote"
    claude, gpt, gemini = turn.replies
    votes.cast(votes.best(claude.id))
    assert revealed(session, turn)
    assert changes[-1] == VotesChanged(turn.id)
    assert document.dirty
    votes.cast(votes.pairwise(gpt.id, gemini.id, tie=True))
    assert [(v.target_id, v.versus, v.tie) for v in votes.of_turn(turn)] == [
        (claude.id, None, False),
        (gpt.id, gemini.id, True),
    ]
    with pytest.raises(ValueError, match="two seats' answers to the same turn"):
        votes.pairwise(gpt.id, gpt.id)
    index, taken = votes.remove(votes.of_turn(turn)[0].id)
    assert (index, taken.target_id) == (0, claude.id)
    votes.cast(taken, index)  # undone
    assert votes.of_turn(turn)[0] is taken
    names = blind_names(turn)
    assert sorted(names.values()) == ["Seat A", "Seat B", "Seat C"]
    assert blind_names(turn) == names, "the same names every time"


def test_the_board_adds_up_votes_peer_places_stars_and_reactions() -> None:
    session = table()
    claude_id, gpt_id, gemini_id = (s.id for s in session.seats)
    first = round_of(session, blind=True)
    second = round_of(session)
    session.annotations += [
        Annotation(AnnotationKind.VOTE, first.replies[0].id),  # Claude best: beats both
        Annotation(AnnotationKind.VOTE, second.replies[1].id, versus=second.replies[2].id),
        Annotation(
            AnnotationKind.VOTE, second.replies[0].id, versus=second.replies[2].id, tie=True
        ),
        Annotation(AnnotationKind.STAR, second.replies[2].id),
        Annotation(AnnotationKind.REACTION, gemini_id, note="🎤"),
    ]
    review = Turn(TurnKind.PEER_REVIEW, "Rank them", [claude_id, gpt_id, gemini_id],
                  anonymous=True)  # fmt: skip
    review.quotes = [Quote(claude_id, "r1", "Response A", "a"), Quote(gpt_id, "r2", "Response B", "b"),
                     Quote(gemini_id, "r3", "Response C", "c")]  # fmt: skip
    review.replies = [
        Reply(claude_id, status=ReplyStatus.COMPLETE, text="FINAL RANKING:\n1. Response C\n2. Response B"),
        Reply(gpt_id, status=ReplyStatus.COMPLETE, text="FINAL RANKING:\n1. Response C\n2. Response A"),
        Reply(gemini_id, status=ReplyStatus.COMPLETE, text="no ranking at all"),
    ]  # fmt: skip
    session.turns.append(review)
    board = {line.model: line for line in tally([session])}
    claude, gpt, gemini = (board[m] for m in MODELS)
    assert (claude.votes, claude.wins, claude.losses, claude.ties, claude.blind_wins) == (
        3,
        2,
        0,
        1,
        2,
    )
    assert (gpt.votes, gpt.wins, gpt.losses, gpt.ties) == (2, 1, 1, 0)
    assert (gemini.votes, gemini.wins, gemini.losses, gemini.ties) == (3, 0, 2, 1)
    assert (gemini.stars, gemini.reactions) == (1, 1)
    assert (gemini.peer_rank, gpt.peer_rank, claude.peer_rank) == (1, 2, 2), "tied, placed alike"
    assert all(line.strength is None for line in board.values()), f"under {MIN_VOTES} votes"
    assert list(claude.as_json()) == list(JSON_KEYS)


def test_enough_votes_give_strengths_and_tag_and_since_choose_sessions() -> None:
    older, newer = table(), table()
    older.created_at -= timedelta(days=30)
    newer.tags = ["news"]
    for session, winner in ((older, 2), (newer, 0)):
        for _ in range(6):
            turn = round_of(session)
            session.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[winner].id))
    board = tally([older, newer])
    assert all(line.strength is not None for line in board)
    tagged = tally([older, newer], tag="news")
    assert tagged[0].model == "anthropic/claude"
    assert tagged[0].low is not None
    assert tagged[0].low <= (tagged[0].strength or 0) <= (tagged[0].high or 0)
    recent = tally([older, newer], since=newer.created_at - timedelta(days=1))
    assert recent[0].model == "anthropic/claude"
    assert [line.wins for line in recent] == [12, 0, 0]


def test_roundtable_scoreboard_prints_fixed_keys_with_or_without_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    assert cli.main(["scoreboard", "--library", str(library), "--json"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["scoreboard", "--library", str(library)]) == 0
    assert "No votes yet" in capsys.readouterr().out
    session = table()
    for _ in range(MIN_VOTES):
        turn = round_of(session)
        session.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[1].id))
    save_session(session, library / "s.json")
    (library / "damaged.json").write_text("{not json", encoding="utf-8")
    assert cli.main(["scoreboard", "--library", str(library), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [tuple(row) for row in rows] == [JSON_KEYS] * 3
    assert rows[0]["model"] == "openai/gpt"
    assert rows[0]["wins"] == 10
    assert rows[0]["strength"] > 1000
    assert cli.main(["scoreboard", "--library", str(library)]) == 0
    text = capsys.readouterr().out
    assert "not enough votes" not in text.splitlines()[1]
    with pytest.raises(SystemExit) as usage:
        cli.main(["scoreboard", "--frobnicate"])
    assert usage.value.code == 2
    assert cli.main(["scoreboard", "--library", str(library), "--since", "last week"]) == 2


def test_a_seat_whose_answer_failed_is_not_beaten_and_verdicts_wait_for_a_blind_vote() -> None:
    from desktop.core.records.model import ErrorKind, ReplyError
    from desktop.core.session import verdict_turns

    session = table()
    turn = round_of(session)
    failed = turn.replies[2]
    failed.status, failed.text = ReplyStatus.ERROR, ""
    failed.error = ReplyError(ErrorKind.NETWORK, "cut")
    session.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[0].id))
    board = {line.model: line for line in tally([session])}
    assert (board["anthropic/claude"].wins, board["gemini/gemini"].losses) == (1, 0)
    round_of(session, blind=True)
    with pytest.raises(ValueError, match="vote on the blind round first"):
        verdict_turns.peer_review(session)
    with pytest.raises(ValueError, match="vote on the blind round first"):
        verdict_turns.chair(session, session.seats[0].id)
    many = Turn(TurnKind.PROMPT, "Q", [f"s{i}" for i in range(30)], blind=True)
    names = blind_names(many)
    assert len(set(names.values())) == 30
