"""Lineup TOML: seats parsed, mistakes named by seat and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.session.lineup import LineupError, load_lineup, parse_lineup

GOOD = """
[[seat]]
label = "Claude"
model = "anthropic/claude-sonnet-4-5"
system_prompt = "Be blunt."
temperature = 1
web_search = true
search_context_size = "low"

[[seat]]
label = "Local"
model = "openai/llama"
api_base = "http://127.0.0.1:8080/v1"
api_key_env = "LOCAL_KEY"
max_tokens = 800
reasoning_effort = "high"
"""


def test_a_good_lineup_gives_seats() -> None:
    claude, local = parse_lineup(GOOD)
    assert (claude.label, claude.model, claude.temperature, claude.system_prompt) == (
        "Claude",
        "anthropic/claude-sonnet-4-5",
        1.0,
        "Be blunt.",
    )
    assert (local.api_base, local.api_key_env, local.max_tokens) == (
        "http://127.0.0.1:8080/v1",
        "LOCAL_KEY",
        800,
    )
    assert (claude.reasoning_effort, local.reasoning_effort) == (None, "high")
    assert (claude.web_search, claude.search_context) == (True, "low")
    assert (local.web_search, local.search_context) == (False, None)
    assert claude.id != local.id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no seats"),
        ("[[seat]]\nlabel = 'A'\n", "seat 1 (A): 'model' is required"),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\n[[seat]]\nlabel='B'\nmodel='m'\ntemperature='hot'\n",
            "seat 2 (B): 'temperature' must be a number from 0 to 2, not 'hot'",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\ntemperature=3.5\n",
            "seat 1 (A): 'temperature' must be a number from 0 to 2",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\nreasoning_effort='max'\n",
            """seat 1 (A): 'reasoning_effort' must be "low", "medium" or "high", not 'max'""",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\nsearch_context_size='all'\n",
            """seat 1 (A): 'search_context_size' must be "low", "medium" or "high", not 'all'""",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\nweb_search='yes'\n",
            "seat 1 (A): 'web_search' must be true or false",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\nmax_tokens=0\n",
            "seat 1 (A): 'max_tokens' must be a whole number above 0",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\ntemprature=1\n",
            "seat 1 (A): unknown field 'temprature'",
        ),
        (
            "[[seat]]\nlabel='A'\nmodel='m'\n[[seat]]\nlabel='A'\nmodel='n'\n",
            "two seats are labelled 'A'",
        ),
        ("[[seat]\nlabel='A'", "not valid TOML"),
        ("[seats]\nx=1\n", "unknown section 'seats'"),
    ],
)
def test_mistakes_name_the_seat_and_field(text: str, message: str) -> None:
    with pytest.raises(LineupError) as caught:
        parse_lineup(text, "team.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("team.toml")


def test_an_unreadable_file_is_a_lineup_error(tmp_path: Path) -> None:
    with pytest.raises(LineupError, match="cannot read the lineup"):
        load_lineup(tmp_path / "missing.toml")


def test_vision_and_pdf_overrides() -> None:
    local, cloud = parse_lineup(
        "[[seat]]\nlabel='Local'\nmodel='openai/llava'\nvision=true\npdf=false\n"
        "[[seat]]\nlabel='Cloud'\nmodel='openai/gpt-4o'\n"
    )
    assert (local.vision, local.pdf) == (True, False)
    assert (cloud.vision, cloud.pdf) == (None, None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("vision = 1", "'vision' must be true or false, not 1"),
        ("pdf = 'yes'", "'pdf' must be true or false, not 'yes'"),
        ("max_tokens = true", "'max_tokens' must be a whole number above 0, not True"),
    ],
)
def test_overrides_must_be_true_or_false(line: str, message: str) -> None:
    with pytest.raises(LineupError, match=message):
        parse_lineup(f"[[seat]]\nlabel='A'\nmodel='m'\n{line}\n")
