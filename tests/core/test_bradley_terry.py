"""Bradley-Terry strengths checked against an independent implementation (``choix``,
in the dev lock only), and the intervals and edge cases the scoreboard leans on."""

from __future__ import annotations

import math
import random

import choix
import pytest

from desktop.core.library.bradley_terry import SCALE, Outcome, strengths, with_intervals


def simulated(seed: int, games: int = 400) -> tuple[list[str], list[Outcome]]:
    """Outcomes of four models of known strengths, every pair played."""
    rng = random.Random(seed)
    truth = {"claude": 2.0, "gemini": 1.2, "gpt": 1.0, "grok": 0.4}
    names = sorted(truth)
    outcomes = []
    for _ in range(games):
        a, b = rng.sample(names, 2)
        first_wins = rng.random() < truth[a] / (truth[a] + truth[b])
        outcomes.append(Outcome(a, b) if first_wins else Outcome(b, a))
    return names, outcomes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_strengths_match_choix_on_the_same_outcomes(seed: int) -> None:
    names, outcomes = simulated(seed)
    index = {name: i for i, name in enumerate(names)}
    data = [(index[o.first], index[o.second]) for o in outcomes]
    theirs = choix.mm_pairwise(len(names), data, alpha=0.0, max_iter=100_000, tol=1e-12)
    theirs = theirs - theirs.mean()  # log-strengths, centred
    ours = strengths(outcomes, prior=0.0)
    for name in names:
        assert (ours[name] - 1000) / SCALE == pytest.approx(theirs[index[name]], abs=1e-5)


def test_the_order_follows_the_true_strengths_and_intervals_hold_the_point() -> None:
    _, outcomes = simulated(4, games=800)
    board = with_intervals(outcomes, rounds=60)
    order = sorted(board, key=lambda n: -board[n].strength)
    assert order == ["claude", "gemini", "gpt", "grok"]
    for strength in board.values():
        assert strength.low <= strength.strength <= strength.high
    assert with_intervals(outcomes, rounds=60) == board, "the same votes, the same board"


def test_a_model_that_never_lost_stays_finite_and_ties_count_half() -> None:
    perfect = strengths([Outcome("a", "b")] * 5)
    assert all(math.isfinite(v) for v in perfect.values())
    assert perfect["a"] > perfect["b"]
    even = strengths([Outcome("a", "b", tie=True)] * 4)
    assert even["a"] == pytest.approx(even["b"])
    assert strengths([]) == {}
    assert with_intervals([]) == {}
