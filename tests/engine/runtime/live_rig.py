"""A LiveEngine around a real core, trading the fake Alpaca over loopback sockets.

The core runs the scripted strategy of the core tests (the test says what it
wants), quotes travel the fake's market-data websocket through
``AlpacaMarketData``, orders go through ``AlpacaExecution`` (its HTTP/1.1 order
connections and aiohttp) and reports come back on the fake's trade_updates
stream. The test plays the venue by hand: scripted REST faults per route, order
changes and stream events (see ``tests/kit/fake_alpaca.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from decimal import Decimal
from typing import Any

from engine.bus import EventBus
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import Symbol
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import OrderSubmitted
from engine.runtime.live import LiveEngine
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca import AlpacaMarketData
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.config import ExecutionConfig
from tests.engine.core.helpers import CASH
from tests.engine.core.helpers import Script
from tests.engine.core.helpers import ScriptedStrategy
from tests.kit.fake_alpaca import KEY
from tests.kit.fake_alpaca import SECRET
from tests.kit.fake_alpaca import FakeAlpaca
from tests.kit.wait import poller

AAPL = Symbol("AAPL")
INSTRUMENT = Instrument(
    symbol=AAPL, price_increment=Decimal("0.01"), size_increment=Decimal(1), venue="ALPACA"
)
GET_BY_CID = "GET /v2/orders:by_client_order_id"


until = poller(5.0, every=0.005)


class LiveRig:
    """Start with ``await rig.start()``, always ``await rig.close()``."""

    def __init__(
        self,
        fake: FakeAlpaca,
        *,
        order: TraderConfig | None = None,
        live_options: dict[str, Any] | None = None,
        timeout_s: float = 0.5,
    ) -> None:
        self.fake = fake
        self.script = Script()
        self.core = TradingCore(
            [INSTRUMENT],
            ScriptedStrategy,
            self.script,
            order or TraderConfig(qty=Decimal(1)),
            RiskLimits(),
            IdFactory("t", "1"),
            CASH,
        )
        self.bus = EventBus()
        self.events: list[EngineEvent] = []
        self.bus.subscribe("test", self.events.append)
        self.ex = AlpacaExecution(
            ExecutionConfig(
                fake.url,
                KEY,
                SECRET,
                timeout_s=timeout_s,
                retry_backoff_s=0.01,
                backoff_initial_s=0.05,
            ),
            {AAPL: INSTRUMENT},
        )
        self.live = LiveEngine(self.core, self.ex, self.bus, **(live_options or {}))
        self.data = AlpacaMarketData(
            DataConfig(fake.url, KEY, SECRET, backoff_initial_s=0.05), {AAPL: INSTRUMENT}
        )
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> LiveRig:
        await self.ex.warm()
        loop = asyncio.get_running_loop()
        self._tasks.append(
            loop.create_task(self.ex.run_updates(self.live.on_report, self.live.on_feed))
        )
        self._tasks.append(loop.create_task(self.data.run([AAPL], self.live)))
        await until(lambda: self.fake.update_conns and self.fake.data_conns, 5, "the streams")
        await until(lambda: self.live.feed_connected, 5, "the market data subscription")
        # The sanity gate takes a few agreeing quotes before it trusts a symbol's level.
        deadline = time.monotonic() + 5
        while not self.core.market(AAPL).quotes:
            assert time.monotonic() < deadline, f"no quote passed: {self.live.gate.rejects}"
            await self.fake.push([self.fake.quote("AAPL", 100.00, 100.02)])
            await asyncio.sleep(0.01)
        return self

    def run_timer(self, interval_s: float = 0.02) -> None:
        """The core timer the runtime runs (LiveEngine.run_timer)."""
        self._tasks.append(asyncio.get_running_loop().create_task(self.live.run_timer(interval_s)))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self.live.stop_background()
        await self.live.wait_idle(5)
        await self.ex.close()

    # -- market data ---------------------------------------------------------------

    async def quote(self, bid: float, ask: float, signal: int | None = None) -> None:
        """One quote through the fake's data stream, processed by the core on return;
        ``signal`` is what the scripted strategy says on it."""
        if signal is not None:
            self.script.set(AAPL, signal)
        before = self.core.market(AAPL).quotes
        await self.fake.push([self.fake.quote("AAPL", bid, ask)])
        await until(lambda: self.core.market(AAPL).quotes > before, 5, "the quote")

    # -- what happened -------------------------------------------------------------

    def sent(self) -> list[ClientOrderId]:
        """Client order ids of the orders the core created, in order."""
        return [e.order.client_order_id for e in self.events if isinstance(e, OrderSubmitted)]

    def fills(self, cid: ClientOrderId | None = None) -> list[FillApplied]:
        return [
            e
            for e in self.events
            if isinstance(e, FillApplied) and (cid is None or e.fill.client_order_id == cid)
        ]

    def venue_order(self, cid: ClientOrderId) -> dict[str, Any]:
        return next(o for o in self.fake.orders.values() if o["client_order_id"] == cid)

    def venue_status(self, cid: ClientOrderId) -> str | None:
        """The order's status at the venue; None while the venue has not got it."""
        found = [o for o in self.fake.orders.values() if o["client_order_id"] == cid]
        return found[0]["status"] if found else None

    def position(self) -> int:
        return self.core.portfolio.position_qty(AAPL)
