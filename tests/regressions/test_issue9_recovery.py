"""Issue 9, recovery's part: the trading day, persisted breakers, start-up adjustments,
shutdown with flatten, and reconciliation (items 2, 4, 11, 14, 3 and 5, and three
suspected defects).

Every test runs the real runtime in-process against the real simulated venue over
loopback, on a real SQLite file; restart tests run the start-up path again on the
same file. The trading day is driven by an injected wall clock (``Runtime(...,
wall_clock=...)``) so a day boundary is reached without waiting for midnight.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest

from engine.bus import EventBus
from engine.config.schedule import ScheduleConfig
from engine.config.schema import default_risk
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Fill
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import TradingState
from engine.model import VenueOrderId
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.runtime import reconcile
from engine.runtime.app import Runtime
from engine.runtime.live import LiveEngine
from engine.runtime.recovery import Reconciler
from engine.runtime.recovery import rebuild_from_store
from engine.store import StoreReader
from engine.store import create_store_engine
from engine.store import load_control_state
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition
from engine.venues.sim import SimVenue
from engine.venues.sim.orders import SimOrder
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import started_sim
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import until_async
from tests.kit.core import sma_core
from tests.kit.store import stored_events

SIMEQ = Symbol("SIMEQ")
AAA = Symbol("AAA")
AAA_INSTRUMENT = Instrument(symbol=AAA, price_increment=Decimal("0.01"), size_increment=Decimal(1))
DAY_NS = 86_400 * 10**9
USD = 10**9  # money nanos


@pytest.fixture
async def venue(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with started_sim(tmp_path, 11, 200.0) as sim:
        yield sim


class WallClock:
    """A wall clock running at real speed from a chosen instant; ``jump`` moves it."""

    def __init__(self, start_ns: int) -> None:
        self._offset = start_ns - time.time_ns()

    def __call__(self) -> int:
        return time.time_ns() + self._offset

    def jump(self, to_ns: int) -> None:
        self._offset = to_ns - time.time_ns()


def midnight(ns: int, zone: str = "UTC", days: int = 0) -> int:
    """Local midnight (in ``zone``) starting the day of ``ns``, plus ``days`` days."""
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(ns / 1e9, tz).date() + timedelta(days=days)
    return int(datetime(local.year, local.month, local.day, tzinfo=tz).timestamp()) * 10**9


def day_key(ns: int, zone: str = "UTC") -> str:
    return datetime.fromtimestamp(ns / 1e9, ZoneInfo(zone)).date().isoformat()


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


async def stored_state(tmp_path: Path) -> dict[str, Any]:
    engine = create_store_engine(f"sqlite+aiosqlite:///{db_path(tmp_path)}")
    try:
        return await load_control_state(engine)
    finally:
        await engine.dispose()


def stored_now(tmp_path: Path, key: str) -> Any:
    """One control-state key read synchronously (what a crash right now would leave)."""
    with sqlite3.connect(db_path(tmp_path)) as conn:
        row = conn.execute("SELECT value FROM control_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else json.loads(row[0])


def runtime(venue: SimVenue, tmp_path: Path, clock: Callable[[], int] | None = None, **kw: Any):
    extra = {"wall_clock": clock} if clock is not None else {}
    return Runtime(options(venue, tmp_path, **kw), day_check_s=0.05, **extra)


async def serving(run: Running) -> Runtime:
    """Ready, and past the plugins' start (a cancel there can be lost on Python 3.11:
    asyncio.wait_for swallows it when the inner call finishes at the same moment)."""
    rt = await run.ready()
    await until(lambda: rt.http_port not in (None, 0), 10, "the runtime serving")
    return rt


def recorder(rt: Runtime, kind: type) -> list[Any]:
    seen: list[Any] = []

    def keep(event: EngineEvent) -> None:
        if isinstance(event, kind):
            seen.append(event)

    rt.bus.subscribe(f"test {kind.__name__}", keep)
    return seen


async def venue_positions(venue: SimVenue) -> dict[str, int]:
    ex = AlpacaExecution(ExecutionConfig(venue.url, venue.config.key, venue.config.secret))
    try:
        await ex.instruments([s.symbol for s in venue.config.symbols])
        return {p.symbol: p.qty for p in await ex.positions() if p.qty}
    finally:
        await ex.close()


async def seed_store_fill(tmp_path: Path, fill: Fill) -> None:
    """A fill in the bot's store that no stored order explains (an earlier adjustment)."""
    engine = await stored_events(
        db_path(tmp_path), [FillApplied(fill.ts, fill, 0, fill.qty * fill.side)]
    )
    await engine.dispose()


