"""Order intents, orders, execution reports and fills."""

from __future__ import annotations

import msgspec

from engine.model.enums import LiquiditySide
from engine.model.enums import OrderStatus
from engine.model.enums import OrderType
from engine.model.enums import ReportKind
from engine.model.enums import Side
from engine.model.enums import TimeInForce
from engine.model.ids import ClientOrderId
from engine.model.ids import ExecutionId
from engine.model.ids import Symbol
from engine.model.ids import VenueOrderId


class OrderIntent(msgspec.Struct, frozen=True):
    """What the trader wants sent; every intent passes the risk gate first.

    ``price`` is the limit price in ticks (0 for market orders). ``decision_mid2``
    is twice the mid in ticks when the decision was taken (for slippage).
    """

    symbol: Symbol
    side: Side
    qty: int
    order_type: OrderType = OrderType.MARKET
    tif: TimeInForce = TimeInForce.GTC
    price: int = 0
    reduce_only: bool = False
    is_entry: bool = True
    decision_mid2: int = 0
    reason: str = ""


class Order(msgspec.Struct, frozen=True):
    """A snapshot of one order as the order manager knows it."""

    client_order_id: ClientOrderId
    symbol: Symbol
    side: Side
    qty: int
    order_type: OrderType
    tif: TimeInForce
    price: int
    status: OrderStatus
    filled_qty: int
    avg_fill_price: float
    created_ts: int
    updated_ts: int
    venue_order_id: VenueOrderId | None = None
    is_entry: bool = True
    reduce_only: bool = False
    reason: str = ""
    decision_mid2: int = 0  # twice the mid (ticks) when the order was decided

    @property
    def leaves_qty(self) -> int:
        return self.qty - self.filled_qty if self.status.is_working else 0


class ExecutionReport(msgspec.Struct, frozen=True):
    """A venue's (or the shell's) statement about an order.

    Fills carry ``exec_id`` (unique per venue), ``last_qty``, ``last_price`` and
    ``fee`` (money nanos, negative for a rebate). ``cum_qty`` is the venue's
    cumulative filled quantity when it tells it (-1 when unknown).
    """

    client_order_id: ClientOrderId
    kind: ReportKind
    ts: int
    exec_id: ExecutionId | None = None
    venue_order_id: VenueOrderId | None = None
    last_qty: int = 0
    last_price: int = 0
    fee: int = 0
    liquidity: LiquiditySide = LiquiditySide.TAKER
    cum_qty: int = -1
    reason: str = ""


class Fill(msgspec.Struct, frozen=True):
    """One execution applied to the portfolio."""

    client_order_id: ClientOrderId
    exec_id: ExecutionId
    symbol: Symbol
    side: Side
    qty: int
    price: int
    fee: int
    liquidity: LiquiditySide
    ts: int
    is_entry: bool = True
