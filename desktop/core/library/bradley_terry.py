"""Strengths from pairwise outcomes, by the Bradley-Terry model, with intervals.

Each model i has a strength p_i; it beats j with probability p_i / (p_i + p_j). The
strengths that make the outcomes most likely are found by Hunter's MM algorithm (2004),
a tie counting half a win to each side; a small prior (one virtual tie of every model
with a virtual average one) keeps a model that never lost finite. Strengths are told on
the Elo-like scale LMArena uses (1000 + 400·log10 p, the mean at 1000), with a 95 %
interval from a seeded bootstrap over the outcomes, so the same votes always give the
same board. Pure Python: a handful of models and hundreds of votes need no numeric
library (the tests check it against ``choix``, whose NumPy and SciPy would add some
216 MB, installed, to the bundle).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SCALE = 400 / math.log(10)
BASE = 1000.0
PRIOR = 1.0  # virtual ties with an average model, per model
ROUNDS = 200  # bootstrap resamples
_VIRTUAL = "\0average"


@dataclass(frozen=True)
class Outcome:
    """One comparison: ``first`` beat ``second``, or they tied."""

    first: str
    second: str
    tie: bool = False


@dataclass(frozen=True)
class Strength:
    """A model's strength and the 95 % interval around it, on the Elo-like scale."""

    strength: float
    low: float
    high: float


def strengths(outcomes: Sequence[Outcome], prior: float = PRIOR) -> dict[str, float]:
    """Each model's strength on the Elo-like scale (mean 1000); empty without outcomes."""
    theta = _log_strengths(outcomes, prior)
    return {name: BASE + SCALE * value for name, value in theta.items()}


def with_intervals(
    outcomes: Sequence[Outcome], prior: float = PRIOR, rounds: int = ROUNDS, seed: int = 7
) -> dict[str, Strength]:
    """Strengths with a 95 % bootstrap interval (the outcomes resampled ``rounds`` times
    with a fixed seed)."""
    point = strengths(outcomes, prior)
    if not point:
        return {}
    draws: dict[str, list[float]] = {name: [] for name in point}
    rng = random.Random(seed)
    for _ in range(rounds):
        sample = [outcomes[rng.randrange(len(outcomes))] for _ in outcomes]
        resampled = strengths(sample, prior)
        for name in point:
            draws[name].append(resampled.get(name, BASE))
    return {
        name: Strength(point[name], _quantile(draws[name], 0.025), _quantile(draws[name], 0.975))
        for name in point
    }


def _log_strengths(outcomes: Sequence[Outcome], prior: float) -> dict[str, float]:
    names = sorted({o.first for o in outcomes} | {o.second for o in outcomes})
    if not names:
        return {}
    games = list(_games(outcomes))
    if prior > 0:
        games += [(name, _VIRTUAL, 0.5 * prior) for name in names]
        games += [(_VIRTUAL, name, 0.5 * prior) for name in names]
        names.append(_VIRTUAL)
    wins = dict.fromkeys(names, 0.0)
    pairs: dict[tuple[str, str], float] = {}
    for winner, loser, weight in games:
        wins[winner] += weight
        key = (winner, loser) if winner < loser else (loser, winner)
        pairs[key] = pairs.get(key, 0.0) + weight
    p = dict.fromkeys(names, 1.0)
    for _ in range(10_000):
        denominators = dict.fromkeys(names, 0.0)
        for (a, b), count in pairs.items():
            share = count / (p[a] + p[b])
            denominators[a] += share
            denominators[b] += share
        new = {n: (wins[n] / denominators[n] if denominators[n] else p[n]) for n in names}
        new = {n: max(value, 1e-12) for n, value in new.items()}
        mean_log = sum(math.log(v) for v in new.values()) / len(new)
        new = {n: v / math.exp(mean_log) for n, v in new.items()}
        change = max(abs(math.log(new[n]) - math.log(p[n])) for n in names)
        p = new
        if change < 1e-10:
            break
    real = [n for n in names if n != _VIRTUAL]
    mean = sum(math.log(p[n]) for n in real) / len(real)
    return {n: math.log(p[n]) - mean for n in real}


def _games(outcomes: Iterable[Outcome]) -> Iterable[tuple[str, str, float]]:
    for outcome in outcomes:
        if outcome.tie:
            yield outcome.first, outcome.second, 0.5
            yield outcome.second, outcome.first, 0.5
        else:
            yield outcome.first, outcome.second, 1.0


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    low, high = math.floor(at), math.ceil(at)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)
