"""The live engine: market data in, orders out, reports back, around one core.

Everything here runs on the event loop. The hot path (``on_quote``) is the
sanity gate, the core, and, only when the core produced something, writing each
order request to the venue (``Execution.begin_submit``, synchronously), then
spawning the tasks that await the outcomes and the cancels, then publishing the
events.

Why one module of just over 500 lines: the hot path, the outbox it drains and the
tasks that settle what it sent (submit outcome, look-up by client order id,
cancels with retries) share the per-order state; split apart, ``on_quote`` would
be read across modules, and its latency is what ``bench/tick_to_trade.py`` guards.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any

import msgspec

from engine.bus import EventBus
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Order
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model.commands import SubmitOrder
from engine.model.commands import VenueCommand
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.histogram import Histogram
from engine.runtime import reconcile
from engine.runtime.sanity import GateConfig
from engine.runtime.sanity import SanityGate
from engine.venues.base import Execution
from engine.venues.base import SubmitOutcome
from engine.venues.base import SubmitResult

log = logging.getLogger("scalpbot.live")

RESOLVE_DELAYS_S = (0.25, 0.5, 1.0, 2.0, 4.0)
CANCEL_DELAYS_S = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Pauses between the attempts of one cancel; after the last, CANCEL_MAX_DELAY_S each.
No jitter: one client with a handful of orders (the adapter's rate-limit gate spaces
calls after a 429)."""
CANCEL_MAX_DELAY_S = 5.0
WATCH_INTERVAL_S = 5.0
"""How often an order called ``not_at_venue`` by inference is looked up again, while
the core holds back a new order of its kind (``core.provisional_hold_ns``)."""
TIMER_INTERVAL_S = 0.1
"""How often the runtime drives the core's clock (entry timeouts, exit retries)."""


def unsettled(order: Order | None) -> bool:
    """Still not known to have reached the venue (a cancel asked meanwhile counts);
    False for an order the core no longer holds. What ``LiveEngine.resolve`` waits on."""
    if order is None:
        return False
    if order.status in (OrderStatus.NEW, OrderStatus.UNKNOWN):
        return True
    return order.status is OrderStatus.CANCEL_PENDING and order.venue_order_id is None


