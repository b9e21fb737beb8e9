"""A world for the invariant tests: one TradingCore, the shell around it, a faulty venue.

The venue's truth is the project's :class:`PaperVenue` (every order, fill and
resting order), matched against the venue's own market view. Between it and the
core sits a model of the live shell (engine/runtime/live.py, recovery.py, app.py)
that delivers reports the way the real shell does, with faults the paper venue
cannot express:

* submits: rejected by the venue, or ambiguous (SUBMIT_AMBIGUOUS) and then
  resolved like ``LiveEngine.resolve``: queries at 0.25, 0.5, 1, 2, 4 s; the venue's
  answer goes through ``reconcile.plan``; "never heard of it" becomes REJECTED
  ``not_at_venue``. An ambiguous order may have reached the venue, or be held in
  the network and reach it later (after the bot inferred ``not_at_venue``), or never;
* cancels: refused (the shell then queries and applies the venue's truth) or
  unanswered; ``LiveEngine.request_cancel``/``_cancel``: one task per order, DELETE,
  pause (0.25 .. 4 s, then 5 s), query, again, until the bot's order is terminal; the
  reconciler asks again for CANCEL_PENDING orders the venue still works; an order
  called ``not_at_venue`` is looked up every 5 s during the core's hold (``_watch``);
* the order-update stream: stalled, delivered out of order, duplicated, or a
  report lost (recovered by reconciliation: ``reconcile.plan`` over the venue's
  orders, as on a stream reconnection or the periodic run);
* restarts: a NEW core rebuilt by ``rebuild_from_store`` from what the store holds
  (the OrderSubmitted / OrderUpdated / FillApplied events the core emitted, with an
  optional lost tail of an unwritten batch; each order row keeps its last report's
  reason, ``status_reason``, as engine/store/persist.py does), ``restore_control_state``
  from what the runtime persisted, then ``Runtime._recover``'s start-up: reconciliation
  (adjustments priced by the real ``Reconciler._adjustment_price``, orders' fees from the
  venue), leftovers cancelled, cash from the venue, carried positions marked at the
  venue's price, the drawdown reference (``BreakerKeeper.restore_hwm``) and the stored
  trading day (``DayKeeper.restore``) restored, a halt's flatten finished.

The shell's timer calls ``core.on_timer`` every 100 ms (the LIVE contract).
Nothing here changes engine code; the world only calls what the shell calls.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from typing import ClassVar
from typing import TypeVar

import msgspec

from engine.core.market_state import MarketState
from engine.core.orders import OrderManager
from engine.core.risk import DAILY_LOSS
from engine.core.risk import DRAWDOWN
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import ALL
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import TradingState
from engine.model import VenueOrderId
from engine.model.commands import SubmitOrder
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.paper import PaperConfig
from engine.paper import PaperVenue
from engine.runtime import reconcile
from engine.runtime.live import CANCEL_DELAYS_S
from engine.runtime.live import CANCEL_MAX_DELAY_S
from engine.runtime.live import WATCH_INTERVAL_S
from engine.runtime.live import unsettled
from engine.runtime.recovery import Reconciler
from engine.runtime.recovery import rebuild_from_store
from engine.runtime.recovery import restore_control_state
from engine.store.queries import FillHistory
from engine.store.queries import FillRecord
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition
from tests.kit import builders as kit

try:  # the one validation path for limits changed at run time (engine/config/limits.py)
    from engine.config.limits import override as _override_limit
    from engine.config.limits import overrides as _limit_overrides
except ImportError:  # pragma: no cover - an older tree
    _override_limit = None  # type: ignore[assignment]
    _limit_overrides = None  # type: ignore[assignment]
try:  # what the runtime stores when a breaker trips or is reset (engine/runtime/latches.py)
    from engine.runtime.latches import BreakerKeeper as _BreakerKeeper
except ImportError:  # pragma: no cover - a runtime that stores breakers on reset only
    _BreakerKeeper = None  # type: ignore[assignment,misc]

AAA = Symbol("AAA")
BBB = Symbol("BBB")
INSTRUMENTS = (
    Instrument(symbol=AAA, price_increment=Decimal("0.01"), size_increment=Decimal(1)),
    # a finer lot: 1 unit = 10 lots, so a sub-lot max_order_qty is possible (item 15)
    Instrument(symbol=BBB, price_increment=Decimal("0.01"), size_increment=Decimal("0.1")),
)
BY_SYMBOL = {i.symbol: i for i in INSTRUMENTS}
MS = 1_000_000
SEC = 1_000_000_000
TIMER_NS = 100 * MS  # the runtime's core timer period
START_CASH = 1_000_000 * 10**9
RESOLVE_DELAYS_NS = tuple(int(d * SEC) for d in (0.25, 0.5, 1.0, 2.0, 4.0))
CANCEL_DELAYS_NS = tuple(int(d * SEC) for d in CANCEL_DELAYS_S)  # LiveEngine._cancel's pauses
CANCEL_MAX_DELAY_NS = int(CANCEL_MAX_DELAY_S * SEC)
WATCH_NS = int(WATCH_INTERVAL_S * SEC)  # LiveEngine._watch: provisional orders looked up
EVICT_AFTER = 2  # finished orders the core keeps in memory (the runtime: 2,000, 15 min)
EQUITY_SNAPSHOT_NS = 60 * SEC  # options.equity_snapshot_s: the drawdown reference is saved
VENUE_CLOSE_PREFIX = "venueclose"


_T = TypeVar("_T")


def drain(items: list[_T]) -> list[_T]:
    """Everything in ``items``, in order, leaving it empty (the shell's outbox/event drain)."""
    batch = list(items)
    items.clear()
    return batch


class InvariantError(AssertionError):
    """An invariant broke; the message names it."""


IGNORED: set[str] = set()  # exploration only (never set by the tests): keys not to raise
SEEN: dict[str, str] = {}


def fail(key: str, message: str) -> None:
    """Report a broken invariant ``key`` (e.g. "INV-2.3")."""
    SEEN.setdefault(key, message)
    if key not in IGNORED:
        raise InvariantError(message)


class Signals:
    """What the test strategy says next, per symbol (shared by every restart's core)."""

    def __init__(self) -> None:
        self.pending: dict[Symbol, int] = {}


class TestStrategy:
    """A protocol-conforming strategy that emits exactly what the machine scripts."""

    __test__ = False
    name: ClassVar[str] = "invariants"

    def __init__(self, instrument: Instrument, params: Signals) -> None:
        self.symbol = instrument.symbol
        self.signals = params

    def on_quote(self, state: MarketState, now: int) -> int | None:
        return self.signals.pending.pop(self.symbol, None)

    def on_trade(self, state: MarketState, now: int) -> int | None:
        return None

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        return None


class _Reader:
    """The store's reader as ``rebuild_from_store`` uses it, over the stored rows."""

    def __init__(
        self, orders: list[Order], fills: list[FillRecord], reasons: dict[ClientOrderId, str]
    ) -> None:
        self._orders = orders
        self._fills = fills
        self._reasons = reasons

    async def orders(self, status: Any = None, *, limit: int = 100) -> list[Order]:
        return sorted(self._orders, key=lambda o: o.updated_ts, reverse=True)[:limit]

    async def fills_since(self, ts: int) -> list[FillRecord]:
        return [f for f in self._fills if f.fill.ts >= ts]

    async def status_reasons(
        self, reason: str, among: Iterable[str] | None = None
    ) -> frozenset[ClientOrderId]:
        """StoreReader.status_reasons: orders whose stored row came with ``reason``."""
        wanted = None if among is None else set(among)
        return frozenset(
            c for c, r in self._reasons.items() if r == reason and (wanted is None or c in wanted)
        )

    # StoreReader's start-up window (MEMORY): the same answers over the stored rows.

    async def newest_update(self) -> int:
        return max((o.updated_ts for o in self._orders), default=0)

    async def recent_orders(self, since_ts: int, limit: int) -> list[Order]:
        return [o for o in await self.orders(limit=len(self._orders)) if o.updated_ts >= since_ts][
            :limit
        ]

    async def open_orders(self, *, limit: int = 1000) -> list[Order]:
        return [o for o in await self.orders(limit=len(self._orders)) if o.status.is_working][
            :limit
        ]

    async def orders_by_ids(self, ids: Iterable[str]) -> list[Order]:
        wanted = set(ids)
        return [o for o in self._orders if o.client_order_id in wanted]

    async def fills_of(self, ids: Iterable[str]) -> list[FillRecord]:
        wanted = set(ids)
        return [f for f in self._fills if f.fill.client_order_id in wanted]

    async def fill_history(self, before_ts: int) -> FillHistory:
        """StoreReader.fill_history: per symbol, the fills after its last flat one."""
        cuts: dict[str, int] = {}
        for i, f in enumerate(self._fills):  # insertion order is the row id's
            if f.position_qty == 0 and f.fill.ts < before_ts:
                cuts[f.fill.symbol] = i
        carried: dict[Symbol, tuple[int, int]] = {}
        for sym, last in list(cuts.items()):
            older = [f for f in self._fills[: last + 1] if f.fill.symbol == sym]
            if any(f.realized_pnl is None for f in older):
                del cuts[sym]
            else:
                realized = sum(f.realized_pnl or 0 for f in older)
                carried[Symbol(sym)] = (realized, sum(f.fill.fee for f in older))
        rows = [
            (f.fill.ts, i, f) for i, f in enumerate(self._fills) if i > cuts.get(f.fill.symbol, -1)
        ]
        return FillHistory([f for _, _, f in sorted(rows, key=lambda r: r[:2])], carried)


class _Venue(PaperVenue):
    """The paper venue, also keeping what it charged per order as each fill happens
    (a venue's order record: its fee moves with its filled quantity, before the fill's
    report is on its way), for the ``fee`` of the orders it lists or is asked about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fees: dict[ClientOrderId, int] = {}

    def _emit(self, report: ExecutionReport, ts: int) -> None:
        if report.kind is ReportKind.FILL:
            cid = report.client_order_id
            self.order_fees[cid] = self.order_fees.get(cid, 0) + report.fee
        super()._emit(report, ts)


class _RecallView:
    """What ``Reconciler.recall`` reads of its Reconciler: the core and the store's reader."""

    def __init__(self, core: TradingCore, reader: _Reader) -> None:
        self.core = core
        self.reader = reader


class _ReconcilerView:
    """What ``Reconciler._adjustment_price`` and ``mark_from_venue`` read of their
    Reconciler (the core, the venue's positions of the last run): the world calls the
    real methods, so adjustments are priced and carried positions marked as they are."""

    def __init__(self, core: TradingCore, venue_positions: list[VenuePosition] = ()) -> None:  # type: ignore[assignment]
        self.core = core
        self.venue_positions = list(venue_positions)


def run_sync(coro: Any) -> Any:
    """Run a coroutine that never really suspends (our fakes answer at once)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError("the coroutine suspended: a fake awaited something real")


class Store:
    """What the runtime's store holds: order snapshots, fills, control state.

    Orders are upserted (a snapshot replaces one no newer, like engine/store/persist.py)
    with the reason of the event that wrote the row (``status_reason``: an
    OrderUpdated's report reason, "" for an OrderSubmitted); fills are appended once
    per execution id. ``control`` is the control-state
    table, written synchronously (``save_control_state`` commits before returning).
    """

    def __init__(self) -> None:
        self.orders: dict[ClientOrderId, Order] = {}
        self.fills: list[FillRecord] = []
        self._exec_ids: set[str] = set()
        self.control: dict[str, Any] = {}
        self.log: list[EngineEvent] = []  # the event batches, for a lost tail

    def write(self, events: Iterable[EngineEvent]) -> None:
        self.log.extend(events)

    def lose_tail(self, n: int) -> None:
        """A crash before the last ``n`` events were written."""
        if n:
            del self.log[-n:]

    def rows(self) -> tuple[list[Order], list[FillRecord], dict[ClientOrderId, str]]:
        """The stored orders, fills and each order row's ``status_reason``."""
        orders: dict[ClientOrderId, Order] = {}
        reasons: dict[ClientOrderId, str] = {}
        fills: list[FillRecord] = []
        seen: set[str] = set()
        for ev in self.log:
            if isinstance(ev, OrderSubmitted | OrderUpdated):
                o = ev.order
                prev = orders.get(o.client_order_id)
                if prev is None or prev.updated_ts <= o.updated_ts:
                    orders[o.client_order_id] = o
                    reasons[o.client_order_id] = getattr(ev, "reason", "")  # as persist.py
            elif isinstance(ev, FillApplied) and ev.fill.exec_id not in seen:
                seen.add(ev.fill.exec_id)
                fills.append(FillRecord(ev.fill, ev.realized_pnl, ev.position_qty, None))
        return list(orders.values()), fills, reasons


class Config(msgspec.Struct, frozen=True):
    """What one example's world is built with."""

    qty: Decimal
    order_type: str
    limits: RiskLimits
    taker_fee: Decimal
    maker_fee: Decimal


class World:
    """The core, the shell model, the venue and the store; cloned to look ahead."""

    def __init__(self, config: Config, on_send: Callable[[World, Order], None]) -> None:
        self.config = config
        self.on_send = on_send
        self.now = SEC
        self.signals = Signals()
        self.limits = config.limits
        self.trader_config = TraderConfig(
            qty=config.qty,
            type=config.order_type,
            entry_timeout_s=2.0,
            exit_retry_s=1.0,
        )
        self.run = 0
        self.core = self._new_core()
        self.venue_market = {i.symbol: MarketState(i) for i in INSTRUMENTS}
        self.paper = _Venue(
            INSTRUMENTS,
            PaperConfig(taker_fee=config.taker_fee, maker_fee=config.maker_fee),
        )
        for sym, view in self.venue_market.items():
            self.paper.attach(sym, view)
        self.store: Store | None = Store()
        # What the store holds, also in a look-ahead clone (which has no store): where
        # ``_recall`` reads the orders the core's window evicted.
        self.history: Store = self.store
        self.mids = {AAA: 10_000, BBB: 5_000}
        # -- the shell model ---------------------------------------------------------
        self.submit_fault: tuple[str, int] | None = None  # armed for the next submit
        self.cancel_fault: tuple[str, int] | None = None  # armed for the next cancel
        self.stalled = False
        self.pending: list[ExecutionReport] = []  # the stream, not yet delivered
        self.delivered: list[ExecutionReport] = []  # recent deliveries (to duplicate)
        self._sched: list[tuple[int, int, str, Any]] = []  # (due, seq, kind, payload)
        self._seq = 0
        self.held: dict[ClientOrderId, Order] = {}  # submits in the network, not arrived
        self.venue_cids: set[ClientOrderId] = set()  # every order that reached the venue
        self.venue_closes = 0
        self.cancels: set[ClientOrderId] = set()  # LiveEngine._cancels: one task per order
        self.watches: set[ClientOrderId] = set()  # LiveEngine._watches (provisional look-ups)
        # the running Reconciler: its position memory (symbol -> (gap, fills seen)) and
        # the fills it counted per symbol (FillApplied on the bus since it was built)
        self.suspect: dict[Symbol, tuple[int, int]] = {}
        self.fills_seen: dict[Symbol, int] = {}
        self.keeper_latched = 0  # BreakerKeeper._latched: the count its guard last saw
        self.last_snapshot = self.now  # the last equity snapshot (saves the drawdown ref.)
        # -- the venue's truth, from the paper venue's fill reports ----------------------
        self.venue_pos: dict[Symbol, int] = dict.fromkeys(BY_SYMBOL, 0)
        self.venue_cost: dict[Symbol, int] = dict.fromkeys(BY_SYMBOL, 0)  # open tick-lots
        self.venue_cash = START_CASH
        # -- what the checks track --------------------------------------------------------
        self.sent: set[ClientOrderId] = set()
        self.checked: set[ClientOrderId] = set()  # orders INV-2/3 looked at when decided
        self.latched: set[str] = set()  # breakers the core announced and nobody reset
        self.target: dict[Symbol, int | None] = dict.fromkeys(BY_SYMBOL)
        self.halted_by_breaker = False
        self.errors: list[str] = []
        # the first start: Runtime._recover -> BreakerKeeper.restore_hwm (nothing stored:
        # save it) and DayKeeper.restore (nothing stored: a new trading day, saved)
        self._restore_hwm()
        self._day_start()

    # -- building -----------------------------------------------------------------

    def _new_core(self) -> TradingCore:
        cash = START_CASH if self.run == 0 else 0
        ids = IdFactory("t", str(self.run))
        core = TradingCore(
            list(INSTRUMENTS),
            TestStrategy,
            self.signals,
            self.trader_config,
            self.config.limits,  # the configuration's; stored overrides are restored after
            ids,
            cash,
        )
        # MEMORY: the order manager's window made tiny, so that generated runs evict
        # finished orders all the time and their late, duplicate or listed reports take
        # the shell's way back through the store (``_recall``).
        core.orders = OrderManager(
            ids, core.events, window_s=0.0, window_orders=EVICT_AFTER, max_finished=EVICT_AFTER
        )
        return core

    def _recall(self, cids: Iterable[ClientOrderId]) -> None:
        """``Reconciler.recall``: orders out of the window come back from the store (the
        runtime does it for a report of an order not in memory, ``LiveEngine.on_unknown``,
        and before it plans a reconciliation)."""
        view = _RecallView(self.core, _Reader(*self.history.rows()))
        run_sync(Reconciler.recall(view, cids))  # type: ignore[arg-type]

    def clone(self) -> World:
        """A deep copy without the store (a look-ahead never restarts)."""
        store, self.store = self.store, None
        try:
            clone: World = pickle.loads(pickle.dumps(self, pickle.HIGHEST_PROTOCOL))
            return clone
        finally:
            self.store = store

    # -- the clock and the shell's scheduled work -------------------------------------

    def _at(self, due: int, kind: str, payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self._sched, (due, self._seq, kind, payload))

    def advance_to(self, now: int) -> None:
        """Run everything the shell or the network had scheduled up to ``now``."""
        while self._sched and self._sched[0][0] <= now:
            due, _, kind, payload = heapq.heappop(self._sched)
            self.now = max(self.now, due)
            getattr(self, "_do_" + kind)(payload)
            self.pump()
        self.now = max(self.now, now)
        if self.now - self.last_snapshot >= EQUITY_SNAPSHOT_NS:
            self._snapshot()

    def quote(self, symbol: Symbol, move: int, spread: int, dt: int, signal: int | None) -> None:
        self.advance_to(self.now + dt)
        self.pump()
        mid = max(200, self.mids[symbol] + move)
        self.mids[symbol] = mid
        bid, ask = mid - spread // 2, mid - spread // 2 + spread
        self.venue_market[symbol].update_quote(self.now, bid, 0, ask, 0)
        if signal is not None:
            self.signals.pending[symbol] = signal
            self.target[symbol] = signal
        self.core.on_quote(symbol, self.now, bid, 0, ask, 0)
        if symbol in self.signals.pending:  # the core did not ask the strategy
            del self.signals.pending[symbol]
        self.paper.on_quote(symbol, self.now)
        self.pump()

    def timer(self, dt: int = TIMER_NS) -> None:
        self.advance_to(self.now + dt)
        self.core.on_timer(self.now)
        self.pump()

    # -- commands out, reports in --------------------------------------------------------

    def pump(self) -> None:
        """Exchange commands and reports until nothing more is due now."""
        core = self.core
        for _ in range(10_000):
            self._check_new_orders()
            self._flush()
            reports = self.paper.advance(self.now)
            for r in reports:
                self._venue_report(r)
            if not self.stalled and self.pending:
                batch, self.pending = self.pending, []
                for r in batch:
                    self.deliver(r)
            self._drain_events()
            if not core.outbox and not reports and (self.stalled or not self.pending):
                return
        fail("LOOP", "the core and the venue kept exchanging messages (a loop)")

    def deliver(self, report: ExecutionReport) -> None:
        """One report from the stream (``LiveEngine.on_report``: apply, then drain)."""
        self.apply([report])

    def apply(self, reports: list[ExecutionReport]) -> None:
        """``LiveEngine.apply``: every report, then one drain. The orders the core
        decides are checked when decided (the core's view), sent at the drain."""
        for report in reports:
            self.delivered.append(report)
            del self.delivered[:-20]
            if self.core.orders.status(report.client_order_id) is None:
                self._recall([report.client_order_id])
            self.core.on_report(report)
            self._check_new_orders()
        self._flush()

    def _check_new_orders(self) -> None:
        for cmd in self.core.outbox:
            if isinstance(cmd, SubmitOrder) and cmd.order.client_order_id not in self.checked:
                self.checked.add(cmd.order.client_order_id)
                self.on_send(self, cmd.order)

    def _flush(self) -> None:
        outbox = self.core.outbox
        while outbox:
            for cmd in drain(outbox):
                if isinstance(cmd, SubmitOrder):
                    self._submit(cmd.order)
                else:
                    self.request_cancel(cmd.client_order_id)

    def _drain_events(self) -> None:
        batch = drain(self.core.events)
        if not batch:
            return
        for ev in batch:
            if isinstance(ev, BreakerTripped):
                self.latched.add(ev.breaker)
                # daily loss and drawdown halt; a loss streak only blocks entries
                self.halted_by_breaker |= ev.breaker in (DAILY_LOSS, DRAWDOWN)
            elif isinstance(ev, BreakerReset):
                self.latched.discard(ev.breaker)
            elif isinstance(ev, FillApplied):  # the Reconciler counts fills per symbol
                sym = ev.fill.symbol
                self.fills_seen[sym] = self.fills_seen.get(sym, 0) + 1
        self._latch_guard(batch)
        if self.store is not None:
            self.store.write(batch)
        if self.history is not self.store:
            self.history.write(batch)  # a look-ahead clone's own copy

    def _keeper(self) -> Any:
        return _BreakerKeeper(self.core, None, None)  # type: ignore[arg-type]

    def _latch_guard(self, batch: list[EngineEvent]) -> None:
        """``BreakerKeeper.guard`` (the live engine's latch guard, run at each drain
        before the outbox goes out): it looks at the events only when the count of
        latched breakers moved; then a trip or a reset stores ``state()`` (a drawdown
        reset re-bases the reference first). The world's store commits at once."""
        if _BreakerKeeper is None:
            return
        latched = len(self.core.breakers.latched)
        if latched == self.keeper_latched:
            return
        self.keeper_latched = latched
        changed = False
        for ev in batch:
            if type(ev) is BreakerTripped:
                changed = True
            elif isinstance(ev, BreakerReset):
                changed = True
                if ev.breaker == DRAWDOWN:
                    self._keeper().rebase()
        if changed and self.store is not None:
            self.store.control.update(self._keeper().state())

    def _restore_hwm(self) -> None:
        """``BreakerKeeper.restore_hwm`` at start-up (and its save when nothing was)."""
        if _BreakerKeeper is None or self.store is None:
            return
        keeper = self._keeper()
        if keeper.restore_hwm(dict(self.store.control)):
            self.store.control.update({"hwm": keeper._hwm()})

    def _snapshot(self) -> None:
        """The runtime's equity snapshot: ``save_hwm_if_moved`` (every 60 s)."""
        self.last_snapshot = self.now
        if self.store is not None and _BreakerKeeper is not None:
            hwm = self.core.portfolio.high_water_mark
            if (self.store.control.get("hwm") or {}).get("value") != hwm:
                self.store.control["hwm"] = {"value": hwm, "since_ts": 0}

    def _day_start(self) -> None:
        """``DayKeeper._start``: core.start_day(), the day's start stored (``day``)."""
        core = self.core
        core.start_day()
        pf = core.portfolio
        self.save(
            "day",
            {"day": "D", "start_ts": pf.day_start_ts, "start_equity": pf.day_start_equity},
        )
        self.pump()

    def _day_restore(self) -> None:
        """``DayKeeper.restore``: the world never restarts across a day boundary (the
        rollover is its own rule), so the stored day continues."""
        day = (self.store.control if self.store is not None else {}).get("day")
        if not isinstance(day, dict):
            self._day_start()
            return
        pf = self.core.portfolio
        pf.day_start_equity = day["start_equity"]
        pf.day_start_ts = day["start_ts"]

    def _venue_report(self, r: ExecutionReport) -> None:
        """A report leaves the venue: book the venue's truth, put it on the stream."""
        if r.kind is ReportKind.FILL:
            order = self.paper.get_order(r.client_order_id)
            assert order is not None
            sym = order.symbol
            signed = r.last_qty * order.side
            inst = BY_SYMBOL[sym]
            self.venue_cash -= signed * r.last_price * inst.money_per_tick_lot + r.fee
            old = self.venue_pos[sym]
            new = old + signed
            if old == 0 or (old > 0) == (signed > 0):
                self.venue_cost[sym] += signed * r.last_price
            elif new == 0 or (new > 0) == (old > 0):
                self.venue_cost[sym] = self.venue_cost[sym] * new // old if old else 0
            else:
                self.venue_cost[sym] = new * r.last_price
            self.venue_pos[sym] = new
        self.pending.append(r)

    def _submit(self, order: Order) -> None:
        cid = order.client_order_id
        if cid not in self.checked:
            self.checked.add(cid)
            self.on_send(self, order)
        self.sent.add(cid)
        fault, delay = self.submit_fault or ("ok", 0)
        self.submit_fault = None
        if fault == "ok":
            self._to_venue(order)
        elif fault == "reject":
            self.pending.append(
                ExecutionReport(cid, ReportKind.REJECTED, self.now, reason="insufficient_balance")
            )
        else:
            self.pending.append(
                ExecutionReport(cid, ReportKind.SUBMIT_AMBIGUOUS, self.now, reason="timeout")
            )
            if fault == "ambiguous_reached":
                self._to_venue(order)
            else:  # held in the network: reaches the venue after ``delay``, or never (0)
                self.held[cid] = order
                if delay:
                    self._at(self.now + delay, "arrive", cid)
            self._at(self.now + RESOLVE_DELAYS_NS[0], "resolve", (cid, 0, False))

    def _to_venue(self, order: Order) -> None:
        self.venue_cids.add(order.client_order_id)
        self.paper.submit(order, self.now)

    def request_cancel(self, cid: ClientOrderId) -> None:
        """``LiveEngine.request_cancel``: one cancel task per order (a call while it runs
        does nothing), the order CANCEL_PENDING meanwhile (marked here if the call did
        not come from the core), tried until the bot's order is final."""
        if cid in self.cancels:
            return
        status = self.core.orders.status(cid)
        if status is None or status.is_terminal:
            return
        self.cancels.add(cid)
        if status is not OrderStatus.CANCEL_PENDING:
            self.apply([ExecutionReport(cid, ReportKind.CANCEL_REQUESTED, self.now)])
        self._do_cancel_attempt((cid, 0))

    def _cancelling(self, cid: ClientOrderId) -> bool:
        status = self.core.orders.status(cid)
        return status is not None and not status.is_terminal

    def _do_cancel_attempt(self, payload: tuple[ClientOrderId, int]) -> None:
        """One turn of ``LiveEngine._cancel``'s loop: a DELETE (the armed fault: refused,
        or unanswered until it fails after ``delay``), then the pause and the query."""
        cid, attempt = payload
        if not self._cancelling(cid):
            self.cancels.discard(cid)
            return
        pause = (
            CANCEL_DELAYS_NS[attempt] if attempt < len(CANCEL_DELAYS_NS) else CANCEL_MAX_DELAY_NS
        )
        fault, delay = self.cancel_fault or ("ok", 0)
        self.cancel_fault = None
        if fault == "ok":  # taken: the stream normally confirms during the pause
            self.paper.cancel(cid, self.now)
            self._at(self.now + pause, "cancel_taken", (cid, attempt + 1))
        elif fault == "refused":  # refused at once: ask the venue, then pause
            self._do_cancel_failed((cid, attempt + 1, pause))
        else:  # unanswered: the DELETE fails after ``delay`` (the client's timeout)
            self._at(self.now + delay, "cancel_failed", (cid, attempt + 1, pause))

    def _do_cancel_taken(self, payload: tuple[ClientOrderId, int]) -> None:
        cid, attempt = payload
        if self._cancelling(cid):
            self._ask_venue(cid)
        self._do_cancel_attempt((cid, attempt))

    def _do_cancel_failed(self, payload: tuple[ClientOrderId, int, int]) -> None:
        cid, attempt, pause = payload
        if self._cancelling(cid):
            self._ask_venue(cid)
        if self._cancelling(cid):
            self._at(self.now + pause, "cancel_attempt", (cid, attempt))
        else:
            self.cancels.discard(cid)

    def _ask_venue(self, cid: ClientOrderId) -> None:
        """``LiveEngine._ask_venue``: apply what the venue says of ``cid``."""
        vo = self.venue_order(cid)
        order = self.core.orders.get(cid)
        if vo is not None and order is not None:
            self.apply(reconcile.plan({cid: order}, [vo], self.now).reports)

    # -- scheduled work -------------------------------------------------------------------

    def _do_arrive(self, cid: ClientOrderId) -> None:
        order = self.held.pop(cid, None)
        if order is not None:
            self._to_venue(order)

    def _do_watch(self, cid: ClientOrderId) -> None:
        """One turn of ``LiveEngine._watch`` (after its pause): look the provisional
        order up again while the core holds back a new order of its kind."""
        orders = self.core.orders
        if not orders.is_provisional(cid):
            self.watches.discard(cid)
            return
        self._ask_venue(cid)
        self._watch(cid)

    def _watch(self, cid: ClientOrderId) -> None:
        orders = self.core.orders
        order = orders.get(cid)
        if (
            not orders.is_provisional(cid)
            or order is None
            or self.now >= order.created_ts + self.core.provisional_hold_ns
        ):
            self.watches.discard(cid)
            return
        self.watches.add(cid)
        self._at(self.now + WATCH_NS, "watch", cid)

    def _unsettled(self, cid: ClientOrderId) -> bool:
        return unsettled(self.core.orders.get(cid))

    def _do_resolve(self, payload: tuple[ClientOrderId, int, bool]) -> None:
        """One step of ``LiveEngine.resolve``: query, apply the venue's answer."""
        cid, step, _ = payload
        if not self._unsettled(cid):
            return
        vo = self.venue_order(cid)
        if vo is not None:
            order = self.core.orders.get(cid)
            assert order is not None
            self.apply(reconcile.plan({cid: order}, [vo], self.now).reports)
            return
        if step + 1 < len(RESOLVE_DELAYS_NS):
            self._at(self.now + RESOLVE_DELAYS_NS[step + 1], "resolve", (cid, step + 1, True))
            return
        self.apply([ExecutionReport(cid, ReportKind.REJECTED, self.now, reason="not_at_venue")])
        if self.core.orders.is_provisional(cid) and cid not in self.watches:
            self._watch(cid)

    # -- the venue's answers to queries -----------------------------------------------------

    def venue_order(self, cid: ClientOrderId) -> VenueOrder | None:
        o = self.paper.get_order(cid)
        if o is None:
            return None
        return VenueOrder(
            o.client_order_id,
            o.venue_order_id or VenueOrderId(f"v-{cid}"),
            o.symbol,
            o.side,
            o.qty,
            o.filled_qty,
            o.avg_fill_price,
            o.status,
            o.order_type,
            o.tif,
            o.price,
            o.created_ts,
            o.updated_ts,
            fee=self.paper.order_fees.get(cid, 0),  # what the venue charged (ea38b36)
        )

    def venue_positions(self) -> list[VenuePosition]:
        """``Execution.positions``: open positions, average entry and the venue's mark."""
        out = []
        for sym, qty in self.venue_pos.items():
            if not qty:
                continue
            view = self.venue_market[sym]
            out.append(
                VenuePosition(
                    sym,
                    qty,
                    self.venue_cost[sym] / qty,
                    view.mid2 / 2 if view.has_quote else 0.0,
                )
            )
        return out

    def venue_orders(self) -> list[VenueOrder]:
        out = [self.venue_order(c) for c in sorted(self.venue_cids)]
        return [o for o in out if o is not None]

    def venue_live(self, symbol: Symbol) -> list[Order]:
        """Orders of ``symbol`` working at the venue or on their way to it."""
        live = self.paper.working_orders(symbol)
        held = [
            o
            for cid, o in self.held.items()
            if o.symbol == symbol and any(k == "arrive" and p == cid for _, _, k, p in self._sched)
        ]
        return live + held

    # -- faults -------------------------------------------------------------------------

    def stream(self, op: str, index: int) -> None:
        if op == "stall":
            self.stalled = True
        elif op == "unstall":
            self.stalled = False
        elif op == "deliver_one" and self.pending:
            self.deliver(self.pending.pop(index % len(self.pending)))
        elif op == "drop_one" and self.pending:
            self.pending.pop(index % len(self.pending))
        elif op == "duplicate" and self.delivered:
            self.deliver(self.delivered[index % len(self.delivered)])
        self.pump()

    def stop_faults(self) -> None:
        """Faults stop: the stream flows, held cancels are answered, held submits
        arrive now (those fated never stay lost), nothing new is faulted."""
        self.submit_fault = self.cancel_fault = None
        self.stalled = False
        keep = []
        for item in self._sched:
            _due, seq, kind, payload = item
            if kind in ("arrive", "cancel_failed"):
                keep.append((self.now, seq, kind, payload))
            else:
                keep.append(item)
        heapq.heapify(keep)
        self._sched = keep
        self.advance_to(self.now)
        for cid in list(self.held):
            if not any(k == "arrive" and p == cid for _, _, k, p in self._sched):
                del self.held[cid]  # never arrives
        self.pump()

    # -- reconciliation (the shell's periodic run and stream recovery) -------------------------

    def reconcile_orders(self, unlisted_age_ns: int = 10 * SEC) -> None:
        """``Reconciler._run`` for orders: plan against the venue's list (adopt, apply,
        ask again the cancels the venue still works), then query each working order it
        did not list (while running, only those older than ``unlisted_age_ns``)."""
        core = self.core
        listed = self.venue_orders()
        self._recall(o.client_order_id for o in listed)
        known = {o.client_order_id: o for o in core.orders.all_orders()}
        plan = reconcile.plan(known, listed, self.now)
        unlisted = [c for c in plan.unlisted if self.now - known[c].created_ts > unlisted_age_ns]
        self._apply_plan(plan)
        self.pump()
        for cid in unlisted:
            order = known[cid]  # Reconciler._settle_unlisted(known[cid]): the listing's view
            vo = self.venue_order(cid)
            if vo is not None:
                self._apply_plan(reconcile.plan({cid: order}, [vo], self.now))
            else:
                kind = (
                    ReportKind.REJECTED
                    if order.status in (OrderStatus.NEW, OrderStatus.UNKNOWN)
                    else ReportKind.CANCELLED
                )
                self.apply([ExecutionReport(cid, kind, self.now, reason="not_at_venue")])
            self.pump()

    def _apply_plan(self, plan: reconcile.Plan) -> None:
        """``Reconciler.apply``: adopt, apply the reports, request_cancel what it lists."""
        for order in plan.adopt:
            self.core.orders.adopt(order)
        self.apply(plan.reports)
        for cid in plan.cancel:
            self.request_cancel(cid)

    def reconcile_positions(self, startup: bool) -> list[VenuePosition]:
        """``Reconciler._positions``: adjust to the venue (at start-up at once; while
        running only the same gap with the same count of the symbol's fills seen twice
        in a row, nothing working for the symbol and no submit or resolution in
        progress), at the price ``Reconciler._adjustment_price`` gives (none: no
        adjustment, a discrepancy)."""
        core = self.core
        venue = self.venue_positions()
        mine = {s: core.portfolio.position_qty(s) for s in core.symbols}
        gaps = reconcile.position_gaps(mine, venue)
        for sym, (diff, vp) in gaps.items():
            if not startup:
                fills = self.fills_seen.get(sym, 0)
                busy = core.orders.working(sym) or self._submits_in_progress()
                if busy or self.suspect.get(sym) != (diff, fills):
                    self.suspect[sym] = (diff, fills)
                    continue
            self.suspect.pop(sym, None)
            priced = Reconciler._adjustment_price(_ReconcilerView(core), sym, diff, vp)  # type: ignore[arg-type]
            if priced is None:
                continue
            price, _source = priced
            core.adjust_position(
                sym, diff, price, self.now, f"recon-pos:{sym}:{self.now}", "reconciliation"
            )
        self.pump()
        return venue

    def _submits_in_progress(self) -> bool:
        """``LiveEngine.pending_tasks``: submits and their resolution (in the world a
        submit answers at once; an ambiguous one resolves on the ``resolve`` schedule)."""
        return any(kind == "resolve" for _, _, kind, _ in self._sched)

    # -- control (what engine/control/api.py calls, and what it persists) --------------------

    def save(self, key: str, value: Any) -> None:
        if self.store is not None:
            self.store.control[key] = value

    def set_state(self, scope: str, state: TradingState, actor: str) -> bool:
        if state is TradingState.ACTIVE and self.core.breakers.latched:
            return False  # Control.resume refuses while a breaker is latched
        self.core.set_state(scope, state, actor, "control")
        if scope == ALL:
            self.halted_by_breaker = False  # a person set the state of all
        self.pump()
        self.save(f"state:{scope}", {"state": state.value, "actor": actor})
        return True

    def resize(self, scope: str, factor: float) -> None:
        self.core.resize(None if scope == ALL else Symbol(scope), factor)
        self.save(f"resize:{scope}", factor)

    def flatten(self, scope: str) -> None:
        self.core.flatten(None if scope == ALL else Symbol(scope))
        self.pump()
        for sym in BY_SYMBOL:
            if scope in (ALL, sym):
                self.target[sym] = 0

    def kill(self) -> None:
        self.core.kill("test")
        self.save(f"state:{ALL}", {"state": TradingState.HALTED.value, "actor": "test"})
        self.pump()
        for sym in BY_SYMBOL:
            self.target[sym] = 0

    def kill_escalate(self) -> None:
        """Control.kill's second stage: the venue is asked to cancel all and close all
        (CONTROL hands closing to the venue with ``hold_closes`` while it does)."""
        hold = getattr(self.core, "hold_closes", None)
        if hold is not None:
            hold(None, True)
        for o in self.paper.working_orders():
            self.paper.cancel(o.client_order_id, self.now)
        self.pump()
        for sym, qty in self.venue_pos.items():
            if not qty:
                continue
            self.venue_closes += 1
            cid = ClientOrderId(f"{VENUE_CLOSE_PREFIX}{self.venue_closes}")
            side = Side.SELL if qty > 0 else Side.BUY
            order = kit.order(
                cid,
                side,
                abs(qty),
                OrderType.MARKET,
                TimeInForce.GTC,
                0,
                sym,
                created_ts=self.now,
                updated_ts=self.now,
                is_entry=False,
                reduce_only=True,
                reason="venue_close_all",
            )
            self._to_venue(order)
        self.pump()
        # the runtime then reconciles (adopting the venue's close) and gives closing back
        # only when the bot's book agrees with the venue (else it stays with the venue)
        self.reconcile_orders(unlisted_age_ns=-1)
        agree = all(self.core.portfolio.position_qty(s) == self.venue_pos[s] for s in BY_SYMBOL)
        if hold is not None and agree:
            hold(None, False)
        self.pump()
        for sym in BY_SYMBOL:
            self.target[sym] = 0

    def set_limit(self, name: str, value: str) -> bool:
        """Control.set_limit: the one validation path, then the core; False if refused."""
        base = self.config.limits
        try:
            if _override_limit is not None:
                limits = _override_limit(base, self.limits, name, value)
            else:
                fields = msgspec.structs.asdict(self.limits)
                fields[name] = msgspec.convert(value, type(getattr(base, name)), strict=False)
                limits = msgspec.convert(fields, RiskLimits)
            check = getattr(self.core, "check_limits", None)
            if check is not None:
                check(limits)
        except (ValueError, msgspec.ValidationError):
            return False
        self.limits = limits
        self.core.set_limits(limits)
        if _limit_overrides is not None:
            self.save("limits", _limit_overrides(base, limits))
        else:
            self.save("limits", msgspec.to_builtins(limits))
        self.pump()
        return True

    def reset_breaker(self, name: str) -> None:
        self.core.reset_breaker(name, "test")
        self.pump()
        self.save("breakers", dict(self.core.breakers.latched))

    def start_day(self) -> None:
        """The runtime's rollover (``DayKeeper.roll``): a new day, stored."""
        self._day_start()

    # -- restart --------------------------------------------------------------------------

    def restart(self, lose: int) -> None:
        """SIGKILL and start again: the shell's tasks die, the venue and the network
        go on; a NEW core is rebuilt the way engine/runtime/app.py ``_recover`` does."""
        assert self.store is not None
        self._drain_events()
        self.store.lose_tail(lose)
        self.pending.clear()  # the old stream connection's reports are gone
        self.stalled = False
        self.submit_fault = self.cancel_fault = None
        self._sched = [item for item in self._sched if item[2] == "arrive"]
        heapq.heapify(self._sched)
        self.cancels.clear()  # the old process's cancel and look-up tasks died with it
        self.watches.clear()
        self.suspect.clear()  # a new Reconciler: no position memory, no fills counted
        self.fills_seen.clear()
        self.run += 1
        self.core = core = self._new_core()
        orders, fills, reasons = self.store.rows()
        reader = _Reader(orders, fills, reasons)
        run_sync(rebuild_from_store(core, reader))  # type: ignore[arg-type]
        # What the replay tripped does not count: what was stored (and not reset) does.
        core.breakers.latched.clear()
        core.breakers.loss_streak = 0
        core.breakers.cooldown_until = 0
        saved = dict(self.store.control)
        restore_control_state(core, saved)
        self.limits = core.risk.limits
        self.keeper_latched = len(core.breakers.latched)  # BreakerKeeper.sync()
        core.events.clear()
        # start-up reconciliation (listen before listing), then leftovers are cancelled
        self.reconcile_orders(unlisted_age_ns=-1)
        venue = self.reconcile_positions(startup=True)
        if core.cancel_all():
            self.pump()
        pf = core.portfolio
        pf.cash = self.venue_cash  # the venue is the truth for cash
        pf.start_cash = pf.cash
        # Reconciler.mark_from_venue: carried positions at the venue's price (no quote yet)
        Reconciler.mark_from_venue(_ReconcilerView(core, venue))  # type: ignore[arg-type]
        self._restore_hwm()
        self._day_restore()
        if core.state is TradingState.HALTED:
            core.flatten()  # Runtime._recover: a halt (kill, breaker) finishes its flatten
        self.target = dict.fromkeys(BY_SYMBOL)
        self.pump()

    # -- settling -----------------------------------------------------------------------------

    def quiet(self) -> bool:
        """Nothing scheduled, delivered or working, and no trader waiting for a time."""
        core = self.core
        return not (
            self._sched
            or self.pending
            or core.orders.working()
            or any(core.trader(s).wake_at for s in BY_SYMBOL)
        )

    def in_doubt_until(self) -> int:
        """When the core's hold for orders in doubt (provisional) ends, 0 if none."""
        orders = self.core.orders
        since = getattr(orders, "in_doubt_since", None)
        hold = getattr(self.core, "provisional_hold_ns", 0)
        if since is None:
            return 0
        newest = max(since(s, c) for s in BY_SYMBOL for c in (True, False))
        return newest + hold if newest else 0

    def settle(self) -> None:
        """Faults stop; market data flows (a quote a second, prices unchanged, no
        signal); the shell runs its timer, resolution and reconciliation until quiet
        (the resolve schedule, entry timeouts, exit retries, holds in doubt)."""
        self.stop_faults()
        for _ in range(3):
            for i in range(600):
                if self.quiet() and self.now >= self.in_doubt_until():
                    break
                if i % 10 == 0:  # market data flows again too (unchanged prices, no signal)
                    for sym in BY_SYMBOL:
                        if self.venue_market[sym].has_quote:
                            self.quote(sym, 0, 2, 0, None)
                self.timer()
            self.reconcile_orders(unlisted_age_ns=-1)
            if self.quiet():
                break
