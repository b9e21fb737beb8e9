"""Reconciliation: make the bot's orders and fills agree with the venue's.

``plan`` is pure: given what the order manager knows and what the venue says,
it returns the orders to adopt, the reports to apply (synthesised fills for
quantity the bot missed, status changes), the discrepancies to announce, the
orders whose cancel must be asked again (the bot has them CANCEL_PENDING, the
venue still works them), and the orders the venue did not list (to query one by
one). Synthesised fills carry the deterministic execution id
``recon:<client id>:<cumulative qty>`` and the venue's cumulative quantity, so
applying a plan twice, or a late stream event after it, books nothing twice.

An order the bot holds as terminal but the venue lists as working or with more
fills (an outcome the bot inferred from silence, ``not_at_venue``) gets the
reports that revive it: ACCEPTED when the venue works it, the missing FILL, then
the venue's own terminal status. Whether a synthesised fill was booked is known
only after the reports are applied: :func:`announce_fills` says
``fill_recovered`` for those that were, and ``fill_not_booked`` for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping

import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Symbol
from engine.model.events import Discrepancy
from engine.model.instrument import amount
from engine.model.instrument import price_text
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition

_TERMINAL_REPORT = {
    OrderStatus.CANCELLED: ReportKind.CANCELLED,
    OrderStatus.EXPIRED: ReportKind.EXPIRED,
    OrderStatus.REJECTED: ReportKind.REJECTED,
}


class RecoveredFill(msgspec.Struct, frozen=True):
    """A fill the venue reports and the plan synthesised (announced once booked)."""

    client_order_id: ClientOrderId
    symbol: Symbol
    qty: int  # lots
    price: int  # ticks
    cum_qty: int  # the venue's cumulative filled quantity


class Plan(msgspec.Struct):
    adopt: list[Order]
    reports: list[ExecutionReport]
    discrepancies: list[Discrepancy]
    unlisted: list[ClientOrderId]  # working here, absent from the venue's list: query each
    cancel: list[ClientOrderId] = msgspec.field(default_factory=list)  # ask again
    fills: list[RecoveredFill] = msgspec.field(default_factory=list)  # see announce_fills


Units = Mapping[Symbol, Instrument]
"""The instruments, so that what a person reads is in their units (0.001 BTCUSD)."""


def plan(
    known: dict[ClientOrderId, Order], venue: list[VenueOrder], ts: int, units: Units | None = None
) -> Plan:
    """What to do so the bot's orders match ``venue`` (orders the venue listed)."""
    out = Plan([], [], [], [])
    units = units or {}
    listed = set()
    for vo in venue:
        listed.add(vo.client_order_id)
        mine = known.get(vo.client_order_id)
        if mine is None:
            adopted = msgspec.structs.replace(
                vo.to_order(),
                status=OrderStatus.ACCEPTED,
                filled_qty=0,
                avg_fill_price=0.0,
                reason="adopted",
            )
            out.adopt.append(adopted)
            out.discrepancies.append(
                Discrepancy(
                    ts,
                    "order_adopted",
                    vo.symbol,
                    f"{vo.client_order_id} ({vo.status.value}, filled "
                    f"{_amount(units, vo.symbol, vo.filled_qty)} of "
                    f"{_amount(units, vo.symbol, vo.qty)}) unknown here",
                )
            )
            _settle(out, vo, 0, 0.0, OrderStatus.ACCEPTED, ts, units)
        else:
            _settle(out, vo, mine.filled_qty, mine.avg_fill_price, mine.status, ts, units)
    for cid, order in known.items():
        if order.status.is_working and cid not in listed:
            out.unlisted.append(cid)
    return out


def _amount(units: Units, symbol: Symbol, lots: int) -> str:
    return amount(units.get(symbol), symbol, lots)


