"""Benchmark: the library at 1,000 sessions against ``grep -rl`` over the same files.

    python -m bench.library [--sessions 1000] [--seed 7] [--folder DIR]

Generates realistic sessions (three to six seats, three to ten turns, answers of a few
hundred to several thousand characters of varied prose, comments, some posts, one in
eight with an attached file, a few damaged), about 60 MB, in a scratch folder. Then:
the cold index build; the update after one save (one file rewritten, ``saved``); search
p50/p99 for common words, rare words, phrases and prefixes, each query also run as
``grep -rl`` (fixed string, case-insensitive) over the same files in the same run; and
the peak RSS of this process. Then, in a fresh process, the window: the library window
opened on the same folder with no index yet (cold), the event loop's lag (a 5 ms timer)
while it indexes, and the window's peak RSS with the library listed and searched.
Results go in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.core.library.folder import Library
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    Reply,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
)
from desktop.core.records.post_blocks import Post, TextBlock
from desktop.core.transcript import dumps

ROOT = Path(__file__).resolve().parent.parent

COMMON = [
    "the",
    "model",
    "answer",
    "question",
    "argument",
    "people",
    "think",
    "because",
    "would",
    "really",
    "about",
    "change",
    "research",
    "paper",
    "company",
    "system",
    "data",
    "training",
    "team",
    "open",
    "source",
    "question",
    "point",
    "case",
    "evidence",
    "claim",
    "reason",
    "view",
    "better",
    "different",
    "important",
    "problem",
    "approach",
]
FILLER = [
    "and",
    "of",
    "to",
    "in",
    "is",
    "that",
    "it",
    "for",
    "as",
    "with",
    "on",
    "be",
    "this",
    "are",
    "was",
    "by",
    "not",
    "or",
    "from",
    "at",
    "an",
    "have",
    "but",
    "they",
    "which",
    "can",
    "more",
    "one",
    "all",
    "their",
    "has",
    "been",
    "its",
    "also",
    "than",
    "other",
    "so",
    "some",
    "what",
]
RARE = [f"zyq{n:04d}" for n in range(400)]  # words a few sessions hold, a dozen times in all
LABELS = ["Claude Opus 4.5", "GPT-5.1", "Gemini 3 Pro", "Grok 4", "Mistral Large", "DeepSeek V3"]


def prose(rng: random.Random, words: int) -> str:
    """Paragraphs of plausible word frequencies, with some Markdown."""
    out: list[str] = []
    for index in range(words):
        roll = rng.random()
        if roll < 0.6:
            word = rng.choice(FILLER)
        elif roll < 0.997:
            word = rng.choice(COMMON)
        else:
            word = rng.choice(RARE)
        if rng.random() < 0.02:
            word = f"**{word}**"
        out.append(word)
        if index % 90 == 89:
            out.append("\n\n")
    return " ".join(out)


def session(rng: random.Random, number: int) -> Session:
    seats = [
        Seat(label, f"openai/m{i}") for i, label in enumerate(rng.sample(LABELS, rng.randint(3, 6)))
    ]
    turns = []
    for _ in range(rng.randint(3, 10)):
        turn = Turn(TurnKind.PROMPT, prose(rng, rng.randint(15, 80)), [s.id for s in seats])
        turn.replies = [
            Reply(s.id, status=ReplyStatus.COMPLETE, text=prose(rng, rng.randint(50, 450)))
            for s in seats
        ]
        turns.append(turn)
    result = Session(title=f"Session {number}: {prose(rng, 5)}", seats=seats, turns=turns)
    reply = turns[0].replies[0]
    result.annotations = [
        Annotation(AnnotationKind.COMMENT, reply.id, start=0, end=10, note=prose(rng, 12))
    ]
    if rng.random() < 0.3:
        result.post = Post(title=result.title, blocks=[TextBlock(prose(rng, 120))])
    if rng.random() < 0.125:
        data = rng.randbytes(rng.randint(20_000, 100_000))
        import hashlib

        result.attachments = [
            Attachment("figure.png", "image/png", data, hashlib.sha256(data).hexdigest())
        ]
        turns[0].attachment_ids = [result.attachments[0].id]
    return result


def generate(folder: Path, count: int, seed: int) -> int:
    """Write ``count`` sessions (a few damaged) under ``folder``; their total bytes."""
    rng = random.Random(seed)
    total = 0
    for number in range(count):
        path = folder / f"{2026 - number % 3}" / f"session-{number:04d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = dumps(session(rng, number))
        if number % 250 == 17:  # damaged: cut off mid-file
            data = data[: len(data) // 2]
        path.write_bytes(data)
        total += len(data)
    return total


def timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folder", type=Path, help="keep the generated sessions here")
    parser.add_argument("--child-window", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_window:
        child_window(args.child_window)
        return
    scratch = Path(tempfile.mkdtemp(prefix="roundtable-library-"))
    folder = args.folder or scratch / "Sessions"
    try:
        size = generate(folder, args.sessions, args.seed)
        print(f"{args.sessions} sessions, {size / 1e6:.1f} MB in {folder}")
        library = Library(folder, scratch / "index.sqlite3")
        cold = timed(library.refresh)
        print(f"cold index build: {cold:.2f} s")
        files = sorted(folder.rglob("*.json"))
        rng = random.Random(args.seed + 1)
        updates = []
        for path in rng.sample(files, 20):
            raw = path.read_bytes()
            path.write_bytes(raw.replace(b'"title": "Session', b'"title": "Saved session', 1))
            updates.append(timed(lambda p=path: library.saved(p)))
        print(f"update after one save: p50 {statistics.median(updates) * 1000:.1f} ms, "
              f"max {max(updates) * 1000:.1f} ms")  # fmt: skip
        queries = {
            "common word": COMMON[:25],
            "rare word": RARE[:25],
            "phrase": [f'"{a} {b}"' for a, b in zip(COMMON[:25], FILLER[:25], strict=True)],
            "prefix": [f"{word[:4]}*" for word in COMMON[:25]],
        }
        print("\nWarm (files and index in the page cache):\n")
        print("| query | search p50 ms | search p99 ms | grep -rl p50 ms | grep / search p99 |")
        print("|---|---:|---:|---:|---:|")
        for kind, batch in queries.items():
            searched = [timed(lambda q=q: library.index.search(q, 50)) for q in batch * 4]
            grepped = [timed(lambda q=q: _grep(q, folder)) for q in batch[:8]]
            p50, p99 = statistics.median(searched) * 1000, percentile(searched, 0.99) * 1000
            grep50 = statistics.median(grepped) * 1000
            print(f"| {kind} | {p50:.1f} | {p99:.1f} | {grep50:.0f} | {grep50 / p99:.1f}× |")
        if _drop_caches():
            print("\nCold (the page cache dropped before each query; root only):\n")
            print("| query | search p50 ms | grep -rl p50 ms | grep / search |")
            print("|---|---:|---:|---:|")
            for kind, batch in queries.items():
                searched = [_cold(lambda q=q: library.index.search(q, 50)) for q in batch[:6]]
                grepped = [_cold(lambda q=q: _grep(q, folder)) for q in batch[:6]]
                s50, g50 = statistics.median(searched) * 1000, statistics.median(grepped) * 1000
                print(f"| {kind} | {s50:.0f} | {g50:.0f} | {g50 / s50:.0f}× |")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of this process: {peak:.0f} MB")
        library.close()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(scratch / "cache"))
        window = subprocess.run(
            [sys.executable, "-m", "bench.library", "--child-window", str(folder)],
            env=env, capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        print(window.stdout.strip() or window.stderr[-2000:])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def child_window(folder: Path) -> None:
    """In a fresh process: the window with the library open on ``folder``, cold."""
    import asyncio

    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.core.session.document import SessionDocument
    from desktop.providers.worker_client import WorkerGateway
    from desktop.ui.shell.main_window import MainWindow

    app = QApplication([])
    lags: list[float] = []

    async def run() -> None:
        document = SessionDocument(WorkerGateway())
        settings = QSettings(str(folder.parent / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(document, settings, provider_ready=False)
        window.library.use_folder(folder, remember=False)
        window.show()
        last = time.perf_counter()

        def tick() -> None:
            nonlocal last
            now = time.perf_counter()
            lags.append(max(0.0, now - last - 0.005))
            last = now

        timer = QTimer(interval=5)
        timer.timeout.connect(tick)
        timer.start()
        started = time.perf_counter()
        window.library.show()
        library = window.library.window
        assert library is not None
        # Polled as a user sees it: the list on screen (the window has no "done" signal).
        while library.list.count() < 990:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        took, listed = time.perf_counter() - started, library.list.count()
        timer.stop()
        library.query.setText("evidence")
        while "result" not in library.status.text():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"window, library opened cold on {listed} sessions: listed after "
            f"{took:.2f} s; event-loop lag meanwhile p99 "
            f"{percentile(lags, 0.99) * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms; "
            f"peak RSS with the library listed and searched {peak:.0f} MB"
        )
        window.dispose()

    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(run())
    app.quit()


def _drop_caches() -> bool:
    """Empty the kernel's page cache (root only); False when not allowed."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def _cold(call: object) -> float:
    _drop_caches()
    return timed(call)


def _grep(query: str, folder: Path) -> None:
    words = query.strip('"').rstrip("*")
    subprocess.run(["grep", "-rliF", "--", words, str(folder)], capture_output=True, check=False)


if __name__ == "__main__":
    main()
