"""Light, dark, or as the platform says: the app's colour scheme (View → Appearance).

Qt follows the platform's scheme only where its platform theme reports one (GNOME and
KDE through the desktop portal, Windows, macOS); elsewhere, and when the user picks one,
the Fusion palette for that scheme is set here, so every window and dialog follows.
The choice is the app's setting (:class:`~desktop.ui.utils.app_settings.AppSettings`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from desktop.ui.utils.app_settings import AppSettings

_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}

# Fusion's roles for a dark scheme; "mid" is the secondary text of pane headers, so it
# is kept readable on the window colour (about 4.5:1), not merely visible.
_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#e8e8e8",
    QPalette.ColorRole.PlaceholderText: "#8f8f8f",
    QPalette.ColorRole.Text: "#e8e8e8",
    QPalette.ColorRole.Button: "#363636",
    QPalette.ColorRole.ButtonText: "#e8e8e8",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#3e3e3e",
    QPalette.ColorRole.Mid: "#9a9a9a",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7fd6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7ab8ff",
    QPalette.ColorRole.LinkVisited: "#c39bff",
}
_DARK_DISABLED = (
    QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.ButtonText,
)


def dark_palette() -> QPalette:
    """Fusion's colours for a dark scheme."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in _DARK_DISABLED:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply(choice: str) -> None:
    """Use the scheme ``choice`` names in every window from now on."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    hints = app.styleHints()
    if choice == "system":
        hints.unsetColorScheme()
    else:
        hints.setColorScheme(_SCHEMES[choice])  # native parts: title bars, dialogs
    # The platform's own palette first: it follows the scheme where the platform can
    # (and keeps its accent colours); Fusion's dark one only where it stays light.
    app.setPalette(QPalette())
    dark = choice == "dark" or (choice == "system" and hints.colorScheme() is Qt.ColorScheme.Dark)
    if dark and not is_dark(app.palette()):
        app.setPalette(dark_palette())


def follow(settings: AppSettings) -> None:
    """Apply the saved choice, and again whenever the platform's scheme changes."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    apply(settings.appearance())

    def changed(_scheme: Qt.ColorScheme) -> None:
        if settings.appearance() == "system":
            apply("system")

    app.styleHints().colorSchemeChanged.connect(changed)


def choose(settings: AppSettings, choice: str) -> None:
    """Keep ``choice`` as the app's and use it now (in every window: the palette is the
    application's)."""
    settings.set_appearance(choice)
    apply(choice)
