"""The sim's exchangeInfo is what the adapter's parser (slice B) reads as Binance's BTCUSDT."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from engine.venues.binance.filters import parse_exchange_info
from engine.venues.binance_sim.config import USDM_RATE_LIMITS
from engine.venues.binance_sim.exchange_info import exchange_info


def test_parsed_by_the_adapter() -> None:
    body = msgspec.json.encode(exchange_info(USDM_RATE_LIMITS, 1_790_000_000_000))
    (rules,), limits = parse_exchange_info(body, "usdm")
    assert (rules.symbol, rules.status) == ("BTCUSDT", "TRADING")
    assert (rules.tick, rules.step, rules.min_qty) == (
        Decimal("0.1"),
        Decimal("0.001"),
        Decimal("0.001"),
    )
    assert (rules.market_max_qty, rules.min_notional) == (Decimal(120), Decimal(100))
    assert rules.max_num_orders == 200
    assert (rules.pct_up, rules.pct_down) == (Decimal("1.05"), Decimal("0.95"))
    assert [(r.rate_limit_type, r.interval, r.interval_num, r.limit) for r in limits] == [
        ("REQUEST_WEIGHT", "MINUTE", 1, 2400),
        ("ORDERS", "MINUTE", 1, 1200),
        ("ORDERS", "SECOND", 10, 300),
    ]
