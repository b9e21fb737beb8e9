"""The per-symbol trader: FLAT -> ENTRY_PENDING -> IN_POSITION -> EXIT_PENDING -> FLAT."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.core.trader import Trader
from engine.core.trader import TraderConfig
from engine.core.trader import TraderState
from engine.model import ClientOrderId
from engine.model import Instrument
from engine.model import OffGridError
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import market

BUY, SELL = Side.BUY, Side.SELL
FLAT, ENTRY_PENDING, IN_POSITION, EXIT_PENDING = (
    TraderState.FLAT,
    TraderState.ENTRY_PENDING,
    TraderState.IN_POSITION,
    TraderState.EXIT_PENDING,
)
MKT = market(bid=10_000, ask=10_002, ts=0)
T0 = 100 * SEC


def trader(**config: Any) -> Trader:
    config.setdefault("qty", Decimal(2))
    return Trader(INSTRUMENT_A, TraderConfig(**config))


def send(t: Trader, position: int, now: int = T0, cid: str = "c1") -> OrderIntent:
    """Decide and mark the order sent; fails if there was nothing to send."""
    intent = t.decide(position, MKT, now)
    assert intent is not None
    t.on_sent(ClientOrderId(cid), intent, now)
    return intent


def test_a_round_trip_through_every_state() -> None:
    t = trader()
    assert t.state is FLAT
    assert t.decide(0, MKT, T0) is None
    t.set_target(1)
    entry = send(t, 0)
    assert (entry.side, entry.qty, entry.is_entry, entry.reduce_only) == (BUY, 2, True, False)
    assert (entry.order_type, entry.reason, entry.decision_mid2) == (
        OrderType.MARKET,
        "entry",
        20_002,
    )
    assert t.state is ENTRY_PENDING
    t.on_done(ClientOrderId("c1"), 2, failed=False, now=T0 + 1)
    assert t.state is IN_POSITION
    assert t.decide(2, MKT, T0 + 2) is None  # at the target: nothing to do
    t.set_target(0)
    exit_ = send(t, 2, T0 + 3, "c2")
    assert (exit_.side, exit_.qty, exit_.is_entry, exit_.reduce_only) == (SELL, 2, False, True)
    assert (exit_.order_type, exit_.tif, exit_.reason) == (
        OrderType.MARKET,
        TimeInForce.GTC,
        "exit",
    )
    assert t.state is EXIT_PENDING
    t.on_done(ClientOrderId("c2"), 0, failed=False, now=T0 + 4)
    assert t.state is FLAT
    assert t.decide(0, MKT, T0 + 5) is None


def test_short_round_trip() -> None:
    t = trader()
    t.set_target(-1)
    entry = send(t, 0)
    assert (entry.side, entry.qty) == (SELL, 2)
    t.on_done(ClientOrderId("c1"), -2, failed=False, now=T0)
    t.set_target(0)
    exit_ = send(t, -2, cid="c2")
    assert (exit_.side, exit_.qty, exit_.reduce_only) == (BUY, 2, True)


def test_never_a_second_entry_while_one_is_working() -> None:
    t = trader()
    t.set_target(1)
    send(t, 0)
    for target in (1, -1, 1):
        t.set_target(target)
        for position in (0, 1):
            intent = t.decide(position, MKT, T0 + 10 * SEC)
            assert intent is None or not intent.is_entry
    assert t.entry == ClientOrderId("c1")


def test_an_exit_may_go_beside_a_working_entry_but_never_a_second_exit() -> None:
    t = trader()
    t.set_target(1)
    send(t, 0)  # buy 2
    assert t.set_target(0) is True  # the core cancels the entry
    exit_ = send(t, 1, T0 + 1, "c2")  # 1 lot filled meanwhile: close it now
    assert (exit_.side, exit_.qty, exit_.reduce_only, exit_.is_entry) == (SELL, 1, True, False)
    assert (t.entry, t.closing, t.state) == (ClientOrderId("c1"), ClientOrderId("c2"), EXIT_PENDING)
    for position in (2, 1, -1):
        assert t.decide(position, MKT, T0 + 10 * SEC) is None
    t.on_done(ClientOrderId("c2"), 0, failed=False, now=T0 + 2)
    assert t.state is ENTRY_PENDING  # the entry is still live (cancel-pending)
    t.on_done(
        ClientOrderId("c1"), 1, failed=False, now=T0 + 3
    )  # its other lot filled before the cancel
    again = t.decide(1, MKT, T0 + 3)
    assert again is not None and (again.side, again.qty, again.is_entry) == (SELL, 1, False)


def test_a_reversal_beside_a_working_entry_closes_first() -> None:
    t = trader()
    t.set_target(1)
    send(t, 0)  # buy 2, 1 fills, then the signal turns
    assert t.set_target(-1) is True
    close = t.decide(1, MKT, T0 + 1)
    assert close is not None
    assert (close.side, close.qty, close.reduce_only) == (SELL, 1, True)


def test_no_entry_while_a_closing_order_is_live() -> None:
    t = trader()
    t.set_target(0)
    send(t, 2)  # sell 2 to close
    t.set_target(1)
    assert t.decide(0, MKT, T0 + 1) is None
    t.on_done(ClientOrderId("c1"), 0, failed=False, now=T0 + 2)
    entry = t.decide(0, MKT, T0 + 2)
    assert entry is not None and (entry.side, entry.qty, entry.is_entry) == (BUY, 2, True)


@pytest.mark.parametrize(
    ("working_side", "new_target", "cancel"),
    [
        (BUY, 1, False),
        (BUY, 0, True),
        (BUY, -1, True),
        (SELL, -1, False),
        (SELL, 0, True),
        (SELL, 1, True),
    ],
)
def test_a_new_direction_cancels_a_working_entry(
    working_side: Side, new_target: int, cancel: bool
) -> None:
    t = trader()
    t.set_target(int(working_side))
    send(t, 0)
    assert t.set_target(new_target) is cancel


def test_a_new_signal_never_cancels_a_working_exit() -> None:
    t = trader()
    t.set_target(0)
    t.on_sent(ClientOrderId("x"), OrderIntent(INSTRUMENT_A.symbol, SELL, 2, is_entry=False), T0)
    for target in (1, -1, 0):
        assert t.set_target(target) is False


def test_entry_timeout_fires_once_at_the_deadline() -> None:
    t = trader(entry_timeout_s=5.0)
    t.set_target(1)
    send(t, 0, T0)
    assert t.wake_at == T0 + 5 * SEC
    assert t.timed_out(T0 + 5 * SEC - 1) is False
    assert t.timed_out(T0 + 5 * SEC) is True
    assert t.timed_out(T0 + 6 * SEC) is False
    assert t.entry == ClientOrderId("c1")  # the core cancels; the trader waits for the report


def test_exits_have_no_timeout() -> None:
    t = trader()
    t.set_target(0)
    send(t, 2, T0)
    assert t.wake_at == 0
    assert t.timed_out(T0 + 3600 * SEC) is False


def test_a_denied_entry_is_dropped_until_the_next_signal() -> None:
    t = trader()
    t.set_target(1)
    intent = t.decide(0, MKT, T0)
    assert intent is not None
    t.on_denied(intent.is_entry, 0, T0)
    for dt in (0, SEC, 3600 * SEC):
        assert t.decide(0, MKT, T0 + dt) is None
    assert t.state is FLAT
    assert t.target == 1  # the direction is remembered, the size is not chased
    t.set_target(-1)
    again = t.decide(0, MKT, T0 + 1)
    assert again is not None
    assert again.side is SELL
    t.on_denied(True, 0, T0 + 1)
    t.set_target(1)
    assert t.decide(0, MKT, T0 + 2) is not None  # the same direction again, after a new signal


def test_a_rejected_entry_keeps_what_did_fill() -> None:
    t = trader(qty=Decimal(3))
    t.set_target(1)
    send(t, 0)
    t.on_done(
        ClientOrderId("c1"), 1, failed=True, now=T0 + 1
    )  # 1 of 3 filled, then rejected/expired
    assert t.state is IN_POSITION
    assert t.entry is None
    assert t.decide(1, MKT, T0 + 2) is None
    t.set_target(0)
    exit_ = t.decide(1, MKT, T0 + 3)
    assert exit_ is not None
    assert (exit_.side, exit_.qty) == (SELL, 1)


def test_a_cancelled_entry_that_is_not_a_failure_goes_on_to_the_new_target() -> None:
    t = trader()
    t.set_target(1)
    send(t, 0)
    assert t.set_target(-1) is True
    t.on_done(ClientOrderId("c1"), 0, failed=False, now=T0 + 1)
    nxt = t.decide(0, MKT, T0 + 1)
    assert nxt is not None
    assert (nxt.side, nxt.qty) == (SELL, 2)


def test_exit_retry_waits_exit_retry_s() -> None:
    t = trader(exit_retry_s=1.5)
    t.set_target(0)
    t.on_denied(False, 2, T0)
    assert t.wake_at == T0 + 1_500_000_000
    assert t.decide(2, MKT, T0) is None
    assert t.decide(2, MKT, T0 + 1_500_000_000 - 1) is None
    retry = t.decide(2, MKT, T0 + 1_500_000_000)
    assert retry is not None
    assert (retry.side, retry.qty, retry.is_entry) == (SELL, 2, False)


def test_a_rejected_exit_is_retried_later() -> None:
    t = trader(exit_retry_s=1.0)
    t.set_target(1)
    send(t, 0)
    t.on_done(ClientOrderId("c1"), 2, failed=False, now=T0)
    t.set_target(0)
    send(t, 2, T0 + 1, "c2")
    t.on_done(ClientOrderId("c2"), 2, failed=True, now=T0 + 2)
    assert t.state is IN_POSITION
    assert t.decide(2, MKT, T0 + 2 + SEC - 1) is None
    assert t.decide(2, MKT, T0 + 2 + SEC) is not None


def test_reaching_the_target_clears_a_pending_retry() -> None:
    t = trader()
    t.set_target(0)
    t.on_denied(False, 2, T0)
    assert t.decide(0, MKT, T0 + 1) is None  # flat anyway (e.g. a fill of an earlier order)
    assert t.retry_at == 0
    assert t.wake_at == 0


@pytest.mark.parametrize(
    ("position", "target", "side", "qty"),
    [(2, -1, SELL, 4), (-2, 1, BUY, 4), (1, -1, SELL, 3), (0, -1, SELL, 2)],
)
def test_a_reversal_is_one_order(position: int, target: int, side: Side, qty: int) -> None:
    t = trader()
    t.set_target(target)
    intent = t.decide(position, MKT, T0)
    assert intent is not None
    assert (intent.side, intent.qty, intent.is_entry, intent.reduce_only) == (
        side,
        qty,
        True,
        False,
    )


def test_a_reversal_that_fails_whole_is_split_into_close_then_open() -> None:
    t = trader()
    t.set_target(-1)
    whole = t.decide(2, MKT, T0)
    assert whole is not None and (whole.side, whole.qty, whole.is_entry) == (SELL, 4, True)
    t.on_denied(True, 2, T0)  # denied (or rejected, or timed out before crossing zero)
    close = send(t, 2, T0, "c2")
    assert (close.side, close.qty, close.reduce_only, close.is_entry) == (SELL, 2, True, False)
    t.on_done(ClientOrderId("c2"), 0, failed=False, now=T0 + 1)
    open_ = t.decide(0, MKT, T0 + 1)
    assert open_ is not None and (open_.side, open_.qty, open_.is_entry) == (SELL, 2, True)
    t.on_denied(True, 0, T0 + 1)  # the open is checked on its own: denied
    assert t.decide(0, MKT, T0 + 2) is None  # flat, not chased, never back to the old side
    assert t.state is FLAT


def test_a_reversal_denied_again_while_split_still_closes_the_old_side() -> None:
    t = trader()
    t.set_target(-1)
    t.on_denied(True, 2, T0)
    t.on_denied(True, 2, T0)  # e.g. a revived old reversal that fails too
    close = t.decide(2, MKT, T0)
    assert close is not None and (close.side, close.qty, close.reduce_only) == (SELL, 2, True)
    assert t.target_lots == 0


def test_a_partial_reversal_past_zero_keeps_what_filled() -> None:
    t = trader()
    t.set_target(-1)
    t.on_denied(True, -1, T0)  # sell 4 from +2 filled 3, then timed out
    assert t.decide(-1, MKT, T0 + 1) is None


def test_bind_takes_a_live_order_into_a_free_slot_only() -> None:
    t = trader(entry_timeout_s=5.0)
    assert t.bind(ClientOrderId("e"), True, BUY, T0) is True
    assert (t.entry, t.entry_side, t.timeout_at) == ("e", BUY, T0 + 5 * SEC)
    assert t.bind(ClientOrderId("e2"), True, SELL, T0) is False
    assert t.bind(ClientOrderId("x"), False, SELL, T0) is True
    assert t.bind(ClientOrderId("x2"), False, SELL, T0) is False
    assert t.closing == "x"


def test_flatten_overrides_the_target() -> None:
    t = trader()
    t.set_target(1)
    t.flatten = True
    intent = t.decide(2, MKT, T0)
    assert intent is not None
    assert (intent.side, intent.qty, intent.reduce_only, intent.reason) == (
        SELL,
        2,
        True,
        "flatten",
    )
    assert t.decide(0, MKT, T0) is None  # already flat: nothing to do


@pytest.mark.parametrize(
    ("base", "factor", "lots"),
    [(4, 1.0, 4), (4, 0.5, 2), (4, 2.0, 8), (4, 0.01, 1), (3, 0.5, 2), (10, 0.26, 3)],
)
def test_resize_scales_the_next_target(base: int, factor: float, lots: int) -> None:
    t = trader(qty=Decimal(base))
    t.set_target(1)
    t.resize = factor
    first = t.decide(0, MKT, T0)
    assert first is not None
    assert first.qty == base  # a resize takes effect on the next signal
    t.set_target(0)
    t.set_target(1)
    assert t.lots == lots
    resized = t.decide(0, MKT, T0)
    assert resized is not None
    assert resized.qty == lots


def test_resize_never_goes_below_the_minimum_size() -> None:
    inst = Instrument(
        symbol=Symbol("MIN"), price_increment=Decimal("0.01"), size_increment=Decimal(1), min_lots=5
    )
    t = Trader(inst, TraderConfig(qty=Decimal(10)))
    t.resize = 0.1
    assert t.lots == 5


def test_quantity_zero_means_the_instrument_minimum() -> None:
    inst = Instrument(
        symbol=Symbol("MIN"), price_increment=Decimal("0.01"), size_increment=Decimal(1), min_lots=3
    )
    assert Trader(inst, TraderConfig()).lots == 3


@pytest.mark.parametrize(
    ("side", "offset", "price"),
    [(BUY, 0, 10_000), (BUY, 1, 10_001), (SELL, 0, 10_002), (SELL, 1, 10_001), (BUY, -2, 9_998)],
)
def test_limit_entries_price_from_the_own_side_touch(side: Side, offset: int, price: int) -> None:
    t = trader(type="limit", tif="ioc", offset_ticks=offset)
    t.set_target(int(side))
    intent = t.decide(0, MKT, T0)
    assert intent is not None
    assert (intent.order_type, intent.tif, intent.price, intent.side) == (
        OrderType.LIMIT,
        TimeInForce.IOC,
        price,
        side,
    )


def test_exits_are_market_gtc_whatever_the_entry_type() -> None:
    t = trader(type="post_only", tif="day")
    t.set_target(0)
    intent = t.decide(2, MKT, T0)
    assert intent is not None
    assert (intent.order_type, intent.tif, intent.price) == (OrderType.MARKET, TimeInForce.GTC, 0)


def test_market_entries_use_the_configured_tif() -> None:
    t = trader(tif="ioc")
    t.set_target(1)
    intent = t.decide(0, MKT, T0)
    assert intent is not None
    assert intent.tif is TimeInForce.IOC


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"qty": Decimal(-1)}, "order.qty"),
        ({"type": "stop"}, "order.type"),
        ({"tif": "gtd"}, "order.tif"),
        ({"entry_timeout_s": 0}, "entry_timeout_s"),
        ({"exit_retry_s": -1.0}, "exit_retry_s"),
    ],
)
def test_bad_configs_are_refused(config: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        TraderConfig(**config)


def test_size_must_be_on_the_lot_grid_and_at_least_the_minimum() -> None:
    with pytest.raises(OffGridError):
        trader(qty=Decimal("1.5"))
    inst = Instrument(
        symbol=Symbol("MIN"), price_increment=Decimal("0.01"), size_increment=Decimal(1), min_lots=5
    )
    with pytest.raises(ValueError, match="below the minimum"):
        Trader(inst, TraderConfig(qty=Decimal(4)))