# -- item 2: the trading day -------------------------------------------------------------


async def test_item_02_the_day_rolls_over_at_midnight_with_no_scheduler_and_no_quote(
    venue: SimVenue, tmp_path: Path
):
    now = time.time_ns()
    boundary = midnight(now, days=1)
    clock = WallClock(boundary - 60 * 10**9)  # a minute before midnight UTC
    venue.pause_market()  # not one quote: the rollover must not wait for market data
    run = Running(runtime(venue, tmp_path, clock))  # default config: no [schedule] at all
    rt = await serving(run)
    pf = rt.core.portfolio
    assert pf.day_start_ts == boundary - DAY_NS
    # Yesterday made +3,000: the next day must measure its loss from its own start.
    pf.day_start_equity = pf.equity - 3_000 * USD
    clock.jump(boundary + 10**8)
    await until(lambda: pf.day_start_ts == boundary, 5, "the rollover at midnight")
    assert pf.day_pnl == 0
    day = await stored_state(tmp_path)
    assert day["day"]["day"] == day_key(boundary)
    assert day["day"]["start_ts"] == boundary
    assert day["day"]["start_equity"] == pf.equity
    assert await run.stop() == 0


async def test_item_02_the_day_starts_at_the_first_session_open_in_the_configured_zone(
    venue: SimVenue, tmp_path: Path
):
    from engine.config.schedule import SessionConfig

    zone = "America/New_York"
    now = time.time_ns()
    open_ns = midnight(now, zone, days=1) + (9 * 60 + 30) * 60 * 10**9  # 09:30 tomorrow
    every_day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    schedule = ScheduleConfig(
        timezone=zone,
        sessions=(SessionConfig(name="rth", open="09:30", close="16:00", days=every_day),),
    )
    clock = WallClock(open_ns - 30 * 10**9)
    venue.pause_market()
    run = Running(runtime(venue, tmp_path, clock, schedule=schedule))
    rt = await serving(run)
    pf = rt.core.portfolio
    assert pf.day_start_ts == open_ns - DAY_NS  # today's 09:30 in New York
    clock.jump(open_ns + 10**8)
    await until(lambda: pf.day_start_ts == open_ns, 5, "the rollover at the session's open")
    assert (await stored_state(tmp_path))["day"]["day"] == day_key(open_ns, zone)
    assert await run.stop() == 0


async def test_item_02_a_restart_keeps_the_day_and_applies_a_rollover_missed_while_down(
    venue: SimVenue, tmp_path: Path
):
    clock = WallClock(time.time_ns())
    today = midnight(clock())
    run = Running(runtime(venue, tmp_path, clock))
    rt = await serving(run)
    fills = recorder(rt, FillApplied)
    await until(lambda: len(fills) >= 3, 30, "three fills")
    await rt.control.pause("all", "test")
    venue.pause_market()  # no quote, no signal, no fill from here on
    await until(lambda: not rt.core.orders.working() and not rt.live.pending_tasks, 10, "quiet")
    pf = rt.core.portfolio
    assert pf.day_start_ts == today
    start_equity = pf.day_start_equity
    day_fills = (await rt.control.pnl("day")).fills
    assert day_fills >= 3
    await run.crash()

    run = Running(runtime(venue, tmp_path, clock))  # the same day
    rt = await serving(run)
    pf = rt.core.portfolio
    assert (pf.day_start_ts, pf.day_start_equity) == (today, start_equity)
    assert (await rt.control.pnl("day")).fills == day_fills
    await run.crash()

    clock.jump(today + DAY_NS + 3_600 * 10**9)  # down over midnight: up again at 01:00
    run = Running(runtime(venue, tmp_path, clock))
    rt = await serving(run)
    pf = rt.core.portfolio
    assert pf.day_start_ts == today + DAY_NS
    assert pf.day_pnl == 0 and pf.day_start_equity == pf.equity
    assert (await rt.control.pnl("day")).fills == 0
    assert (await stored_state(tmp_path))["day"]["day"] == day_key(today + DAY_NS)
    assert await run.stop() == 0


