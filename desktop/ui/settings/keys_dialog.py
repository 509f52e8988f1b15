"""Settings → Keys: one row per provider, where its key comes from (never the key), and
Add or replace, Remove, Test.

A key goes into the OS keyring. Where there is none (a Linux box without a Secret
Service) it can be kept for this session only: in memory, handed to the provider worker,
never written anywhere; the dialog says which it is. Keyring calls can block (an unlock
prompt), so they run off the UI thread; Test runs a one-token reply (``key_check``).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop.core.records.events import Gateway, ReplyRequest
from desktop.core.session.key_check import check_key, check_request
from desktop.providers.keys import (
    ENV_VARS,
    KeyLookup,
    find_key,
    forget_key,
    provider_name,
    provider_of,
)
from desktop.providers.routing import PROXY, route
from desktop.ui.settings.key_dialog import ask_key
from desktop.ui.utils.window_context import WindowContext

OUTCOME_WORDS = {
    "works": "Works.",
    "rejected": "Rejected: the provider does not accept this key.",
    "no network": "No answer: the network or the provider cannot be reached.",
    "rate-limited": "The key works, but the provider is limiting requests right now.",
    "failed": "The test call failed",
}


class KeysDialog(QDialog):
    """Where each provider's key comes from, and ways to change it."""

    def __init__(self, context: WindowContext) -> None:
        super().__init__(context.parent)
        self.context = context
        self.setWindowTitle("Keys")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        grid = QGridLayout()
        self.sources: dict[str, QLabel] = {}
        self.results: dict[str, QLabel] = {}
        for place, provider in enumerate(ENV_VARS):
            name = QLabel(f"<b>{provider_name(provider)}</b>")
            source, result = QLabel("…"), QLabel()
            source.setAccessibleName(f"{provider_name(provider)} key source")
            result.setWordWrap(True)
            grid.addWidget(name, place, 0)
            grid.addWidget(source, place, 1)
            for at, (label, slot) in enumerate(
                (("Add or replace…", self.add), ("Remove", self.remove), ("Test", self.test)), 2
            ):
                button = QPushButton(label)
                button.setAccessibleName(f"{label.rstrip('…')} {provider_name(provider)} key")
                button.clicked.connect(lambda _=False, p=provider, s=slot: s(p))
                grid.addWidget(button, place, at)
            grid.addWidget(result, place, 5)
            self.sources[provider], self.results[provider] = source, result
        grid.setColumnStretch(5, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.keyring_note)
        column.addLayout(grid)
        column.addWidget(close)
        self.resize(980, 420)

    @property
    def gateway(self) -> Gateway:
        return self.context.document.engine.gateway

    async def refresh(self) -> None:
        """Look every key up again (off the UI thread) and say where each comes from."""
        lookups: dict[str, KeyLookup] = await asyncio.to_thread(
            lambda: {p: find_key(p) for p in ENV_VARS}
        )
        no_keyring = any(found.notes for found in lookups.values())
        self.keyring_note.setText(
            "There is no OS keyring here: a key you add is kept for this session only, in "
            "memory, and never written anywhere. To keep one, set its environment "
            "variable before starting Roundtable."
            if no_keyring
            else "Keys you add are stored in the OS keyring, never in a session file."
        )
        for provider, found in lookups.items():
            self.sources[provider].setText((found.source or "") if found.key else "none")

    def add(self, provider: str) -> None:
        """Ask for ``provider``'s key, then keep it (keyring, or this session only)."""
        self.context.tasks.spawn(self._keep(provider))

    async def _keep(self, provider: str) -> None:
        from desktop.providers.keys import store_key

        key = await ask_key(self, provider)
        if not key:
            return
        try:
            await asyncio.to_thread(store_key, provider, key)
            where = "Stored in the OS keyring."
        except Exception:  # NoKeyringError, a locked or broken Secret Service
            where = "No OS keyring: kept for this session only, never written."
            self.gateway.use_key(provider, key)  # the worker reads the keyring otherwise
        self.results[provider].setText(where)
        await self.refresh()

    def remove(self, provider: str) -> None:
        """Forget ``provider``'s key: from the keyring and this session."""
        self.context.tasks.spawn(self._remove(provider))

    async def _remove(self, provider: str) -> None:
        await asyncio.to_thread(forget_key, provider)
        self.gateway.use_key(provider, None)
        found = await asyncio.to_thread(find_key, provider)
        self.results[provider].setText(
            f"Removed. Still found in {found.source}." if found.key else "Removed."
        )
        await self.refresh()

    def test(self, provider: str) -> None:
        """Make the cheapest call the provider allows and say what happened."""
        self.results[provider].setText("Testing…")
        self.context.tasks.spawn(self._test(provider))

    async def _test(self, provider: str) -> None:
        found = await asyncio.to_thread(find_key, provider)
        if not found.key:
            self.results[provider].setText("No key to test: add one first.")
            return
        request = check_request(provider) if provider != PROXY else self._proxy_check()
        if request is None:
            self.results[provider].setText(
                "Nothing to test it on: set Settings → Team gateway…, or give a seat "
                "a litellm_proxy/… model, first."
            )
            return
        outcome = await check_key(self.gateway, request)
        words = OUTCOME_WORDS[outcome.outcome]
        detail = (
            f" ({outcome.detail[:200]})" if outcome.outcome == "failed" and outcome.detail else ""
        )
        self.results[provider].setText(words + detail)

    def _proxy_check(self) -> ReplyRequest | None:
        """A one-token call through the team's proxy, of a model the table uses there
        (a proxy's model names are the team's own: there is no cheapest one to guess)."""
        seats = self.context.document.session.active_seats
        for seat in seats:
            if provider_of(seat.model) == PROXY and seat.api_base:
                return check_request(PROXY, seat.api_base, seat.model)
        gateway = self.context.app_settings.team_gateway()
        for seat in seats:
            request = replace(check_request(PROXY, model=seat.model), team_gateway=gateway)
            if gateway and route(request).provider == PROXY:
                return request
        return None


def open_keys(context: WindowContext) -> KeysDialog:
    """Show the keys dialog (Settings → Keys…) and fill it in."""
    dialog = KeysDialog(context)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    context.tasks.spawn(dialog.refresh())
    return dialog
