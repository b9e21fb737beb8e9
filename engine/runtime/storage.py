"""The store for one live run: the database, its batching writer and its reader.

Opened first at start-up and closed last: :meth:`RunStore.open` registers the run
(``runs`` row) and starts the writer; :meth:`RunStore.close` writes what is queued,
marks the run finished and releases the database, each step tolerating the
previous one's failure (a store that cannot be written must not keep the
process from exiting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path

from engine.model.events import AuditRecord
from engine.model.portfolio import AccountSnapshot
from engine.runtime.options import StoreOptions
from engine.store import FillRecord
from engine.store import StoreItem
from engine.store import StoreReader
from engine.store import StoreWriter
from engine.store import create_store_engine
from engine.store import finish_run
from engine.store import load_control_state
from engine.store import migrate
from engine.store import save_control_state
from engine.store import save_control_states
from engine.store import start_run

log = logging.getLogger("scalpbot.runtime")

FLUSH_TIMEOUT_S = 5.0
"""How long a read for a person (audit, P&L) waits for queued rows to be written."""


class RunStore:
    """The store of one run, from :meth:`open` until :meth:`close`."""

    def __init__(self, options: StoreOptions, run_id: str, params: dict[str, str]) -> None:
        """``params``: what the ``runs`` row records of the run (venue, strategy, ...)."""
        url = options.url
        if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self._params = params
        self.engine = create_store_engine(url)
        self.writer = StoreWriter(
            self.engine, run_id=run_id, batch_size=options.batch_size, max_delay=options.max_delay_s
        )
        self.reader = StoreReader(self.engine)

    async def open(self) -> None:
        """Bring the schema up to date, register the run and start the writer."""
        await migrate(self.engine)
        await start_run(
            self.engine, self.run_id, "live", started_ts=time.time_ns(), params=self._params
        )
        self.writer.start()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.writer.close()
        with contextlib.suppress(Exception):
            await finish_run(self.engine, self.run_id, ended_ts=time.time_ns())
        await self.engine.dispose()

    def submit(self, item: StoreItem) -> bool:
        return self.writer.submit(item)

    async def flushed(self) -> None:
        """Wait (a bounded time) until what was queued so far is written."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.writer.flush(), FLUSH_TIMEOUT_S)

    async def save(self, key: str, value: object, actor: str) -> None:
        await save_control_state(self.engine, key, value, time.time_ns(), actor)

    async def save_many(self, values: dict[str, object], actor: str) -> None:
        await save_control_states(self.engine, values, time.time_ns(), actor)

    async def control_state(self) -> dict[str, object]:
        return await load_control_state(self.engine)

    # -- what the control API reads (through the runtime) ----------------------------

    def stats(self) -> tuple[int, int, int]:
        s = self.writer.stats()
        return (s.queued, s.rows_written, s.write_errors)

    def last_batch_s(self) -> float:
        return self.writer.stats().last_batch_latency_s

    def writable(self) -> bool:
        return not self.writer.stats().retrying

    async def audit(self, n: int) -> list[AuditRecord]:
        await self.flushed()
        return list(await self.reader.audit(n))

    async def equity_since(self, ts: int) -> list[AccountSnapshot]:
        await self.flushed()
        return list(await self.reader.equity_since(ts))

    async def equity_at(self, ts: int) -> AccountSnapshot | None:
        await self.flushed()
        return await self.reader.equity_at(ts)

    async def fills_since(self, ts: int) -> list[FillRecord]:
        await self.flushed()
        return list(await self.reader.fills_since(ts))
