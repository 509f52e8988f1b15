"""What an answer's web searches cost, as litellm prices them.

litellm puts the fee inside a reply's cost (``usage.cost``); this says the part of it
that searching cost, the way litellm's own cost calculation reckons it: Anthropic and
Gemini by the searches the provider counts, OpenAI's search models once per answer at
the context size asked for. None where litellm has no price for the model's searches.
"""

from __future__ import annotations

from typing import Any


def fee_of(litellm: Any, provider: str, kwargs: dict[str, Any], usage: Any) -> float | None:
    """The search fee in US dollars of one answer (None: not searched, or not priced)."""
    options = kwargs.get("web_search_options")
    if options is None:
        return None
    try:
        info = litellm.get_model_info(kwargs["model"])
    except Exception:  # a model litellm's price list does not know
        return None
    prices = info.get("search_context_cost_per_query")
    if not isinstance(prices, dict):
        return None
    if provider in ("anthropic", "gemini") or provider.startswith("vertex_ai"):
        reckon = getattr(getattr(litellm, "llms", None), "get_cost_for_web_search_request", None)
        if reckon is None:
            return None
        try:
            fee = reckon(provider, usage, info)
        except Exception:  # a usage litellm's own reckoning cannot read
            return None
    else:
        size = options.get("search_context_size") or "medium"
        fee = prices.get(f"search_context_size_{size}")
    if isinstance(fee, bool) or not isinstance(fee, int | float) or not 0 <= fee < 1e6:
        return None
    return float(fee)
