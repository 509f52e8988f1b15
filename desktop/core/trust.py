"""Which endpoints and key variables the user has approved for sending.

A seat's ``api_base`` and ``api_key_env`` come from wherever the seat came from: the
user's own lineup, or a transcript file someone shared. The key that goes with a request
is the user's (from the keyring or the environment), so a file that names a stranger's
server, or a secret variable, must not get it: such a seat sends nothing until the user
approves that address and that variable on this machine. Approvals are kept in a small
JSON file beside the settings; one that cannot be read approves nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from desktop.core.records.model import Seat
from desktop.core.utils.atomic import write_atomic

# What an environment variable name looks like on every platform we run on; anything
# else in api_key_env (a pasted key, above all) is refused and never shown.
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def is_variable_name(text: str) -> bool:
    """Whether ``text`` can be an environment variable's name."""
    return _VARIABLE.fullmatch(text) is not None


def address_problem(api_base: str) -> str | None:
    """What makes ``api_base`` no web address a request can go to (no http(s) scheme, no
    host, a port that is not a number from 1 to 65535, a broken [IPv6] host), or None.

    Never raises: the address may come from a stranger's file, and urllib raises
    ValueError for a bad port or bracket only when the part is read."""
    try:
        parts = urlsplit(api_base.strip())
        port = parts.port
    except ValueError:
        return "its host or port cannot be read (a port is a number from 1 to 65535)"
    if parts.scheme.lower() not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "its port is 0"
    return None


def endpoint(api_base: str) -> str:
    """``api_base`` as approved and compared: scheme and host lower case, no trailing /.
    An address that cannot be read (see :func:`address_problem`) is kept as written."""
    if address_problem(api_base) is not None:
        return api_base.strip()
    parts = urlsplit(api_base.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{parts.scheme.lower()}://{host}{port}{parts.path.rstrip('/')}"


class Approvals:
    """The addresses and variables this user approved; kept at ``path`` (None: in memory)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.endpoints: set[str] = set()
        self.variables: set[str] = set()
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            endpoints, variables = data["endpoints"], data["key_variables"]
        except (OSError, ValueError, KeyError, TypeError):
            return  # nothing approved is the safe reading of a missing or damaged file
        if isinstance(endpoints, list) and isinstance(variables, list):
            self.endpoints = {e for e in endpoints if isinstance(e, str)}
            self.variables = {v for v in variables if isinstance(v, str)}

    def wanted(self, seat: Seat) -> list[str]:
        """What ``seat`` would send to that is not approved, in words (empty: nothing)."""
        wants = []
        if seat.api_base is not None and endpoint(seat.api_base) not in self.endpoints:
            wants.append(f"the address {endpoint(seat.api_base)}")
        if seat.api_key_env is not None and seat.api_key_env not in self.variables:
            wants.append(f"the key in ${seat.api_key_env}")
        return wants

    def refusal(self, seat: Seat) -> str | None:
        """Why nothing may be sent for ``seat`` yet, or None when it may."""
        problem = address_problem(seat.api_base) if seat.api_base is not None else None
        if problem is not None:
            return (
                f"Not sent: this seat's address is not one a request can go to: {problem}. "
                "Correct it in Session → Seats…, then Retry."
            )
        wants = self.wanted(seat)
        if not wants:
            return None
        return (
            f"Not sent: this seat's settings came with the session and use "
            f"{' and '.join(wants)}, which you have not approved on this computer. "
            "Use Session → Approve endpoints… if you trust them, then Retry."
        )

    def approve(self, seats: Iterable[Seat]) -> None:
        """Approve what ``seats`` use, and keep it. Raises OSError when it cannot be kept
        (the approval still holds until Roundtable quits)."""
        for seat in seats:
            if seat.api_base is not None:
                self.endpoints.add(endpoint(seat.api_base))
            if seat.api_key_env is not None:
                self.variables.add(seat.api_key_env)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {"endpoints": sorted(self.endpoints), "key_variables": sorted(self.variables)}
            write_atomic(self.path, json.dumps(data, indent=2).encode("utf-8"))
