"""Linux desktop integration: the menu entry and AppStream metadata pass the freedesktop
validators, and packaging/linux/install.sh installs them with the icons and the
transcript file type (all in resources/), which the desktop's MIME database then recognises (by name and
by content), and removes them again."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import PYTHON, ROOT

LINUX = ROOT / "resources" / "linux"
INSTALL = ROOT / "packaging" / "linux" / "install.sh"
APP_ID = "org.roundtable.Roundtable"
SESSION_TYPE = "application/x-roundtable-session"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: see .ci/run)")
    return found


def test_the_menu_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate"), str(LINUX / f"{APP_ID}.desktop")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_the_appstream_metadata_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    executable = bundle / "roundtable"
    executable.write_text("#!/bin/sh\necho roundtable 0.0.0\n")
    executable.chmod(0o755)
    return bundle


def install(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    return subprocess.run(
        ["sh", str(INSTALL), *args],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip


def mime_type_of(path: Path, data_home: Path) -> str:
    """The MIME type Qt's database (the desktop's shared-mime-info) gives ``path``."""
    code = textwrap.dedent(f"""
        from PySide6.QtCore import QCoreApplication, QMimeDatabase
        app = QCoreApplication([])
        print(QMimeDatabase().mimeTypeForFile({str(path)!r}).name())
    """)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(data_home),
        "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
    }
    return subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()


def test_install_puts_the_app_in_the_menu_with_its_icons_and_file_type(tmp_path: Path) -> None:
    tool("update-mime-database")
    home = tmp_path / "Jo's home"  # a space and a quote in the path must not break it
    home.mkdir()
    installed = install(home, str(fake_bundle(tmp_path)))
    assert installed.returncode == 0, installed.stderr

    share = home / ".local" / "share"
    entry = share / "applications" / f"{APP_ID}.desktop"
    app = home / ".local" / "lib" / "roundtable" / "roundtable"
    assert f'Exec="{app}" %F' in entry.read_text()
    assert subprocess.run([str(home / ".local" / "bin" / "roundtable")], capture_output=True,
                          text=True, check=True).stdout == "roundtable 0.0.0\n"  # fmt: skip
    for size in (16, 32, 48, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                                 text=True, check=False)  # fmt: skip
        assert checked.returncode == 0, checked.stdout

    named = tmp_path / "Hot dogs.roundtable.json"
    named.write_text('{"format": "roundtable.session", "version": 2}')
    sniffed = tmp_path / "downloaded-session"
    sniffed.write_text('{\n  "format": "roundtable.session",\n  "version": 2\n}\n')
    plain = tmp_path / "other.json"
    plain.write_text('{"format": "something else"}')
    assert mime_type_of(named, share) == SESSION_TYPE
    assert mime_type_of(sniffed, share) == SESSION_TYPE, "found by its content"
    assert mime_type_of(plain, share) == "application/json"
    assert SESSION_TYPE in entry.read_text(), "double-click opens it with Roundtable"

    removed = install(home, "--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists()
    assert not app.exists()
    assert not (home / ".local" / "bin" / "roundtable").exists()
    assert mime_type_of(named, share) == "application/json"


def test_install_leaves_another_roundtable_command_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    own = home / ".local" / "bin" / "roundtable"
    own.parent.mkdir(parents=True)
    own.write_text("#!/bin/sh\necho pip-installed\n")
    assert install(home, str(fake_bundle(tmp_path))).returncode == 0
    assert install(home, "--uninstall").returncode == 0
    assert own.read_text() == "#!/bin/sh\necho pip-installed\n"


def test_install_without_a_bundle_says_how_to_build_one(tmp_path: Path) -> None:
    result = install(tmp_path, str(tmp_path / "nothing-here"))
    assert result.returncode == 1
    assert "build it first with python3 packaging/build.py" in result.stderr
