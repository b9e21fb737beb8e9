"""Reconciliation: make the bot's orders and fills agree with the venue's.

``plan`` is pure: given what the order manager knows and what the venue says,
it returns the orders to adopt, the reports to apply (synthesised fills for
quantity the bot missed, status changes), the discrepancies to announce, and
the orders the venue did not list (to query one by one). Synthesised fills
carry the deterministic execution id ``recon:<client id>:<cumulative qty>`` and
the venue's cumulative quantity, so applying a plan twice, or a late stream
event after it, books nothing twice.
"""

from __future__ import annotations

import msgspec

from engine.model import (
    ClientOrderId,
    ExecutionId,
    ExecutionReport,
    Order,
    OrderStatus,
    ReportKind,
    Symbol,
)
from engine.model.events import Discrepancy
from engine.venues.base import VenueOrder, VenuePosition

_TERMINAL_REPORT = {
    OrderStatus.CANCELLED: ReportKind.CANCELLED,
    OrderStatus.EXPIRED: ReportKind.EXPIRED,
    OrderStatus.REJECTED: ReportKind.REJECTED,
}


class Plan(msgspec.Struct):
    adopt: list[Order]
    reports: list[ExecutionReport]
    discrepancies: list[Discrepancy]
    unlisted: list[ClientOrderId]  # working here, absent from the venue's list: query each


def plan(known: dict[ClientOrderId, Order], venue: list[VenueOrder], ts: int) -> Plan:
    """What to do so the bot's orders match ``venue`` (orders the venue listed)."""
    out = Plan([], [], [], [])
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
                    f"{vo.client_order_id} "
                    f"({vo.status.value}, filled {vo.filled_qty}/{vo.qty}) unknown here",
                )
            )
            _settle(out, vo, 0, 0.0, OrderStatus.ACCEPTED, ts)
        else:
            _settle(out, vo, mine.filled_qty, mine.avg_fill_price, mine.status, ts)
    for cid, order in known.items():
        if order.status.is_working and cid not in listed:
            out.unlisted.append(cid)
    return out


def _settle(
    out: Plan, vo: VenueOrder, filled: int, avg: float, status: OrderStatus, ts: int
) -> None:
    cid = vo.client_order_id
    if vo.filled_qty > filled:
        qty = vo.filled_qty - filled
        notional = vo.avg_fill_price * vo.filled_qty - avg * filled
        price = max(1, round(notional / qty))
        out.reports.append(
            ExecutionReport(
                cid,
                ReportKind.FILL,
                ts,
                exec_id=ExecutionId(f"recon:{cid}:{vo.filled_qty}"),
                venue_order_id=vo.venue_order_id,
                last_qty=qty,
                last_price=price,
                cum_qty=vo.filled_qty,
                reason="reconciled",
            )
        )
        out.discrepancies.append(
            Discrepancy(ts, "fill_recovered", vo.symbol, f"{cid}: {qty} lots at {price} ticks")
        )
    elif vo.filled_qty < filled:
        out.discrepancies.append(
            Discrepancy(
                ts,
                "fill_excess",
                vo.symbol,
                f"{cid}: bot booked {filled} lots, venue filled {vo.filled_qty}",
            )
        )
    if status.is_terminal:
        return
    if vo.status in _TERMINAL_REPORT:
        out.reports.append(
            ExecutionReport(
                cid,
                _TERMINAL_REPORT[vo.status],
                ts,
                venue_order_id=vo.venue_order_id,
                reason="reconciled",
            )
        )
    elif vo.status.is_working and status in (OrderStatus.NEW, OrderStatus.UNKNOWN):
        out.reports.append(
            ExecutionReport(cid, ReportKind.ACCEPTED, ts, venue_order_id=vo.venue_order_id)
        )


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
