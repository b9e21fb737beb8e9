"""TradingCore end to end: quotes -> signals -> orders -> paper fills -> positions.

Most scenarios trade the real paper venue with zero latency (see ``Harness``);
those that need a particular venue behaviour (a rejected exit, reports out of
order) play the venue by hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.core.risk import DAILY_LOSS
from engine.core.risk import DRAWDOWN
from engine.core.risk import LOSS_STREAK
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trader import TraderState
from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import LiquiditySide
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import FillApplied
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import RiskDenied
from engine.model.events import RoundTripClosed
from engine.model.events import SignalChanged
from engine.model.events import TradingStateChanged
from engine.paper import PaperConfig
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import BBB
from tests.engine.core.helpers import CASH
from tests.engine.core.helpers import MPL
from tests.engine.core.helpers import MS
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import Harness

BUY, SELL = Side.BUY, Side.SELL
K = ReportKind
ACTIVE, PAUSED, REDUCING, HALTED = (
    TradingState.ACTIVE,
    TradingState.PAUSED,
    TradingState.REDUCING,
    TradingState.HALTED,
)
LIMIT_ENTRIES = TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=2.0)


def denials(h: Harness) -> list[str]:
    return [d.reason for d in h.events_of(RiskDenied)]


# -- the happy path ------------------------------------------------------------------------


def test_signal_to_order_to_fill_to_position_and_back() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002)
    assert h.sent == []
    h.quote(AAA, 10_000, 10_002, 1)
    [entry] = h.submits()
    assert (entry.order.side, entry.order.qty, entry.order.order_type) == (BUY, 1, OrderType.MARKET)
    assert h.position() == 1
    assert h.core.trader(AAA).state is TraderState.IN_POSITION
    assert [type(e) for e in h.core.events] == [
        SignalChanged,
        OrderSubmitted,
        OrderUpdated,
        OrderUpdated,
        FillApplied,
    ]
    [fill] = h.events_of(FillApplied)
    assert (fill.fill.price, fill.fill.liquidity, fill.position_qty) == (
        10_002,
        LiquiditySide.TAKER,
        1,
    )

    h.quote(AAA, 10_010, 10_012, 0)
    exit_ = h.last_submit().order
    assert (exit_.side, exit_.qty, exit_.reduce_only, exit_.is_entry) == (SELL, 1, True, False)
    assert h.position() == 0
    assert h.core.trader(AAA).state is TraderState.FLAT
    [trip] = h.events_of(RoundTripClosed)
    assert (trip.entry_price, trip.exit_price, trip.pnl) == (10_002, 10_010, 8 * MPL)
    assert h.core.portfolio.cash == CASH + 8 * MPL
    assert h.script.positions[AAA] == [1, 0]  # the strategy is told after every fill
    assert h.working() == []


def test_a_reversal_is_one_order_of_twice_the_size() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 10_000, 10_002, -1)
    flip = h.last_submit().order
    assert (flip.side, flip.qty, flip.is_entry) == (SELL, 2, True)
    assert len(h.submits()) == 2
    assert h.position() == -1
    assert len(h.events_of(RoundTripClosed)) == 1


def test_a_limit_entry_rests_then_fills_when_the_market_comes_to_it() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)
    [entry] = h.submits()
    assert (entry.order.order_type, entry.order.price) == (OrderType.LIMIT, 10_000)
    assert h.position() == 0
    assert h.core.trader(AAA).state is TraderState.ENTRY_PENDING
    h.quote(AAA, 9_998, 9_999)  # the ask crosses the resting bid
    assert h.position() == 1
    assert h.events_of(FillApplied)[0].fill.liquidity is LiquiditySide.MAKER
    assert h.core.trader(AAA).state is TraderState.IN_POSITION


# -- entry timeout ----------------------------------------------------------------------------


def test_an_unfilled_entry_is_cancelled_at_its_timeout_and_not_chased() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)
    h.timer(2 * SEC - 1)
    assert h.cancels() == []
    h.timer(1)
    [cancel] = h.cancels()
    assert cancel.client_order_id == h.submits()[0].order.client_order_id
    assert h.status(cancel.client_order_id) is OrderStatus.CANCELLED
    assert h.core.trader(AAA).state is TraderState.FLAT
    for _ in range(3):
        h.quote(AAA, 10_001, 10_003, dt=SEC)
        h.timer(3 * SEC)
    assert len(h.submits()) == 1


def test_a_quote_also_wakes_a_timed_out_entry() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 10_000, 10_002, dt=2 * SEC)
    assert len(h.cancels()) == 1
    assert h.working() == []


def test_a_partial_entry_then_timeout_keeps_the_partial_position() -> None:
    h = Harness(
        order=TraderConfig(qty=Decimal(3), type="limit", entry_timeout_s=2.0),
        paper=PaperConfig(fill_on_touch=True),
    )
    h.quote(AAA, 10_000, 10_002, 1)
    h.trade(AAA, 10_000, 1, SELL)  # a print of 1 lot at our bid
    assert h.position() == 1
    h.timer(2 * SEC)
    assert len(h.cancels()) == 1
    assert h.position() == 1
    assert h.working() == []
    trader = h.core.trader(AAA)
    assert trader.state is TraderState.IN_POSITION
    for _ in range(3):
        h.quote(AAA, 10_000, 10_002, dt=SEC)
    assert len(h.submits()) == 1  # no top-up of the other 2 lots
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order
    assert (exit_.side, exit_.qty) == (SELL, 1)
    assert h.position() == 0


# -- denied and rejected entries -------------------------------------------------------------


def test_a_rejected_entry_is_not_retried_until_the_next_signal() -> None:
    # post-only one tick inside the bid: with a one-tick spread it would take, so the venue rejects
    h = Harness(order=TraderConfig(qty=Decimal(1), type="post_only", offset_ticks=1))
    h.quote(AAA, 10_000, 10_001, 1)
    [entry] = h.submits()
    assert h.status(entry.order.client_order_id) is OrderStatus.REJECTED
    for _ in range(3):
        h.quote(AAA, 10_000, 10_002, dt=SEC)
        h.timer(10 * SEC)
    assert len(h.submits()) == 1
    assert h.core.trader(AAA).state is TraderState.FLAT
    h.quote(AAA, 10_000, 10_002, 0)
    h.quote(AAA, 10_000, 10_002, 1)
    assert len(h.submits()) == 2
    assert h.last_submit().order.price == 10_001
    assert h.working(AAA) == [h.last_submit().order.client_order_id]


def test_a_risk_denied_entry_is_dropped_once_not_retried() -> None:
    h = Harness(order=TraderConfig(qty=Decimal(2)), limits=RiskLimits(max_order_qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_002, 1)
    for _ in range(3):
        h.quote(AAA, 10_000, 10_002, dt=SEC)
        h.timer(10 * SEC)
    assert denials(h) == ["QTY_EXCEEDS_MAX"]
    assert h.core.risk.denials == {"QTY_EXCEEDS_MAX": 1}
    assert h.sent == []


# -- exits -----------------------------------------------------------------------------------


def test_an_exit_is_not_held_by_the_order_rate_limit() -> None:
    # The rate limit guards new exposure; the trader bounds exits (one closing order
    # at a time, a failed one retried after exit_retry_s: test_a_rejected_exit_is_retried).
    h = Harness(
        order=TraderConfig(qty=Decimal(1), exit_retry_s=0.5),
        limits=RiskLimits(max_orders_per_window_symbol=1, rate_window_ms=1_000),
    )
    h.quote(AAA, 10_000, 10_002, 1)  # t = 1 ms: entry approved, fills
    h.quote(AAA, 10_000, 10_002, 0)  # t = 2 ms: the exit goes out inside the window
    assert h.events_of(RiskDenied) == []
    assert len(h.submits()) == 2
    assert h.last_submit().order.created_ts == 2 * MS
    assert h.position() == 0
    h.quote(AAA, 10_000, 10_002, 1)  # t = 3 ms: a new entry is over the rate limit
    assert [d.reason for d in h.events_of(RiskDenied)] == ["ORDER_RATE_SYMBOL"]


def test_a_rejected_exit_is_retried() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), exit_retry_s=1.0))
    h.quote(AAA, 10_000, 10_002, 1)
    entry = h.last_submit().order.client_order_id
    h.report(entry, K.FILL, qty=1, price=10_002)
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order
    h.report(exit_.client_order_id, K.REJECTED)
    h.timer(SEC - 1)
    assert len(h.submits()) == 2
    h.timer(1)
    again = h.last_submit().order
    assert len(h.submits()) == 3
    assert (again.side, again.qty, again.is_entry) == (SELL, 1, False)
    assert again.client_order_id != exit_.client_order_id  # ids are never reused


# -- trading states ------------------------------------------------------------------------


# scope, state, long 1 lot first?, signal, position after, denial
STATE_GATING = [
    ("*", ACTIVE, False, 1, 1, None),
    ("*", ACTIVE, True, -1, -1, None),
    ("*", PAUSED, False, 1, 0, "TRADING_STATE"),
    ("*", PAUSED, False, -1, 0, "TRADING_STATE"),
    ("*", PAUSED, True, 0, 0, None),
    ("*", REDUCING, False, 1, 0, "TRADING_STATE"),
    ("*", REDUCING, True, 0, 0, None),
    ("*", HALTED, False, -1, 0, "TRADING_STATE"),
    ("*", HALTED, True, 0, 0, None),
    (AAA, PAUSED, False, 1, 0, "TRADING_STATE"),
    (AAA, HALTED, True, 0, 0, None),
    (BBB, HALTED, False, 1, 1, None),  # another symbol's state does not apply
]


@pytest.mark.parametrize(
    ("scope", "state", "start_long", "signal", "after", "denial"),
    STATE_GATING,
    ids=[
        f"{sc}-{st_.value}-{'long' if lg else 'flat'}-to-{sig}"
        for sc, st_, lg, sig, _, _ in STATE_GATING
    ],
)
def test_trading_state_gates_new_exposure_only(
    scope: str, state: TradingState, start_long: bool, signal: int, after: int, denial: str | None
) -> None:
    h = Harness()
    if start_long:
        h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_state(scope, state, "alice")
    h.pump()
    h.quote(AAA, 10_000, 10_002, signal)
    assert h.position(AAA) == after
    assert denials(h) == ([] if denial is None else [denial])


def test_paused_blocks_entries_but_allows_exits() -> None:
    h = Harness()
    h.core.set_state("*", PAUSED, "alice", "lunch")
    assert h.events_of(TradingStateChanged) == [
        TradingStateChanged(0, "*", ACTIVE, PAUSED, "alice", "lunch")
    ]
    h.quote(AAA, 10_000, 10_002, 1)
    assert denials(h) == ["TRADING_STATE"]
    assert h.sent == []
    h.core.set_state("*", ACTIVE, "alice")
    h.quote(AAA, 10_000, 10_002, 1)
    assert h.position() == 1
    h.core.set_state("*", PAUSED, "alice")
    h.quote(AAA, 10_000, 10_002, 0)
    assert h.position() == 0
    assert denials(h) == ["TRADING_STATE"]


def test_paused_does_not_hold_a_position_against_a_reversal_signal() -> None:
    """A reversal while PAUSED cannot open the new side, but the exit part is
    allowed: the position should close rather than stay long against the signal."""
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_state("*", PAUSED, "alice")
    h.quote(AAA, 10_000, 10_002, -1)
    h.timer(5 * SEC)
    h.quote(AAA, 10_000, 10_002)
    assert h.position() == 0


def test_a_stale_feed_blocks_entries_but_not_exits() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_stale(None, True)
    assert h.core.is_stale(AAA) and h.core.is_stale(BBB)
    h.quote(BBB, 10_000, 10_002, 1)
    assert denials(h) == ["FEED_STALE"]
    h.quote(AAA, 10_000, 10_002, 0)
    assert h.position(AAA) == 0
    h.core.set_stale(BBB, False)
    h.quote(BBB, 10_000, 10_002, 1)
    assert h.position(BBB) == 1


def test_pause_of_one_symbol_leaves_the_others_trading() -> None:
    h = Harness()
    h.core.set_state(AAA, PAUSED, "alice")
    assert h.core.trading_state(AAA) is PAUSED
    assert h.core.trading_state(BBB) is ACTIVE
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(BBB, 10_000, 10_002, 1)
    assert (h.position(AAA), h.position(BBB)) == (0, 1)
    assert denials(h) == ["TRADING_STATE"]
    assert h.events_of(TradingStateChanged)[0].scope == AAA


def test_the_most_severe_of_global_and_symbol_state_applies() -> None:
    h = Harness()
    h.core.set_state(AAA, PAUSED, "alice")
    h.core.set_state("*", REDUCING, "bob")
    assert h.core.trading_state(AAA) is REDUCING
    assert h.core.trading_state(BBB) is REDUCING
    h.core.set_state("*", ACTIVE, "bob")
    assert h.core.trading_state(AAA) is PAUSED  # the symbol's own state stays


def test_setting_the_same_state_announces_nothing() -> None:
    h = Harness()
    h.core.set_state("*", ACTIVE, "alice")
    assert h.events_of(TradingStateChanged) == []


def test_halted_allows_only_reducing_orders() -> None:
    h = Harness(order=TraderConfig(qty=Decimal(2)))
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_state("*", HALTED, "alice")
    h.pump()
    assert h.position() == 2  # halting alone does not flatten
    h.quote(AAA, 10_000, 10_002, -1)  # a reversal opens exposure: denied
    assert denials(h) == ["TRADING_STATE"]
    h.quote(AAA, 10_000, 10_002, 0)
    assert h.position() == 0


def test_halting_one_symbol_cancels_only_its_orders() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(BBB, 10_000, 10_002, 1)
    h.core.set_state(AAA, HALTED, "alice")
    h.pump()
    assert [c.symbol for c in h.cancels()] == [AAA]
    assert h.working(AAA) == []
    assert len(h.working(BBB)) == 1


def test_kill_cancels_working_orders_and_flattens_every_position() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)  # rests at 100.00
    h.quote(BBB, 10_000, 10_002, 1)
    h.quote(BBB, 9_998, 9_999)  # fills B's entry
    assert (h.position(AAA), h.position(BBB), len(h.working())) == (0, 1, 1)
    h.core.kill("alice", "panic")
    h.pump()
    assert [c.symbol for c in h.cancels()] == [AAA]
    flat = h.last_submit().order
    assert (flat.symbol, flat.side, flat.qty, flat.order_type, flat.reason) == (
        BBB,
        SELL,
        1,
        OrderType.MARKET,
        "flatten",
    )
    assert (h.position(AAA), h.position(BBB)) == (0, 0)
    assert h.working() == []
    assert h.venue is not None
    assert h.venue.working_orders() == []
    assert h.core.state is HALTED
    assert h.events_of(TradingStateChanged) == [
        TradingStateChanged(h.now, "*", ACTIVE, HALTED, "alice", "panic")
    ]
    h.quote(AAA, 10_000, 10_002, -1)
    assert denials(h) == ["TRADING_STATE"]


def test_kill_flattens_a_partial_entry_even_if_a_signal_comes_before_the_cancel_is_done() -> None:
    """With 5 ms to the venue, a strategy signal lands between the kill and the
    venue's cancel confirmation. HALTED allows only reducing orders, so the signal
    cannot open anything; the kill switch's flatten must still close the 1 lot."""
    h = Harness(
        order=TraderConfig(qty=Decimal(3), type="limit", entry_timeout_s=60.0),
        paper=PaperConfig(fill_on_touch=True, latency_in_ns=5 * MS),
    )
    h.quote(AAA, 10_000, 10_002, 1)  # buy 3 @ 100.00, reaches the venue 5 ms later
    h.timer(5 * MS)
    h.trade(AAA, 10_000, 1, SELL)  # 1 of 3 fills
    assert h.position() == 1
    h.core.kill("alice")
    h.pump()
    assert len(h.cancels()) == 1
    h.quote(AAA, 10_000, 10_002, -1)  # the strategy turns while the cancel is in flight
    for _ in range(3):
        h.timer(SEC)
        h.quote(AAA, 10_000, 10_002)
    assert h.core.state is HALTED
    assert h.position() == 0


