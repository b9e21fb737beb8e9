"""Parsing REST parameters and bodies into model units, with Alpaca's 4xx answers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

import msgspec
from aiohttp import web

from engine.model import OffGridError
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.venues.sim.errors import ApiError
from engine.venues.sim.errors import unprocessable
from engine.venues.sim.orders import OrderRequest
from engine.venues.sim.protocol import Units
from engine.venues.sim.protocol import parse_time

_TYPES = {"market": OrderType.MARKET, "limit": OrderType.LIMIT}
_TIFS = {t.value: t for t in TimeInForce}
_UNSUPPORTED_TYPES = ("stop", "stop_limit", "trailing_stop")
_NOT_SET = (None, "")
MAX_NUMBER_CHARS = 40
"""A number's text longer than this is refused before it is parsed."""
MAX_MAGNITUDE = 18
"""A number's decimal exponent (``Decimal.adjusted``) beyond +-this is refused: working
with 1e999999 would hold the venue's loop for tens of seconds."""


def order_request(body: dict[str, Any], units_by_symbol: dict[Symbol, Units]) -> OrderRequest:
    """The request for ``Account.submit`` from a ``POST /v2/orders`` body (422 if bad).

    Accepts what Alpaca accepts for market and limit orders; Alpaca's other
    order types, classes and times in force are refused as unsupported.
    """
    symbol = body.get("symbol")
    if not isinstance(symbol, str) or not symbol:
        raise unprocessable("symbol is required")
    units = units_by_symbol.get(Symbol(symbol))
    if units is None:
        raise unprocessable(f'asset "{symbol}" not found')
    inst = units.instrument
    if body.get("notional") not in _NOT_SET:
        raise unprocessable("notional orders are not supported by the simulator")
    lots = units_param(body.get("qty"), "qty", inst.lots, inst.size_increment)
    if lots <= 0:
        raise unprocessable("qty must be > 0")
    if lots < inst.min_lots:
        raise unprocessable(f"qty must be >= {units.qty_str(inst.min_lots)}")
    side = {"buy": Side.BUY, "sell": Side.SELL}.get(str(body.get("side")))
    if side is None:
        raise unprocessable("invalid side")
    order_type, tif = _type_and_tif(body)
    limit = 0
    if order_type is OrderType.LIMIT:
        if body.get("limit_price") in _NOT_SET:
            raise unprocessable("limit_price is required for limit orders")
        limit = units_param(
            body.get("limit_price"), "limit_price", inst.ticks, inst.price_increment
        )
        if limit <= 0:
            raise unprocessable("limit_price must be > 0")
    elif body.get("limit_price") not in _NOT_SET:
        raise unprocessable("limit_price is not allowed for market orders")
    coid = body.get("client_order_id")
    if coid is not None and (not isinstance(coid, str) or len(coid) > 48):
        raise unprocessable("client_order_id must be a string of at most 48 characters")
    extended = body.get("extended_hours", False)
    if not isinstance(extended, bool):
        raise unprocessable("extended_hours must be a boolean")
    if extended and (order_type is not OrderType.LIMIT or tif is not TimeInForce.DAY):
        raise unprocessable("extended hours order must be DAY limit orders")
    return OrderRequest(
        symbol=inst.symbol,
        side=side,
        order_type=order_type,
        tif=tif,
        qty=lots,
        limit=limit,
        client_order_id=coid or None,
        extended_hours=extended,
    )


def _type_and_tif(body: dict[str, Any]) -> tuple[OrderType, TimeInForce]:
    kind = str(body.get("type", body.get("order_type")))
    if kind in _UNSUPPORTED_TYPES:
        raise unprocessable(f"order type {kind} is not supported by the simulator")
    if kind not in _TYPES:
        raise unprocessable("invalid order type")
    tif_text = str(body.get("time_in_force"))
    if tif_text in ("opg", "cls"):
        raise unprocessable(f"time_in_force {tif_text} is not supported by the simulator")
    if tif_text not in _TIFS:
        raise unprocessable("invalid time_in_force")
    if body.get("order_class") not in (None, "", "simple"):
        raise unprocessable("only simple orders are supported by the simulator")
    for name in ("stop_price", "trail_price", "trail_percent"):
        if body.get(name) not in _NOT_SET:
            raise unprocessable(f"{name} is not allowed for {kind} orders")
    return _TYPES[kind], _TIFS[tif_text]


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = msgspec.json.decode(await request.read())
    except (msgspec.DecodeError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, 40010000, "request body format is invalid")
    return body


def decimal_param(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise unprocessable(f"{name} is required" if value is None else f"invalid {name}")
    text = str(value)
    if len(text) > MAX_NUMBER_CHARS:
        raise unprocessable(f"invalid {name}")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise unprocessable(f"invalid {name}") from None
    if not d.is_finite() or (d and abs(d.adjusted()) > MAX_MAGNITUDE):
        raise unprocessable(f"invalid {name}")
    return d


def units_param(value: object, name: str, convert: Callable[[Decimal], int], step: Decimal) -> int:
    d = decimal_param(value, name)
    try:
        return convert(d)
    except OffGridError:
        raise unprocessable(f"{name} must be a multiple of {step}") from None


def int_param(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise unprocessable(f"invalid {name}") from None
    if not low <= value <= high:
        raise unprocessable(f"{name} must be between {low} and {high}")
    return value


def time_param(text: str | None, name: str) -> int | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise unprocessable(f"invalid {name}") from None
