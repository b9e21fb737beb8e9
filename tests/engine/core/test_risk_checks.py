"""Pre-trade checks: each allows at its boundary and denies one step past it."""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any

import msgspec
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
from engine.core.risk.checks import check_venue_filters
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import TradingState
from engine.model.instrument import VenueFilters
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import INSTRUMENT_A
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

Case = tuple[str, Check, OrderIntent, dict[str, Any], str | None]


def case(
    check: Check,
    name: str,
    the_intent: OrderIntent | None = None,
    deny: str | None = None,
    **fields: Any,
) -> Case:
    """A row: ``check`` of ``the_intent`` (default: a market buy of 1) in ``ctx(**fields)``
    denies with ``deny`` (None: allows)."""
    return (name, check, intent() if the_intent is None else the_intent, fields, deny)


on_state = partial(case, check_trading_state)
on_quote = partial(case, check_quote)
on_feed = partial(case, check_feed)
on_qty = partial(case, check_max_qty)
on_dup = partial(case, check_duplicate)
on_rate = partial(case, check_order_rate)
# at most 2 orders a second, per symbol or in total
on_symbol_rate = partial(on_rate, rate_window_ns=1 * SEC, max_rate_symbol=2)
on_total_rate = partial(on_rate, rate_window_ns=1 * SEC, max_rate_total=2)
on_spread = partial(case, check_spread)
on_collar = partial(case, check_price_collar)
on_notional = partial(case, check_max_notional)
on_position = partial(case, check_max_position)
on_gross = partial(case, check_gross_exposure)
on_venue = partial(case, check_venue_filters)


def venue(**rules: Any) -> Any:
    """INSTRUMENT_A with venue filters ``rules`` (the mid is 100.00, one lot 1 unit)."""
    return msgspec.structs.replace(INSTRUMENT_A, filters=VenueFilters(**rules))


