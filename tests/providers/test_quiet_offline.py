"""litellm makes no network connection but to the provider, and prints nothing."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import PYTHON, ROOT, subprocess_env
from tests.fakes.provider_server import Fail, FakeProviderServer

PROBE = """
import asyncio, json, socket, sys
connections = []
real_connect = socket.socket.connect
def connect(self, address):
    connections.append(str(address))
    return real_connect(self, address)
socket.socket.connect = connect
real_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    connections.append(f"lookup:{host}")
    return real_getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo

from desktop.providers import worker
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from desktop.core.records.events import ReplyRequest

async def main():
    await worker._warm_up()
    gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
    for model, base in json.loads(sys.argv[1]):
        request = ReplyRequest("r", "seat", model, [{"role": "user", "content": "hi"}], api_base=base)
        async for event in gateway.stream(request):
            pass
    await gateway.aclose()

asyncio.run(main())
sys.stderr.write(json.dumps(connections))
"""


def test_no_connection_but_to_the_provider_and_no_console_noise(fake: FakeProviderServer) -> None:
    fake.script("bad", Fail(401, {"error": {"message": "nope", "type": "invalid_request_error"}}))
    calls = [
        ("openai/gpt-4o", fake.api_base("openai")),
        ("anthropic/claude-sonnet-4-5", fake.api_base("anthropic")),
        ("gemini/gemini-2.5-flash", fake.api_base("gemini")),
        ("openai/bad", fake.api_base("openai")),
    ]
    result = subprocess.run(
        [PYTHON, "-c", PROBE, json.dumps(calls)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == "", "litellm printed to stdout"
    connections = json.loads(result.stderr.strip().splitlines()[-1])
    assert connections, "the probe saw no connection at all"
    for target in connections:
        assert "127.0.0.1" in target, f"unexpected network access: {target}"
    noise = result.stderr.strip().splitlines()[:-1]
    assert noise == [], f"litellm wrote to stderr: {noise[:5]}"
