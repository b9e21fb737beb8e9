"""The runtime against a real simulated venue: start-up, trading, control, restart."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from engine.model import OrderStatus
from engine.model import TradingState
from engine.runtime.app import Runtime
from engine.store import StoreReader
from engine.store import create_store_engine
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca.config import ExecutionConfig
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import until_async


async def venue_state(venue) -> tuple[dict[str, int], list, list]:
    ex = AlpacaExecution(ExecutionConfig(venue.url, venue.config.key, venue.config.secret))
    try:
        await ex.instruments([s.symbol for s in venue.config.symbols])
        positions = {p.symbol: p.qty for p in await ex.positions() if p.qty}
        open_orders = await ex.list_orders("open")
        all_orders = await ex.list_orders("all")
        return positions, open_orders, all_orders
    finally:
        await ex.close()


async def test_starts_trades_serves_http_and_stops_cleanly(venue, tmp_path: Path):
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    assert rt.last_reconcile_ok
    await until(lambda: rt.core.portfolio.fees >= 0 and rt.core.signals > 0, 20, "a signal")
    await until(lambda: any(o.filled_qty for o in rt.core.orders.all_orders()), 20, "a fill")
    await until(lambda: rt.http_port not in (None, 0), 5, "http")
    async with aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{rt.http_port}"
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200 and (await r.json())["alive"] is True
        async with http.get(f"{base}/readyz") as r:
            body = await r.json()
            assert r.status == 200, body
            assert body["reconciled"] and body["feed_connected"]
        async with http.get(f"{base}/status") as r:
            status = await r.json()
            assert status["state"] == "active" and status["ready"] is True
            assert len(status["symbols"]) == len(venue.config.symbols)
    assert await run.stop() == 0
    _, open_orders, _ = await venue_state(venue)
    assert open_orders == []  # shutdown cancels working orders


async def test_every_order_at_the_venue_is_in_the_store(venue, tmp_path: Path):
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    await until(lambda: len(rt.core.orders) >= 6, 30, "six orders")
    assert await run.stop() == 0
    _, _, venue_orders = await venue_state(venue)
    engine = create_store_engine(options(venue, tmp_path).store.url)
    try:
        rows = await StoreReader(engine).orders(None, limit=10_000)
        stored = {o.client_order_id: o for o in rows}
    finally:
        await engine.dispose()
    assert venue_orders
    for vo in venue_orders:
        mine = stored[vo.client_order_id]
        assert mine.filled_qty == vo.filled_qty, vo
        assert mine.status is vo.status or vo.status is OrderStatus.FILLED


async def test_pause_survives_a_restart_and_kill_leaves_the_venue_flat(venue, tmp_path: Path):
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    result = await rt.control.pause("all", "alice")
    assert result.ok
    assert await run.stop() == 0

    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    assert rt.core.state is TradingState.PAUSED
    assert rt.core.state_actor == "alice"
    resumed = await rt.control.resume("all", "bob")
    assert resumed.ok
    await until(lambda: rt.core.portfolio.open_positions() != [], 30, "a position")
    killed = await rt.control.kill("carol")
    assert killed.ok, killed
    assert killed.leftover_orders == [] and killed.leftover_positions == []
    positions, open_orders, _ = await venue_state(venue)
    assert positions == {} and open_orders == []
    assert rt.core.state is TradingState.HALTED
    assert await run.stop() == 0


async def test_a_crashed_run_is_reconciled_on_restart(venue, tmp_path: Path):
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    await until(lambda: len(rt.core.orders) >= 4, 30, "orders")
    await run.crash()  # no shutdown: working orders and positions stay at the venue
    # The market stands still from here, so the restarted bot trades nothing new and
    # what it rebuilt can be compared with the venue exactly (no fill in flight).
    venue.pause_market()

    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    positions, _, venue_orders = await venue_state(venue)
    mine = {s: rt.core.portfolio.position_qty(s) for s in rt.core.symbols}
    assert {s: q for s, q in mine.items() if q} == positions
    known = {o.client_order_id for o in rt.core.orders.all_orders()}
    assert {vo.client_order_id for vo in venue_orders} <= known

    async def reconciled_again() -> bool:
        return rt.last_reconcile_ok and rt._reconciler.runs >= 2

    await until_async(reconciled_again, 10, "a periodic reconciliation")
    assert await run.stop() == 0


async def test_snapshot_reads_everything_the_exporter_needs(venue, tmp_path: Path):
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    await until(lambda: rt.live.tick_to_trade.count > 0, 30, "an order")
    await until(lambda: rt.live.submit_to_ack.count > 0, 10, "an acknowledgement")
    snap = rt.control.snapshot()
    assert snap.ready and snap.feed_connected
    assert {s.symbol for s in snap.symbols} == {s.symbol for s in venue.config.symbols}
    assert sum(s.quotes for s in snap.symbols) > 0
    assert snap.tick_to_trade.count >= 1
    assert snap.tick_to_trade.buckets[-1] == (float("inf"), snap.tick_to_trade.count)
    assert snap.equity > 0
    assert snap.reconcile_ok and snap.reconcile_runs >= 1
    assert await run.stop() == 0


async def test_a_session_closed_at_start_pauses_its_symbols(venue, tmp_path: Path):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from engine.config.schedule import ScheduleConfig
    from engine.config.schedule import SessionConfig

    now = datetime.now(UTC)
    # A window that is certainly not open now: it starts in two hours, lasts one.
    start = now + timedelta(hours=2)
    end = start + timedelta(hours=1)
    if end.date() != start.date():
        start, end = now - timedelta(hours=3), now - timedelta(hours=2)
    first = venue.config.symbols[0].symbol
    schedule = ScheduleConfig(
        sessions=(
            SessionConfig(
                name="later",
                open=start.strftime("%H:%M"),
                close=end.strftime("%H:%M"),
                symbols=(first,),
                days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            ),
        ),
    )
    run = Running(Runtime(options(venue, tmp_path, schedule=schedule)))
    rt = await run.ready()
    await until(lambda: rt.core.trading_state(first) is TradingState.PAUSED, 10, "the pause")
    others = [s for s in rt.core.symbols if s != first]
    assert all(rt.core.trading_state(s) is TradingState.ACTIVE for s in others)
    assert await run.stop() == 0
