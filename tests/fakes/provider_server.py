"""A fake LLM provider server on 127.0.0.1 that speaks the real streaming wire formats.

It answers OpenAI chat-completions SSE, OpenAI's Responses API SSE (which litellm
uses for the models its data marks "responses", such as gpt-5-pro), Anthropic messages
SSE, Gemini ``streamGenerateContent?alt=sse`` (CRLF framing) and Ollama's NDJSON, so
litellm's real HTTP path is exercised. Each test scripts behaviour per model name (the part after the provider
prefix): a streamed answer (chunking, delays, a cut mid-stream, a malformed event), an
HTTP error, a hang, or a replay of a recorded stream. Every request is logged so tests
can assert exactly what each seat was sent, and client disconnects are recorded with a
timestamp so tests can prove that cancelling closes the connection.

The server runs its own event loop on a daemon thread, so sync tests, async tests on any
loop, and subprocesses (CLI, provider worker) can all talk to it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiohttp import web

WireFormat = Literal["openai", "anthropic", "gemini", "ollama", "responses"]


@dataclass(frozen=True)
class Cite:
    """A sentence of the answer that cites a web page, after the streamed text."""

    url: str
    title: str
    text: str


@dataclass(frozen=True)
class Stream:
    """A successful streamed answer.

    ``text`` None echoes the last user message. ``chunks`` splits the text into that many
    roughly equal pieces; ``delay`` is slept before each chunk (of the thinking too).
    ``cut_after`` drops the connection after that many chunks; ``malformed_at`` sends a
    broken event in place of that chunk. ``thinking``, when given, streams first as the model's reasoning, in
    the same number of pieces, the way each provider sends it (Anthropic's thinking
    block with its signature, Gemini's ``thought`` parts, Ollama's ``thinking``, the
    OpenAI-compatible ``reasoning_content``).

    ``cites``, when given, make the answer one that searched the web: each cited
    sentence follows the text, the way each provider sends it (Anthropic's
    ``server_tool_use`` and ``web_search_tool_result`` blocks, then a text block per
    citation with its ``citations_delta``; OpenAI's ``url_citation`` annotations on the
    last content chunk; Gemini's ``groundingMetadata`` on its last chunk; with
    ``top_level_citations``, Perplexity's ``citations`` and ``search_results`` on every
    chunk instead of annotations).
    """

    text: str | None = None
    thinking: str | None = None
    chunks: int = 4
    delay: float = 0.0
    cut_after: int | None = None
    malformed_at: int | None = None
    usage: tuple[int, int] = (12, 34)
    model: str | None = None
    cites: tuple[Cite, ...] = ()
    top_level_citations: bool = False


@dataclass(frozen=True)
class Fail:
    """An HTTP error response before any streaming."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer (until the client goes away)."""


@dataclass(frozen=True)
class Replay:
    """Serve a recorded body verbatim, event by event, with its recorded status."""

    path: Path
    delay: float = 0.0


