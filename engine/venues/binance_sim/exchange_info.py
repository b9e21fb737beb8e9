"""``GET /fapi/v1/exchangeInfo`` of the simulated Binance USD-M venue.

Field names follow SDK-F ``exchange_information_response*``. The BTCUSDT
filter values are Binance's published ones for the perpetual [verify on the
testnet]: tick 0.10, step 0.001, market max 120, min notional 100 USDT,
percent price 5%, 200 open orders; they live in :data:`BTCUSDT_FILTERS` only.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.venues.binance_sim.config import RateLimitSpec

BTCUSDT_FILTERS: list[dict[str, object]] = [
    {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764", "tickSize": "0.10"},
    {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
    {"filterType": "MARKET_LOT_SIZE", "minQty": "0.001", "maxQty": "120", "stepSize": "0.001"},
    {"filterType": "MAX_NUM_ORDERS", "limit": 200},
    {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
    {"filterType": "MIN_NOTIONAL", "notional": "100"},
    {
        "filterType": "PERCENT_PRICE",
        "multiplierUp": "1.0500",
        "multiplierDown": "0.9500",
        "multiplierDecimal": "4",
    },
]

_BTCUSDT: dict[str, object] = {
    "symbol": "BTCUSDT",
    "pair": "BTCUSDT",
    "contractType": "PERPETUAL",
    "deliveryDate": 4133404800000,
    "onboardDate": 1569398400000,
    "status": "TRADING",
    "maintMarginPercent": "2.5000",
    "requiredMarginPercent": "5.0000",
    "baseAsset": "BTC",
    "quoteAsset": "USDT",
    "marginAsset": "USDT",
    "pricePrecision": 2,
    "quantityPrecision": 3,
    "baseAssetPrecision": 8,
    "quotePrecision": 8,
    "underlyingType": "COIN",
    "underlyingSubType": ["PoW"],
    "triggerProtect": "0.0500",
    "liquidationFee": "0.012500",
    "marketTakeBound": "0.05",
    "filters": BTCUSDT_FILTERS,
    "orderTypes": ["LIMIT", "MARKET"],
    "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
}


def exchange_info(rate_limits: Sequence[RateLimitSpec], server_ms: int) -> dict[str, object]:
    """The whole body: ``timezone, serverTime, rateLimits, exchangeFilters, assets, symbols``."""
    return {
        "timezone": "UTC",
        "serverTime": server_ms,
        "rateLimits": [
            {
                "rateLimitType": r.kind,
                "interval": r.interval,
                "intervalNum": r.interval_num,
                "limit": r.limit,
            }
            for r in rate_limits
        ],
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_BTCUSDT],
    }