def _settle(
    out: Plan,
    vo: VenueOrder,
    filled: int,
    avg: float,
    status: OrderStatus,
    ts: int,
    units: Units,
) -> None:
    cid = vo.client_order_id
    more = vo.filled_qty > filled
    if vo.filled_qty < filled:
        out.discrepancies.append(
            Discrepancy(
                ts,
                "fill_excess",
                vo.symbol,
                f"{cid}: bot booked {_amount(units, vo.symbol, filled)}, "
                f"venue filled {_amount(units, vo.symbol, vo.filled_qty)}",
            )
        )
    if status.is_terminal:
        # Terminal here but not there (e.g. inferred not_at_venue): revive it.
        if vo.status.is_working and not more and status is not OrderStatus.FILLED:
            out.reports.append(
                ExecutionReport(
                    cid, ReportKind.ACCEPTED, ts, venue_order_id=vo.venue_order_id, reason="venue"
                )
            )
        if more:
            _fill(out, vo, filled, avg, ts)
            if vo.status in _TERMINAL_REPORT:
                out.reports.append(_terminal(vo, ts))
        return
    if more:
        _fill(out, vo, filled, avg, ts)
    if vo.status in _TERMINAL_REPORT:
        out.reports.append(_terminal(vo, ts))
    elif vo.status.is_working and status in (OrderStatus.NEW, OrderStatus.UNKNOWN):
        out.reports.append(
            ExecutionReport(cid, ReportKind.ACCEPTED, ts, venue_order_id=vo.venue_order_id)
        )
    elif vo.status.is_working and status is OrderStatus.CANCEL_PENDING:
        out.cancel.append(cid)  # the cancel was lost on the way: ask again
        out.discrepancies.append(
            Discrepancy(ts, "cancel_retried", vo.symbol, f"{cid}: still working at the venue")
        )


def _fill(out: Plan, vo: VenueOrder, filled: int, avg: float, ts: int) -> None:
    cid = vo.client_order_id
    qty = vo.filled_qty - filled
    notional = vo.avg_fill_price * vo.filled_qty - avg * filled
    price = max(1, round(notional / qty))
    # The venue's fee for the order, pro rata to what is booked here (exact for an
    # order filled at one fee rate); 0 when the venue does not say, as on the stream.
    fee = vo.fee * qty // vo.filled_qty if vo.fee else 0
    out.reports.append(
        ExecutionReport(
            cid,
            ReportKind.FILL,
            ts,
            exec_id=ExecutionId(f"recon:{cid}:{vo.filled_qty}"),
            venue_order_id=vo.venue_order_id,
            last_qty=qty,
            last_price=price,
            fee=fee,
            cum_qty=vo.filled_qty,
            reason="reconciled",
        )
    )
    out.fills.append(RecoveredFill(cid, vo.symbol, qty, price, vo.filled_qty))


def _terminal(vo: VenueOrder, ts: int) -> ExecutionReport:
    return ExecutionReport(
        vo.client_order_id,
        _TERMINAL_REPORT[vo.status],
        ts,
        venue_order_id=vo.venue_order_id,
        reason="reconciled",
    )


def announce_fills(
    plan: Plan,
    order: Callable[[ClientOrderId], Order | None],
    ts: int,
    units: Units | None = None,
) -> list[Discrepancy]:
    """After ``plan.reports`` were applied: ``fill_recovered`` for each synthesised fill
    the bot booked (its order now has the venue's quantity), ``fill_not_booked`` for
    each it could not book (loud: the bot's position may differ from the venue's)."""
    out = []
    units = units or {}
    for f in plan.fills:
        ins = units.get(f.symbol)
        mine = order(f.client_order_id)
        if mine is not None and mine.filled_qty >= f.cum_qty:
            kind = "fill_recovered"
            detail = f"{amount(ins, f.symbol, f.qty)} at {price_text(ins, f.price)}"
        else:
            state = mine.status.value if mine is not None else "unknown"
            kind = "fill_not_booked"
            filled = amount(ins, f.symbol, f.cum_qty)
            detail = f"venue filled {filled}, the bot could not book them ({state})"
        out.append(Discrepancy(ts, kind, f.symbol, f"{f.client_order_id}: {detail}"))
    return out


def position_gaps(
    mine: dict[Symbol, int], venue: list[VenuePosition]
) -> dict[Symbol, tuple[int, VenuePosition | None]]:
    """Symbols whose position differs: symbol -> (venue qty - bot qty, venue position)."""
    theirs = {p.symbol: p for p in venue}
    gaps: dict[Symbol, tuple[int, VenuePosition | None]] = {}
    for sym in set(mine) | set(theirs):
        vp = theirs.get(sym)
        diff = (vp.qty if vp else 0) - mine.get(sym, 0)
        if diff:
            gaps[sym] = (diff, vp)
    return gaps
