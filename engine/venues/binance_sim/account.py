"""The simulated Binance USD-M account: orders by orderId / clientOrderId, one-way position.

Orders fill through :class:`engine.paper.PaperVenue` (zero latency) against the
static book. Binance's own rules sit in front of the paper model:

- ``newClientOrderId`` must match ``^[.A-Z:/a-z0-9_-]{1,36}$`` (-4015) and may
  not name an open order (-4116); a closed order's id may be reused.
- ``reduceOnly=true`` that would open or increase the position: -2022.
- GTX that would take: -5022; FOK that cannot fill in full now: -5021. Neither
  leaves an order behind (Binance records neither).
- IOC/MARKET remainders end EXPIRED; a cancelled order is CANCELED.

Paper client ids are the Binance ``orderId`` as text, so Binance's reuse of a
closed client id never meets the paper venue's own uniqueness rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import TimeInForce
from engine.model.instrument import plain
from engine.paper import NO_LIMIT
from engine.paper import PaperConfig
from engine.paper import PaperVenue
from engine.paper import take
from engine.paper.matching import would_take
from engine.venues.binance_sim.errors import BinanceSimError
from engine.venues.binance_sim.market import StaticBook
from engine.venues.binance_sim.params import ascii_int
from engine.venues.binance_sim.params import mandatory

CLIENT_ID = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
DECIMAL_TEXT = re.compile(r"^([0-9]{1,20})(\.[0-9]{1,20})?$")
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})
_TIFS = {
    "GTC": TimeInForce.GTC,
    "IOC": TimeInForce.IOC,
    "FOK": TimeInForce.FOK,
    "GTX": TimeInForce.GTC,
}
_EXPIRY_REASONS = frozenset({"ioc_remainder", "no_liquidity", "fok_unfilled"})


@dataclass(frozen=True, slots=True)
class NewOrder:
    """A parsed ``POST /fapi/v1/order``: sizes in lots, price in ticks (0 for MARKET)."""

    client_id: str
    side: Side
    type: str  # LIMIT | MARKET
    tif: str  # GTC | IOC | FOK | GTX
    qty: int
    price: int
    reduce_only: bool
    resp_type: str  # ACK | RESULT


class BinanceOrder:
    """The account's record of one accepted order."""

    __slots__ = (
        "client_id",
        "cost",
        "executed",
        "order_id",
        "price",
        "qty",
        "reduce_only",
        "side",
        "status",
        "tif",
        "time_ms",
        "type",
        "update_ms",
    )

    def __init__(self, order_id: int, new: NewOrder, now_ms: int) -> None:
        self.order_id = order_id
        self.client_id = new.client_id
        self.side = new.side
        self.type = new.type
        self.tif = new.tif
        self.qty = new.qty
        self.price = new.price
        self.reduce_only = new.reduce_only
        self.status = "NEW"
        self.executed = 0
        self.cost = 0  # sum of ticks x lots
        self.time_ms = now_ms
        self.update_ms = now_ms

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_json(self, ins: Instrument) -> dict[str, object]:
        """Binance's order object: SDK-F ``new_order_response`` + avgPrice, cumQuote, time."""
        executed = _text(ins.qty(self.executed))
        avg = (self.cost * ins.price_increment / self.executed) if self.executed else Decimal(0)
        return {
            "orderId": self.order_id,
            "symbol": ins.symbol,
            "status": self.status,
            "clientOrderId": self.client_id,
            "price": _text(ins.price(self.price)),
            "avgPrice": _text(avg.quantize(Decimal("1e-8")).normalize()),
            "origQty": _text(ins.qty(self.qty)),
            "executedQty": executed,
            "cumQty": executed,
            "cumQuote": _text(self.cost * ins.price_increment * ins.size_increment),
            "timeInForce": self.tif,
            "type": self.type,
            "reduceOnly": self.reduce_only,
            "closePosition": False,
            "side": self.side.name,
            "positionSide": "BOTH",
            "stopPrice": "0",
            "workingType": "CONTRACT_PRICE",
            "priceProtect": False,
            "origType": self.type,
            "priceMatch": "NONE",
            "selfTradePreventionMode": "EXPIRE_MAKER",
            "goodTillDate": 0,
            "time": self.time_ms,
            "updateTime": self.update_ms,
        }


def _text(value: Decimal) -> str:
    return plain(value) if value else "0"


