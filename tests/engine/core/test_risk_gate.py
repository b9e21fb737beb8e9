"""The risk gate: checks in order, rate and duplicate windows, live limits, counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest

from engine.core.market_state import MarketState
from engine.core.risk import RiskGate
from engine.core.risk import RiskLimits
from engine.core.risk import check_limits
from engine.core.risk.checks import Denial
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import BBB
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import INSTRUMENT_B
from tests.engine.core.helpers import MS
from tests.engine.core.helpers import market

BUY, SELL = Side.BUY, Side.SELL
CCC = Symbol("CCC")
# a fine-grained instrument: lots of 0.001, ticks of 0.1
INSTRUMENT_C = Instrument(
    symbol=CCC, price_increment=Decimal("0.1"), size_increment=Decimal("0.001")
)
T0 = 1_000 * MS
WINDOW = 1_000 * MS


def gate(**limits: Any) -> RiskGate:
    return RiskGate(RiskLimits(**limits), [INSTRUMENT_A, INSTRUMENT_B, INSTRUMENT_C])


QUOTES: dict[Symbol, MarketState] = {
    AAA: market(INSTRUMENT_A, 9_999, 10_001, T0),
    BBB: market(INSTRUMENT_B, 9_999, 10_001, T0),
    CCC: market(INSTRUMENT_C, 9_999, 10_001, T0),
}


def check(
    g: RiskGate,
    now: int,
    symbol: Symbol = AAA,
    side: Side = BUY,
    qty: int = 1,
    *,
    position: int = 0,
    state: TradingState = TradingState.ACTIVE,
    latched: str = "",
    stale: bool = False,
    quotes: MarketState | None = None,
    order_type: OrderType = OrderType.MARKET,
    price: int = 0,
) -> str | None:
    """Run one intent through the gate; the denial reason or None when approved."""
    q = QUOTES[symbol] if quotes is None else quotes
    the_intent = OrderIntent(symbol, side, qty, order_type, price=price)
    denial = g.check(the_intent, now, q, position, 0, state, latched, stale)
    return None if denial is None else denial.reason


def test_everything_off_approves_a_huge_order() -> None:
    g = gate()
    assert check(g, T0, qty=10**9) is None
    assert g.approved == 1
    assert not g.denials


def test_unknown_symbol_is_denied_and_counted() -> None:
    g = gate()
    denial = g.check(OrderIntent(Symbol("ZZZ"), BUY, 1), T0, QUOTES[AAA], 0, 0, TradingState.ACTIVE)
    assert denial == Denial("UNKNOWN_SYMBOL", "ZZZ is not configured")
    assert g.denials["UNKNOWN_SYMBOL"] == 1


# Each row relaxes the cause of the previous denial, so the reasons come out in
# the gate's order: the first failing check wins.
ORDER = [
    ({"state": TradingState.HALTED, "quotes": market(), "stale": True, "qty": 6}, "TRADING_STATE"),
    ({"quotes": market(), "stale": True, "qty": 0}, "NO_QUOTE"),
    ({"stale": True, "qty": 6}, "FEED_STALE"),
    ({"qty": 0}, "QTY_INVALID"),
    ({"qty": 6}, "QTY_EXCEEDS_MAX"),
    ({"qty": 2}, "DUPLICATE_INTENT"),
    ({"qty": 3}, "ORDER_RATE_SYMBOL"),
]


def test_checks_run_in_order_and_the_first_denial_wins() -> None:
    g = gate(
        max_order_qty=Decimal(5),
        duplicate_window_ms=10_000,
        max_orders_per_window_symbol=2,
        rate_window_ms=10_000,
    )
    assert check(g, T0, qty=1) is None
    assert check(g, T0, qty=2) is None  # the symbol's window is now full
    assert [check(g, T0 + 1, **kw) for kw, _ in ORDER] == [reason for _, reason in ORDER]
    # past the rate check (windows kept, rate limit off): spread, collar, notional, ...
    g.set_limits(
        RiskLimits(max_spread_bps=1.0, price_collar_bps=1.0, max_order_notional=Decimal(1))
    )
    assert check(g, T0 + 2, order_type=OrderType.LIMIT, price=9_000) == "SPREAD_TOO_WIDE"
    g.set_limits(RiskLimits(price_collar_bps=1.0, max_order_notional=Decimal(1)))
    assert check(g, T0 + 3, order_type=OrderType.LIMIT, price=9_000) == "PRICE_OUTSIDE_COLLAR"
    g.set_limits(
        RiskLimits(
            max_order_notional=Decimal(1),
            max_position_notional=Decimal(1),
            max_gross_exposure=Decimal(1),
        )
    )
    assert check(g, T0 + 4) == "NOTIONAL_EXCEEDS_MAX"
    g.set_limits(RiskLimits(max_position_notional=Decimal(1), max_gross_exposure=Decimal(1)))
    assert check(g, T0 + 5) == "POSITION_EXCEEDS_MAX"
    g.set_limits(RiskLimits(max_gross_exposure=Decimal(1)))
    assert check(g, T0 + 6) == "GROSS_EXPOSURE_EXCEEDS_MAX"


# -- rate windows -------------------------------------------------------------------------


def test_symbol_rate_within_and_after_the_window() -> None:
    g = gate(max_orders_per_window_symbol=2, rate_window_ms=1_000)
    assert check(g, T0) is None
    assert check(g, T0 + 10 * MS, qty=2) is None
    assert check(g, T0 + 20 * MS, qty=3) == "ORDER_RATE_SYMBOL"
    assert check(g, T0 + 20 * MS, BBB) is None  # another symbol has its own window
    assert check(g, T0 + WINDOW - 1, qty=3) == "ORDER_RATE_SYMBOL"
    assert check(g, T0 + WINDOW, qty=3) is None  # the first order left the window
    assert check(g, T0 + WINDOW + 1, qty=4) == "ORDER_RATE_SYMBOL"


def test_total_rate_counts_every_symbol() -> None:
    g = gate(max_orders_per_window_total=2, rate_window_ms=1_000)
    assert check(g, T0, AAA) is None
    assert check(g, T0 + 1, BBB) is None
    assert check(g, T0 + 2, CCC) == "ORDER_RATE_TOTAL"
    assert check(g, T0 + 3, AAA, qty=2) == "ORDER_RATE_TOTAL"
    assert check(g, T0 + WINDOW, CCC) is None
    assert check(g, T0 + WINDOW + 1, CCC, qty=2) is None
    assert check(g, T0 + WINDOW + 2, AAA, qty=3) == "ORDER_RATE_TOTAL"


def test_a_rate_denied_order_does_not_consume_the_window() -> None:
    g = gate(max_orders_per_window_symbol=1, rate_window_ms=1_000)
    assert check(g, T0) is None
    assert check(g, T0 + 500 * MS, qty=2) == "ORDER_RATE_SYMBOL"
    # had the denied one been queued, it would block until T0 + 1.5 s
    assert check(g, T0 + WINDOW, qty=3) is None


def test_an_order_denied_by_any_check_does_not_count_toward_the_rate() -> None:
    g = gate(
        max_orders_per_window_symbol=1, max_orders_per_window_total=1, max_order_qty=Decimal(5)
    )
    assert check(g, T0, qty=9) == "QTY_EXCEEDS_MAX"
    assert check(g, T0, qty=0) == "QTY_INVALID"
    assert check(g, T0, state=TradingState.PAUSED) == "TRADING_STATE"
    assert check(g, T0 + 1) is None


def test_reducing_orders_are_not_rate_limited_but_counted() -> None:
    # A position-reducing order is never blocked by a limit meant for new exposure.
    g = gate(max_orders_per_window_symbol=1)
    assert check(g, T0) is None
    assert check(g, T0 + 1, side=SELL, position=1) is None
    assert check(g, T0 + 2) == "ORDER_RATE_SYMBOL"


# -- duplicate window --------------------------------------------------------------------


def test_duplicate_window() -> None:
    g = gate(duplicate_window_ms=100)
    assert check(g, T0) is None
    assert check(g, T0 + 100 * MS - 1) == "DUPLICATE_INTENT"
    assert check(g, T0 + 1, side=SELL, position=1) is None  # other side
    assert check(g, T0 + 2, qty=2) is None  # other quantity
    assert check(g, T0 + 3, BBB) is None  # other symbol
    assert check(g, T0 + 100 * MS) is None


def test_a_denied_duplicate_does_not_restart_the_window() -> None:
    g = gate(duplicate_window_ms=100)
    assert check(g, T0) is None
    assert check(g, T0 + 99 * MS) == "DUPLICATE_INTENT"
    assert check(g, T0 + 100 * MS) is None


def test_limit_orders_at_other_prices_are_not_duplicates() -> None:
    g = gate(duplicate_window_ms=100)
    lmt = OrderType.LIMIT
    assert check(g, T0, order_type=lmt, price=10_000) is None
    assert check(g, T0 + 1, order_type=lmt, price=10_000) == "DUPLICATE_INTENT"
    assert check(g, T0 + 2, order_type=lmt, price=9_999) is None
    assert check(g, T0 + 3) is None  # a market order is another key


# -- live limits -----------------------------------------------------------------------------


def test_set_limits_keeps_rate_windows_duplicates_and_counts() -> None:
    g = gate(
        max_orders_per_window_symbol=1, max_orders_per_window_total=10, duplicate_window_ms=100
    )
    assert check(g, T0) is None
    assert check(g, T0 + 1, qty=2) == "ORDER_RATE_SYMBOL"
    g.set_limits(
        RiskLimits(
            max_orders_per_window_symbol=2, max_orders_per_window_total=2, duplicate_window_ms=100
        )
    )
    assert check(g, T0 + 2) == "DUPLICATE_INTENT"  # the last intent is remembered
    assert check(g, T0 + 3, qty=2) is None  # the window holds the first order and this one
    assert check(g, T0 + 4, qty=3) == "ORDER_RATE_SYMBOL"
    assert check(g, T0 + 5, BBB) == "ORDER_RATE_TOTAL"  # the total window was kept
    assert g.denials == {"ORDER_RATE_SYMBOL": 2, "DUPLICATE_INTENT": 1, "ORDER_RATE_TOTAL": 1}
    assert g.approved == 2


def test_set_limits_takes_effect_on_the_next_intent() -> None:
    g = gate()
    assert check(g, T0, qty=6) is None
    g.set_limits(RiskLimits(max_order_qty=Decimal(5)))
    assert check(g, T0 + 1, qty=6) == "QTY_EXCEEDS_MAX"
    assert g.limits == RiskLimits(max_order_qty=Decimal(5))
    g.set_limits(RiskLimits())
    assert check(g, T0 + 2, qty=6) is None


def test_denials_are_counted_by_reason() -> None:
    g = gate(max_order_qty=Decimal(5))
    for _ in range(3):
        check(g, T0, qty=6)
    check(g, T0, qty=0)
    check(g, T0, quotes=market())
    check(g, T0, latched="daily_loss")
    check(g, T0)
    assert g.denials == {
        "QTY_EXCEEDS_MAX": 3,
        "QTY_INVALID": 1,
        "NO_QUOTE": 1,
        "BREAKER_LATCHED": 1,
    }
    assert g.approved == 1


# -- limits in human units ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "max_qty", "allowed", "denied"),
    [(AAA, "5", 5, 6), (CCC, "0.005", 5, 6), (CCC, "0.0055", 5, 6), (CCC, "1", 1000, 1001)],
)
def test_max_order_qty_is_in_instrument_units(
    symbol: Symbol, max_qty: str, allowed: int, denied: int
) -> None:
    g = gate(max_order_qty=Decimal(max_qty))
    assert check(g, T0, symbol, qty=allowed) is None
    assert check(g, T0 + 1, symbol, qty=denied) == "QTY_EXCEEDS_MAX"


def test_max_order_qty_below_one_lot_denies_new_exposure_of_that_symbol() -> None:
    g = gate(max_order_qty=Decimal("0.5"))  # half a lot of AAA, 500 lots of CCC
    assert check(g, T0, AAA) == "QTY_LIMIT_BELOW_LOT"
    assert check(g, T0 + 1, AAA, SELL, 3, position=3) is None  # reducing is never blocked
    assert check(g, T0 + 2, CCC, qty=500) is None
    assert check(g, T0 + 3, CCC, qty=501) == "QTY_EXCEEDS_MAX"


def test_check_limits_refuses_max_order_qty_below_one_lot_naming_key_and_symbol() -> None:
    with pytest.raises(ValueError, match=r"^risk\.max_order_qty 0\.5 is below one lot of AAA"):
        check_limits(RiskLimits(max_order_qty=Decimal("0.5")), [INSTRUMENT_C, INSTRUMENT_A])
    check_limits(RiskLimits(max_order_qty=Decimal(1)), [INSTRUMENT_A, INSTRUMENT_C])
    check_limits(RiskLimits(), [INSTRUMENT_A])


def test_money_limits_are_in_quote_units() -> None:
    # 1 lot of AAA at the ask 100.01 costs exactly 100.01; CCC: 1 lot = 0.001 x 1000.1
    g = gate(max_order_notional=Decimal("100.01"))
    assert check(g, T0, AAA) is None
    assert check(g, T0 + 1, AAA, qty=2) == "NOTIONAL_EXCEEDS_MAX"
    g = gate(max_order_notional=Decimal("100.01"))
    assert check(g, T0, CCC, qty=100) is None  # 0.1 x 1000.1
    assert check(g, T0 + 1, CCC, qty=101) == "NOTIONAL_EXCEEDS_MAX"


def test_quote_age_and_windows_are_in_milliseconds() -> None:
    g = gate(max_quote_age_ms=250)
    assert check(g, T0 + 250 * MS) is None
    assert check(g, T0 + 250 * MS + 1, qty=2) == "QUOTE_STALE"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_order_notional", Decimal(-1)),
        ("max_spread_bps", -0.5),
        ("max_orders_per_window_symbol", -1),
        ("daily_loss_limit", Decimal("-0.01")),
        ("loss_cooldown_s", -1.0),
    ],
)
def test_negative_limits_are_refused_naming_the_key(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"risk.{field}"):
        RiskLimits(**{field: value})


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"rate_window_ms": 0}, "rate_window_ms"),
        ({"breaker_confirmations": 0}, "breaker_confirmations"),
        ({"warn_fractions": (0.5, 1.0)}, "warn_fractions"),
        ({"warn_fractions": (0.0,)}, "warn_fractions"),
    ],
)
def test_impossible_limits_are_refused(fields: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        RiskLimits(**fields)


def test_unknown_limit_keys_are_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="max_lots"):
        msgspec.convert({"max_lots": 3}, RiskLimits)
