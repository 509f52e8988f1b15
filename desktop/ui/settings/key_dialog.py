"""Ask for a provider's API key, and keep it: the OS keyring, else this session only."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from desktop.providers.keys import KEYRING_SERVICE, provider_name, store_key


def ask_key(parent: QWidget, provider: str) -> str:
    """Ask for ``provider``'s key; "" when cancelled or left empty.

    Called from a menu or button slot, never from inside a task: a modal dialog there
    would stop every other task (a streaming reply) until it closed.
    """
    name = provider_name(provider)
    key, ok = QInputDialog.getText(
        parent,
        f"{name} API key",
        f"Paste your {name} API key. It is stored in the OS keyring (service "
        f'"{KEYRING_SERVICE}", user "{provider}"), or where there is none kept for this '
        "session only; it is never written to a session.",
        QLineEdit.EchoMode.Password,
    )
    return key.strip() if ok else ""


async def store_key_off_thread(provider: str, key: str) -> bool:
    """Store the key in the OS keyring (off the UI thread); False when there is none."""
    try:
        # A keyring can block (an unlock prompt, D-Bus): never on the UI thread.
        await asyncio.to_thread(store_key, provider, key)
    except Exception:  # NoKeyringError, a locked or broken Secret Service
        return False
    return True