class LiveEngine:
    """Implements the venue port's MarketSink; owns order dispatch and resolution."""

    def __init__(  # noqa: PLR0913 (keyword-only tunables)
        self,
        core: TradingCore,
        execution: Execution,
        bus: EventBus,
        *,
        clock: Callable[[], int] = time.time_ns,
        cancel_delays: tuple[float, ...] = CANCEL_DELAYS_S,
        watch_interval_s: float = WATCH_INTERVAL_S,
        resolve_delays: tuple[float, ...] = RESOLVE_DELAYS_S,
        gate: GateConfig | None = None,
    ) -> None:
        self.core = core
        self.execution = execution
        self.bus = bus
        self.clock = clock
        # Where a report for an order the core does not hold goes (the runtime looks
        # it up in the store first); None: to the core, which announces it unknown.
        self.on_unknown: Callable[[ExecutionReport], None] | None = None
        self.gate = SanityGate(
            core.symbols, gate, clock=clock, emit=self._on_gate, on_hold=self._sync_stale
        )
        self._feed_stale: set[Symbol] = set()  # stale as the market-data adapter says
        self.decode_errors: Counter[str] = Counter()
        self.resolve_delays = resolve_delays
        self._tasks: set[asyncio.Task[None]] = set()
        self.submitted = 0
        self.ambiguous = 0
        self.feed_connected = False
        # Each symbol's last accepted quote (never after the local clock: ages are >= 0).
        self.last_tick_ns: dict[Symbol, int] = self.gate.last_quote_ns
        self.tick_to_submit_ns: list[int] = []  # bounded sample for benches
        self.tick_to_trade = Histogram()  # on_quote entry -> submit call
        self.submit_to_ack = Histogram()  # submit call -> the venue acknowledged
        self.ack_to_fill = Histogram()  # acknowledgement -> first fill
        self._inflight: dict[ClientOrderId, list[int]] = {}  # cid -> [sent, acked]
        self._tick_t0 = 0
        self.cancel_delays = cancel_delays
        self.watch_interval_s = watch_interval_s
        self._watches: dict[ClientOrderId, asyncio.Task[None]] = {}  # one per order
        self._cancels: dict[ClientOrderId, asyncio.Task[None]] = {}  # one per order
        self._anchor = (0, 0)  # (the core's time, time.perf_counter_ns() when seen)
        # RECOVERY hook (issue 9 item 4; notes/RECOVERY.md): see _drain and release_outbox.
        self.latch_guard: Callable[[list[EngineEvent]], bool] | None = None
        self._held: list[VenueCommand] | None = None
        self.timer_errors = 0

    # -- market data (hot path) -------------------------------------------------------

    def on_quote(
        self, symbol: Symbol, ts: int, bid: int, bid_size: int, ask: int, ask_size: int
    ) -> bool:
        """A quote from the adapter; False when the sanity gate dropped it (then the
        core never sees it: no strategy, mark, high-water mark or breaker)."""
        ts = self.gate.quote(symbol, ts, bid, bid_size, ask, ask_size)
        if not ts:
            return False
        core = self.core
        self._tick_t0 = time.perf_counter_ns()
        core.on_quote(symbol, ts, bid, bid_size, ask, ask_size)
        if core.outbox or core.events:
            self._drain()
        return True

    def on_trade(self, symbol: Symbol, ts: int, price: int, size: int, aggressor: Side) -> bool:
        ts = self.gate.trade(symbol, ts, price, size)
        if not ts:
            return False
        core = self.core
        self._tick_t0 = time.perf_counter_ns()
        core.on_trade(symbol, ts, price, size, aggressor)
        if core.outbox or core.events:
            self._drain()
        return True

    def on_feed(self, event: FeedEvent) -> None:
        if event.feed == "market_data":
            state = event.state
            if state is FeedState.CONNECTED:
                self.feed_connected = True
            elif state is FeedState.DISCONNECTED:
                self.feed_connected = False
                self._feed_stale.update(self.core.symbols)
                self.core.set_stale(None, True)
            elif state is FeedState.STALE and event.symbol:
                self._feed_stale.add(Symbol(event.symbol))
                self._sync_stale(Symbol(event.symbol))
            elif state is FeedState.FRESH and event.symbol:
                self._feed_stale.discard(Symbol(event.symbol))
                self._sync_stale(Symbol(event.symbol))
        self.bus.publish(event)

    def _on_gate(self, event: FeedEvent) -> None:
        """The sanity gate's alerts, holds and releases (rate-limited, never per tick).
        The core's stale flag follows the gate's holds through ``on_hold``, not these."""
        self.bus.publish(event)

    def _sync_stale(self, symbol: Symbol) -> None:
        """Stale for the core while the adapter says so or the price band holds it."""
        if symbol in self.core.instruments:
            stale = symbol in self._feed_stale or self.gate.held(symbol)
            self.core.set_stale(symbol, stale)

    def on_decode_error(self, reason: str) -> None:
        self.decode_errors[reason] += 1

    # -- reports --------------------------------------------------------------------

    def on_report(self, report: ExecutionReport) -> None:
        """An execution report from the venue's order-update stream.

        Like a tick's, its time never runs ahead of the local clock: one update
        stamped in the future (a venue clock gone wrong, a corrupt field) must not
        push the core's clock, and with it every timeout, ahead."""
        now = self.clock()
        if report.ts > now:
            report = msgspec.structs.replace(report, ts=now)
        if self.on_unknown is not None and self.core.orders.status(report.client_order_id) is None:
            self.on_unknown(report)  # MEMORY: an order out of the window: the store knows
            return
        stamps = self._inflight.get(report.client_order_id)
        if stamps is not None:
            self._observe(report.client_order_id, stamps, report.kind)
        self.core.on_report(report)
        self._drain()

    def _observe(self, cid: ClientOrderId, stamps: list[int], kind: ReportKind) -> None:
        now = time.perf_counter_ns()
        if not stamps[1] and kind in (ReportKind.ACCEPTED, ReportKind.FILL):
            stamps[1] = now
            self.submit_to_ack.observe((now - stamps[0]) / 1e9)
        if kind is ReportKind.FILL:
            self.ack_to_fill.observe((now - stamps[1]) / 1e9)
            del self._inflight[cid]
        elif kind in (ReportKind.REJECTED, ReportKind.CANCELLED, ReportKind.EXPIRED):
            del self._inflight[cid]

    def apply(self, reports: list[ExecutionReport]) -> None:
        for report in reports:
            self.core.on_report(report)
        self._drain()

    # -- the core's clock ----------------------------------------------------------------

    async def run_timer(self, interval_s: float = TIMER_INTERVAL_S) -> None:
        """Drive the core's timers (entry timeouts, exit retries) every ``interval_s``,
        with or without market data, until cancelled; then stop the background work
        too (:meth:`stop_background`; the runtime cancels this task at shutdown)."""
        try:
            while True:
                await asyncio.sleep(interval_s)
                self.on_timer()
        finally:
            self.stop_background()

    def on_timer(self) -> None:
        """One timer step (see :meth:`core_time` for the clock it gives the core)."""
        core = self.core
        if not core.now:
            return  # nothing has happened yet: nothing can be due
        try:
            core.on_timer(self.core_time())
        except Exception:
            self.timer_errors += 1
            if self.timer_errors & (self.timer_errors - 1) == 0:  # 1st, 2nd, 4th, ...
                log.exception("core timer failed (%d times)", self.timer_errors)
        if core.outbox or core.events:
            self._drain()

    def core_time(self) -> int:
        """The core's clock now. The core keeps venue time (quote and report stamps);
        this carries it forward by the local monotonic time elapsed since it was last
        seen ahead of that estimate, so it never runs ahead of the venue, never goes
        back, and a wall clock skewed against the venue's cannot fire a timeout early
        (nor an hour late). Up to one timer step late when no quote comes (with quotes,
        ``on_quote`` fires timers on time). Reports made here carry it too, so no
        second clock reaches the core. The wall clock only before the core has a time."""
        known = self.core.now
        if not known:
            return self.clock()
        mono = time.perf_counter_ns()
        seen, at = self._anchor
        now = seen + (mono - at)
        if known >= now:  # a quote or a report moved the core ahead of the estimate
            self._anchor = (known, mono)
            return known
        return now

    # -- dispatch ---------------------------------------------------------------------

    def _drain(self) -> None:
        core = self.core
        # -- RECOVERY hook (issue 9 item 4; notes/RECOVERY.md): a tripped breaker is
        # stored before the orders it causes go out. ``latch_guard`` returns True when
        # it started that save; commands then wait in ``_held`` until release_outbox().
        guard = self.latch_guard
        if core.events and guard is not None and guard(core.events) and self._held is None:
            self._held = []
        if core.outbox and self._held is not None:
            self._held.extend(core.outbox)
            core.outbox.clear()
        # -- end of the RECOVERY hook
        if core.outbox:
            commands = list(core.outbox)
            core.outbox.clear()
            for cmd in commands:
                if isinstance(cmd, SubmitOrder):
                    self._send(cmd.order)
                else:
                    self.request_cancel(cmd.client_order_id)
        if core.events:
            events = list(core.events)
            core.events.clear()
            for event in events:
                self.bus.publish(event)

    def release_outbox(self) -> None:
        """RECOVERY hook: send, in order, what waited while a breaker trip was stored."""
        held, self._held = self._held, None
        if held:
            self.core.outbox[:0] = held
            self._drain()

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``coro`` as a named task that is kept, and whose failure is logged."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s failed", task.get_name(), exc_info=task.exception())

    @property
    def pending_tasks(self) -> int:
        """Submits in progress and their resolution (not the retrying cancels)."""
        return len(self._tasks)

    @property
    def cancels_pending(self) -> int:
        """Cancels still being tried (see :meth:`request_cancel`)."""
        return len(self._cancels)

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no submit or its resolution is in progress (True) or ``timeout``
        passes. Retrying cancels are not waited for (one may go on for as long as the
        venue does not answer): callers wait for the orders to end instead."""
        deadline = time.monotonic() + timeout
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=remaining)
        return True

    def _send(self, order: Order) -> None:
        """Hand the order to the venue now (the request is written before this
        returns on a warm connection), then wait for its outcome in a task."""
        cid = order.client_order_id
        self.submitted += 1
        try:
            pending: Awaitable[SubmitResult] | None = self.execution.begin_submit(order)
        except Exception as exc:  # any surprise is ambiguous, never a silent failure
            log.warning("submit %s raised %s: treating as ambiguous", cid, type(exc).__name__)
            pending = None
        sent = time.perf_counter_ns()
        t0 = self._tick_t0
        if t0:
            self.tick_to_trade.observe((sent - t0) / 1e9)
            if len(self.tick_to_submit_ns) < 100_000:
                self.tick_to_submit_ns.append(sent - t0)
        if len(self._inflight) < 10_000:
            self._inflight[cid] = [sent, 0]
        self.spawn(self._submit(order, pending), f"submit {cid}")

    async def _submit(self, order: Order, pending: Awaitable[SubmitResult] | None) -> None:
        cid = order.client_order_id
        outcome, reason, venue_id = SubmitOutcome.AMBIGUOUS, "begin_submit_raised", None
        if pending is not None:
            try:
                result = await pending
                outcome, reason = result.outcome, result.reason
                venue_id = result.venue_order_id
            except Exception as exc:  # any surprise is ambiguous, never a silent failure
                log.warning("submit %s raised %s: treating as ambiguous", cid, type(exc).__name__)
                reason = type(exc).__name__
        now = self.core_time()
        status = self.core.orders.status(cid)
        stamps = self._inflight.get(cid)
        if stamps is not None and outcome is SubmitOutcome.ACCEPTED:
            self._observe(cid, stamps, ReportKind.ACCEPTED)
        elif stamps is not None:
            del self._inflight[cid]
        if outcome is SubmitOutcome.ACCEPTED:
            # Also under a cancel asked meanwhile: the core learns the venue's order id.
            if status in (OrderStatus.NEW, OrderStatus.CANCEL_PENDING):
                self.apply(
                    [ExecutionReport(cid, ReportKind.ACCEPTED, now, venue_order_id=venue_id)]
                )
        elif outcome is SubmitOutcome.REJECTED:
            self.apply([ExecutionReport(cid, ReportKind.REJECTED, now, reason=reason)])
        else:
            self.ambiguous += 1
            self.apply([ExecutionReport(cid, ReportKind.SUBMIT_AMBIGUOUS, now, reason=reason)])
            await self.resolve(cid)

    def _unsettled(self, cid: ClientOrderId) -> bool:
        return unsettled(self.core.orders.get(cid))

    async def resolve(self, cid: ClientOrderId) -> None:
        """Settle an ambiguous order: wait for the stream, query by client order id,
        and only when the venue never heard of it, call it rejected."""
        unknown_there = False
        for delay in self.resolve_delays:
            await asyncio.sleep(delay)
            if not self._unsettled(cid):
                return  # the stream settled it
            try:
                venue_order = await self.execution.query_order(cid)
            except Exception as exc:
                log.warning("query %s failed (%s); will retry", cid, type(exc).__name__)
                continue
            unknown_there = venue_order is None
            if venue_order is not None:
                order = self.core.orders.get(cid)
                if order is None:
                    return
                plan = reconcile.plan({cid: order}, [venue_order], self.core_time())
                self.apply(plan.reports)
                return
        if self._unsettled(cid) and unknown_there:
            self.apply(
                [ExecutionReport(cid, ReportKind.REJECTED, self.core_time(), reason="not_at_venue")]
            )
            if self.core.orders.is_provisional(cid):
                self._background(self._watches, cid, self._watch(cid), f"watch {cid}")
        # If the venue could not answer at all, the order stays UNKNOWN: the periodic
        # reconciliation asks again; calling it rejected could book a real fill twice.

    async def _watch(self, cid: ClientOrderId) -> None:
        """Look up an order called ``not_at_venue`` (provisional) again every
        ``watch_interval_s`` while the core holds back a new order of its kind: what the
        venue shows of it (a fill, the order working) revives it, booked once."""
        core = self.core
        orders = core.orders
        while orders.is_provisional(cid):
            order = orders.get(cid)
            if order is None or self.core_time() >= order.created_ts + core.provisional_hold_ns:
                return  # from here the periodic reconciliation's listings take over
            await asyncio.sleep(self.watch_interval_s)
            if not orders.is_provisional(cid):
                return  # the stream or the reconciliation brought news
            try:
                venue_order = await self.execution.query_order(cid)
            except Exception as exc:
                log.warning("query %s failed (%s); will retry", cid, type(exc).__name__)
                continue
            order = orders.get(cid)
            if venue_order is not None and order is not None:
                self.apply(reconcile.plan({cid: order}, [venue_order], self.core_time()).reports)

    # -- cancels ----------------------------------------------------------------------

    def request_cancel(self, cid: ClientOrderId) -> None:
        """Make sure the venue cancels ``cid``: one task per order (a call while it runs
        does nothing) that tries until the bot's order is final, as the venue confirms
        it on the stream, in the DELETE's answer or to a query. The core's order is
        CANCEL_PENDING meanwhile (marked so here if the call did not come from the core)."""
        running = self._cancels.get(cid)
        if running is not None and not running.done():
            return  # (a task that has just ended is replaced: its order may be revived)
        status = self.core.orders.status(cid)
        if status is None or status.is_terminal:
            return
        self._background(self._cancels, cid, self._cancel(cid), f"cancel {cid}")
        if status is not OrderStatus.CANCEL_PENDING:
            self.apply([ExecutionReport(cid, ReportKind.CANCEL_REQUESTED, self.core_time())])

    def _background(
        self,
        into: dict[ClientOrderId, asyncio.Task[None]],
        cid: ClientOrderId,
        coro: Coroutine[Any, Any, None],
        name: str,
    ) -> None:
        """A task kept in ``into`` under ``cid`` (not waited for by :meth:`wait_idle`)."""

        def done(task: asyncio.Task[None]) -> None:
            if into.get(cid) is task:
                del into[cid]
            self._done(task)

        task = asyncio.get_running_loop().create_task(coro, name=name)
        into[cid] = task
        task.add_done_callback(done)

    def stop_background(self) -> int:
        """Stop the cancels still being tried and the look-ups of provisional orders
        (at shutdown); returns how many tasks were stopped."""
        tasks = [*self._cancels.values(), *self._watches.values()]
        for task in tasks:
            task.cancel()
        return len(tasks)

    def _cancelling(self, cid: ClientOrderId) -> bool:
        status = self.core.orders.status(cid)
        return status is not None and not status.is_terminal

    async def _cancel(self, cid: ClientOrderId) -> None:
        """DELETE until the order is final here. A DELETE refused or unanswered: ask the
        venue at once (the order may be filled or cancelled already; its truth is
        applied). A DELETE taken: the stream normally confirms during the pause; if it
        did not, ask the venue; an order still working there is cancelled again."""
        attempt = 0
        while self._cancelling(cid):
            delays = self.cancel_delays
            pause = delays[attempt] if attempt < len(delays) else CANCEL_MAX_DELAY_S
            attempt += 1
            taken = await self._delete(cid, attempt)
            if taken and self._cancelling(cid):
                await asyncio.sleep(pause)
            if self._cancelling(cid):
                await self._ask_venue(cid)
            if not taken and self._cancelling(cid):
                await asyncio.sleep(pause)

    async def _delete(self, cid: ClientOrderId, attempt: int) -> bool:
        try:
            return await self.execution.cancel(cid)
        except Exception as exc:
            log.warning("cancel %s failed (%s), attempt %d", cid, type(exc).__name__, attempt)
            return False

    async def _ask_venue(self, cid: ClientOrderId) -> None:
        """Apply what the venue says of ``cid``: fills the bot missed, a final state."""
        try:
            venue_order = await self.execution.query_order(cid)
        except Exception as exc:
            log.warning("query %s failed (%s); will retry", cid, type(exc).__name__)
            return
        order = self.core.orders.get(cid)
        if venue_order is not None and order is not None:
            self.apply(reconcile.plan({cid: order}, [venue_order], self.core_time()).reports)
