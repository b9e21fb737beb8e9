"""Runs: a backtest stores itself whole; a live session brackets its writer's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store import StoreItem
from engine.store import StoreReader
from engine.store import StoreWriter
from engine.store import finish_run
from engine.store import start_run
from engine.store import write_run
from engine.store.models import EventRow
from engine.store.models import FillRow
from engine.store.models import OrderRow
from tests.kit.events import T0
from tests.kit.events import fill_row
from tests.kit.events import mixed
from tests.kit.events import one_of_each


async def test_write_run_stores_the_run_and_its_items(engine: AsyncEngine) -> None:
    items = [*one_of_each(), *mixed(2_500)]
    rows = await write_run(
        engine,
        run_id="bt-1",
        kind="backtest",
        started_ts=T0,
        ended_ts=T0 + 99,
        items=iter(items),
        params={"strategy": "mm", "spread_ticks": 2},
        summary={"pnl": 123, "trades": 7},
        batch_size=300,
    )
    assert rows > 2_500
    run = await StoreReader(engine).run("bt-1")
    assert run is not None
    assert (run.kind, run.started_ts, run.ended_ts) == ("backtest", T0, T0 + 99)
    assert run.params == {"strategy": "mm", "spread_ticks": 2}
    assert run.summary == {"pnl": 123, "trades": 7}
    async with engine.connect() as conn:
        for model in (OrderRow, FillRow, EventRow):
            run_ids = set((await conn.execute(select(model.run_id))).scalars())
            assert run_ids == {"bt-1"}


async def test_write_run_is_all_or_nothing(engine: AsyncEngine) -> None:
    items: list[StoreItem] = [fill_row(1), "not an event"]  # type: ignore[list-item]
    with pytest.raises(TypeError):
        await write_run(
            engine, run_id="bt-2", kind="backtest", started_ts=T0, ended_ts=T0, items=items
        )
    reader = StoreReader(engine)
    assert await reader.run("bt-2") is None
    assert await reader.recent_fills() == []


async def test_unknown_run_kind_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="run kind"):
        await start_run(engine, "x", "vacation", started_ts=T0)


async def test_a_live_session_brackets_its_writer(engine: AsyncEngine) -> None:
    await start_run(engine, "live-1", "live", started_ts=T0, params={"venue": "sim"})
    async with StoreWriter(engine, run_id="live-1") as w:
        w.submit(fill_row(1))
        await w.flush()
    await finish_run(engine, "live-1", ended_ts=T0 + 5, summary={"fills": 1})
    run = await StoreReader(engine).run("live-1")
    assert run is not None and run.summary == {"fills": 1}
    [record] = await StoreReader(engine).recent_fills()
    assert record.run_id == "live-1"
    with pytest.raises(LookupError):
        await finish_run(engine, "live-2", ended_ts=T0)


async def test_rows_must_belong_to_a_known_run(engine: AsyncEngine) -> None:
    # Foreign keys are enforced on SQLite as on PostgreSQL: a writer with a run id
    # nobody started has its rows rejected (and logged), not stored as orphans.
    async with StoreWriter(engine, run_id="ghost") as w:
        w.submit(fill_row(1))
        await w.flush()
        assert w.stats().rejected == 1
    assert await StoreReader(engine).recent_fills() == []


async def test_a_run_id_is_used_once(engine: AsyncEngine) -> None:
    await start_run(engine, "r-1", "replay", started_ts=T0)
    with pytest.raises(IntegrityError):
        await write_run(engine, run_id="r-1", kind="replay", started_ts=T0, ended_ts=T0, items=[])
