"""Issue 10 item 7: memory stays bounded, and no fill is ever booked twice for it.

The demonstration: ``OrderManager`` kept every finished order and execution id and
``AlpacaExecution.venue_ids`` every venue id (~610 B per filled order), and start-up
reloaded every order and fill ever stored. These tests drive the real order manager,
trading core, SQLite store, store reader and reconciler.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from engine.bus import EventBus
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.runtime.live import LiveEngine
from engine.runtime.recovery import Reconciler
from engine.runtime.recovery import rebuild_from_store
from engine.store import StoreReader
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.execution import AlpacaExecution
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition
from tests.kit.core import sma_core
from tests.kit.store import stored_events

SYM = Symbol("AAA")
INST = Instrument(symbol=SYM, price_increment=Decimal("0.01"), size_increment=Decimal(1))
SEC = 10**9
T0 = 1_700_000_000 * SEC
STEP = SEC // 10  # ten orders a second


def new_core(run: str = "1") -> TradingCore:
    return sma_core(INST, "m", run)


def trade(core: TradingCore, i: int, side: Side) -> ClientOrderId:
    """One order: created, acknowledged and filled (2 lots), as the venue reports it."""
    ts = T0 + i * STEP
    price = 10_000 + i % 7
    order = core.orders.create(
        OrderIntent(SYM, side, 2, OrderType.LIMIT, TimeInForce.IOC, price), ts
    )
    cid = order.client_order_id
    vid = VenueOrderId(f"v-{i}")
    core.on_report(ExecutionReport(cid, ReportKind.ACCEPTED, ts + 1, venue_order_id=vid))
    core.on_report(
        ExecutionReport(
            cid,
            ReportKind.FILL,
            ts + 2,
            exec_id=ExecutionId(f"x-{i}"),
            venue_order_id=vid,
            last_qty=2,
            last_price=price,
            cum_qty=2,
            fee=3,
        )
    )
    return cid


def duplicate_of_first_fill(cid: ClientOrderId, ts: int) -> ExecutionReport:
    return ExecutionReport(
        cid,
        ReportKind.FILL,
        ts,
        exec_id=ExecutionId("x-0"),
        last_qty=2,
        last_price=10_000,
        cum_qty=2,
        fee=3,
    )


class Venue:
    """The venue's side of reconciliation: it lists the orders it was given, filled."""

    def __init__(self, orders: list[VenueOrder], position: int) -> None:
        self.orders = orders
        self.position = position

    async def list_orders(self, status: str = "open", after_ts: int = 0) -> list[VenueOrder]:
        return [] if status == "open" else list(self.orders)

    async def positions(self) -> list[VenuePosition]:
        return [VenuePosition(SYM, self.position, 10_000.0, 10_000.0)] if self.position else []

    async def query_order(self, cid: ClientOrderId) -> VenueOrder | None:
        return next((o for o in self.orders if o.client_order_id == cid), None)

    async def cancel(self, cid: ClientOrderId) -> bool:
        return False


def filled_at_venue(cid: ClientOrderId) -> VenueOrder:
    return VenueOrder(
        cid,
        VenueOrderId("v-0"),
        SYM,
        Side.BUY,
        2,
        2,
        10_000.0,
        OrderStatus.FILLED,
        OrderType.LIMIT,
        TimeInForce.IOC,
        10_000,
        T0,
        T0 + 2,
    )


def reconciler(core: TradingCore, venue: Venue, reader: StoreReader, now: int) -> Reconciler:
    bus = EventBus()
    live = LiveEngine(core, venue, bus, clock=lambda: now)  # type: ignore[arg-type]
    return Reconciler(core, live, venue, bus, lambda: now, reader)  # type: ignore[arg-type]


def test_item_07_the_order_manager_stays_bounded_after_many_orders():
    """Demonstration: 60,000 filled orders (100 minutes at 10/s) left 60,000 orders and
    execution ids in memory. Now only the window is kept (15 minutes, or the newest
    2,000), while the latest orders and their duplicates are still recognised."""
    core = new_core()
    cids = [trade(core, i, Side.BUY if i % 2 == 0 else Side.SELL) for i in range(60_000)]
    held = len(core.orders)
    assert held <= 15 * 60 * 10 + 100, f"{held} orders held after 60,000"
    assert core.orders.status(cids[0]) is None  # left the window: the store has it
    assert core.orders.status(cids[-1]) is OrderStatus.FILLED
    booked = core.portfolio.position_qty(SYM)
    core.events.clear()
    core.on_report(
        ExecutionReport(
            cids[-1],
            ReportKind.FILL,
            T0 + 60_000 * STEP,
            exec_id=ExecutionId("x-59999"),
            last_qty=2,
            last_price=10_000,
            cum_qty=2,
        )
    )
    assert core.portfolio.position_qty(SYM) == booked
    assert not [e for e in core.events if isinstance(e, FillApplied)]