def test_flatten_one_symbol() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(BBB, 10_000, 10_002, -1)
    assert h.core.flatten(AAA) == [AAA]
    h.pump()
    assert (h.position(AAA), h.position(BBB)) == (0, -1)
    assert h.core.state is ACTIVE
    assert h.core.flatten(AAA) == []  # nothing left to close


# -- breakers ----------------------------------------------------------------------------


def test_daily_loss_trip_halts_flattens_and_latches_until_reset() -> None:
    h = Harness(limits=RiskLimits(daily_loss_limit=Decimal(5)))
    h.quote(AAA, 10_000, 10_002, 1)  # long 1 at 100.02
    h.quote(AAA, 9_503, 9_505)  # mid 95.04: 4.98 under water
    assert h.events_of(BreakerTripped) == []
    h.quote(AAA, 9_500, 9_502)  # mid 95.01: 5.01 under water, unrealized
    [trip] = h.events_of(BreakerTripped)
    assert (trip.breaker, trip.value, trip.limit) == (DAILY_LOSS, 501 * MPL, 500 * MPL)
    assert h.core.state is HALTED
    [changed] = h.events_of(TradingStateChanged)
    assert (changed.new, changed.actor) == (HALTED, "breaker:daily_loss")
    assert h.position() == 0  # flattened at the bid
    assert h.last_submit().order.reason == "flatten"

    h.core.set_state("*", ACTIVE, "alice")
    h.quote(AAA, 9_500, 9_502, -1)
    assert denials(h) == ["BREAKER_LATCHED"]
    h.core.start_day()  # a new day does not clear the latch
    h.quote(AAA, 9_500, 9_502, 1)
    assert denials(h) == ["BREAKER_LATCHED", "BREAKER_LATCHED"]
    assert len(h.events_of(BreakerTripped)) == 1

    assert h.core.reset_breaker(DAILY_LOSS, "alice") is True
    assert [(r.breaker, r.actor) for r in h.events_of(BreakerReset)] == [(DAILY_LOSS, "alice")]
    h.quote(AAA, 9_500, 9_502, -1)
    assert h.position() == -1
    assert len(h.events_of(BreakerTripped)) == 1


