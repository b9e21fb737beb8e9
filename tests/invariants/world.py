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
  unanswered; the shell retries after a pause until the bot's order is terminal
  (the ``LiveEngine.request_cancel`` contract);
* the order-update stream: stalled, delivered out of order, duplicated, or a
  report lost (recovered by reconciliation: ``reconcile.plan`` over the venue's
  orders, as on a stream reconnection or the periodic run);
* restarts: a NEW core rebuilt by ``rebuild_from_store`` from what the store holds
  (the OrderSubmitted / OrderUpdated / FillApplied events the core emitted, with an
  optional lost tail of an unwritten batch), ``restore_control_state`` from what the
  runtime persisted, then the start-up reconciliation and cash from the venue.

The shell's timer calls ``core.on_timer`` every 100 ms (the LIVE contract).
Nothing here changes engine code; the world only calls what the shell calls.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, ClassVar

import msgspec

from engine.core.market_state import MarketState
from engine.core.risk import DAILY_LOSS, DRAWDOWN, RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import ALL, TradingCore
from engine.model import (
    ClientOrderId,
    ExecutionReport,
    IdFactory,
    Instrument,
    Order,
    OrderStatus,
    OrderType,
    ReportKind,
    Side,
    Symbol,
    TimeInForce,
    TradingState,
    VenueOrderId,
)
from engine.model.commands import CancelOrder, SubmitOrder
from engine.model.events import (
    BreakerReset,
    BreakerTripped,
    EngineEvent,
    FillApplied,
    OrderSubmitted,
    OrderUpdated,
)
from engine.paper import PaperConfig, PaperVenue
from engine.runtime import reconcile
from engine.runtime.recovery import rebuild_from_store, restore_control_state
from engine.store.queries import FillRecord
from engine.venues.base import VenueOrder

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
VENUE_CLOSE_PREFIX = "venueclose"


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

    def __init__(self, orders: list[Order], fills: list[FillRecord]) -> None:
        self._orders = orders
        self._fills = fills

    async def orders(self, status: Any = None, *, limit: int = 100) -> list[Order]:
        return sorted(self._orders, key=lambda o: o.updated_ts, reverse=True)[:limit]

    async def fills_since(self, ts: int) -> list[FillRecord]:
        return [f for f in self._fills if f.fill.ts >= ts]


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

    Orders are upserted (a snapshot replaces one no newer, like engine/store/persist.py);
    fills are appended once per execution id. ``control`` is the control-state
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

    def rows(self) -> tuple[list[Order], list[FillRecord]]:
        orders: dict[ClientOrderId, Order] = {}
        fills: list[FillRecord] = []
        seen: set[str] = set()
        for ev in self.log:
            if isinstance(ev, OrderSubmitted | OrderUpdated):
                o = ev.order
                prev = orders.get(o.client_order_id)
                if prev is None or prev.updated_ts <= o.updated_ts:
                    orders[o.client_order_id] = o
            elif isinstance(ev, FillApplied) and ev.fill.exec_id not in seen:
                seen.add(ev.fill.exec_id)
                fills.append(FillRecord(ev.fill, ev.realized_pnl, ev.position_qty, None))
        return list(orders.values()), fills


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
        self.paper = PaperVenue(
            INSTRUMENTS,
            PaperConfig(taker_fee=config.taker_fee, maker_fee=config.maker_fee),
        )
        for sym, view in self.venue_market.items():
            self.paper.attach(sym, view)
        self.store: Store | None = Store()
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
        self.suspect: dict[Symbol, int] = {}  # the running reconciler's position memory
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

    # -- building -----------------------------------------------------------------

    def _new_core(self) -> TradingCore:
        cash = START_CASH if self.run == 0 else 0
        return TradingCore(
            list(INSTRUMENTS),
            TestStrategy,
            self.signals,
            self.trader_config,
            self.config.limits,  # the configuration's; stored overrides are restored after
            IdFactory("t", str(self.run)),
            cash,
        )

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
            self.core.on_report(report)
            self._check_new_orders()
        self._flush()

    def _check_new_orders(self) -> None:
        for cmd in self.core.outbox:
            if isinstance(cmd, SubmitOrder) and cmd.order.client_order_id not in self.checked:
                self.checked.add(cmd.order.client_order_id)
                self.on_send(self, cmd.order)

    def _flush(self) -> None:
        core = self.core
        while core.outbox:
            commands = list(core.outbox)
            core.outbox.clear()
            for cmd in commands:
                if isinstance(cmd, SubmitOrder):
                    self._submit(cmd.order)
                else:
                    self._cancel(cmd)

    def _drain_events(self) -> None:
        events = self.core.events
        if not events:
            return
        batch = list(events)
        events.clear()
        breakers_changed = False
        for ev in batch:
            if isinstance(ev, BreakerTripped):
                self.latched.add(ev.breaker)
                # daily loss and drawdown halt; a loss streak only blocks entries
                self.halted_by_breaker |= ev.breaker in (DAILY_LOSS, DRAWDOWN)
                breakers_changed = True
            elif isinstance(ev, BreakerReset):
                self.latched.discard(ev.breaker)
                breakers_changed = True
        if self.store is not None:
            self.store.write(batch)
            if breakers_changed and _BreakerKeeper is not None:
                # the runtime's latch guard stores this before the trip's orders go out
                keeper = _BreakerKeeper(self.core, None, None)  # type: ignore[arg-type]
                self.store.control.update(keeper.state())

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

    def _cancel(self, cmd: CancelOrder) -> None:
        cid = cmd.client_order_id
        fault, delay = self.cancel_fault or ("ok", 0)
        self.cancel_fault = None
        if fault == "ok":
            self.paper.cancel(cid, self.now)
            return
        if fault == "refused":
            # request_cancel: the DELETE was refused, so the shell asks the venue and
            # applies its truth (missed fills, a final state); a working order stays
            # CANCEL_PENDING in the bot and the DELETE is retried after a pause
            vo = self.venue_order(cid)
            order = self.core.orders.get(cid)
            if vo is not None and order is not None:
                for r in reconcile.plan({cid: order}, [vo], self.now).reports:
                    self.pending.append(r)
        self._at(self.now + max(delay, 100 * MS), "cancel_retry", cid)

    # -- scheduled work -------------------------------------------------------------------

    def _do_arrive(self, cid: ClientOrderId) -> None:
        order = self.held.pop(cid, None)
        if order is not None:
            self._to_venue(order)

    def _do_cancel_retry(self, cid: ClientOrderId) -> None:
        status = self.core.orders.status(cid)
        if status is None or status.is_terminal:
            return
        self.paper.cancel(cid, self.now)

    def _unsettled(self, cid: ClientOrderId) -> bool:
        order = self.core.orders.get(cid)
        if order is None:
            return False
        if order.status in (OrderStatus.NEW, OrderStatus.UNKNOWN):
            return True
        return order.status is OrderStatus.CANCEL_PENDING and order.venue_order_id is None

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
        self.deliver(ExecutionReport(cid, ReportKind.REJECTED, self.now, reason="not_at_venue"))

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
        )

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
            if kind in ("arrive", "cancel_retry"):
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
        """``Reconciler.run`` for orders: plan against the venue's list, then query each
        order it did not list (older than ``unlisted_age_ns``)."""
        core = self.core
        known = {o.client_order_id: o for o in core.orders.all_orders()}
        plan = reconcile.plan(known, self.venue_orders(), self.now)
        for order in plan.adopt:
            core.orders.adopt(order)
        self.apply(plan.reports)
        self.pump()
        for cid in plan.unlisted:
            if self.now - known[cid].created_ts <= unlisted_age_ns:
                continue
            order = core.orders.get(cid)
            if order is None or order.status.is_terminal:
                continue
            vo = self.venue_order(cid)
            if vo is not None:
                self.apply(reconcile.plan({cid: order}, [vo], self.now).reports)
            else:
                kind = (
                    ReportKind.REJECTED
                    if order.status in (OrderStatus.NEW, OrderStatus.UNKNOWN)
                    else ReportKind.CANCELLED
                )
                self.deliver(ExecutionReport(cid, kind, self.now, reason="not_at_venue"))
            self.pump()

    def reconcile_positions(self, startup: bool) -> None:
        """``Reconciler._positions``: adjust to the venue (at start-up at once; while
        running only the same difference twice with nothing in flight)."""
        core = self.core
        for sym in BY_SYMBOL:
            diff = self.venue_pos[sym] - core.portfolio.position_qty(sym)
            if not diff:
                self.suspect.pop(sym, None)
                continue
            if not startup:
                busy = core.orders.working(sym) or self._sched or self.pending
                if busy or self.suspect.get(sym) != diff:
                    self.suspect[sym] = diff
                    continue
            self.suspect.pop(sym, None)
            vq = self.venue_pos[sym]
            avg = round(self.venue_cost[sym] / vq) if vq else 0
            price = avg or core.market(sym).mid2 // 2
            core.adjust_position(
                sym, diff, max(price, 1), self.now, f"recon-pos:{sym}:{self.now}", "reconciliation"
            )
        self.pump()

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
            order = Order(
                cid,
                sym,
                side,
                abs(qty),
                OrderType.MARKET,
                TimeInForce.GTC,
                0,
                OrderStatus.NEW,
                0,
                0.0,
                self.now,
                self.now,
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
        self.core.start_day()
        self.pump()

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
        self.suspect.clear()
        self.run += 1
        self.core = core = self._new_core()
        orders, fills = self.store.rows()
        run_sync(rebuild_from_store(core, _Reader(orders, fills)))  # type: ignore[arg-type]
        core.breakers.latched.clear()  # as app.py _recover does before restoring
        core.breakers.loss_streak = 0
        restore_control_state(core, dict(self.store.control))
        self.limits = core.risk.limits
        core.events.clear()
        # start-up reconciliation (listen before listing), then leftovers are cancelled
        self.reconcile_orders(unlisted_age_ns=-1)
        self.reconcile_positions(startup=True)
        if core.cancel_all():
            self.pump()
        core.portfolio.cash = self.venue_cash  # the venue is the truth for cash
        core.portfolio.start_cash = self.venue_cash
        core.portfolio.day_start_equity = core.portfolio.equity
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
