#!/usr/bin/env python3
"""Build Roundtable's one-folder bundle from the lock: ``python3 packaging/build.py``.

A build environment (``build/package-venv``) is made from ``requirements/package.txt``
(the app's own locked dependencies plus PyInstaller, every one hash-checked), then
PyInstaller runs ``packaging/roundtable.spec``. The bundle lands in ``dist/roundtable/``
and its size is reported. Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "package.txt"
BUILD = ROOT / "build"
VENV = BUILD / "package-venv"
STAMP = VENV / ".lock-sha256"
DIST = ROOT / "dist"
BUNDLE = DIST / "roundtable"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_build_env() -> Path:
    """The build environment, made or refreshed to match the lock exactly."""
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and _python().exists():
        return _python()
    print(f"Setting up {VENV.relative_to(ROOT)} from {LOCK.relative_to(ROOT)}…", file=sys.stderr)
    shutil.rmtree(VENV, ignore_errors=True)
    venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(_python()), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(LOCK)], check=True)
    STAMP.write_text(wanted + "\n")
    return _python()


def size_of(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# The X11 libraries Qt's xcb platform plugin needs that a stock desktop may lack (Ubuntu's
# and Debian's lack libxcb-cursor0, Debian's libxcb-icccm4 and libxcb-keysyms1 too, and
# Qt then aborts at start): the bundle carries them, so it starts there. PyInstaller
# takes each from the build machine, which must have them (.ci/run installs them).
CARRIED = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def missing_carried(bundle: Path) -> list[str]:
    """The libraries of ``CARRIED`` the bundle lacks (Linux; elsewhere none apply)."""
    if not sys.platform.startswith("linux"):
        return []
    return [name for name in CARRIED if not (bundle / "_internal" / name).is_file()]


def build() -> Path:
    """Build the bundle; its folder."""
    python = ensure_build_env()
    work = ["--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller")]
    spec = str(ROOT / "packaging" / "roundtable.spec")
    pyinstaller = [str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    subprocess.run([*pyinstaller, *work, spec], check=True, cwd=ROOT)
    return BUNDLE


def main() -> int:
    bundle = build()
    lacking = missing_carried(bundle)
    if lacking:
        packages = " ".join(CARRIED[name] for name in lacking)
        print(
            f"The bundle lacks {', '.join(lacking)}, which a stock desktop may lack too: "
            f"install them on this build machine (Debian: apt-get install {packages}) and "
            "build again.",
            file=sys.stderr,
        )
        return 1
    print(f"Built {bundle.relative_to(ROOT)}: {size_of(bundle) / 1e6:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