def test_daily_loss_warnings_are_announced_without_halting() -> None:
    h = Harness(limits=RiskLimits(daily_loss_limit=Decimal(10)))
    h.quote(AAA, 10_000, 10_002, 1)  # long 1 at 100.02
    h.quote(AAA, 9_501, 9_503)  # mid 95.02: 5.00 under water
    h.quote(AAA, 9_400, 9_402)
    h.quote(AAA, 9_201, 9_203)  # 8.00 under water
    assert [(w.breaker, w.fraction, w.value) for w in h.events_of(BreakerWarning)] == [
        (DAILY_LOSS, 0.5, 500 * MPL),
        (DAILY_LOSS, 0.8, 800 * MPL),
    ]
    assert h.core.state is ACTIVE
    assert h.position() == 1


def test_after_a_breaker_reset_the_state_still_needs_a_person() -> None:
    h = Harness(limits=RiskLimits(daily_loss_limit=Decimal(5)))
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 9_500, 9_502)
    h.core.start_day()
    h.core.reset_breaker("all", "alice")
    h.quote(AAA, 9_500, 9_502, 1)
    assert denials(h)[-1] == "TRADING_STATE"
    h.core.set_state("*", ACTIVE, "alice")
    h.quote(AAA, 9_500, 9_502, -1)
    assert h.position() == -1