Behaviour = Stream | Fail | Hang | Replay


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server received it."""

    wire: WireFormat
    model: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float

    def user_texts(self) -> list[str]:
        """The text of every user message, in order, whatever the wire format."""
        return [text for role, text in self.conversation() if role == "user"]

    def user_parts(self, index: int = -1) -> list[dict[str, Any]]:
        """The parts of one user message exactly as received, in the wire's own form
        (a string content is one text part)."""
        if self.wire == "gemini":
            contents = [c for c in self.body.get("contents", []) if c.get("role") != "model"]
            parts: list[dict[str, Any]] = contents[index].get("parts", [])
            return parts
        messages = [m for m in self.body.get("messages", []) if m["role"] == "user"]
        content = messages[index]["content"]
        return [{"type": "text", "text": content}] if isinstance(content, str) else content

    def conversation(self) -> list[tuple[str, str]]:
        """(role, text) for each message, with the system prompt first when there is one."""
        out: list[tuple[str, str]] = []
        if self.wire == "gemini":
            system = self.body.get("system_instruction") or self.body.get("systemInstruction")
            if system:
                out.append(("system", _join_parts(system.get("parts", []))))
            for content in self.body.get("contents", []):
                role = "assistant" if content.get("role") == "model" else "user"
                out.append((role, _join_parts(content.get("parts", []))))
            return out
        if self.wire == "responses":
            for item in self.body.get("input", []):
                content = item.get("content")
                text = content if isinstance(content, str) else _join_parts(content or [])
                out.append((item.get("role", "user"), text))
            return out
        if self.wire == "anthropic" and self.body.get("system"):
            system = self.body["system"]
            out.append(("system", system if isinstance(system, str) else _join_parts(system)))
        for message in self.body.get("messages", []):
            content = message.get("content")
            text = content if isinstance(content, str) else _join_parts(content or [])
            out.append((message["role"], text))
        return out


def _join_parts(parts: list[dict[str, Any]]) -> str:
    return "".join(str(p.get("text", "")) for p in parts if "text" in p)


@dataclass(frozen=True)
class Disconnect:
    """The client closed the connection while a stream was still being written."""

    model: str
    at: float


class FakeProviderServer:
    """The server; use as a context manager or call start() and stop()."""

    def __init__(self, default: Behaviour | None = None, port: int = 0) -> None:
        self._default = default or Stream()
        self._port = port  # 0: any free port
        self._lock = threading.Lock()
        self._scripts: dict[str, list[Behaviour]] = {}
        self._log: list[LoggedRequest] = []
        self._disconnects: list[Disconnect] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        # What the local servers' model lists answer (Ollama's /api/tags, LM Studio's
        # /v1/models), and how long they take: tests make them garbage or slow.
        self.ollama_tags: Any = {"models": [{"name": "fake-llama:latest", "size": 1}]}
        self.lm_studio_models: Any = {"object": "list", "data": [{"id": "fake-qwen"}]}
        self.list_delay = 0.0

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeProviderServer:
        """Start serving on 127.0.0.1 at a free port; returns self."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-provider", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake provider server did not start")
        return self

    async def _serve(self) -> None:
        # Requests with images and PDFs are megabytes; aiohttp refuses over 1 MB by default.
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._openai)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/v1/messages", self._anthropic)
        app.router.add_post("/v1beta/models/{target}", self._gemini)
        app.router.add_post("/api/chat", self._ollama)
        app.router.add_get("/api/tags", self._ollama_tags)
        app.router.add_get("/v1/models", self._lm_studio_models)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        """Stop the server and its thread."""
        loop = self._loop
        if loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses for litellm -----------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_base(self, wire: WireFormat) -> str:
        """The api_base to give litellm for a model of this wire format."""
        bases = {
            "openai": f"{self.url}/v1",
            "responses": f"{self.url}/v1",
            "anthropic": self.url,
            "gemini": f"{self.url}/v1beta",
        }
        return bases.get(wire, self.url)  # Ollama: the server's own address

    # -- scripting and inspection --------------------------------------------------------

    def script(self, model: str, *behaviours: Behaviour) -> None:
        """Queue behaviours for requests to ``model``; once used up, requests are echoed."""
        with self._lock:
            self._scripts.setdefault(model, []).extend(behaviours)

    def requests(self, model: str | None = None) -> list[LoggedRequest]:
        """Requests received so far, optionally only those for one model."""
        with self._lock:
            return [r for r in self._log if model is None or r.model == model]

    def disconnects(self, model: str | None = None) -> list[Disconnect]:
        """Client disconnects seen while streaming."""
        with self._lock:
            return [d for d in self._disconnects if model is None or d.model == model]

    def reset(self) -> None:
        """Forget scripts, the request log and disconnects."""
        with self._lock:
            self._scripts.clear()
            self._log.clear()
            self._disconnects.clear()

    def _next(self, model: str) -> Behaviour:
        with self._lock:
            queue = self._scripts.get(model)
            return queue.pop(0) if queue else self._default

    def _record(self, wire: WireFormat, model: str, request: web.Request, body: Any) -> None:
        with self._lock:
            self._log.append(
                LoggedRequest(
                    wire=wire,
                    model=model,
                    path=request.path_qs,
                    headers=dict(request.headers),
                    body=body,
                    at=time.monotonic(),
                )
            )

    # -- handlers ------------------------------------------------------------------------

    async def _openai(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        self._record("openai", model, request, body)
        return await self._answer(request, "openai", model, body)

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        self._record("responses", model, request, body)
        return await self._answer(request, "responses", model, body)

    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        self._record("anthropic", model, request, body)
        return await self._answer(request, "anthropic", model, body)

    async def _gemini(self, request: web.Request) -> web.StreamResponse:
        model, _, action = request.match_info["target"].partition(":")
        if action != "streamGenerateContent":
            raise web.HTTPNotFound(text=f"fake server only streams, not {action}")
        body = await request.json()
        self._record("gemini", model, request, body)
        return await self._answer(request, "gemini", model, body)

    async def _ollama(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        self._record("ollama", model, request, body)
        return await self._answer(request, "ollama", model, body)

    async def _ollama_tags(self, request: web.Request) -> web.Response:
        return await self._listing(self.ollama_tags)

    async def _lm_studio_models(self, request: web.Request) -> web.Response:
        return await self._listing(self.lm_studio_models)

    async def _listing(self, answer: Any) -> web.Response:
        await asyncio.sleep(self.list_delay)
        if isinstance(answer, bytes):
            return web.Response(body=answer, content_type="application/json")
        return web.json_response(answer)

    async def _answer(
        self, request: web.Request, wire: WireFormat, model: str, body: dict[str, Any]
    ) -> web.StreamResponse:
        behaviour = self._next(model)
        if isinstance(behaviour, Fail):
            payload = (
                behaviour.body if isinstance(behaviour.body, str) else json.dumps(behaviour.body)
            )
            return web.Response(
                status=behaviour.status,
                text=payload,
                content_type="application/json",
                headers=behaviour.headers,
            )
        if isinstance(behaviour, Replay):
            return await self._replay(request, model, behaviour)
        kind = "application/x-ndjson" if wire == "ollama" else "text/event-stream; charset=utf-8"
        response = web.StreamResponse(
            status=200, headers={"Content-Type": kind, "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        if isinstance(behaviour, Hang):
            try:
                while True:
                    await asyncio.sleep(0.05)
                    if request.transport is None or request.transport.is_closing():
                        raise ConnectionResetError
            except ConnectionResetError:
                self._disconnected(model)
                return response
            except asyncio.CancelledError:
                self._disconnected(model)
                raise
        text = behaviour.text if behaviour.text is not None else _echo(wire, body)
        events = _encode(wire, behaviour, text, model, body)
        text_index = -1  # index of the current text chunk
        try:
            for is_text, event in events:
                if not is_text:
                    await response.write(event)
                    continue
                text_index += 1
                if behaviour.delay:
                    await asyncio.sleep(behaviour.delay)
                if (
                    is_text
                    and behaviour.cut_after is not None
                    and text_index >= behaviour.cut_after
                ):
                    assert request.transport is not None
                    request.transport.abort()
                    return response
                if (
                    is_text
                    and behaviour.malformed_at is not None
                    and text_index == behaviour.malformed_at
                ):
                    event = _frame(wire, "{not json at all")
                await response.write(event)
            await response.write_eof()
        except ConnectionResetError:
            self._disconnected(model)
        except asyncio.CancelledError:
            self._disconnected(model)
            raise
        return response

    async def _replay(self, request: web.Request, model: str, replay: Replay) -> web.StreamResponse:
        meta_path = replay.path.with_name(replay.path.name.rsplit(".", 1)[0] + ".meta.json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        raw = replay.path.read_bytes()
        status = int(meta.get("http_status", 200))
        headers = {k: v for k, v in meta.get("response_headers", {}).items() if k.lower() in _KEPT}
        content_type = headers.pop("content-type", None) or (
            "application/json" if replay.path.suffix == ".json" else "text/event-stream"
        )
        if status != 200 or replay.path.suffix == ".json":
            return web.Response(
                status=status, body=raw, headers={**headers, "Content-Type": content_type}
            )
        response = web.StreamResponse(status=200, headers={**headers, "Content-Type": content_type})
        await response.prepare(request)
        try:
            for event in _split_events(raw):
                if replay.delay:
                    await asyncio.sleep(replay.delay)
                await response.write(event)
            await response.write_eof()
        except ConnectionResetError:
            self._disconnected(model)
        except asyncio.CancelledError:
            self._disconnected(model)
            raise
        return response

    def _disconnected(self, model: str) -> None:
        with self._lock:
            self._disconnects.append(Disconnect(model, time.monotonic()))


_KEPT = {"content-type", "retry-after", "retry-after-ms"}


def _split_events(raw: bytes) -> Iterator[bytes]:
    """Split an SSE body into events, keeping each event's own framing (LF or CRLF)."""
    separator = b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n"
    pieces = raw.split(separator)
    for index, piece in enumerate(pieces):
        if index < len(pieces) - 1:
            yield piece + separator
        elif piece:
            yield piece


def _echo(wire: WireFormat, body: dict[str, Any]) -> str:
    texts = LoggedRequest(wire, "", "", {}, body, 0.0).user_texts()
    last = texts[-1] if texts else ""
    return f"Echo: {last}"


def _split(text: str, pieces: int) -> list[str]:
    pieces = max(1, min(pieces, len(text) or 1))
    size = -(-len(text) // pieces) if text else 0
    return [text[i : i + size] for i in range(0, len(text), size)] if text else [""]


def _frame(wire: WireFormat, data: str, event: str | None = None) -> bytes:
    if wire == "ollama":  # NDJSON: a JSON object a line
        return f"{data}\n".encode()
    if wire == "gemini":
        return f"data: {data}\r\n\r\n".encode()
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def _encode(
    wire: WireFormat, s: Stream, text: str, model: str, body: dict[str, Any]
) -> list[tuple[bool, bytes]]:
    """The whole stream as (is_text_chunk, bytes) events in the given wire format."""
    reported = s.model or model
    prompt_tokens, completion_tokens = s.usage
    pieces = _split(text, s.chunks)
    thoughts = _split(s.thinking, s.chunks) if s.thinking else []
    dump = json.dumps
    if wire == "openai":
        base = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": reported,
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return _frame(wire, dump({**base, "choices": [choice], "usage": None}))

        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        if s.top_level_citations:  # Perplexity: the whole list on every chunk
            base |= {
                "citations": [c.url for c in s.cites],
                "search_results": [
                    {"title": c.title, "url": c.url, "date": "2026-12-01", "last_updated": None}
                    for c in s.cites
                ],
            }
        annotations = [
            {"type": "url_citation",
             "url_citation": {"url": c.url, "title": c.title, "start_index": start,
                              "end_index": start + len(c.text)}}
            for c, start in _cited_places(text, s.cites)
        ]  # fmt: skip
        last: list[tuple[bool, bytes]] = [(False, chunk({}, "stop"))]
        if annotations and not s.top_level_citations:
            # As OpenAI sends them: on the last chunk, with the finish reason.
            last = [(False, chunk({"annotations": annotations}, "stop"))]
        return [
            (False, chunk({"role": "assistant", "content": ""})),
            *[(True, chunk({"content": None, "reasoning_content": p})) for p in thoughts],
            *[(True, chunk({"content": p})) for p in pieces],
            *[(True, chunk({"content": c.text})) for c in s.cites],
            *last,
            (False, _frame(wire, dump({**base, "choices": [], "usage": usage}))),
            (False, _frame(wire, "[DONE]")),
        ]
    if wire == "anthropic":
        start = {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": reported,
                "content": [],
                "stop_reason": None,
                "usage": {"input_tokens": prompt_tokens, "output_tokens": 1},
            },
        }

        blocks = iter(range(1000))  # each content block's index, in order

        def delta(p: object, index: int, kind: str = "text_delta", key: str = "text") -> bytes:
            event = {"type": "content_block_delta", "index": index, "delta": {"type": kind, key: p}}
            return _frame(wire, dump(event), "content_block_delta")

        def framed(event: dict[str, Any]) -> tuple[bool, bytes]:
            return (False, _frame(wire, dump(event), event["type"]))

        def opened(index: int, block: dict[str, Any]) -> tuple[bool, bytes]:
            return framed({"type": "content_block_start", "index": index, "content_block": block})

        def closed(index: int) -> tuple[bool, bytes]:
            return framed({"type": "content_block_stop", "index": index})

        thinking = []
        if thoughts:
            at = next(blocks)
            thinking = [
                opened(at, {"type": "thinking", "thinking": "", "signature": ""}),
                *[(True, delta(p, at, "thinking_delta", "thinking")) for p in thoughts],
                (False, delta("EqQBCgIYAhIMfakeSignature==", at, "signature_delta", "signature")),
                closed(at),
            ]
        search: list[tuple[bool, bytes]] = []
        cited: list[tuple[bool, bytes]] = []
        if s.cites:
            ask, results = next(blocks), next(blocks)
            tool = {"type": "server_tool_use", "id": "srvtoolu_fake", "name": "web_search",
                    "input": {}}  # fmt: skip
            found = [
                {"type": "web_search_result", "title": c.title, "url": c.url,
                 "encrypted_content": "EqgfCioIARgBIiQ3fake", "page_age": "2 days ago"}
                for c in s.cites
            ]  # fmt: skip
            search = [
                opened(ask, tool),
                (False, delta('{"query": "the news"}', ask, "input_json_delta", "partial_json")),
                closed(ask),
                opened(results, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_fake",
                                 "content": found}),
                closed(results),
            ]  # fmt: skip
        at = next(blocks)
        for c in s.cites:
            index = next(blocks)
            citation = {"type": "web_search_result_location", "cited_text": c.text,
                        "url": c.url, "title": c.title, "encrypted_index": "Eo8BfakeIndex"}  # fmt: skip
            cited += [
                opened(index, {"citations": [], "type": "text", "text": ""}),
                (False, delta(citation, index, "citations_delta", "citation")),
                (True, delta(c.text, index)),
                closed(index),
            ]
        end_usage: dict[str, Any] = {"output_tokens": completion_tokens}
        if s.cites:
            end_usage["server_tool_use"] = {"web_search_requests": 1}
        end = {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": end_usage,
        }
        return [
            (False, _frame(wire, dump(start), "message_start")),
            *thinking,
            *search,
            opened(at, {"type": "text", "text": ""}),
            (False, _frame(wire, dump({"type": "ping"}), "ping")),
            *[(True, delta(p, at)) for p in pieces],
            closed(at),
            *cited,
            (False, _frame(wire, dump(end), "message_delta")),
            (False, _frame(wire, dump({"type": "message_stop"}), "message_stop")),
        ]

    if wire == "responses":
        asked = bool((body.get("reasoning") or {}).get("summary"))
        return _responses_events(s, text, pieces, thoughts, reported, asked)

    if wire == "ollama":

        def line(p: str, done: bool, thinking: str | None = None) -> bytes:
            message = {"role": "assistant", "content": p}
            if thinking is not None:
                message["thinking"] = thinking
            body: dict[str, Any] = {
                "model": reported,
                "created_at": "2026-12-02T00:00:00Z",
                "message": message,
                "done": done,
            }
            if done:
                body |= {"done_reason": "stop", "prompt_eval_count": prompt_tokens,
                         "eval_count": completion_tokens}  # fmt: skip
            return _frame(wire, dump(body))

        return [
            *[(True, line("", False, t)) for t in thoughts],
            *[(True, line(p, False)) for p in pieces],
            (False, line("", True)),
        ]

    thought_tokens = {"thoughtsTokenCount": len(thoughts) * 10} if thoughts else {}

    answer_text = text + "".join(c.text for c in s.cites)
    grounding = {
        "groundingChunks": [{"web": {"uri": c.url, "title": c.title}} for c in s.cites],
        "groundingSupports": [
            # Gemini counts in bytes of UTF-8, as its API reference says.
            {"segment": {"startIndex": len(answer_text[:start].encode()),
                         "endIndex": len((answer_text[:start] + c.text).encode()),
                         "text": c.text},
             "groundingChunkIndices": [i]}
            for i, (c, start) in enumerate(_cited_places(text, s.cites))
        ],
        "webSearchQueries": ["the news"],
    }  # fmt: skip

    def gemini_chunk(p: str, last: bool, thought: bool = False) -> bytes:
        part: dict[str, Any] = {"text": p, "thought": True} if thought else {"text": p}
        candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}, "index": 0}
        usage: dict[str, Any] = {
            "promptTokenCount": prompt_tokens,
            "totalTokenCount": prompt_tokens,
            **thought_tokens,
        }
        if last:
            candidate["finishReason"] = "STOP"
            if s.cites:
                candidate["groundingMetadata"] = grounding
            usage = {
                "promptTokenCount": prompt_tokens,
                "candidatesTokenCount": completion_tokens,
                "totalTokenCount": prompt_tokens + completion_tokens,
                **thought_tokens,
            }
        body = {"candidates": [candidate], "usageMetadata": usage, "modelVersion": reported}
        return _frame(wire, dump(body))

    answer = [*pieces, *[c.text for c in s.cites]]
    return [
        *[(True, gemini_chunk(t, False, thought=True)) for t in thoughts],
        *[(True, gemini_chunk(p, i == len(answer) - 1)) for i, p in enumerate(answer)],
    ]


def _responses_events(
    s: Stream, text: str, pieces: list[str], thoughts: list[str], model: str, asked_summary: bool
) -> list[tuple[bool, bytes]]:
    """A stream of OpenAI's Responses API, as its reference documents each event: a
    reasoning item whose summary streams first, then the message's output text, its
    url_citation annotations, and response.completed with the usage."""
    numbers = iter(range(1_000_000))
    out: list[tuple[bool, bytes]] = []

    def event(kind: str, is_text: bool = False, /, **fields: Any) -> None:
        body = {"type": kind, "sequence_number": next(numbers), **fields}
        out.append((is_text, _frame("responses", json.dumps(body), kind)))

    response = {"id": "resp_fake", "object": "response", "created_at": 1, "model": model,
                "status": "in_progress", "output": [], "usage": None}  # fmt: skip
    event("response.created", response=response)
    event("response.in_progress", response=response)
    output: list[dict[str, Any]] = []
    if thoughts and asked_summary:  # as OpenAI does: a summary only when asked for one
        summary = "".join(thoughts)
        item = {"id": "rs_fake", "type": "reasoning", "summary": []}
        event("response.output_item.added", output_index=0, item=item)
        where: dict[str, Any] = {"item_id": "rs_fake", "output_index": 0, "summary_index": 0}
        event("response.reasoning_summary_part.added", **where,
              part={"type": "summary_text", "text": ""})  # fmt: skip
        for piece in thoughts:
            event("response.reasoning_summary_text.delta", True, **where, delta=piece)
        event("response.reasoning_summary_text.done", **where, text=summary)
        part = {"type": "summary_text", "text": summary}
        event("response.reasoning_summary_part.done", **where, part=part)
        done = {"id": "rs_fake", "type": "reasoning", "summary": [part]}
        event("response.output_item.done", output_index=0, item=done)
        output.append(done)
    index = len(output)
    answer = text + "".join(c.text for c in s.cites)
    message: dict[str, Any] = {"id": "msg_fake", "type": "message", "status": "in_progress", "role": "assistant",
               "content": []}  # fmt: skip
    event("response.output_item.added", output_index=index, item=message)
    where = {"item_id": "msg_fake", "output_index": index, "content_index": 0}  # the message's
    event("response.content_part.added", **where,
          part={"type": "output_text", "text": "", "annotations": []})  # fmt: skip
    for piece in [*pieces, *(c.text for c in s.cites)]:
        event("response.output_text.delta", True, **where, delta=piece, logprobs=[])
    annotations = [
        {"type": "url_citation", "url": c.url, "title": c.title, "start_index": start,
         "end_index": start + len(c.text)}
        for c, start in _cited_places(text, s.cites)
    ]  # fmt: skip
    for number, annotation in enumerate(annotations):
        event("response.output_text.annotation.added", **where, annotation_index=number,
              annotation=annotation)  # fmt: skip
    event("response.output_text.done", **where, text=answer, logprobs=[])
    text_part: dict[str, Any] = {"type": "output_text", "text": answer, "annotations": annotations}
    event("response.content_part.done", **where, part=text_part)
    message = {**message, "status": "completed", "content": [text_part]}
    event("response.output_item.done", output_index=index, item=message)
    output.append(message)
    prompt_tokens, completion_tokens = s.usage
    usage = {
        "input_tokens": prompt_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": completion_tokens,
        "output_tokens_details": {"reasoning_tokens": 10 * len(thoughts)},
        "total_tokens": prompt_tokens + completion_tokens,
    }
    event("response.completed",
          response={**response, "status": "completed", "output": output, "usage": usage})  # fmt: skip
    return out


def _cited_places(text: str, cites: tuple[Cite, ...]) -> list[tuple[Cite, int]]:
    """Each cited sentence with where it starts in the whole answer (after ``text``)."""
    places, at = [], len(text)
    for cite in cites:
        places.append((cite, at))
        at += len(cite.text)
    return places


def numbered_text(chunks: int) -> str:
    """A text of ``chunks`` three-character words, for streams of an exact chunk count."""
    return "".join(f"w{i % 10} " for i in range(chunks))


def main() -> None:
    """Serve in a process of its own (for benchmarks) until standard input closes.

    Every request is answered with a stream of ``--chunks`` text chunks; the first line
    printed is the server's URL.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each chunk")
    parser.add_argument("--chars", type=int, help="stream an answer of this length")
    parser.add_argument("--answer", default="markdown", help="its kind (bench.ui_streaming)")
    parser.add_argument("--thinking", type=int, help="think this many characters first")
    args = parser.parse_args()
    from bench.ui_streaming import ANSWERS

    text = ANSWERS[args.answer](args.chars) if args.chars else numbered_text(args.chunks)
    thinking = ANSWERS["markdown"](args.thinking) if args.thinking else None
    stream = Stream(text=text, thinking=thinking, chunks=args.chunks, delay=args.delay)
    server = FakeProviderServer(stream).start()
    print(server.url, flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
