"""The two gateway implementations, for engine tests that run on both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from desktop.core.records.events import Gateway
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from desktop.providers.worker_client import WorkerGateway
from tests.conftest import subprocess_env


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def worker_gateway() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env())
    assert await gateway.wait_ready()
    yield gateway
    await gateway.aclose()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def inprocess_gateway() -> AsyncIterator[LiteLLMGateway]:
    gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
    yield gateway
    await gateway.aclose()


@pytest.fixture(params=["in-process", "worker"])
def gateway(
    request: pytest.FixtureRequest, inprocess_gateway: LiteLLMGateway, worker_gateway: WorkerGateway
) -> Gateway:
    return inprocess_gateway if request.param == "in-process" else worker_gateway
