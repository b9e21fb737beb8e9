"""Pre-trade checks: each allows at its boundary and denies one step past it."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from engine.core.risk import RiskContext
from engine.core.risk import opens_exposure
from engine.core.risk.checks import DEFAULT_CHECKS
from engine.core.risk.checks import Check
from engine.core.risk.checks import check_duplicate
from engine.core.risk.checks import check_feed
from engine.core.risk.checks import check_gross_exposure
from engine.core.risk.checks import check_max_notional
from engine.core.risk.checks import check_max_position
from engine.core.risk.checks import check_max_qty
from engine.core.risk.checks import check_order_rate
from engine.core.risk.checks import check_price_collar
from engine.core.risk.checks import check_quote
from engine.core.risk.checks import check_spread
from engine.core.risk.checks import check_trading_state
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import TradingState
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import MPL
from tests.engine.core.helpers import MS
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import UNIT
from tests.engine.core.helpers import market

BUY, SELL = Side.BUY, Side.SELL
MKT, LMT = OrderType.MARKET, OrderType.LIMIT
NOW = 10_000 * MS
BID, ASK = 9_999, 10_001  # mid 10_000 ticks, spread 2 ticks = exactly 2.0 bps


def intent(
    side: Side = BUY, qty: int = 1, order_type: OrderType = MKT, price: int = 0
) -> OrderIntent:
    return OrderIntent(AAA, side, qty, order_type, price=price)


def ctx(**fields: Any) -> RiskContext:
    """A context with a fresh quote at NOW, every limit off, then ``fields``."""
    c = RiskContext()
    c.now = NOW
    c.quotes = market(bid=BID, ask=ASK, ts=NOW)
    c.money_per_tick_lot = MPL
    for name, value in fields.items():
        setattr(c, name, value)
    return c


def buy_notional(lots: int) -> int:
    """Nanos of ``lots`` at the ask (what a market buy is expected to pay)."""
    return lots * ASK * MPL


ACTIVE, PAUSED, REDUCING, HALTED = (
    TradingState.ACTIVE,
    TradingState.PAUSED,
    TradingState.REDUCING,
    TradingState.HALTED,
)

# id, check, intent, context fields, expected reason (None = allowed)
CASES: list[tuple[str, Check, OrderIntent, dict[str, Any], str | None]] = [
    # -- trading state: only new exposure is blocked -------------------------------
    ("active opens", check_trading_state, intent(), {}, None),
    ("paused opens", check_trading_state, intent(), {"trading_state": PAUSED}, "TRADING_STATE"),
    (
        "paused reduces",
        check_trading_state,
        intent(SELL, 1),
        {"trading_state": PAUSED, "position": 2},
        None,
    ),
    (
        "reducing adds",
        check_trading_state,
        intent(BUY, 1),
        {"trading_state": REDUCING, "position": 2},
        "TRADING_STATE",
    ),
    (
        "halted closes",
        check_trading_state,
        intent(SELL, 2),
        {"trading_state": HALTED, "position": 2},
        None,
    ),
    (
        "halted flips",
        check_trading_state,
        intent(SELL, 3),
        {"trading_state": HALTED, "position": 2},
        "TRADING_STATE",
    ),
    (
        "breaker latched opens",
        check_trading_state,
        intent(),
        {"breaker_latched": "daily_loss"},
        "BREAKER_LATCHED",
    ),
    (
        "breaker wins over state",
        check_trading_state,
        intent(),
        {"breaker_latched": "daily_loss", "trading_state": HALTED},
        "BREAKER_LATCHED",
    ),
    (
        "breaker latched reduces",
        check_trading_state,
        intent(BUY, 1),
        {"breaker_latched": "drawdown", "position": -1},
        None,
    ),
    # -- quote presence and age -------------------------------------------------------
    ("no quote", check_quote, intent(), {"quotes": None}, "NO_QUOTE"),
    (
        "no quote, even to reduce",
        check_quote,
        intent(SELL),
        {"quotes": None, "position": 1},
        "NO_QUOTE",
    ),
    ("empty quote", check_quote, intent(), {"quotes": market()}, "NO_QUOTE"),
    ("fresh quote", check_quote, intent(), {"max_quote_age_ns": 100 * MS}, None),
    (
        "quote exactly at max age",
        check_quote,
        intent(),
        {"max_quote_age_ns": 100 * MS, "now": NOW + 100 * MS},
        None,
    ),
    (
        "quote 1 ns past max age",
        check_quote,
        intent(),
        {"max_quote_age_ns": 100 * MS, "now": NOW + 100 * MS + 1},
        "QUOTE_STALE",
    ),
    (
        "stale quote may still reduce",
        check_quote,
        intent(SELL),
        {"max_quote_age_ns": 100 * MS, "now": NOW + 1 * SEC, "position": 1},
        None,
    ),
    ("age check off (0)", check_quote, intent(), {"now": NOW + 3600 * SEC}, None),
    # -- market data feed health ------------------------------------------------------
    ("feed fresh", check_feed, intent(), {}, None),
    ("feed stale opens", check_feed, intent(), {"feed_stale": True}, "FEED_STALE"),
    (
        "feed stale flips",
        check_feed,
        intent(SELL, 3),
        {"feed_stale": True, "position": 2},
        "FEED_STALE",
    ),
    (
        "feed stale may still reduce",
        check_feed,
        intent(SELL, 2),
        {"feed_stale": True, "position": 2},
        None,
    ),
    # -- quantity ----------------------------------------------------------------------
    ("qty 0", check_max_qty, intent(qty=0), {}, "QTY_INVALID"),
    ("qty negative", check_max_qty, intent(qty=-1), {}, "QTY_INVALID"),
    ("qty at max", check_max_qty, intent(qty=5), {"max_qty_lots": 5}, None),
    ("qty over max", check_max_qty, intent(qty=6), {"max_qty_lots": 5}, "QTY_EXCEEDS_MAX"),
    ("qty limit off (0)", check_max_qty, intent(qty=10**9), {}, None),
    # a reversal is measured whole (the trader then splits it); a reduction never is
    (
        "reversal over max",
        check_max_qty,
        intent(SELL, 10),
        {"max_qty_lots": 5, "position": 5},
        "QTY_EXCEEDS_MAX",
    ),
    ("reduce over max", check_max_qty, intent(SELL, 9), {"max_qty_lots": 5, "position": 9}, None),
    (
        "limit below one lot denies opening",
        check_max_qty,
        intent(qty=1),
        {"max_qty_lots": -1},
        "QTY_LIMIT_BELOW_LOT",
    ),
    (
        "limit below one lot still reduces",
        check_max_qty,
        intent(SELL, 1),
        {"max_qty_lots": -1, "position": 1},
        None,
    ),
    # -- duplicate window (key: side, qty, type, price) --------------------------------------
    (
        "same intent inside the window",
        check_duplicate,
        intent(),
        {"dup_window_ns": 100 * MS, "last_intents": {(BUY, 1, MKT, 0): NOW - 100 * MS + 1}},
        "DUPLICATE_INTENT",
    ),
    (
        "same intent exactly one window later",
        check_duplicate,
        intent(),
        {"dup_window_ns": 100 * MS, "last_intents": {(BUY, 1, MKT, 0): NOW - 100 * MS}},
        None,
    ),
    (
        "other qty inside the window",
        check_duplicate,
        intent(qty=2),
        {"dup_window_ns": 100 * MS, "last_intents": {(BUY, 1, MKT, 0): NOW}},
        None,
    ),
    (
        "other side inside the window",
        check_duplicate,
        intent(SELL),
        {"dup_window_ns": 100 * MS, "last_intents": {(BUY, 1, MKT, 0): NOW}},
        None,
    ),
    (
        "duplicate check off (0)",
        check_duplicate,
        intent(),
        {"last_intents": {(BUY, 1, MKT, 0): NOW}},
        None,
    ),
    # -- order rate (window is (now - window, now]) ----------------------------------------------
    (
        "symbol rate below max",
        check_order_rate,
        intent(),
        {"rate_window_ns": 1 * SEC, "max_rate_symbol": 2, "rate_symbol": deque([NOW])},
        None,
    ),
    (
        "symbol rate at max",
        check_order_rate,
        intent(),
        {"rate_window_ns": 1 * SEC, "max_rate_symbol": 2, "rate_symbol": deque([NOW - 1, NOW])},
        "ORDER_RATE_SYMBOL",
    ),
    (
        "symbol rate: oldest just expired",
        check_order_rate,
        intent(),
        {
            "rate_window_ns": 1 * SEC,
            "max_rate_symbol": 2,
            "rate_symbol": deque([NOW - 1 * SEC, NOW]),
        },
        None,
    ),
    (
        "symbol rate: oldest 1 ns inside",
        check_order_rate,
        intent(),
        {
            "rate_window_ns": 1 * SEC,
            "max_rate_symbol": 2,
            "rate_symbol": deque([NOW - 1 * SEC + 1, NOW]),
        },
        "ORDER_RATE_SYMBOL",
    ),
    (
        "total rate at max",
        check_order_rate,
        intent(),
        {"rate_window_ns": 1 * SEC, "max_rate_total": 2, "rate_total": deque([NOW, NOW])},
        "ORDER_RATE_TOTAL",
    ),
    (
        "total rate: oldest just expired",
        check_order_rate,
        intent(),
        {"rate_window_ns": 1 * SEC, "max_rate_total": 2, "rate_total": deque([NOW - 1 * SEC, NOW])},
        None,
    ),
    (
        "rate limits off (0)",
        check_order_rate,
        intent(),
        {"rate_symbol": deque([NOW] * 100), "rate_total": deque([NOW] * 100)},
        None,
    ),
    # -- spread (2.0 bps exactly) --------------------------------------------------------------
    ("spread at max", check_spread, intent(), {"max_spread_bps": 2.0}, None),
    ("spread over max", check_spread, intent(), {"max_spread_bps": 1.99}, "SPREAD_TOO_WIDE"),
    (
        "wide spread may still reduce",
        check_spread,
        intent(SELL),
        {"max_spread_bps": 1.0, "position": 1},
        None,
    ),
    ("spread check off (0)", check_spread, intent(), {}, None),
    # -- price collar around the mid (10 bps of 10_000 ticks = 10 ticks) -------------------
    (
        "limit at collar above",
        check_price_collar,
        intent(price=10_010, order_type=LMT),
        {"price_collar_bps": 10.0},
        None,
    ),
    (
        "limit past collar above",
        check_price_collar,
        intent(price=10_011, order_type=LMT),
        {"price_collar_bps": 10.0},
        "PRICE_OUTSIDE_COLLAR",
    ),
    (
        "limit at collar below",
        check_price_collar,
        intent(SELL, price=9_990, order_type=LMT),
        {"price_collar_bps": 10.0},
        None,
    ),
    (
        "limit past collar below",
        check_price_collar,
        intent(SELL, price=9_989, order_type=LMT),
        {"price_collar_bps": 10.0},
        "PRICE_OUTSIDE_COLLAR",
    ),
    (
        "market orders have no collar",
        check_price_collar,
        intent(),
        {"price_collar_bps": 0.001},
        None,
    ),
    # -- order notional (market: buys at the ask, sells at the bid; limits at their price) ----
    ("notional at max", check_max_notional, intent(qty=3), {"max_notional": buy_notional(3)}, None),
    (
        "notional 1 nano over max",
        check_max_notional,
        intent(qty=3),
        {"max_notional": buy_notional(3) - 1},
        "NOTIONAL_EXCEEDS_MAX",
    ),
    (
        "sell notional at the bid",
        check_max_notional,
        intent(SELL, 3),
        {"max_notional": 3 * BID * MPL},
        None,
    ),
    (
        "limit notional at its price",
        check_max_notional,
        intent(qty=3, order_type=LMT, price=9_000),
        {"max_notional": 3 * 9_000 * MPL},
        None,
    ),
    (
        "limit notional over at its price",
        check_max_notional,
        intent(qty=3, order_type=LMT, price=9_001),
        {"max_notional": 3 * 9_000 * MPL},
        "NOTIONAL_EXCEEDS_MAX",
    ),
    ("notional off (0)", check_max_notional, intent(qty=10**6), {}, None),
    (
        "reversal notional measured whole",
        check_max_notional,
        intent(SELL, 6),
        {"max_notional": 3 * BID * MPL, "position": 3},
        "NOTIONAL_EXCEEDS_MAX",
    ),
    (
        "reduce notional over max",
        check_max_notional,
        intent(SELL, 6),
        {"max_notional": 3 * BID * MPL, "position": 6},
        None,
    ),
    # -- resulting position value ---------------------------------------------------------------
    (
        "position at max",
        check_max_position,
        intent(qty=1),
        {"position": 2, "max_position": buy_notional(3)},
        None,
    ),
    (
        "position over max",
        check_max_position,
        intent(qty=1),
        {"position": 2, "max_position": buy_notional(3) - 1},
        "POSITION_EXCEEDS_MAX",
    ),
    (
        "flip over max",
        check_max_position,
        intent(SELL, 6),
        {"position": 2, "max_position": 4 * BID * MPL - 1},
        "POSITION_EXCEEDS_MAX",
    ),
    (
        "reducing is never a position breach",
        check_max_position,
        intent(SELL, 1),
        {"position": 10, "max_position": 1},
        None,
    ),
    # -- gross exposure across symbols --------------------------------------------------------
    (
        "gross at max",
        check_gross_exposure,
        intent(qty=2),
        {"gross_exposure": 7 * UNIT, "max_gross": 7 * UNIT + buy_notional(2)},
        None,
    ),
    (
        "gross over max",
        check_gross_exposure,
        intent(qty=2),
        {"gross_exposure": 7 * UNIT, "max_gross": 7 * UNIT + buy_notional(2) - 1},
        "GROSS_EXPOSURE_EXCEEDS_MAX",
    ),
    (
        "gross counts the growth of a held position",
        check_gross_exposure,
        intent(qty=1),
        {"position": 2, "gross_exposure": buy_notional(2), "max_gross": buy_notional(3)},
        None,
    ),
    (
        "reducing never breaches gross",
        check_gross_exposure,
        intent(SELL, 1),
        {"position": 5, "gross_exposure": 10**18, "max_gross": 1},
        None,
    ),
]


@pytest.mark.parametrize(
    ("check", "the_intent", "fields", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check_boundary(
    check: Check, the_intent: OrderIntent, fields: dict[str, Any], reason: str | None
) -> None:
    denial = check(the_intent, ctx(**fields))
    if reason is None:
        assert denial is None
    else:
        assert denial is not None
        assert denial.reason == reason
        assert denial.detail


def test_every_default_check_is_covered_by_the_table() -> None:
    assert {case[1] for case in CASES} == set(DEFAULT_CHECKS)


# position, side, qty, opens?  (the sign of the side is the sign of the change)
EXPOSURE = [
    ("open long", 0, BUY, 1, True),
    ("open short", 0, SELL, 1, True),
    ("add long", 2, BUY, 1, True),
    ("add short", -2, SELL, 1, True),
    ("reduce long", 2, SELL, 1, False),
    ("reduce short", -2, BUY, 1, False),
    ("close long", 2, SELL, 2, False),
    ("close short", -2, BUY, 2, False),
    ("flip long to short", 2, SELL, 3, True),
    ("flip short to long", -2, BUY, 3, True),
    ("flip to the same size", 2, SELL, 4, True),
]


@pytest.mark.parametrize(
    ("position", "side", "qty", "opens"),
    [case[1:] for case in EXPOSURE],
    ids=[case[0] for case in EXPOSURE],
)
def test_opens_exposure(position: int, side: Side, qty: int, opens: bool) -> None:
    assert opens_exposure(intent(side, qty), position) is opens
