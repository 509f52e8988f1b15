"""API keys: the OS keyring first, then the provider's usual variable, then the lineup's.

A key value never leaves this module except to the provider call itself: lookups
return where a key came from and never print it; ``desktop.core.utils.redaction``
scrubs any text that might echo it back (provider error messages sometimes do).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

KEYRING_SERVICE = "roundtable"

PROVIDER_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Gemini",
    "mistral": "Mistral",
    "groq": "Groq",
    "deepseek": "DeepSeek",
    "xai": "xAI",
    "openrouter": "OpenRouter",
    "together_ai": "Together AI",
    "perplexity": "Perplexity",
    "ollama": "Ollama",
    "ollama_chat": "Ollama",
    "lm_studio": "LM Studio",
    "litellm_proxy": "LiteLLM proxy",
}

ENV_VARS = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "xai": ("XAI_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "together_ai": ("TOGETHERAI_API_KEY", "TOGETHER_API_KEY"),
    "perplexity": ("PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"),
    "litellm_proxy": ("LITELLM_PROXY_API_KEY",),
}

KEYLESS = frozenset({"ollama", "ollama_chat", "lm_studio"})
SESSION_ONLY = "this session only (in memory, not stored)"

# Keys the user gave for this run only (no OS keyring to keep them): never written.
_session_keys: dict[str, str] = {}


def session_keys() -> dict[str, str]:
    """The keys kept for this session only, by provider (a copy)."""
    return dict(_session_keys)


def use_session_key(provider: str, key: str | None) -> None:
    """Use ``key`` for ``provider`` until the process ends (None: stop using one)."""
    if key:
        _session_keys[provider] = key
    else:
        _session_keys.pop(provider, None)


_BARE_MODEL_PREFIXES = (
    (("gpt-", "chatgpt-", "o1", "o3", "o4", "text-embedding-"), "openai"),
    (("claude",), "anthropic"),
    (("gemini",), "gemini"),
)


def provider_of(model: str) -> str:
    """The provider a litellm model id belongs to ("openai/gpt-4o" → "openai")."""
    prefix, slash, _ = model.partition("/")
    if slash:
        return prefix.lower()
    lowered = model.lower()
    for prefixes, provider in _BARE_MODEL_PREFIXES:
        if lowered.startswith(prefixes):
            return provider
    return "openai"


def provider_name(provider: str) -> str:
    """A provider's display name."""
    return PROVIDER_NAMES.get(provider, provider)


@dataclass(frozen=True)
class KeyLookup:
    """The outcome of looking up a key: the key (or None) and where it came from."""

    key: str | None
    source: str | None
    notes: tuple[str, ...] = field(default=())


def lookup_places(provider: str, api_key_env: str | None = None) -> str:
    """Where keys for this provider are looked up, in order, for messages."""
    places = [f'the OS keyring (service "{KEYRING_SERVICE}", user "{provider}")']
    places += [f"${name}" for name in ENV_VARS.get(provider, ())]
    if api_key_env:
        places.append(f"${api_key_env}")
    return ", then ".join(places)


def find_key(provider: str, api_key_env: str | None = None) -> KeyLookup:
    """Look up the key for ``provider``: keyring, usual variables, then ``api_key_env``.

    Never raises for a missing or broken keyring: that is noted and the lookup goes on.
    This may block (a keyring can prompt), so call it off any UI thread.
    """
    notes: list[str] = []
    if provider in _session_keys:
        return KeyLookup(_session_keys[provider], SESSION_ONLY)
    try:
        import keyring

        key = keyring.get_password(KEYRING_SERVICE, provider)
    except Exception as exc:  # NoKeyringError, a locked or broken Secret Service, D-Bus
        notes.append(f"the OS keyring is not available ({type(exc).__name__})")
        key = None
    if key:
        return KeyLookup(
            key, f'OS keyring (service "{KEYRING_SERVICE}", user "{provider}")', tuple(notes)
        )
    for name in (*ENV_VARS.get(provider, ()), *([api_key_env] if api_key_env else [])):
        value = os.environ.get(name)
        if value:
            return KeyLookup(value, f"${name}", tuple(notes))
    return KeyLookup(None, None, tuple(notes))


def forget_key(provider: str) -> None:
    """Take ``provider``'s key out of the OS keyring (if there) and of this session."""
    _session_keys.pop(provider, None)
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, provider)
    except Exception:  # none stored, or no keyring: nothing to take out
        return


def store_key(provider: str, key: str) -> None:
    """Store a key in the OS keyring; raises keyring's error if there is no keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, provider, key)
