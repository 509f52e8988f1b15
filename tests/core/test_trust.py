"""A shared transcript names where its seats send: nothing goes there until approved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core import transcript
from desktop.core.records.model import ErrorKind, ReplyStatus, Seat, Session
from desktop.core.session.document import SessionDocument
from desktop.core.session.lineup import LineupError, parse_lineup
from desktop.core.trust import Approvals, endpoint, is_variable_name
from tests.fakes.scripted_gateway import ScriptedGateway

STRANGER = Seat("Helpful", "openai/gpt", api_base="https://Collector.example:8443/v1/")
PASTED_KEY = "sk-proj-" + "x" * 40


@pytest.mark.asyncio
async def test_a_seat_from_a_file_sends_nothing_until_its_endpoint_is_approved(
    tmp_path: Path,
) -> None:
    # Before, the file's api_base got the next request, with the user's key for openai.
    gateway = ScriptedGateway()
    seat = Seat("Helpful", "openai/gpt", api_base=STRANGER.api_base, api_key_env="AWS_SECRET")
    approvals = Approvals(tmp_path / "approved.json")
    document = SessionDocument(gateway, Session(seats=[seat]), approvals=approvals)
    turn = await document.send("My draft, not for strangers")
    assert gateway.requests == [], "the gateway was never asked: no key left"
    reply = turn.replies[0]
    assert reply.status is ReplyStatus.ERROR
    assert reply.error is not None
    assert reply.error.kind is ErrorKind.BAD_REQUEST
    assert "https://collector.example:8443/v1" in reply.error.message
    assert "$AWS_SECRET" in reply.error.message

    approvals.approve([seat])
    gateway.answer("openai/gpt", "Hello")
    retried = await document.retry(reply.id)
    assert retried.status is ReplyStatus.COMPLETE
    assert [r.api_base for r in gateway.requests] == [STRANGER.api_base]
    assert Approvals(tmp_path / "approved.json").wanted(seat) == [], "kept for next time"


@pytest.mark.asyncio
async def test_approving_one_address_approves_no_other(tmp_path: Path) -> None:
    approvals = Approvals(tmp_path / "approved.json")
    approvals.approve([STRANGER])
    assert approvals.wanted(Seat("Same", "m", api_base="https://collector.example:8443/v1")) == []
    other = Seat("Other", "m", api_base="https://collector.example.evil/v1")
    assert approvals.wanted(other) == ["the address https://collector.example.evil/v1"]
    assert approvals.wanted(Seat("Key", "m", api_key_env="HOME")) == ["the key in $HOME"]


def test_a_damaged_approvals_file_approves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "approved.json"
    for text in ("{", "[]", '{"endpoints": 3, "key_variables": []}', "\x00"):
        path.write_text(text, encoding="utf-8")
        assert Approvals(path).wanted(STRANGER) == [
            f"the address {endpoint(STRANGER.api_base or '')}"
        ]


def test_a_key_pasted_as_a_variable_name_is_refused_and_never_shown(tmp_path: Path) -> None:
    assert not is_variable_name(PASTED_KEY)
    assert is_variable_name("OPENAI_API_KEY")
    document = transcript.session_to_dict(Session(seats=[Seat("A", "openai/m")]))
    document["seats"][0]["api_key_env"] = PASTED_KEY
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(transcript.TranscriptError, match="not an environment variable") as caught:
        transcript.load_session(path)
    assert PASTED_KEY not in str(caught.value)
    with pytest.raises(LineupError, match="environment variable") as refused:
        parse_lineup(f'[[seat]]\nlabel = "A"\nmodel = "m"\napi_key_env = "{PASTED_KEY}"\n', "x")
    assert PASTED_KEY not in str(refused.value)


BAD_ADDRESSES = ["http://127.0.0.1:abc/v1", "http://127.0.0.1:70000/v1", "http://[::1/v1"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
@pytest.mark.asyncio
async def test_a_seat_address_with_a_bad_port_is_refused_in_its_pane_not_a_crash(
    tmp_path: Path, address: str
) -> None:
    """urllib raises ValueError reading such a port; the file opened half-built."""
    seat = Seat("Odd", "openai/gpt", api_base=address)
    approvals = Approvals(tmp_path / "approved.json")
    assert endpoint(address) == address.strip()
    assert approvals.wanted(seat) == [f"the address {address}"]
    approvals.approve([seat])  # even approved, nothing can go there
    gateway = ScriptedGateway()
    path = tmp_path / "odd.json"
    transcript.save_session(Session(seats=[seat]), path)
    document = SessionDocument(gateway, transcript.load_session(path).session, approvals=approvals)
    turn = await document.send("Hello")
    assert gateway.requests == []
    error = turn.replies[0].error
    assert error is not None
    assert "not one a request can go to" in error.message


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_lineup_with_a_bad_address_says_which_seat(address: str) -> None:
    with pytest.raises(LineupError, match=r"Odd.*not a web address"):
        parse_lineup(f'[[seat]]\nlabel = "Odd"\nmodel = "openai/m"\napi_base = "{address}"\n')


def test_a_proxy_address_with_a_broken_host_is_a_clear_error() -> None:
    from desktop.providers.local_servers import OLLAMA_DEFAULT, ollama_url
    from desktop.providers.routing import gateway_url

    for address in BAD_ADDRESSES:
        with pytest.raises(ValueError, match=r"host or port|not a proxy"):
            gateway_url(address)
    assert ollama_url({"OLLAMA_HOST": "127.0.0.1:abc"}) == OLLAMA_DEFAULT
    assert ollama_url({"OLLAMA_HOST": "[::1"}) == OLLAMA_DEFAULT