# -- item 4: tripped breakers are persisted ------------------------------------------------


async def test_item_04_a_trip_is_stored_before_its_flatten_and_stays_latched_until_reset(
    venue: SimVenue, tmp_path: Path
):
    run = Running(runtime(venue, tmp_path))
    rt = await serving(run)
    core = rt.core
    seen: list[tuple[Any, Any]] = []
    submit = rt._execution.begin_submit

    def spy(order: Order) -> Any:
        if order.reason == "flatten":  # what a crash at this instant would leave stored
            seen.append((stored_now(tmp_path, "breakers"), stored_now(tmp_path, "state:*")))
        return submit(order)

    rt._execution.begin_submit = spy

    def losing_position() -> bool:
        pf = core.portfolio
        return any(p.unrealized_pnl < 0 for p in pf.open_positions()) and pf.drawdown > 0

    await until(losing_position, 30, "an open position below the peak")
    core.set_limits(msgspec.structs.replace(core.risk.limits, max_drawdown=Decimal("0.000001")))
    await until(lambda: "drawdown" in core.breakers.latched, 10, "the drawdown trip")
    await until(lambda: bool(seen), 10, "the trip's flatten order")
    for breakers, state in seen:
        assert breakers is not None and "drawdown" in breakers
        assert state is not None and state["state"] == "halted"
    await run.crash()

    for _ in range(2):  # any number of restarts
        run = Running(runtime(venue, tmp_path))
        rt = await serving(run)
        assert "drawdown" in rt.core.breakers.latched
        assert rt.core.state is TradingState.HALTED
        pf = rt.core.portfolio
        await until(lambda: not pf.open_positions(), 10, "flat")  # noqa: B023 - awaited here
        await run.crash()
    assert await venue_positions(venue) == {}

    run = Running(runtime(venue, tmp_path))
    rt = await serving(run)
    result = await rt.control.reset_breaker("drawdown", "alice")
    assert result.ok
    pf = rt.core.portfolio
    assert pf.high_water_mark == pf.equity  # a reset re-bases the drawdown reference
    rebased = pf.high_water_mark
    await run.crash()

    run = Running(runtime(venue, tmp_path))
    rt = await serving(run)
    assert rt.core.breakers.latched == {}
    assert rt.core.state is TradingState.HALTED  # trading resumes only when a person says
    assert rt.core.portfolio.high_water_mark == max(rebased, rt.core.portfolio.equity)
    assert await run.stop() == 0


async def test_item_04_the_high_water_mark_survives_a_restart_on_a_new_day(
    venue: SimVenue, tmp_path: Path
):
    clock = WallClock(time.time_ns())
    run = Running(runtime(venue, tmp_path, clock))
    rt = await serving(run)
    await until(lambda: rt.core.portfolio.open_positions() != [], 30, "a position")
    await rt.control.pause("all", "test")
    venue.pause_market()
    pf = rt.core.portfolio
    peak = pf.equity + 500 * USD  # an earlier peak, 500 above today's equity
    pf.high_water_mark = peak

    async def saved() -> bool:
        return (await stored_state(tmp_path)).get("hwm", {}).get("value") == peak

    await until_async(saved, 10, "the peak saved with an equity snapshot")
    await run.crash()

    clock.jump(clock() + DAY_NS)  # restart on the next day
    run = Running(runtime(venue, tmp_path, clock))
    rt = await serving(run)
    assert rt.core.portfolio.high_water_mark == peak
    assert await run.stop() == 0


