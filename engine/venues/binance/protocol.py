"""Binance wire shapes common to USD-M and spot (msgspec Structs, JSON).

So far the ``exchangeInfo`` answer (``GET /fapi/v1/exchangeInfo``,
``GET /api/v3/exchangeInfo``): rate limits, symbols and their filters. A symbol's
``filters`` stay plain dicts here: each filter type has its own fields, and a type
this module does not know must be skipped rather than fail the whole answer;
:mod:`engine.venues.binance.filters` converts the known ones into the Structs below.
Numbers are strings on the wire (``"0.10"``) and are kept as text until
``filters`` makes them Decimals. Field names follow the official SDK models
(binance-sdk-derivatives-trading-usds-futures 18.1.0, binance-sdk-spot 13.3.0).
"""

from __future__ import annotations

from typing import Any

import msgspec


class RateLimitWire(msgspec.Struct, frozen=True, rename="camel"):
    """``{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400}``."""

    rate_limit_type: str
    interval: str
    interval_num: int
    limit: int


class SymbolWire(msgspec.Struct, frozen=True, rename="camel"):
    """One ``symbols[]`` entry; USD-M also lists ``timeInForce``, spot does not."""

    symbol: str
    status: str
    filters: list[dict[str, Any]] = []
    order_types: list[str] = []
    time_in_force: list[str] = []


class ExchangeInfoWire(msgspec.Struct, frozen=True, rename="camel"):
    symbols: list[SymbolWire] = []
    rate_limits: list[RateLimitWire] = []


# -- symbol filters (``filterType`` picks one) ---------------------------------------


class PriceFilterWire(msgspec.Struct, frozen=True, rename="camel"):
    """PRICE_FILTER: ``minPrice``/``maxPrice`` (0 = off) and ``tickSize``."""

    tick_size: str
    min_price: str = "0"
    max_price: str = "0"


class LotSizeWire(msgspec.Struct, frozen=True, rename="camel"):
    """LOT_SIZE and MARKET_LOT_SIZE (whose ``stepSize`` is 0 on spot): min, max, step."""

    step_size: str
    min_qty: str = "0"
    max_qty: str = "0"


class UsdmMinNotionalWire(msgspec.Struct, frozen=True):
    """USD-M MIN_NOTIONAL: ``{"filterType":"MIN_NOTIONAL","notional":"100"}``."""

    notional: str


class SpotMinNotionalWire(msgspec.Struct, frozen=True, rename="camel"):
    """Spot's older MIN_NOTIONAL: ``minNotional``, ``applyToMarket``, ``avgPriceMins``."""

    min_notional: str
    apply_to_market: bool = True
    avg_price_mins: int = 0


class NotionalWire(msgspec.Struct, frozen=True, rename="camel"):
    """Spot NOTIONAL: a min and a max, each applied to market orders or not."""

    min_notional: str = "0"
    apply_min_to_market: bool = True
    max_notional: str = "0"
    apply_max_to_market: bool = False
    avg_price_mins: int = 0


class PercentPriceWire(msgspec.Struct, frozen=True, rename="camel"):
    """PERCENT_PRICE: USD-M against the mark price (buys capped by ``multiplierUp``,
    sells floored by ``multiplierDown``); spot's both ways against the average price."""

    multiplier_up: str
    multiplier_down: str
    avg_price_mins: int = 0


class PercentPriceBySideWire(msgspec.Struct, frozen=True, rename="camel"):
    """Spot PERCENT_PRICE_BY_SIDE: a band per side around the average price."""

    bid_multiplier_up: str
    bid_multiplier_down: str
    ask_multiplier_up: str
    ask_multiplier_down: str
    avg_price_mins: int = 0


class MaxNumOrdersWire(msgspec.Struct, frozen=True, rename="camel"):
    """MAX_NUM_ORDERS: USD-M names the count ``limit``, spot ``maxNumOrders``."""

    limit: int = 0
    max_num_orders: int = 0
