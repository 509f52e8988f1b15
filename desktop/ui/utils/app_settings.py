"""The app's own settings, one object for all its windows.

Every setting is declared once here: its key in the settings file, its default, and how
a stored value is checked (a value that cannot be read is the default, never an error:
the file is the user's, but an older release or a hand edit may have damaged it). A
change is announced by :attr:`AppSettings.changed` with the setting's name, so every
window applies the new value itself: attachment limits, the team gateway, the library
folder, the recent files and the appearance are the app's, not a window's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from desktop.core.attachments import DEFAULT_LIMITS, MAX_FILE_SIZE, MB, AttachmentLimits
from desktop.core.session import prompt_presets
from desktop.providers.routing import gateway_url

# The names ``changed`` carries (each is also the setting's key, or its keys' prefix).
LIMITS = "attachments/limits"
TEAM_GATEWAY = "gateway/url"
LIBRARY_FOLDER = "library/folder"
RECENT_FILES = "recent"
RECENT_REACTIONS = "reactions/recent"  # the emoji used last, first in the picker
APPEARANCE = "appearance/scheme"
PROMPT_PRESETS = "seats/prompt_presets"
PANE_WIDTHS = "pane_widths"  # one key per number of panes: pane_widths/3
WINDOW_GEOMETRY, MAIN_SPLITTER = "geometry", "main_splitter"

_PER_FILE, _PER_TURN = "attachments/per_file_mb", "attachments/per_turn_mb"
APPEARANCES = ("system", "light", "dark")
MAX_RECENT_FILES = 8
MAX_RECENT_REACTIONS = 6


class AppSettings(QObject):
    """The settings every window shares; ``changed(name)`` after one is set."""

    changed = Signal(str)

    def __init__(self, store: QSettings | None = None) -> None:
        super().__init__()
        self.store = store if store is not None else QSettings()

    # -- attachment limits ---------------------------------------------------------------

    def limits(self) -> AttachmentLimits:
        """How big a file and a turn's files may be (MB in the file; an earlier release
        allowed files up to 150 MB, which now means the most any file may be)."""
        values = []
        for key, default in (
            (_PER_FILE, DEFAULT_LIMITS.per_file),
            (_PER_TURN, DEFAULT_LIMITS.per_turn),
        ):
            try:
                megabytes = float(str(self.store.value(key, default / MB)))
            except ValueError:
                megabytes = default / MB
            values.append(round(megabytes * MB) if megabytes > 0 else default)
        return AttachmentLimits(per_file=min(values[0], MAX_FILE_SIZE), per_turn=values[1])

    def set_limits(self, limits: AttachmentLimits) -> None:
        """Keep ``limits`` and tell every window."""
        self.store.setValue(_PER_FILE, limits.per_file / MB)
        self.store.setValue(_PER_TURN, limits.per_turn / MB)
        self.changed.emit(LIMITS)

    # -- the team gateway ----------------------------------------------------------------

    def team_gateway(self) -> str | None:
        """The team's LiteLLM proxy; None when there is none (or the stored one is damaged)."""
        value = self.store.value(TEAM_GATEWAY, "")
        if not isinstance(value, str) or not value:
            return None
        try:
            return gateway_url(value)
        except ValueError:
            return None

    def set_team_gateway(self, url: str | None) -> None:
        """Keep the proxy's address (None: none) and tell every window."""
        if url is None:
            self.store.remove(TEAM_GATEWAY)
        else:
            self.store.setValue(TEAM_GATEWAY, gateway_url(url))
        self.changed.emit(TEAM_GATEWAY)

    # -- the library folder --------------------------------------------------------------

    def library_folder(self) -> Path | None:
        """The library folder the user chose; None: the default one."""
        value = self.store.value(LIBRARY_FOLDER)
        return Path(value) if isinstance(value, str) and value else None

    def set_library_folder(self, folder: Path) -> None:
        """Keep the library folder and tell every window."""
        self.store.setValue(LIBRARY_FOLDER, str(folder))
        self.changed.emit(LIBRARY_FOLDER)

    # -- recent files and reactions ------------------------------------------------------

    def recent_files(self) -> list[Path]:
        """The sessions opened or saved last, newest first (every window's)."""
        return [Path(p) for p in self._strings(RECENT_FILES, MAX_RECENT_FILES)]

    def remember_file(self, path: Path) -> None:
        """Put ``path`` first in the recent files, and tell every window."""
        self._put_first(RECENT_FILES, str(path), MAX_RECENT_FILES)

    def recent_reactions(self) -> list[str]:
        """The emoji used last, newest first."""
        return [e[:16] for e in self._strings(RECENT_REACTIONS, MAX_RECENT_REACTIONS)]

    def remember_reaction(self, emoji: str) -> None:
        """Put ``emoji`` first in the recent reactions."""
        self._put_first(RECENT_REACTIONS, emoji, MAX_RECENT_REACTIONS)

    def _strings(self, key: str, most: int) -> list[str]:
        value = self.store.value(key, [])
        # QSettings hands back one string for a one-item list, in INI files.
        items = value if isinstance(value, list) else [value] if value else []
        return [str(item) for item in items if isinstance(item, str) and item][:most]

    def _put_first(self, key: str, item: str, most: int) -> None:
        items = [item, *[i for i in self._strings(key, most) if i != item]][:most]
        self.store.setValue(key, items)
        self.changed.emit(key)

    # -- how the app looks ---------------------------------------------------------------

    def appearance(self) -> str:
        """The colour scheme the user chose: one of :data:`APPEARANCES`."""
        value = self.store.value(APPEARANCE, "system")
        return value if value in APPEARANCES else "system"

    def set_appearance(self, choice: str) -> None:
        """Keep the colour scheme ``choice`` and tell the app."""
        if choice not in APPEARANCES:
            raise ValueError(f"not an appearance: {choice!r}")
        self.store.setValue(APPEARANCE, choice)
        self.changed.emit(APPEARANCE)

    def pane_widths(self, count: int) -> list[float] | None:
        """The widths last chosen for ``count`` panes, as fractions; None: equal ones.
        Kept per count: three panes sized for prose say nothing about five."""
        stored = self.store.value(f"{PANE_WIDTHS}/{count}")
        if not isinstance(stored, str):
            return None
        try:
            fractions = [float(part) for part in stored.split(",")]
        except ValueError:
            return None
        if len(fractions) != count or any(not 0 < f <= 1 for f in fractions):
            return None
        return fractions

    def set_pane_widths(self, fractions: list[float]) -> None:
        """Keep the widths of this many panes (not announced: each window keeps its own
        until it next lays out that many)."""
        value = ",".join(f"{f:.4f}" for f in fractions)
        self.store.setValue(f"{PANE_WIDTHS}/{len(fractions)}", value)

    def window_place(self) -> tuple[QByteArray | None, QByteArray | None]:
        """Where the last window closed was, and how its panes and composer were split
        (Qt's own saved states, which Qt checks when they are restored)."""
        values = (self.store.value(WINDOW_GEOMETRY), self.store.value(MAIN_SPLITTER))
        geometry, splitter = (v if isinstance(v, QByteArray) else None for v in values)
        return geometry, splitter

    def set_window_place(self, geometry: QByteArray, splitter: QByteArray) -> None:
        """Keep a closing window's place, for the next window opened."""
        self.store.setValue(WINDOW_GEOMETRY, geometry)
        self.store.setValue(MAIN_SPLITTER, splitter)

    # -- seats ---------------------------------------------------------------------------

    def prompt_presets(self) -> list[tuple[str, str]]:
        """The user's system-prompt presets, or ours when she has none."""
        saved = self.store.value(PROMPT_PRESETS)
        presets = prompt_presets.parse(saved) if isinstance(saved, str) else []
        return presets or list(prompt_presets.DEFAULTS)

    def set_prompt_presets(self, presets: list[tuple[str, str]]) -> None:
        """Keep ``presets`` (none: ours again)."""
        self.store.setValue(PROMPT_PRESETS, prompt_presets.render(presets))
        self.changed.emit(PROMPT_PRESETS)
