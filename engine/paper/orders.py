"""The venue's mutable record of one accepted order, and per-symbol resting queues."""

from __future__ import annotations

from bisect import insort

import msgspec

from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import VenueOrderId


class Working:
    """An accepted order as the paper venue tracks it (mutable, venue-private)."""

    __slots__ = (
        "client_order_id",
        "cost",
        "filled",
        "instrument",
        "key",
        "order",
        "price",
        "qty",
        "reason",
        "seq",
        "side",
        "status",
        "symbol",
        "tif",
        "updated_ts",
        "venue_order_id",
    )

    def __init__(
        self, order: Order, instrument: Instrument, seq: int, venue_order_id: VenueOrderId, ts: int
    ) -> None:
        self.order = order
        self.client_order_id = order.client_order_id
        self.instrument = instrument
        self.symbol = order.symbol
        self.side = order.side
        self.price = order.price
        self.qty = order.qty
        self.tif = order.tif
        self.seq = seq
        self.venue_order_id = venue_order_id
        self.filled = 0
        self.cost = 0  # sum of price x lots over fills, in tick-lots
        self.status = OrderStatus.ACCEPTED
        self.reason = ""
        self.updated_ts = ts
        # price-time priority: best price first, then arrival
        self.key = (-order.price if order.side is Side.BUY else order.price, seq)

    def report(self, kind: ReportKind, ts: int, reason: str = "") -> ExecutionReport:
        """A non-fill report carrying the cumulative filled quantity."""
        return ExecutionReport(
            self.client_order_id,
            kind,
            ts,
            venue_order_id=self.venue_order_id,
            cum_qty=self.filled,
            reason=reason,
        )

    def fill_report(
        self, exec_id: str, *, price: int, lots: int, fee: int, liquidity: LiquiditySide, ts: int
    ) -> ExecutionReport:
        return ExecutionReport(
            self.client_order_id,
            ReportKind.FILL,
            ts,
            exec_id=ExecutionId(exec_id),
            venue_order_id=self.venue_order_id,
            last_qty=lots,
            last_price=price,
            fee=fee,
            liquidity=liquidity,
            cum_qty=self.filled,
        )

    def snapshot(self) -> Order:
        return msgspec.structs.replace(
            self.order,
            status=self.status,
            filled_qty=self.filled,
            avg_fill_price=self.cost / self.filled if self.filled else 0.0,
            updated_ts=self.updated_ts,
            venue_order_id=self.venue_order_id,
            reason=self.reason,
        )


_NO_SELL = 1 << 62


def _priority(w: Working) -> tuple[int, int]:
    return w.key


class Resting:
    """One symbol's resting orders: buys and sells, each in priority order.

    ``buy_trigger``/``sell_trigger`` pre-filter the tick path: only an ask (or
    print) below ``buy_trigger``, or a bid (or print) above ``sell_trigger``,
    can reach the head of a queue. Call :meth:`refresh` after popping heads.
    """

    __slots__ = ("_touch", "buy_trigger", "buys", "sell_trigger", "sells")

    def __init__(self, on_touch: bool) -> None:
        self._touch = 1 if on_touch else 0
        self.buys: list[Working] = []
        self.sells: list[Working] = []
        self.buy_trigger = 0
        self.sell_trigger = _NO_SELL

    @property
    def empty(self) -> bool:
        return not self.buys and not self.sells

    def add(self, w: Working) -> None:
        insort(self.buys if w.side is Side.BUY else self.sells, w, key=_priority)
        self.refresh()

    def remove(self, w: Working) -> None:
        (self.buys if w.side is Side.BUY else self.sells).remove(w)
        self.refresh()

    def refresh(self) -> None:
        self.buy_trigger = self.buys[0].price + self._touch if self.buys else 0
        self.sell_trigger = self.sells[0].price - self._touch if self.sells else _NO_SELL

    def orders(self) -> list[Working]:
        return self.buys + self.sells
