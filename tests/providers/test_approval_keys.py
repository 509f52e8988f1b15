"""The Done-when of endpoint approval, through litellm and the fake server: a shared
file's seats, one using the user's keyring key and one a secret variable the file names,
send nothing (and no key) before approval, and both keys go where approved after."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core import transcript
from desktop.core.records.model import ReplyStatus, Session
from desktop.core.session.document import SessionDocument
from desktop.core.trust import Approvals
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from tests.conftest import seat_for
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import FakeProviderServer, Stream

pytestmark = pytest.mark.asyncio


async def test_neither_key_leaves_before_approval_and_both_go_after(
    fake: FakeProviderServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    memory_keyring.set_password("roundtable", "openai", "keyring-key-of-the-user")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("DEPLOY_TOKEN", "secret-in-the-environment")
    keyring_seat = seat_for(fake, "openai", "shared-k", "Uses your keyring key")
    named = seat_for(fake, "anthropic", "shared-v", "Names a variable")
    variable = replace(named, api_key_env="DEPLOY_TOKEN")
    shared = tmp_path / "shared.json"
    transcript.save_session(Session(seats=[keyring_seat, variable]), shared)
    for model in ("shared-k", "shared-v"):
        fake.script(model, Stream(text="thanks"))

    approvals = Approvals(tmp_path / "approved.json")
    document = SessionDocument(LiteLLMGateway(retry=RetryPolicy(attempts=1)), approvals=approvals)
    document.open(shared)
    turn = await document.send("My unpublished draft")
    assert fake.requests() == [], "nothing, and no key, reached the file's server"
    assert all(r.status is ReplyStatus.ERROR for r in turn.replies)

    approvals.approve(document.session.active_seats)
    for reply in list(turn.replies):
        assert (await document.retry(reply.id)).status is ReplyStatus.COMPLETE
    assert fake.requests("shared-k")[0].headers["Authorization"] == "Bearer keyring-key-of-the-user"
    assert fake.requests("shared-v")[0].headers["x-api-key"] == "secret-in-the-environment"