def test_drawdown_trip_halts_and_flattens() -> None:
    h = Harness(limits=RiskLimits(max_drawdown=Decimal(3)))
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 10_500, 10_502)  # the high-water mark rises with the mark
    h.quote(AAA, 10_199, 10_201)  # 3.01 below the peak
    assert [t.breaker for t in h.events_of(BreakerTripped)] == [DRAWDOWN]
    assert h.core.state is HALTED
    assert h.position() == 0


def test_a_loss_streak_blocks_entries_until_the_cooldown_ends() -> None:
    h = Harness(limits=RiskLimits(max_consecutive_losses=2, loss_cooldown_s=10.0))
    for _ in range(2):  # buy at the ask, sell at the bid: each round trip loses the spread
        h.quote(AAA, 10_000, 10_002, 1)
        h.quote(AAA, 10_000, 10_002, 0)
    assert [t.breaker for t in h.events_of(BreakerTripped)] == [LOSS_STREAK]
    tripped_at = h.now
    h.quote(AAA, 10_000, 10_002, 1)
    assert denials(h) == ["BREAKER_LATCHED"]
    h.quote(AAA, 10_000, 10_002, 1, dt=tripped_at + 10 * SEC - h.now - 1)
    assert denials(h) == ["BREAKER_LATCHED", "BREAKER_LATCHED"]
    h.quote(AAA, 10_000, 10_002, 1, dt=1)  # exactly 10 s after the trip
    assert h.position() == 1


