"""The store writer: a hot-path ``submit`` and a task that commits in batches.

``submit`` appends to an in-memory queue and returns; it never awaits and never
touches the database, so the trading loop can call it on every event. The
``run`` task drains the queue in batches of up to ``batch_size`` items, waiting
at most ``max_delay`` seconds for a batch to fill, and commits each batch in one
transaction.

Failures never lose events silently. A database error (locked, disconnected,
missing table...) keeps the batch and retries it with exponential backoff for
as long as it takes, counting each failed attempt in ``write_errors``. An item
that the database refuses on its own merits (a constraint or data error) is
isolated by splitting the batch, logged with its content and counted in
``rejected``; the rest of the batch is written. A full queue refuses new items,
counts them in ``dropped`` and logs at ERROR.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from types import TracebackType

import msgspec
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store.persist import StoreItem
from engine.store.persist import write_items

log = logging.getLogger(__name__)


class WriterStats(msgspec.Struct, frozen=True):
    """Counters of a :class:`StoreWriter` (for metrics and ``/status``)."""

    queued: int
    """Items accepted and not yet committed (waiting or in the current batch)."""
    submitted: int
    dropped: int
    rows_written: int
    batches: int
    last_batch_rows: int
    last_batch_latency_s: float
    write_errors: int
    rejected: int
    retrying: bool


def is_row_error(error: BaseException) -> bool:
    """Whether ``error`` is about the rows themselves rather than the database.

    Row errors (constraint violations, out-of-range or unconvertible values) are
    isolated and rejected; anything else is retried.
    """
    if isinstance(error, sa_exc.IntegrityError | sa_exc.DataError):
        return True
    if isinstance(error, sa_exc.StatementError) and not isinstance(error, sa_exc.DBAPIError):
        error = error.orig if error.orig is not None else error
    return isinstance(error, TypeError | ValueError | OverflowError)


class StoreWriter:
    """Batches engine events into the store; see the module docstring.

    ``submit`` must be called from the thread running the event loop.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        run_id: str | None = None,
        batch_size: int = 1000,
        max_delay: float = 0.05,
        max_queue: int = 1_000_000,
        retry_initial: float = 0.05,
        retry_max: float = 5.0,
    ) -> None:
        if batch_size < 1 or max_queue < batch_size:
            raise ValueError("need 1 <= batch_size <= max_queue")
        self._engine = engine
        self._run_id = run_id
        self._batch_size = batch_size
        self._max_delay = max_delay
        self._max_queue = max_queue
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._queue: deque[StoreItem] = deque()
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._flushers: list[tuple[int, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._closing = False
        self._in_flight = 0
        self._accepted = 0
        self._handled = 0
        self._dropped = 0
        self._rows = 0
        self._batches = 0
        self._last_rows = 0
        self._last_latency = 0.0
        self._errors = 0
        self._rejected = 0
        self._retrying = False

    # -- hot path ---------------------------------------------------------

    def submit(self, item: StoreItem) -> bool:
        """Queue ``item`` for writing; O(1), never blocks. False if it was dropped."""
        queue = self._queue
        if self._closing or len(queue) + self._in_flight >= self._max_queue:
            self._drop(item)
            return False
        queue.append(item)
        self._accepted += 1
        n = len(queue)
        if n == 1 or n >= self._batch_size:
            self._wake.set()
        return True

    def _drop(self, item: StoreItem) -> None:
        self._dropped += 1
        if self._dropped & (self._dropped - 1) == 0:  # 1, 2, 4, 8...: loud, not a flood
            why = "closed" if self._closing else f"full ({self._max_queue} items)"
            log.error(
                "store writer %s: dropped %d item(s) so far, latest %s",
                why,
                self._dropped,
                type(item).__name__,
            )

    # -- the task ---------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Run :meth:`run` as a named task (alternatively, await ``run()`` yourself)."""
        if self._task is not None:
            raise RuntimeError("store writer already started")
        self._task = asyncio.create_task(self.run(), name="store-writer")
        self._task.add_done_callback(_log_task_end)
        return self._task

    async def run(self) -> None:
        """Drain the queue in batches until :meth:`close` is called and all is written."""
        if self._running or self._stopped.is_set():
            raise RuntimeError("store writer can run only once")
        self._running = True
        self._task = self._task or asyncio.current_task()
        try:
            while True:
                if not self._queue:
                    if self._closing:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                if len(self._queue) < self._batch_size and not (self._closing or self._flushers):
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._max_delay):
                            await self._wake.wait()
                n = min(len(self._queue), self._batch_size)
                batch = [self._queue.popleft() for _ in range(n)]
                self._in_flight = n
                await self._write(batch)
        finally:
            self._running = False
            self._stopped.set()
            self._fail_flushers()

    async def _write(self, batch: list[StoreItem]) -> None:
        """Commit ``batch``, retrying database errors and isolating bad rows."""
        pending: deque[list[StoreItem]] = deque([batch])
        try:
            await self._write_pending(pending)
        except BaseException:
            # Cancelled mid-batch: what is not committed goes back to the queue.
            for chunk in reversed(pending):
                self._queue.extendleft(reversed(chunk))
            raise
        finally:
            self._in_flight = 0

    async def _write_pending(self, pending: deque[list[StoreItem]]) -> None:
        delay = self._retry_initial
        while pending:
            chunk = pending[0]
            started = time.perf_counter()
            try:
                async with self._engine.begin() as conn:
                    rows = await write_items(conn, chunk, self._run_id)
            except Exception as error:
                self._errors += 1
                if is_row_error(error):
                    pending.popleft()
                    if len(chunk) == 1:
                        self._reject(chunk[0], error)
                    else:
                        mid = len(chunk) // 2
                        pending.extendleft((chunk[mid:], chunk[:mid]))
                    continue
                self._log_retry(error, delay, len(chunk))
                self._retrying = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            pending.popleft()
            self._retrying = False
            delay = self._retry_initial
            self._rows += rows
            self._batches += 1
            self._last_rows = rows
            self._last_latency = time.perf_counter() - started
            self._handled += len(chunk)
            self._in_flight -= len(chunk)
            self._release_flushers()

    def _reject(self, item: StoreItem, error: BaseException) -> None:
        self._rejected += 1
        self._handled += 1
        self._in_flight -= 1
        log.error("store writer: rejected unwritable item %r: %s", item, error)
        self._release_flushers()

    def _log_retry(self, error: BaseException, delay: float, size: int) -> None:
        first = not self._retrying
        log.log(
            logging.ERROR if first else logging.WARNING,
            "store writer: batch of %d failed (%d errors so far), retrying in %.2fs: %s",
            size,
            self._errors,
            delay,
            error,
            exc_info=error if first else None,
        )

    # -- flush and close ----------------------------------------------------

    async def flush(self) -> None:
        """Return once every item accepted so far is committed (or rejected).

        Waits as long as that takes (wrap it in ``asyncio.timeout`` to bound it),
        including for a writer whose task has not started yet. Raises
        ``RuntimeError`` if the task has stopped with items unwritten.
        """
        target = self._accepted
        if self._handled >= target:
            return
        if self._stopped.is_set():
            raise RuntimeError(f"store writer stopped with {self.queued} item(s) unwritten")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._flushers.append((target, future))
        self._wake.set()
        await future

    def _release_flushers(self) -> None:
        if not self._flushers:
            return
        waiting = []
        for target, future in self._flushers:
            if target <= self._handled:
                if not future.done():
                    future.set_result(None)
            else:
                waiting.append((target, future))
        self._flushers = waiting

    def _fail_flushers(self) -> None:
        for _, future in self._flushers:
            if not future.done():
                future.set_exception(
                    RuntimeError(f"store writer stopped with {self.queued} item(s) unwritten")
                )
        self._flushers = []

    async def close(self, timeout: float | None = 30.0) -> None:
        """Stop accepting items, write everything accepted, and stop the task.

        If that takes longer than ``timeout`` seconds (the database is down), the
        task is cancelled and the unwritten items are logged at ERROR as lost.
        """
        self._closing = True
        self._wake.set()
        if self._task is None:
            if self.queued:
                log.error("store writer: closed before it ran; %d item(s) LOST", self.queued)
            return
        try:
            async with asyncio.timeout(timeout):
                await self._stopped.wait()
        except TimeoutError:
            lost = self.queued
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            log.error("store writer: closed after %ss with %d item(s) LOST", timeout, lost)
        if self._task.done() and not self._task.cancelled() and self._task.exception():
            raise RuntimeError("store writer failed") from self._task.exception()

    async def __aenter__(self) -> StoreWriter:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- counters -------------------------------------------------------------

    @property
    def queued(self) -> int:
        """Items accepted and not yet committed."""
        return len(self._queue) + self._in_flight

    def stats(self) -> WriterStats:
        """A snapshot of the writer's counters."""
        return WriterStats(
            queued=self.queued,
            submitted=self._accepted,
            dropped=self._dropped,
            rows_written=self._rows,
            batches=self._batches,
            last_batch_rows=self._last_rows,
            last_batch_latency_s=self._last_latency,
            write_errors=self._errors,
            rejected=self._rejected,
            retrying=self._retrying,
        )


def _log_task_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("store writer task died", exc_info=error)
