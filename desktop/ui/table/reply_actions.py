"""The actions on one reply: one table for the pane's tool bar and the Reply menu."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyAction:
    """One action on a pane's current reply (or on its seat)."""

    key: str
    button: str  # the pane's tool-bar text
    menu: str  # the Reply menu's text, with its mnemonic
    tip: str
    shortcut: str | None = None


REPLY_ACTIONS = (
    ReplyAction(
        "stop", "Stop", "S&top this answer", "Stop this answer, keeping its text", "Ctrl+."
    ),
    ReplyAction("retry", "Retry", "&Retry", "Ask again with exactly the same messages", "Ctrl+R"),
    ReplyAction(
        "continue",
        "Continue",
        "&Continue after a cut",
        "Ask the seat to go on from the text kept",
        "Ctrl+Shift+R",
    ),
    ReplyAction("copy", "Copy", "&Copy as Markdown", "Copy the answer as Markdown", "Ctrl+Shift+C"),
    ReplyAction(
        "forward", "Forward…", "&Forward to…", "Send this answer to other seats", "Ctrl+Shift+F"
    ),
    ReplyAction(
        "quote",
        "Quote",
        "&Quote into composer",
        "Quote this answer into the composer",
        "Ctrl+Shift+Q",
    ),
    ReplyAction(
        "sent",
        "Sent…",
        "What was &sent…",
        "The exact messages and settings this answer replied to",
        "Ctrl+Shift+I",
    ),
    ReplyAction("key", "Add key…", "Add &key…", "Store this provider's API key in the OS keyring"),
    ReplyAction(
        "remove",
        "Remove",
        "Re&move seat",
        "Take this seat from the table (its answers stay in the session)",
    ),
)