# -- reports: out of order, duplicated, unknown -------------------------------------------------


def test_out_of_order_and_duplicate_reports_do_not_double_count() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(2)))
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e1")  # before ACCEPTED
    h.report(cid, K.ACCEPTED)  # late
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e1")  # duplicate
    assert h.position() == 1
    h.report(cid, K.FILL, qty=1, price=10_001, exec_id="e2")
    h.report(cid, K.FILL, qty=1, price=10_001, exec_id="e2")  # duplicate after terminal
    h.report(cid, K.ACCEPTED)  # late after terminal
    h.report(cid, K.CANCELLED)  # impossible after FILLED: counted, not applied
    assert h.position() == 2
    assert h.status(cid) is OrderStatus.FILLED
    assert len(h.events_of(FillApplied)) == 2
    assert h.core.portfolio.cash == CASH - (10_002 + 10_001) * MPL
    assert [e.reason for e in h.events_of(OrderError)] == ["transition"]
    assert h.core.trader(AAA).state is TraderState.IN_POSITION
    assert len(h.submits()) == 1


def test_fills_delivered_in_reverse_order_both_count() -> None:
    """Two fills of one order arrive swapped (cumulative 2 before cumulative 1).
    Each has its own execution id; both are real and must be booked once."""
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(2)))
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    h.report(cid, K.ACCEPTED)
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e2", cum_qty=2)
    h.report(cid, K.FILL, qty=1, price=10_001, exec_id="e1", cum_qty=1)
    assert h.position() == 2
    assert h.status(cid) is OrderStatus.FILLED


def test_a_fill_repeated_with_its_cumulative_quantity_is_booked_once() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(2)))
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e1", cum_qty=1)
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e1", cum_qty=1)
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e2", cum_qty=2)
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e2", cum_qty=2)
    assert h.position() == 2
    assert len(h.events_of(FillApplied)) == 2


def test_a_duplicate_terminal_report_does_not_end_the_next_order() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_002, 1)
    first = h.last_submit().order.client_order_id
    h.report(first, K.REJECTED)
    h.quote(AAA, 10_000, 10_002, -1)
    second = h.last_submit().order.client_order_id
    h.report(first, K.REJECTED)  # the old order's report again
    assert h.core.trader(AAA).entry == second
    assert h.core.trader(AAA).state is TraderState.ENTRY_PENDING


def test_a_report_for_an_unknown_order_changes_nothing() -> None:
    h = Harness(venue=False)
    h.quote(AAA, 10_000, 10_002)
    h.report(ClientOrderId("not-ours"), K.FILL, qty=1, price=10_002)
    assert h.position() == 0
    assert [e.reason for e in h.events_of(OrderError)] == ["unknown_order"]


