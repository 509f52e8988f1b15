"""The peer-review ranking reader: well-formed, sloppy and hostile rankings; a ranking
it cannot read says why and is never guessed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.verdicts.rankings import RANKING_MARK, borda, read_ranking

ABC = {"A", "B", "C"}


@pytest.mark.parametrize(
    ("answer", "order"),
    [
        ("Both fine.\n\nFINAL RANKING:\n1. Response C\n2. Response A\n3. Response B", "CAB"),
        ("**FINAL RANKING:**\n\n1) **Response B** — the sharpest\n2) Response c\n3) Response A", "BCA"),
        ("final ranking: C > A > B", "CAB"),
        ("FINAL RANKING:\n- Response A (best)\n- Response B\n- Response C (weakest)\n\nThanks!", "ABC"),
        ("FINAL RANKING:\n1. B\n2. A\n3. C", "BAC"),
        ("I said FINAL RANKING: Response A first earlier, but no.\n"
         "FINAL RANKING:\nResponse B\nResponse C\nResponse A", "BCA"),
        ("FINAL RANKING: Response A, Response C, Response B", "ACB"),
    ],
)  # fmt: skip
def test_well_formed_and_sloppy_rankings_are_read(answer: str, order: str) -> None:
    assert read_ranking(answer, ABC).order == tuple(order)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("I rank C first, then A.", "no “FINAL RANKING:” line"),
        ("FINAL RANKING:\nThey were all good.", "the ranking names no response"),
        ("FINAL RANKING:\n1. Response C\n2. Response A", "the ranking leaves out Response B"),
        ("FINAL RANKING:\n1. Response C\n2. Response C\n3. Response A", "names Response C twice"),
        ("FINAL RANKING:\n1. Response D\n2. Response A\n3. Response B", "Response D, which it was not given"),
    ],
)  # fmt: skip
def test_a_ranking_it_cannot_read_says_why(answer: str, problem: str) -> None:
    read = read_ranking(answer, ABC)
    assert read.order is None
    assert read.problem is not None
    assert problem in read.problem


@pytest.mark.parametrize(
    ("answer", "order", "problem"),
    [
        # Prose that names a response before the list is not its first entry.
        ("FINAL RANKING:\nResponse C was weakest, so:\n1. Response A\n2. Response B\n3. Response C",
         "ABC", None),
        ("FINAL RANKING:\n3. Response A\n1. Response B\n2. Response C", "BCA", None),
        ("FINAL RANKING:\n1. Response B (stronger than Response C)\n2. Response A\n3. Response C",
         None, "names two responses"),
        ("FINAL RANKING:\nResponse A = Response B > Response C", None, "a tie"),
        ("FINAL RANKING:\n1. Response A\n1. Response B\n2. Response C", None, "numbers"),
        ("## Final Ranking\nI'd put Response B above Response A and Response C.", None,
         "names no response"),
    ],
)  # fmt: skip
def test_a_ranking_is_read_by_its_entries_and_numbers_never_by_prose(
    answer: str, order: str | None, problem: str | None
) -> None:
    read = read_ranking(answer, ABC)
    assert read.order == (tuple(order) if order else None)
    if problem is not None:
        assert read.problem is not None
        assert problem in read.problem


def test_a_seat_ranks_only_the_others_and_its_own_letter_is_not_taken() -> None:
    assert read_ranking("FINAL RANKING:\n1. Response C\n2. Response A", {"A", "C"}).order == (
        "C",
        "A",
    )
    own = read_ranking("FINAL RANKING:\nResponse B\nResponse A\nResponse C", {"A", "C"})
    assert own.order is None


def test_a_hostile_answer_is_read_quickly_and_only_at_its_end() -> None:
    answer = "FINAL RANKING:\n" + "Response A > " * 200_000 + "\n" + "x" * 5_000_000
    assert read_ranking(answer, ABC).order is None
    late = "padding " * 500_000 + "\nFINAL RANKING:\n" + "\n" * 10_000 + "1. Response A"
    assert read_ranking(late, ABC).order is None, "past what is read"


@settings(max_examples=300, deadline=None)
@given(st.text(), st.permutations(["A", "B", "C"]), st.text())
def test_fuzzed_prose_around_a_ranking_never_reads_a_wrong_one(
    before: str, order: list[str], noise: str
) -> None:
    written = "\n".join(f"{n}. Response {letter}" for n, letter in enumerate(order, 1))
    read = read_ranking(f"{before}\n{RANKING_MARK}\n{written}\n\n{noise}", ABC)
    # Prose after the ranking may itself hold a mark: then that is the ranking read,
    # and it is either read whole and right, or refused; never a wrong one.
    if read.order is not None:
        assert set(read.order) == ABC
        assert len(read.order) == 3
    if "ranking" not in noise.lower() and "ranking" not in before.lower():
        assert read.order == tuple(order)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fuzzed_answers_never_crash_and_never_rank_wrongly(answer: str) -> None:
    read = read_ranking(answer, ABC)
    assert (read.order is None) != (read.problem is None)
    if read.order is not None:
        assert sorted(read.order) == ["A", "B", "C"]


def test_borda_counts_each_ranking_from_the_top() -> None:
    # Three seats, each ranking the other two.
    assert borda([("B", "C"), ("C", "A"), ("A", "B")]) == {"A": 0.5, "B": 0.5, "C": 0.5}
    assert borda([("B", "C"), ("B", "A"), ("A", "B")]) == {"B": 0.67, "A": 0.5, "C": 0.0}
    # Four answers, one ranking unread: D, second in every ranking it is in, stays
    # behind A, first in both of its.
    read: list[tuple[str, ...]] = [("A", "D", "B"), ("A", "D", "C"), ("B", "D", "C")]
    assert list(borda(read))[:2] == ["A", "B"]
    assert borda(read)["D"] == 1.0
