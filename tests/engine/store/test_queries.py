"""The read API: typed results, newest-first "recent" lists, oldest-first "since" lists."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from engine.model import AccountSnapshot
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model.events import AuditRecord
from engine.model.events import EquitySnapshot
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import RiskDenied
from engine.model.events import TradingStateChanged
from engine.store import StoreItem
from engine.store import StoreReader
from engine.store import write_items
from tests.kit.builders import BTC
from tests.kit.events import T0
from tests.kit.events import fill_row
from tests.kit.events import one_of_each
from tests.kit.events import order_row


async def _write(engine: AsyncEngine, items: list[StoreItem]) -> None:
    async with engine.begin() as conn:
        await write_items(conn, items)


async def test_recent_fills_are_newest_first_and_limited(engine: AsyncEngine) -> None:
    await _write(engine, [fill_row(i) for i in range(10)])
    recent = await StoreReader(engine).recent_fills(3)
    assert [r.fill.exec_id for r in recent] == ["x-9", "x-8", "x-7"]
    assert await StoreReader(engine).recent_fills(3, symbol="ETHUSDT") == []


async def test_fills_since_are_oldest_first_from_the_bound(engine: AsyncEngine) -> None:
    await _write(engine, [fill_row(i) for i in range(10)])
    since = await StoreReader(engine).fills_since(T0 + 7)
    assert [r.fill.exec_id for r in since] == ["x-7", "x-8", "x-9"]


async def test_orders_by_status_and_open_orders(engine: AsyncEngine) -> None:
    await _write(
        engine,
        [
            OrderSubmitted(T0, order_row(1)),
            OrderUpdated(
                T0 + 1, order_row(2, status=OrderStatus.ACCEPTED, ts=T0 + 1), ReportKind.ACCEPTED
            ),
            OrderUpdated(
                T0 + 2, order_row(3, status=OrderStatus.FILLED, ts=T0 + 2), ReportKind.FILL
            ),
            OrderUpdated(
                T0 + 3, order_row(4, status=OrderStatus.REJECTED, ts=T0 + 3), ReportKind.REJECTED
            ),
        ],
    )
    reader = StoreReader(engine)
    filled = await reader.orders(OrderStatus.FILLED)
    assert [o.client_order_id for o in filled] == ["sb-t-3"]
    done = await reader.orders([OrderStatus.FILLED, OrderStatus.REJECTED])
    assert [o.client_order_id for o in done] == ["sb-t-4", "sb-t-3"]
    assert [o.client_order_id for o in await reader.open_orders()] == ["sb-t-2", "sb-t-1"]
    assert len(await reader.orders(symbol=BTC, limit=2)) == 2
    assert await reader.all_client_order_ids() == {"sb-t-1", "sb-t-2", "sb-t-3", "sb-t-4"}
    assert await reader.order_by_client_id("nope") is None


async def test_audit_is_newest_first(engine: AsyncEngine) -> None:
    records = [AuditRecord(T0 + i, "alice", f"cmd{i}", "", "ok") for i in range(5)]
    await _write(engine, list(records))
    assert await StoreReader(engine).audit(2) == [records[4], records[3]]


async def test_equity_since(engine: AsyncEngine) -> None:
    accounts = [AccountSnapshot(T0 + i, 100, 100 + i, i, 0, 0, 100 + i, 0, 0) for i in range(4)]
    await _write(engine, [EquitySnapshot(a) for a in accounts])
    assert await StoreReader(engine).equity_since(T0 + 2) == accounts[2:]


async def test_events_filter_by_kind_and_time(engine: AsyncEngine) -> None:
    await _write(engine, one_of_each())
    reader = StoreReader(engine)
    [denied] = await reader.events(kinds=[RiskDenied])
    assert isinstance(denied, RiskDenied) and denied.reason == "SPREAD_TOO_WIDE"
    [state] = await reader.events(1, kinds=[TradingStateChanged, RiskDenied])
    assert isinstance(state, TradingStateChanged)  # the newer of the two
    later = await reader.events(since=T0 + 9)
    assert [type(e).__name__ for e in later] == ["BreakerWarning", "BreakerReset"]