def test_a_new_direction_cancels_the_working_entry_then_follows_it() -> None:
    h = Harness(order=LIMIT_ENTRIES)
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 10_000, 10_002, -1)
    assert len(h.cancels()) == 1
    short = h.last_submit().order
    assert (short.side, short.price, len(h.submits())) == (SELL, 10_002, 2)
    assert h.working() == [short.client_order_id]


# -- control ---------------------------------------------------------------------------------


def test_resize_applies_from_the_next_signal() -> None:
    h = Harness(order=TraderConfig(qty=Decimal(2)))
    h.core.resize(AAA, 2.5)
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(BBB, 10_000, 10_002, 1)
    assert (h.position(AAA), h.position(BBB)) == (5, 2)
    h.core.resize(None, 0.5)
    h.quote(AAA, 10_000, 10_002, -1)
    h.quote(BBB, 10_000, 10_002, -1)
    assert (h.position(AAA), h.position(BBB)) == (-1, -1)


def test_set_limits_applies_to_the_gate_and_the_breakers() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_limits(RiskLimits(max_order_qty=Decimal(1), daily_loss_limit=Decimal("0.05")))
    h.core.resize(BBB, 2.0)
    h.quote(BBB, 10_000, 10_002, 1)  # an entry of 2 lots is over the new maximum
    assert denials(h) == ["QTY_EXCEEDS_MAX"]
    assert h.events_of(BreakerTripped) == []
    h.quote(AAA, 9_996, 9_998)  # mid 99.97: 0.05 under water
    assert [t.breaker for t in h.events_of(BreakerTripped)] == [DAILY_LOSS]
    assert h.position() == 0


# -- two slots: an entry and a closing order ------------------------------------------------


def limit_long_then_resting_reversal(h: Harness) -> ClientOrderId:
    """Hand-played: a limit buy of 1 fills, then the signal turns and sell 2 rests."""
    h.quote(AAA, 10_000, 10_002, 1)
    entry = h.last_submit().order.client_order_id
    h.report(entry, K.ACCEPTED)
    h.report(entry, K.FILL, qty=1, price=10_000)
    h.quote(AAA, 10_000, 10_002, -1)
    flip = h.last_submit().order
    assert (flip.side, flip.qty, flip.is_entry) == (SELL, 2, True)
    h.report(flip.client_order_id, K.ACCEPTED)
    return flip.client_order_id


def test_a_partial_fill_of_a_working_reversal_does_not_call_it_off() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(2), type="limit"))
    h.quote(AAA, 10_000, 10_002, 1)
    entry = h.last_submit().order.client_order_id
    h.report(entry, K.FILL, qty=2, price=10_000)
    h.quote(AAA, 10_000, 10_002, -1)
    flip = h.last_submit().order.client_order_id
    h.report(flip, K.FILL, qty=1, price=10_002)  # still long 1: the reversal goes on
    assert h.cancels() == []
    assert len(h.submits()) == 2


def test_flatten_beside_a_working_reversal_waits_for_its_cancel_then_closes() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), type="limit", exit_retry_s=1.0))
    flip = limit_long_then_resting_reversal(h)
    h.core.flatten(AAA)
    h.pump()
    assert [c.client_order_id for c in h.cancels()] == [flip]
    assert len(h.submits()) == 2  # a close now could sell twice with the reversal
    h.report(flip, K.CANCELLED, dt=MS)
    close = h.last_submit().order
    assert (close.side, close.qty, close.reason, close.created_ts) == (SELL, 1, "flatten", h.now)


def test_flatten_beside_a_reversal_whose_cancel_is_stuck_closes_after_exit_retry_s() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), type="limit", exit_retry_s=1.0))
    flip = limit_long_then_resting_reversal(h)
    h.core.flatten(AAA)
    h.pump()
    h.timer(SEC - 1)
    assert len(h.submits()) == 2
    h.timer(1)
    close = h.last_submit().order
    assert (close.side, close.qty, close.reduce_only) == (SELL, 1, True)
    assert h.status(flip) is OrderStatus.CANCEL_PENDING


def test_a_reversal_that_times_out_with_a_stuck_cancel_still_closes_the_old_side() -> None:
    h = Harness(
        venue=False,
        order=TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=2.0, exit_retry_s=1.0),
    )
    flip = limit_long_then_resting_reversal(h)
    h.timer(2 * SEC)  # the reversal times out; its cancel never completes
    assert h.status(flip) is OrderStatus.CANCEL_PENDING
    h.timer(SEC)  # waited exit_retry_s for the cancel beside a same-side reversal
    close = h.last_submit().order
    assert (close.side, close.qty, close.reduce_only) == (SELL, 1, True)
    h.report(close.client_order_id, K.FILL, qty=1, price=10_000)
    assert h.position() == 0
    h.report(flip, K.CANCELLED)  # finally: flat, and no second entry was ever live
    h.timer(5 * SEC)
    assert h.position() == 0 and h.working() == []
    assert len(h.submits()) == 3


