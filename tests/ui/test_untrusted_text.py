"""Seat labels, titles, file names and error texts are a stranger's text: shown as text.

A label that starts with a tag turned a QLabel, tooltip or message box into rich text
that loads images and opens links; direction overrides made a name read as another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from desktop.core import transcript
from desktop.core.attachments import attachment_from_bytes
from desktop.core.records.model import Seat, Session
from desktop.ui.composer.attachment_chips import Chip
from desktop.ui.composer.forward_dialog import ForwardDialog
from desktop.ui.utils.shown import file_name, shown
from tests.ui.conftest import UI

Maker = Callable[..., UI]
HOSTILE = '<img src="file:///etc/passwd"><a href="file:///etc">Claude</a>'
SPOOF = "invoice\u202efdp.exe"


def rich_widgets(root: QWidget) -> list[str]:
    """Every label under ``root`` that Qt would read as HTML, and every tooltip that
    holds the hostile markup unescaped."""
    found = []
    for label in root.findChildren(QLabel):
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(label.text())
        )
        if rich and "<img" in label.text():
            found.append(f"label {label.text()!r}")
    for widget in [root, *root.findChildren(QWidget)]:
        if "<img" in widget.toolTip():
            found.append(f"tooltip {widget.toolTip()!r}")
    return found


def test_a_hostile_seat_label_and_title_show_as_text_everywhere(
    make_ui: Maker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", opened.append)
    shared = tmp_path / "shared.json"
    transcript.save_session(
        Session(title=HOSTILE, seats=[Seat(HOSTILE, "openai/m"), Seat(SPOOF, "openai/n")]),
        shared,
    )
    ui = make_ui()
    assert ui.window.files.open_path(shared)
    assert rich_widgets(ui.window) == []
    checks = [c.text() for c in ui.window.findChildren(QCheckBox)]
    assert shown(SPOOF) in checks, "the direction override is made visible"
    assert SPOOF not in checks

    dialog = ForwardDialog(ui.document.session.seats[0], ui.document.session.seats[1:])
    assert rich_widgets(dialog) == []
    dialog.deleteLater()
    ui.window.turns.remove_seat(ui.document.session.seats[0].id)
    box = ui.open_dialog(QMessageBox, "the remove question")
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.reject()
    assert opened == []


def test_a_spoofing_attachment_name_is_shown_and_suggested_safely(qtbot: object) -> None:
    chip = Chip(attachment_from_bytes(SPOOF, b"MZ"), "2 bytes")
    assert rich_widgets(chip) == []
    assert SPOOF not in chip.text.text()
    assert file_name(SPOOF) == "invoicefdp.exe"