def _units(params: Mapping[str, str], name: str, to_units: Callable[[Decimal], int]) -> int:
    """A positive decimal param in whole ticks/lots: -1102 missing, -1100 not plain digits
    (``1e-05``, signs, over 20 digits a side [verify]), -1111 off the grid."""
    text = params.get(name, "")
    if not text:
        raise mandatory(name)
    if not DECIMAL_TEXT.fullmatch(text):
        legal = DECIMAL_TEXT.pattern
        msg = f"Illegal characters found in parameter '{name}'; legal range is '{legal}'."
        raise BinanceSimError(-1100, msg)
    value = Decimal(text)
    if value <= 0:
        raise mandatory(name)
    try:
        return to_units(value)
    except ValueError:
        raise BinanceSimError(-1111) from None


def parse_new_order(params: Mapping[str, str], ins: Instrument, default_id: str) -> NewOrder:
    """Check and decode a new order's params (Binance's codes on failure)."""
    for name in ("symbol", "side", "type", "quantity"):
        if not params.get(name):
            raise mandatory(name)
    if params["symbol"] != ins.symbol:
        raise BinanceSimError(-1121)
    side = {"BUY": Side.BUY, "SELL": Side.SELL}.get(params["side"])
    if side is None:
        raise BinanceSimError(-1117)
    kind = params["type"]
    if kind not in ("LIMIT", "MARKET"):
        raise BinanceSimError(-1116)
    tif = params.get("timeInForce", "")
    if kind == "LIMIT":
        if not tif:
            raise mandatory("timeInForce")
        if tif not in _TIFS:
            raise BinanceSimError(-1115)
    client_id = params.get("newClientOrderId") or default_id
    if not CLIENT_ID.fullmatch(client_id):
        raise BinanceSimError(-4015)
    reduce_only = params.get("reduceOnly", "false").lower()
    resp_type = params.get("newOrderRespType", "ACK")
    if reduce_only not in ("true", "false") or resp_type not in ("ACK", "RESULT"):
        raise mandatory(
            "reduceOnly" if reduce_only not in ("true", "false") else "newOrderRespType"
        )
    return NewOrder(
        client_id=client_id,
        side=side,
        type=kind,
        tif=tif if kind == "LIMIT" else "GTC",
        qty=_units(params, "quantity", ins.lots),
        price=_units(params, "price", ins.ticks) if kind == "LIMIT" else 0,
        reduce_only=reduce_only == "true",
        resp_type=resp_type,
    )


