"""The frozen bundle, alone: `python3 dev.py package-test` builds it and runs these with
$ROUNDTABLE_BUNDLE naming its executable. Each command runs with a bare environment
(no virtual environment, no PYTHONPATH, a home of its own, outside the checkout), so
what passes here passes on a machine that has only the bundle."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from desktop import __version__
from tests.fakes.provider_server import FakeProviderServer, Stream

BUNDLE = os.environ.get("ROUNDTABLE_BUNDLE")
pytestmark = pytest.mark.skipif(
    not BUNDLE, reason="no bundle: run `python3 dev.py package-test` to build and test one"
)


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What a fresh desktop session gives a program, and no more."""
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **extra,
    }


def bundle(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    assert BUNDLE is not None
    return subprocess.run(
        [BUNDLE, *args],
        capture_output=True, text=True, env=bare_env(home, **env), cwd=home, timeout=180,
        check=False,
    )  # fmt: skip


def lineup(home: Path, fake: FakeProviderServer) -> Path:
    path = home / "lineup.toml"
    path.write_text(
        f'[[seat]]\nlabel = "Alpha"\nmodel = "openai/bundled"\napi_base = "{fake.api_base("openai")}"\n'
    )
    return path


def test_version(tmp_path: Path) -> None:
    result = bundle(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"roundtable {__version__}\n"


def test_ask_streams_through_the_bundles_own_worker(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script("bundled", Stream(text="From the bundle.", chunks=3))
    out = tmp_path / "s.roundtable.json"
    result = bundle(
        tmp_path, "ask", "--lineup", str(lineup(tmp_path, fake)), "Hi?", "-o", str(out),
        OPENAI_API_KEY="sk-bundle-test",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    [reply] = json.loads(out.read_text())["turns"][0]["replies"]
    assert (reply["status"], reply["text"]) == ("complete", "From the bundle.")


def test_screenshot_mode_paints_the_window(tmp_path: Path, fake: FakeProviderServer) -> None:
    shot = tmp_path / "shot.png"
    result = bundle(
        tmp_path, "--lineup", str(lineup(tmp_path, fake)), "--send", "Hello?",
        "--screenshot", str(shot), OPENAI_API_KEY="sk-bundle-test",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(shot))
    assert image.width() >= 800
    assert "Traceback" not in result.stderr


@pytest.fixture
def x_server(tmp_path: Path) -> Iterator[str]:
    """A real X server (Xvfb) on a display of its own; its DISPLAY."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        ready_by = time.monotonic() + 30
        while not Path(f"/tmp/.X11-unix/X{number}").exists():  # its socket: it listens
            assert server.poll() is None, "Xvfb ended before it listened"
            assert time.monotonic() < ready_by, "Xvfb did not listen within 30 s"
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_window_starts_on_a_real_x_server_with_the_xcb_platform(
    tmp_path: Path, fake: FakeProviderServer, x_server: str
) -> None:
    """Qt's xcb plugin, with the X11 libraries the bundle carries (packaging/build.py
    checks they are in it): a stock desktop lacking them aborted at start."""
    shot = tmp_path / "xcb.png"
    result = bundle(
        tmp_path, "--lineup", str(lineup(tmp_path, fake)), "--send", "Hello?",
        "--screenshot", str(shot), OPENAI_API_KEY="sk-bundle-test", QT_QPA_PLATFORM="xcb",
        DISPLAY=x_server,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(shot))
    assert image.width() >= 800
    assert "Traceback" not in result.stderr


def test_the_sample_session_exports_as_markdown(tmp_path: Path) -> None:
    """The export writes Markdown back through mdformat: the bundle must carry it."""
    sample = Path(__file__).resolve().parents[2] / "resources" / "sample-session.json"
    out = tmp_path / "post.md"
    result = bundle(tmp_path, "export", str(sample), "--to", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_models_lists_what_the_picker_offers(tmp_path: Path) -> None:
    result = bundle(tmp_path, "models", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    models = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(models) > 50
    assert {"model", "provider", "context", "local"} <= set(models[0])


def test_a_second_launch_hands_its_session_to_the_first(tmp_path: Path) -> None:
    assert BUNDLE is not None
    session = tmp_path / "Hot dogs.roundtable.json"
    session.write_text(
        (Path(__file__).resolve().parents[2] / "resources" / "sample-session.json").read_text()
    )
    first = subprocess.Popen(
        [BUNDLE], env=bare_env(tmp_path), cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        socket = tmp_path / "runtime" / "roundtable" / "instance"
        deadline = time.monotonic() + 60
        while not socket.exists():
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            assert time.monotonic() < deadline, "the first launch never listened"
            time.sleep(0.1)
        second = bundle(tmp_path, str(session))
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Opened in the Roundtable already running." in second.stderr
        assert first.poll() is None, "the first is still running: one process, two windows"
    finally:
        first.terminate()
        first.wait(timeout=30)


def test_the_bundle_reads_keys_from_the_secret_service(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    """A real Secret Service (gnome-keyring on a private D-Bus): the bundle's keyring
    backends find the key there, and it is the one the provider receives."""
    tools = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"no {', '.join(missing)} (Debian: dbus, gnome-keyring, libsecret-tools)")
    assert BUNDLE is not None
    key = "from-the-secret-service-" + secrets.token_hex(8)
    out = tmp_path / "s.roundtable.json"
    script = tmp_path / "session.sh"
    script.write_text(
        "set -e\n"
        'printf %s "unlock" | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n'
        f'printf %s "{key}" | secret-tool store --label roundtable service roundtable username openai\n'
        f'"{BUNDLE}" keys\n'
        f'"{BUNDLE}" ask --lineup "{lineup(tmp_path, fake)}" "Whose key?" -o "{out}"\n'
    )
    env = bare_env(tmp_path)
    del env["PYTHON_KEYRING_BACKEND"]
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", str(script)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'OpenAI: OS keyring (service "roundtable", user "openai")' in result.stdout
    assert fake.requests("bundled")[-1].headers["Authorization"] == f"Bearer {key}"
    assert key not in out.read_text() + result.stdout + result.stderr
