"""A key kept for this session only, where there is no OS keyring: it reaches the
provider worker (and a worker started again after a crash), the provider gets it, and
afterwards it is found nowhere on disk: not in the home folder, the session, the
autosave. And the Test call's outcomes (works, rejected, no network, rate-limited)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from desktop.core.records.model import ReplyStatus, Session
from desktop.core.session.document import SessionDocument
from desktop.core.session.key_check import check_key, check_request
from desktop.core.session.recovery import RecoveryStore
from desktop.providers.worker_client import WorkerGateway
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import Fail, FakeProviderServer, Stream
from tests.providers.helpers import collect, request_for, text_of
from tests.waiting import eventually

SESSION_KEY = "sk-session" + "only0123456789abcdef"  # built up: no key-like text committed


def no_keys_env() -> dict[str, str]:
    env = {k: v for k, v in subprocess_env().items() if not k.endswith("_API_KEY")}
    return env  # and PYTHON_KEYRING_BACKEND=fail: no OS keyring, as on a bare Linux box


async def test_a_session_key_reaches_the_worker_and_is_written_nowhere(
    fake: FakeProviderServer, tmp_path: Path
) -> None:
    gateway = WorkerGateway(env=no_keys_env())
    try:
        events = await collect(gateway, request_for("openai/keyless", fake.api_base("openai")))
        assert "Add key" in str(events[-1]) or "key" in str(events[-1]).lower()
        gateway.use_key("openai", SESSION_KEY)
        fake.script("keyed", Stream(text="With the session's key."))
        events = await collect(gateway, request_for("openai/keyed", fake.api_base("openai")))
        assert text_of(events) == "With the session's key."
        assert fake.requests("keyed")[0].headers["Authorization"] == f"Bearer {SESSION_KEY}"

        assert gateway.pid is not None
        os.kill(gateway.pid, signal.SIGKILL)  # a crash: the next worker gets the key too
        await eventually(lambda: gateway.restarts == 1, what="a worker started again")
        fake.script("again", Stream(text="Still."))
        events = await collect(gateway, request_for("openai/again", fake.api_base("openai")))
        assert text_of(events) == "Still."
        assert fake.requests("again")[0].headers["Authorization"] == f"Bearer {SESSION_KEY}"

        document = SessionDocument(gateway, Session(seats=[seat_for(fake, "openai", "doc")]),
                                   recovery=RecoveryStore(tmp_path / "recovery"))  # fmt: skip
        turn = await document.send("Is the key kept anywhere?")
        assert turn.replies[0].status is ReplyStatus.COMPLETE
        assert await document.autosave()
        await document.save(tmp_path / "session.json")
        await document.shutdown()
    finally:
        await gateway.aclose()
    homes = [Path(os.environ[f"XDG_{k}_HOME"]) for k in ("DATA", "CONFIG", "CACHE", "STATE")]
    for root in [tmp_path, *homes]:
        for path in root.rglob("*"):
            if path.is_file():
                assert SESSION_KEY.encode() not in path.read_bytes(), path


OUTCOMES: list[tuple[Stream | Fail, str]] = [
    (Stream(text="OK"), "works"),
    (Fail(401, {"error": {"message": "Incorrect API key provided", "type": "auth"}}), "rejected"),
    (Fail(429, {"error": {"message": "Rate limit reached", "type": "requests"}}), "rate-limited"),
]


async def test_the_key_test_says_plainly_what_happened(fake: FakeProviderServer) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    gateway = WorkerGateway(env=subprocess_env())  # one worker for every outcome
    try:
        for number, (behaviour, outcome) in enumerate(OUTCOMES):
            model = f"key-test-{number}"
            fake.script(model, *[behaviour] * 4)  # retries of a 429 get the same
            request = check_request("openai", fake.api_base("openai"), model=f"openai/{model}")
            found = await check_key(gateway, request)
            assert found.outcome == outcome, (behaviour, found)
            assert fake.requests(model)[0].body["max_tokens"] == 1, "the cheapest call"
        unreachable = await check_key(gateway, check_request("openai", dead, model="openai/x"))
        assert unreachable.outcome == "no network"
    finally:
        await gateway.aclose()