def put_in_doubt(h: Harness, cid: ClientOrderId) -> None:
    """The venue does not know ``cid``: the order ends provisionally, its outcome in doubt."""
    h.core.on_report(ExecutionReport(cid, K.REJECTED, h.now, reason="not_at_venue"))


def long_then_exit(h: Harness) -> ClientOrderId:
    """A market buy of 1 fills at 100.02, then the signal goes flat: the exit's id."""
    h.quote(AAA, 10_000, 10_002, 1)
    h.report(h.last_submit().order.client_order_id, K.FILL, qty=1, price=10_002)
    h.quote(AAA, 10_000, 10_002, 0)
    return h.last_submit().order.client_order_id


def test_a_hold_for_an_entry_in_doubt_is_announced_once() -> None:
    h = Harness(venue=False)
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    put_in_doubt(h, cid)
    for signal in (0, 1, 0, 1):
        h.quote(AAA, 10_000, 10_002, signal)
    assert denials(h) == ["ORDER_IN_DOUBT"]
    assert len(h.submits()) == 1  # never a second entry while the first may be live


def test_a_losing_round_trip_closed_by_reconciliation_counts_toward_the_loss_streak() -> None:
    h = Harness(limits=RiskLimits(max_consecutive_losses=1))
    h.quote(AAA, 10_000, 10_002, 1)  # long 1 at 100.02
    h.core.adjust_position(AAA, -1, 9_000, h.now, "recon-pos", "reconciliation")
    assert [t.breaker for t in h.events_of(BreakerTripped)] == [LOSS_STREAK]


def test_halting_keeps_a_live_exit_and_kill_does_not_cancel_it() -> None:
    h = Harness(venue=False)
    exit_ = long_then_exit(h)
    h.core.kill("alice")
    h.pump()
    assert h.cancels() == []
    assert h.working(AAA) == [exit_]
    h.report(exit_, K.FILL, qty=1, price=10_000)
    assert h.position() == 0
    assert len(h.submits()) == 2


def test_a_revived_entry_that_fills_is_kept_not_closed() -> None:
    h = Harness(venue=False)
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    put_in_doubt(h, cid)
    h.report(cid, K.FILL, qty=1, price=10_002)
    assert h.position() == 1
    h.timer(10 * SEC)
    assert len(h.submits()) == 1  # the strategy still wants long: nothing to close


def test_a_revived_closing_order_beside_a_newer_one_is_cancelled() -> None:
    h = Harness(venue=False)
    old = long_then_exit(h)
    put_in_doubt(h, old)
    h.timer(h.core.provisional_hold_ns)
    new = h.last_submit().order.client_order_id
    assert new != old
    h.report(old, K.ACCEPTED)  # the old one shows up after all
    assert [c.client_order_id for c in h.cancels()] == [old]
    assert h.core.trader(AAA).closing == new


def test_a_flatten_holds_through_a_resume_until_the_next_signal() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_state("*", PAUSED, "schedule:us", "session closed")
    h.core.flatten(AAA)
    h.pump()
    h.quote(AAA, 10_000, 10_002, 1)  # ignored while PAUSED and flattening
    assert h.position() == 0
    h.core.set_state("*", ACTIVE, "schedule:us", "session open")
    h.quote(AAA, 10_000, 10_002, dt=SEC)
    h.timer(5 * SEC)
    assert h.position() == 0  # not back to the old target by itself
    h.quote(AAA, 10_000, 10_002, -1)
    assert h.position() == -1


def test_in_active_a_new_signal_after_a_flatten_trades_again() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.flatten(AAA)
    h.pump()
    assert h.position() == 0
    h.quote(AAA, 10_000, 10_002, dt=SEC)
    assert h.position() == 0  # the flatten holds until the strategy speaks again
    h.quote(AAA, 10_000, 10_002, -1)
    assert h.position() == -1


def test_hold_closes_of_one_symbol_leaves_the_others_trading() -> None:
    h = Harness()
    h.core.hold_closes(AAA, True)
    assert h.core.closes_held(AAA) and not h.core.closes_held(BBB)
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(BBB, 10_000, 10_002, 1)
    assert (h.position(AAA), h.position(BBB)) == (0, 1)
    h.core.hold_closes(AAA, False)
    h.pump()
    assert h.position(AAA) == 1  # the standing target is acted on once given back


# -- property: never two entries, at most one closing order, never more than the size ------------

SYMBOLS = (AAA, BBB)
STATES = {"pause": PAUSED, "active": ACTIVE, "reducing": REDUCING, "halt": HALTED}


