"""Keys out of every text that can reach a pane, a file, a log or a terminal.

Applied to the whole text, before any cutting: a key cut in half no longer has a key's
shape. Covers the key shapes of the providers litellm serves, bearer tokens and key
parameters in URLs, the secrets a caller names, and the values of the key variables set
in this process's environment.
"""

from __future__ import annotations

import os
import re

MARK = "[redacted]"

_KEY_SHAPES = re.compile(
    r"(?:sk-(?:ant-|proj-|or-|svcacct-)?[A-Za-z0-9_-]{8,}"  # OpenAI, Anthropic, OpenRouter…
    r"|AIza[0-9A-Za-z_-]{20,}"  # Google
    r"|gsk_[A-Za-z0-9]{20,}"  # Groq
    r"|xai-[A-Za-z0-9]{20,}"  # xAI
    r"|pplx-[A-Za-z0-9]{20,}"  # Perplexity
    r"|hf_[A-Za-z0-9]{20,}"  # Hugging Face
    r"|r8_[A-Za-z0-9]{20,}"  # Replicate
    r"|fw_[A-Za-z0-9]{20,}"  # Fireworks
    r"|nvapi-[A-Za-z0-9_-]{20,}"  # NVIDIA
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"  # GitHub (Copilot)
    r")"
)
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_KEY_PARAMETER = re.compile(
    r"(?i)((?:api[_-]?key|key|token|access_token|x-api-key|x-goog-api-key)[\"']?\s*[=:]\s*[\"']?)"
    r"[A-Za-z0-9._~+/-]{8,}"
)
# Environment variables whose values are secrets by their names' say-so.
_SECRET_NAME = re.compile(r"(?i)(?:KEY|TOKEN|SECRET|PASSWORD)(?:_[A-Z0-9]+)?$")


def _environment_secrets() -> list[str]:
    return [
        value for name, value in os.environ.items() if _SECRET_NAME.search(name) and len(value) >= 8
    ]


def redact(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    """``text`` with the given secrets, key variables' values and anything shaped like
    a key removed."""
    for secret in (*secrets, *_environment_secrets()):
        if secret and len(secret) >= 4:
            text = text.replace(secret, MARK)
    text = _BEARER.sub(rf"\g<1>{MARK}", text)
    text = _KEY_PARAMETER.sub(rf"\g<1>{MARK}", text)
    return _KEY_SHAPES.sub(MARK, text)
