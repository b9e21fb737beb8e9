"""Event-loop lag: a blocked loop shows up in the histogram and the last value."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitoring.loop_lag import LoopLag
from tests.engine.runtime.conftest import until


async def test_a_blocking_call_is_measured() -> None:
    lag = LoopLag(0.01)
    lag.start()
    try:
        await until(lambda: lag.hist.count >= 2, 5, "samples")
        time.sleep(0.15)  # block the loop on purpose

        def over_100ms() -> int:
            buckets = dict(lag.hist.cumulative())
            return buckets[float("inf")] - buckets[0.1]

        await until(lambda: over_100ms() == 1, 5, "the lag to be seen")
        assert lag.hist.sum >= 0.1
    finally:
        await lag.stop()
    assert lag._task is None


async def test_stop_cancels_the_task_and_is_idempotent() -> None:
    lag = LoopLag(0.01)
    lag.start()
    lag.start()  # a second start does not add a task
    await asyncio.sleep(0.05)
    await lag.stop()
    await lag.stop()
    count = lag.hist.count
    await asyncio.sleep(0.05)
    assert lag.hist.count == count


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        LoopLag(0)