async def test_item_04_a_loss_streak_and_its_cool_down_survive_a_restart(
    venue: SimVenue, tmp_path: Path
):
    risk = msgspec.structs.replace(default_risk(), max_consecutive_losses=1, loss_cooldown_s=3600)
    run = Running(runtime(venue, tmp_path, risk=risk))
    rt = await serving(run)
    await until(lambda: "loss_streak" in rt.core.breakers.latched, 60, "a losing round trip")
    until_ns = rt.core.breakers.cooldown_until
    assert until_ns > time.time_ns()
    await run.crash()

    run = Running(runtime(venue, tmp_path, risk=risk))
    rt = await serving(run)
    assert "loss_streak" in rt.core.breakers.latched
    assert rt.core.breakers.cooldown_until == until_ns
    assert await run.stop() == 0


# -- item 11: start-up adjustment prices -----------------------------------------------------


async def test_item_11_a_startup_adjustment_never_books_a_placeholder_price(
    venue: SimVenue, tmp_path: Path
):
    # The bot holds 100 SIMEQ @ 50.00 (from its store); the venue holds nothing.
    fill = Fill(
        ClientOrderId("import"),
        ExecutionId("import-1"),
        SIMEQ,
        Side.BUY,
        100,
        5_000,
        0,
        LiquiditySide.TAKER,
        time.time_ns() - 10**9,
    )
    await seed_store_fill(tmp_path, fill)
    venue.pause_market()  # no quote before the adjustment (nor after)
    rt = runtime(venue, tmp_path)
    fills = recorder(rt, FillApplied)
    found = recorder(rt, Discrepancy)
    run = Running(rt)
    await serving(run)
    adjusted = [f for f in fills if f.fill.symbol == SIMEQ]
    assert len(adjusted) == 1
    assert adjusted[0].fill.price == 5_000  # the bot's own average: no invented loss
    assert adjusted[0].realized_pnl == 0
    assert rt.core.portfolio.position_qty(SIMEQ) == 0
    detail = next(d.detail for d in found if d.kind == "position_adjusted")
    assert "no venue price" in detail
    assert await run.stop() == 0


# -- item 14: shutdown with flatten ---------------------------------------------------------


async def test_item_14_shutdown_with_flatten_closes_and_never_cancels_its_own_close(
    venue: SimVenue, tmp_path: Path
):
    run = Running(runtime(venue, tmp_path, shutdown_flatten=True))
    rt = await serving(run)
    cancelled: list[ClientOrderId] = []
    cancel = rt._execution.cancel

    async def spy(cid: ClientOrderId) -> bool:
        cancelled.append(cid)
        return await cancel(cid)

    rt._execution.cancel = spy
    await until(lambda: rt.core.portfolio.open_positions() != [], 30, "a position")
    assert await run.stop() == 0
    closes = [c for c in cancelled if rt.core.orders.get(c).reason == "flatten"]
    assert closes == []
    assert await venue_positions(venue) == {}


# -- items 3 and 5: reconciliation settles what the bot has wrong ------------------------------


def resting_entries(**kw: Any) -> dict[str, Any]:
    """Limit entries far below the touch that rest for an hour, on one symbol."""
    return {
        "symbols": ("SIMEQ",),
        "order": TraderConfig(type="limit", offset_ticks=-40, entry_timeout_s=3600),
        **kw,
    }


async def a_resting_order(rt: Runtime, venue: SimVenue) -> Order:
    def working() -> list[Order]:
        return [o for o in rt.core.orders.working() if o.status is OrderStatus.ACCEPTED]

    await until(lambda: bool(working()), 30, "a resting entry")
    venue.pause_market()  # no more signals: nothing else touches the order
    await until(lambda: not rt.live.pending_tasks, 5, "no venue call in flight")
    return working()[0]


