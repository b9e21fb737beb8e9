"""Rows of every record kind, order upserts and idempotent fills, on each strategy."""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.model import ExecutionReport
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model.events import AuditRecord
from engine.model.events import EngineEvent
from engine.model.events import EquitySnapshot
from engine.model.events import FillApplied
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import PositionSnapshot
from engine.store import StoreItem
from engine.store import StoreReader
from engine.store import write_items
from engine.store.models import EventRow
from engine.store.models import ExecutionReportRow
from engine.store.models import FillRow
from engine.store.models import OrderRow
from engine.store.models import PositionSnapshotRow
from engine.store.persist import fill_insert
from engine.store.persist import order_upsert
from tests.kit.events import T0
from tests.kit.events import fill_row
from tests.kit.events import one_of_each
from tests.kit.events import order_row

# "sqlite" uses INSERT ... ON CONFLICT; "portable" forces the select-then-write
# path used for databases without a native upsert.
STRATEGIES = ["sqlite", "portable"]


async def _write(engine: AsyncEngine, items: list[StoreItem], strategy: str = "sqlite") -> int:
    async with engine.begin() as conn:
        return await write_items(conn, items, dialect=strategy)


async def _count(engine: AsyncEngine, model: type) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())


async def test_every_record_kind_round_trips(engine: AsyncEngine) -> None:
    items = one_of_each()
    assert await _write(engine, items) == len(items) - 1  # two snapshots of one order
    reader = StoreReader(engine)

    assert await reader.order_by_client_id("sb-t-1") == items[1].order  # type: ignore[union-attr]
    [stored_fill] = await reader.recent_fills()
    fill_event = next(i for i in items if isinstance(i, FillApplied))
    assert stored_fill.fill == fill_event.fill
    assert (stored_fill.realized_pnl, stored_fill.position_qty) == (5 * 10**18, 3)
    assert await reader.audit() == [i for i in items if isinstance(i, AuditRecord)]
    equity = [i.account for i in items if isinstance(i, EquitySnapshot)]
    assert await reader.equity_since(0) == equity

    generic = [
        i
        for i in items
        if not isinstance(
            i,
            OrderSubmitted
            | OrderUpdated
            | FillApplied
            | ExecutionReport
            | AuditRecord
            | EquitySnapshot
            | PositionSnapshot,
        )
    ]
    assert await reader.events(100) == list(reversed(generic))
    assert await _count(engine, ExecutionReportRow) == 1
    assert await _count(engine, PositionSnapshotRow) == 1


async def test_events_keep_their_symbol_or_scope(engine: AsyncEngine) -> None:
    await _write(engine, one_of_each())
    async with engine.connect() as conn:
        rows = (await conn.execute(select(EventRow.kind, EventRow.symbol))).all()
    symbols = dict(rows)
    assert symbols["RiskDenied"] == "BTCUSDT"
    assert symbols["TradingStateChanged"] is None  # scope "*"
    assert symbols["BreakerTripped"] is None


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_order_is_upserted_as_it_changes(engine: AsyncEngine, strategy: str) -> None:
    await _write(engine, [OrderSubmitted(T0, order_row(1))], strategy)
    done = order_row(1, status=OrderStatus.FILLED, ts=T0 + 5, filled=10, venue_id="v-9")
    await _write(engine, [OrderUpdated(T0 + 5, done, ReportKind.FILL)], strategy)

    assert await _count(engine, OrderRow) == 1
    assert await StoreReader(engine).order_by_client_id("sb-t-1") == done


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_an_older_snapshot_never_overwrites_a_newer_one(
    engine: AsyncEngine, strategy: str
) -> None:
    newer = order_row(1, status=OrderStatus.CANCELLED, ts=T0 + 9)
    await _write(engine, [OrderUpdated(T0 + 9, newer, ReportKind.CANCELLED)], strategy)
    await _write(engine, [OrderSubmitted(T0, order_row(1))], strategy)
    assert await StoreReader(engine).order_by_client_id("sb-t-1") == newer


async def test_snapshots_of_one_order_in_one_batch_keep_the_latest(engine: AsyncEngine) -> None:
    latest = order_row(1, status=OrderStatus.PARTIALLY_FILLED, ts=T0 + 2, filled=4)
    batch: list[StoreItem] = [
        OrderSubmitted(T0, order_row(1)),
        OrderUpdated(T0 + 2, latest, ReportKind.FILL),
        OrderUpdated(
            T0 + 1, order_row(1, status=OrderStatus.ACCEPTED, ts=T0 + 1), ReportKind.ACCEPTED
        ),
    ]
    assert await _write(engine, batch) == 1
    assert await StoreReader(engine).order_by_client_id("sb-t-1") == latest


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_fill_is_stored_once_per_exec_id(engine: AsyncEngine, strategy: str) -> None:
    await _write(engine, [fill_row(1), fill_row(1)], strategy)  # duplicate inside one batch
    await _write(engine, [fill_row(1), fill_row(2)], strategy)  # and across batches
    async with engine.connect() as conn:
        ids = (await conn.execute(select(FillRow.exec_id).order_by(FillRow.id))).scalars().all()
    assert ids == ["x-1", "x-2"]


async def test_the_store_refuses_what_it_does_not_know(engine: AsyncEngine) -> None:
    class Stranger(msgspec.Struct, frozen=True):
        ts: int

    with pytest.raises(TypeError, match="Stranger"):
        await _write(engine, [Stranger(1)])  # type: ignore[list-item]


def test_postgresql_upserts_compile_to_on_conflict() -> None:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    orders_stmt, fills_stmt = order_upsert("postgresql"), fill_insert("postgresql")
    assert orders_stmt is not None and fills_stmt is not None
    orders_sql = str(orders_stmt.compile(dialect=dialect))
    assert "ON CONFLICT (client_order_id) DO UPDATE SET" in orders_sql
    assert "WHERE excluded.updated_ts >= orders.updated_ts" in orders_sql
    assert "created_ts = excluded.created_ts" not in orders_sql
    fills_sql = str(fills_stmt.compile(dialect=dialect))
    assert "ON CONFLICT (exec_id) DO NOTHING" in fills_sql
    assert order_upsert("mssql") is None and fill_insert("oracle") is None


def test_events_payloads_decode_to_their_types() -> None:
    for item in one_of_each():
        if isinstance(item, ExecutionReport):
            continue
        builtins = msgspec.to_builtins(item)
        assert msgspec.convert(builtins, type=EngineEvent) == item
