"""`roundtable ask` with seats on a team's LiteLLM proxy: the real proxy server, in
front of the fake provider, holding the provider key while the user holds a virtual key."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import PYTHON, ROOT, TEST_KEYS, subprocess_env
from tests.fakes.litellm_proxy import LiteLLMProxy
from tests.fakes.provider_server import FakeProviderServer, Stream


def proxy_lineup(tmp_path: Path, proxy: LiteLLMProxy) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(
        f"""
[[seat]]
label = "House"
model = "litellm_proxy/house"
api_base = "{proxy.url}"

[[seat]]
label = "Routed"
model = "litellm_proxy/openai/gateway-routed"
api_base = "{proxy.url}"
""",
        encoding="utf-8",
    )
    return path


def roundtable_ask(*args: str, key: str = "") -> subprocess.CompletedProcess[str]:
    """`roundtable ask ARGS`, with ``key`` as the proxy's key in the environment."""
    return subprocess.run(
        [PYTHON, "-m", "desktop", "ask", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(**({"LITELLM_PROXY_API_KEY": key} if key else {})),
        cwd=ROOT,
        timeout=180,
        check=False,
    )


def ask(
    tmp_path: Path, proxy: LiteLLMProxy, key: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    out = tmp_path / "team.json"
    lineup = proxy_lineup(tmp_path, proxy)
    result = roundtable_ask("--lineup", str(lineup), "Who pays?", "-o", str(out), key=key)
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_seats_stream_through_the_proxy_which_alone_holds_the_provider_key(
    tmp_path: Path, fake: FakeProviderServer, litellm_proxy: LiteLLMProxy
) -> None:
    fake.script("proxy-house", Stream(text="The team's budget does.", chunks=4))
    result, document = ask(tmp_path, litellm_proxy, litellm_proxy.team_key)

    assert result.returncode == 0, result.stderr
    replies = document["turns"][0]["replies"]
    assert [r["status"] for r in replies] == ["complete", "complete"]
    assert replies[0]["text"] == "The team's budget does."
    assert replies[1]["text"] == "Echo: Who pays?"
    for model in ("proxy-house", "gateway-routed"):
        [sent] = fake.requests(model)
        headers = json.dumps(sent.headers)
        assert litellm_proxy.upstream_key in headers, "the proxy's own provider key"
        assert litellm_proxy.team_key not in headers, "the virtual key stops at the proxy"
    assert litellm_proxy.team_key not in json.dumps(document) + result.stderr


def test_a_virtual_key_the_proxy_refuses_is_an_auth_error_naming_where_keys_go(
    tmp_path: Path, fake: FakeProviderServer, litellm_proxy: LiteLLMProxy
) -> None:
    result, document = ask(tmp_path, litellm_proxy, "sk-not-the-teams")

    assert result.returncode == 1
    for reply in document["turns"][0]["replies"]:
        assert reply["status"] == "error"
        assert reply["error"]["kind"] == "auth"
        message = reply["error"]["message"]
        assert "LiteLLM proxy rejected the API key" in message
        assert "not one of the team's" in message, "the proxy's own reason"
        assert "$LITELLM_PROXY_API_KEY" in message
    assert fake.requests() == [], "nothing reached the provider"


def test_with_gateway_every_seat_without_an_address_goes_through_the_proxy(
    tmp_path: Path, fake: FakeProviderServer, litellm_proxy: LiteLLMProxy
) -> None:
    lineup = tmp_path / "plain.toml"
    lineup.write_text(
        f"""
[[seat]]
label = "Plain"
model = "openai/gateway-all"

[[seat]]
label = "Own address"
model = "anthropic/direct-seat"
api_base = "{fake.api_base("anthropic")}"
""",
        encoding="utf-8",
    )
    out = tmp_path / "all.json"
    result = roundtable_ask(
        "--lineup", str(lineup), "Via whom?", "-o", str(out),
        "--gateway", litellm_proxy.url + "/",
        key=litellm_proxy.team_key,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [routed] = fake.requests("gateway-all")
    assert litellm_proxy.upstream_key in json.dumps(routed.headers)
    assert TEST_KEYS["OPENAI_API_KEY"] not in json.dumps(routed.headers), "no provider key sent"
    [direct] = fake.requests("direct-seat")
    assert direct.headers["x-api-key"] == TEST_KEYS["ANTHROPIC_API_KEY"]


def test_a_gateway_that_is_not_an_address_is_refused_before_anything_is_sent(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    lineup = tmp_path / "one.toml"
    lineup.write_text('[[seat]]\nlabel = "A"\nmodel = "openai/never"\n', encoding="utf-8")
    result = roundtable_ask(
        "--lineup", str(lineup), "Q", "-o", str(tmp_path / "x"),
        "--gateway", "https://user:secret@llm.example.org",
    )  # fmt: skip
    assert result.returncode == 2
    assert "its key goes in Settings → Keys…" in result.stderr
    assert "secret" not in result.stderr
    assert fake.requests() == []
