"""Dialogs that a background job can wait for without stopping every other job.

A modal ``exec()`` inside an asyncio task runs a nested event loop in which no other
task may take a step (qasync: "Cannot enter into task … while another task is being
executed"): a reply streaming meanwhile froze for good. These open the dialog
window-modal with ``open()`` and await its ``finished`` signal instead, so the loop
goes on. Every text they show is plain text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.ui.utils.shown import shown

Button = QMessageBox.StandardButton
T = TypeVar("T")


async def finished(dialog: QDialog) -> int:
    """Show ``dialog`` window-modal and wait until it closes; its result code.

    A dialog destroyed unanswered (its window was) cancels the waiting job: nobody is
    left to answer, and a job waiting forever would hold up the app's exit.
    """
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_finished(result: int) -> None:
        if not done.done():
            done.set_result(result)

    def on_destroyed() -> None:
        if not done.done():
            done.cancel()

    dialog.finished.connect(on_finished)
    dialog.destroyed.connect(on_destroyed)
    dialog.open()
    return await done


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, shown(title), "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(shown(text))
    return box


async def question(parent: QWidget, title: str, text: str, buttons: Button) -> Button:
    """Ask; the button chosen (Cancel or Escape gives the escape button)."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    box.setStandardButtons(buttons)
    await finished(box)
    box.deleteLater()
    return box.standardButton(box.clickedButton())


async def choose_buttons(
    parent: QWidget, title: str, text: str, choices: list[tuple[str, QMessageBox.ButtonRole]]
) -> int:
    """Ask with buttons of our own words; the index of the one chosen (-1: none)."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    buttons = [box.addButton(label, role) for label, role in choices]
    box.setDefaultButton(buttons[0])
    await finished(box)
    clicked = box.clickedButton()
    box.deleteLater()
    return next((i for i, b in enumerate(buttons) if b is clicked), -1)


async def save_path(parent: QWidget, caption: str, suggested: str, filters: str) -> str:
    """Ask where to save; "" when cancelled."""
    dialog = QFileDialog(parent, caption, "", filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(suggested)
    return await _chosen_file(dialog)


async def open_path(parent: QWidget, caption: str, filters: str) -> str:
    """Ask which file to open; "" when cancelled."""
    dialog = QFileDialog(parent, caption, "", filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return await _chosen_file(dialog)


async def open_paths(parent: QWidget, caption: str, filters: str = "") -> list[str]:
    """Ask which files to open (several may be chosen); [] when cancelled."""
    dialog = QFileDialog(parent, caption, "", filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    accepted = await finished(dialog) == QDialog.DialogCode.Accepted
    files = dialog.selectedFiles()
    dialog.deleteLater()
    return files if accepted else []


async def _chosen_file(dialog: QFileDialog) -> str:
    accepted = await finished(dialog) == QDialog.DialogCode.Accepted
    files = dialog.selectedFiles()
    dialog.deleteLater()
    return files[0] if accepted and files else ""


def warn(parent: QWidget, title: str, text: str) -> None:
    """Say something went wrong, without waiting for the user to read it."""
    tell(parent, title, text, QMessageBox.Icon.Warning)


def tell(
    parent: QWidget, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
) -> None:
    """Tell the user something, without waiting for them to read it."""
    box = _box(parent, icon, title, text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


async def text(
    parent: QWidget, title: str, label: str, value: str = "", multiline: bool = True
) -> str | None:
    """Ask for a line or more of text; None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(shown(title))
    dialog.setLabelText(shown(label))
    dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, multiline)
    dialog.setTextValue(value)
    accepted = await finished(dialog) == QDialog.DialogCode.Accepted
    answer = dialog.textValue()
    dialog.deleteLater()
    return answer if accepted else None


async def item(parent: QWidget, title: str, label: str, items: list[str]) -> int | None:
    """Ask for one of ``items`` (shown as they are given); its index, None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(shown(title))
    dialog.setLabelText(shown(label))
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    accepted = await finished(dialog) == QDialog.DialogCode.Accepted
    chosen = dialog.textValue()
    dialog.deleteLater()
    return items.index(chosen) if accepted and chosen in items else None


async def parsed(
    parent: QWidget,
    title: str,
    label: str,
    value: str,
    parse: Callable[[str], T],
    multiline: bool = True,
) -> tuple[bool, T | None]:
    """Ask for text and read it with ``parse``: (True, what it read), or (False, None)
    when cancelled or unreadable (``parse``'s ValueError is said in a warning)."""
    typed = await text(parent, title, label, value, multiline)
    if typed is None:
        return False, None
    try:
        return True, parse(typed)
    except ValueError as exc:
        warn(parent, title, str(exc))
        return False, None
