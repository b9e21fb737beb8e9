"""Issue 9, core side: the trader's invariants in the situations the review reproduced.

Each test drives the real :class:`TradingCore` (tests/engine/core/helpers.py): with
the paper venue where the venue may behave normally, played by hand where the
venue has to misbehave (a cancel that never completes, an order it claims not to
know, a cancel it makes on its own).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from engine.cli import main
from engine.core.risk import RiskGate
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import OrderError
from engine.model.events import RiskDenied
from engine.paper import PaperConfig
from engine.venues.sim import SimVenue
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import Harness
from tests.engine.core.helpers import Script
from tests.engine.core.helpers import ScriptedStrategy
from tests.engine.core.helpers import market
from tests.kit.sim import running_sim
from tests.kit.sim import sim_config

K = ReportKind
BUY, SELL = Side.BUY, Side.SELL
USDM_QUOTES = "binance_usdm_btcusdt_20240808_quotes.csv"
LIMIT_2 = TraderConfig(qty=Decimal(2), type="limit", entry_timeout_s=2.0)


def denials(h: Harness) -> list[str]:
    return [d.reason for d in h.events_of(RiskDenied)]


def long_one(h: Harness) -> ClientOrderId:
    """Hand-played venue: go long 1 lot at 100.02; returns the entry's id."""
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    h.report(cid, K.ACCEPTED)
    h.report(cid, K.FILL, qty=1, price=10_002)
    assert h.position() == 1
    return cid


def flatten_sent(h: Harness) -> Order:
    """Flatten AAA and pump the core: the close it sent."""
    h.core.flatten(AAA)
    h.pump()
    return h.last_submit().order


def live_closing(h: Harness) -> list[ClientOrderId]:
    return [
        o.client_order_id for o in h.core.orders.working(AAA) if not o.is_entry and o.reduce_only
    ]


def live_entries(h: Harness) -> list[ClientOrderId]:
    return [o.client_order_id for o in h.core.orders.working(AAA) if o.is_entry]


def not_at_venue(h: Harness, cid: ClientOrderId, kind: ReportKind = K.REJECTED) -> None:
    """What the shell reports when the venue says it never heard of the order."""
    h.core.on_report(ExecutionReport(cid, kind, h.now, reason="not_at_venue"))
    h.pump()


# -- 1. a denied or failed reversal keeps the old position ------------------------------------


