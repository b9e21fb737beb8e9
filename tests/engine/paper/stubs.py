"""Plain stand-ins for the market view and order factories used by the paper tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from tests.kit.builders import order

SYM = Symbol("BTCUSDT")
# one tick x one lot = 0.01 x 0.001 = 1e-5 quote units = 10_000 nanos
INSTRUMENT = Instrument(
    symbol=SYM, price_increment=Decimal("0.01"), size_increment=Decimal("0.001")
)


class StubDepth:
    """Best-first levels, as engine.core.book.Book returns them."""

    def __init__(self, bids: list[tuple[int, int]], asks: list[tuple[int, int]]) -> None:
        self._bids = bids
        self._asks = asks

    def bids(self, n: int = 0) -> list[tuple[int, int]]:
        return self._bids[:n] if n else self._bids

    def asks(self, n: int = 0) -> list[tuple[int, int]]:
        return self._asks[:n] if n else self._asks


@dataclass
class StubView:
    """A plain object with the attributes the paper venue reads."""

    bid: int = 0
    ask: int = 0
    bid_size: int = 0
    ask_size: int = 0
    book: StubDepth | None = None

    def set(self, bid: int, ask: int, bid_size: int = 0, ask_size: int = 0) -> None:
        self.bid, self.ask, self.bid_size, self.ask_size = bid, ask, bid_size, ask_size


def limit(coid: str, side: Side, qty: int, price: int, tif: TimeInForce = TimeInForce.GTC) -> Order:
    return order(coid, side, qty, OrderType.LIMIT, tif, price)


def kinds(reports: list[ExecutionReport]) -> list[ReportKind]:
    return [r.kind for r in reports]


def fills(reports: list[ExecutionReport]) -> list[tuple[int, int]]:
    """(price, qty) of each FILL report."""
    return [(r.last_price, r.last_qty) for r in reports if r.kind is ReportKind.FILL]