async def serving_a_resting_order(
    venue: SimVenue, tmp_path: Path
) -> tuple[Running, Runtime, ClientOrderId]:
    """A runtime serving with one resting entry, the market paused."""
    run = Running(runtime(venue, tmp_path, **resting_entries()))
    rt = await serving(run)
    order = await a_resting_order(rt, venue)
    return run, rt, order.client_order_id


async def venue_status(venue: SimVenue, cid: ClientOrderId) -> str:
    return venue.account.by_client[cid].status


async def test_item_03_reconcile_retries_the_cancel_of_an_order_the_venue_still_works(
    venue: SimVenue, tmp_path: Path
):
    run, rt, cid = await serving_a_resting_order(venue, tmp_path)
    # The bot asked to cancel; the DELETE and the query that followed both failed.
    rt.core.orders.on_report(ExecutionReport(cid, ReportKind.CANCEL_REQUESTED, time.time_ns()))
    assert rt.core.orders.status(cid) is OrderStatus.CANCEL_PENDING
    assert await venue_status(venue, cid) in ("new", "accepted")
    await rt._reconcile()

    async def cancelled() -> bool:
        return await venue_status(venue, cid) == "canceled"

    await until_async(cancelled, 10, "the venue to cancel the order")
    await until(lambda: rt.core.orders.status(cid) is OrderStatus.CANCELLED, 10, "bot settled")
    assert await run.stop() == 0


async def test_item_05_reconcile_revives_a_working_order_inferred_gone(
    venue: SimVenue, tmp_path: Path
):
    run, rt, cid = await serving_a_resting_order(venue, tmp_path)
    now = time.time_ns()
    rt.live.apply([ExecutionReport(cid, ReportKind.CANCELLED, now, reason="not_at_venue")])
    assert rt.core.orders.status(cid) is OrderStatus.CANCELLED
    await rt._reconcile()  # the venue lists it working: it is not gone
    assert rt.core.orders.status(cid) is OrderStatus.ACCEPTED
    assert await run.stop() == 0


def _venue_order(cid: str, status: OrderStatus, filled: int, qty: int = 2) -> VenueOrder:
    return VenueOrder(
        ClientOrderId(cid),
        VenueOrderId("v-" + cid),
        SIMEQ,
        Side.BUY,
        qty,
        filled,
        15_000.0 if filled else 0.0,
        status,
        OrderType.LIMIT,
        TimeInForce.GTC,
        15_000,
        1,
        2,
    )


def _order(cid: str, status: OrderStatus, filled: int = 0, reason: str = "") -> Order:
    return Order(
        ClientOrderId(cid),
        SIMEQ,
        Side.BUY,
        2,
        OrderType.LIMIT,
        TimeInForce.GTC,
        15_000,
        status,
        filled,
        15_000.0 if filled else 0.0,
        1,
        2,
        VenueOrderId("v-" + cid),
        reason=reason,
    )


def test_item_05_reconcile_plan_revives_terminal_orders_the_venue_lists_differently():
    known = {
        ClientOrderId("a"): _order("a", OrderStatus.REJECTED, reason="not_at_venue"),
        ClientOrderId("b"): _order("b", OrderStatus.CANCELLED, reason="not_at_venue"),
        ClientOrderId("c"): _order("c", OrderStatus.CANCEL_PENDING),
    }
    venue = [
        _venue_order("a", OrderStatus.ACCEPTED, 0),
        _venue_order("b", OrderStatus.CANCELLED, 1),  # filled 1, then cancelled
        _venue_order("c", OrderStatus.ACCEPTED, 0),
    ]
    p = reconcile.plan(known, venue, 10)
    kinds = [(r.client_order_id, r.kind) for r in p.reports]
    assert ("a", ReportKind.ACCEPTED) in kinds
    assert kinds.index(("b", ReportKind.FILL)) < kinds.index(("b", ReportKind.CANCELLED))
    assert p.cancel == [ClientOrderId("c")]  # CANCEL_PENDING but working there
    # Nothing is announced as recovered before it is booked.
    assert not [d for d in p.discrepancies if d.kind == "fill_recovered"]


