"""The app's settings: each read back as it was kept, a damaged value read as its
default (the file may come from an older release or a hand edit), and a change made in
one window seen in the others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from desktop.core.session import prompt_presets
from desktop.ui.utils import app_settings
from desktop.ui.utils.app_settings import MAX_RECENT_FILES, AppSettings
from tests.ui.conftest import UI


@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_each_setting_is_read_back_as_it_was_kept(store: QSettings, tmp_path: Path) -> None:
    settings = AppSettings(store)
    told: list[str] = []
    settings.changed.connect(told.append)
    for number in range(MAX_RECENT_FILES + 2):
        settings.remember_file(tmp_path / f"{number}.json")
    settings.remember_file(tmp_path / "3.json")
    settings.remember_reaction("🎤")
    settings.set_appearance("dark")
    settings.set_prompt_presets([("Terse", "One line.")])
    settings.set_pane_widths([0.5, 0.25, 0.25])
    settings.set_window_place(QByteArray(b"geometry"), QByteArray(b"splitter"))

    again = AppSettings(QSettings(store.fileName(), QSettings.Format.IniFormat))
    recent = again.recent_files()
    assert recent[0] == tmp_path / "3.json", "the last one opened first"
    assert len(recent) == MAX_RECENT_FILES
    assert again.recent_reactions() == ["🎤"]
    assert again.appearance() == "dark"
    assert again.prompt_presets() == [("Terse", "One line.")]
    assert again.pane_widths(3) == [0.5, 0.25, 0.25]
    assert again.pane_widths(2) is None, "kept per number of panes"
    assert again.window_place() == (QByteArray(b"geometry"), QByteArray(b"splitter"))
    assert app_settings.RECENT_FILES in told
    assert app_settings.APPEARANCE in told


@pytest.mark.parametrize(
    ("key", "damaged", "read"),
    [
        (app_settings.RECENT_FILES, 42, lambda s: s.recent_files() == []),
        (app_settings.RECENT_REACTIONS, "x" * 100, lambda s: s.recent_reactions() == ["x" * 16]),
        (app_settings.APPEARANCE, "purple", lambda s: s.appearance() == "system"),
        (app_settings.PROMPT_PRESETS, "no colon", lambda s: s.prompt_presets() == list(
            prompt_presets.DEFAULTS
        )),
        (f"{app_settings.PANE_WIDTHS}/3", "0.5,lots,0.2", lambda s: s.pane_widths(3) is None),
        (f"{app_settings.PANE_WIDTHS}/2", "0.5,-1", lambda s: s.pane_widths(2) is None),
        (f"{app_settings.PANE_WIDTHS}/2", "0.5,0.5,0.5", lambda s: s.pane_widths(2) is None),
        (app_settings.WINDOW_GEOMETRY, "not Qt's", lambda s: s.window_place()[0] is None),
        (app_settings.TEAM_GATEWAY, "javascript:alert(1)", lambda s: s.team_gateway() is None),
        ("attachments/per_file_mb", "lots", lambda s: s.limits().per_file > 0),
    ],
)  # fmt: skip
def test_a_damaged_value_is_read_as_its_default(
    store: QSettings, key: str, damaged: object, read: Callable[[AppSettings], bool]
) -> None:
    store.setValue(key, damaged)
    assert read(AppSettings(store))


def test_an_appearance_that_is_not_one_is_refused(store: QSettings) -> None:
    with pytest.raises(ValueError, match="not an appearance"):
        AppSettings(store).set_appearance("purple")


def test_a_session_saved_in_one_window_is_in_every_windows_open_recent_menu(
    make_ui: Callable[..., UI], tmp_path: Path
) -> None:
    first, second = make_ui(), make_ui()
    path = tmp_path / "kept.roundtable.json"
    saving = first.window.tasks.spawn(first.window.files.save_as())
    first.choose_file(path)
    first.wait(saving.done, "the save")
    assert path.exists()
    names = [a.text() for a in second.window.files.recent_menu.actions()]
    assert names == [str(path)]
    assert second.window.files.recent_menu.isEnabled()
