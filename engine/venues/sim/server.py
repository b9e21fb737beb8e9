"""The simulated venue: one aiohttp server speaking Alpaca on one base URL.

- ``/v2/...``: trading REST v2 (:mod:`.rest`)
- ``/stream``: the trade_updates websocket (:mod:`.updates`)
- ``/v2/{feed}``: the market data stream v2 for any feed name, e.g. ``iex``,
  ``sip``, ``test`` (:mod:`.streams`)
- ``/sim/stats`` and ``/sim/faults``: counters, outside Alpaca's API, no auth

A market task polls the market source every ``step_ms``; each step's events go
first to the account (paper matching of resting orders) and then, as one
batched array per connection, to the data stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from engine.venues.serving import listen
from engine.venues.serving import serve_until_signal
from engine.venues.sim.accounts import Account
from engine.venues.sim.accounts import AccountTerms
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.errors import not_found
from engine.venues.sim.faults import FaultConfig
from engine.venues.sim.faults import FaultInjector
from engine.venues.sim.identity import IDENTITY
from engine.venues.sim.identity import IDENTITY_PATH
from engine.venues.sim.market import ReplayMarket
from engine.venues.sim.market import SyntheticMarket
from engine.venues.sim.market import TickEvent
from engine.venues.sim.market import open_market
from engine.venues.sim.rest import RestApi
from engine.venues.sim.rest import is_websocket
from engine.venues.sim.rest import json_response
from engine.venues.sim.state import load_state
from engine.venues.sim.state import save_state
from engine.venues.sim.streams import DataHub
from engine.venues.sim.updates import UpdatesHub

log = logging.getLogger(__name__)

Clock = Callable[[], int]


class SimVenue:
    """The simulated Alpaca venue. ``await start()``, trade it at :attr:`url`, ``await stop()``.

    Construction opens the market (a replay file is checked now, raising
    ``engine.replay.DataError``) and loads the state file if there is one
    (raising ``engine.venues.sim.state.StateError`` if it is unusable).
    """

    def __init__(self, config: SimVenueConfig | None = None, *, clock: Clock = time.time_ns):
        self.config = cfg = config or SimVenueConfig()
        self._clock = clock
        self.faults = FaultInjector(cfg.faults, cfg.seed)
        self.market: SyntheticMarket | ReplayMarket = open_market(cfg, clock())
        instruments = self.market.instruments
        classes: dict[str, str]
        if cfg.data_files:
            classes = {
                i.symbol: "crypto" if i.size_increment < 1 else "us_equity" for i in instruments
            }
        else:
            classes = {s.symbol: s.asset_class for s in cfg.symbols}
        self.updates = UpdatesHub(cfg, self.faults)
        self.account = Account(
            instruments,
            classes,
            AccountTerms(
                cash=cfg.starting_cash_nanos,
                paper=cfg.paper,
                seed=cfg.seed,
                margin_multiplier=cfg.margin_multiplier,
            ),
            faults=self.faults,
            publish=self.updates.publish,
        )
        self.data = DataHub(cfg, instruments, self.faults.counters)
        self._stopping = asyncio.Event()
        self.rest = RestApi(
            self.account,
            self.faults,
            key=cfg.key,
            secret=cfg.secret,
            clock=clock,
            stopping=self._stopping,
        )
        self._paused = False
        self._tasks: list[asyncio.Task[None]] = []
        self._fault_tasks: list[asyncio.Task[None]] = []
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        if cfg.state_file:
            self._load_state(cfg.state_file)

    # -- lifecycle ----------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on ``host:port`` (0 = any free port) and start the market; returns the port."""
        if self._runner is not None:
            raise RuntimeError("the simulated venue is already started")
        self._stopping.clear()
        app = web.Application(middlewares=[self.rest.middleware])
        app.router.add_routes(self.rest.routes())
        app.router.add_get("/stream", self.updates.handle)
        app.router.add_get("/sim/stats", self._stats_handler)
        app.router.add_get(IDENTITY_PATH, self._identity_handler)
        app.router.add_get("/sim/faults", self._faults_handler)
        app.router.add_get("/v2/{feed}", self._feed_handler)  # after the fixed /v2 routes
        self._runner, self._host, self._port = await listen(app, host, port)
        self._spawn(self._market_loop(), "sim-market", self._tasks)
        self._spawn(self.updates.run(), "sim-updates", self._tasks)
        if self.config.state_file:
            self._spawn(self._state_loop(self.config.state_file), "sim-state", self._tasks)
        self._start_fault_tasks()
        log.info("simulated venue listening on %s", self.url)
        return self._port

    async def stop(self) -> None:
        """Stop the market, close every connection and the server, save the state."""
        self._stopping.set()
        tasks = self._tasks + self._fault_tasks
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._fault_tasks.clear()
        await self.drop_streams(count=False)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.config.state_file:
            self.save_state()

    @property
    def url(self) -> str:
        """The base URL for REST; websockets are the same with ``ws://``."""
        return f"http://{self._host}:{self._port}"

    @property
    def stream_url(self) -> str:
        return f"ws://{self._host}:{self._port}/stream"

    def data_url(self, feed: str = "iex") -> str:
        return f"ws://{self._host}:{self._port}/v2/{feed}"

    @property
    def port(self) -> int:
        return self._port

    # -- test hooks -----------------------------------------------------------------

    def pause_market(self) -> None:
        """Stop polling the market source (injected events still flow)."""
        self._paused = True

    def resume_market(self) -> None:
        self._paused = False

    def inject(self, events: list[TickEvent]) -> None:
        """Process ``events`` as one market step (fills, then the data stream)."""
        self.account.on_events(events)
        self.data.broadcast(events)

    def end_of_day(self) -> None:
        """Expire every open DAY order now (``expired`` events), as a session close would."""
        self.account.expire_day(self._clock())

    def stall(self, seconds: float) -> None:
        """Send no market data for ``seconds`` while connections stay up."""
        self.data.stall(seconds)

    async def drop_streams(self, count: bool = True) -> None:
        """Close every websocket (data and trade_updates) now."""
        if count:
            self.faults.counters.stream_drops += 1
        await asyncio.gather(self.data.drop_all(), self.updates.drop_all())

    def set_faults(self, faults: FaultConfig) -> None:
        """Switch faults at run time (the seeded generators continue)."""
        self.faults.config = faults
        for task in self._fault_tasks:
            task.cancel()
        self._fault_tasks.clear()
        if self._runner is not None:
            self._start_fault_tasks()

    def stats(self) -> dict[str, Any]:
        """Counters of everything (also ``GET /sim/stats``)."""
        account = self.account
        return {
            "faults": self.faults.snapshot()["counters"],
            "paper": account.paper.counters.as_dict(),
            "orders": len(account.orders),
            "open_orders": len(account.open_orders()),
            "fills": len(account.fills),
            "market": {
                "kind": "replay" if isinstance(self.market, ReplayMarket) else "synthetic",
                "symbols": [i.symbol for i in self.market.instruments],
                "events": self.market.events,
                "finished": self.market.finished,
                "paused": self._paused,
            },
            "data": self.data.stats(),
            "updates": self.updates.stats(),
            "rest": {"requests": self.rest.requests},
        }

    def save_state(self) -> None:
        """Write the state file now (no-op without one)."""
        if self.config.state_file:
            market = self.market.bids() if isinstance(self.market, SyntheticMarket) else {}
            save_state(self.config.state_file, self.account.to_state(), market)
            self.account.dirty = False

    # -- internals ----------------------------------------------------------------------

    def _load_state(self, path: str) -> None:
        loaded = load_state(path)
        if loaded is None:
            return
        account, market = loaded
        self.account.load_state(account)
        if isinstance(self.market, SyntheticMarket):
            self.market.restore({str(k): int(v) for k, v in market.items()})

    def _spawn(
        self, coro: Coroutine[Any, Any, None], name: str, into: list[asyncio.Task[None]]
    ) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        task.add_done_callback(_log_failure)
        into.append(task)

    def _start_fault_tasks(self) -> None:
        c = self.faults.config
        if c.drop_stream_every:
            self._spawn(self._drop_loop(c.drop_stream_every), "sim-drop", self._fault_tasks)
        if c.stall_every:
            self._spawn(
                self._stall_loop(c.stall_every, c.stall_for), "sim-stall", self._fault_tasks
            )

    async def _market_loop(self) -> None:
        step = self.config.step_ms / 1000
        market = self.market
        flat_out = isinstance(market, ReplayMarket) and market.speed == 0
        while True:
            events: list[TickEvent] = []
            if not self._paused:
                events = market.poll(self._clock())
                if events:
                    self.inject(events)
            await asyncio.sleep(0 if flat_out and events else step)

    async def _drop_loop(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.drop_streams()

    async def _stall_loop(self, every: float, duration: float) -> None:
        while True:
            await asyncio.sleep(every)
            self.stall(duration)

    async def _state_loop(self, path: str) -> None:
        while True:
            await asyncio.sleep(self.config.state_interval)
            if self.account.dirty:
                self.save_state()

    async def _feed_handler(self, request: web.Request) -> web.StreamResponse:
        if not is_websocket(request):
            raise not_found("endpoint not found")
        return await self.data.handle(request)

    async def _stats_handler(self, request: web.Request) -> web.Response:
        return json_response(self.stats())

    async def _identity_handler(self, request: web.Request) -> web.Response:
        return json_response(IDENTITY)  # what a bot asks before trusting a sim URL

    async def _faults_handler(self, request: web.Request) -> web.Response:
        return json_response(self.faults.snapshot())


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("simulated venue task %s failed", task.get_name(), exc_info=task.exception())


async def serve(
    config: SimVenueConfig,
    host: str = "127.0.0.1",
    port: int = 0,
    on_ready: Callable[[SimVenue], None] | None = None,
) -> None:
    """Run a venue until SIGINT or SIGTERM (or cancellation), then stop it cleanly.

    ``on_ready`` is called once it listens (e.g. to print the URL).
    """
    await serve_until_signal(SimVenue(config), host, port, on_ready)
