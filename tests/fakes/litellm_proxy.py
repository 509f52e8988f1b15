"""The real LiteLLM proxy server (`litellm --config …`) in front of the fake provider.

This is how a team runs Roundtable: every seat's call goes to the proxy with a virtual
key, and the proxy holds the providers' keys and routes. The proxy comes from the dev
lock's ``proxy-test`` packages; without a database it cannot issue virtual keys, so a
small custom-auth module (a documented proxy hook) accepts the team's keys and answers
any other with the proxy's own 401.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.provider_server import FakeProviderServer

# What the proxy serves: one named model routed to the fake server's Anthropic side,
# and every `openai/…` name passed through to its OpenAI side (a wildcard route).
CONFIG = """\
model_list:
  - model_name: house
    litellm_params:
      model: anthropic/proxy-house
      api_base: {anthropic}
      api_key: {upstream}
  - model_name: "openai/*"
    litellm_params:
      model: "openai/*"
      api_base: {openai}
      api_key: {upstream}
general_settings:
  master_key: {master}
  custom_auth: team_auth.user_api_key_auth
"""

AUTH = """\
from fastapi import HTTPException, Request
from litellm.proxy._types import UserAPIKeyAuth

TEAM_KEYS = {team!r}


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key in TEAM_KEYS:
        return UserAPIKeyAuth(api_key=api_key)
    raise HTTPException(status_code=401, detail="this virtual key is not one of the team's")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiteLLMProxy:
    """A running proxy: ``url`` to point seats at, ``team_key`` that it accepts, and
    ``upstream_key``, the provider key only the proxy holds."""

    def __init__(self, upstream: FakeProviderServer, folder: Path) -> None:
        self.team_key = "sk-team-" + secrets.token_hex(8)
        self.upstream_key = "upstream-" + secrets.token_hex(8)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "proxy.log"
        (folder / "team_auth.py").write_text(AUTH.format(team={self.team_key}))
        config = folder / "config.yaml"
        config.write_text(
            CONFIG.format(
                anthropic=upstream.api_base("anthropic"),
                openai=upstream.api_base("openai"),
                upstream=self.upstream_key,
                master="sk-master-" + secrets.token_hex(8),
            )
        )
        litellm = Path(sys.executable).parent / "litellm"
        env = {
            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
            "HOME": str(folder),
            # Its model data from the package, not fetched (the test machine is offline).
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "PYTHONPATH": str(folder),
        }
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    str(litellm),
                    "--config",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--num_workers",
                    "1",
                ],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, within: float = 120.0) -> None:
        """Block until the proxy answers its liveness check (it imports for seconds)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the LiteLLM proxy exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health/liveliness", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the LiteLLM proxy did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
