"""Event-loop lag: how late the loop wakes a timer that asked to sleep ``interval``.

Everything in scalpbot shares one loop, so a blocking call anywhere (a slow
subscriber, a synchronous file write, a long computation) delays market data
and orders; this makes it visible. The task owns nothing but two numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from engine.model.histogram import Histogram as Buckets
from monitoring import metrics as m

log = logging.getLogger("scalpbot.metrics")


class LoopLag:
    """Samples the lag every ``interval`` seconds once :meth:`start`\\ ed."""

    def __init__(self, interval: float = 0.1) -> None:
        if interval <= 0:
            raise ValueError("loop lag interval must be positive")
        self.interval = interval
        self.hist = Buckets(m.LOOP_LAG_BUCKETS_S)
        self.last = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sampling on the running loop (a named task, stopped by :meth:`stop`)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")
            self._task.add_done_callback(_log_failure)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def observe(self, lag: float) -> None:
        lag = max(lag, 0.0)
        self.last = lag
        self.hist.observe(lag)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.observe(loop.time() - due)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("loop lag sampler failed", exc_info=task.exception())