def test_item_07_alpaca_execution_keeps_a_bounded_map_of_venue_ids():
    """Demonstration: ``venue_ids`` gained an entry per order whose submit answer came
    after the stream had reported its end (it is removed only on that report), for
    good. Now it keeps the newest ids only (cancel asks the venue for any other)."""
    ex = AlpacaExecution(ExecutionConfig("http://127.0.0.1:9", "k", "s"))
    for i in range(50_000):
        ex.venue_ids[ClientOrderId(f"m-1-{i}")] = VenueOrderId(f"v-{i}")
    assert len(ex.venue_ids) <= 10_000
    assert ex.venue_ids[ClientOrderId("m-1-49999")] == VenueOrderId("v-49999")


async def test_item_07_a_duplicate_fill_after_eviction_is_not_booked_twice(tmp_path: Path):
    """A fill and later a venue listing for an order that left the window: the order is
    looked up in the store (recalled with its fills), so the duplicate fill is a
    duplicate and the listed order is the bot's own, not adopted and booked again."""
    core = new_core()
    events: list[EngineEvent] = []
    first = trade(core, 0, Side.BUY)
    for i in range(1, 12_000):  # 20 minutes later, flat again at every other order
        trade(core, i, Side.SELL if i % 2 else Side.BUY)
        events.extend(core.events)
        core.events.clear()
    assert core.orders.status(first) is None, "the first order should have left the window"
    engine = await stored_events(tmp_path / "m.db", events)
    position = core.portfolio.position_qty(SYM)
    cash = core.portfolio.cash
    now = T0 + 12_000 * STEP
    rec = reconciler(core, Venue([filled_at_venue(first)], position), StoreReader(engine), now)
    try:
        # a late duplicate of the first fill, the way the runtime handles it
        assert await rec.recall([first]) == 1
        core.events.clear()
        core.on_report(duplicate_of_first_fill(first, now))
        assert core.portfolio.position_qty(SYM) == position
        assert core.portfolio.cash == cash
        assert not [e for e in core.events if isinstance(e, FillApplied)]
        assert core.orders.duplicates >= 1 and core.orders.errors == 0
        # a reconciliation listing it (e.g. after a long stream outage): nothing adopted
        assert core.orders.status(first) is not None
        for k in range(3):
            trade(core, 12_000 + k, Side.SELL if k % 2 == 0 else Side.BUY)  # evict it again
        core.events.clear()
        position = core.portfolio.position_qty(SYM)
        rec.execution.position = position  # type: ignore[attr-defined]
        found = await rec.run(startup=False, horizon_ns=600 * SEC)
        assert [d.kind for d in found] == []
        assert core.portfolio.position_qty(SYM) == position
        assert not [e for e in core.events if isinstance(e, FillApplied)]
    finally:
        await engine.dispose()


async def test_item_07_a_restart_with_a_big_history_loads_a_bounded_window_and_reconciles(
    tmp_path: Path,
):
    """Demonstration: start-up reloaded every stored order and fill. Now a store of
    30,000 orders (50 minutes), the last 10,000 with a position never flat, loads the
    open orders, the recent window and the fills since the position was last flat,
    with the position, its FIFO lots and the running realized P&L and fees exactly as
    a full replay made them; start-up reconciliation then sees an old order the venue
    lists as the bot's own, not one to adopt and book again."""
    core = new_core()
    events: list[EngineEvent] = []
    first = trade(core, 0, Side.BUY)
    for i in range(1, 30_000):
        # flat after every sell until 20,000; from there 2 lots are held throughout
        side = Side.SELL if i % 2 else Side.BUY
        trade(core, i, Side.BUY if i == 20_000 else (side if i < 20_000 else Side(-side)))
        events.extend(core.events)
        core.events.clear()
    pf = core.portfolio
    assert pf.position_qty(SYM) > 0
    expected = (pf.position_qty(SYM), pf.lots(SYM), pf.realized, pf.fees)
    engine = await stored_events(tmp_path / "m.db", events)
    try:
        fresh = new_core("2")
        reader = StoreReader(engine)
        orders, fills = await rebuild_from_store(fresh, reader)
        assert orders <= 10_100, f"{orders} of 30,000 orders loaded"
        assert fills <= 10_100
        assert len(fresh.orders) <= 15 * 60 * 10 + 100
        fp = fresh.portfolio
        assert (fp.position_qty(SYM), fp.lots(SYM), fp.realized, fp.fees) == expected
        assert fresh.orders.errors == 0
        now = T0 + 30_000 * STEP
        venue = Venue([filled_at_venue(first)], fp.position_qty(SYM))
        found = await reconciler(fresh, venue, reader, now).run(startup=True)
        assert [d.kind for d in found] == []
        assert fp.position_qty(SYM) == expected[0]
    finally:
        await engine.dispose()
