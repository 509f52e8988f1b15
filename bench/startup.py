"""Benchmark: launch → first token against a local server, against the import alone.

    python -m bench.startup [--runs 5]

A fake Ollama server runs in this process. Each run starts the real app in a fresh
process (offscreen) with a one-seat lineup on that server and ``--send``; the time from
the spawn to the server receiving the request is launch → first token (the fake answers
at once). Two floors, each a fresh process, spawn to done: importing litellm alone (offline, as
the worker does), and the worker's whole warm-up (that import and litellm's first call,
which imports its proxy types: about a second). Medians of ``--runs``; results go in
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakes.provider_server import FakeProviderServer, Stream

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ONLY = (
    "import os, time; os.environ['LITELLM_LOCAL_MODEL_COST_MAP'] = 'True'; import litellm; "
    "print(time.monotonic(), flush=True)"
)


WARMED = (
    "import asyncio, time; from desktop.providers import worker; "
    "asyncio.run(worker._warm_up()); print(time.monotonic(), flush=True)"
)


def floor(env: dict[str, str], code: str) -> float:
    """Seconds from spawning a fresh process running ``code`` to the time it prints (its
    exit, which can take a while, not counted)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1]) - started


def launch_to_request(fake: FakeProviderServer, scratch: Path, env: dict[str, str]) -> float:
    """Seconds from spawning the app to the server receiving its request."""
    lineup = scratch / "local.toml"
    lineup.write_text(
        f'[[seat]]\nlabel = "Local"\nmodel = "ollama_chat/bench"\napi_base = "{fake.url}"\n'
    )
    fake.reset()
    fake.script("bench", Stream(text="First."))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "desktop", "--lineup", str(lineup), "--send", "Hi",
         "--screenshot", str(scratch / "out.png")],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    [request] = fake.requests("bench")
    return request.at - started


def _local_server() -> FakeProviderServer:
    """The fake server where Ollama listens (litellm asks Ollama's default address for
    model facts on a first call; anywhere else it waits on refused connections, which a
    user with Ollama running never sees); any free port if that one is taken."""
    try:
        return FakeProviderServer(port=11434).start()
    except (OSError, RuntimeError):
        return FakeProviderServer().start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="roundtable-startup-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    for kind in ("DATA", "CONFIG", "CACHE", "STATE"):
        env[f"XDG_{kind}_HOME"] = str(scratch / kind.lower())
    fake = _local_server()
    try:
        floor(env, IMPORT_ONLY)  # once unmeasured: compiled modules cached, as in use
        launch_to_request(fake, scratch, env)
        imports = [floor(env, IMPORT_ONLY) for _ in range(args.runs)]
        warmed = [floor(env, WARMED) for _ in range(args.runs)]
        launches = [launch_to_request(fake, scratch, env) for _ in range(args.runs)]
    finally:
        fake.stop()
    alone, warm = statistics.median(imports), statistics.median(warmed)
    launch = statistics.median(launches)
    runs = f"median of {args.runs}"
    print(f"litellm import alone (spawn → imported), {runs}: {alone:.2f} s")
    print(f"the worker's warm-up alone (import and litellm's first call), {runs}: {warm:.2f} s")
    print(f"launch → first request at the local server, {runs}: {launch:.2f} s")
    print(f"over the import alone: {launch - alone:+.2f} s (goal: within 0.3 s); "
          f"over the warm-up alone: {launch - warm:+.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
