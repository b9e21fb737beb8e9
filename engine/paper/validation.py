"""Why the paper venue refuses an order on arrival (pure; empty string = valid)."""

from __future__ import annotations

from engine.model import Instrument
from engine.model import Order
from engine.model import OrderType
from engine.model import TimeInForce


def rejection_reason(order: Order, instrument: Instrument | None, duplicate: bool) -> str:
    """The reject reason for ``order``, or "" when the venue accepts it.

    Prices and sizes are integer ticks and lots, so a non-integer price is off
    the tick grid. Post-only orders must be able to rest (GTC or DAY).
    """
    if duplicate:
        return "duplicate_client_order_id"
    if instrument is None:
        return "unknown_symbol"
    if type(order.qty) is not int or order.qty <= 0:
        return "invalid_qty"
    if order.qty < instrument.min_lots:
        return "qty_below_min"
    if order.order_type is not OrderType.MARKET:
        if type(order.price) is not int:
            return "off_grid_price"
        if order.price <= 0:
            return "invalid_price"
        if order.order_type is OrderType.POST_ONLY and order.tif in (
            TimeInForce.IOC,
            TimeInForce.FOK,
        ):
            return "post_only_requires_gtc_or_day"
    return ""
