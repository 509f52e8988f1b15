"""View → Appearance (light, dark, as the system) and Help → About Roundtable, in the
real window."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from desktop import __version__
from desktop.core.utils.about import LIBRARIES
from desktop.ui.shell import appearance
from desktop.ui.shell.about_dialog import AboutDialog
from desktop.ui.utils import app_settings
from tests.ui.conftest import UI

Maker = Callable[..., UI]


@pytest.fixture(autouse=True)
def system_scheme_after() -> Iterator[None]:
    yield
    appearance.apply("system")  # the palette is the whole app's: no test leaves it dark


def action(ui: UI, text: str) -> QAction:
    return next(a for a in ui.window.findChildren(QAction) if a.text() == text)


def test_dark_and_light_are_chosen_from_the_view_menu_and_kept(make_ui: Maker) -> None:
    ui, other = make_ui(), make_ui()  # two windows, one settings file
    assert action(ui, "As the &system").isChecked()
    action(ui, "&Dark").trigger()
    assert appearance.is_dark(QApplication.palette())
    ui.wait(lambda: appearance.is_dark(ui.window.palette()), "the open window to turn dark")
    assert ui.window.settings.value(app_settings.APPEARANCE) == "dark", "kept in the file"
    assert other.window.app_settings.appearance() == "dark"

    menu = action(other, "&Dark").parent()
    assert isinstance(menu, QMenu)
    menu.aboutToShow.emit()
    assert action(other, "&Dark").isChecked(), "the menu says what is chosen now"

    action(ui, "&Light").trigger()
    assert not appearance.is_dark(QApplication.palette())
    assert ui.window.settings.value(app_settings.APPEARANCE) == "light"
    ui.window.settings.setValue(app_settings.APPEARANCE, "purple")  # a damaged settings file
    assert ui.window.app_settings.appearance() == "system"


def test_the_about_box_names_the_version_the_licence_and_each_librarys(make_ui: Maker) -> None:
    ui = make_ui()
    action(ui, "&About Roundtable").trigger()
    dialog = ui.open_dialog(AboutDialog, "the About box")
    listed = dialog.libraries.toPlainText()
    assert f"Roundtable {__version__}" in dialog.heading.text()
    assert "Licence: MIT." in dialog.heading.text()
    for name, _role in LIBRARIES:
        assert name in listed
        assert importlib.metadata.version(name) in listed
    assert "LGPL-3.0-only" in listed, "Qt's licence"
    assert "MIT" in listed
    dialog.close()
