"""Alpaca wire values to model units, and back: statuses, orders, reports, positions.

Order status (REST ``status`` and ``data.order.status``) -> :class:`OrderStatus`:

==========================================================  ======================
Alpaca                                                      ours
==========================================================  ======================
new, accepted, pending_new, accepted_for_bidding, held,     ACCEPTED (PARTIALLY_FILLED
pending_review, pending_replace, stopped, suspended,        when ``filled_qty`` > 0)
done_for_day, calculated
partially_filled                                            PARTIALLY_FILLED
filled                                                      FILLED
pending_cancel                                              CANCEL_PENDING
canceled, replaced                                          CANCELLED
expired                                                     EXPIRED
rejected                                                    REJECTED
anything else                                               UNKNOWN
==========================================================  ======================

``calculated`` with ``filled_qty == qty`` is FILLED. trade_updates event ->
:class:`ReportKind`:

=======================================  ===================================
new, accepted, pending_new               ACCEPTED
fill, partial_fill                       FILL (exec id, last qty/price, cum_qty)
pending_cancel                           CANCEL_REQUESTED
canceled                                 CANCELLED
expired                                  EXPIRED
rejected                                 REJECTED
order_cancel_rejected                    CANCEL_REJECTED
done_for_day, replaced, pending_replace, ignored (counted); the order snapshots
stopped, calculated, suspended, held,    reconciliation reads carry their effect
order_replace_rejected, restated, other
=======================================  ===================================

Symbols without an instrument (orders placed by hand, old positions) convert with
the US-equity defaults (tick 0.01, lot 1). A value off its grid (a sub-penny
average, a fractional share) is rounded and counted in ``Mapper.inexact``; a fill
price off the grid rounds against us (buys up, sells down) so P&L is never overstated.
"""

from __future__ import annotations

import contextlib
from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import ROUND_HALF_EVEN
from decimal import Decimal
from decimal import InvalidOperation

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model import decimal_to_money
from engine.venues.alpaca.protocol import AccountWire
from engine.venues.alpaca.protocol import Num
from engine.venues.alpaca.protocol import OrderWire
from engine.venues.alpaca.protocol import PositionWire
from engine.venues.alpaca.protocol import TradeUpdate
from engine.venues.alpaca.protocol import parse_ts
from engine.venues.alpaca.protocol import ts_ns
from engine.venues.base import VenueAccount
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition

S = OrderStatus
K = ReportKind

ORDER_STATUS: dict[str, OrderStatus] = {
    "new": S.ACCEPTED,
    "accepted": S.ACCEPTED,
    "pending_new": S.ACCEPTED,
    "accepted_for_bidding": S.ACCEPTED,
    "held": S.ACCEPTED,
    "pending_review": S.ACCEPTED,
    "pending_replace": S.ACCEPTED,
    "stopped": S.ACCEPTED,
    "suspended": S.ACCEPTED,
    "done_for_day": S.ACCEPTED,
    "calculated": S.ACCEPTED,
    "partially_filled": S.PARTIALLY_FILLED,
    "filled": S.FILLED,
    "pending_cancel": S.CANCEL_PENDING,
    "canceled": S.CANCELLED,
    "replaced": S.CANCELLED,
    "expired": S.EXPIRED,
    "rejected": S.REJECTED,
}

EVENT_KIND: dict[str, ReportKind] = {
    "new": K.ACCEPTED,
    "accepted": K.ACCEPTED,
    "pending_new": K.ACCEPTED,
    "fill": K.FILL,
    "partial_fill": K.FILL,
    "pending_cancel": K.CANCEL_REQUESTED,
    "canceled": K.CANCELLED,
    "expired": K.EXPIRED,
    "rejected": K.REJECTED,
    "order_cancel_rejected": K.CANCEL_REJECTED,
}

