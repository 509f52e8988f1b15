"""Benchmark: one 20,000-chunk stream read four ways, and `roundtable ask` start-up.

    python -m bench.gateway [--chunks N] [--runs N] [--thinking]

Reads the same OpenAI-format SSE stream from the fake provider server (127.0.0.1) as
raw SSE with httpx, with litellm directly, through our in-process gateway, and through
the provider worker; reports chunks/s and microseconds per chunk for each, their ratios
to raw httpx, and the time from starting `roundtable ask` to its first request reaching
the server. With ``--thinking`` the stream first carries as many chunks of reasoning
(``reasoning_content``, as DeepSeek and other OpenAI-compatible servers send it), and
every reader must return both the thought and the answer. Results go in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bench.ui_streaming import markdown_answer
from desktop.core.records.events import Channel, ReplyRequest, TextDelta
from desktop.providers import litellm_runtime
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from desktop.providers.worker_client import WorkerGateway
from tests.fakes.provider_server import FakeProviderServer, numbered_text

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def _request(base: str) -> ReplyRequest:
    return ReplyRequest(
        "bench", "bench", "openai/bench", [{"role": "user", "content": "go"}], api_base=base
    )


Expected = tuple[str, str]  # the thought ("" when none) and the answer


async def raw_httpx(base: str, expected: Expected) -> None:
    body = {"model": "bench", "messages": [{"role": "user", "content": "go"}], "stream": True}
    thought: list[str] = []
    parts: list[str] = []
    async with (
        httpx.AsyncClient(timeout=60) as client,
        client.stream("POST", f"{base}/chat/completions", json=body) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                for choice in json.loads(line[6:]).get("choices", []):
                    thought.append(choice["delta"].get("reasoning_content") or "")
                    parts.append(choice["delta"].get("content") or "")
    assert ("".join(thought), "".join(parts)) == expected


async def litellm_direct(base: str, expected: Expected) -> None:
    litellm = litellm_runtime.load()
    thought: list[str] = []
    parts: list[str] = []
    async with await litellm.acompletion(
        model="openai/bench",
        messages=[{"role": "user", "content": "go"}],
        api_base=base,
        api_key=KEY,
        stream=True,
        stream_options={"include_usage": True},
        max_retries=0,
    ) as response:
        async for chunk in response:
            for choice in chunk.choices:
                thought.append(getattr(choice.delta, "reasoning_content", None) or "")
                parts.append(choice.delta.content or "")
    assert ("".join(thought), "".join(parts)) == expected


Reader = Callable[[str, Expected], Awaitable[None]]


def via_gateway(gateway: LiteLLMGateway | WorkerGateway) -> Reader:
    async def read(base: str, expected: Expected) -> None:
        said: dict[Channel, list[str]] = {Channel.REASONING: [], Channel.ANSWER: []}
        async for event in gateway.stream(_request(base)):
            if isinstance(event, TextDelta):
                said[event.channel].append(event.text)
        assert ("".join(said[Channel.REASONING]), "".join(said[Channel.ANSWER])) == expected

    return read


async def measure(
    name: str, read: Reader, base: str, expected: Expected, runs: int
) -> tuple[str, float]:
    """Median seconds to read the whole stream, after one warm-up read."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        await read(base, expected)
        times.append(time.perf_counter() - start)
    return name, statistics.median(times[1:])


def time_to_first_request(server: FakeProviderServer, runs: int) -> list[float]:
    """Seconds from starting `roundtable ask` to its first request reaching the server."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        lineup = Path(folder) / "lineup.toml"
        lineup.write_text(
            "[[seat]]\nlabel = 'A'\nmodel = 'openai/first'\n"
            f"api_base = '{server.api_base('openai')}'\n"
        )
        env = {
            **os.environ,
            "OPENAI_API_KEY": KEY,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        for _ in range(runs):
            server.reset()
            start = time.monotonic()
            command = ["ask", "--lineup", str(lineup), "hi", "-o", f"{folder}/s.json"]
            subprocess.run(
                [sys.executable, "-m", "desktop", *command],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            results.append(server.requests("first")[0].at - start)
    return results


async def read_four_ways(base: str, expected: Expected, runs: int) -> list[tuple[str, float]]:
    """Seconds each reader takes for the whole stream."""
    worker = WorkerGateway()
    await worker.wait_ready()
    gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
    results = [
        await measure("raw SSE (httpx)", raw_httpx, base, expected, runs),
        await measure("litellm directly", litellm_direct, base, expected, runs),
        await measure("in-process gateway", via_gateway(gateway), base, expected, runs),
        await measure("provider worker", via_gateway(worker), base, expected, runs),
    ]
    await worker.aclose()
    await gateway.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--thinking", action="store_true", help="a thought first, as long")
    args = parser.parse_args()
    text = numbered_text(args.chunks)
    thought = markdown_answer(len(text)) if args.thinking else ""
    thinking = ["--thinking", str(len(text))] if args.thinking else []
    os.environ["OPENAI_API_KEY"] = KEY
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    # The server runs in a process of its own so it does not share this one's GIL.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.provider_server",
            "--chunks",
            str(args.chunks),
            *thinking,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        base = server.stdout.readline().strip() + "/v1"
        results = asyncio.run(read_four_ways(base, (thought, text), args.runs))
    finally:
        server.stdin.close()
        server.wait()
    raw = results[0][1]
    chunks = args.chunks * (2 if args.thinking else 1)
    kind = f" ({args.chunks:,} of thought, then the answer)" if args.thinking else ""
    print(f"{chunks:,} chunks{kind}, median of {args.runs} runs after one warm-up\n")
    print("| path | seconds | chunks/s | µs/chunk | time vs raw SSE |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds in results:
        print(
            f"| {name} | {seconds:.3f} | {chunks / seconds:,.0f} | "
            f"{seconds / chunks * 1e6:.1f} | {seconds / raw:.1f}× |"
        )
    with FakeProviderServer() as local:
        startups = time_to_first_request(local, 3)
    runs = ", ".join(f"{s:.2f}" for s in startups)
    print(
        "\n`roundtable ask` start → first request at the server: "
        f"median {statistics.median(startups):.2f} s (runs: {runs})"
    )


if __name__ == "__main__":
    main()
