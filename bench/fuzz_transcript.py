"""Fuzz the transcript loader: every input loads and then shows, renders and saves, or
raises TranscriptError. Anything else is a crash, and the input is kept.

    .venv/bin/python -m bench.fuzz_transcript [--inputs N] [--seed S] [--crashes DIR]
        [--against loader|import|markdown]

Inputs come two ways, half each:

- **mutation** of the saved fixtures (``tests/fixtures/transcripts/v1`` and the same
  sessions saved by this version): at the JSON level (a value swapped for another of
  any type, an id copied elsewhere, an item duplicated or dropped, a key added, a time
  made naive, nesting made deep) and at the byte level (bytes flipped, cut, repeated,
  spliced from another seed);
- **hypothesis**: JSON documents built from the transcript's own key names and hostile
  values, laid over a fixture at random places.

For an input that loads, "shows" is ``roundtable show``'s text, "renders" is every
seat's real pane (Qt, offscreen) drawing the session, and "saves" is writing the session
and reading it back to the same document.

``--against import`` takes each input as the OTHER file of ``roundtable post import``
into a fixture (the same sessions, so ids collide as in two copies of one session):
every seat of it is imported, and every outcome must be a clean refusal (the input, the
import or the save refused) or a session that loads again. ``--against markdown`` lays
generated Markdown (images, links, references, raw HTML, code, entities in every
arrangement) over a session's answers, prompt, commentary and names and exports the
post as Markdown: read back with markdown-it, as a blog editor would, the output may
hold no image, no raw HTML but its own anchors, and no link but http(s), mailto and
in-post anchors. The CI suite runs small seeded slices (``tests/ui/test_transcript_fuzz.py``);
the figures for full runs are in bench/README.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from desktop.core import transcript
from desktop.core.session.plaintext import render_session
from desktop.core.transcript import TranscriptError
from desktop.core.utils.visible_text import terminal_safe

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "transcripts" / "v1"

Json = Any
Check = Callable[[bytes], str]

# Values chosen for what breaks loaders: wrong types, edges of numbers and text, and
# text that is dangerous to show (bidi overrides, escapes, markup, lone surrogates).
HOSTILE_TEXT = [
    "",
    "a\u202efdp.exe",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "<img src=/dev/zero><a href='file:///etc/passwd'>x</a>",
    "![x](/dev/zero) [y](javascript:alert(1))",
    "```\n" + "unclosed " * 50,
    "\ud800",
    "\x00\x07\x7f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ 汉字 עברית",
    "x" * 5000,
    "2026-01-01T00:00:00",
    "2026-01-01T00:00:00+00:00",
    "not a time",
]
HOSTILE_VALUES: list[Json] = [
    None,
    True,
    False,
    0,
    -1,
    2**63,
    10**40,
    1.5,
    -0.0,
    1e308,
    [],
    {},
    [None],
    {"": None},
    *HOSTILE_TEXT,
]


DEEP = "fuzz-deep-nesting-"


def seeds() -> list[bytes]:
    """The fixtures, as saved by the version that wrote them and by this one."""
    found = [path.read_bytes() for path in sorted(FIXTURES.glob("*.json"))]
    return found + [transcript.dumps(transcript.loads(raw).session) for raw in found]


# -- the check --------------------------------------------------------------------------


def checker(render: Callable[[Any], None] | None) -> Check:
    """What is done with each input; ``render`` draws a loaded session (None: skip)."""

    def check(raw: bytes) -> str:
        try:
            loaded = transcript.loads(raw, "fuzz.json")
        except TranscriptError as exc:
            if "fuzz.json" not in str(exc):
                raise AssertionError(f"an error that does not name the file: {exc}") from None
            return "refused"
        session = loaded.session
        terminal_safe(render_session(session))
        saved = transcript.dumps(session)
        again = transcript.loads(saved, "again.json").session
        if transcript.dumps(again) != saved:
            raise AssertionError("saved and read back, the session is not the same")
        if render is not None:
            render(session)
        return "loaded"

    return check


def import_checker() -> Check:
    """Each input as the OTHER file of ``post import`` into each fixture in turn, as it
    is and with new seat and turn ids (a copy edited elsewhere: its answers and files
    keep the ids the fixture gives them)."""
    from desktop.core.post.importing import ImportRefused, add_imported, exchanges_of
    from desktop.core.records.model import Seat, Session

    # A session of its own ids (most imports go through), then the fixtures themselves
    # (the same ids as most inputs: two copies of one session, crafted files).
    bases = [Session(title="Mine", seats=[Seat("Mine", "m/x")])]
    bases += [transcript.loads(raw).session for raw in seeds()]

    def check(raw: bytes) -> str:
        try:
            other = transcript.loads(raw, "other.json").session
        except TranscriptError:
            return "refused"
        outcome = "refused"
        for variant in (other, _renewed(other)):
            for number, seat in enumerate(variant.seats[:3]):
                session = copy.deepcopy(bases[(number + len(raw)) % len(bases)])
                try:
                    add_imported(session, exchanges_of(variant, seat))
                    saved = transcript.dumps(session)
                except (ImportRefused, transcript.SessionUnsavable):
                    continue
                transcript.loads(saved, "imported.json")  # anything but loading is a crash
                outcome = "loaded"
        return outcome

    return check


def _renewed(session: Any) -> Any:
    """``session`` with new seat and turn ids, its replies and files keeping theirs."""
    from desktop.core.utils.stamps import new_id

    copied = copy.deepcopy(session)
    seats = {seat.id: new_id() for seat in copied.seats}
    for seat in copied.seats:
        seat.id = seats[seat.id]
    for turn in copied.turns:
        turn.id = new_id()
        turn.targets = [seats.get(t, t) for t in turn.targets]
        for reply in turn.replies:
            reply.seat_id = seats.get(reply.seat_id, reply.seat_id)
    return copied


_MARKUP_PIECES = [
    "![", "[", "]", "](", ")", "][", "]:", " ", "  ", "\n", "\n\n", "\n    ", "<", ">", "`", "```",
    "*", "_", "!", "\\", "&", "&#", ";", "\"", "'", "#", "> ", "- ", "1. ", "|", "(", "x",
    "https://evil.example/p.png", "http:", "javascript:alert(1)", "JaVaScRiPt:", "data:",
    "file:///etc/passwd", "/dev/zero", "mailto:a@b.c", "#anchor", "&#106;avascript:",
    "java\nscript:", "<img src=x>", "<a href=javascript:x>", "</a>", "<script>", "\u202e",
    "roundtable:reply/", "?start=0&end=3", "[p]: ", "[p]", "\t", "\r",
]  # fmt: skip
_markdownish = st.lists(st.sampled_from(_MARKUP_PIECES), max_size=40).map("".join)


def markdown_checker() -> Callable[[list[str]], str]:
    """Export a session whose every text is one of ``texts`` as Markdown; the output
    must read back with nothing that loads, links elsewhere or is HTML."""
    from desktop.core.post.markdown import render_markdown, unsafe_markup
    from desktop.core.post.plan import PostError, plan_post
    from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind
    from desktop.core.records.post_blocks import (
        AttributionBlock,
        Post,
        PostBlock,
        PostItem,
        SectionBlock,
        TextBlock,
    )

    def check(texts: list[str]) -> str:
        answer, prompt, commentary, name = (texts * 4)[:4]
        seat = Seat(name, "m/x")
        turn = Turn(TurnKind.PROMPT, prompt, [seat.id])
        turn.replies = [Reply(seat.id, status=ReplyStatus.COMPLETE, text=answer)]
        items = [PostItem(turn.id), PostItem(turn.id, prompt=name)]
        blocks: list[PostBlock] = [
            TextBlock(commentary),
            AttributionBlock(),
            SectionBlock(seat.id, items=items),
        ]
        session = Session(title=name, seats=[seat], turns=[turn], post=Post(name, name, blocks))
        try:
            plan = plan_post(session)
        except PostError:
            return "refused"
        markdown = render_markdown(plan)  # its own check raises PostError: a crash here
        problems = unsafe_markup(markdown)
        if problems:
            raise AssertionError(f"the Markdown export carries {problems}")
        return "loaded"

    return check


def fuzz_markdown(inputs: int, seed: int, crashes: Path | None = None) -> Outcome:
    """``inputs`` generated Markdown texts through the export (see the module's doc)."""
    check = markdown_checker()
    outcome = Outcome()

    @hypothesis.seed(seed)
    @settings(max_examples=inputs, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.lists(_markdownish | st.sampled_from(HOSTILE_TEXT), min_size=1, max_size=4))
    def one(texts: list[str]) -> None:
        _record(outcome, crashes, lambda: check(texts), json.dumps(texts).encode())

    one()
    return outcome


def pane_renderer() -> Callable[[Any], None]:
    """Draw a session the way the window does: one real pane per seat (offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.core.session.totals import session_totals
    from desktop.ui.table.pane import SeatPane

    app = QApplication.instance() or QApplication([])

    def render(session: Any) -> None:
        session_totals(session)
        for seat in session.seats:
            pane = SeatPane(seat)
            pane.rebuild(session)
            pane.deleteLater()
        app.processEvents()

    return render


# -- mutation ---------------------------------------------------------------------------


def _places(data: Json, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, (*path, index))


def _at(data: Json, path: tuple[Any, ...]) -> Json:
    for step in path:
        data = data[step]
    return data


def _strings(data: Json) -> list[str]:
    return [v for p in _places(data) if isinstance(v := _at(data, p), str)]


def mutate_json(rng: random.Random, data: Json) -> Json:
    """One to four structural changes to a parsed transcript."""
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 4)):
        places = [p for p in _places(data) if p]
        if not places:
            break
        path = rng.choice(places)
        parent, key = _at(data, path[:-1]), path[-1]
        how = rng.randrange(8)
        if how == 0:
            parent[key] = rng.choice(HOSTILE_VALUES)
        elif how == 1:  # an id or name from elsewhere: duplicates and dangling references
            parent[key] = rng.choice(_strings(data) or ["x"])
        elif how == 2:
            del parent[key]
        elif how == 3 and isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
        elif how == 4 and isinstance(parent, dict):
            parent[rng.choice(["extra", "id", "kind", "version", "blobs", key])] = rng.choice(
                HOSTILE_VALUES
            )
        elif how == 5:
            parent[key] = f"{DEEP}{rng.choice([10, 100, 1000, 100_000])}"
        elif how == 6 and isinstance(parent[key], str) and parent[key]:
            text = parent[key]
            cut = rng.randrange(len(text))
            parent[key] = text[:cut] + rng.choice(HOSTILE_TEXT) + text[cut:]
        else:  # a value of the same key moved to another place of the same key
            same = [p for p in places if p[-1] == key and p != path]
            if same:
                parent[key] = copy.deepcopy(_at(data, rng.choice(same)))
    return data


def _deepened(text: str) -> str:
    # Nesting too deep for json.dumps to write is put in the text in place of a marker.
    return re.sub(f'"{DEEP}(\\d+)"', lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)


def mutate_bytes(rng: random.Random, raw: bytes, others: list[bytes]) -> bytes:
    """One to eight byte-level changes."""
    buf = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        how = rng.randrange(6)
        if how == 0:
            buf[at] = rng.randrange(256)
        elif how == 1:
            del buf[at : at + rng.randint(1, 64)]
        elif how == 2:
            piece = buf[at : at + rng.randint(1, 64)]
            buf[at:at] = piece * rng.randint(1, 20)
        elif how == 3:
            buf[at:at] = rng.choice([b"{", b"[", b'"', b"\\", b"\\u", b"\xff", b"\xed\xa0\x80"])
        elif how == 4:
            del buf[at:]
        else:
            other = rng.choice(others)
            start = rng.randrange(len(other))
            buf[at : at + rng.randint(0, 200)] = other[start : start + rng.randint(1, 400)]
    return bytes(buf)


def mutations(rng: random.Random, count: int) -> Iterator[bytes]:
    """``count`` mutated fixtures."""
    raws = seeds()
    parsed = [json.loads(raw) for raw in raws]
    for _ in range(count):
        if rng.random() < 0.6:
            data = mutate_json(rng, rng.choice(parsed))
            text = json.dumps(data, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1]))
            yield _deepened(text).encode("utf-8", "surrogatepass")
        else:
            yield mutate_bytes(rng, rng.choice(raws), raws)


# -- hypothesis -------------------------------------------------------------------------

_KEYS = sorted(
    {k for raw in seeds() for p in _places(json.loads(raw)) for k in p[-1:] if isinstance(k, str)}
)
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(HOSTILE_TEXT),
)
_values = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)


def run_hypothesis(count: int, seed: int, run_one: Callable[[bytes], None]) -> None:
    """``count`` hypothesis-built documents laid over the fixtures."""
    parsed = [json.loads(raw) for raw in seeds()]

    @hypothesis.seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # a crash is kept as it is; no time spent shrinking it
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.integers(0, len(parsed) - 1),
        st.lists(st.tuples(st.integers(0, 2**20), _values), min_size=1, max_size=3),
    )
    def one(which: int, edits: list[tuple[int, Json]]) -> None:
        document = copy.deepcopy(parsed[which])
        for where, value in edits:
            places = [p for p in _places(document) if p]
            path = places[where % len(places)]
            _at(document, path[:-1])[path[-1]] = value
        raw = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
        run_one(raw)

    one()


# -- the run ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """How many inputs loaded, were refused and crashed; each crash's traceback."""

    counts: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)


