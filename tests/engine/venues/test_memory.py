"""The in-memory Execution: what a test without sockets can rely on."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator

import pytest

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.venues.base import Execution
from engine.venues.base import SubmitOutcome
from engine.venues.base import VenueError
from engine.venues.memory import MemoryExecution
from tests.kit.builders import instrument
from tests.kit.builders import order

BTC = instrument("BTCUSD", "0.01", "0.001")
ETH = instrument("ETHUSD", "0.01", "0.001")
CID = ClientOrderId("sb-1")
Venue = tuple[MemoryExecution, list[ExecutionReport]]


async def connected(ex: MemoryExecution, reports: list[ExecutionReport]) -> asyncio.Task[None]:
    """``ex.run_updates`` running, reporting to ``reports``, once it said it is connected."""
    feeds: list[FeedEvent] = []
    task = asyncio.create_task(ex.run_updates(reports.append, feeds.append))
    for _ in range(100):
        if feeds:
            break
        await asyncio.sleep(0)
    assert [(f.feed, f.state) for f in feeds] == [("trade_updates", FeedState.CONNECTED)]
    return task


@pytest.fixture
async def venue() -> AsyncIterator[tuple[MemoryExecution, list[ExecutionReport]]]:
    ticks = itertools.count(1)
    ex = MemoryExecution([BTC, ETH], cash=10**12, clock=lambda: next(ticks))
    reports: list[ExecutionReport] = []
    task = await connected(ex, reports)
    yield ex, reports
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def test_it_is_an_execution() -> None:
    ex: Execution = MemoryExecution()
    assert callable(ex.begin_submit)


async def test_instruments_are_the_known_ones_and_none_asked_means_all(venue: Venue) -> None:
    ex, _ = venue
    assert await ex.instruments([Symbol("ETHUSD")]) == [ETH]
    assert await ex.instruments([]) == [BTC, ETH]
    with pytest.raises(VenueError, match="SIMEQ"):
        await ex.instruments([Symbol("SIMEQ")])


async def test_a_submit_is_accepted_and_works_until_filled(venue: Venue) -> None:
    ex, reports = venue
    result = await ex.begin_submit(order("sb-1", qty=5, symbol=BTC.symbol))
    assert result.outcome is SubmitOutcome.ACCEPTED and result.venue_order_id
    assert [r.kind for r in reports] == [ReportKind.ACCEPTED]
    assert [o.client_order_id for o in await ex.list_orders("open")] == [CID]
    ex.fill(CID, 2, 100_00)
    ex.fill(CID, 3, 101_00, fee=7)
    found = await ex.query_order(CID)
    assert found is not None and found.status is OrderStatus.FILLED
    assert found.filled_qty == 5 and found.avg_fill_price == pytest.approx(100_60)
    assert [(r.kind, r.last_qty, r.cum_qty) for r in reports[1:]] == [
        (ReportKind.FILL, 2, 2),
        (ReportKind.FILL, 3, 5),
    ]
    assert len({r.exec_id for r in reports[1:]}) == 2
    assert await ex.list_orders("open") == [] and len(await ex.list_orders("closed")) == 1
    (pos,) = await ex.positions()
    assert (pos.symbol, pos.qty, pos.avg_price) == (BTC.symbol, 5, pytest.approx(100_60))
    spent = 5 * 100_60 * BTC.money_per_tick_lot + 7
    assert (await ex.account()).cash == 10**12 - spent


async def test_a_duplicate_client_order_id_or_an_unknown_symbol_is_refused(venue: Venue) -> None:
    ex, _ = venue
    await ex.submit(order("sb-1", symbol=BTC.symbol))
    again = await ex.submit(order("sb-1", symbol=BTC.symbol))
    other = await ex.submit(order("sb-2", symbol=Symbol("SIMEQ")))
    assert again.outcome is SubmitOutcome.REJECTED and "unique" in again.reason
    assert other.outcome is SubmitOutcome.REJECTED and len(ex.submitted) == 3
    assert len(ex.orders) == 1


async def test_a_scripted_rejection_places_nothing_an_ambiguous_submit_does(
    venue: Venue,
) -> None:
    ex, _ = venue
    ex.reject_next("insufficient buying power")
    ex.ambiguous_next()
    refused = await ex.submit(order("sb-1", symbol=BTC.symbol))
    doubt = await ex.submit(order("sb-2", symbol=BTC.symbol))
    assert (refused.outcome, refused.reason) == (
        SubmitOutcome.REJECTED,
        "insufficient buying power",
    )
    assert doubt.outcome is SubmitOutcome.AMBIGUOUS
    assert await ex.query_order(CID) is None
    placed = await ex.query_order(ClientOrderId("sb-2"))
    assert placed is not None and placed.status is OrderStatus.ACCEPTED


async def test_cancels_end_working_orders_only(venue: Venue) -> None:
    ex, reports = venue
    for cid in ("sb-1", "sb-2", "sb-3"):
        await ex.submit(order(cid, qty=2, symbol=BTC.symbol))
    ex.fill(ClientOrderId("sb-3"), 2, 100)
    assert await ex.cancel(CID) is True
    assert await ex.cancel(CID) is False  # already ended
    assert await ex.cancel(ClientOrderId("nope")) is False
    assert await ex.cancel_all() == 1
    statuses = {o.client_order_id: o.status for o in await ex.list_orders("all")}
    assert statuses == {
        "sb-1": OrderStatus.CANCELLED,
        "sb-2": OrderStatus.CANCELLED,
        "sb-3": OrderStatus.FILLED,
    }
    assert [r.kind for r in reports].count(ReportKind.CANCELLED) == 2


async def test_close_all_flattens_every_position(venue: Venue) -> None:
    ex, _ = venue
    await ex.submit(order("sb-1", qty=4, symbol=BTC.symbol))
    await ex.submit(order("sb-2", side=Side.SELL, qty=3, symbol=ETH.symbol))
    ex.fill(CID, 4, 100)
    ex.fill(ClientOrderId("sb-2"), 3, 200)
    closed = await ex.close_all_positions()
    assert sorted(c.symbol for c in closed) == ["BTCUSD", "ETHUSD"] and all(c.ok for c in closed)
    assert await ex.positions() == []
    assert (await ex.account()).cash == 10**12  # bought and sold back at the same price


async def test_run_updates_says_connected_and_reports_until_cancelled() -> None:
    ex = MemoryExecution([BTC])
    reports: list[ExecutionReport] = []
    task = await connected(ex, reports)
    await ex.submit(order("sb-1", symbol=BTC.symbol))
    assert [r.kind for r in reports] == [ReportKind.ACCEPTED]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await ex.submit(order("sb-2", symbol=BTC.symbol))
    assert len(reports) == 1  # nobody listening any more
    await ex.close()
    assert ex.closed