_SIDE = {"buy": Side.BUY, "sell": Side.SELL}
_SIDE_WIRE = {Side.BUY: "buy", Side.SELL: "sell"}
_TIF = {
    "day": TimeInForce.DAY,
    "gtc": TimeInForce.GTC,
    "ioc": TimeInForce.IOC,
    "fok": TimeInForce.FOK,
    "opg": TimeInForce.DAY,
    "cls": TimeInForce.DAY,
}
_TYPE = {"market": OrderType.MARKET, "limit": OrderType.LIMIT}
_TYPE_WIRE = {OrderType.MARKET: "market", OrderType.LIMIT: "limit"}


class WireError(ValueError):
    """A venue message that cannot be read (missing or malformed field)."""


def equity_instrument(symbol: str) -> Instrument:
    """US-equity defaults: Alpaca's stock assets carry no increments."""
    return Instrument(
        symbol=Symbol(symbol),
        price_increment=Decimal("0.01"),
        size_increment=Decimal(1),
        venue="ALPACA",
    )


def dec(value: Num, what: str = "number") -> Decimal:
    """Exact Decimal of a wire number (string, int or float); WireError if absent or bad."""
    if value is None:
        raise WireError(f"{what} is missing")
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise WireError(f"{what} {value!r} is not a number") from exc
    if not d.is_finite():
        raise WireError(f"{what} {value!r} is not finite")
    return d


def plain(d: Decimal) -> str:
    """A decimal as Alpaca wants it: positional notation, no exponent."""
    return format(d, "f")


class Mapper:
    """Converts Alpaca's wire objects with the instruments it knows."""

    def __init__(self, instruments: dict[Symbol, Instrument]) -> None:
        self.instruments = instruments
        self.inexact = 0  # values off the grid, rounded
        self.foreign = 0  # objects in symbols without an instrument

    def instrument(self, symbol: str) -> Instrument:
        ins = self.instruments.get(Symbol(symbol))
        if ins is None:
            self.foreign += 1
            return equity_instrument(symbol)
        return ins

    def _units(self, value: Decimal, increment: Decimal, rounding: str = ROUND_HALF_EVEN) -> int:
        units = value / increment
        whole = units.to_integral_value(rounding=rounding)
        if whole != units:
            self.inexact += 1
        return int(whole)

    def lots(self, ins: Instrument, value: Num, what: str = "qty") -> int:
        return self._units(dec(value, what), ins.size_increment)

    def ticks(self, ins: Instrument, value: Num, what: str = "price") -> int:
        return self._units(dec(value, what), ins.price_increment)

    # -- orders --------------------------------------------------------------------

    def order(self, w: OrderWire) -> VenueOrder:
        """The venue's snapshot of one order in model units."""
        ins = self.instrument(w.symbol)
        side = _SIDE.get(w.side)
        if side is None:
            raise WireError(f"order {w.id}: side {w.side!r}")
        qty = 0 if w.qty is None else self.lots(ins, w.qty)
        filled = 0 if w.filled_qty is None else self.lots(ins, w.filled_qty, "filled_qty")
        avg = 0.0
        if filled and w.filled_avg_price is not None:
            avg = float(dec(w.filled_avg_price, "filled_avg_price") / ins.price_increment)
        kind = w.type or w.order_type or ""
        order_type = _TYPE.get(kind, OrderType.LIMIT if w.limit_price else OrderType.MARKET)
        price = 0 if w.limit_price is None else self.ticks(ins, w.limit_price, "limit_price")
        created = _ts_or(w.created_at or w.submitted_at, 0)
        return VenueOrder(
            client_order_id=ClientOrderId(w.client_order_id),
            venue_order_id=VenueOrderId(w.id),
            symbol=ins.symbol,
            side=side,
            qty=qty,
            filled_qty=filled,
            avg_fill_price=avg,
            status=order_status(w.status, qty, filled),
            order_type=order_type,
            tif=_TIF.get(w.time_in_force, TimeInForce.DAY),
            price=price,
            created_ts=created,
            updated_ts=_ts_or(w.updated_at, created),
        )

    def report(self, u: TradeUpdate, now: int) -> ExecutionReport | None:
        """The report for a trade_updates event, or None for an event we ignore."""
        kind = EVENT_KIND.get(u.event)
        if kind is None:
            return None
        w = u.order
        cid = ClientOrderId(w.client_order_id)
        vid = VenueOrderId(w.id)
        ts = event_ts(u, now)
        if kind is not K.FILL:
            reason = "venue_rejected" if kind is K.REJECTED else ""
            return ExecutionReport(cid, kind, ts, venue_order_id=vid, reason=reason)
        ins = self.instrument(w.symbol)
        side = _SIDE.get(w.side)
        if side is None:
            raise WireError(f"fill for {w.id}: side {w.side!r}")
        cum = self.lots(ins, w.filled_qty, "filled_qty")
        last_qty = self.lots(ins, u.qty, "fill qty")
        rounding = ROUND_CEILING if side is Side.BUY else ROUND_FLOOR
        last_price = self._units(dec(u.price, "fill price"), ins.price_increment, rounding)
        exec_id = u.execution_id or f"{w.id}:{cum}"
        return ExecutionReport(
            cid,
            K.FILL,
            ts,
            exec_id=ExecutionId(exec_id),
            venue_order_id=vid,
            last_qty=last_qty,
            last_price=last_price,
            cum_qty=cum,
        )

    # -- positions and the account ------------------------------------------------------

    def position(self, w: PositionWire) -> VenuePosition:
        ins = self.instrument(w.symbol)
        qty = self.lots(ins, w.qty)
        if w.side == "short" and qty > 0:
            qty = -qty
        avg = 0.0
        if w.avg_entry_price is not None:
            avg = float(dec(w.avg_entry_price, "avg_entry_price") / ins.price_increment)
        current = 0.0  # only a hint (start-up marks, adjustment prices): never fatal
        with contextlib.suppress(WireError):
            current = float(dec(w.current_price, "current_price") / ins.price_increment)
        return VenuePosition(ins.symbol, qty, avg, current)