class BinanceAccount:
    """One account, one symbol, one-way mode: orders and the signed position in lots."""

    def __init__(self, book: StaticBook, paper: PaperConfig) -> None:
        self.book = book
        self.instrument = book.instrument
        self.position = 0
        self._paper = PaperVenue([self.instrument], paper)
        self._paper.attach(self.instrument.symbol, book)
        self._orders: dict[int, BinanceOrder] = {}
        self._by_client: dict[str, BinanceOrder] = {}  # latest order with each client id
        self._next_id = 1

    # -- orders ------------------------------------------------------------------------

    def place(self, params: Mapping[str, str], now_ms: int) -> dict[str, object]:
        """``POST /fapi/v1/order``: the ACK (as accepted) or RESULT (after matching) object."""
        new = parse_new_order(params, self.instrument, f"sim_{self._next_id}")
        previous = self._by_client.get(new.client_id)
        if previous is not None and previous.is_open:
            raise BinanceSimError(-4116)
        self._check_reduce_only(new)
        self._check_time_in_force(new)
        record = BinanceOrder(self._next_id, new, now_ms)
        self._next_id += 1
        self._orders[record.order_id] = record
        self._by_client[new.client_id] = record
        ack = record.to_json(self.instrument)
        order = Order(
            ClientOrderId(str(record.order_id)),
            self.instrument.symbol,
            new.side,
            new.qty,
            OrderType.POST_ONLY if new.tif == "GTX" else _order_type(new.type),
            _TIFS[new.tif] if new.type == "LIMIT" else TimeInForce.IOC,
            new.price,
            OrderStatus.NEW,
            0,
            0.0,
            now_ms * 1_000_000,
            now_ms * 1_000_000,
            reduce_only=new.reduce_only,
        )
        self._paper.submit(order, now_ms * 1_000_000)
        self._drain(now_ms)
        return ack if new.resp_type == "ACK" else record.to_json(self.instrument)

    def _check_reduce_only(self, new: NewOrder) -> None:
        if not new.reduce_only:
            return
        reducible = -self.position if new.side is Side.BUY else self.position
        if reducible <= 0 or new.qty > reducible:
            raise BinanceSimError(-2022)

    def _check_time_in_force(self, new: NewOrder) -> None:
        book, side = self.book, new.side
        if new.tif == "GTX" and would_take(book, side, new.price):
            raise BinanceSimError(-5022)
        if new.tif == "FOK":
            fills = take(book, side, new.qty, limit=new.price or NO_LIMIT, walk=False)
            if sum(lots for _, lots in fills) < new.qty:
                raise BinanceSimError(-5021)

    def cancel(self, params: Mapping[str, str], now_ms: int) -> dict[str, object]:
        """``DELETE /fapi/v1/order``: the CANCELED order; -2011 if unknown or closed."""
        record = self._find(params, -2011)
        if not record.is_open:
            raise BinanceSimError(-2011)
        self._paper.cancel(ClientOrderId(str(record.order_id)), now_ms * 1_000_000)
        self._drain(now_ms)
        return record.to_json(self.instrument)

    def query(self, params: Mapping[str, str]) -> dict[str, object]:
        """``GET /fapi/v1/order``: the order in any status; -2013 if unknown."""
        return self._find(params, -2013).to_json(self.instrument)

    def open_orders(self, params: Mapping[str, str]) -> list[dict[str, object]]:
        """``GET /fapi/v1/openOrders``, oldest first."""
        self._check_symbol(params, required=False)
        ins = self.instrument
        return [o.to_json(ins) for o in self._orders.values() if o.is_open]

    def cancel_all(self, params: Mapping[str, str], now_ms: int) -> dict[str, object]:
        """``DELETE /fapi/v1/allOpenOrders``: every open order of the symbol cancelled."""
        self._check_symbol(params, required=True)
        for record in [o for o in self._orders.values() if o.is_open]:
            self._paper.cancel(ClientOrderId(str(record.order_id)), now_ms * 1_000_000)
        self._drain(now_ms)
        return {"code": 200, "msg": "The operation of cancel all open order is done."}

    def open_count(self) -> int:
        return sum(1 for o in self._orders.values() if o.is_open)

    # -- internals ---------------------------------------------------------------------

    def _check_symbol(self, params: Mapping[str, str], *, required: bool) -> None:
        symbol = params.get("symbol")
        if symbol is None and required:
            raise mandatory("symbol")
        if symbol is not None and symbol != self.instrument.symbol:
            raise BinanceSimError(-1121)

    def _find(self, params: Mapping[str, str], unknown: int) -> BinanceOrder:
        self._check_symbol(params, required=True)
        order_id, client_id = params.get("orderId"), params.get("origClientOrderId")
        if not order_id and not client_id:
            raise BinanceSimError(-1102, "Either orderId or origClientOrderId must be sent.")
        if order_id:
            number = ascii_int(order_id)  # not [0-9]{1,19}: no such order, as before
            record = None if number is None else self._orders.get(number)
            if record is not None and client_id and record.client_id != client_id:
                record = None
        else:
            record = self._by_client.get(client_id or "")
        if record is None:
            raise BinanceSimError(unknown)
        return record

    def _drain(self, now_ms: int) -> None:
        for report in self._paper.advance(now_ms * 1_000_000):
            self._apply(report, now_ms)

    def _apply(self, report: ExecutionReport, now_ms: int) -> None:
        record = self._orders[int(report.client_order_id)]
        kind = report.kind
        if kind is ReportKind.FILL:
            record.executed += report.last_qty
            record.cost += report.last_price * report.last_qty
            record.status = "FILLED" if record.executed == record.qty else "PARTIALLY_FILLED"
            self.position += int(record.side) * report.last_qty
        elif kind is ReportKind.CANCELLED:
            record.status = "EXPIRED" if report.reason in _EXPIRY_REASONS else "CANCELED"
        elif kind is ReportKind.EXPIRED:
            record.status = "EXPIRED"
        elif kind is ReportKind.REJECTED:
            record.status = "REJECTED"
        else:
            return
        record.update_ms = now_ms


def _order_type(kind: str) -> OrderType:
    return OrderType.MARKET if kind == "MARKET" else OrderType.LIMIT
