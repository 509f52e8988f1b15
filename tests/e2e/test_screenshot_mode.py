"""`roundtable --lineup L --send P --screenshot OUT.png`, offscreen, as a person would run it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

from desktop.core import transcript
from desktop.core.records.model import Session
from tests.conftest import PYTHON, ROOT, seat_for, subprocess_env
from tests.e2e.test_cli import lineup
from tests.fakes.provider_server import Fail, FakeProviderServer, Stream

SHUTDOWN_NOISE = ("Task was destroyed", "Event loop is closed", "unclosed", "Traceback")


def run_gui(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(
        QT_QPA_PLATFORM="offscreen",
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONWARNINGS="default",
    )
    return subprocess.run(
        [PYTHON, "-X", "dev", "-m", "desktop", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=180, check=False,
    )  # fmt: skip


def test_screenshot_mode_sends_runs_a_debate_round_waits_and_saves_the_window(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script("cli-a", Stream(text="## Alpha\n\n**Yes**, and here is why.", chunks=6, delay=0.02))
    fake.script("cli-b", Stream(text="Beta says: only with mustard.", chunks=4))
    out = tmp_path / "shot.png"
    result = run_gui(
        tmp_path,
        "--lineup",
        str(lineup(tmp_path, fake)),
        "--send",
        "Hot dog?",
        "--debate-round",
        "--screenshot",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(out))
    assert image.width() >= 800
    assert image.height() >= 500
    for noise in SHUTDOWN_NOISE:
        assert noise not in result.stderr, result.stderr[-3000:]
    # The worker served all three seats twice (prompt, debate round); the GUI process
    # itself never imported litellm.
    assert [len(fake.requests(m)) for m in ("cli-a", "cli-b", "cli-c")] == [2, 2, 2]
    debate = json.dumps(fake.requests("cli-a")[1].body)
    assert "Beta says: only with mustard." in debate, "the round shows Alpha what Beta said"


def test_screenshot_mode_exits_1_when_a_seat_failed(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script(
        "cli-b",
        Fail(
            401,
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            },
        ),
    )
    out = tmp_path / "shot.png"
    result = run_gui(
        tmp_path, "--lineup", str(lineup(tmp_path, fake)), "--send", "Q", "--screenshot", str(out)
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert out.exists()
    assert os.path.getsize(out) > 10_000


def test_a_debate_round_with_no_answers_to_debate_is_said_not_a_traceback(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    for model in ("cli-a", "cli-b", "cli-c"):  # a refused key is never retried
        fake.script(model, Fail(401, {"error": {"message": "key revoked"}}))
    out = tmp_path / "shot.png"
    result = run_gui(
        tmp_path, "--lineup", str(lineup(tmp_path, fake)), "--send", "Q",
        "--debate-round", "--screenshot", str(out),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    assert "roundtable: no debate round: a debate round needs another seat's answer" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert out.exists(), "the window as it is, failures shown"


def test_a_shared_session_waiting_for_approval_does_not_hold_up_a_scripted_run(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    # Before the fix the approval question, never answered, was destroyed with the
    # window and the app waited for its answer forever instead of exiting.
    shared = tmp_path / "shared.json"
    transcript.save_session(Session(seats=[seat_for(fake, "openai", "shared-s", "Shared")]), shared)
    out = tmp_path / "shot.png"
    result = run_gui(tmp_path, str(shared), "--send", "Q", "--screenshot", str(out))
    assert result.returncode == 1, result.stderr[-3000:]
    assert out.exists()
    assert fake.requests("shared-s") == [], "nothing goes to an endpoint not approved"


def test_approve_endpoints_lets_a_scripted_run_continue_a_shared_session(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script("shared-t", Stream(text="Approved and answering."))
    shared = tmp_path / "shared.json"
    transcript.save_session(Session(seats=[seat_for(fake, "openai", "shared-t", "Shared")]), shared)
    out = tmp_path / "shot.png"
    args = (str(shared), "--approve-endpoints", "--send", "Q", "--screenshot", str(out))
    result = run_gui(tmp_path, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(fake.requests("shared-t")) == 1
    approved = (tmp_path / "config" / "roundtable" / "approved-endpoints.json").read_text()
    assert fake.api_base("openai") in approved, "remembered, as the dialog's approval is"


def test_a_damaged_session_file_opens_a_new_session_with_a_message_not_a_traceback(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    # Deep nesting escaped the loader as a RecursionError and ended the app in a traceback.
    damaged = tmp_path / "damaged.json"
    damaged.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    out = tmp_path / "shot.png"
    args = (str(damaged), "--lineup", str(lineup(tmp_path, fake)), "--send", "Q")
    result = run_gui(tmp_path, *args, "--screenshot", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert [len(fake.requests(m)) for m in ("cli-a", "cli-b", "cli-c")] == [1, 1, 1]
