#!/usr/bin/env python3
"""Set up Roundtable's environment from the hashed lock on first use, then run the app or the tests.

    python3 dev.py app [ARGS...]   run Roundtable (arguments go to the `roundtable` command)
    python3 dev.py test [ARGS...]  lint, type-check and run the whole test suite (ARGS go to pytest)
    python3 dev.py package-test    build the frozen bundle (packaging/build.py) and smoke-test it

The virtual environment lives in `.venv` (or `$ROUNDTABLE_VENV`) and is rebuilt whenever
the lock or pyproject.toml changes. Only the standard library is used here, so any
Python 3.11+ can run this file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCK = ROOT / "requirements" / "dev.txt"
VENV = Path(os.environ.get("ROUNDTABLE_VENV", ROOT / ".venv"))
STAMP = VENV / ".roundtable-lock-sha256"


def _bin(name: str) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / sub / f"{name}{suffix}"


def _wanted_stamp() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    """Create or refresh the virtual environment so it matches the lock exactly."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must say so on older Pythons
        sys.exit(f"Roundtable needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = _wanted_stamp()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and _bin("python").exists():
        return
    print(
        f"Setting up {VENV} from {LOCK.relative_to(ROOT)} (first run takes a few minutes)…",
        file=sys.stderr,
    )
    if VENV.exists():
        shutil.rmtree(VENV)
    venv.EnvBuilder(with_pip=True).create(VENV)
    py = str(_bin("python"))
    pip = [py, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(LOCK)], check=True)
    # The build backend comes from the lock too, so nothing unpinned is fetched here.
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted + "\n")


def run_app(args: list[str]) -> int:
    return subprocess.call([str(_bin("roundtable")), *args])


def run_tests(args: list[str]) -> int:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    steps = [
        [str(_bin("ruff")), "check", "."],
        [str(_bin("ruff")), "format", "--check", "."],
        [str(_bin("mypy"))],
        [str(_bin("lint-imports")), "--no-logo"],
        [str(_bin("python")), "-m", "pytest", *args],
    ]
    for step in steps:
        print(
            "$",
            " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)),
            file=sys.stderr,
            flush=True,
        )
        code = subprocess.call(step, cwd=ROOT, env=env)
        if code != 0:
            return code
    return 0


def run_package_tests(args: list[str]) -> int:
    """Build the bundle, then run tests/package against it alone."""
    code = subprocess.call([sys.executable, str(ROOT / "packaging" / "build.py")])
    if code != 0:
        return code
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["ROUNDTABLE_BUNDLE"] = str(ROOT / "dist" / "roundtable" / "roundtable")
    tests = [str(_bin("python")), "-m", "pytest", "tests/package", *args]
    return subprocess.call(tests, cwd=ROOT, env=env)


COMMANDS = {"app": run_app, "test": run_tests, "package-test": run_package_tests}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_env()
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
