"""The app's own settings, one object for all its windows.

Attachment limits, the team gateway and the library folder are the app's, not a
window's: one window changing them changes them for every window, at once. Each is
declared once here (its key, its default, how a stored value is checked), kept in the
settings file, and announced by :attr:`AppSettings.changed` so that every window applies
the new value itself. A stored value that cannot be read is the default.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from desktop.core.attachments import DEFAULT_LIMITS, MAX_FILE_SIZE, MB, AttachmentLimits
from desktop.providers.routing import gateway_url

LIMITS = "attachments/limits"
TEAM_GATEWAY = "gateway/url"
LIBRARY_FOLDER = "library/folder"
_PER_FILE, _PER_TURN = "attachments/per_file_mb", "attachments/per_turn_mb"


class AppSettings(QObject):
    """The settings every window shares; ``changed(key)`` after one is set."""

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
