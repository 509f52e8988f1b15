"""Whether Qt's platform plugin can load here, asked before Qt starts.

Qt 6's xcb plugin needs system libraries that stock desktops may lack (libxcb-cursor0
first, then libxcb-icccm4 and libxcb-keysyms1 on a fresh Debian or Ubuntu). Without
them Qt names only the first, says "reinstalling the application may fix this", and
aborts the process. So the window's start asks first: the plugin Qt will use is loaded
(what Qt would do next anyway, so when it loads nothing is lost); when it cannot be,
``ldd`` names every library it lacks, and the user is told which packages bring them on
Debian/Ubuntu, Fedora and Arch. Linux only: elsewhere Qt's plugins come with the app.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# The packages that bring each library a Qt platform plugin needs and a stock desktop
# may lack: (Debian/Ubuntu, Fedora, Arch).
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": (
        "libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil",
    ),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
}  # fmt: skip
# Every other libxcb-*.so (shape, randr, xfixes, sync, …) is in one package on Fedora and
# Arch and in one per library on Debian.
_XCB = re.compile(r"libxcb-([a-z-]+)\.so\.(\d+)$")
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found\s*$", re.MULTILINE)


def platforms(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in its order: ``QT_QPA_PLATFORM``'s names, else
    Wayland then X11 in a Wayland session, else X11."""
    asked = environ.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        return [name.split(":")[0].strip() for name in asked.split(";") if name.strip()]
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def plugin_folders(environ: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for platform plugins, first to last."""
    folders = [Path(p) for p in environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(":") if p]
    folders += [Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(":") if p]
    spec = importlib.util.find_spec("PySide6")  # found, not imported: Qt must not start yet
    if spec is not None and spec.origin is not None:
        folders.append(Path(spec.origin).parent / "Qt" / "plugins" / "platforms")
    return folders


def missing_libraries(plugin: Path) -> list[str]:
    """The shared libraries ``plugin`` needs that cannot be found (empty: it loads).

    Loaded first, which costs nothing when it works (Qt loads it next); when it fails,
    ``ldd`` names every missing library, not only the first as the loader does."""
    try:
        ctypes.CDLL(str(plugin))
    except OSError as failure:
        found = _not_found_by_ldd(plugin)
        if found:
            return found
        first = re.match(r"([^:\s]+\.so[.\d]*):", str(failure))
        return [first.group(1)] if first else [str(failure)]
    return []


def _not_found_by_ldd(plugin: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(out)))


def install_lines(libraries: list[str]) -> list[str]:
    """The commands that install ``libraries`` on Debian/Ubuntu, Fedora and Arch (none
    for a library no package brings, such as Qt's own)."""
    debian: list[str] = []
    fedora: list[str] = []
    arch: list[str] = []
    for name in libraries:
        packages = PACKAGES.get(name)
        if packages is None and (xcb := _XCB.match(name)):
            packages = (f"libxcb-{xcb.group(1)}{xcb.group(2)}", "libxcb", "libxcb")
        if packages is not None:
            for into, package in zip((debian, fedora, arch), packages, strict=True):
                if package not in into:
                    into.append(package)
    if not debian:
        return []
    return [
        f"  Debian, Ubuntu:  sudo apt install {' '.join(debian)}",
        f"  Fedora:          sudo dnf install {' '.join(fedora)}",
        f"  Arch:            sudo pacman -S {' '.join(arch)}",
    ]


def problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What keeps Qt from opening a window here, in words for the user, or None."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    names = platforms(environ)
    if names == ["xcb"] and not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "Roundtable cannot open its window: this session has no display (neither "
            "DISPLAY nor WAYLAND_DISPLAY is set). Start it from a desktop, or use its "
            "commands, which need none (roundtable --help)."
        )
    failures: list[tuple[str, list[str]]] = []
    for name in names:
        plugin = next(
            (
                f / f"libq{name}.so"
                for f in plugin_folders(environ)
                if (f / f"libq{name}.so").is_file()
            ),
            None,
        )
        if plugin is None:
            failures.append((name, []))
            continue
        missing = missing_libraries(plugin)
        if not missing:
            return None  # Qt will start with this one
        failures.append((name, missing))
    name, missing = failures[0]
    if not missing:
        return (
            f"Roundtable cannot open its window: Qt's {name!r} platform plugin is not in "
            "this install (QT_QPA_PLATFORM names one Qt does not have?)."
        )
    lines = [
        f"Roundtable cannot open its window: Qt's {name} platform plugin needs system "
        f"libraries this computer does not have: {', '.join(missing)}."
    ]
    commands = install_lines(missing)
    if commands:
        lines += ["Install them with:", *commands, "then start Roundtable again."]
    if any(m.startswith("libQt6") for m in missing):
        lines.append("Qt's own libraries are missing: this install of Roundtable is incomplete.")
    return "\n".join(lines)
