"""Binance ``exchangeInfo`` -> per-symbol rules -> model instruments with venue filters.

:func:`parse_exchange_info` decodes a USD-M or spot answer into :class:`SymbolRules`
(Decimals, as Binance states them) and the rate limits. The filters read are
PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL (USD-M ``notional``; spot's
older ``minNotional``/``applyToMarket``), NOTIONAL (spot), PERCENT_PRICE (USD-M:
buys <= mark x up, sells >= mark x down; spot: both bounds on both sides),
PERCENT_PRICE_BY_SIDE (spot) and MAX_NUM_ORDERS; any other type is skipped.

:func:`to_instrument` turns the rules into an :class:`Instrument` whose tick and lot
are PRICE_FILTER's ``tickSize`` and LOT_SIZE's ``stepSize`` and whose ``filters``
the risk gate enforces. It fails closed (:class:`SymbolRefusedError`, one line with the
reason) on a symbol not TRADING, without a price or lot grid, or whose minimums or
market step are off that grid. Bounds that do not fall on the core's units round to
the strict side (a minimum up, a maximum or a band down), never looser than Binance.
On USD-M a reduce-only order is exempt from MIN_NOTIONAL (error -4164 reads "Order's
notional must be no smaller than %s (unless you choose reduce only)"); that is the only
exemption, so the gate still denies an exit Binance would refuse: a USD-M close over
MARKET_LOT_SIZE maxQty (the gate's entry rule keeps positions within it) and a spot exit
under the minimum notional (dust, left to the venue adapter).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import Decimal
from typing import Any
from typing import Literal

import msgspec

from engine.model.ids import Symbol
from engine.model.instrument import MONEY_SCALE
from engine.model.instrument import MULTIPLIER_SCALE
from engine.model.instrument import Instrument
from engine.model.instrument import VenueFilters
from engine.venues.binance.protocol import ExchangeInfoWire
from engine.venues.binance.protocol import LotSizeWire
from engine.venues.binance.protocol import MaxNumOrdersWire
from engine.venues.binance.protocol import NotionalWire
from engine.venues.binance.protocol import PercentPriceBySideWire
from engine.venues.binance.protocol import PercentPriceWire
from engine.venues.binance.protocol import PriceFilterWire
from engine.venues.binance.protocol import RateLimitWire
from engine.venues.binance.protocol import SpotMinNotionalWire
from engine.venues.binance.protocol import SymbolWire
from engine.venues.binance.protocol import UsdmMinNotionalWire

Product = Literal["usdm", "spot"]
ZERO = Decimal(0)


class SymbolRefusedError(ValueError):
    """A symbol the bot must not trade (not TRADING, or rules it cannot represent)."""


class SymbolRules(msgspec.Struct, frozen=True, kw_only=True):
    """One symbol's order rules as Binance states them; 0 (or None) switches one off.

    ``pct_up``/``pct_down`` are USD-M's PERCENT_PRICE (and spot's plain one); the
    ``bid_*``/``ask_*`` multipliers are spot's PERCENT_PRICE_BY_SIDE, kept apart.
    """

    product: Product
    symbol: str
    status: str
    tick: Decimal = ZERO
    min_price: Decimal = ZERO
    max_price: Decimal = ZERO
    step: Decimal = ZERO
    min_qty: Decimal = ZERO
    max_qty: Decimal = ZERO
    market_step: Decimal = ZERO
    market_min_qty: Decimal = ZERO
    market_max_qty: Decimal = ZERO
    min_notional: Decimal = ZERO
    max_notional: Decimal | None = None
    apply_min_to_market: bool = True
    apply_max_to_market: bool = False
    pct_up: Decimal = ZERO
    pct_down: Decimal = ZERO
    bid_up: Decimal | None = None
    bid_down: Decimal | None = None
    ask_up: Decimal | None = None
    ask_down: Decimal | None = None
    max_num_orders: int = 0
    order_types: frozenset[str] = frozenset()
    tifs: frozenset[str] = frozenset()


def parse_exchange_info(
    body: bytes, product: Product
) -> tuple[list[SymbolRules], list[RateLimitWire]]:
    """Every symbol's rules (whatever its status) and the rate limits of an answer."""
    info = msgspec.json.decode(body, type=ExchangeInfoWire)
    return [_rules(s, product) for s in info.symbols], list(info.rate_limits)


def _rules(sym: SymbolWire, product: Product) -> SymbolRules:
    fields: dict[str, Any] = {}
    for raw in sym.filters:
        kind = str(raw.get("filterType"))
        reader = _READERS.get((product, kind)) or _READERS.get((None, kind))
        if reader is not None:
            fields.update(reader(raw))
    return SymbolRules(
        product=product,
        symbol=sym.symbol,
        status=sym.status,
        order_types=frozenset(sym.order_types),
        tifs=frozenset(sym.time_in_force),
        **fields,
    )


def _price(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, PriceFilterWire)
    return {
        "tick": _dec(w.tick_size),
        "min_price": _dec(w.min_price),
        "max_price": _dec(w.max_price),
    }


def _lot(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, LotSizeWire)
    return {"step": _dec(w.step_size), "min_qty": _dec(w.min_qty), "max_qty": _dec(w.max_qty)}


def _market_lot(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, LotSizeWire)
    return {
        "market_step": _dec(w.step_size),
        "market_min_qty": _dec(w.min_qty),
        "market_max_qty": _dec(w.max_qty),
    }