def _record(outcome: Outcome, crashes: Path | None, run: Callable[[], str], raw: bytes) -> None:
    """Count what ``run`` gives; a crash, with ``raw`` (its input) kept in ``crashes``."""
    try:
        outcome.counts[run()] += 1
    except Exception:  # every other exception is what this looks for
        outcome.counts["crashed"] += 1
        outcome.crashes.append(traceback.format_exc())
        if crashes is not None:
            crashes.mkdir(parents=True, exist_ok=True)
            name = crashes / f"crash-{len(outcome.crashes):04d}"
            name.with_suffix(".json").write_bytes(raw)
            name.with_suffix(".txt").write_text(outcome.crashes[-1], encoding="utf-8")


def fuzz(inputs: int, seed: int, check: Check, crashes: Path | None = None) -> Outcome:
    """Run ``inputs`` inputs (half mutations, half hypothesis); a crash's input is kept
    in ``crashes`` with its traceback."""
    outcome = Outcome()

    def run_one(raw: bytes) -> None:
        _record(outcome, crashes, lambda: check(raw), raw)

    mutated = inputs // 2
    for raw in mutations(random.Random(seed), mutated):
        run_one(raw)
    run_hypothesis(inputs - mutated, seed, run_one)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--no-render", action="store_true", help="skip drawing the panes")
    parser.add_argument("--against", choices=["loader", "import", "markdown"], default="loader")
    args = parser.parse_args()
    began = time.monotonic()
    if args.against == "markdown":
        counts = fuzz_markdown(args.inputs, args.seed, args.crashes).counts
        done = "exported, with nothing unsafe in the Markdown"
        refused = "refused as a broken post"
    else:
        if args.against == "import":
            check, done = import_checker(), "imported, saved and loaded again"
            refused = "refused cleanly (the file, the import or the save)"
        else:
            check = checker(None if args.no_render else pane_renderer())
            done = "loaded, shown, rendered and saved"
            refused = "refused with a TranscriptError"
        counts = fuzz(args.inputs, args.seed, check, args.crashes).counts
    seconds = time.monotonic() - began
    total = counts.total()
    print(
        f"{total:,} inputs in {seconds:.0f} s ({total / seconds:,.0f}/s): "
        f"{counts['loaded']:,} {done}; {counts['refused']:,} {refused}; "
        f"{counts['crashed']:,} crashed"
        + (f" (inputs and tracebacks in {args.crashes})" if counts["crashed"] else "")
    )
    return 1 if counts["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
