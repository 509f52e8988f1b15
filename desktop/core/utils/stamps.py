"""Fresh ids and aware times: what every new record of a session is stamped with."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def new_id() -> str:
    """A fresh, globally unique id."""
    return str(uuid.uuid4())


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)
