"""A model a seat can be given, as the picker and ``roundtable models`` show it.

Plain data and words about it, without litellm: the window reads these from the
``roundtable models --json`` it runs (``catalog`` builds them from litellm's list, in
that process only).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CatalogModel:
    """One model as the picker and ``roundtable models`` show it."""

    model: str
    provider: str
    label: str
    vision: bool
    pdf: bool
    context: int | None
    input_per_mtok: float | None
    output_per_mtok: float | None
    local: bool = False
    # Whether it searches the web when a seat asks it to (litellm's web_search_options).
    web_search: bool = False

    def as_json(self) -> dict[str, Any]:
        """The fields ``roundtable models --json`` prints."""
        return asdict(self)


def describe(model: CatalogModel) -> str:
    """What a model takes and costs, in a line: "images, PDFs, web search · 200k context ·
    $3 in / $15 out per Mtok"."""
    takes = ", ".join(
        t
        for t, ok in (
            ("images", model.vision),
            ("PDFs", model.pdf),
            ("web search", model.web_search),
        )
        if ok
    )
    if not model.context:
        context = "context unknown"
    elif model.context >= 1_000_000:
        context = f"{model.context / 1_000_000:g}M context"
    else:
        context = f"{model.context // 1000:,}k context"
    if model.local:
        price = "on this computer, free"
    elif model.input_per_mtok is None or model.output_per_mtok is None:
        price = "price unknown"
    else:
        price = f"${model.input_per_mtok:g} in / ${model.output_per_mtok:g} out per Mtok"
    return f"{takes or 'text only'} · {context} · {price}"


def search(models: list[CatalogModel], query: str) -> list[CatalogModel]:
    """The models whose id or label holds every word of ``query``, in catalog order."""
    words = query.casefold().split()
    return [m for m in models if all(w in f"{m.model} {m.label}".casefold() for w in words)]
