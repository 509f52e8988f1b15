"""Benchmark: the window with 1, 3, 6 and 9 panes streaming long Markdown at once.

    python -m bench.ui_streaming [--panes 1 3 6 9] [--chars 20000] [--rate 200]
        [--answer markdown|long-line|open-fence] [--chunks N] [--annotated] [--autosave]
        [--thinking CHARS [--open-thoughts]] [--no-paint | --paint-only]

Each pane streams a 20,000-character Markdown answer at 200 chunks/s from the fake
provider server (a process of its own) through the provider worker. In the GUI
process a 5 ms timer measures event-loop lag (p50, p99, max); we also report the GUI
thread's CPU time and the GUI process's peak RSS. Then process start → first paint for
the real main window and for a bare PySide6 window with three QTextBrowsers. Every
measurement runs in a fresh process. With ``--autosave`` the window autosaves to a
recovery file every 2 s while it streams, as the app does. With ``--thinking`` each
seat first thinks that many characters (in as many chunks as its answer), as a
reasoning model streams its thought before it answers. Results go in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.core.records.model import Seat, Session

ROOT = Path(__file__).resolve().parent.parent
TIMER_MS = 5
PAINT_RUNS = 9


def _scratch_settings() -> str:
    """A throwaway settings file (never os.devnull: QSettings saves by replacing the
    file, which turned /dev/null into a regular file on this machine)."""
    return str(Path(tempfile.mkdtemp(prefix="roundtable-bench-")) / "settings.ini")


def markdown_answer(chars: int) -> str:
    """Long, varied Markdown: headings, emphasis, lists, a table, code, quotes."""
    parts: list[str] = []
    section = 0
    while sum(len(p) for p in parts) < chars:
        section += 1
        parts.append(
            f"## Part {section}: on **sandwiches** and *definitions*\n\n"
            "A hot dog has a single hinged bun, which some say disqualifies it; others point "
            "to the split-roll clause in the dictionary definition and the New York tax code. "
            "Both sides cite [sources](https://example.org) with great confidence.\n\n"
            "- structure: one bun, one filling\n- culture: nobody orders a sausage sandwich\n"
            "- law: it depends on the state\n\n"
            "| test | hot dog | sub |\n|---|---|---|\n"
            "| two slices | no | no |\n| filling | yes | yes |\n\n"
            "```python\ndef is_sandwich(food):\n    return food.bread >= 2 or food.hinged\n```\n\n"
            "> The cube rule would call it a taco.\n\n"
        )
    return "".join(parts)[:chars]


def long_line(chars: int) -> str:
    """One paragraph that never ends: no line break at all."""
    return ("lorem ipsum dolor sit amet " * (chars // 27 + 1))[:chars]


def open_fence(chars: int) -> str:
    """A code fence that is opened and never closed."""
    body = "def step(value):\n    return compute(value, 42)  # one more line\n" * (chars // 60 + 1)
    return ("Here is the code:\n\n```python\n" + body)[:chars]


ANSWERS = {"markdown": markdown_answer, "long-line": long_line, "open-fence": open_fence}


def annotated_history(seats: list[Seat], chars: int) -> Session:
    """A session with an earlier turn answered by every seat, each answer carrying
    highlights, a comment and a star: the marks a pane draws again when a reply ends."""
    from desktop.core.records.model import (
        Annotation,
        AnnotationKind,
        Reply,
        ReplyStatus,
        Session,
        Turn,
        TurnKind,
    )  # fmt: skip

    turn = Turn(TurnKind.PROMPT, "Earlier question", [s.id for s in seats])
    text = markdown_answer(chars)
    turn.replies = [Reply(s.id, status=ReplyStatus.COMPLETE, text=text) for s in seats]
    marks = []
    for reply in turn.replies:
        for start in range(0, len(text) - 40, len(text) // 10):
            words = text[start : start + 30]
            marks.append(Annotation(AnnotationKind.HIGHLIGHT, reply.id, start=start,
                                    end=start + 30, exact=words))  # fmt: skip
        marks.append(
            Annotation(AnnotationKind.COMMENT, reply.id, start=0, end=20, note="n", exact=text[:20])
        )
        marks.append(Annotation(AnnotationKind.STAR, reply.id))
    return Session(seats=seats, turns=[turn], annotations=marks)


def child_stream(
    panes: int,
    base: str,
    annotated: bool = False,
    autosave: bool = False,
    open_thoughts: bool = False,
) -> dict[str, float]:
    """In a fresh process: open the window with N panes (with an annotated earlier turn
    when ``annotated``, autosaving to a recovery file when ``autosave``, each pane's
    thought open as it streams when ``open_thoughts``), stream, measure."""
    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.core.records.model import Seat
    from desktop.core.session.document import SessionDocument
    from desktop.core.session.recovery import RecoveryStore
    from desktop.providers.worker_client import WorkerGateway
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.table.code_highlighter import warm_up_in_background
    from tests.waiting import eventually

    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = QSettings(_scratch_settings(), QSettings.Format.IniFormat)
    gateway = WorkerGateway()
    recovery = RecoveryStore(Path(tempfile.mkdtemp(prefix="rt-bench-"))) if autosave else None
    document = SessionDocument(gateway, recovery=recovery)
    window = MainWindow(document, settings)
    window.resize(1600, 1000)
    seats = [Seat(f"Seat {i + 1}", f"openai/bench-{i}", api_base=base) for i in range(panes)]
    if annotated:
        document.replace(annotated_history(seats, 20_000))
    else:
        document.new(seats)
    window.show()
    for pane in window.panes if open_thoughts else ():
        pane.thought.line.setChecked(True)  # the thought streams into the open panel
    warm_up_in_background()  # as the app does after its first paint
    loop.run_until_complete(gateway.wait_ready())

    lags: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        lags.append(max(0.0, (now - last) * 1000 - TIMER_MS))
        last = now

    timer = QTimer()
    timer.setInterval(TIMER_MS)
    timer.timeout.connect(tick)

    async def run() -> float:
        nonlocal last
        last = time.perf_counter()
        timer.start()
        cpu = time.thread_time()
        await document.send("Go")
        await eventually(lambda: document.idle, within=300, what="every pane to finish")
        timer.stop()
        return time.thread_time() - cpu

    started = time.perf_counter()
    cpu = loop.run_until_complete(run())
    wall = time.perf_counter() - started
    chars = [len(r.text) for r in document.session.turns[-1].replies]
    loop.run_until_complete(document.shutdown())
    loop.run_until_complete(gateway.aclose())
    loop.close()  # and its threads (autosave writes on qasync's QThreads)
    ordered = sorted(lags)
    return {
        "panes": panes,
        "wall_s": wall,
        "lag_p50_ms": statistics.median(ordered),
        "lag_p99_ms": ordered[int(len(ordered) * 0.99) - 1],
        "lag_max_ms": ordered[-1],
        "gui_cpu_s": cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "min_chars": min(chars),
    }


def child_first_paint(bare: bool, started: float) -> float:
    """Seconds from process start (``started``, CLOCK_MONOTONIC) to the first paint."""
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QMainWindow, QTextBrowser, QWidget

    app = QApplication(sys.argv[:1])
    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.monotonic())
                app.quit()
            return False

    if bare:
        window = QMainWindow()
        central = QWidget()
        layout = QHBoxLayout(central)
        for _ in range(3):
            layout.addWidget(QTextBrowser())
        window.setCentralWidget(central)
    else:
        from desktop.app import default_seats
        from desktop.core.session.document import SessionDocument
        from desktop.providers.worker_client import WorkerGateway
        from desktop.ui.shell.main_window import MainWindow

        document = SessionDocument(WorkerGateway())
        window = MainWindow(document, QSettings(_scratch_settings(), QSettings.Format.IniFormat))
        document.new(default_seats())
    watch = PaintWatch()
    window.installEventFilter(watch)
    window.show()
    app.exec()
    return painted[0] - started


def run_child(*args: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    # As installed: Python caches compiled modules. Some environments (this CI box) set
    # PYTHONDONTWRITEBYTECODE, which makes every start compile all of Roundtable's modules
    # (~0.1 s), a cost a bare PySide6 window does not have and a user never pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench.ui_streaming", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"child {args} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--panes", type=int, nargs="+", default=[1, 3, 6, 9])
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=200, help="chunks per second per pane")
    parser.add_argument("--answer", choices=sorted(ANSWERS), default="markdown")
    parser.add_argument("--chunks", type=int, help="chunks per answer (default: 20 chars each)")
    parser.add_argument(
        "--annotated", action="store_true", help="an earlier turn with marks on every answer"
    )
    parser.add_argument(
        "--autosave", action="store_true", help="autosave to a recovery file, as the app does"
    )
    parser.add_argument("--thinking", type=int, help="each seat thinks this many characters first")
    parser.add_argument(
        "--open-thoughts", action="store_true", help="with each pane's thought open as it streams"
    )
    parser.add_argument("--no-paint", action="store_true", help="skip the first-paint timing")
    parser.add_argument(
        "--paint-only", action="store_true", help="only the first-paint timing, no streaming"
    )
    parser.add_argument("--child-stream", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-paint", choices=["bare", "app"], help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_stream:
        measured = child_stream(
            args.child_stream, args.base, args.annotated, args.autosave, args.open_thoughts
        )
        print(json.dumps(measured))
        return
    if args.child_paint:
        print(child_first_paint(args.child_paint == "bare", args.started))
        return
    if not args.paint_only:
        stream(args)
    if not args.no_paint:
        first_paint()


def stream(args: argparse.Namespace) -> None:
    """Stream into 1–9 panes, each count in a fresh process, and print the table."""

    os.environ.setdefault("OPENAI_API_KEY", "bench-key")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    chunks = args.chunks or args.chars // 20
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.provider_server", "--answer", args.answer,
         "--chars", str(args.chars), "--chunks", str(chunks), "--delay", str(1 / args.rate),
         *(["--thinking", str(args.thinking)] if args.thinking else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        base = server.stdout.readline().strip() + "/v1"
        marks = ["--annotated"] if args.annotated else []
        marks += ["--autosave"] if args.autosave else []
        marks += ["--open-thoughts"] if args.open_thoughts else []
        rows = [
            json.loads(run_child("--child-stream", str(n), "--base", base, *marks))
            for n in args.panes
        ]
    finally:
        server.stdin.close()
        server.wait()
    print(
        f"{args.chars:,}-character {args.answer} answer per pane, "
        f"{chunks:,} chunks at {args.rate}/s\n"
    )
    print(
        "| panes | lag p50 ms | lag p99 ms | lag max ms | GUI-thread CPU s | peak RSS MB | wall s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        assert r["min_chars"] == args.chars, r
        print(
            f"| {r['panes']} | {r['lag_p50_ms']:.1f} | {r['lag_p99_ms']:.1f} | "
            f"{r['lag_max_ms']:.1f} | {r['gui_cpu_s']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{r['wall_s']:.1f} |"
        )


def first_paint() -> None:
    """Process start → first paint, the bare window's and the app's, alternated."""
    times: dict[str, list[float]] = {"bare": [], "app": []}
    for kind in times:  # one unmeasured start each, so compiled modules are cached
        run_child("--child-paint", kind, "--started", str(time.monotonic()))
    for _ in range(PAINT_RUNS):  # alternated, so a busy moment of the box hits both
        for kind, measured in times.items():
            started = str(time.monotonic())
            measured.append(float(run_child("--child-paint", kind, "--started", started)))
    paints = {kind: statistics.median(measured) for kind, measured in times.items()}
    print(
        f"\nProcess start → first paint (median of {PAINT_RUNS}, alternated): "
        f"bare PySide6 window {paints['bare']:.3f} s, "
        f"Roundtable {paints['app']:.3f} s ({paints['app'] / paints['bare']:.2f}×)"
    )


if __name__ == "__main__":
    main()
