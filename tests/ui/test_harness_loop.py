"""The UI tests' loop: task steps that Qt runs between run_until_complete calls still see
it as the running loop (see RunningQEventLoop)."""

from __future__ import annotations

import asyncio
import time

import qasync
from PySide6.QtWidgets import QApplication

from tests.waiting import eventually


def test_a_queue_consumer_survives_qt_events_processed_between_runs(
    qloop: qasync.QEventLoop, qapp: QApplication
) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    got: list[int] = []

    async def consume() -> None:
        while True:
            got.append(await queue.get())

    async def produce() -> None:
        for i in range(10_000):
            queue.put_nowait(i)
            await asyncio.sleep(0.001)

    consumer, producer = qloop.create_task(consume()), qloop.create_task(produce())
    qloop.run_until_complete(eventually(lambda: len(got) >= 5, what="the consumer to run"))
    # What qasync and pytest-qt do between runs: Qt processes events, asyncio not running.
    deadline = time.monotonic() + 10
    while len(got) < 100 and not consumer.done() and time.monotonic() < deadline:
        qapp.processEvents()
    assert not consumer.done(), consumer.exception()
    assert len(got) >= 100
    consumer.cancel()
    producer.cancel()
    qloop.run_until_complete(asyncio.sleep(0))
