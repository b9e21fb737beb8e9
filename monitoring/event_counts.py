"""Counting the rare engine events (orders, rejections, fills, trips) off the bus.

The subscriber runs synchronously on the event loop whenever the engine
publishes, so it only increments plain dictionaries: no locks, no I/O, no
allocation beyond a label tuple. The collector turns the counts into metric
families at scrape time. Nothing here is per tick.
"""

from __future__ import annotations

from collections import Counter
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from engine.model import Order
from engine.model import ReportKind
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import RiskDenied
from engine.model.events import RoundTripClosed
from engine.model.histogram import Histogram as Buckets
from monitoring import metrics as m
from monitoring.labels import BoundedValues
from monitoring.labels import tidy

Labels = tuple[str, ...]

# Slippage needs the decision mid of a fill's order: remembered per client order
# id from OrderSubmitted, oldest forgotten first (a fill arrives long before
# thousands of newer orders).
_DECISIONS_KEPT = 4096


def _side(sign: int) -> str:
    return "buy" if sign > 0 else "sell"


class EventCounts:
    """Counters (by metric spec and label values) and the slippage histograms."""

    def __init__(self, venue: str, symbols: Iterable[str]) -> None:
        self.venue = venue
        self.counts: dict[m.Spec, Counter[Labels]] = {
            spec: Counter()
            for spec in (
                m.ORDER_INTENTS,
                m.ORDERS_SUBMITTED,
                m.ORDERS_CLOSED,
                m.ORDERS_AMBIGUOUS,
                m.REJECTIONS,
                m.ORDER_ERRORS,
                m.FILLS,
                m.ROUND_TRIPS,
                m.BREAKER_TRIPS,
                m.BREAKER_WARNINGS,
                m.DISCREPANCIES,
            )
        }
        self.slippage: dict[str, Buckets] = {}
        self._decisions: OrderedDict[str, int] = OrderedDict()
        self._venue_reasons = BoundedValues()
        self._risk_reasons = BoundedValues()
        self._handlers: dict[type[Any], Callable[[Any], None]] = {
            OrderSubmitted: self._submitted,
            OrderUpdated: self._updated,
            FillApplied: self._fill,
            RiskDenied: self._denied,
            RoundTripClosed: self._round_trip,
            OrderError: self._order_error,
            BreakerTripped: self._tripped,
            BreakerWarning: self._warned,
            Discrepancy: self._discrepancy,
        }
        self._zero(symbols)

    def _zero(self, symbols: Iterable[str]) -> None:
        """Series that exist from the start, at 0 (see metrics: known label values).
        Not the slippage histograms: 15 series per symbol, most of them idle, each
        appears with its symbol's first fill."""
        v, c = self.venue, self.counts
        for sym in symbols:
            c[m.ORDERS_AMBIGUOUS][(v, sym)] += 0
            for decision in m.DECISIONS:
                c[m.ORDER_INTENTS][(v, sym, decision)] += 0
            for side in ("buy", "sell"):
                for liquidity in m.LIQUIDITY:
                    c[m.FILLS][(v, sym, side, liquidity)] += 0
            for result in m.ROUND_TRIP_RESULTS:
                c[m.ROUND_TRIPS][(v, sym, result)] += 0
        for breaker in m.BREAKERS:
            c[m.BREAKER_TRIPS][(v, breaker)] += 0
            c[m.BREAKER_WARNINGS][(v, breaker)] += 0
        for kind in m.DISCREPANCY_KINDS:
            c[m.DISCREPANCIES][(v, kind)] += 0
        for reason in m.ORDER_ERROR_REASONS:
            c[m.ORDER_ERRORS][(v, reason)] += 0

    # -- the bus subscriber -------------------------------------------------------------

    def __call__(self, event: EngineEvent) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _submitted(self, event: OrderSubmitted) -> None:
        order = event.order
        self._count(m.ORDER_INTENTS, order.symbol, "approved")
        self._count(m.ORDERS_SUBMITTED, order.symbol, _side(order.side), order.order_type.value)
        if order.decision_mid2 > 0:
            decisions = self._decisions
            decisions[order.client_order_id] = order.decision_mid2
            if len(decisions) > _DECISIONS_KEPT:
                decisions.popitem(last=False)

    def _updated(self, event: OrderUpdated) -> None:
        order: Order = event.order
        if event.kind is ReportKind.SUBMIT_AMBIGUOUS:
            self._count(m.ORDERS_AMBIGUOUS, order.symbol)
        if event.kind is ReportKind.REJECTED:
            # The venue's reason, once OrderUpdated carries it; "unspecified" until then.
            reason = self._venue_reasons(str(getattr(event, "reason", "") or ""))
            self._count(m.REJECTIONS, order.symbol, "venue", reason)
        if order.status.is_terminal:
            side, kind = _side(order.side), order.order_type.value
            self._count(m.ORDERS_CLOSED, order.symbol, side, kind, order.status.value)

    def _fill(self, event: FillApplied) -> None:
        fill = event.fill
        self._count(m.FILLS, fill.symbol, _side(fill.side), fill.liquidity.value)
        mid2 = self._decisions.get(fill.client_order_id, 0)
        if mid2 > 0:
            # Both in ticks: (price - mid) / mid, signed so that positive costs the bot.
            bps = (2 * fill.price - mid2) / mid2 * 1e4 * int(fill.side)
            hist = self.slippage.get(fill.symbol)
            if hist is None:
                hist = self.slippage[fill.symbol] = Buckets(m.SLIPPAGE_BUCKETS_BPS)
            hist.observe(bps)

    def _denied(self, event: RiskDenied) -> None:
        self._count(m.ORDER_INTENTS, event.symbol, "denied")
        self._count(m.REJECTIONS, event.symbol, "risk", self._risk_reasons(event.reason))

    def _round_trip(self, event: RoundTripClosed) -> None:
        self._count(m.ROUND_TRIPS, event.symbol, "win" if event.pnl > 0 else "loss")

    def _order_error(self, event: OrderError) -> None:
        self._count(m.ORDER_ERRORS, tidy(event.reason))

    def _tripped(self, event: BreakerTripped) -> None:
        self._count(m.BREAKER_TRIPS, tidy(event.breaker))

    def _warned(self, event: BreakerWarning) -> None:
        self._count(m.BREAKER_WARNINGS, tidy(event.breaker))

    def _discrepancy(self, event: Discrepancy) -> None:
        self._count(m.DISCREPANCIES, tidy(event.kind))

    def _count(self, spec: m.Spec, *labels: str) -> None:
        self.counts[spec][(self.venue, *labels)] += 1
