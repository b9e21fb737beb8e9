"""Counting engine events: what each event adds, and nothing else."""

from __future__ import annotations

from functools import partial

import msgspec
import pytest

from engine.bus import EventBus
from engine.model import ClientOrderId
from engine.model import Fill
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import Discrepancy
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import FillApplied
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import RiskDenied
from engine.model.events import RoundTripClosed
from monitoring import metrics as m
from monitoring.event_counts import EventCounts
from monitoring.labels import OTHER
from tests.kit import builders as kit

BTC = Symbol("BTCUSD")


order = partial(kit.order, symbol=BTC, created_ts=1, updated_ts=1, decision_mid2=2000)  # mid 1000


def fill(cid: str, side: Side, price: int, liquidity: LiquiditySide = LiquiditySide.TAKER) -> Fill:
    return kit.fill(cid, side, 1, price, symbol=BTC, liquidity=liquidity, ts=2)


@pytest.fixture
def counts() -> EventCounts:
    return EventCounts("sim", [BTC])


def n(counts: EventCounts, spec: m.Spec, *labels: str) -> int:
    return counts.counts[spec][("sim", *labels)]


def test_series_exist_at_zero_before_any_event(counts: EventCounts) -> None:
    assert n(counts, m.ROUND_TRIPS, BTC, "win") == 0
    assert n(counts, m.ORDER_INTENTS, BTC, "denied") == 0
    assert n(counts, m.FILLS, BTC, "sell", "maker") == 0
    assert n(counts, m.BREAKER_TRIPS, "daily_loss") == 0
    assert n(counts, m.DISCREPANCIES, "order_adopted") == 0
    assert ("sim", BTC, "buy", "taker") in counts.counts[m.FILLS]
    assert BTC not in counts.slippage  # appears with the symbol's first fill


def test_an_order_submitted_filled_and_closed(counts: EventCounts) -> None:
    counts(OrderSubmitted(1, order()))
    counts(OrderUpdated(2, order(status=OrderStatus.ACCEPTED), ReportKind.ACCEPTED))
    counts(OrderUpdated(3, order(status=OrderStatus.FILLED, filled_qty=1), ReportKind.FILL))
    counts(FillApplied(3, fill("sb-1", Side.BUY, 1001), 0, 1))
    assert n(counts, m.ORDER_INTENTS, BTC, "approved") == 1
    assert n(counts, m.ORDERS_SUBMITTED, BTC, "buy", "market") == 1
    assert n(counts, m.ORDERS_CLOSED, BTC, "buy", "market", "filled") == 1
    assert n(counts, m.FILLS, BTC, "buy", "taker") == 1
    assert counts.counts[m.ORDERS_CLOSED].total() == 1  # the ACCEPTED update is not a close


@pytest.mark.parametrize(
    ("side", "price", "bps"),
    [
        (Side.BUY, 1001, 10.0),  # paid above the mid: costs the bot
        (Side.SELL, 999, 10.0),  # sold below the mid: costs the bot
        (Side.SELL, 1001, -10.0),  # sold above the mid: price improvement
        (Side.BUY, 1000, 0.0),
    ],
)
def test_slippage_is_signed_against_the_decision_mid(
    counts: EventCounts, side: Side, price: int, bps: float
) -> None:
    counts(OrderSubmitted(1, order(side=side)))
    counts(FillApplied(2, fill("sb-1", side, price), 0, 0))
    hist = counts.slippage[BTC]
    assert hist.count == 1 and hist.sum == pytest.approx(bps)


def test_no_slippage_without_a_decision_mid(counts: EventCounts) -> None:
    counts(OrderSubmitted(1, order(decision_mid2=0)))
    counts(FillApplied(2, fill("sb-1", Side.BUY, 1001), 0, 1))
    counts(FillApplied(2, fill("sb-unknown", Side.BUY, 1001), 0, 2))  # e.g. adopted
    assert BTC not in counts.slippage
    assert n(counts, m.FILLS, BTC, "buy", "taker") == 2


