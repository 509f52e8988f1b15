"""Store a provider's API key in the OS keyring, from a seat's pane."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from desktop.providers.keys import ENV_VARS, KEYRING_SERVICE, provider_name, store_key
from desktop.ui import dialogs


def ask_key(parent: QWidget, provider: str) -> str:
    """Ask for ``provider``'s key; "" when cancelled or left empty.

    Called from a menu or button slot, never from inside a task: a modal dialog there
    would stop every other task (a streaming reply) until it closed.
    """
    name = provider_name(provider)
    key, ok = QInputDialog.getText(
        parent,
        f"{name} API key",
        f"Paste your {name} API key. It is stored in the OS keyring "
        f'(service "{KEYRING_SERVICE}", user "{provider}") and never written to a session.',
        QLineEdit.EchoMode.Password,
    )
    return key.strip() if ok else ""


async def store_key_off_thread(parent: QWidget, provider: str, key: str) -> bool:
    """Store the key (off the UI thread); True when it was stored, else say why."""
    try:
        # A keyring can block (an unlock prompt, D-Bus): never on the UI thread.
        await asyncio.to_thread(store_key, provider, key)
    except Exception as exc:  # NoKeyringError, a locked or broken Secret Service
        variables = (
            " or ".join(f"${v}" for v in ENV_VARS.get(provider, ())) or "an environment variable"
        )
        dialogs.warn(
            parent,
            "No OS keyring",
            f"The key could not be stored: the OS keyring is not available "
            f"({type(exc).__name__}). Set {variables} before starting Roundtable instead.",
        )
        return False
    return True
