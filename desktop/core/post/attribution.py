"""The post's attribution line, made from the seats of its sections as she writes it."""

from __future__ import annotations

import re

from desktop.core.records.model import Seat

_VERSIONED = re.compile(r"^(?P<family>.*?\D)(?P<version>\d+(?:\.\d+)*)(?P<rest>.*)$")


def attribution_line(seats: list[Seat]) -> str:
    """ "[This post was drafted with assistance from A & B, C, and D.]": the seats' labels
    in order of appearance, versions of one family grouped ("Claude Sonnet 4 & 4.5")."""
    groups: dict[tuple[str, str], list[str]] = {}
    for label in dict.fromkeys(seat.label.strip() for seat in seats):
        match = _VERSIONED.match(label)
        family, version, rest = match.groups() if match else (label, "", "")
        groups.setdefault((family, rest), [])
        if version and version not in groups[(family, rest)]:
            groups[(family, rest)].append(version)
    names = [
        f"{family}{' & '.join(sorted(versions, key=_numbers))}{rest}"
        for (family, rest), versions in groups.items()
    ]
    if not names:
        return ""
    if len(names) > 2:
        names = [", ".join(names[:-1]) + ",", names[-1]]  # "A, B, and C", as she writes
    return f"[This post was drafted with assistance from {' and '.join(names)}.]"


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))
