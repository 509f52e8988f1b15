"""Help → About Roundtable: the version, the licence, and the libraries it is built on."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop.core.utils.about import LICENCE, libraries, version


class AboutDialog(QDialog):
    """What Roundtable is, which version, under which licence, and on what it runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Roundtable")
        self.resize(560, 480)
        self.heading = heading = QLabel(
            f"<h2>Roundtable {escape(version())}</h2>"
            "<p>Side-by-side model debates: one prompt to several AI assistants, their "
            "answers streamed side by side, saved as an annotated transcript.</p>"
            f"<p>Licence: {escape(LICENCE)}.</p>"
        )
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rows = "".join(
            f"<tr><td><b>{escape(lib.name)}</b></td><td>{escape(lib.version)}</td>"
            f"<td>{escape(lib.licence)}</td><td>{escape(lib.role)}</td></tr>"
            for lib in libraries()
        )
        self.libraries = QTextBrowser()
        self.libraries.setOpenLinks(False)  # nothing here is a link; nothing is fetched
        self.libraries.setHtml(
            "<p>Built on these libraries (version, licence, what for):</p>"
            f"<table cellspacing='0' cellpadding='3'>{rows}</table>"
            "<p>Qt is © The Qt Company, used under the LGPL 3.0.</p>"
        )
        self.libraries.setAccessibleName("Libraries and their licences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.libraries)
        layout.addWidget(buttons)


def show_about(parent: QWidget) -> AboutDialog:
    """Open the About box (not modal: nothing waits on it)."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
