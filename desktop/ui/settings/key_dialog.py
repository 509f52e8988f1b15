"""Ask for a provider's API key, and keep it: the OS keyring, else this session only."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from desktop.providers.keys import KEYRING_SERVICE, provider_name, store_key
from desktop.ui.utils import dialogs
from desktop.ui.utils.shown import shown


async def ask_key(parent: QWidget, provider: str) -> str:
    """Ask for ``provider``'s key, hidden as it is typed; "" when cancelled or left empty.
    The window goes on (replies stream) while it is asked."""
    name = provider_name(provider)
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(f"{name} API key")
    # Broken by hand: an input dialog's label does not wrap, and stretched the dialog
    # to over 1,000 pixels.
    dialog.setLabelText(
        shown(
            f"Paste your {name} API key.\n\nIt is stored in the OS keyring (service "
            f'"{KEYRING_SERVICE}", user "{provider}"),\nor where there is none kept for this '
            "session only. It is never written to a session."
        )
    )
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    accepted = await dialogs.finished(dialog) == QDialog.DialogCode.Accepted
    key = dialog.textValue()
    dialog.deleteLater()
    return key.strip() if accepted else ""


async def store_key_off_thread(provider: str, key: str) -> bool:
    """Store the key in the OS keyring (off the UI thread); False when there is none."""
    try:
        # A keyring can block (an unlock prompt, D-Bus): never on the UI thread.
        await asyncio.to_thread(store_key, provider, key)
    except Exception:  # NoKeyringError, a locked or broken Secret Service
        return False
    return True
