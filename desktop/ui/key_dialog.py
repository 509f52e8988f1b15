"""Store a provider's API key in the OS keyring, from a seat's pane."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop.providers.keys import ENV_VARS, KEYRING_SERVICE, provider_name, store_key


async def ask_and_store_key(parent: QWidget, provider: str) -> bool:
    """Ask for the key and store it (off the UI thread); True when it was stored."""
    name = provider_name(provider)
    key, ok = QInputDialog.getText(
        parent,
        f"{name} API key",
        f"Paste your {name} API key. It is stored in the OS keyring "
        f'(service "{KEYRING_SERVICE}", user "{provider}") and never written to a session.',
        QLineEdit.EchoMode.Password,
    )
    key = key.strip()
    if not ok or not key:
        return False
    try:
        # A keyring can block (an unlock prompt, D-Bus): never on the UI thread.
        await asyncio.to_thread(store_key, provider, key)
    except Exception as exc:  # NoKeyringError, a locked or broken Secret Service
        variables = (
            " or ".join(f"${v}" for v in ENV_VARS.get(provider, ())) or "an environment variable"
        )
        QMessageBox.warning(
            parent,
            "No OS keyring",
            f"The key could not be stored: the OS keyring is not available "
            f"({type(exc).__name__}). Set {variables} before starting Roundtable instead.",
        )
        return False
    return True
