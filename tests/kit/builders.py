"""Builders of plain model values: one ``order()``, one ``fill()``, one ``fill_applied()``.

Every field has a default a test overrides by name; a folder whose tests share other
defaults binds them once with :func:`functools.partial` (or a two-line wrapper when a
field is derived from another), never with a second copy of the constructor call.
Units are the engine's: prices in ticks, quantities in lots, money in nanos.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import Fill
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model.events import FillApplied

BTC = Symbol("BTCUSDT")


def instrument(symbol: str, price_increment: str = "0.01", size_increment: str = "1") -> Instrument:
    """An instrument with its increments given as decimal strings."""
    return Instrument(
        symbol=Symbol(symbol),
        price_increment=Decimal(price_increment),
        size_increment=Decimal(size_increment),
    )


def order(
    cid: str = "sb-1",
    side: Side = Side.BUY,
    qty: int = 1,
    order_type: OrderType = OrderType.MARKET,
    tif: TimeInForce = TimeInForce.GTC,
    price: int = 0,
    symbol: Symbol = BTC,
    *,
    status: OrderStatus = OrderStatus.NEW,
    filled_qty: int = 0,
    avg_fill_price: float = 0.0,
    created_ts: int = 0,
    updated_ts: int = 0,
    **changes: Any,
) -> Order:
    """An order snapshot; ``changes`` sets the optional fields (venue_order_id, reason, ...)."""
    base = Order(
        client_order_id=ClientOrderId(cid),
        symbol=symbol,
        side=side,
        qty=qty,
        order_type=order_type,
        tif=tif,
        price=price,
        status=status,
        filled_qty=filled_qty,
        avg_fill_price=avg_fill_price,
        created_ts=created_ts,
        updated_ts=updated_ts,
    )
    return msgspec.structs.replace(base, **changes) if changes else base


def fill(
    cid: str = "c1",
    side: Side = Side.BUY,
    qty: int = 1,
    price: int = 0,
    *,
    exec_id: str | None = None,
    symbol: Symbol = BTC,
    fee: int = 0,
    liquidity: LiquiditySide = LiquiditySide.TAKER,
    ts: int = 0,
    is_entry: bool = True,
) -> Fill:
    """One execution; its exec id is ``x-<cid>`` unless given."""
    return Fill(
        client_order_id=ClientOrderId(cid),
        exec_id=ExecutionId(f"x-{cid}" if exec_id is None else exec_id),
        symbol=symbol,
        side=side,
        qty=qty,
        price=price,
        fee=fee,
        liquidity=liquidity,
        ts=ts,
        is_entry=is_entry,
    )


def fill_applied(f: Fill, realized_pnl: int = 0, position_qty: int = 0) -> FillApplied:
    """The event the portfolio publishes for ``f``, stamped with the fill's time."""
    return FillApplied(f.ts, f, realized_pnl, position_qty)
