"""Issue 9: what the independent trading-systems review tried after the fifteen items
were fixed: a defect it reproduced (a report stamped in the future; the test failed on
the code it was found in) and a situation it checked (two commands at once)."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from pathlib import Path

from engine.bus import EventBus
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import ExecutionReport
from engine.model import IdFactory
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import TradingState
from engine.runtime.app import Runtime
from engine.runtime.live import LiveEngine
from engine.runtime.sanity import GateConfig
from engine.venues.sim import SimVenue
from tests.acceptance.conftest import venue_truth
from tests.acceptance.test_kill_switch import holding
from tests.acceptance.test_kill_switch import holding_options
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import Script
from tests.engine.core.helpers import ScriptedStrategy
from tests.engine.runtime.conftest import RecordingVenue
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import until_async
from tests.engine.runtime.conftest import venue  # noqa: F401

HOUR_NS = 3600 * 10**9


async def test_review_a_report_stamped_in_the_future_does_not_move_the_core_clock() -> None:
    """One order update stamped an hour ahead (a venue clock gone wrong, a corrupt
    field) must not push the core's clock ahead: afterwards a limit entry would be
    cancelled at the next timer step instead of after entry_timeout_s."""
    script = Script()
    core = TradingCore(
        [INSTRUMENT_A],
        ScriptedStrategy,
        script,
        TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=5.0),
        RiskLimits(),
        IdFactory("t", "0"),
        10**18,
    )
    live = LiveEngine(core, RecordingVenue(), EventBus(), gate=GateConfig(seed_ticks=1))  # type: ignore[arg-type]
    try:
        live.on_quote(AAA, time.time_ns(), 10000, 5, 10002, 5)
        script.set(AAA, 1)
        live.on_quote(AAA, time.time_ns(), 10000, 5, 10002, 5)
        entry = core.trader(AAA).entry
        assert entry is not None
        live.on_report(ExecutionReport(entry, ReportKind.ACCEPTED, time.time_ns() + HOUR_NS))
        assert core.now <= time.time_ns(), "the core's clock ran ahead of the local clock"
        for _ in range(3):
            live.on_timer()
            live.on_quote(AAA, time.time_ns(), 10000, 5, 10002, 5)
        assert core.orders.status(entry) is OrderStatus.ACCEPTED, "entry cancelled early"
        assert live.core_time() <= time.time_ns() + 10**9
    finally:
        live.stop_background()


async def test_review_kill_flatten_and_kill_at_once_close_each_position_once(
    venue: SimVenue,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Two people press at once: kill, flatten and kill again, concurrently, while the
    bot holds positions and has resting entries. Every position is closed once: the
    venue ends flat (not short), the bot's books agree, and it stays so."""
    run = Running(Runtime(holding_options(venue, tmp_path)))
    rt = await run.ready()
    try:
        assert rt.core is not None and rt.control is not None
        core, control = rt.core, rt.control
        before = await holding(venue)
        first, flat, second = await asyncio.gather(
            control.kill("alice"), control.flatten("all", "bob"), control.kill("carol")
        )
        assert first.ok and second.ok, (first, second)
        assert core.state is TradingState.HALTED

        async def venue_flat() -> bool:
            truth = await venue_truth(venue.url)
            return not truth.positions and not truth.open_orders

        await until_async(venue_flat, 30, "the venue flat with nothing open")
        runs = rt.reconcile_runs()

        async def another_run() -> bool:
            return rt.reconcile_runs() > runs

        await until_async(another_run, 30, "a reconciliation after the commands")
        after = await venue_truth(venue.url)
        assert after.positions == {}, f"closed twice or not at all: {after.positions}"
        assert not any(core.portfolio.position_qty(s) for s in core.symbols)
        sent = [c for c in after.orders if c not in before.orders]
        assert len(sent) == len(set(sent))
        assert flat.ok or all(o.ok for o in flat.outcomes) or flat.outcomes == [], flat
    finally:
        assert await run.stop() == 0