def test_rejections_by_source_and_reason(counts: EventCounts) -> None:
    counts(RiskDenied(1, BTC, "SPREAD_TOO_WIDE", "spread 30 bps"))
    counts(OrderSubmitted(1, order()))
    counts(OrderUpdated(2, order(status=OrderStatus.REJECTED), ReportKind.REJECTED))
    assert n(counts, m.REJECTIONS, BTC, "risk", "SPREAD_TOO_WIDE") == 1
    assert n(counts, m.REJECTIONS, BTC, "venue", "unspecified") == 1
    assert n(counts, m.ORDERS_CLOSED, BTC, "buy", "market", "rejected") == 1
    assert n(counts, m.ORDER_INTENTS, BTC, "denied") == 1
    assert n(counts, m.ORDER_INTENTS, BTC, "approved") == 1


def test_venue_reasons_are_bounded(counts: EventCounts) -> None:
    class WithReason(msgspec.Struct, frozen=True):
        """An OrderUpdated that carries the venue's reason (a proposed engine hook)."""

        ts: int
        order: Order
        kind: ReportKind
        reason: str

    counts._handlers[WithReason] = counts._handlers[OrderUpdated]
    rejected = order(status=OrderStatus.REJECTED)
    for i in range(40):
        counts(WithReason(1, rejected, ReportKind.REJECTED, f"insufficient funds #{i}"))  # type: ignore[arg-type]
    reasons = {labels[3] for labels in counts.counts[m.REJECTIONS]}
    assert len(reasons) == 33 and OTHER in reasons
    assert "insufficient_funds_0" in reasons


def test_ambiguous_submits(counts: EventCounts) -> None:
    unknown = order(status=OrderStatus.UNKNOWN)
    counts(OrderUpdated(2, unknown, ReportKind.SUBMIT_AMBIGUOUS))
    assert n(counts, m.ORDERS_AMBIGUOUS, BTC) == 1


def test_round_trips_breakers_discrepancies_and_order_errors(counts: EventCounts) -> None:
    trip = RoundTripClosed(1, BTC, 0, 1, 1000.0, 1001.0, 5, 0, 0, 5)
    counts(trip)
    counts(msgspec.structs.replace(trip, pnl=-3))
    counts(msgspec.structs.replace(trip, pnl=0))  # breakeven counts as a loss
    counts(BreakerTripped(1, "daily_loss", 1000, 1000, "limit"))
    counts(BreakerWarning(1, "daily_loss", 0.8, 800, 1000))
    counts(Discrepancy(1, "fill_recovered", BTC, "sb-1: 1 lot"))
    counts(OrderError(1, ClientOrderId("sb-9"), "unknown_order", "never sent"))
    assert n(counts, m.ROUND_TRIPS, BTC, "win") == 1
    assert n(counts, m.ROUND_TRIPS, BTC, "loss") == 2
    assert n(counts, m.BREAKER_TRIPS, "daily_loss") == 1
    assert n(counts, m.BREAKER_WARNINGS, "daily_loss") == 1
    assert n(counts, m.DISCREPANCIES, "fill_recovered") == 1
    assert n(counts, m.ORDER_ERRORS, "unknown_order") == 1


def test_other_events_are_ignored_and_the_decision_memory_is_bounded(
    counts: EventCounts,
) -> None:
    before = {spec: dict(c) for spec, c in counts.counts.items()}
    counts(FeedEvent(1, "market_data", FeedState.CONNECTED))
    assert {spec: dict(c) for spec, c in counts.counts.items()} == before
    for i in range(5000):
        counts(OrderSubmitted(1, order(f"sb-{i}")))
    assert len(counts._decisions) == 4096
    assert "sb-0" not in counts._decisions and "sb-4999" in counts._decisions


def test_a_bus_subscriber_that_never_fails(counts: EventCounts) -> None:
    bus = EventBus()
    bus.subscribe("metrics", counts)
    bus.publish(OrderSubmitted(1, order()))
    bus.publish(FillApplied(2, fill("sb-1", Side.BUY, 1000), 0, 1))
    assert bus.failures == {}
