"""The running parts of one live run, wired once the venue's instruments are known.

:func:`assemble` builds the core, the live engine, the control API, the
reconciler, the breaker and day keepers and the market data feed; the
:class:`Session` it returns holds them all (none optional) and does what needs
more than one of them: the start-up recovery (rebuild from the store, restore
what people and breakers set, reconcile with the venue, and only then trade),
the periodic housekeeping, and the orderly shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import Protocol

from engine.bus import EventBus
from engine.config.schedule import ScheduleConfig
from engine.control import Control
from engine.control import RuntimeView
from engine.core.strategies import strategy_factory
from engine.core.trading_core import ALL
from engine.core.trading_core import TradingCore
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import TradingState
from engine.model.events import EngineEvent
from engine.model.events import EquitySnapshot
from engine.model.events import Lifecycle
from engine.model.instrument import amount
from engine.runtime.day import DayKeeper
from engine.runtime.latches import BreakerKeeper
from engine.runtime.live import LiveEngine
from engine.runtime.options import RuntimeOptions
from engine.runtime.recovery import Reconciler
from engine.runtime.recovery import rebuild_from_store
from engine.runtime.recovery import restore_control_state
from engine.runtime.reports import ReportRouter
from engine.runtime.schedule import RuntimeSchedule
from engine.runtime.storage import RunStore
from engine.runtime.tasks import every
from engine.runtime.tasks import status_line
from engine.venues.base import Execution
from engine.venues.base import MarketData
from engine.venues.base import Venue

log = logging.getLogger("scalpbot.runtime")

RECONCILE_HORIZON_NS = 600 * 10**9
LEFTOVER_CANCEL_S = 10.0
POLL_S = 0.05


class StartupError(RuntimeError):
    """The runtime refused to start (e.g. reconciliation with the venue failed)."""


class Health(Protocol):
    """What the session keeps up to date for the control API (the runtime holds it)."""

    ready: bool
    last_reconcile_ts: int
    last_reconcile_ok: bool


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every part of one run shares: its options, id, bus, store and wall clock."""

    opts: RuntimeOptions
    run_id: str
    bus: EventBus
    store: RunStore
    wall_clock: Callable[[], int]