async def test_item_05_reconcile_announces_a_fill_recovered_only_when_it_was_booked(
    venue: SimVenue, tmp_path: Path
):
    run, rt, cid = await serving_a_resting_order(venue, tmp_path)
    # The venue cancelled it for good (its own report), yet lists a fill for it.
    rt.live.apply([ExecutionReport(cid, ReportKind.CANCELLED, time.time_ns(), reason="venue")])
    found = recorder(rt, Discrepancy)
    rec = venue.account.by_client[cid]
    rec.status, rec.filled, rec.cost = "canceled", 1, rec.limit
    await rt._reconcile()
    booked = rt.core.orders.get(cid).filled_qty == 1
    kinds = {d.kind for d in found if cid in d.detail}
    assert ("fill_recovered" in kinds) == booked
    assert await run.stop() == 0


# -- suspected -----------------------------------------------------------------------------------


async def test_suspect_startup_sees_orders_placed_after_the_first_ten_thousand(
    venue: SimVenue, tmp_path: Path
):
    account = venue.account
    old = time.time_ns() - 2 * DAY_NS
    for i in range(10_001):  # an old, busy account: all closed long ago
        rec = SimOrder(
            id=f"old-{i}",
            client_order_id=f"old-{i}",
            symbol="SIMLOW",
            asset_class="us_equity",
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            tif=TimeInForce.GTC,
            qty=1,
            limit=100,
            intent="buy_to_open",
            created_at=old + i,
        )
        rec.status = "canceled"
        account.orders[rec.id] = rec
        account.by_client[rec.client_order_id] = rec
        account.used_ids.add(rec.client_order_id)
    # The last order the previous process sent, lost in the crash before it was stored.
    ex = AlpacaExecution(ExecutionConfig(venue.url, venue.config.key, venue.config.secret))
    try:
        await ex.instruments([SIMEQ])
        lost = Order(
            ClientOrderId("sb-lost-1"),
            SIMEQ,
            Side.BUY,
            1,
            OrderType.MARKET,
            TimeInForce.GTC,
            0,
            OrderStatus.NEW,
            0,
            0.0,
            time.time_ns(),
            time.time_ns(),
        )
        assert (await ex.submit(lost)).venue_order_id is not None
    finally:
        await ex.close()
    venue.pause_market()
    run = Running(runtime(venue, tmp_path))
    rt = await serving(run)
    mine = rt.core.orders.get(ClientOrderId("sb-lost-1"))
    assert mine is not None and mine.status is OrderStatus.FILLED
    assert rt.core.portfolio.position_qty(SIMEQ) == 1
    assert await run.stop() == 0


async def test_suspect_a_carried_position_does_not_shift_day_pnl_at_the_first_quote(
    venue: SimVenue, tmp_path: Path
):
    await until(lambda: venue.account.views[SIMEQ].mid2 > 0, 10, "a venue quote")
    # The venue holds 100 SIMEQ bought at 100.00; the market is near 150.00.
    venue.account.portfolio.apply(
        Fill(
            ClientOrderId("old"),
            ExecutionId("old-1"),
            SIMEQ,
            Side.BUY,
            100,
            10_000,
            0,
            LiquiditySide.TAKER,
            time.time_ns(),
        )
    )
    venue.pause_market()
    flat = msgspec.structs.replace(
        default_risk(), max_position_notional=Decimal(0), max_gross_exposure=Decimal(0)
    )
    run = Running(runtime(venue, tmp_path, risk=flat, symbols=("SIMEQ",)))
    rt = await serving(run)
    pf = rt.core.portfolio
    assert pf.position_qty(SIMEQ) == 100
    assert pf.day_pnl == 0
    await rt.control.pause("all", "test")
    quotes = rt.core.market(SIMEQ).quotes
    venue.resume_market()
    await until(lambda: rt.core.market(SIMEQ).quotes > quotes, 10, "a quote")
    # A tick or two of real movement at most, not the ~5,000 carried unrealized P&L.
    assert abs(pf.day_pnl) < 100 * USD, pf.day_pnl / USD
    assert await run.stop() == 0


