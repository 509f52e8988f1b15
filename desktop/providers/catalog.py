"""The models a seat can be given: litellm's model list, with what each takes and costs.

Chat models only, named as a seat names them ("anthropic/claude-sonnet-4-5"), each with
whether it takes images and PDFs, its context size and its price per million tokens in
and out (None: unknown). Ordered for choosing: the big providers' flagships first, then
every other model of theirs, then the rest, then models found on this computer.
"""

from __future__ import annotations

import re

from desktop.providers import litellm_runtime
from desktop.providers.capabilities import claude_can_search
from desktop.providers.keys import KEYLESS, provider_name
from desktop.providers.local_servers import LocalModel
from desktop.providers.model_facts import CatalogModel, describe, search

__all__ = ["CatalogModel", "catalog", "describe", "search"]

MAJOR = ("anthropic", "openai", "gemini")
# Families each big provider leads with; newest versions sort first within them.
FLAGSHIPS = {
    "anthropic": ("claude-opus-", "claude-sonnet-"),
    "openai": ("gpt-5",),
    "gemini": ("gemini-3", "gemini-2.5-pro"),
}
_REGIONAL = re.compile(r"(us|eu|apac|au|ca|jp|global|us-gov)\.")
_DATED = re.compile(r"-\d{4}-?\d{2}-?\d{2}$|-\d{8}$|@")  # a snapshot of a named model


def catalog(local: list[LocalModel] | None = None, local_only: bool = False) -> list[CatalogModel]:
    """Every chat model litellm knows (unless ``local_only``), then the local ones."""
    found: list[CatalogModel] = [] if local_only else _known()
    found += [
        CatalogModel(m.model, m.provider, m.label, False, False, None, None, None, local=True)
        for m in local or []
    ]
    return found


def _known() -> list[CatalogModel]:
    litellm = litellm_runtime.load()
    seen: dict[str, CatalogModel] = {}
    for key, facts in litellm.model_cost.items():
        if not isinstance(facts, dict) or facts.get("mode") != "chat":
            continue
        provider = str(facts.get("litellm_provider") or "")
        if not provider or _REGIONAL.match(key.split("/")[-1]):  # Bedrock's per-region copies
            continue
        if provider in KEYLESS:  # what a local server has is what it lists, not this
            continue
        model = key if key.startswith(f"{provider}/") else f"{provider}/{key}"
        if model in seen:
            continue
        seen[model] = CatalogModel(
            model=model,
            provider=provider,
            label=f"{model.split('/', 1)[1]} ({provider_name(provider)})",
            vision=facts.get("supports_vision") is True,
            pdf=facts.get("supports_pdf_input") is True,
            web_search=_searches(model, facts),
            context=_number(facts.get("max_input_tokens")),
            input_per_mtok=_per_million(facts.get("input_cost_per_token")),
            output_per_mtok=_per_million(facts.get("output_cost_per_token")),
        )
    return sorted(seen.values(), key=_rank)


def _rank(entry: CatalogModel) -> tuple[int, int, int, str]:
    name = entry.model.split("/", 1)[1]
    major = MAJOR.index(entry.provider) if entry.provider in MAJOR else len(MAJOR)
    families = FLAGSHIPS.get(entry.provider, ())
    family = next((i for i, f in enumerate(families) if name.startswith(f)), None)
    if family is not None and not _DATED.search(name):
        tier = 0
    elif entry.provider in MAJOR:
        tier = 1
    else:
        tier = 2
    # Newest first within a family: the name with the higher version sorts first.
    return (tier, major, family if family is not None else 99, _descending(name))


def _descending(name: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) if c.isdigit() else c for c in name)


def _searches(model: str, facts: dict[str, object]) -> bool:
    claude = claude_can_search(model)
    return claude if claude is not None else facts.get("supports_web_search") is True


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and value > 0 else None


def _per_million(value: object) -> float | None:
    if not isinstance(value, int | float) or value < 0:
        return None
    return round(float(value) * 1_000_000, 4)
