"""Helpers for driving a gateway in tests."""

from __future__ import annotations

import asyncio
import subprocess

from desktop.core.records.events import Channel, Event, Failed, Gateway, ReplyRequest, TextDelta
from desktop.core.utils.stamps import new_id
from tests.conftest import PYTHON, ROOT, subprocess_env


def request_for(
    model: str, api_base: str | None, text: str = "Hello?", **extra: object
) -> ReplyRequest:
    """A one-message request for ``model``."""
    return ReplyRequest(
        reply_id=new_id(),
        seat_label=model,
        model=model,
        messages=[{"role": "user", "content": text}],
        api_base=api_base,
        **extra,  # type: ignore[arg-type]
    )


async def collect(gateway: Gateway, request: ReplyRequest) -> list[Event]:
    """Every event of one reply."""
    return [event async for event in gateway.stream(request)]


def text_of(events: list[Event]) -> str:
    """The answer the events carry."""
    return "".join(
        e.text for e in events if isinstance(e, TextDelta) and e.channel is Channel.ANSWER
    )


def reasoning_of(events: list[Event]) -> str:
    """The reasoning (thinking) the events carry."""
    return "".join(
        e.text for e in events if isinstance(e, TextDelta) and e.channel is Channel.REASONING
    )


def failure_of(events: list[Event]) -> Failed:
    assert isinstance(events[-1], Failed), events[-1]
    return events[-1]


async def bare_worker() -> asyncio.subprocess.Process:
    """The real provider worker on pipes, with no client: the test speaks for the window."""
    proc = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "desktop.providers.worker",
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin is not None
    assert proc.stdout is not None
    return proc