async def test_item_05_an_inferred_outcome_stays_provisional_across_a_restart(tmp_path: Path):
    core = _core()
    order = core.orders.create(OrderIntent(AAA, Side.BUY, 2, reason="entry"), 1_000)
    cid = order.client_order_id
    core.on_report(ExecutionReport(cid, ReportKind.SUBMIT_AMBIGUOUS, 1_001))
    core.on_report(ExecutionReport(cid, ReportKind.REJECTED, 1_002, reason="not_at_venue"))
    assert core.orders.is_provisional(cid)
    engine = await stored_events(db_path(tmp_path), core.events)

    fresh = _core()
    await rebuild_from_store(fresh, StoreReader(engine))
    await engine.dispose()
    assert fresh.orders.is_provisional(cid)  # still revivable by venue evidence
    fill = ExecutionReport(
        cid,
        ReportKind.FILL,
        2_000,
        exec_id=ExecutionId("v-1"),
        last_qty=2,
        last_price=10_000,
        cum_qty=2,
    )
    fresh.on_report(fill)
    assert fresh.orders.status(cid) is OrderStatus.FILLED
    assert fresh.portfolio.position_qty(AAA) == 2


# -- races between the reconciliation and the stream (a venue port played by the test) --------


class RacingVenue:
    """The venue port for the reconciler; what the stream delivers while the bot waits
    for an answer is given by the test (``during_positions``, ``during_listing``)."""

    def __init__(self) -> None:
        self.orders: list[VenueOrder] = []
        self.positions_held: dict[Symbol, int] = {}
        self.during_positions: Callable[[], None] | None = None
        self.during_listing: Callable[[], None] | None = None
        self.held_positions: list[VenuePosition] | None = None  # else from positions_held

    async def list_orders(self, status: str = "open", after_ts: int = 0) -> list[VenueOrder]:
        await asyncio.sleep(0)
        if self.during_listing is not None:
            self.during_listing()
            self.during_listing = None
        return list(self.orders)

    async def positions(self) -> list[VenuePosition]:
        await asyncio.sleep(0)
        if self.during_positions is not None:
            self.during_positions()
            self.during_positions = None
        if self.held_positions is not None:
            return list(self.held_positions)
        return [VenuePosition(s, q, 10_000.0) for s, q in self.positions_held.items() if q]

    async def query_order(self, cid: ClientOrderId) -> VenueOrder | None:
        return None


def recorder_of(bus: EventBus) -> list[EngineEvent]:
    seen: list[EngineEvent] = []
    bus.subscribe("test", seen.append)
    return seen


def _core() -> TradingCore:
    return sma_core(AAA_INSTRUMENT)


def racing(
    clock: Callable[[], int],
) -> tuple[TradingCore, RacingVenue, EventBus, LiveEngine, Reconciler]:
    """A core on AAA, the test's venue port, and the live engine and reconciler between
    them on one bus, the reconciler reading ``clock``."""
    core = _core()
    venue = RacingVenue()
    bus = EventBus()
    live = LiveEngine(core, venue, bus)  # type: ignore[arg-type]
    return core, venue, bus, live, Reconciler(core, live, venue, bus, clock)  # type: ignore[arg-type]