def _usdm_min_notional(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, UsdmMinNotionalWire)
    return {"min_notional": _dec(w.notional), "apply_min_to_market": True}


def _spot_min_notional(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, SpotMinNotionalWire)
    return {"min_notional": _dec(w.min_notional), "apply_min_to_market": w.apply_to_market}


def _notional(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, NotionalWire)
    top = _dec(w.max_notional)
    return {
        "min_notional": _dec(w.min_notional),
        "apply_min_to_market": w.apply_min_to_market,
        "max_notional": top if top else None,
        "apply_max_to_market": w.apply_max_to_market,
    }


def _percent(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, PercentPriceWire)
    return {"pct_up": _dec(w.multiplier_up), "pct_down": _dec(w.multiplier_down)}


def _by_side(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, PercentPriceBySideWire)
    return {
        "bid_up": _dec(w.bid_multiplier_up),
        "bid_down": _dec(w.bid_multiplier_down),
        "ask_up": _dec(w.ask_multiplier_up),
        "ask_down": _dec(w.ask_multiplier_down),
    }


def _max_orders(raw: dict[str, Any]) -> dict[str, Any]:
    w = msgspec.convert(raw, MaxNumOrdersWire)
    return {"max_num_orders": w.limit or w.max_num_orders}


_READERS: dict[tuple[str | None, str], Callable[[dict[str, Any]], dict[str, Any]]] = {
    (None, "PRICE_FILTER"): _price,
    (None, "LOT_SIZE"): _lot,
    (None, "MARKET_LOT_SIZE"): _market_lot,
    ("usdm", "MIN_NOTIONAL"): _usdm_min_notional,
    ("spot", "MIN_NOTIONAL"): _spot_min_notional,
    ("spot", "NOTIONAL"): _notional,
    (None, "PERCENT_PRICE"): _percent,
    ("spot", "PERCENT_PRICE_BY_SIDE"): _by_side,
    (None, "MAX_NUM_ORDERS"): _max_orders,
}


def _dec(text: str) -> Decimal:
    """A wire number; refuses anything but a finite, non-negative decimal."""
    value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise SymbolRefusedError(f"not a usable filter value: {text!r}")
    return value


# -- rules -> instrument ------------------------------------------------------------


def to_instrument(rules: SymbolRules, venue: str) -> Instrument:
    """The model instrument for ``rules``; :class:`SymbolRefusedError` when it must not trade."""
    name = rules.symbol
    if rules.status != "TRADING":
        raise SymbolRefusedError(f"{name}: status {rules.status}, not TRADING: refused")
    tick, step = rules.tick, rules.step
    if not tick or not step:
        raise SymbolRefusedError(f"{name}: no PRICE_FILTER tickSize or LOT_SIZE stepSize: refused")
    for what, value, unit in (
        ("minPrice", rules.min_price, tick),
        ("minQty", rules.min_qty, step),
        ("market stepSize", rules.market_step, step),
        ("market minQty", rules.market_min_qty, step),
    ):
        if value % unit:
            raise SymbolRefusedError(f"{name}: {what} {value} is off the grid {unit}: refused")
    try:
        return Instrument(
            symbol=Symbol(name),
            price_increment=tick,
            size_increment=step,
            venue=venue,
            min_lots=max(1, _up(rules.min_qty / step)),
            filters=to_venue_filters(rules),
        )
    except ValueError as exc:  # a grid finer than the money unit
        raise SymbolRefusedError(f"{exc}: refused") from exc


def to_venue_filters(rules: SymbolRules) -> VenueFilters:
    """The rules in the core's units (ticks, lots, nanos, billionths), strict side."""
    tick, step = rules.tick, rules.step
    usdm = rules.product == "usdm"
    if usdm:  # one-sided: buys capped above the mark, sells floored below it
        buy_up, buy_down, sell_up, sell_down = rules.pct_up, ZERO, ZERO, rules.pct_down
    elif rules.bid_up is not None:
        buy_up, buy_down = rules.bid_up, rules.bid_down or ZERO
        sell_up, sell_down = rules.ask_up or ZERO, rules.ask_down or ZERO
    else:
        buy_up = sell_up = rules.pct_up
        buy_down = sell_down = rules.pct_down
    top = rules.max_notional
    return VenueFilters(
        min_price=_up(rules.min_price / tick),
        max_price=_down(rules.max_price / tick),
        min_lots=_up(rules.min_qty / step),
        max_lots=_down(rules.max_qty / step),
        market_min_lots=_up(rules.market_min_qty / step),
        market_max_lots=_down(rules.market_max_qty / step),
        min_notional=_up(rules.min_notional * MONEY_SCALE),
        max_notional=_down(top * MONEY_SCALE) if top else 0,
        min_notional_market=rules.apply_min_to_market,
        max_notional_market=rules.apply_max_to_market,
        reduce_only_exempt=usdm,
        buy_up=_down(buy_up * MULTIPLIER_SCALE),
        buy_down=_up(buy_down * MULTIPLIER_SCALE),
        sell_up=_down(sell_up * MULTIPLIER_SCALE),
        sell_down=_up(sell_down * MULTIPLIER_SCALE),
        max_num_orders=rules.max_num_orders,
        ref="mark" if usdm else "avg",
    )


def _up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _down(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))