def test_item_01_backtest_flips_when_order_qty_equals_max_order_qty(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["backtest", "--data", str(data_dir / USDM_QUOTES), "--strategy", "sma_cross"]
    args += ["--set", "order.qty=0.01", "--set", "risk.max_order_qty=0.01", "--json"]
    assert main(args) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["signals"] == 199
    # the first entry, then each reversal (2 x the limit) as close, then open
    assert (m["orders"], m["round_trips"]) == (1 + 2 * 198, 198)
    assert m["rejections"] == {}


def test_item_01_a_flip_over_max_order_qty_is_done_as_close_then_open() -> None:
    h = Harness(limits=RiskLimits(max_order_qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_002, 1)
    h.quote(AAA, 10_000, 10_002, -1)
    orders = [s.order for s in h.submits()]
    assert [(o.side, o.qty, o.is_entry, o.reduce_only) for o in orders] == [
        (BUY, 1, True, False),
        (SELL, 1, False, True),  # the close: never blocked by a limit on new exposure
        (SELL, 1, True, False),  # the open, checked on its own
    ]
    assert h.position() == -1
    assert denials(h) == []  # the whole reversal was only an attempt


def test_item_01_a_flip_whose_open_is_denied_ends_flat_not_on_the_old_side() -> None:
    h = Harness(order=TraderConfig(qty=Decimal(2)))
    h.quote(AAA, 10_000, 10_002, 1)
    assert h.position() == 2
    h.core.set_limits(RiskLimits(max_order_qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_002, -1)  # the open part (2 lots) is over the limit
    assert h.position() == 0  # the close was never blocked; the open was denied on its own
    closing = [s.order for s in h.submits() if not s.order.is_entry]
    assert [(o.side, o.qty, o.reduce_only) for o in closing] == [(SELL, 2, True)]
    assert denials(h)[-1] == "QTY_EXCEEDS_MAX"
    for _ in range(3):
        h.timer(5 * SEC)
        h.quote(AAA, 10_000, 10_002)
    assert h.position() == 0
    assert len(h.submits()) == 2


def test_item_01_a_flip_denied_for_new_exposure_is_closed_and_the_open_checked_alone() -> None:
    h = Harness()
    h.quote(AAA, 10_000, 10_002, 1)
    h.core.set_limits(RiskLimits(max_spread_bps=5))
    h.quote(AAA, 10_000, 10_010, -1)  # 8 bps: no new exposure, but closing is allowed
    assert h.position() == 0
    assert set(denials(h)) == {"SPREAD_TOO_WIDE"}
    h.quote(AAA, 10_000, 10_002, -1)  # a fresh signal on a normal spread opens
    assert h.position() == -1


def test_item_01_a_flip_rejected_by_the_venue_is_done_as_close_then_open() -> None:
    h = Harness(venue=False)
    long_one(h)
    h.quote(AAA, 10_000, 10_002, -1)
    flip = h.last_submit().order
    assert (flip.side, flip.qty, flip.is_entry) == (SELL, 2, True)
    h.report(flip.client_order_id, K.REJECTED)
    close = h.last_submit().order
    assert (close.side, close.qty, close.reduce_only, close.is_entry) == (SELL, 1, True, False)
    h.report(close.client_order_id, K.FILL, qty=1, price=10_000)
    assert h.position() == 0
    open_ = h.last_submit().order
    assert (open_.side, open_.qty, open_.is_entry) == (SELL, 1, True)
    h.report(open_.client_order_id, K.FILL, qty=1, price=10_000)
    assert h.position() == -1


def test_item_01_a_partially_filled_flip_that_times_out_does_not_stay_on_the_old_side() -> None:
    h = Harness(order=LIMIT_2, paper=PaperConfig(fill_on_touch=True))
    h.quote(AAA, 10_000, 10_002, 1)  # buy 2 @ 100.00 rests
    h.quote(AAA, 9_998, 9_999)  # the ask comes down to it: long 2
    assert h.position() == 2
    h.quote(AAA, 10_000, 10_002, -1)  # the flip: sell 4 @ 100.02 rests
    flip = h.last_submit().order
    assert (flip.side, flip.qty, flip.price) == (SELL, 4, 10_002)
    h.trade(AAA, 10_002, 1, BUY)  # 1 of 4 fills: still long 1
    assert h.position() == 1
    h.timer(2 * SEC)  # the flip times out: close, then open on its own
    assert h.position() == 0  # closed, never left long against a short signal
    close, open_ = (s.order for s in h.submits()[2:])
    assert (close.side, close.qty, close.reduce_only) == (SELL, 1, True)
    assert (open_.side, open_.qty, open_.price, open_.is_entry) == (SELL, 2, 10_002, True)
    for _ in range(3):
        h.timer(2 * SEC)
        h.quote(AAA, 10_000, 10_002)
    assert h.position() == 0  # the open timed out too: flat, not chased
    assert h.working() == []
    assert len(h.submits()) == 4


# -- 3. a working (stuck) order never blocks an exit or a flatten ------------------------------


def stuck_partial_entry(h: Harness) -> ClientOrderId:
    """A limit buy of 2 fills 1, times out, and its cancel never completes."""
    h.quote(AAA, 10_000, 10_002, 1)
    entry = h.last_submit().order.client_order_id
    h.report(entry, K.ACCEPTED)
    h.report(entry, K.FILL, qty=1, price=10_000)
    h.timer(2 * SEC)
    assert [c.client_order_id for c in h.cancels()] == [entry]
    assert h.status(entry) is OrderStatus.CANCEL_PENDING
    return entry


def test_item_03_an_exit_goes_out_while_the_entry_is_stuck_cancel_pending() -> None:
    h = Harness(venue=False, order=LIMIT_2)
    entry = stuck_partial_entry(h)
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order
    assert (exit_.side, exit_.qty, exit_.reduce_only) == (SELL, 1, True)
    assert h.status(entry) is OrderStatus.CANCEL_PENDING
    h.report(exit_.client_order_id, K.FILL, qty=1, price=10_000)
    assert h.position() == 0


def test_item_03_flatten_closes_at_once_and_then_what_the_stuck_entry_fills_later() -> None:
    h = Harness(venue=False, order=LIMIT_2)
    entry = stuck_partial_entry(h)
    assert h.core.flatten(AAA) == [AAA]
    h.pump()
    first = h.last_submit().order
    assert (first.side, first.qty, first.reason) == (SELL, 1, "flatten")
    h.report(entry, K.FILL, qty=1, price=10_000)  # the stuck entry fills its other lot
    assert h.position() == 2
    assert live_closing(h) == [first.client_order_id]  # still one closing order
    h.report(first.client_order_id, K.FILL, qty=1, price=10_000)
    second = h.last_submit().order
    assert (second.side, second.qty, second.reason) == (SELL, 1, "flatten")
    h.report(second.client_order_id, K.FILL, qty=1, price=10_000)
    assert h.position() == 0
    assert h.working() == []


def test_item_03_a_stuck_entry_never_gets_a_second_entry_beside_it() -> None:
    h = Harness(venue=False, order=LIMIT_2)
    entry = stuck_partial_entry(h)
    h.quote(AAA, 10_000, 10_002, -1)  # a flip while the old entry is stuck
    assert live_entries(h) == [entry]
    [close] = [s.order for s in h.submits() if not s.order.is_entry]
    assert (close.side, close.qty, close.reduce_only) == (SELL, 1, True)
    h.report(close.client_order_id, K.FILL, qty=1, price=10_000)
    h.timer(5 * SEC)
    assert live_entries(h) == [entry]  # still no second entry
    h.report(entry, K.CANCELLED)  # the venue finally confirms the cancel
    short = h.last_submit().order
    assert (short.side, short.qty, short.is_entry) == (SELL, 2, True)


# -- 5. an outcome inferred from silence is provisional -------------------------------------------


def test_item_05_a_fill_after_not_at_venue_revives_the_order_and_is_booked_once() -> None:
    h = Harness(venue=False)
    h.quote(AAA, 10_000, 10_002, 1)
    cid = h.last_submit().order.client_order_id
    h.report(cid, K.SUBMIT_AMBIGUOUS)
    not_at_venue(h, cid)
    assert h.status(cid) is OrderStatus.REJECTED
    assert h.core.orders.is_provisional(cid)
    assert [o.client_order_id for o in h.core.orders.provisional(AAA)] == [cid]
    h.report(cid, K.FILL, qty=1, price=10_002, exec_id="e1", cum_qty=1)
    assert h.position() == 1
    assert h.status(cid) is OrderStatus.FILLED
    assert not h.core.orders.is_provisional(cid)
    # reconciliation then recovers the same fill: nothing more is booked
    h.core.on_report(
        ExecutionReport(
            cid,
            K.FILL,
            h.now,
            exec_id=ExecutionId(f"recon:{cid}:1"),
            last_qty=1,
            last_price=10_002,
            cum_qty=1,
            reason="reconciled",
        )
    )
    assert h.position() == 1
    assert [e.reason for e in h.events_of(OrderError)] == []


def test_item_05_accepted_revives_a_not_at_venue_order_as_working() -> None:
    h = Harness(venue=False)
    long_one(h)
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order.client_order_id
    h.report(exit_, K.SUBMIT_AMBIGUOUS)
    not_at_venue(h, exit_, K.CANCELLED)
    h.report(exit_, K.ACCEPTED)  # the venue lists it after all
    assert h.status(exit_) is OrderStatus.ACCEPTED
    assert h.working(AAA) == [exit_]
    h.timer(60 * SEC)
    assert len(h.submits()) == 2  # it is live: nothing else is sent


def test_item_05_no_second_exit_while_an_earlier_exit_may_still_be_live() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), exit_retry_s=1.0))
    long_one(h)
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order.client_order_id
    h.report(exit_, K.SUBMIT_AMBIGUOUS)
    not_at_venue(h, exit_)
    for _ in range(5):
        h.timer(SEC)
        h.quote(AAA, 10_000, 10_002)
    assert len(h.submits()) == 2  # no second exit while the first may be live
    h.report(exit_, K.FILL, qty=1, price=10_000)  # it was live: it fills
    assert h.position() == 0
    h.timer(60 * SEC)
    assert len(h.submits()) == 2