def _filled(
    core: TradingCore, venue: RacingVenue, side: Side, ts: int, listed: bool = True
) -> ExecutionReport:
    """An order of the bot the venue filled; returns its FILL report (not yet delivered).
    Not ``listed``: sent after the venue's order listing was taken."""
    order = core.orders.create(OrderIntent(AAA, side, 1, reason="entry"), ts)
    cid = order.client_order_id
    core.on_report(ExecutionReport(cid, ReportKind.ACCEPTED, ts + 1))
    venue.positions_held[AAA] = venue.positions_held.get(AAA, 0) + side
    (venue.orders if listed else []).append(
        VenueOrder(
            cid,
            VenueOrderId(f"v-{ts}"),
            AAA,
            side,
            1,
            1,
            10_000.0,
            OrderStatus.FILLED,
            OrderType.MARKET,
            TimeInForce.GTC,
            0,
            ts,
            ts + 2,
        )
    )
    return ExecutionReport(
        cid,
        ReportKind.FILL,
        ts + 2,
        exec_id=ExecutionId(f"e-{ts}"),
        last_qty=1,
        last_price=10_000,
        cum_qty=1,
    )


async def test_item_11_a_fill_arriving_during_the_position_check_is_never_adjusted():
    clock = [0]
    core, venue, _, live, recon = racing(lambda: clock[0])
    for ts in (1_000_000, 3_000_000):  # two round trips, one reconciliation in each
        clock[0] = ts + 10
        fill = _filled(core, venue, Side.BUY, ts, listed=False)  # sent after the listing
        venue.during_positions = lambda fill=fill: live.apply([fill])  # the stream, meanwhile
        found = await recon.run(startup=False, horizon_ns=10**12)
        assert not [d for d in found if d.kind == "position_adjusted"], found
        assert core.portfolio.position_qty(AAA) == venue.positions_held[AAA]
        live.apply([_filled(core, venue, Side.SELL, ts + 500)])
    assert core.portfolio.position_qty(AAA) == venue.positions_held[AAA] == 0


async def test_item_05_an_order_sent_during_the_listing_is_the_bots_not_adopted():
    core, venue, _, live, recon = racing(lambda: 2_000_000)

    def the_bot_trades() -> None:  # sent, filled and reported while the venue is listing
        live.apply([_filled(core, venue, Side.BUY, 1_000_000)])

    venue.during_listing = the_bot_trades
    found = await recon.run(startup=False, horizon_ns=10**12)
    assert not [d for d in found if d.kind in ("order_adopted", "fill_recovered")], found
    assert core.portfolio.position_qty(AAA) == 1


def test_suspect_a_reconciled_fill_carries_the_venues_fee():
    known = {ClientOrderId("a"): _order("a", OrderStatus.ACCEPTED)}
    listed = msgspec.structs.replace(
        _venue_order("a", OrderStatus.FILLED, 2), avg_fill_price=15_000.0, fee=3_000_000
    )
    p = reconcile.plan(known, [listed], 10)
    (fill,) = [r for r in p.reports if r.kind is ReportKind.FILL]
    assert (fill.last_qty, fill.fee) == (2, 3_000_000)


async def test_item_11_adjustments_take_the_venues_entry_or_its_current_price():
    core, venue, bus, _, recon = racing(lambda: 5_000)
    found = recorder_of(bus)
    core.adjust_position(AAA, 1, 10_000, 1_000, "seed", "seed")  # the bot: 1 @ 100.00
    # The venue holds 3 at an average of 110.00: the 2 the bot did not know cost 115.00.
    venue.held_positions = [VenuePosition(AAA, 3, 11_000.0, 12_000.0)]
    await recon.run(startup=True)
    assert core.portfolio.lots(AAA)[-1] == (2, 11_500)
    # Now the venue holds 1 (marked at 120.00): the 2 the bot no longer holds went there.
    venue.held_positions = [VenuePosition(AAA, 1, 11_000.0, 12_000.0)]
    await recon.run(startup=True)
    closes = [e.fill.price for e in found if isinstance(e, FillApplied) and e.fill.side < 0]
    assert closes == [12_000]
    assert core.portfolio.position_qty(AAA) == 1
