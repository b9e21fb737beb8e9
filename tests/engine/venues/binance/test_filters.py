"""exchangeInfo -> SymbolRules -> Instrument: the fixtures (written from the official
SDK models' fields), unknown filters skipped, non-TRADING symbols refused."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model.instrument import MULTIPLIER_SCALE
from engine.model.instrument import VenueFilters
from engine.venues.binance.filters import SymbolRefusedError
from engine.venues.binance.filters import SymbolRules
from engine.venues.binance.filters import parse_exchange_info
from engine.venues.binance.filters import to_instrument

FIXTURES = Path(__file__).parent / "fixtures"
USDM = (FIXTURES / "exchange_info_usdm.json").read_bytes()
SPOT = (FIXTURES / "exchange_info_spot.json").read_bytes()
UNIT = 10**9
KNOWN = {
    "PRICE_FILTER",
    "LOT_SIZE",
    "MARKET_LOT_SIZE",
    "MIN_NOTIONAL",
    "NOTIONAL",
    "PERCENT_PRICE",
    "PERCENT_PRICE_BY_SIDE",
    "MAX_NUM_ORDERS",
}


def rules_of(body: bytes, product: Any) -> dict[str, SymbolRules]:
    rules, _ = parse_exchange_info(body, product)
    return {r.symbol: r for r in rules}


def test_usdm_fixture() -> None:
    rules, limits = parse_exchange_info(USDM, "usdm")
    btc = {r.symbol: r for r in rules}["BTCUSDT"]
    inst = to_instrument(btc, "binance-usdm")
    assert inst.symbol == "BTCUSDT"
    assert inst.venue == "binance-usdm"
    assert inst.price_increment == Decimal("0.1")
    assert inst.size_increment == Decimal("0.001")
    assert inst.min_lots == 1
    assert btc.order_types >= {"LIMIT", "MARKET"}
    assert btc.tifs >= {"GTC", "IOC", "FOK", "GTX"}
    assert inst.filters == VenueFilters(
        min_price=2611,
        max_price=8_094_840,
        min_lots=1,
        max_lots=1_000_000,
        market_min_lots=1,
        market_max_lots=120_000,
        min_notional=100 * UNIT,
        min_notional_market=True,
        max_notional_market=False,
        reduce_only_exempt=True,  # -4164: "... (unless you choose reduce only)"
        buy_up=1_050_000_000,  # buys <= mark x 1.05
        sell_down=950_000_000,  # sells >= mark x 0.95; the other two sides unbounded
        max_num_orders=200,
        ref="mark",
    )
    assert [(r.rate_limit_type, r.interval, r.interval_num, r.limit) for r in limits] == [
        ("REQUEST_WEIGHT", "MINUTE", 1, 2400),
        ("ORDERS", "MINUTE", 1, 1200),
        ("ORDERS", "SECOND", 10, 300),
    ]


def test_spot_fixture() -> None:
    rules, limits = parse_exchange_info(SPOT, "spot")
    btc = {r.symbol: r for r in rules}["BTCUSDT"]
    inst = to_instrument(btc, "binance-spot")
    assert inst.price_increment == Decimal("0.01")
    assert inst.size_increment == Decimal("0.00001")
    assert inst.filters == VenueFilters(
        min_price=1,
        max_price=100_000_000,
        min_lots=1,
        max_lots=900_000_000,
        market_min_lots=0,
        market_max_lots=8_351_546,  # 83.51546025 floored to the lot grid
        min_notional=5 * UNIT,
        max_notional=9_000_000 * UNIT,
        min_notional_market=True,
        max_notional_market=False,
        reduce_only_exempt=False,
        buy_up=5 * MULTIPLIER_SCALE,
        buy_down=200_000_000,
        sell_up=5 * MULTIPLIER_SCALE,
        sell_down=200_000_000,
        max_num_orders=200,
        ref="avg",
    )
    assert {r.rate_limit_type for r in limits} == {"REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"}


def test_spot_legacy_filters() -> None:
    """Spot's older MIN_NOTIONAL and PERCENT_PRICE (both bounds, both sides)."""
    luna = rules_of(SPOT, "spot")["LUNAUSDT"]
    luna = SymbolRules(
        **{**{f: getattr(luna, f) for f in luna.__struct_fields__}, "status": "TRADING"}
    )
    f = to_instrument(luna, "binance-spot").filters
    assert f is not None
    assert (f.min_notional, f.min_notional_market) == (10 * UNIT, True)
    assert (f.buy_up, f.buy_down, f.sell_up, f.sell_down) == (
        5 * UNIT,
        UNIT // 5,
        5 * UNIT,
        UNIT // 5,
    )