# id, check, intent, context fields, expected reason (None = allowed)
CASES: list[Case] = [
    # -- trading state: only new exposure is blocked -------------------------------
    on_state("active opens"),
    on_state("paused opens", trading_state=PAUSED, deny="TRADING_STATE"),
    on_state("paused reduces", intent(SELL, 1), trading_state=PAUSED, position=2),
    on_state(
        "reducing adds", intent(BUY, 1), trading_state=REDUCING, position=2, deny="TRADING_STATE"
    ),
    on_state("halted closes", intent(SELL, 2), trading_state=HALTED, position=2),
    on_state(
        "halted flips", intent(SELL, 3), trading_state=HALTED, position=2, deny="TRADING_STATE"
    ),
    on_state(
        "breaker latched opens", intent(), breaker_latched="daily_loss", deny="BREAKER_LATCHED"
    ),
    on_state(
        "breaker wins over state",
        breaker_latched="daily_loss",
        trading_state=HALTED,
        deny="BREAKER_LATCHED",
    ),
    on_state("breaker latched reduces", intent(BUY, 1), breaker_latched="drawdown", position=-1),
    # -- quote presence and age -------------------------------------------------------
    on_quote("no quote", quotes=None, deny="NO_QUOTE"),
    on_quote("no quote, even to reduce", intent(SELL), quotes=None, position=1, deny="NO_QUOTE"),
    on_quote("empty quote", quotes=market(), deny="NO_QUOTE"),
    on_quote("fresh quote", max_quote_age_ns=100 * MS),
    on_quote("quote exactly at max age", max_quote_age_ns=100 * MS, now=NOW + 100 * MS),
    on_quote(
        "quote 1 ns past max age",
        max_quote_age_ns=100 * MS,
        now=NOW + 100 * MS + 1,
        deny="QUOTE_STALE",
    ),
    on_quote(
        "stale quote may still reduce",
        intent(SELL),
        max_quote_age_ns=100 * MS,
        now=NOW + 1 * SEC,
        position=1,
    ),
    on_quote("age check off (0)", now=NOW + 3600 * SEC),
    # -- market data feed health ------------------------------------------------------
    on_feed("feed fresh"),
    on_feed("feed stale opens", feed_stale=True, deny="FEED_STALE"),
    on_feed("feed stale flips", intent(SELL, 3), feed_stale=True, position=2, deny="FEED_STALE"),
    on_feed("feed stale may still reduce", intent(SELL, 2), feed_stale=True, position=2),
    # -- quantity ----------------------------------------------------------------------
    on_qty("qty 0", intent(qty=0), deny="QTY_INVALID"),
    on_qty("qty negative", intent(qty=-1), deny="QTY_INVALID"),
    on_qty("qty at max", intent(qty=5), max_qty_lots=5),
    on_qty("qty over max", intent(qty=6), max_qty_lots=5, deny="QTY_EXCEEDS_MAX"),
    on_qty("qty limit off (0)", intent(qty=10**9)),
    # a reversal is measured whole (the trader then splits it); a reduction never is
    on_qty(
        "reversal over max", intent(SELL, 10), max_qty_lots=5, position=5, deny="QTY_EXCEEDS_MAX"
    ),
    on_qty("reduce over max", intent(SELL, 9), max_qty_lots=5, position=9),
    on_qty(
        "limit below one lot denies opening",
        intent(qty=1),
        max_qty_lots=-1,
        deny="QTY_LIMIT_BELOW_LOT",
    ),
    on_qty("limit below one lot still reduces", intent(SELL, 1), max_qty_lots=-1, position=1),
    # -- duplicate window (key: side, qty, type, price) --------------------------------------
    on_dup(
        "same intent inside the window",
        dup_window_ns=100 * MS,
        last_intents={(BUY, 1, MKT, 0): NOW - 100 * MS + 1},
        deny="DUPLICATE_INTENT",
    ),
    on_dup(
        "same intent exactly one window later",
        dup_window_ns=100 * MS,
        last_intents={(BUY, 1, MKT, 0): NOW - 100 * MS},
    ),
    on_dup(
        "other qty inside the window",
        intent(qty=2),
        dup_window_ns=100 * MS,
        last_intents={(BUY, 1, MKT, 0): NOW},
    ),
    on_dup(
        "other side inside the window",
        intent(SELL),
        dup_window_ns=100 * MS,
        last_intents={(BUY, 1, MKT, 0): NOW},
    ),
    on_dup("duplicate check off (0)", last_intents={(BUY, 1, MKT, 0): NOW}),
    # -- order rate (window is (now - window, now]) ----------------------------------------------
    on_symbol_rate("symbol rate below max", rate_symbol=deque([NOW])),
    on_symbol_rate(
        "symbol rate at max", rate_symbol=deque([NOW - 1, NOW]), deny="ORDER_RATE_SYMBOL"
    ),
    on_symbol_rate("symbol rate: oldest just expired", rate_symbol=deque([NOW - 1 * SEC, NOW])),
    on_symbol_rate(
        "symbol rate: oldest 1 ns inside",
        rate_symbol=deque([NOW - 1 * SEC + 1, NOW]),
        deny="ORDER_RATE_SYMBOL",
    ),
    on_total_rate("total rate at max", rate_total=deque([NOW, NOW]), deny="ORDER_RATE_TOTAL"),
    on_total_rate("total rate: oldest just expired", rate_total=deque([NOW - 1 * SEC, NOW])),
    on_rate("rate limits off (0)", rate_symbol=deque([NOW] * 100), rate_total=deque([NOW] * 100)),
    # -- spread (2.0 bps exactly) --------------------------------------------------------------
    on_spread("spread at max", max_spread_bps=2.0),
    on_spread("spread over max", max_spread_bps=1.99, deny="SPREAD_TOO_WIDE"),
    on_spread("wide spread may still reduce", intent(SELL), max_spread_bps=1.0, position=1),
    on_spread("spread check off (0)"),
    # -- price collar around the mid (10 bps of 10_000 ticks = 10 ticks) -------------------
    on_collar("limit at collar above", intent(price=10_010, order_type=LMT), price_collar_bps=10.0),
    on_collar(
        "limit past collar above",
        intent(price=10_011, order_type=LMT),
        price_collar_bps=10.0,
        deny="PRICE_OUTSIDE_COLLAR",
    ),
    on_collar(
        "limit at collar below", intent(SELL, price=9_990, order_type=LMT), price_collar_bps=10.0
    ),
    on_collar(
        "limit past collar below",
        intent(SELL, price=9_989, order_type=LMT),
        price_collar_bps=10.0,
        deny="PRICE_OUTSIDE_COLLAR",
    ),
    on_collar("market orders have no collar", price_collar_bps=0.001),
    # -- order notional (market: buys at the ask, sells at the bid; limits at their price) ----
    on_notional("notional at max", intent(qty=3), max_notional=buy_notional(3)),
    on_notional(
        "notional 1 nano over max",
        intent(qty=3),
        max_notional=buy_notional(3) - 1,
        deny="NOTIONAL_EXCEEDS_MAX",
    ),
    on_notional("sell notional at the bid", intent(SELL, 3), max_notional=3 * BID * MPL),
    on_notional(
        "limit notional at its price",
        intent(qty=3, order_type=LMT, price=9_000),
        max_notional=3 * 9_000 * MPL,
    ),
    on_notional(
        "limit notional over at its price",
        intent(qty=3, order_type=LMT, price=9_001),
        max_notional=3 * 9_000 * MPL,
        deny="NOTIONAL_EXCEEDS_MAX",
    ),
    on_notional("notional off (0)", intent(qty=10**6)),
    on_notional(
        "reversal notional measured whole",
        intent(SELL, 6),
        max_notional=3 * BID * MPL,
        position=3,
        deny="NOTIONAL_EXCEEDS_MAX",
    ),
    on_notional(
        "reduce notional over max", intent(SELL, 6), max_notional=3 * BID * MPL, position=6
    ),
    # -- resulting position value ---------------------------------------------------------------
    on_position("position at max", intent(qty=1), position=2, max_position=buy_notional(3)),
    on_position(
        "position over max",
        intent(qty=1),
        position=2,
        max_position=buy_notional(3) - 1,
        deny="POSITION_EXCEEDS_MAX",
    ),
    on_position(
        "flip over max",
        intent(SELL, 6),
        position=2,
        max_position=4 * BID * MPL - 1,
        deny="POSITION_EXCEEDS_MAX",
    ),
    on_position(
        "reducing is never a position breach", intent(SELL, 1), position=10, max_position=1
    ),
    # -- gross exposure across symbols --------------------------------------------------------
    on_gross(
        "gross at max", intent(qty=2), gross_exposure=7 * UNIT, max_gross=7 * UNIT + buy_notional(2)
    ),
    on_gross(
        "gross over max",
        intent(qty=2),
        gross_exposure=7 * UNIT,
        max_gross=7 * UNIT + buy_notional(2) - 1,
        deny="GROSS_EXPOSURE_EXCEEDS_MAX",
    ),
    on_gross(
        "gross counts the growth of a held position",
        intent(qty=1),
        position=2,
        gross_exposure=buy_notional(2),
        max_gross=buy_notional(3),
    ),
    on_gross(
        "reducing never breaches gross",
        intent(SELL, 1),
        position=5,
        gross_exposure=10**18,
        max_gross=1,
    ),
    on_venue("no venue filters: anything goes", intent(qty=10**9), instrument=INSTRUMENT_A),
    on_venue("min notional met at the mid", instrument=venue(min_notional=100 * UNIT)),
    on_venue(
        "min notional one nano short",
        deny="VENUE_MIN_NOTIONAL",
        instrument=venue(min_notional=100 * UNIT + 1),
    ),
    on_venue(
        "reduce-only exempt from min notional (USD-M)",
        OrderIntent(AAA, SELL, 1, MKT, reduce_only=True, is_entry=False),
        position=1,
        instrument=venue(min_notional=10**6 * UNIT, reduce_only_exempt=True),
    ),
    on_venue(
        "reduce-only not exempt on spot",
        OrderIntent(AAA, SELL, 1, MKT, reduce_only=True, is_entry=False),
        deny="VENUE_MIN_NOTIONAL",
        position=1,
        instrument=venue(min_notional=10**6 * UNIT),
    ),
    on_venue("market lots at the max", intent(qty=5), instrument=venue(market_max_lots=5)),
    on_venue(
        "market lots past the max",
        intent(qty=6),
        "VENUE_LOT_SIZE",
        instrument=venue(market_max_lots=5),
    ),
    on_venue(
        "entry leaves a position over the market max",
        intent(qty=2, order_type=LMT, price=BID),
        "VENUE_LOT_SIZE",
        position=4,
        instrument=venue(market_max_lots=5),
    ),
    on_venue(
        "reducing a position over the market max",
        intent(SELL, 2, order_type=LMT, price=BID),
        position=9,
        instrument=venue(market_max_lots=5),
    ),
    on_venue(
        "limit lots at the max",
        intent(qty=7, order_type=LMT, price=BID),
        instrument=venue(max_lots=7),
    ),
    on_venue(
        "limit lots past the max",
        intent(qty=8, order_type=LMT, price=BID),
        "VENUE_LOT_SIZE",
        instrument=venue(max_lots=7),
    ),
    on_venue(
        "buy at mid x 1.05",
        intent(order_type=LMT, price=10_500),
        instrument=venue(buy_up=1_050_000_000),
    ),
    on_venue(
        "buy one tick over mid x 1.05",
        intent(order_type=LMT, price=10_501),
        "VENUE_PERCENT_PRICE",
        instrument=venue(buy_up=1_050_000_000),
    ),
    on_venue(
        "limit under the min price",
        intent(order_type=LMT, price=BID),
        "VENUE_PRICE_FILTER",
        instrument=venue(min_price=BID + 1),
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