def order_status(wire: str, qty: int, filled: int) -> OrderStatus:
    """Our status for Alpaca's (see the module table)."""
    status = ORDER_STATUS.get(wire, S.UNKNOWN)
    if status is S.ACCEPTED and filled > 0:
        return S.FILLED if wire == "calculated" and 0 < qty <= filled else S.PARTIALLY_FILLED
    return status


def event_ts(u: TradeUpdate, now: int) -> int:
    """The event's time: its ``timestamp``, else the order's ``updated_at``, else now."""
    if u.timestamp is not None:
        try:
            return ts_ns(u.timestamp)
        except ValueError:
            pass
    return _ts_or(u.order.updated_at, now)


def _ts_or(text: str | None, default: int) -> int:
    if not text:
        return default
    try:
        return parse_ts(text)
    except ValueError:
        return default


def account(w: AccountWire) -> VenueAccount:
    return VenueAccount(
        cash=decimal_to_money(dec(w.cash, "cash")),
        equity=decimal_to_money(dec(w.equity, "equity")),
        buying_power=decimal_to_money(dec(w.buying_power, "buying_power")),
    )


def order_body(order: Order, ins: Instrument) -> dict[str, object]:
    """The POST /v2/orders body: client order id fixed, qty and price as strings.

    Raises WireError for what Alpaca cannot express (post-only orders).
    """
    kind = _TYPE_WIRE.get(order.order_type)
    if kind is None:
        raise WireError(f"order type {order.order_type.value} is not supported by Alpaca")
    body: dict[str, object] = {
        "symbol": order.symbol,
        "qty": plain(ins.qty(order.qty)),
        "side": _SIDE_WIRE[order.side],
        "type": kind,
        "time_in_force": order.tif.value,
        "client_order_id": order.client_order_id,
    }
    if order.order_type is OrderType.LIMIT:
        body["limit_price"] = plain(ins.price(order.price))
    return body
