"""``Runtime``: one asyncio process running the engine against a venue.

Start-up is config -> store -> venue -> rebuild from the store -> reconcile
with the venue -> only then ACTIVE. Order updates are streamed from before the
reconciliation (buffered until it is done) so nothing falls in between.
Shutdown stops entries, cancels working orders (and flattens if configured),
flushes the store and says what may still be open at the venue.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
import signal
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.config.schedule import ScheduleConfig
from engine.control import Control, TradeView
from engine.core.strategies import strategy_factory
from engine.core.trading_core import ALL, TradingCore
from engine.bus import EventBus
from engine.model import (
    ExecutionReport,
    IdFactory,
    Instrument,
    TradingState,
    money_to_decimal,
)
from engine.model.events import EngineEvent, EquitySnapshot, FeedEvent, FeedState, Lifecycle
from engine.model.instrument import amount
from engine.runtime.day import DayKeeper
from engine.runtime.http import HttpServer
from engine.runtime.latches import BreakerKeeper
from engine.runtime.live import LiveEngine
from engine.runtime.options import RuntimeOptions
from engine.runtime.recovery import Reconciler, rebuild_from_store, restore_control_state
from engine.runtime.tasks import event_logger, every, status_line
from engine.store import (
    StoreReader,
    StoreWriter,
    create_store_engine,
    finish_run,
    load_control_state,
    migrate,
    save_control_state,
    save_control_states,
    start_run,
)

log = logging.getLogger("scalpbot.runtime")


class StartupError(RuntimeError):
    """The runtime refused to start (e.g. reconciliation with the venue failed)."""


def new_run_id() -> str:
    """Unique per process start: client order ids embed it, so none is ever reused."""
    return f"{time.time_ns() // 1_000_000:x}{secrets.token_hex(2)}"


class Runtime:
    """Owns every part of a live run; ``run()`` returns the process exit code."""

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
        self.day: DayKeeper | None = None
        self._breakers: BreakerKeeper | None = None
        self.run_id = new_run_id()
        self.ready = False
        self.reconnects = 0
        self.last_reconcile_ts = 0
        self.last_reconcile_ok = False
        self.venue_name = options.venue_kind
        self.bus = EventBus()
        self.http_port: int | None = None
        self.venue_url = ""
        self._stop = asyncio.Event()
        self._updates_up = asyncio.Event()
        self._buffered: list[ExecutionReport] | None = []
        self._late: list[ExecutionReport] = []  # reports for orders not in memory
        self._background: set[asyncio.Task[Any]] = set()
        self._tick_count = 0
        self._sim: Any = None
        self._store: Any = None
        self._writer: StoreWriter | None = None
        self._reader: StoreReader | None = None
        self.core: TradingCore | None = None
        self.live: LiveEngine | None = None
        self.control: Control | None = None
        self._execution: Any = None
        self._data: Any = None
        self._http: HttpServer | None = None
        self._recent_ticks: deque[tuple[float, int]] = deque(maxlen=2)
        self._plugins: list[Any] = []
        self._plugin_tasks: set[asyncio.Task[Any]] = set()

    # -- RuntimeView (read by the control API) ------------------------------------

    def store_stats(self) -> tuple[int, int, int]:
        if self._writer is None:
            return (0, 0, 0)
        s = self._writer.stats()
        return (s.queued, s.rows_written, s.write_errors)

    def store_last_batch_s(self) -> float:
        return self._writer.stats().last_batch_latency_s if self._writer is not None else 0.0

    def store_writable(self) -> bool:
        return self._writer is not None and not self._writer.stats().retrying

    async def audit(self, n: int) -> list[Any]:
        if self._reader is None:
            return []
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._writer.flush(), 5)
        return list(await self._reader.audit(n))

    def reconcile_runs(self) -> int:
        reconciler = getattr(self, "_reconciler", None)
        return reconciler.runs if reconciler is not None else 0

    async def reconcile_now(self) -> None:
        """CONTROL (kill): reconcile with the venue now, as the periodic task does."""
        await self._reconcile()

    async def equity_since(self, ts: int) -> list[tuple[int, Any, Any]]:
        if self._reader is None:
            return []
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._writer.flush(), 5)
        return [
            (s.ts, money_to_decimal(s.equity), money_to_decimal(s.drawdown))
            for s in await self._reader.equity_since(ts)
        ]

    async def account_at(self, ts: int) -> Any:
        """CONTROL (period P&L): the last stored equity snapshot at or before ``ts``."""
        if self._reader is None:
            return None
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._writer.flush(), 5)
        return await self._reader.equity_at(ts)

    async def fills_since(self, ts: int) -> list[TradeView]:
        if self._reader is None or self.core is None:
            return []
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._writer.flush(), 5)
        out = []
        for rec in await self._reader.fills_since(ts):
            f = rec.fill
            inst = self.core.instruments.get(f.symbol)
            if inst is None:
                continue
            out.append(
                TradeView(
                    f.ts,
                    f.symbol,
                    "buy" if f.side > 0 else "sell",
                    inst.qty(f.qty),
                    inst.price(f.price),
                    money_to_decimal(f.fee),
                    f.client_order_id,
                    None if rec.realized_pnl is None else money_to_decimal(rec.realized_pnl),
                )
            )
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
                await self._start()
            except StartupError as exc:
                log.error("refusing to start: %s", exc)
                return 1
            return await self._serve()
        finally:
            # Also when cancelled: sockets, the store and the embedded venue are released.
            await asyncio.shield(self._close_resources())

    async def _serve(self) -> int:
        code = 0
        if self.opts.http_port is not None:
            assert self.control is not None
            self._http = HttpServer(
                self.control, self.opts.http_host, self.opts.http_port, token=self.opts.http_token
            )
        await self._start_plugins()
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = self._launch(tg)
                await self._stop.wait()
                await self._shutdown()
                for task in tasks:
                    task.cancel()
        except* Exception as group:
            for err in group.exceptions:
                log.error("runtime task failed: %r", err, exc_info=err)
            code = 1
            with contextlib.suppress(Exception):
                await self._shutdown()
        return code

    async def _start(self) -> None:
        opts = self.opts
        self.bus.subscribe("feed", self._count_feed)
        await self._start_store()
        self._publish(
            Lifecycle(time.time_ns(), "starting", self.run_id, f"venue {opts.venue_kind}")
        )
        await self._start_venue()
        try:
            instruments = await self._execution.instruments(list(self._symbols()))
        except Exception as exc:
            raise StartupError(f"could not load instruments from the venue: {exc}") from exc
        core = self._build(instruments)
        self.bus.subscribe("log", event_logger(core.instruments))
        await self._execution.warm()  # order connections open before the first order
        await self._recover()
        assert self.core is not None and self._writer is not None
        self._publish(
            Lifecycle(
                time.time_ns(),
                "ready",
                self.run_id,
                f"{len(instruments)} symbols, state {self.core.state.value}",
            )
        )
        # Durable before any order can go out: a post-mortem can tell when each
        # process was allowed to trade, even after a SIGKILL.
        await asyncio.wait_for(self._writer.flush(), 10)
        assert self.day is not None and self._reader is not None
        await self.day.load_counts(self._reader)  # the day's fills so far (all stored now)
        self.bus.subscribe("trading_day", self.day.count)
        # Everything built so far lives for the whole run: keep it out of the
        # collector's scans, so a full collection cannot stall the hot path for long.
        gc.collect()
        gc.freeze()
        self.ready = True

    async def _start_store(self) -> None:
        url = self.opts.store_url
        if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        self._store = create_store_engine(url)
        await migrate(self._store)
        await start_run(
            self._store,
            self.run_id,
            "live",
            started_ts=time.time_ns(),
            params={
                "venue": self.opts.venue_kind,
                "strategy": self.opts.strategy,
                "config_hash": self.opts.config_hash,
            },
        )
        self._writer = StoreWriter(
            self._store,
            run_id=self.run_id,
            batch_size=self.opts.store_batch_size,
            max_delay=self.opts.store_max_delay_s,
        )
        self._writer.start()
        self._reader = StoreReader(self._store)
        self.bus.subscribe("store", self._writer.submit)

    async def _start_venue(self) -> None:
        from engine.venues.alpaca import AlpacaExecution, AlpacaUrls
        from engine.venues.alpaca.config import ExecutionConfig

        opts = self.opts
        url = opts.venue_url
        if url is None and opts.venue_kind == "sim":
            from engine.venues.sim import SimVenue, SimVenueConfig

            self._sim = SimVenue(opts.sim if opts.sim is not None else SimVenueConfig())
            await self._sim.start("127.0.0.1", 0)
            url = self._sim.url
            self.venue_name = "sim (embedded)"
        elif url is not None and opts.venue_kind == "sim":
            # Never live, so it must be the simulator (not a proxy adding live keys).
            from engine.venues.sim.identity import NotTheSimulatorError, prove_simulator

            try:
                await prove_simulator(url, opts.submit_timeout_s)
            except NotTheSimulatorError as exc:
                raise StartupError(str(exc)) from None
        if url is None:
            urls = AlpacaUrls.paper(opts.feed)
        else:
            urls = AlpacaUrls.from_venue_url(url, opts.feed)
        if opts.data_url:
            urls = AlpacaUrls(urls.rest, opts.data_url, urls.updates)
        self.venue_url = urls.rest
        self._urls = urls
        self._execution = AlpacaExecution(
            ExecutionConfig(
                urls.rest,
                opts.key,
                opts.secret,
                timeout_s=opts.submit_timeout_s,
                stream_url=urls.updates,
            )
        )

    def _symbols(self) -> tuple[str, ...]:
        # () = every symbol the venue offers: the venue itself lists them (the embedded
        # simulator, or whatever answers at --venue-url).
        return self.opts.symbols

    def _build(self, instruments: list[Instrument]) -> TradingCore:
        from engine.venues.alpaca import AlpacaMarketData

        opts = self.opts
        cls = strategy_factory(opts.strategy)
        params = opts.strategy_params if opts.strategy_params is not None else cls.Params()
        cash = 0
        try:  # limits or sizes the venue's instruments cannot honour (one-line reason)
            self.core = TradingCore(
                instruments, cls, params, opts.order, opts.risk, IdFactory("sb", self.run_id), cash
            )
        except ValueError as exc:
            raise StartupError(str(exc)) from None
        self.live = LiveEngine(self.core, self._execution, self.bus, gate=opts.gate)
        self.control = Control(
            self.core,
            self.live,
            self._execution,
            self.bus,
            self,
            self._save,
            resize_bounds=(opts.resize_min, opts.resize_max),
            base_limits=opts.risk,  # CONTROL: the bounds of /setlimit
            venue_kind=opts.venue_kind,
        )
        self._reconciler = Reconciler(
            self.core, self.live, self._execution, self.bus, time.time_ns, self._reader
        )
        # MEMORY: reports for orders that left the order manager's window are looked up
        # in the store first (off the hot path), so a late duplicate is never booked twice.
        self.live.on_unknown = self._late_report
        # A breaker trip is stored before the orders it causes go out (see latches.py).
        self._breakers = BreakerKeeper(self.core, self.live, self._save_many)
        self.live.latch_guard = self._breakers.guard
        day_config = opts.schedule if opts.schedule is not None else ScheduleConfig()
        self.day = DayKeeper(self.core, day_config, self._save, self._wall)
        by_symbol = {i.symbol: i for i in instruments}
        import random

        self._data = AlpacaMarketData(
            self._urls.data,
            opts.key,
            opts.secret,
            by_symbol,
            stale_after_s=opts.stale_after_s,
            rng=random.Random(self.run_id),
        )
        return self.core

    async def _recover(self) -> None:
        core, live = self.core, self.live
        assert core is not None and live is not None and self._reader is not None
        self._publish(Lifecycle(time.time_ns(), "reconciling", self.run_id))
        orders, fills = await rebuild_from_store(core, self._reader)
        # What the replay tripped does not count: what was stored (and not reset) does.
        core.breakers.latched.clear()
        core.breakers.loss_streak = 0
        core.breakers.cooldown_until = 0
        saved = await load_control_state(self._store)
        restored = restore_control_state(core, saved, venue_kind=self.opts.venue_kind)
        if self.control is not None and "limits" in saved:  # why each limit is what it is
            self.control.limits_restored(saved["limits"] or {})
        assert self._breakers is not None
        self._breakers.sync()
        log.info(
            "rebuilt %d orders and %d fills from the store; restored %s",
            orders,
            fills,
            ", ".join(restored) or "nothing",
        )
        self._updates_task = asyncio.get_running_loop().create_task(
            self._execution.run_updates(self._on_report, live.on_feed, self._on_recovered),
            name="trade_updates",
        )
        try:
            # Listen before listing: an update between the two is then buffered, not lost.
            await asyncio.wait_for(self._updates_up.wait(), self.opts.submit_timeout_s * 2)
            await self._reconcile(startup=True)
            # From here the stream's reports apply directly (duplicates of what the
            # reconciliation booked are recognised and ignored).
            pending, self._buffered = self._buffered or [], None
            live.apply(pending)
            await self._cancel_leftovers()
            account = await self._execution.account()
        except Exception as exc:
            self._updates_task.cancel()
            raise StartupError(f"reconciliation with the venue failed: {exc!r}") from exc
        pf = core.portfolio
        pf.cash = account.cash  # the venue is the truth for cash
        pf.start_cash = pf.cash
        # Carried positions at the venue's price, not at cost: the day's starting equity
        # and the drawdown reference must not jump by their P&L at the first quote.
        self._reconciler.mark_from_venue()
        assert self.day is not None
        if self._breakers.restore_hwm(saved):
            await self._breakers.save()
        await self.day.restore(saved)
        if core.state is TradingState.HALTED:
            core.flatten()  # a halt (kill, breaker) flattens: finish what it started
        live.apply([])

    async def _cancel_leftovers(self) -> None:
        """Working orders from a previous run lost their intent: cancel them first."""
        core, live = self.core, self.live
        assert core is not None and live is not None
        if core.cancel_all():
            live.apply([])
            deadline = time.monotonic() + 10
            while core.orders.working() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)

    def _on_report(self, report: ExecutionReport) -> None:
        if self._buffered is not None:
            self._buffered.append(report)
        else:
            assert self.live is not None
            self.live.on_report(report)

    def _on_recovered(self, orders: list[Any]) -> None:
        if self.live is None or self.core is None or self._buffered is not None:
            return
        status = self.core.orders.status
        if any(status(o.client_order_id) is None for o in orders):
            # Some left the window (or are not ours): look them up in the store first.
            self._later(self._recovered_later(orders), "recovered_orders")
            return
        self._plan_recovered(orders)

    def _plan_recovered(self, orders: list[Any]) -> None:
        from engine.runtime import reconcile

        assert self.core is not None
        known = {o.client_order_id: o for o in self.core.orders.all_orders()}
        now = time.time_ns()
        for d in self._reconciler.apply(reconcile.plan(known, orders, now), now):
            self._publish(d)

    async def _recovered_later(self, orders: list[Any]) -> None:
        try:
            await self._reconciler.recall(o.client_order_id for o in orders)
        finally:
            self._plan_recovered(orders)

    def _late_report(self, report: ExecutionReport) -> None:
        """A report for an order not in memory: recall it from the store, then apply."""
        self._late.append(report)
        if len(self._late) == 1:
            self._later(self._late_reports(), "late_reports")

    async def _late_reports(self) -> None:
        assert self.live is not None
        while self._late:
            await asyncio.sleep(0)  # gather what arrives with it
            batch = list(self._late)
            try:
                await self._reconciler.recall(r.client_order_id for r in batch)
            finally:
                del self._late[: len(batch)]
                self.live.apply(batch)  # unknown still: announced as before (unknown_order)

    def _later(self, work: Any, name: str) -> None:
        """Run ``work`` as a named task kept until done; its failure is logged."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())

    async def _reconcile(self, startup: bool = False) -> None:
        try:
            await self._reconciler.run(startup=startup, horizon_ns=600 * 10**9)
        except Exception:
            self.last_reconcile_ok = False
            raise
        self.last_reconcile_ok = True
        self.last_reconcile_ts = time.time_ns()

    def _launch(self, tg: asyncio.TaskGroup) -> list[asyncio.Task[Any]]:
        assert self.core is not None and self.live is not None and self.control is not None
        opts = self.opts
        tasks = [
            self._updates_task,
            tg.create_task(self._data.run(list(self.core.symbols), self.live), name="market_data"),
            tg.create_task(self.live.run_timer(), name="core_timer"),
            tg.create_task(
                every(opts.reconcile_interval_s, self._reconcile, "reconcile"), name="reconcile"
            ),
            tg.create_task(every(opts.equity_snapshot_s, self._snapshot, "equity"), name="equity"),
            tg.create_task(every(opts.status_interval_s, self._status, "status"), name="status"),
            tg.create_task(every(self._day_check_s, self._roll_day, "day"), name="trading_day"),
        ]
        if self._http is not None:
            tasks.append(tg.create_task(self._serve_http(), name="http"))
        if opts.schedule is not None and (opts.schedule.sessions or opts.schedule.digest_time):
            tasks.append(tg.create_task(self._run_scheduler(), name="scheduler"))
        return tasks

    async def _start_plugins(self) -> None:
        """Start the enabled plugins (Telegram and metrics by default), each with its own
        context: its own settings and secrets only. A failure is logged."""
        if not self.opts.load_plugins:
            return
        from engine import __version__
        from engine.control.plugins import PluginContext, discover

        assert self.control is not None and self.live is not None
        enabled = self.opts.plugins_enabled
        info = {
            "version": __version__,
            "run_id": self.run_id,
            "venue": self.venue_name,
            "config_hash": self.opts.config_hash,
        }
        board: dict[str, Any] = {}  # numbers plugins publish for each other (no secrets)
        for name, load in discover(enabled):
            if name not in enabled:
                continue
            if isinstance(load, str):
                log.error("plugin %s left out: %s", name, load)
                continue
            ctx = PluginContext(
                self.control,
                self.bus,
                self._http.app if self._http is not None else None,
                self.opts.plugin_settings.get(name) or {},
                self.opts.plugin_secrets.get(name) or {},
                self._spawn_plugin_task,
                info,
                board,
            )
            try:
                plugin = load()()
                await asyncio.wait_for(plugin.start(ctx), 30)
            except Exception:
                log.exception("plugin %s failed to start: running without it", name)
                continue
            self._plugins.append(plugin)
            log.info("plugin %s started", plugin.name)

    def _spawn_plugin_task(self, coro: Any, name: str) -> None:
        """Plugins' own tasks: kept, failures logged, cancelled at close; not counted as
        venue calls (flatten, kill and shutdown never wait for them)."""
        task = asyncio.get_running_loop().create_task(coro, name=f"plugin {name}")
        self._plugin_tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._plugin_tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("plugin task %s failed", name, exc_info=t.exception())

        task.add_done_callback(done)

    async def _serve_http(self) -> None:
        assert self._http is not None
        self.http_port = await self._http.start()
        auth = "bearer token required" if self._http.requires_token else "no authentication"
        host, port = self.opts.http_host, self.http_port
        log.info("http on %s:%d (/healthz /readyz /status; %s)", host, port, auth)
        await asyncio.Event().wait()

    async def _run_scheduler(self) -> None:
        from engine.runtime.schedule import RuntimeSchedule

        schedule = RuntimeSchedule(self)
        schedule.start()
        try:
            await asyncio.Event().wait()
        finally:
            schedule.shutdown()

    async def _snapshot(self) -> None:
        assert self.core is not None
        pf = self.core.portfolio
        self._publish(EquitySnapshot(pf.snapshot(time.time_ns())))
        if self._breakers is not None:
            await self._breakers.save_hwm_if_moved()

    async def _roll_day(self) -> None:
        """Start the new trading day when it has begun (every configuration; see day.py)."""
        if self.day is not None and self.ready:
            await self.day.roll()

    async def _status(self) -> None:
        assert self.core is not None and self.live is not None
        now = time.monotonic()
        quotes = sum(self.core.market(s).quotes for s in self.core.symbols)
        self._recent_ticks.append((now, quotes))
        rate = 0.0
        if len(self._recent_ticks) == 2:
            (t0, q0), (t1, q1) = self._recent_ticks
            rate = (q1 - q0) / (t1 - t0) if t1 > t0 else 0.0
        logging.getLogger("scalpbot.status").info(status_line(self.core, self.live, rate))

    async def _save(self, key: str, value: Any, actor: str) -> None:
        await save_control_state(self._store, key, value, time.time_ns(), actor)

    async def _save_many(self, values: dict[str, Any], actor: str) -> None:
        await save_control_states(self._store, values, time.time_ns(), actor)

    def _publish(self, event: EngineEvent) -> None:
        self.bus.publish(event)

    def _count_feed(self, event: EngineEvent) -> None:
        if isinstance(event, FeedEvent):
            if event.state is FeedState.DISCONNECTED:
                self.reconnects += 1
            elif event.state is FeedState.CONNECTED and event.feed == "trade_updates":
                self._updates_up.set()

    # -- shutdown ------------------------------------------------------------------

    async def _shutdown(self) -> None:
        core, live = self.core, self.live
        if core is None or live is None or not self.ready:
            return
        self.ready = False
        opts = self.opts
        self._publish(Lifecycle(time.time_ns(), "stopping", self.run_id))
        if core.state is TradingState.ACTIVE:
            core.set_state(ALL, TradingState.PAUSED, "shutdown", "stopping")
        # Cancel first, then flatten: the other way round, the cancels would take the
        # closing orders just sent with them (flatten itself cancels, then closes).
        if opts.shutdown_cancel_orders and not opts.shutdown_flatten:
            core.hold_closes(None, True)  # no exit re-sent after its cancel: leave as is
        if opts.shutdown_cancel_orders or opts.shutdown_flatten:
            core.cancel_all()
        if opts.shutdown_flatten:
            core.flatten()
        live.apply([])
        deadline = time.monotonic() + opts.shutdown_timeout_s
        await live.wait_idle(opts.shutdown_timeout_s)

        def busy() -> bool:
            held = opts.shutdown_flatten and core.portfolio.open_positions()
            return bool(core.orders.working() or held)

        while busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self._report_open()
        self._publish(Lifecycle(time.time_ns(), "stopped", self.run_id))

    async def _report_open(self) -> None:
        try:
            orders = await self._execution.list_orders("open")
            positions = await self._execution.positions()
        except Exception as exc:
            log.warning(
                "could not ask the venue what is still open (%r): orders and positions "
                "may still be open at the venue",
                exc,
            )
            return
        if orders:
            log.warning(
                "still open at the venue: %s",
                ", ".join(f"{o.client_order_id} {o.symbol}" for o in orders),
            )
        units = self.core.instruments if self.core is not None else {}
        held = [amount(units.get(p.symbol), p.symbol, p.qty) for p in positions if p.qty]
        if held:
            log.warning("positions held at the venue: %s", ", ".join(held))
        if not orders and not held:
            log.info("nothing open at the venue")

    async def _close_resources(self) -> None:
        for plugin in reversed(self._plugins):
            try:
                await asyncio.wait_for(plugin.stop(), 10)
            except Exception:
                log.exception("plugin %s did not stop cleanly", plugin.name)
        self._plugins.clear()
        for task in list(self._plugin_tasks):
            task.cancel()
        if self._plugin_tasks:
            await asyncio.gather(*self._plugin_tasks, return_exceptions=True)
        updates = getattr(self, "_updates_task", None)
        if updates is not None and not updates.done():
            updates.cancel()
            with contextlib.suppress(BaseException):
                await updates
        if self._data is not None and hasattr(self._data, "close"):
            with contextlib.suppress(Exception):
                await self._data.close()
        if self._breakers is not None:  # a breaker change being stored: let it commit
            with contextlib.suppress(Exception):
                await self._breakers.close()
        for closer in (
            self._http.stop() if self._http else None,
            self._writer.close() if self._writer else None,
        ):
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer
        if self._store is not None:
            with contextlib.suppress(Exception):
                await finish_run(self._store, self.run_id, ended_ts=time.time_ns())
            await self._store.dispose()
        if self.live is not None:  # retrying cancels and look-ups end with the client
            self.live.stop_background()
        if self._execution is not None:
            with contextlib.suppress(Exception):
                await self._execution.close()
        if self._sim is not None:
            with contextlib.suppress(Exception):
                await self._sim.stop()


__all__ = ["Runtime", "StartupError", "new_run_id"]
