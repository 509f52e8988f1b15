"""A stand-in for the provider worker that misbehaves when a test asks it to.

Run as ``python tests/providers/misbehaving_worker.py``, with the project on PYTHONPATH
(a test points WorkerGateway's ``command`` at it). It runs the real worker as its own child and passes every line
through both ways, so replies really stream from the fake provider server. A reply
whose seat label is ``misbehave:KIND`` streams as usual until its first text arrives;
then, right after passing that text on, this writes:

- ``garbage``: a line that is not JSON, on stdout;
- ``overlong``: a line longer than the protocol's MAX_LINE, on stdout;
- ``unknown``: a JSON message of a type the protocol does not have, on stdout;
- ``deep``: a line of JSON nested 200,000 deep, on stdout;
- ``badusage``: a usage event for the reply whose token count is a string;
- ``runaway``: one more text event for the reply, taking it past MAX_REPLY_CHARS;
- ``stderr``: more than MAX_LINE of junk with no line break (and bytes that are not
  UTF-8) on stderr, then ``the last words``; stderr is not the protocol, so the reply
  must go on.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from desktop.core.records.events import TextDelta
from desktop.providers import protocol

MB = 1024 * 1024
PREFIX = "misbehave:"


def misbehave(kind: str, reply_id: str) -> None:
    out = sys.stdout.buffer
    if kind == "garbage":
        out.write(b"this is not JSON\n")
    elif kind == "overlong":
        piece = b"x" * MB
        for _ in range(protocol.MAX_LINE // MB + 1):
            out.write(piece)
        out.write(b"\n")
    elif kind == "unknown":
        out.write(b'{"type": "surprise", "id": "x"}\n')
    elif kind == "deep":
        out.write(b"[" * 200_000 + b"\n")
    elif kind == "badusage":
        event = {"type": "usage", "prompt_tokens": "many", "completion_tokens": 1, "cost_usd": 0}
        out.write(json.dumps({"type": "event", "id": reply_id, "event": event}).encode() + b"\n")
    elif kind == "runaway":
        delta = TextDelta("z" * (protocol.MAX_REPLY_CHARS + 1))
        out.write(protocol.ReplyEvent(reply_id, delta).line())
    elif kind == "stderr":
        junk = b"\xff\xfe junk " * (MB // 8)
        for _ in range(protocol.MAX_LINE // len(junk) + 2):
            os.write(2, junk)
        os.write(2, b"\nthe last words\n")
    out.flush()


async def main() -> int:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=protocol.MAX_LINE)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desktop.providers.worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=protocol.MAX_LINE,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    triggers: dict[str, str] = {}  # reply id → kind of misbehaviour

    async def forward_requests() -> None:
        assert child.stdin is not None
        while (line := await protocol.read_line(stdin)) is not None:
            op = protocol.parse_op(line)
            if isinstance(op, protocol.Start):
                label = str(op.request.get("seat_label", ""))
                if label.startswith(PREFIX):
                    triggers[op.reply_id] = label.removeprefix(PREFIX)
            child.stdin.write(line)
        child.stdin.close()

    async def forward_messages() -> None:
        assert child.stdout is not None
        while (line := await protocol.read_line(child.stdout)) is not None:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
            message = protocol.parse_message(line)
            if (
                isinstance(message, protocol.ReplyEvent)
                and message.reply_id in triggers
                and isinstance(message.event, TextDelta)
            ):
                misbehave(triggers.pop(message.reply_id), message.reply_id)

    await asyncio.gather(forward_requests(), forward_messages())
    return await child.wait()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
