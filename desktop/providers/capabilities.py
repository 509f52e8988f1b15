"""What a seat's model takes besides text: images, PDF documents.

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


def _says(check: Callable[..., object], model: str) -> bool:
    try:
        return check(model=model) is True
    except Exception:  # litellm raises for models it cannot map to a provider
        return False
