"""`roundtable ask` and `roundtable show`, run as a user would, against the fake server."""

from __future__ import annotations

import importlib.metadata
import json
import re
import signal
import subprocess
from pathlib import Path

import jsonschema

from tests import attachment_files as files
from tests.conftest import PYTHON, ROOT, TEST_KEYS, subprocess_env
from tests.fakes.provider_server import Cite, Fail, FakeProviderServer, Stream

SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())


def lineup(tmp_path: Path, fake: FakeProviderServer, extra: str = "") -> Path:
    path = tmp_path / "lineup.toml"
    path.write_text(
        f"""
[[seat]]
label = "Alpha"
model = "openai/cli-a"
api_base = "{fake.api_base("openai")}"

[[seat]]
label = "Beta"
model = "anthropic/cli-b"
api_base = "{fake.api_base("anthropic")}"

[[seat]]
label = "Gamma"
model = "gemini/cli-c"
api_base = "{fake.api_base("gemini")}"
{extra}
""",
        encoding="utf-8",
    )
    return path


def roundtable(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def assert_no_keys(*texts: str) -> None:
    for text in texts:
        for key in TEST_KEYS.values():
            assert key not in text


def test_ask_runs_every_turn_and_writes_a_valid_transcript(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    out = tmp_path / "session.json"
    result = roundtable(
        "ask", "--lineup", str(lineup(tmp_path, fake)), "Is a hot dog a sandwich?",
        "--follow-up", "Here's my less diplomatic take: no.",
        "--debate-round",
        "--follow-up", "Last word?",
        "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert [t["kind"] for t in document["turns"]] == [
        "prompt",
        "follow_up",
        "debate_round",
        "follow_up",
    ]
    assert all(r["status"] == "complete" for t in document["turns"] for r in t["replies"])
    assert [len(fake.requests(m)) for m in ("cli-a", "cli-b", "cli-c")] == [4, 4, 4]
    debate = fake.requests("cli-a")[2].user_texts()[-1]
    assert "[Answer from Beta]" in debate
    assert "[Answer from Alpha]" not in debate
    for label in ("Alpha", "Beta", "Gamma"):
        assert label in result.stderr
    assert "complete" in result.stderr
    assert_no_keys(out.read_text(encoding="utf-8"), result.stderr, result.stdout)

    shown = roundtable("show", str(out))
    assert shown.returncode == 0
    assert "Turn 3: Debate round → all seats" in shown.stdout
    assert "▌ Beta — complete" in shown.stdout
    assert "Echo: Last word?" in shown.stdout


def test_failed_seats_still_get_a_transcript_and_exit_1(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script(
        "cli-a",
        Fail(
            401,
            {
                "error": {
                    "message": "Incorrect API key provided",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        ),
    )
    fake.script("cli-b", Stream(text="partial answer that breaks", chunks=6, cut_after=2))
    out = tmp_path / "s.json"
    result = roundtable("ask", "--lineup", str(lineup(tmp_path, fake)), "Question", "-o", str(out))
    assert result.returncode == 1, result.stderr
    replies = json.loads(out.read_text(encoding="utf-8"))["turns"][0]["replies"]
    assert [r["status"] for r in replies] == ["error", "error", "complete"]
    assert replies[0]["error"]["kind"] == "auth"
    assert "$OPENAI_API_KEY" in replies[0]["error"]["message"]
    assert replies[1]["error"]["kind"] == "network"
    assert replies[1]["text"] == "partial answer that breaks"[:10]
    assert "auth:" in result.stderr
    assert "Traceback" not in result.stderr
    assert_no_keys(out.read_text(encoding="utf-8"), result.stderr)


def test_a_bad_lineup_names_the_seat_and_field_and_exits_2(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    bad = lineup(
        tmp_path, fake, '\n[[seat]]\nlabel = "Delta"\nmodel = "openai/x"\ntemperature = "warm"\n'
    )
    result = roundtable("ask", "--lineup", str(bad), "Q", "-o", str(tmp_path / "s.json"))
    assert result.returncode == 2
    assert "seat 4 (Delta): 'temperature' must be a number from 0 to 2, not 'warm'" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.requests() == []
    assert not (tmp_path / "s.json").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = roundtable("ask", "no lineup given", "-o", str(tmp_path / "s.json"))
    assert result.returncode == 2
    assert "--lineup" in result.stderr


def test_ctrl_c_keeps_the_text_so_far_marked_stopped(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script("cli-c", Stream(text="slowly " * 500, chunks=500, delay=0.02))
    out = tmp_path / "s.json"
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "desktop",
            "ask",
            "--lineup",
            str(lineup(tmp_path, fake)),
            "Q",
            "--follow-up",
            "never sent",
            "-o",
            str(out),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.lstrip().startswith("Gamma") and "streaming" in line:
            break
    else:
        raise AssertionError("Gamma never started streaming:\n" + "".join(seen))
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["turns"]) == 1, "no further turn may start after Ctrl+C"
    gamma = document["turns"][0]["replies"][2]
    assert gamma["status"] == "stopped"
    assert gamma["text"].startswith("slowly")
    assert "Interrupted" in rest


def test_show_prints_no_terminal_escape_from_the_file(tmp_path: Path) -> None:
    # A reply could retitle the terminal, write its clipboard (OSC 52) or hide lines.
    from desktop.core import transcript
    from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind

    seat = Seat("Alpha\x1b[2J", "openai/m")
    reply = Reply(seat.id, text="fine\x1b]52;c;ZXZpbA==\x07 \x1b[31mred\x1b[0m\x9b2J done",
                  status=ReplyStatus.COMPLETE)  # fmt: skip
    turn = Turn(kind=TurnKind.PROMPT, text="Q\x1b]0;owned\x07", targets=[seat.id], replies=[reply])
    path = tmp_path / "escapes.json"
    transcript.save_session(Session(seats=[seat], turns=[turn]), path)
    result = roundtable("show", str(path))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    assert "fine red done" in result.stdout
    assert "Alpha" in result.stdout


def test_show_on_a_damaged_file_names_it(tmp_path: Path) -> None:
    damaged = tmp_path / "broken.json"
    damaged.write_text('{"format": "roundtable.session", "version": 1, "id": "x"', encoding="utf-8")
    result = roundtable("show", str(damaged))
    assert result.returncode == 2
    assert str(damaged) in result.stderr
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_attach_sends_files_and_show_says_how_each_went(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(files.png(6, 4))
    notes = tmp_path / "notes.txt"
    notes.write_bytes("Café au lait\n".encode("latin-1"))
    out = tmp_path / "s.json"
    seats = (
        lineup(tmp_path, fake)
        .read_text()
        .replace('model = "openai/cli-a"', 'model = "openai/cli-a"\nvision = true')
    )
    (tmp_path / "vision.toml").write_text(seats, encoding="utf-8")
    result = roundtable(
        "ask", "--lineup", str(tmp_path / "vision.toml"), "What is attached?",
        "--attach", str(photo), "--attach", str(notes), "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert [a["name"] for a in document["attachments"]] == ["photo.png", "notes.txt"]
    assert document["attachments"][1]["encoding"] == "ISO-8859-1"
    hows = [[d["how"] for d in r["deliveries"]] for r in document["turns"][0]["replies"]]
    assert hows == [
        ["image", "text_inline"],
        ["not_sent", "text_inline"],
        ["not_sent", "text_inline"],
    ]
    assert fake.requests("cli-a")[0].user_parts()[1]["type"] == "image_url"
    assert "File: notes.txt\n```\nCafé au lait\n```" in fake.requests("cli-b")[0].user_texts()[0]

    shown = roundtable("show", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "📎 photo.png — PNG image · 6×4 · " in shown.stdout
    assert "📎 notes.txt — Text (ISO-8859-1) · 13 bytes" in shown.stdout
    assert "  📎 photo.png: sent as an image" in shown.stdout
    assert "  📎 photo.png: not sent: this model does not take images" in shown.stdout
    assert "  📎 notes.txt: sent as text (ISO-8859-1, 1 line)" in shown.stdout


def test_a_file_that_cannot_be_sent_stops_ask_before_any_request(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("fine")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(files.encrypted_pdf())
    out = tmp_path / "s.json"
    for bad, why in (
        (locked, "is password-protected (encrypted)"),
        (tmp_path / "missing.png", "was not found"),
        (tmp_path, "is a folder"),
    ):
        result = roundtable(
            "ask", "--lineup", str(lineup(tmp_path, fake)), "Q",
            "--attach", str(good), "--attach", str(bad), "-o", str(out),
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert f"roundtable: cannot attach {bad}: {why}" in result.stderr
        assert "Traceback" not in result.stderr
    big = tmp_path / "big.txt"
    big.write_text("x" * 3000)
    over = roundtable(
        "ask", "--lineup", str(lineup(tmp_path, fake)), "Q",
        "--attach", str(big), "--max-file-mb", "0.001", "-o", str(out),
    )  # fmt: skip
    assert over.returncode == 2, over.stderr
    assert f"roundtable: cannot attach {big}:" in over.stderr
    assert "limit" in over.stderr
    assert fake.requests() == []
    assert not out.exists()


def test_ask_refuses_a_file_limit_over_the_size_any_file_may_be(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    result = roundtable(
        "ask", "--lineup", str(lineup(tmp_path, fake)), "Q", "--max-file-mb", "46",
        "-o", str(tmp_path / "out.json"),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "no file may be over 45 MB" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.requests() == []


def test_ask_sends_what_its_own_size_limits_allow_and_refuses_beyond_them(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    one_seat = tmp_path / "one.toml"
    one_seat.write_text(
        f'[[seat]]\nlabel = "Alpha"\nmodel = "openai/big"\napi_base = "{fake.api_base("openai")}"\n',
        encoding="utf-8",
    )
    big = []
    for name in ("a.txt", "b.txt"):
        path = tmp_path / name
        path.write_bytes(b"thirty megabytes of notes\n" * (30 * 1024 * 1024 // 26))
        big += ["--attach", str(path)]
    out = tmp_path / "big.json"

    refused = roundtable(
        "ask", "--lineup", str(one_seat), "Read", *big, "--max-file-mb", "40",
        "--max-turn-mb", "50", "-o", str(out),
    )  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    assert "the limit is 50 MB per turn" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert fake.requests() == []

    sent = roundtable(
        "ask", "--lineup", str(one_seat), "Read", *big, "--max-file-mb", "40",
        "--max-turn-mb", "80", "-o", str(out), timeout=300,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert len(fake.requests("big")) == 1
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert [a["name"] for a in saved["attachments"]] == ["a.txt", "b.txt"]


def test_ask_runs_a_local_ollama_seat_keyless(fake: FakeProviderServer, tmp_path: Path) -> None:
    local = tmp_path / "local.toml"
    local.write_text(
        f'[[seat]]\nlabel = "Laptop"\nmodel = "ollama_chat/cli-llama"\napi_base = "{fake.url}"\n'
    )
    fake.script("cli-llama", Stream(text="Local, no key.", usage=(9, 4)))
    out = tmp_path / "local.json"
    result = roundtable("ask", "--lineup", str(local), "Anyone home?", "-o", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    reply = json.loads(out.read_text())["turns"][0]["replies"][0]
    assert (reply["status"], reply["text"]) == ("complete", "Local, no key.")
    [request] = fake.requests("cli-llama")
    assert request.path == "/api/chat"
    assert not any(v in str(request.headers) for v in TEST_KEYS.values()), "no key sent"


def test_version_is_the_packages() -> None:
    from desktop import __version__

    result = roundtable("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"roundtable {__version__}\n"
    assert __version__ == importlib.metadata.version("roundtable"), "one place for it"


def test_ask_web_search_warns_before_sending_and_show_prints_the_sources(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    cite = Cite("https://example.org/x", "Evil\u202etxt.exe title", "Cited, this.")
    fake.script("claude-sonnet-4-5", Stream(text="Lead. ", cites=(cite,)))
    path = tmp_path / "lineup.toml"
    path.write_text(
        f"""
[[seat]]
label = "Searcher"
model = "anthropic/claude-sonnet-4-5"
api_base = "{fake.api_base("anthropic")}"

[[seat]]
label = "Plain"
model = "openai/cli-plain"
api_base = "{fake.api_base("openai")}"
""",
        encoding="utf-8",
    )
    out = tmp_path / "s.json"
    result = roundtable("ask", "--lineup", str(path), "News?", "--web-search", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Plain: openai/cli-plain cannot search the web" in result.stderr
    assert "Searcher: anthropic" not in result.stderr
    assert "web_search_options" not in fake.requests("cli-plain")[-1].body
    assert fake.requests("claude-sonnet-4-5")[-1].body["tools"][0]["name"] == "web_search"
    shown = roundtable("show", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "Lead. Cited, this.[1]" in shown.stdout
    assert "🔎 Sources (1 cited):" in shown.stdout
    assert "[1] Evil\ufffdtxt.exe title — https://example.org/x" in shown.stdout, "bidi shown"
    assert "1 web search" in shown.stdout


def test_show_sent_prints_what_a_reply_was_sent_as_json_without_a_key(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    fake.script("cli-b", Stream(text="Beta's first."))
    out = tmp_path / "s.json"
    note = tmp_path / "note.txt"
    note.write_text("Café notes: the memo.\n", encoding="utf-8")
    result = roundtable(
        "ask", "--lineup", str(lineup(tmp_path, fake)), "Is a hot dog a sandwich?",
        "--attach", str(note), "--debate-round", "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = roundtable("show", str(out)).stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    alpha = document["seats"][0]["id"]
    debate = next(r for r in document["turns"][1]["replies"] if r["seat_id"] == alpha)
    assert f"  reply {debate['id']}" in shown, "show lists the ids --sent takes"
    sent = roundtable("show", str(out), "--sent", debate["id"])
    assert sent.returncode == 0, sent.stderr
    request = json.loads(sent.stdout)
    assert request["seat"] == "Alpha"
    assert request["settings"]["model"] == "openai/cli-a"
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["user", "assistant", "user"]
    first = request["messages"][0]["content"]
    assert first[0]["type"] == "attachment"
    assert first[0]["name"] == "note.txt"
    assert first[0]["text"] == "Café notes: the memo.\n"
    assert first[0]["note"]
    assert "[Answer from Beta]\nBeta's first." in request["messages"][2]["content"]
    assert "[Answer from Alpha]" not in request["messages"][2]["content"]
    assert fake.requests("cli-a")[-1].user_texts()[-1] == request["messages"][2]["content"]
    assert_no_keys(sent.stdout)
    missing = roundtable("show", str(out), "--sent", "nope")
    assert missing.returncode == 2
    assert "has no reply 'nope'" in missing.stderr


def test_ask_with_a_peer_review_and_a_chair_apart_shows_the_key_and_the_rankings(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    chair = f"""
[[seat]]
label = "The chair"
model = "openai/judge-model"
api_base = "{fake.api_base("openai")}"
chair = true
"""
    fake.script("cli-a", Stream(text="A sandwich, by the hinge."),
                Stream(text="FINAL RANKING:\n1. Response X\n2. Response Y"))  # fmt: skip
    out = tmp_path / "s.json"
    result = roundtable(
        "ask", "--lineup", str(lineup(tmp_path, fake, chair)), "Is a hot dog a sandwich?",
        "--peer-review", "--chair", "The chair", "--chair-mode", "compare", "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert [t["kind"] for t in document["turns"]] == ["prompt", "peer_review", "chair"]
    assert document["turns"][2]["mode"] == "compare"
    sent = json.dumps(fake.requests("judge-model")[-1].body)
    for name in ("Alpha", "Beta", "Gamma", "cli-a", "cli-b", "cli-c"):
        assert name not in sent
    shown = roundtable("show", str(out)).stdout
    assert "── Turn 2: Peer review" in shown
    assert "ranking not read: the ranking names Response X, which it was not given" in shown
    assert "── Turn 3: Chair → The chair" in shown
    assert re.search(r"🔑 Response A = (Alpha|Beta|Gamma) · Response B = ", shown)
    bad = roundtable("ask", "--lineup", str(lineup(tmp_path, fake)), "Q", "--chair", "x",
                     "--chair-mode", "custom", "-o", str(out))  # fmt: skip
    assert bad.returncode == 2
    assert "--chair-mode custom needs --chair-instruction" in bad.stderr
