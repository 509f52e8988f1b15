"""System-prompt presets for seats: a few ready ways to make an assistant answer,
which the user can edit as ``Name: text`` lines (kept in the app's settings)."""

from __future__ import annotations

DEFAULTS = (
    ("Be blunt", "Be blunt. Say what you think is wrong, plainly, without softening it."),
    (
        "Steelman the other side",
        "Argue the strongest version of the view opposite to the user's, fairly and well.",
    ),
    (
        "Answer as a sceptical editor",
        "Answer as a sceptical newspaper editor: question every claim, ask for evidence, "
        "and cut anything vague.",
    ),
)
MAX_PRESETS = 30


def parse(text: str) -> list[tuple[str, str]]:
    """Presets from ``Name: text`` lines (others are skipped)."""
    presets = []
    for line in text.splitlines():
        name, colon, prompt = line.partition(":")
        if colon and name.strip() and prompt.strip():
            presets.append((name.strip()[:60], prompt.strip()))
    return presets[:MAX_PRESETS]


def render(presets: list[tuple[str, str]]) -> str:
    """Presets as the editable ``Name: text`` lines."""
    return "\n".join(f"{name}: {prompt}" for name, prompt in presets)
