"""The window's start check: a Qt platform plugin that cannot load is said, with the
packages that bring what it lacks, and the process exits 1 (Qt itself aborts)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import platform_check
from tests.conftest import PYTHON, ROOT, subprocess_env

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's check")


def real_plugin(name: str) -> Path:
    folder = next(f for f in platform_check.plugin_folders({}) if (f / f"libq{name}.so").is_file())
    return folder / f"libq{name}.so"


def test_a_plugin_whose_libraries_cannot_be_found_is_said_and_exits_1(tmp_path: Path) -> None:
    """A copy of Qt's xcb plugin in a scratch folder: its own Qt libraries (found beside
    the real one, through $ORIGIN) do not resolve there."""
    platforms = tmp_path / "platforms"
    platforms.mkdir()
    shutil.copy(real_plugin("xcb"), platforms / "libqxcb.so")
    env = subprocess_env(
        QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms), DISPLAY=":99"
    )
    env.pop("QT_PLUGIN_PATH", None)
    started = subprocess.run(
        [PYTHON, "-m", "desktop"], capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=120, check=False,
    )  # fmt: skip
    assert started.returncode == 1, started.stderr  # not -6: Qt's abort
    said = started.stderr
    assert "cannot open its window: Qt's xcb platform plugin needs system libraries" in said
    assert "libQt6XcbQpa.so.6" in said
    assert "this install of Roundtable is incomplete" in said
    assert "Traceback" not in said


def test_the_packages_are_named_for_each_distribution() -> None:
    lines = platform_check.install_lines(
        ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-shape.so.0", "libQt6Gui.so.6"]
    )
    assert lines == [
        "  Debian, Ubuntu:  sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-shape0",
        "  Fedora:          sudo dnf install xcb-util-cursor xcb-util-wm libxcb",
        "  Arch:            sudo pacman -S xcb-util-cursor xcb-util-wm libxcb",
    ]
    assert platform_check.install_lines(["libQt6Gui.so.6"]) == []


def test_which_plugins_qt_tries_and_a_session_without_a_display() -> None:
    assert platform_check.platforms({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert platform_check.platforms({"QT_QPA_PLATFORM": "offscreen:fontengine=x"}) == ["offscreen"]
    wayland = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert platform_check.platforms(wayland) == ["wayland", "xcb"]
    assert platform_check.platforms({"DISPLAY": ":0"}) == ["xcb"]
    no_display = platform_check.problem({})
    assert no_display is not None
    assert "no display" in no_display
    assert platform_check.problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    gone = platform_check.problem({"QT_QPA_PLATFORM": "nosuchplatform"})
    assert gone is not None
    assert "is not in this install" in gone
