"""Settings → Team gateway…: every seat through the team's LiteLLM proxy, or none.

The address is the user's own setting, one for the app (``AppSettings``); the proxy's virtual
key is a key like any other (provider ``litellm_proxy`` in Settings → Keys…).
"""

from __future__ import annotations

from desktop.core.records.events import Gateway
from desktop.providers.routing import gateway_url
from desktop.ui.utils import app_settings, dialogs
from desktop.ui.utils.app_settings import AppSettings
from desktop.ui.utils.window_context import WindowContext

# Broken by hand: an input dialog's label does not wrap, and would widen the dialog.
EXPLAINED = (
    "The address of your team's LiteLLM proxy, e.g. https://llm.example.org.\n\n"
    "Every seat without an API base of its own (and not on this computer)\n"
    "then goes through it, with the proxy's virtual key (LiteLLM proxy in\n"
    "Settings → Keys…); the proxy holds the providers' keys.\n\n"
    "Leave empty to send each seat straight to its provider."
)


async def edit(context: WindowContext) -> None:
    """Ask for the team gateway's address and use it from the next send on."""
    current = context.app_settings.team_gateway()
    answered, url = await dialogs.parsed(
        context.parent, "Team gateway", EXPLAINED, current or "",
        lambda typed: gateway_url(typed) if typed.strip() else None, multiline=False,
    )  # fmt: skip
    if not answered or url == current:
        return
    context.app_settings.set_team_gateway(url)  # every window's seats: the app's setting
    context.say(
        f"Seats now go through the team gateway at {url}."
        if url
        else "No team gateway: each seat goes straight to its provider."
    )


def follow(settings: AppSettings, gateway: Gateway) -> None:
    """Keep the app's gateway (one for every window) going through the team gateway the
    settings name, now and whenever they change."""
    gateway.team_gateway = settings.team_gateway()

    def changed(name: str) -> None:
        if name == app_settings.TEAM_GATEWAY:
            gateway.team_gateway = settings.team_gateway()

    settings.changed.connect(changed)
