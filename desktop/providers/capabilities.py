"""What a seat's model takes besides text: images, PDF documents, a reasoning effort,
web search.

The seat's own ``vision`` / ``pdf`` settings win; otherwise litellm's model data (its
local cost map) decides, and a model it does not know is taken to accept neither, so
nothing is sent that the provider would reject or silently drop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop.providers import litellm_runtime


@dataclass(frozen=True)
class Capabilities:
    vision: bool
    pdf: bool


def resolve(model: str, vision: bool | None, pdf: bool | None) -> Capabilities:
    """The capabilities to send by (blocking: may import litellm)."""
    litellm = litellm_runtime.load()
    return Capabilities(
        vision=vision if vision is not None else _says(litellm.supports_vision, model),
        pdf=pdf if pdf is not None else _says(litellm.supports_pdf_input, model),
    )


def takes_reasoning_effort(model: str) -> bool:
    """Whether litellm knows ``model`` to reason, so ``reasoning_effort`` may be sent
    (elsewhere the provider would refuse the whole request over it)."""
    return _says(litellm_runtime.load().supports_reasoning, model)


# Claude models that take Anthropic's web search tool, which litellm maps
# web_search_options to for every Claude model although its model data says
# supports_web_search only for a few (1.110.2).
_CLAUDE_WITHOUT_SEARCH = (
    "claude-3-haiku",
    "claude-3-opus",
    "claude-3-sonnet",
    "claude-2",
    "claude-instant",
)


def can_search(model: str) -> bool:
    """Whether ``model`` searches the web when asked (litellm's web_search_options):
    as litellm's model data says, and every current Claude model, whose search tool
    litellm sends although its data says otherwise."""
    claude = claude_can_search(model)
    if claude is not None:
        return claude
    litellm = litellm_runtime.load()
    if _facts(litellm, model).get("mode") == "responses":
        # litellm 1.110.2 sends these through its Responses API bridge, which refuses
        # web_search_options outright (the whole request would fail).
        return False
    return _says(litellm.supports_web_search, model)


def _facts(litellm: object, model: str) -> dict[str, object]:
    costs = getattr(litellm, "model_cost", {})
    for key in (model, model.split("/", 1)[-1]):
        found = costs.get(key)
        if isinstance(found, dict):
            return found
    return {}


def claude_can_search(model: str) -> bool | None:
    """Whether a model of Anthropic's own API takes its web search tool; None for a
    model of any other provider."""
    name = model.removeprefix("anthropic/")
    if "/" not in name and name.startswith("claude-"):
        return not name.startswith(_CLAUDE_WITHOUT_SEARCH)
    return None


def _says(check: Callable[..., object], model: str) -> bool:
    try:
        return check(model=model) is True
    except Exception:  # litellm raises for models it cannot map to a provider
        return False