unknown_type = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ_"), min_size=1, max_size=24)
json_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
)
field_name = st.sampled_from(
    ["limit", "notional", "minNotional", "tickSize", "stepSize", "maxQty", "multiplierUp", "x"]
)


@given(
    extra=st.lists(
        st.tuples(
            unknown_type.filter(lambda t: t not in KNOWN),
            st.dictionaries(field_name, json_value, max_size=4),
            st.integers(0, 12),
        ),
        max_size=4,
    ),
    product=st.sampled_from(["usdm", "spot"]),
)
def test_unknown_filter_ignored(extra: list[tuple[str, dict[str, Any], int]], product: Any) -> None:
    """Filters of a type the parser does not know (with any fields, even ones named
    like a known filter's) change nothing."""
    body = USDM if product == "usdm" else SPOT
    doc = json.loads(body)
    for kind, fields, at in extra:
        for sym in doc["symbols"]:
            sym["filters"].insert(at, {**fields, "filterType": kind})
    assert rules_of(json.dumps(doc).encode(), product) == rules_of(body, product)


@given(
    status=st.sampled_from(
        ["BREAK", "HALT", "END_OF_DAY", "SETTLING", "CLOSE", "PENDING_TRADING", "", "trading"]
    )
)
def test_not_trading_refused(status: str) -> None:
    """Fail closed: a symbol whose status is anything but TRADING gives no instrument."""
    btc = rules_of(USDM, "usdm")["BTCUSDT"]
    halted = SymbolRules(
        **{**{f: getattr(btc, f) for f in btc.__struct_fields__}, "status": status}
    )
    with pytest.raises(
        SymbolRefusedError, match=f"^BTCUSDT: status {re.escape(status)}, not TRADING"
    ):
        to_instrument(halted, "binance-usdm")


def test_fixture_symbols_not_trading_refused() -> None:
    with pytest.raises(SymbolRefusedError, match="SETTLING"):
        to_instrument(rules_of(USDM, "usdm")["BTCUSDT_240927"], "binance-usdm")
    with pytest.raises(SymbolRefusedError, match="BREAK"):
        to_instrument(rules_of(SPOT, "spot")["LUNAUSDT"], "binance-spot")


def test_grid_finer_than_money_unit_refused() -> None:
    btc = rules_of(SPOT, "spot")["BTCUSDT"]
    fine = msgspec.structs.replace(
        btc, tick=Decimal("1e-8"), min_price=Decimal(0), step=Decimal("1e-8"), min_qty=Decimal(0)
    )
    with pytest.raises(SymbolRefusedError, match="finer than the money unit"):
        to_instrument(fine, "binance-spot")


def test_missing_grid_or_off_grid_minimum_refused() -> None:
    btc = rules_of(USDM, "usdm")["BTCUSDT"]
    with pytest.raises(SymbolRefusedError, match="no PRICE_FILTER"):
        to_instrument(msgspec.structs.replace(btc, tick=Decimal(0)), "binance-usdm")
    with pytest.raises(SymbolRefusedError, match=r"minQty 0\.0015 is off the grid"):
        to_instrument(msgspec.structs.replace(btc, min_qty=Decimal("0.0015")), "binance-usdm")