class QuoteStep(NamedTuple):
    symbol: Symbol
    move: int  # of the bid, ticks
    spread: int
    size: int  # displayed on both sides (0 = unknown)
    signal: int | None  # what the strategy says


class TradeStep(NamedTuple):
    symbol: Symbol
    offset: int  # from the bid, ticks
    size: int
    aggressor: Side


class TimerStep(NamedTuple):
    dt_ms: int


class ControlStep(NamedTuple):
    scope: str
    action: str  # a key of STATES, or "flatten"


quote_steps = st.builds(
    QuoteStep,
    st.sampled_from(SYMBOLS),
    st.integers(-3, 3),
    st.integers(1, 3),
    st.integers(0, 3),
    st.sampled_from([None, None, -1, 0, 1, 1, -1]),
)
trade_steps = st.builds(
    TradeStep,
    st.sampled_from(SYMBOLS),
    st.integers(-1, 2),
    st.integers(0, 3),
    st.sampled_from([BUY, SELL]),
)
timer_steps = st.builds(TimerStep, st.integers(0, 3_000))
control_steps = st.builds(
    ControlStep,
    st.sampled_from([*SYMBOLS, "*"]),
    st.sampled_from(["pause", "active", "active", "reducing", "flatten", "halt"]),
)
paths = st.lists(
    st.one_of(
        *[quote_steps] * 6, trade_steps, trade_steps, timer_steps, timer_steps, control_steps
    ),
    min_size=20,
    max_size=80,
)
trader_configs = st.builds(
    TraderConfig,
    qty=st.integers(1, 3).map(Decimal),
    type=st.sampled_from(["market", "limit", "post_only"]),
    tif=st.sampled_from(["gtc", "day"]),
    offset_ticks=st.integers(-1, 2),
    entry_timeout_s=st.sampled_from([0.5, 2.0]),
)
paper_configs = st.builds(
    PaperConfig,
    overflow=st.sampled_from(["walk", "partial"]),
    fill_on_touch=st.booleans(),
    latency_in_ns=st.sampled_from([0, 0, 3 * MS]),
    latency_out_ns=st.sampled_from([0, 0, 2 * MS]),
)


def run_step(
    h: Harness, step: QuoteStep | TradeStep | TimerStep | ControlStep, bids: dict[Symbol, int]
) -> None:
    if isinstance(step, QuoteStep):
        bid = bids[step.symbol] = max(1, bids[step.symbol] + step.move)
        h.quote(
            step.symbol, bid, bid + step.spread, step.signal, bid_size=step.size, ask_size=step.size
        )
    elif isinstance(step, TradeStep):
        h.trade(step.symbol, bids[step.symbol] + step.offset, step.size, step.aggressor)
    elif isinstance(step, TimerStep):
        h.timer(step.dt_ms * MS)
    else:
        if step.action == "flatten":
            h.core.flatten(None if step.scope == "*" else Symbol(step.scope))
        else:
            h.core.set_state(step.scope, STATES[step.action], "prop")
        h.pump()


@settings(max_examples=200, deadline=None)
@given(config=trader_configs, paper=paper_configs, path=paths)
def test_one_entry_one_closing_order_per_symbol_and_never_more_than_the_size(
    config: TraderConfig,
    paper: PaperConfig,
    path: list[QuoteStep | TradeStep | TimerStep | ControlStep],
) -> None:
    size = int(config.qty)
    # a reversal (2 x size) is over a max_order_qty of one size: sent as close, then open
    h = Harness(order=config, paper=paper, limits=RiskLimits(max_order_qty=Decimal(size)))
    bids = dict.fromkeys(SYMBOLS, 10_000)
    for step in path:
        run_step(h, step, bids)
        for sym in SYMBOLS:
            working = h.core.orders.working(sym)
            assert sum(o.is_entry for o in working) <= 1  # never two entries
            assert sum(not o.is_entry for o in working) <= 1  # at most one closing order
            assert abs(h.position(sym)) <= size
        assert h.core.orders.errors == 0
    assert "QTY_EXCEEDS_MAX" not in denials(h)
    # no order that opens exposure is larger than the limit
    assert all(c.order.qty <= size for c in h.submits() if c.order.is_entry)
    # settle everything in flight (each exchange may start another): then the
    # core agrees with the venue
    assert h.venue is not None
    for _ in range(50):
        due = h.venue.next_due()
        if due is None:
            break
        h.timer(max(due - h.now, 0))
    assert h.venue.next_due() is None
    assert h.core.orders.errors == 0
    for sym in SYMBOLS:
        at_venue = 0
        for cmd in h.submits(sym):
            order = h.venue.get_order(cmd.order.client_order_id)
            if order is not None:
                at_venue += order.filled_qty * order.side
        assert h.position(sym) == at_venue