def test_item_05_an_exit_in_doubt_is_retried_once_the_bound_has_passed() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), exit_retry_s=1.0))
    long_one(h)
    h.quote(AAA, 10_000, 10_002, 0)
    exit_ = h.last_submit().order
    h.report(exit_.client_order_id, K.SUBMIT_AMBIGUOUS)
    not_at_venue(h, exit_.client_order_id)
    bound = h.core.provisional_hold_ns
    h.timer(exit_.created_ts + bound - h.now - 1)
    assert len(h.submits()) == 2
    h.timer(1)
    again = h.last_submit().order
    assert (len(h.submits()), again.side, again.qty, again.reduce_only) == (3, SELL, 1, True)


# -- 6. one owner closes at a time -----------------------------------------------------------


def test_item_06_a_flatten_the_venue_cancelled_is_not_resent_at_once() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), exit_retry_s=1.0))
    long_one(h)
    flat = flatten_sent(h)
    h.report(flat.client_order_id, K.ACCEPTED)
    h.report(flat.client_order_id, K.CANCELLED)  # someone else cancelled it
    assert len(h.submits()) == 2
    h.timer(SEC - 1)
    assert len(h.submits()) == 2
    h.timer(1)  # re-checked after the exit retry time: the bot still holds 1 lot
    again = h.last_submit().order
    assert (len(h.submits()), again.side, again.reason) == (3, SELL, "flatten")


