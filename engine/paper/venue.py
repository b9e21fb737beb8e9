"""The paper venue: latency queues, order lifecycle and resting orders.

Tick ordering (the shell's contract). For every market event at time ``ts``:

1. ``advance(ts)``: orders and cancels due at or before ``ts`` reach the venue
   and are matched against the view *as it stood before this event* (at equal
   timestamps orders come before market data); reports due by ``ts`` return.
2. The shell updates the symbol's :class:`MarketView`.
3. ``on_quote(symbol, ts)`` or ``on_trade(symbol, price, size, aggressor, ts)``:
   resting orders of that symbol are matched against the new view.
4. The strategy may ``submit(order, ts)``/``cancel(id, ts)``; the shell may call
   ``advance(ts)`` again to collect reports due by ``ts`` (with zero latencies,
   the ACCEPTED and FILL reports of an order submitted at ``ts``).

Every report is stamped with the venue event time and delivered
``latency_out_ns`` later; both queues are heaps ordered by (time, sequence),
so a run is a pure function of its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from heapq import heappop
from heapq import heappush

import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.paper.config import PaperConfig
from engine.paper.counters import PaperCounters
from engine.paper.fees import FeeSchedule
from engine.paper.matching import NO_LIMIT
from engine.paper.matching import quote_crosses
from engine.paper.matching import take
from engine.paper.matching import trade_fill
from engine.paper.matching import would_take
from engine.paper.orders import Resting
from engine.paper.orders import Working
from engine.paper.validation import rejection_reason
from engine.paper.view import MarketView

_NEVER = 1 << 62
_MAKER = LiquiditySide.MAKER
_TAKER = LiquiditySide.TAKER
_EMPTY_VIEW_FILLS: list[tuple[int, int]] = []


class PaperVenue:
    """A deterministic, sans-I/O venue that fills orders against market views.

    Every valid order gets ACCEPTED, then FILLs (the one whose ``cum_qty``
    equals the order's qty is terminal), and possibly a terminal CANCELLED or
    EXPIRED; an invalid one gets only REJECTED. See the module docstring for the
    order in which the shell must call it.
    """

    def __init__(self, instruments: Iterable[Instrument], config: PaperConfig | None = None):
        self.config = config or PaperConfig()
        self.counters = PaperCounters()
        self._instruments = {ins.symbol: ins for ins in instruments}
        self._views: dict[Symbol, MarketView] = {}
        self._fees = FeeSchedule(self.config.maker_fee, self.config.taker_fee)
        self._lat_in = self.config.latency_in_ns
        self._lat_out = self.config.latency_out_ns
        self._slippage = self.config.slippage_ticks
        self._walk = self.config.overflow == "walk"
        self._on_touch = self.config.fill_on_touch
        self._prefix = self.config.venue + "-"
        self._inbound: list[tuple[int, int, Order | ClientOrderId]] = []
        self._outbound: list[tuple[int, int, ExecutionReport]] = []
        self._next_in = _NEVER
        self._next_due = _NEVER
        self._seq = 0
        self._exec_n = 0
        self._order_n = 0
        self._orders: dict[ClientOrderId, Working] = {}
        self._rejected: dict[ClientOrderId, Order] = {}
        self._resting: dict[Symbol, Resting] = {}

    # -- the shell's calls ---------------------------------------------------

    def attach(self, symbol: Symbol, view: MarketView) -> None:
        """Read ``view`` for ``symbol`` (the shell updates it in place)."""
        self._views[symbol] = view

    def submit(self, order: Order, now: int) -> None:
        """Send ``order``; it reaches the venue at ``now + latency_in_ns``."""
        self.counters.submitted += 1
        self._push_in(now + self._lat_in, order)

    def cancel(self, client_order_id: ClientOrderId, now: int) -> None:
        """Request a cancel; it reaches the venue at ``now + latency_in_ns``."""
        self.counters.cancel_requests += 1
        self._push_in(now + self._lat_in, client_order_id)

    def advance(self, now: int) -> list[ExecutionReport]:
        """Process arrivals due by ``now``; return reports delivered by ``now``."""
        if now < self._next_due:
            return []
        if now >= self._next_in:
            self._arrive(now)
        out = self._outbound
        reports: list[ExecutionReport] = []
        while out and out[0][0] <= now:
            reports.append(heappop(out)[2])
        self._next_due = min(self._next_in, out[0][0] if out else _NEVER)
        return reports

    def on_quote(self, symbol: Symbol, now: int) -> None:
        """Match ``symbol``'s resting orders against its (just updated) quote."""
        if now >= self._next_in:
            self._arrive(now)
        resting = self._resting.get(symbol)
        if resting is None:
            return
        view = self._views.get(symbol)
        if view is not None and (
            0 < view.ask < resting.buy_trigger or view.bid > resting.sell_trigger
        ):
            self._match_quote(symbol, resting, view, now)

    def on_trade(self, symbol: Symbol, price: int, size: int, aggressor: Side, now: int) -> None:
        """Match ``symbol``'s resting orders against a print (size 0 = unknown)."""
        if now >= self._next_in:
            self._arrive(now)
        resting = self._resting.get(symbol)
        if resting is None or resting.sell_trigger >= price >= resting.buy_trigger:
            return
        self._match_trade(symbol, resting, now, price=price, size=size, aggressor=aggressor)

    def expire_day(self, now: int) -> None:
        """End of the trading day: every working DAY order expires at ``now``."""
        if now >= self._next_in:
            self._arrive(now)
        day = [w for r in self._resting.values() for w in r.orders() if w.tif is TimeInForce.DAY]
        for w in sorted(day, key=lambda w: w.seq):
            self._unrest(w)
            self._finish(w, OrderStatus.EXPIRED, ReportKind.EXPIRED, "day_expired", now)

    # -- queries ---------------------------------------------------------------

    def next_due(self) -> int | None:
        """Earliest time anything is queued for (an arrival or a delivery)."""
        return None if self._next_due == _NEVER else self._next_due

    def working_orders(self, symbol: Symbol | None = None) -> list[Order]:
        """Snapshots of the orders resting at the venue, in arrival order."""
        rs = self._resting.values() if symbol is None else [self._resting.get(symbol)]
        working = [w for r in rs if r is not None for w in r.orders()]
        return [w.snapshot() for w in sorted(working, key=lambda w: w.seq)]

    def get_order(self, client_order_id: ClientOrderId) -> Order | None:
        """The venue's current view of an order that has arrived (any status)."""
        w = self._orders.get(client_order_id)
        return self._rejected.get(client_order_id) if w is None else w.snapshot()

    # -- arrivals --------------------------------------------------------------

    def _push_in(self, due: int, item: Order | ClientOrderId) -> None:
        self._seq += 1
        heappush(self._inbound, (due, self._seq, item))
        if due < self._next_in:
            self._next_in = due
            self._next_due = min(self._next_due, due)

    def _arrive(self, now: int) -> None:
        inbound = self._inbound
        while inbound and inbound[0][0] <= now:
            due, _, item = heappop(inbound)
            if isinstance(item, Order):
                self._on_order(item, due)
            else:
                self._on_cancel(item, due)
        self._next_in = inbound[0][0] if inbound else _NEVER
        out = self._outbound
        self._next_due = min(self._next_in, out[0][0] if out else _NEVER)

    def _on_order(self, order: Order, ts: int) -> None:
        coid = order.client_order_id
        instrument = self._instruments.get(order.symbol)
        duplicate = coid in self._orders or coid in self._rejected
        reason = rejection_reason(order, instrument, duplicate)
        view = self._views.get(order.symbol)
        is_limit = order.order_type is not OrderType.MARKET
        if (
            not reason
            and order.order_type is OrderType.POST_ONLY
            and view is not None
            and would_take(view, order.side, order.price)
        ):
            reason = "post_only_would_take"
        if reason or instrument is None:
            self._reject(order, reason or "unknown_symbol", ts)
            return
        self._order_n += 1
        venue_order_id = VenueOrderId(f"{self._prefix}ord-{self._order_n}")
        w = Working(order, instrument, self._order_n, venue_order_id, ts)
        self._orders[order.client_order_id] = w
        self.counters.accepted += 1
        self._emit(w.report(ReportKind.ACCEPTED, ts), ts)
        if order.order_type is OrderType.POST_ONLY or view is None:
            fills = _EMPTY_VIEW_FILLS
        else:
            limit = order.price if is_limit else NO_LIMIT
            fills = take(
                view, order.side, order.qty, limit=limit, slippage=self._slippage, walk=self._walk
            )
        if order.tif is TimeInForce.FOK and sum(lots for _, lots in fills) < order.qty:
            self._finish(w, OrderStatus.EXPIRED, ReportKind.EXPIRED, "fok_unfilled", ts)
            return
        for price, lots in fills:
            self._fill(w, price, lots, _TAKER, ts)
        if w.filled == w.qty:
            return
        if is_limit and order.tif in (TimeInForce.GTC, TimeInForce.DAY):
            self._rest(w)
        else:
            reason = "ioc_remainder" if w.filled else "no_liquidity"
            self._finish(w, OrderStatus.CANCELLED, ReportKind.CANCELLED, reason, ts)

    def _reject(self, order: Order, reason: str, ts: int) -> None:
        self.counters.rejected += 1
        if reason != "duplicate_client_order_id":
            self._rejected[order.client_order_id] = msgspec.structs.replace(
                order, status=OrderStatus.REJECTED, filled_qty=0, updated_ts=ts, reason=reason
            )
        report = ExecutionReport(
            order.client_order_id, ReportKind.REJECTED, ts, cum_qty=0, reason=reason
        )
        self._emit(report, ts)

    def _on_cancel(self, client_order_id: ClientOrderId, ts: int) -> None:
        w = self._orders.get(client_order_id)
        if w is None or not w.status.is_working:
            self.counters.cancel_rejected += 1
            if w is not None:
                report = w.report(ReportKind.CANCEL_REJECTED, ts, "order_" + w.status.value)
            elif client_order_id in self._rejected:
                report = ExecutionReport(
                    client_order_id, ReportKind.CANCEL_REJECTED, ts, reason="order_rejected"
                )
            else:
                report = ExecutionReport(
                    client_order_id, ReportKind.CANCEL_REJECTED, ts, reason="unknown_order"
                )
            self._emit(report, ts)
            return
        self._unrest(w)
        self._finish(w, OrderStatus.CANCELLED, ReportKind.CANCELLED, "client_cancel", ts)

    # -- resting orders ------------------------------------------------------

    def _rest(self, w: Working) -> None:
        resting = self._resting.get(w.symbol)
        if resting is None:
            resting = self._resting[w.symbol] = Resting(self._on_touch)
        resting.add(w)

    def _unrest(self, w: Working) -> None:
        resting = self._resting[w.symbol]
        resting.remove(w)
        if resting.empty:
            del self._resting[w.symbol]

    def _match_quote(self, symbol: Symbol, resting: Resting, view: MarketView, now: int) -> None:
        on_touch = self._on_touch
        for queue in (resting.buys, resting.sells):
            while queue and quote_crosses(view, queue[0].side, queue[0].price, on_touch):
                w = queue.pop(0)
                self._fill(w, w.price, w.qty - w.filled, _MAKER, now)
        self._settle(symbol, resting)

    def _match_trade(
        self, symbol: Symbol, resting: Resting, now: int, *, price: int, size: int, aggressor: Side
    ) -> None:
        on_touch = self._on_touch
        budget = size  # lots left of the print for fills at its own price
        for queue in (resting.buys, resting.sells):
            while queue:
                w = queue[0]
                at_print = w.price == price
                if at_print and size > 0 and budget <= 0:
                    break
                lots = trade_fill(
                    w.side,
                    w.price,
                    w.qty - w.filled,
                    price=price,
                    size=budget,
                    aggressor=aggressor,
                    on_touch=on_touch,
                )
                if not lots:
                    break
                self._fill(w, w.price, lots, _MAKER, now)
                if at_print:
                    budget -= lots
                if w.filled < w.qty:
                    break
                queue.pop(0)
        self._settle(symbol, resting)

    def _settle(self, symbol: Symbol, resting: Resting) -> None:
        if resting.empty:
            del self._resting[symbol]
        else:
            resting.refresh()

    # -- reports ---------------------------------------------------------------

    def _fill(self, w: Working, price: int, lots: int, liquidity: LiquiditySide, ts: int) -> None:
        w.filled += lots
        w.cost += price * lots
        w.updated_ts = ts
        w.status = OrderStatus.FILLED if w.filled == w.qty else OrderStatus.PARTIALLY_FILLED
        fee = self._fees.fee(w.instrument.notional(price, lots), liquidity)
        self._exec_n += 1
        c = self.counters
        c.fills += 1
        c.filled_lots += lots
        c.fees += fee
        exec_id = f"{self._prefix}{self._exec_n}"
        report = w.fill_report(exec_id, price=price, lots=lots, fee=fee, liquidity=liquidity, ts=ts)
        self._emit(report, ts)

    def _finish(
        self, w: Working, status: OrderStatus, kind: ReportKind, reason: str, ts: int
    ) -> None:
        w.status = status
        w.updated_ts = ts
        w.reason = reason
        if kind is ReportKind.CANCELLED:
            self.counters.cancelled += 1
        else:
            self.counters.expired += 1
        self._emit(w.report(kind, ts, reason), ts)

    def _emit(self, report: ExecutionReport, ts: int) -> None:
        due = ts + self._lat_out
        self._seq += 1
        heappush(self._outbound, (due, self._seq, report))
        self._next_due = min(self._next_due, due)
