"""Venue filters as risk denials (``check_venue_filters``), against Binance's rules.

The reference below is written straight from Binance's filter definitions (spot
filters.md; USD-M common-definition) in Decimals on the ``SymbolRules`` as parsed,
not from the core's integer ``VenueFilters``: the gate must deny an order iff
Binance would reject it (-1013 "Filter failure: ...", -4164 on USD-M). The
reference price (mark on USD-M, average price on spot) is the mid here, as in the
core. Exits (market, reduce-only) on USD-M are never denied for their notional.
The core adds one rule of its own (:func:`outgrows_market_close`): an entry that
would leave a position over MARKET_LOT_SIZE maxQty is denied, so that every
position it allows can be closed by one market order. An instrument without
filters (every other venue) sees no change at all.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.core.risk import DEFAULT_CHECKS
from engine.core.risk import RiskGate
from engine.core.risk import RiskLimits
from engine.core.risk.checks import check_venue_filters
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import TimeInForce
from engine.model import TradingState
from engine.venues.binance.filters import SymbolRules
from engine.venues.binance.filters import parse_exchange_info
from engine.venues.binance.filters import to_instrument
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import market

FIXTURES = Path(__file__).parents[1] / "venues" / "binance" / "fixtures"


def _btc(product: Any) -> tuple[SymbolRules, Instrument]:
    body = (FIXTURES / f"exchange_info_{product}.json").read_bytes()
    rules = {r.symbol: r for r in parse_exchange_info(body, product)[0]}["BTCUSDT"]
    return rules, to_instrument(rules, f"binance-{product}")


RULES = {p: _btc(p) for p in ("usdm", "spot")}
CODES = {
    "LOT_SIZE": "VENUE_LOT_SIZE",
    "MARKET_LOT_SIZE": "VENUE_LOT_SIZE",
    "PRICE_FILTER": "VENUE_PRICE_FILTER",
    "PERCENT_PRICE": "VENUE_PERCENT_PRICE",
    "PERCENT_PRICE_BY_SIDE": "VENUE_PERCENT_PRICE",
    "MIN_NOTIONAL": "VENUE_MIN_NOTIONAL",  # usdm -4164
    "NOTIONAL_MIN": "VENUE_MIN_NOTIONAL",
    "NOTIONAL_MAX": "VENUE_MAX_NOTIONAL",
    "MARKET_CLOSE_MAX": "VENUE_LOT_SIZE",  # the core's own rule, not Binance's
}


def binance_rejects(
    r: SymbolRules,
    side: Side,
    is_market: bool,
    price: Decimal,
    qty: Decimal,
    ref: Decimal,
    reduce_only: bool,
) -> set[str]:
    """The filters a new order fails on Binance (empty: it passes them all)."""
    failed: set[str] = set()
    if qty < r.min_qty or qty > r.max_qty or (qty - r.min_qty) % r.step:
        failed.add("LOT_SIZE")
    if is_market and (
        qty < r.market_min_qty
        or (r.market_max_qty and qty > r.market_max_qty)
        or (r.market_step and (qty - r.market_min_qty) % r.market_step)
    ):
        failed.add("MARKET_LOT_SIZE")
    if not is_market:
        if (r.min_price and price < r.min_price) or (r.max_price and price > r.max_price):
            failed.add("PRICE_FILTER")
        if r.tick and (price - r.min_price) % r.tick:
            failed.add("PRICE_FILTER")
        if r.product == "usdm":
            if side is Side.BUY and price > ref * r.pct_up:
                failed.add("PERCENT_PRICE")
            if side is Side.SELL and price < ref * r.pct_down:
                failed.add("PERCENT_PRICE")
        else:
            up, down = (r.bid_up, r.bid_down) if side is Side.BUY else (r.ask_up, r.ask_down)
            assert up is not None and down is not None
            if price > ref * up or price < ref * down:
                failed.add("PERCENT_PRICE_BY_SIDE")
    notional = (ref if is_market else price) * qty
    if r.product == "usdm":
        if notional < r.min_notional and not reduce_only:
            failed.add("MIN_NOTIONAL")
    else:
        if (not is_market or r.apply_min_to_market) and notional < r.min_notional:
            failed.add("NOTIONAL_MIN")
        top = r.max_notional
        if top and (not is_market or r.apply_max_to_market) and notional > top:
            failed.add("NOTIONAL_MAX")
    return failed


def outgrows_market_close(r: SymbolRules, side: Side, qty: Decimal, position: Decimal) -> bool:
    """The core's rule: an entry (the position grows or flips) that leaves more than
    MARKET_LOT_SIZE maxQty could not be closed by one market order, so it is denied."""
    new = position + (qty if side is Side.BUY else -qty)
    entry = new != 0 and (abs(new) > abs(position) or (new > 0) != (position > 0))
    return entry and bool(r.market_max_qty) and abs(new) > r.market_max_qty


def order(
    inst: Instrument, side: Side, lots: int, price: int, is_market: bool, reduce_only: bool
) -> OrderIntent:
    kind = OrderType.MARKET if is_market else OrderType.LIMIT
    return OrderIntent(
        inst.symbol,
        side,
        lots,
        kind,
        TimeInForce.GTC,
        0 if is_market else price,
        reduce_only,
        not reduce_only,
    )


def gate_check(inst: Instrument, intent: OrderIntent, bid: int, ask: int, position: int) -> Any:
    gate = RiskGate(RiskLimits(), [inst])
    return gate.check(intent, 1, market(inst, bid, ask, 1), position, 0, TradingState.ACTIVE)


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    product = draw(st.sampled_from(["usdm", "spot"]))
    rules = RULES[product][0]
    unit = int(1 / rules.tick)  # ticks per 1 USDT
    bid = draw(st.one_of(st.integers(1, 3_000 * unit), st.integers(50_000 * unit, 70_000 * unit)))
    ask = bid + draw(st.integers(0, 3))
    mid2 = bid + ask
    band = draw(st.sampled_from([mid2 // 4, mid2 // 40, mid2]))
    price = max(1, mid2 // 2 + draw(st.integers(-band, band)))
    lots_scale = int(1 / rules.step)
    lots = draw(
        st.one_of(
            st.integers(1, 30),
            st.integers(1, 200 * lots_scale),
            st.integers(1, 10_000 * lots_scale),
        )
    )
    return {
        "product": product,
        "side": draw(st.sampled_from([Side.BUY, Side.SELL])),
        "is_market": draw(st.booleans()),
        "reduce_only": draw(st.booleans()),
        "bid": bid,
        "ask": ask,
        "price": price,
        "lots": lots,
        "position": draw(st.integers(-2 * lots, 2 * lots)),
    }


@settings(max_examples=600)
@given(s=scenario())
def test_matches_binance_reference(s: dict[str, Any]) -> None:
    rules, inst = RULES[s["product"]]
    intent = order(inst, s["side"], s["lots"], s["price"], s["is_market"], s["reduce_only"])
    denial = gate_check(inst, intent, s["bid"], s["ask"], s["position"])
    ref = (inst.price(s["bid"]) + inst.price(s["ask"])) / 2
    failed = binance_rejects(
        rules,
        s["side"],
        s["is_market"],
        inst.price(s["price"]),
        inst.qty(s["lots"]),
        ref,
        s["reduce_only"],
    )
    if outgrows_market_close(rules, s["side"], inst.qty(s["lots"]), inst.qty(s["position"])):
        failed.add("MARKET_CLOSE_MAX")
    assert (denial is not None) == bool(failed), (failed, denial)
    if denial is not None:
        assert denial.reason in {CODES[f] for f in failed}
        assert denial.detail


@given(
    position=st.integers(1, 120_000),
    long=st.booleans(),
    bid=st.integers(1, 700_000),
    spread=st.integers(0, 3),
    state=st.sampled_from(list(TradingState)),
)
def test_reducing_never_denied(
    position: int, long: bool, bid: int, spread: int, state: TradingState
) -> None:
    """USD-M: the exit the trader sends (market, reduce-only, at most the position, which
    fits MARKET_LOT_SIZE) passes the venue filters whatever its notional, in any
    trading state; the reference agrees (Binance exempts reduce-only from -4164)."""
    rules, inst = RULES["usdm"]
    held = position if long else -position
    side = Side.SELL if long else Side.BUY
    for qty in {position, 1, max(1, position // 2)}:
        intent = order(inst, side, qty, 0, True, True)
        q = market(inst, bid, bid + spread, 1)
        gate = RiskGate(
            RiskLimits(max_order_notional=Decimal(1), max_position_notional=Decimal(1)), [inst]
        )
        assert gate.check(intent, 1, q, held, 0, state, "DAILY_LOSS", True) is None
        ref = (inst.price(bid) + inst.price(bid + spread)) / 2
        assert not binance_rejects(rules, side, True, Decimal(0), inst.qty(qty), ref, True)


def test_denial_details_read_as_text() -> None:
    _, inst = RULES["usdm"]
    intent = order(inst, Side.BUY, 1, 600_000, False, False)  # 0.001 BTC at 60000: 60 < 100 USDT
    denial = gate_check(inst, intent, 599_990, 600_010, 0)
    assert denial is not None
    assert (denial.reason, denial.detail) == (
        "VENUE_MIN_NOTIONAL",
        "notional 60 < venue minimum 100",
    )
    far = order(inst, Side.BUY, 10, 700_000, False, False)
    denial = gate_check(inst, far, 599_990, 600_010, 0)
    assert denial is not None
    assert denial.reason == "VENUE_PERCENT_PRICE"
    assert denial.detail == "limit 70000 is outside the venue's band around the mid 60000"
    big = order(inst, Side.SELL, 120_001, 0, True, True)
    denial = gate_check(inst, big, 599_990, 600_010, 120_001)
    assert denial is not None
    assert (denial.reason, denial.detail) == (
        "VENUE_LOT_SIZE",
        "quantity 120.001 BTCUSDT is outside the venue's lot size (0.001 BTCUSDT to 120 BTCUSDT)",
    )


def test_an_entry_that_would_outgrow_one_market_close_is_denied() -> None:
    """USD-M BTCUSDT: LIMIT entries may be up to 1000 BTC, a market order at most 120.
    An entry leaving more than 120 BTC is denied; one leaving exactly 120 is not, and
    an order that reduces a position already over 120 is left alone."""
    _, inst = RULES["usdm"]
    bid, ask = 599_990, 600_010  # 59999 / 60001 USDT
    add = order(inst, Side.BUY, 20_001, 600_000, False, False)  # 100 BTC + 20.001
    denial = gate_check(inst, add, bid, ask, 100_000)
    assert denial is not None
    assert (denial.reason, denial.detail) == (
        "VENUE_LOT_SIZE",
        "position 120.001 BTCUSDT after the order is over the venue's market-order maximum"
        " 120 BTCUSDT: it could not be closed in one market order",
    )
    market_add = order(inst, Side.BUY, 20_001, 0, True, False)  # 20.001 fits a market order
    assert gate_check(inst, market_add, bid, ask, 100_000) == denial
    flip = order(inst, Side.SELL, 220_001, 600_000, False, False)  # +100 -> -120.001
    got = gate_check(inst, flip, bid, ask, 100_000)
    assert got is not None
    assert got.reason == "VENUE_LOT_SIZE"
    assert "position -120.001 BTCUSDT" in got.detail
    assert (
        gate_check(inst, order(inst, Side.BUY, 20_000, 600_000, False, False), bid, ask, 100_000)
        is None
    )
    reduce_big = order(inst, Side.SELL, 5_000, 600_000, False, True)  # 130 -> 125 BTC
    assert gate_check(inst, reduce_big, bid, ask, 130_000) is None


@settings(max_examples=300)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([Side.BUY, Side.SELL]),
            st.one_of(st.integers(1, 200), st.integers(1, 1_000_000)),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    bid=st.sampled_from([30_000, 599_990, 1_000_000]),  # 3000, 59999, 100000 USDT
)
def test_a_position_the_entries_allow_can_always_be_closed_in_one_market_order(
    steps: list[tuple[Side, int, bool]], bid: int
) -> None:
    """Any sequence of orders the gate allows (each filled whole) on USD-M leaves a
    position whose close - one market reduce-only order for all of it - the gate allows."""
    _, inst = RULES["usdm"]
    ask = bid + 2
    position = 0
    for side, lots, is_market in steps:
        intent = order(inst, side, lots, bid + 1, is_market, False)
        if gate_check(inst, intent, bid, ask, position) is None:
            position += lots * side
        if position:
            close_side = Side.SELL if position > 0 else Side.BUY
            close = order(inst, close_side, abs(position), 0, True, True)
            assert gate_check(inst, close, bid, ask, position) is None, position


@given(
    side=st.sampled_from([Side.BUY, Side.SELL]),
    lots=st.integers(1, 10**6),
    price=st.integers(1, 30_000),
    is_market=st.booleans(),
    position=st.integers(-1000, 1000),
    limits=st.fixed_dictionaries(
        {
            "max_order_notional": st.sampled_from([Decimal(0), Decimal(100), Decimal(10_000)]),
            "max_order_qty": st.sampled_from([Decimal(0), Decimal(5), Decimal(500)]),
            "price_collar_bps": st.sampled_from([0.0, 50.0]),
        }
    ),
)
def test_no_filters_changes_nothing(
    side: Side, lots: int, price: int, is_market: bool, position: int, limits: dict[str, Any]
) -> None:
    """An instrument without filters: the gate decides exactly as without the check."""
    assert INSTRUMENT_A.filters is None
    intent = order(INSTRUMENT_A, side, lots, price, is_market, False)
    q = market(INSTRUMENT_A, 9_999, 10_001, 1)
    without = tuple(c for c in DEFAULT_CHECKS if c is not check_venue_filters)
    assert len(without) == len(DEFAULT_CHECKS) - 1
    got = RiskGate(RiskLimits(**limits), [INSTRUMENT_A]).check(
        intent, 1, q, position, 0, TradingState.ACTIVE
    )
    want = RiskGate(RiskLimits(**limits), [INSTRUMENT_A], without).check(
        intent, 1, q, position, 0, TradingState.ACTIVE
    )
    assert got == want