def test_item_06_while_closes_are_held_the_core_sends_nothing_for_the_symbol() -> None:
    h = Harness(venue=False)
    long_one(h)
    flat = flatten_sent(h).client_order_id
    h.core.hold_closes(None, True)  # the kill switch hands closing to the venue
    h.report(flat, K.CANCELLED)  # the venue's cancel_all
    for signal in (0, -1, 1, None):
        h.quote(AAA, 10_000, 10_002, signal)
        h.timer(5 * SEC)
    h.core.flatten(AAA)
    h.pump()
    assert len(h.submits()) == 2
    # the venue's close_all is booked by reconciliation, then closing is given back
    h.core.adjust_position(AAA, -1, 10_000, h.now, "recon-pos", "reconciliation")
    h.core.hold_closes(None, False)
    h.pump()
    h.timer(5 * SEC)
    assert len(h.submits()) == 2  # nothing left to close: no second close
    assert h.position() == 0


def test_item_06_releasing_the_hold_gives_closing_back_to_the_core() -> None:
    h = Harness(venue=False)
    long_one(h)
    h.core.hold_closes(AAA, True)
    h.core.flatten(AAA)
    h.pump()
    assert len(h.submits()) == 1
    h.core.hold_closes(AAA, False)
    h.pump()
    flat = h.last_submit().order
    assert (len(h.submits()), flat.side, flat.reason) == (2, SELL, "flatten")


# -- 14 (core side). cancel_all does not cancel a flatten in progress ----------------------------


def test_item_14_cancel_all_after_flatten_keeps_the_flatten() -> None:
    h = Harness(venue=False)
    long_one(h)
    flat = flatten_sent(h).client_order_id
    h.core.cancel_all()
    h.pump()
    assert h.cancels() == []
    assert h.working(AAA) == [flat]


# -- 15. max_order_qty below one lot must never mean "no limit" ------------------------------------

FINE = Instrument(
    symbol=Symbol("FINE"), price_increment=Decimal("0.1"), size_increment=Decimal("0.01")
)


def test_item_15_max_order_qty_below_one_lot_refuses_to_build_the_core() -> None:
    with pytest.raises(ValueError, match=r"risk\.max_order_qty.*FINE") as info:
        TradingCore(
            [FINE],
            ScriptedStrategy,
            Script(),
            TraderConfig(),
            RiskLimits(max_order_qty=Decimal("0.001")),
            IdFactory("t", "0"),
            10**15,
        )
    assert "\n" not in str(info.value)


def test_item_15_the_gate_fails_closed_when_it_sees_one() -> None:
    gate = RiskGate(RiskLimits(max_order_qty=Decimal("0.001")), [FINE])
    mkt = market(FINE, 10_000, 10_001)
    opening = OrderIntent(Symbol("FINE"), BUY, 1)
    denial = gate.check(opening, 0, mkt, 0, 0, TradingState.ACTIVE)
    assert denial is not None and denial.reason == "QTY_LIMIT_BELOW_LOT"
    reducing = OrderIntent(Symbol("FINE"), SELL, 1, reduce_only=True, is_entry=False)
    assert gate.check(reducing, 0, mkt, 1, 0, TradingState.ACTIVE) is None


def test_item_15_backtest_refuses_to_start_with_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["backtest", "--data", str(data_dir / USDM_QUOTES), "--strategy", "sma_cross"]
    assert main([*args, "--set", "risk.max_order_qty=0.0001"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "risk.max_order_qty" in err and "BTCUSDT" in err


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with running_sim(sim_config(tmp_path)) as venue:
        yield venue


async def test_item_15_run_refuses_to_start_with_one_line(
    sim: SimVenue, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from engine.runtime.app import Runtime
    from tests.engine.runtime.conftest import options

    opts = options(sim, tmp_path, risk=RiskLimits(max_order_qty=Decimal("0.00000001")))
    with caplog.at_level(logging.ERROR, logger="scalpbot"):
        # a runtime that does start would run until stopped: give it a deadline
        assert await asyncio.wait_for(Runtime(opts).run(), 60) == 1
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "refusing to start" in record.getMessage()
    assert "risk.max_order_qty" in record.getMessage()
    assert record.exc_info is None


# -- suspected: the pre-close flatten runs in PAUSED, which a signal could call off ---------------


def test_suspect_a_flatten_in_paused_is_not_called_off_by_a_strategy_signal() -> None:
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(1), exit_retry_s=1.0))
    long_one(h)
    h.core.set_state(AAA, TradingState.PAUSED, "schedule:us", "session closed")
    flat = flatten_sent(h).client_order_id  # the pre-close flatten
    h.report(flat, K.REJECTED)  # the venue refuses it once
    h.quote(AAA, 10_000, 10_002, 1)  # the strategy still says long
    h.timer(2 * SEC)
    again = h.last_submit().order
    assert (len(h.submits()), again.side, again.reason) == (3, SELL, "flatten")
    h.report(again.client_order_id, K.FILL, qty=1, price=10_000)
    h.quote(AAA, 10_000, 10_002, 1, dt=SEC)
    assert h.position() == 0
