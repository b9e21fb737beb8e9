"""The batching writer: O(1) submit, batched commits, flush, retries, bounds."""

from __future__ import annotations

import asyncio
import inspect
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.model.events import FillApplied
from engine.model.events import OrderUpdated
from engine.store import StoreReader
from engine.store import StoreWriter
from engine.store import create_store_engine
from engine.store import sqlite_url
from engine.store.models import FillRow
from engine.store.models import OrderRow
from tests.kit.events import fill_row
from tests.kit.events import mixed

DEADLINE = 5.0


async def eventually(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds or the deadline passes (no fixed sleeps)."""
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.001)


def count_rows(db_path: Path, table: str) -> int:
    """Read with a separate plain sqlite3 connection (WAL lets it read during writes)."""
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def commits(engine: AsyncEngine) -> list[int]:
    """One entry per transaction committed on ``engine``."""
    seen: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _conn: seen.append(1))
    return seen


Locked = tuple[AsyncEngine, sqlite3.Connection]


@pytest.fixture
async def locked(db_path: Path) -> AsyncIterator[Locked]:
    """An engine that waits 10 ms for a lock, and a connection of another "process" that
    holds the write lock (BEGIN IMMEDIATE) until the test rolls it back."""
    engine = create_store_engine(sqlite_url(db_path), sqlite_busy_timeout=0.01)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        yield engine, blocker
    finally:
        blocker.close()
        await engine.dispose()


@pytest.fixture
async def writer(engine: AsyncEngine) -> AsyncIterator[StoreWriter]:
    async with StoreWriter(engine, batch_size=500, max_delay=0.01) as w:
        yield w


def test_submit_is_synchronous() -> None:
    assert not inspect.iscoroutinefunction(StoreWriter.submit)


async def test_submit_never_touches_the_database(engine: AsyncEngine, commits: list[int]) -> None:
    w = StoreWriter(engine)  # not started
    for item in mixed(100):
        assert w.submit(item)
    assert w.queued == 100 and commits == []


async def test_flush_waits_for_a_late_start(engine: AsyncEngine, db_path: Path) -> None:
    w = StoreWriter(engine)
    w.submit(fill_row(1))
    flushing = asyncio.create_task(w.flush())
    await asyncio.sleep(0)
    assert not flushing.done()
    w.start()
    async with asyncio.timeout(DEADLINE):
        await flushing
    assert count_rows(db_path, "fills") == 1
    await w.close()


async def test_writes_are_batched(
    writer: StoreWriter, engine: AsyncEngine, commits: list[int]
) -> None:
    for item in mixed(5_000):
        writer.submit(item)
    await writer.flush()
    stats = writer.stats()
    assert stats.rows_written == 5_000 and stats.queued == 0
    assert stats.batches == len(commits) <= 12  # 10 full batches, give or take a partial one
    assert stats.last_batch_latency_s > 0 and stats.write_errors == 0


async def test_flush_means_durable(writer: StoreWriter, db_path: Path) -> None:
    items = mixed(1_001)
    for item in items:
        writer.submit(item)
    await writer.flush()
    # A new engine (a new process would see the same) reads everything back.
    other = create_store_engine(sqlite_url(db_path))
    try:
        fills = await StoreReader(other).fills_since(0)
        orders = await StoreReader(other).orders(limit=10_000)
    finally:
        await other.dispose()
    assert [f.fill for f in fills] == [i.fill for i in items if isinstance(i, FillApplied)]
    assert {o.client_order_id for o in orders} == {
        i.order.client_order_id for i in items if isinstance(i, OrderUpdated)
    }


async def test_a_lone_event_is_written_within_max_delay(writer: StoreWriter, db_path: Path) -> None:
    writer.submit(fill_row(1))
    await eventually(lambda: writer.stats().batches == 1, "the timed batch")
    assert count_rows(db_path, "fills") == 1


async def test_flush_with_nothing_queued_returns_at_once(writer: StoreWriter) -> None:
    await writer.flush()
    assert writer.stats().batches == 0


async def test_a_full_queue_drops_loudly(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    w = StoreWriter(engine, batch_size=5, max_queue=10)
    accepted = [w.submit(item) for item in mixed(15)]
    assert accepted == [True] * 10 + [False] * 5
    assert w.stats().dropped == 5 and w.stats().submitted == 10
    assert any(r.levelno == logging.ERROR and "dropped" in r.message for r in caplog.records)


async def test_close_writes_everything_then_refuses(engine: AsyncEngine, db_path: Path) -> None:
    w = StoreWriter(engine, batch_size=64, max_delay=10.0)
    w.start()
    for item in mixed(200):
        w.submit(item)
    await w.close()
    assert count_rows(db_path, "fills") + count_rows(db_path, "orders") == 200
    assert w.submit(fill_row(999)) is False
    assert w.stats().dropped == 1


async def test_run_can_live_in_a_task_group(engine: AsyncEngine, db_path: Path) -> None:
    w = StoreWriter(engine)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(w.run())
        w.submit(fill_row(1))
        await w.flush()
        await w.close()
    assert count_rows(db_path, "fills") == 1


async def test_recovers_after_the_database_was_locked(
    locked: Locked, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine, blocker = locked
    async with StoreWriter(engine, batch_size=50, retry_initial=0.005) as w:
        items = mixed(120)
        for item in items:
            w.submit(item)
        await eventually(lambda: w.stats().write_errors >= 2, "failed attempts")
        assert w.stats().retrying and w.queued == 120
        assert count_rows(db_path, "fills") == 0

        blocker.execute("ROLLBACK")
        async with asyncio.timeout(DEADLINE):
            await w.flush()
        stats = w.stats()
    assert not stats.retrying and stats.rows_written == 120 and stats.rejected == 0
    assert count_rows(db_path, "fills") + count_rows(db_path, "orders") == 120
    assert any("retrying" in r.message for r in caplog.records)


async def test_close_gives_up_on_a_dead_database_and_says_what_was_lost(
    locked: Locked, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = locked[0]
    w = StoreWriter(engine, retry_initial=0.005)
    w.start()
    for item in mixed(7):
        w.submit(item)
    await w.close(timeout=0.1)
    assert w.queued == 7
    assert any("7 item(s) LOST" in r.message for r in caplog.records)
    with pytest.raises(RuntimeError, match="stopped with 7 item"):
        await w.flush()


async def test_a_bad_row_is_isolated_rejected_and_logged(
    writer: StoreWriter, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    good = mixed(40)
    base = fill_row(10_001)
    poison = msgspec.structs.replace(base, fill=msgspec.structs.replace(base.fill, qty=2**70))
    for item in good[:17]:
        writer.submit(item)
    writer.submit(poison)  # does not fit in a BIGINT
    for item in good[17:]:
        writer.submit(item)
    await writer.flush()

    stats = writer.stats()
    assert stats.rejected == 1 and stats.rows_written == 40
    async with engine.connect() as conn:
        n_fills = (await conn.execute(select(func.count()).select_from(FillRow))).scalar_one()
        n_orders = (await conn.execute(select(func.count()).select_from(OrderRow))).scalar_one()
    assert n_fills + n_orders == 40
    assert any("rejected" in r.message and "x-10001" in r.message for r in caplog.records)