class Session:
    """Every part of a started run; built by :func:`assemble`."""

    def __init__(
        self,
        ctx: RunContext,
        venue: Venue,
        health: Health,
        core: TradingCore,
        control: Callable[[LiveEngine], Control],
    ) -> None:
        opts, run_id, bus, store = ctx.opts, ctx.run_id, ctx.bus, ctx.store
        self.opts, self.run_id, self.bus, self.store = opts, run_id, bus, store
        self.health = health
        self.core = core
        self.execution: Execution = venue.execution
        self.live = LiveEngine(core, self.execution, bus, gate=opts.gate)
        self.control = control(self.live)
        self.reconciler = Reconciler(
            core, self.live, self.execution, bus, time.time_ns, store.reader
        )
        # MEMORY: reports for orders that left the order manager's window are looked up
        # in the store first (off the hot path), so a late duplicate is never booked twice.
        self.reports = ReportRouter(core, self.live, self.reconciler, bus.publish)
        # A breaker trip is stored before the orders it causes go out (see latches.py).
        self.breakers = BreakerKeeper(core, self.live, store.save_many)
        self.live.latch_guard = self.breakers.guard
        self.schedule = opts.schedule if opts.schedule is not None else ScheduleConfig()
        self.day = DayKeeper(core, self.schedule, store.save, ctx.wall_clock)
        by_symbol = {i.symbol: i for i in core.instruments.values()}
        self.data: MarketData = venue.market_data(by_symbol, random.Random(run_id))
        self.updates: asyncio.Task[None] | None = None  # the order stream, from recover()
        self._recent_ticks: deque[tuple[float, int]] = deque(maxlen=2)

    # -- start-up ------------------------------------------------------------------

    async def recover(self, updates_up: asyncio.Event) -> None:
        """Rebuild from the store, restore what was set, reconcile with the venue."""
        core = self.core
        self.bus.publish(Lifecycle(time.time_ns(), "reconciling", self.run_id))
        orders, fills = await rebuild_from_store(core, self.store.reader)
        # What the replay tripped does not count: what was stored (and not reset) does.
        core.breakers.latched.clear()
        core.breakers.loss_streak = 0
        core.breakers.cooldown_until = 0
        saved = await self.store.control_state()
        restored = restore_control_state(core, saved, venue_kind=self.opts.venue.kind)
        if "limits" in saved:  # why each limit is what it is
            self.control.limits_restored(saved["limits"] or {})
        self.breakers.sync()
        log.info(
            "rebuilt %d orders and %d fills from the store; restored %s",
            orders,
            fills,
            ", ".join(restored) or "nothing",
        )
        await self._reconcile_at_start(updates_up)
        await self._value_account(saved)

    async def _reconcile_at_start(self, updates_up: asyncio.Event) -> None:
        reports = self.reports
        self.updates = asyncio.get_running_loop().create_task(
            self.execution.run_updates(reports.on_report, self.live.on_feed, reports.on_recovered),
            name="trade_updates",
        )
        try:
            # Listen before listing: an update between the two is then buffered, not lost.
            await asyncio.wait_for(updates_up.wait(), self.opts.venue.timeout_s * 2)
            await self.reconcile(startup=True)
            reports.release()
            await self._cancel_leftovers()
        except Exception as exc:
            self.updates.cancel()
            raise StartupError(f"reconciliation with the venue failed: {exc!r}") from exc

    async def _value_account(self, saved: dict[str, Any]) -> None:
        try:
            account = await self.execution.account()
        except Exception as exc:
            if self.updates is not None:
                self.updates.cancel()
            raise StartupError(f"reconciliation with the venue failed: {exc!r}") from exc
        core = self.core
        pf = core.portfolio
        pf.cash = account.cash  # the venue is the truth for cash
        pf.start_cash = pf.cash
        # Carried positions at the venue's price, not at cost: the day's starting equity
        # and the drawdown reference must not jump by their P&L at the first quote.
        self.reconciler.mark_from_venue()
        if self.breakers.restore_hwm(saved):
            await self.breakers.save()
        await self.day.restore(saved)
        if core.state is TradingState.HALTED:
            core.flatten()  # a halt (kill, breaker) flattens: finish what it started
        self.live.apply([])

    async def _cancel_leftovers(self) -> None:
        """Working orders from a previous run lost their intent: cancel them first."""
        core = self.core
        if core.cancel_all():
            self.live.apply([])
            deadline = time.monotonic() + LEFTOVER_CANCEL_S
            while core.orders.working() and time.monotonic() < deadline:
                await asyncio.sleep(POLL_S)

    # -- housekeeping (also the schedule's Housekeeping) -----------------------------

    async def reconcile(self, startup: bool = False) -> None:
        health = self.health
        try:
            await self.reconciler.run(startup=startup, horizon_ns=RECONCILE_HORIZON_NS)
        except Exception:
            health.last_reconcile_ok = False
            raise
        health.last_reconcile_ok = True
        health.last_reconcile_ts = time.time_ns()

    def publish(self, event: EngineEvent) -> None:
        self.bus.publish(event)

    async def equity_snapshot(self) -> None:
        pf = self.core.portfolio
        self.bus.publish(EquitySnapshot(pf.snapshot(time.time_ns())))
        await self.breakers.save_hwm_if_moved()

    async def roll_day(self) -> None:
        """Start the new trading day when it has begun (every configuration; see day.py)."""
        if self.health.ready:
            await self.day.roll()

    async def status(self) -> None:
        core = self.core
        now = time.monotonic()
        quotes = sum(core.market(s).quotes for s in core.symbols)
        self._recent_ticks.append((now, quotes))
        rate = 0.0
        if len(self._recent_ticks) == 2:
            (t0, q0), (t1, q1) = self._recent_ticks
            rate = (q1 - q0) / (t1 - t0) if t1 > t0 else 0.0
        logging.getLogger("scalpbot.status").info(status_line(core, self.live, rate))

    def launch(self, tg: asyncio.TaskGroup, day_check_s: float) -> list[asyncio.Task[Any]]:
        """The run's tasks, in this order; the caller adds the HTTP server's, then
        :meth:`launch_schedule`'s."""
        timing, core = self.opts.timing, self.core
        tasks: list[asyncio.Task[Any]] = [] if self.updates is None else [self.updates]
        tasks += [
            tg.create_task(self.data.run(list(core.symbols), self.live), name="market_data"),
            tg.create_task(self.live.run_timer(), name="core_timer"),
            tg.create_task(
                every(timing.reconcile_interval_s, self.reconcile, "reconcile"), name="reconcile"
            ),
            tg.create_task(
                every(timing.equity_snapshot_s, self.equity_snapshot, "equity"), name="equity"
            ),
            tg.create_task(every(timing.status_interval_s, self.status, "status"), name="status"),
            tg.create_task(every(day_check_s, self.roll_day, "day"), name="trading_day"),
        ]
        return tasks

    def launch_schedule(self, tg: asyncio.TaskGroup) -> list[asyncio.Task[None]]:
        """APScheduler runs only for sessions or a digest."""
        schedule = self.opts.schedule
        if schedule is None or not (schedule.sessions or schedule.digest_time):
            return []
        return [tg.create_task(self._run_schedule(schedule), name="scheduler")]

    async def _run_schedule(self, config: ScheduleConfig) -> None:
        schedule = RuntimeSchedule(config, self.core, self.live, self.day, self)
        schedule.start()
        try:
            await asyncio.Event().wait()
        finally:
            schedule.shutdown()

    # -- shutdown ------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Stop entries, cancel (and flatten if configured), wait, say what is open."""
        if not self.health.ready:
            return
        self.health.ready = False
        core, live, plan = self.core, self.live, self.opts.shutdown
        self.bus.publish(Lifecycle(time.time_ns(), "stopping", self.run_id))
        if core.state is TradingState.ACTIVE:
            core.set_state(ALL, TradingState.PAUSED, "shutdown", "stopping")
        # Cancel first, then flatten: the other way round, the cancels would take the
        # closing orders just sent with them (flatten itself cancels, then closes).
        if plan.cancel_orders and not plan.flatten:
            core.hold_closes(None, True)  # no exit re-sent after its cancel: leave as is
        if plan.cancel_orders or plan.flatten:
            core.cancel_all()
        if plan.flatten:
            core.flatten()
        live.apply([])
        deadline = time.monotonic() + plan.timeout_s
        await live.wait_idle(plan.timeout_s)

        def busy() -> bool:
            held = plan.flatten and core.portfolio.open_positions()
            return bool(core.orders.working() or held)

        while busy() and time.monotonic() < deadline:
            await asyncio.sleep(POLL_S)
        await self._report_open()
        self.bus.publish(Lifecycle(time.time_ns(), "stopped", self.run_id))

    async def _report_open(self) -> None:
        try:
            orders = await self.execution.list_orders("open")
            positions = await self.execution.positions()
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
        units = self.core.instruments
        held = [amount(units.get(p.symbol), p.symbol, p.qty) for p in positions if p.qty]
        if held:
            log.warning("positions held at the venue: %s", ", ".join(held))
        if not orders and not held:
            log.info("nothing open at the venue")

    async def close(self) -> None:
        """Release what the session started (after the plugins and the HTTP server,
        before the venue's client): the order stream, a breaker change being stored
        (let it commit), the live engine's retrying cancels and look-ups."""
        updates = self.updates
        if updates is not None and not updates.done():
            updates.cancel()
            with contextlib.suppress(BaseException):
                await updates
        with contextlib.suppress(Exception):
            await self.breakers.close()
        self.live.stop_background()


def assemble(
    ctx: RunContext, venue: Venue, runtime: RuntimeView, instruments: list[Instrument]
) -> Session:
    """Build the run's parts for ``instruments``; :class:`StartupError` when the
    configured limits or sizes cannot be honoured for them (one-line reason)."""
    opts, run_id, bus, store = ctx.opts, ctx.run_id, ctx.bus, ctx.store
    trading = opts.trading
    cls = strategy_factory(trading.strategy)
    params = trading.strategy_params if trading.strategy_params is not None else cls.Params()
    try:
        core = TradingCore(
            instruments, cls, params, trading.order, trading.risk, IdFactory("sb", run_id), 0
        )
    except ValueError as exc:
        raise StartupError(str(exc)) from None

    def control(live: LiveEngine) -> Control:
        return Control(
            core,
            live,
            venue.execution,
            bus,
            runtime,
            store.save,
            resize_bounds=(trading.resize_min, trading.resize_max),
            base_limits=trading.risk,  # CONTROL: the bounds of /setlimit
            venue_kind=opts.venue.kind,
        )

    return Session(ctx, venue, runtime, core, control)


__all__ = ["Health", "RunContext", "Session", "StartupError", "assemble"]
