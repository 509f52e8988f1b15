"""The web sources of a streaming answer, read from litellm's chunks for each provider.

litellm passes citations on in each provider's own shape (checked against litellm
1.110.2 with each provider's wire format, see tests/fakes/provider_server.py):

- OpenAI search models and Gemini's Google Search grounding: ``delta.annotations``, a
  list of ``url_citation`` objects with the cited range of the answer (Gemini's in
  bytes of its UTF-8, as its API documents and litellm passes on);
- Anthropic's web search tool: ``delta.provider_specific_fields``, its
  ``web_search_results`` (every page the search returned, a growing list) and one
  ``citation`` at a time, sent just before the text it cites;
- Perplexity: ``citations`` (addresses, numbered as the ``[n]`` in its text) and
  ``search_results`` (their titles) on the chunk itself, repeated on every chunk.

All of it is a stranger's data: anything not of the expected shape is passed over, and
addresses, titles and other fields are bounded in length.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, TypeGuard

from desktop.core.records.evidence import Citation, WebSource

MAX_URL = 8192
MAX_TITLE = 1000
# Other fields a provider gives a source (a date, an age, Anthropic's encrypted
# content) are kept for the transcript while they are short scalars.
MAX_EXTRA_TEXT = 16_384
_OWN_KEYS = {"url", "title", "type", "uri"}


class SourceReader:
    """Reads one answer's sources, chunk by chunk, saying only what is new."""

    def __init__(self, byte_offsets: bool = False) -> None:
        self._byte_offsets = byte_offsets
        self._answer: list[str] = []
        self._length = 0  # characters of the answer so far
        # Where each character of the answer starts in its UTF-8 (Gemini's offsets are
        # bytes): worked out once for the answer as it stands, not per annotation.
        self._byte_starts: list[int] | None = None
        self._seen: dict[str, set[tuple[int, int]]] = {}
        self._titled: set[str] = set()
        # Anthropic's citations, waiting for the text they cite.
        self._pending: list[WebSource] = []

    def from_chunk(self, chunk: Any) -> list[WebSource]:
        """Sources a chunk carries beside its choices (Perplexity)."""
        found: list[WebSource | None] = [
            _source(url, "") for url in _list(getattr(chunk, "citations", None))
        ]
        for result in _list(getattr(chunk, "search_results", None)):
            if isinstance(result, dict):
                found.append(_source(result.get("url"), result.get("title"), result))
        return self._new(found)

    def from_delta(self, delta: Any) -> list[WebSource]:
        """Sources in a delta: annotations with their ranges, search results, and
        citations whose range is known once the text they cite arrives."""
        found: list[WebSource | None] = []
        for note in _list(getattr(delta, "annotations", None)):
            if not isinstance(note, dict) or note.get("type") != "url_citation":
                continue
            cited = note.get("url_citation")
            if isinstance(cited, dict):
                source = _source(cited.get("url"), cited.get("title"))
                place = self._place(cited.get("start_index"), cited.get("end_index"))
                if source is not None and place is not None:
                    source.cited.append(place)
                found.append(source)
        fields = getattr(delta, "provider_specific_fields", None)
        if isinstance(fields, dict):
            for block in _list(fields.get("web_search_results")):
                content = block.get("content") if isinstance(block, dict) else None
                for result in _list(content):
                    if isinstance(result, dict) and result.get("type") == "web_search_result":
                        found.append(_source(result.get("url"), result.get("title"), result))
            citation = fields.get("citation")
            if isinstance(citation, dict):
                source = _source(citation.get("url"), citation.get("title"), citation)
                if source is not None:
                    self._pending.append(source)
        return self._new(found)

    def answered(self, text: str) -> list[WebSource]:
        """More of the answer: the citations waiting for text now cite it."""
        start = self._length
        self._answer.append(text)
        self._length += len(text)
        self._byte_starts = None
        pending, self._pending = self._pending, []
        for source in pending:
            source.cited.append(Citation(start, start + len(text)))
        return self._new(list(pending))

    def _place(self, start: object, end: object) -> Citation | None:
        if not _offset(start) or not _offset(end) or start > end:
            return None
        if self._byte_offsets:
            if self._byte_starts is None:
                starts, at = [], 0
                for char in "".join(self._answer):
                    starts.append(at)
                    at += len(char.encode("utf-8", "surrogatepass"))
                starts.append(at)
                self._byte_starts = starts
            # The character a byte offset falls in (past the end: the end).
            start, end = (bisect.bisect_right(self._byte_starts, i) - 1 for i in (start, end))
        return Citation(start, end)

    def _new(self, found: list[WebSource | None]) -> list[WebSource]:
        out = []
        for source in found:
            if source is None:
                continue
            places = self._seen.get(source.url)
            fresh = [c for c in source.cited if places is None or (c.start, c.end) not in places]
            titled = bool(source.title) and source.url not in self._titled
            if places is not None and not fresh and not titled:
                continue
            self._seen.setdefault(source.url, set()).update((c.start, c.end) for c in fresh)
            if source.title:
                self._titled.add(source.url)
            out.append(WebSource(source.url, source.title, fresh, source.extra))
        return out


def web_searches(usage: Any) -> int | None:
    """How many searches the provider says it ran: Anthropic's
    ``server_tool_use.web_search_requests``, Gemini's in ``prompt_tokens_details``."""
    for name in ("server_tool_use", "prompt_tokens_details"):
        holder = getattr(usage, name, None)
        count = (
            holder.get("web_search_requests")
            if isinstance(holder, dict)
            else getattr(holder, "web_search_requests", None)
        )
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return count
    return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _source(url: object, title: object, given: dict[str, Any] | None = None) -> WebSource | None:
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        return None
    name = title[:MAX_TITLE] if isinstance(title, str) else ""
    extra = {
        key: value
        for key, value in (given or {}).items()
        if isinstance(key, str)
        and key not in _OWN_KEYS
        and (
            value is None
            or isinstance(value, bool | int)
            or (isinstance(value, float) and math.isfinite(value))
            or (isinstance(value, str) and len(value) <= MAX_EXTRA_TEXT)
        )
    }
    return WebSource(url, name, [], extra)


def _offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
