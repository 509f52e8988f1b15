"""Settings → Team gateway…: every seat through the team's LiteLLM proxy, or none.

The address is the user's own setting, kept in the settings file; the proxy's virtual
key is a key like any other (provider ``litellm_proxy`` in Settings → Keys…).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.core.document import SessionDocument
from desktop.providers.routing import gateway_url
from desktop.ui import dialogs
from desktop.ui.window_context import WindowContext

SETTING = "gateway/url"
# Broken by hand: an input dialog's label does not wrap, and would widen the dialog.
EXPLAINED = (
    "The address of your team's LiteLLM proxy, e.g. https://llm.example.org.\n\n"
    "Every seat without an API base of its own (and not on this computer)\n"
    "then goes through it, with the proxy's virtual key (LiteLLM proxy in\n"
    "Settings → Keys…); the proxy holds the providers' keys.\n\n"
    "Leave empty to send each seat straight to its provider."
)


def saved(settings: QSettings) -> str | None:
    """The team gateway in the settings; None when there is none (or it is damaged)."""
    value = settings.value(SETTING, "")
    if not isinstance(value, str) or not value:
        return None
    try:
        return gateway_url(value)
    except ValueError:
        return None


def apply(document: SessionDocument, settings: QSettings) -> None:
    """Send the document's seats the way the settings say."""
    document.engine.team_gateway = saved(settings)


async def edit(context: WindowContext) -> None:
    """Ask for the team gateway's address and use it from the next send on."""
    current = saved(context.settings)
    answered, url = await dialogs.parsed(
        context.parent, "Team gateway", EXPLAINED, current or "",
        lambda typed: gateway_url(typed) if typed.strip() else None, multiline=False,
    )  # fmt: skip
    if not answered or url == current:
        return
    if url is None:
        context.settings.remove(SETTING)
    else:
        context.settings.setValue(SETTING, url)
    # Every window's seats, not just this one's: it is the app's setting.
    for window in QApplication.topLevelWidgets():
        document = getattr(window, "document", None)
        if isinstance(document, SessionDocument):
            apply(document, context.settings)
    context.say(
        f"Seats now go through the team gateway at {url}."
        if url
        else "No team gateway: each seat goes straight to its provider."
    )
