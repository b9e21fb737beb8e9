"""Issue 9: defects the independent trading-systems and security reviews reproduced
after the fifteen items were fixed (each test failed on the code it was found in)."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from decimal import Decimal

from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.events import EventBus
from engine.model import (
    ClientOrderId,
    ExecutionReport,
    IdFactory,
    Order,
    OrderStatus,
    ReportKind,
    VenueOrderId,
)
from engine.runtime.live import LiveEngine
from engine.runtime.sanity import GateConfig
from engine.venues.base import SubmitOutcome, SubmitResult
from tests.engine.core.helpers import AAA, INSTRUMENT_A, Script, ScriptedStrategy

HOUR_NS = 3600 * 10**9


class _AcceptingVenue:
    """Accepts every order at once; cancels are only recorded."""

    def __init__(self) -> None:
        self.cancels: list[ClientOrderId] = []

    def begin_submit(self, order: Order) -> Awaitable[SubmitResult]:
        async def accepted() -> SubmitResult:
            vid = VenueOrderId(f"v-{order.client_order_id}")
            return SubmitResult(SubmitOutcome.ACCEPTED, vid)

        return accepted()

    async def cancel(self, cid: ClientOrderId) -> bool:
        self.cancels.append(cid)
        return True

    async def query_order(self, cid: ClientOrderId) -> None:
        return None


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
    venue = _AcceptingVenue()
    live = LiveEngine(core, venue, EventBus(), gate=GateConfig(seed_ticks=1))  # type: ignore[arg-type]
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
