"""``Runtime``: one asyncio process running the engine against a venue.

Start-up is config -> store -> venue -> rebuild from the store -> reconcile
with the venue -> only then ACTIVE. Order updates are streamed from before the
reconciliation (buffered until it is done) so nothing falls in between.
Shutdown stops entries, cancels working orders (and flattens if configured),
flushes the store and says what may still be open at the venue.

Every resource is released through one :class:`contextlib.AsyncExitStack`, in
reverse order of acquisition: the plugins, the HTTP server, the session's tasks,
the venue (its client, then an embedded simulator), the store. A failure half-way
through start-up releases exactly what was acquired until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
import signal
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.bus import EventBus
from engine.control import Control
from engine.control import TradeView
from engine.core.trading_core import TradingCore
from engine.model import Instrument
from engine.model import Symbol
from engine.model import money_to_decimal
from engine.model.events import AuditRecord
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import Lifecycle
from engine.model.portfolio import AccountSnapshot
from engine.runtime.http import HttpServer
from engine.runtime.live import LiveEngine
from engine.runtime.options import RuntimeOptions
from engine.runtime.plugins import PluginHost
from engine.runtime.plugins import plugin_context_factory
from engine.runtime.plugins import plugin_info
from engine.runtime.recovery import Reconciler
from engine.runtime.session import RunContext
from engine.runtime.session import Session
from engine.runtime.session import StartupError
from engine.runtime.session import assemble
from engine.runtime.storage import RunStore
from engine.runtime.tasks import event_logger
from engine.store import StoreReader
from engine.store import StoreWriter
from engine.venues.base import Execution
from engine.venues.base import Venue
from engine.venues.base import VenueRefusedError
from engine.venues.registry import UnknownVenueError
from engine.venues.registry import open_venue

log = logging.getLogger("scalpbot.runtime")

READY_FLUSH_TIMEOUT_S = 10.0
# An empty strategy.symbols takes every symbol the venue offers: a simulator's (as many as
# its sim.symbols or its data file make), but at most this many of a real venue, which
# lists thousands of assets (each one a subscription and a risk budget).
MAX_OFFERED_SYMBOLS = 50


def new_run_id() -> str:
    """Unique per process start: client order ids embed it, so none is ever reused."""
    return f"{time.time_ns() // 1_000_000:x}{secrets.token_hex(2)}"


class Runtime:
    """Owns every part of a live run; ``run()`` returns the process exit code.

    Implements the control API's ``RuntimeView``. ``core``, ``live`` and ``control``
    are there for readers outside the run (tests, benchmarks): None before start-up.
    """

    def __init__(
        self,
        options: RuntimeOptions,
        *,
        wall_clock: Callable[[], int] = time.time_ns,
        day_check_s: float = 1.0,
    ) -> None:
        """``wall_clock`` decides the trading day (tests move it across midnight);
        ``day_check_s`` is how often it is looked at."""
        self.opts = options
        self._wall = wall_clock
        self._day_check_s = day_check_s
        self.run_id = new_run_id()
        self.ready = False
        self.reconnects = 0
        self.last_reconcile_ts = 0
        self.last_reconcile_ok = False
        self.venue_name = options.venue.kind
        self.bus = EventBus()
        self.http_port: int | None = None
        self.core: TradingCore | None = None
        self.live: LiveEngine | None = None
        self.control: Control | None = None
        self._stop = asyncio.Event()
        self._updates_up = asyncio.Event()
        self._resources = contextlib.AsyncExitStack()
        self._store: RunStore | None = None
        self._venue: Venue | None = None
        self._session: Session | None = None
        self._plugin_host = PluginHost()

    # -- RuntimeView (read by the control API) ------------------------------------

    def store_stats(self) -> tuple[int, int, int]:
        return (0, 0, 0) if self._store is None else self._store.stats()

    def store_last_batch_s(self) -> float:
        return 0.0 if self._store is None else self._store.last_batch_s()

    def store_writable(self) -> bool:
        return self._store is not None and self._store.writable()

    async def audit(self, n: int) -> list[AuditRecord]:
        return [] if self._store is None else await self._store.audit(n)

    def reconcile_runs(self) -> int:
        return 0 if self._session is None else self._session.reconciler.runs

    async def reconcile_now(self) -> None:
        """CONTROL (kill): reconcile with the venue now, as the periodic task does."""
        await self._reconcile()

    async def equity_since(self, ts: int) -> list[tuple[int, Decimal, Decimal]]:
        if self._store is None:
            return []
        return [
            (s.ts, money_to_decimal(s.equity), money_to_decimal(s.drawdown))
            for s in await self._store.equity_since(ts)
        ]

    async def account_at(self, ts: int) -> AccountSnapshot | None:
        """CONTROL (period P&L): the last stored equity snapshot at or before ``ts``."""
        return None if self._store is None else await self._store.equity_at(ts)

    async def fills_since(self, ts: int) -> list[TradeView]:
        if self._store is None or self.core is None:
            return []
        instruments = self.core.instruments
        out = []
        for rec in await self._store.fills_since(ts):
            f = rec.fill
            inst = instruments.get(f.symbol)
            if inst is None:
                continue
            out.append(TradeView.of(inst, f, rec.realized_pnl))
        return out

    def request_stop(self) -> None:
        self._stop.set()

    # -- the run -------------------------------------------------------------------

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
        try:
            try:
                session = await self._start()
            except StartupError as exc:
                log.error("refusing to start: %s", exc)
                return 1
            return await self._serve(session)
        finally:
            # Also when cancelled: sockets, the store and the embedded venue are released.
            await asyncio.shield(self._close_resources())

    async def _start(self) -> Session:
        opts = self.opts
        self.bus.subscribe("feed", self._count_feed)
        store = await self._start_store()
        self.bus.publish(
            Lifecycle(time.time_ns(), "starting", self.run_id, f"venue {opts.venue.kind}")
        )
        venue = await self._start_venue()
        # () = every symbol the venue offers: the venue itself lists them (the embedded
        # simulator, or whatever answers at --venue-url).
        symbols = [Symbol(s) for s in opts.trading.symbols]
        try:
            instruments = await venue.execution.instruments(list(symbols))
        except Exception as exc:
            raise StartupError(f"could not load instruments from the venue: {exc}") from exc
        if not symbols and opts.venue.kind != "sim" and len(instruments) > MAX_OFFERED_SYMBOLS:
            raise StartupError(
                f"strategy.symbols is empty (every symbol the venue offers) and the venue "
                f"offers {len(instruments)}; name the symbols to trade in strategy.symbols "
                f"(at most {MAX_OFFERED_SYMBOLS} are taken unnamed)"
            )
        session = self._start_session(store, venue, instruments)
        await venue.execution.warm()  # order connections open before the first order
        await session.recover(self._updates_up)
        self.bus.publish(
            Lifecycle(
                time.time_ns(),
                "ready",
                self.run_id,
                f"{len(instruments)} symbols, state {session.core.state.value}",
            )
        )
        # Durable before any order can go out: a post-mortem can tell when each
        # process was allowed to trade, even after a SIGKILL.
        await asyncio.wait_for(store.writer.flush(), READY_FLUSH_TIMEOUT_S)
        await session.day.load_counts(store.reader)  # the day's fills so far (all stored now)
        self.bus.subscribe("trading_day", session.day.count)
        # Everything built so far lives for the whole run: keep it out of the
        # collector's scans, so a full collection cannot stall the hot path for long.
        gc.collect()
        gc.freeze()
        self.ready = True
        return session

    async def _start_store(self) -> RunStore:
        opts = self.opts
        params = {
            "venue": opts.venue.kind,
            "strategy": opts.trading.strategy,
            "config_hash": opts.config_hash,
        }
        store = RunStore(opts.store, self.run_id, params)
        self._resources.push_async_callback(store.close)
        self._store = store
        await store.open()
        self.bus.subscribe("store", store.submit)
        return store

    async def _start_venue(self) -> Venue:
        try:
            venue = await self._resources.enter_async_context(open_venue(self.opts.venue))
        except (VenueRefusedError, UnknownVenueError) as exc:
            raise StartupError(str(exc)) from None
        self._venue = venue
        self.venue_name = venue.name
        return venue

    def _start_session(
        self, store: RunStore, venue: Venue, instruments: list[Instrument]
    ) -> Session:
        ctx = RunContext(self.opts, self.run_id, self.bus, store, self._wall)
        session = assemble(ctx, venue, self, instruments)
        self._resources.push_async_callback(session.close)
        self._session = session
        self.core, self.live, self.control = session.core, session.live, session.control
        self.bus.subscribe("log", event_logger(session.core.instruments))
        return session

    async def _serve(self, session: Session) -> int:
        opts = self.opts
        http = None
        where = opts.http
        if where.port is not None:
            http = HttpServer(session.control, where.host, where.port, token=where.token)
            self._resources.push_async_callback(_quietly, http.stop)
        await self._start_plugins(session, http)
        code = 0
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = session.launch(tg, self._day_check_s)
                if http is not None:
                    tasks.append(tg.create_task(self._serve_http(http), name="http"))
                tasks += session.launch_schedule(tg)
                await self._stop.wait()
                await session.shutdown()
                for task in tasks:
                    task.cancel()
        except* Exception as group:
            for err in group.exceptions:
                log.error("runtime task failed: %r", err, exc_info=err)
            code = 1
            with contextlib.suppress(Exception):
                await session.shutdown()
        return code

    async def _start_plugins(self, session: Session, http: HttpServer | None) -> None:
        """Start the enabled plugins (Telegram and metrics by default), each with its own
        context: its own settings and secrets only. A failure is logged."""
        if not self.opts.plugins.load:
            return
        opts = self.opts
        self._resources.push_async_callback(self._plugin_host.close)
        context = plugin_context_factory(
            session.control,
            self.bus,
            http.app if http is not None else None,
            plugin_info(self.run_id, self.venue_name, opts.config_hash),
            opts.plugins,
        )
        await self._plugin_host.start(opts.plugins.enabled, context)

    async def _serve_http(self, http: HttpServer) -> None:
        self.http_port = await http.start()
        auth = "bearer token required" if http.requires_token else "no authentication"
        log.info(
            "http on %s:%d (/healthz /readyz /status; %s)",
            self.opts.http.host,
            self.http_port,
            auth,
        )
        await asyncio.Event().wait()

    def _count_feed(self, event: EngineEvent) -> None:
        if isinstance(event, FeedEvent):
            if event.state is FeedState.DISCONNECTED:
                self.reconnects += 1
            elif event.state is FeedState.CONNECTED and event.feed == "trade_updates":
                self._updates_up.set()

    async def _close_resources(self) -> None:
        """Release what was acquired, last acquired first (see the module docstring)."""
        await self._resources.aclose()

    # -- for tests that reach into a running runtime ---------------------------------

    @property
    def _execution(self) -> Execution | None:
        return None if self._venue is None else self._venue.execution

    @property
    def _sim(self) -> EmbeddedSim | None:
        """The embedded simulator's address (None when the venue is not embedded)."""
        embedded = self.opts.venue.kind == "sim" and self.opts.venue.url is None
        return None if self._venue is None or not embedded else EmbeddedSim(self._venue.url)

    @property
    def _writer(self) -> StoreWriter | None:
        return None if self._store is None else self._store.writer

    @property
    def _reader(self) -> StoreReader | None:
        return None if self._store is None else self._store.reader

    @property
    def _reconciler(self) -> Reconciler | None:
        return None if self._session is None else self._session.reconciler

    @property
    def _plugins(self) -> list[object]:
        return list(self._plugin_host.plugins)

    def _spawn_plugin_task(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._plugin_host.spawn(coro, name)

    async def _save(self, key: str, value: object, actor: str) -> None:
        if self._store is None:
            raise RuntimeError("the store is not started")
        await self._store.save(key, value, actor)

    async def _reconcile(self) -> None:
        if self._session is None:
            raise RuntimeError("the runtime is not started")
        await self._session.reconcile()


@dataclass(frozen=True, slots=True)
class EmbeddedSim:
    url: str


async def _quietly(close: Callable[[], Awaitable[None]]) -> None:
    with contextlib.suppress(Exception):
        await close()


__all__ = ["Runtime", "StartupError", "new_run_id"]
