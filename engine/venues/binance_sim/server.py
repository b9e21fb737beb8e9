"""The simulated Binance USD-M venue: one aiohttp server on one base URL.

- ``/fapi/v1/...``: REST (:mod:`.rest_usdm`), signed endpoints checked by :mod:`.auth`,
  weights and order counts by :mod:`.limits`
- ``/sim/identity``: ``{"venue":"scalpbot-sim","protocol":1,"wire":"binance-usdm"}``

The market is a static book (:mod:`.market`); streams, listenKeys and the
countdown come in later slices. ``clock`` is the sim's wall clock in ns
(``config.clock_skew_ms`` is added); timestamps of signed requests are judged
against it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from engine.venues.binance_sim.account import BinanceAccount
from engine.venues.binance_sim.config import BinanceSimConfig
from engine.venues.binance_sim.limits import SimLimiter
from engine.venues.binance_sim.market import StaticBook
from engine.venues.binance_sim.market import load_static_book
from engine.venues.binance_sim.rest_usdm import UsdmRest
from engine.venues.serving import listen

Clock = Callable[[], int]


class BinanceSimVenue:
    """``await start()``, trade it at :attr:`url`, ``await stop()``.

    Construction reads the capture (``engine.replay.DataError`` if unusable) unless
    ``book`` is given (tests share one).
    """

    def __init__(
        self,
        config: BinanceSimConfig | None = None,
        *,
        clock: Clock = time.time_ns,
        book: StaticBook | None = None,
    ):
        self.config = cfg = config or BinanceSimConfig()
        self._clock = clock
        market = load_static_book(cfg.data_file) if book is None else book
        self.account = BinanceAccount(market, cfg.paper)
        self.limiter = SimLimiter(cfg.rate_limits, cfg.ban_after, cfg.ban_s)
        keys = {k.api_key: k for k in cfg.keys}
        self.rest = UsdmRest(self.account, self.limiter, keys, self.now_ms)
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0

    def now_ms(self) -> int:
        """The sim's server time in ms (what ``GET /fapi/v1/time`` answers)."""
        return self._clock() // 1_000_000 + self.config.clock_skew_ms

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on ``host:port`` (0 = any free port); returns the port."""
        if self._runner is not None:
            raise RuntimeError("the simulated Binance venue is already started")
        app = web.Application(middlewares=[self.rest.middleware])
        app.router.add_routes(self.rest.routes())
        self._runner, self._host, self._port = await listen(app, host, port)
        return self._port

    async def stop(self) -> None:
        """Close every connection and the server."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The REST base URL (``{url}/fapi/v1/...``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    def stats(self) -> dict[str, int]:
        """Counters for tests: open orders, position (lots), limiter refusals and bans."""
        return {
            "open_orders": self.account.open_count(),
            "position_lots": self.account.position,
            "refused": self.limiter.refused,
            "banned": self.limiter.banned,
        }
