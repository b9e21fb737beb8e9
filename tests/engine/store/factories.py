"""Builders of engine events for the store tests (plain model values, no fakes)."""

from __future__ import annotations

from engine.model import (
    AccountSnapshot,
    ClientOrderId,
    ExecutionId,
    ExecutionReport,
    LiquiditySide,
    Order,
    OrderStatus,
    OrderType,
    Position,
    ReportKind,
    Side,
    TimeInForce,
    TradingState,
    VenueOrderId,
)
from engine.model.events import (
    AuditRecord,
    BreakerReset,
    BreakerTripped,
    BreakerWarning,
    EngineEvent,
    EquitySnapshot,
    FillApplied,
    OrderError,
    OrderSubmitted,
    OrderUpdated,
    PositionSnapshot,
    RiskDenied,
    RoundTripClosed,
    SignalChanged,
    TradingStateChanged,
)
from tests.kit import builders as kit
from tests.kit.builders import BTC

T0 = 1_700_000_000_000_000_000


def order(
    i: int,
    *,
    status: OrderStatus = OrderStatus.NEW,
    ts: int = T0,
    filled: int = 0,
    venue_id: str | None = None,
) -> Order:
    return kit.order(
        f"sb-t-{i}",
        Side.BUY if i % 2 else Side.SELL,
        10,
        OrderType.LIMIT,
        TimeInForce.GTC,
        6_500_000 + i,
        BTC,
        status=status,
        filled_qty=filled,
        avg_fill_price=6_500_000.5 if filled else 0.0,
        created_ts=T0,
        updated_ts=ts,
        venue_order_id=None if venue_id is None else VenueOrderId(venue_id),
        reason="test",
    )


def fill(i: int, *, exec_id: str | None = None, ts: int | None = None) -> FillApplied:
    f = kit.fill(
        f"sb-t-{i}",
        Side.BUY,
        3,
        6_500_000 + i,
        exec_id=exec_id or f"x-{i}",
        fee=-1_234,
        liquidity=LiquiditySide.MAKER,
        ts=T0 + i if ts is None else ts,
    )
    return kit.fill_applied(f, 5_000_000_000_000_000_000, 3)  # P&L near the int64 limit


def mixed(n: int) -> list[FillApplied | OrderUpdated]:
    """``n`` events, each one row: alternately a new order and a new fill."""
    out: list[FillApplied | OrderUpdated] = []
    for i in range(n):
        if i % 2:
            out.append(fill(i))
        else:
            out.append(OrderUpdated(T0 + i, order(i, ts=T0 + i), ReportKind.ACCEPTED))
    return out


def one_of_each(ts: int = T0) -> list[EngineEvent | ExecutionReport]:
    """Every kind of record the store keeps, once."""
    cid = ClientOrderId("sb-t-1")
    return [
        OrderSubmitted(ts, order(1, ts=ts)),
        OrderUpdated(ts + 1, order(1, status=OrderStatus.ACCEPTED, ts=ts + 1), ReportKind.ACCEPTED),
        ExecutionReport(cid, ReportKind.FILL, ts + 2, ExecutionId("x-1"), VenueOrderId("v-1"), 3),
        fill(1, ts=ts + 2),
        SignalChanged(ts + 3, BTC, "mm", 1),
        RoundTripClosed(ts + 4, BTC, ts, 3, 6500000.0, 6500010.5, 30, 2, -5, 40),
        RiskDenied(ts + 5, BTC, "SPREAD_TOO_WIDE", "spread 12 > 10"),
        OrderError(ts + 6, cid, "BAD_TRANSITION", "filled -> accepted"),
        TradingStateChanged(
            ts + 7, "*", TradingState.ACTIVE, TradingState.PAUSED, "alice", "lunch"
        ),
        BreakerTripped(ts + 8, "daily_loss", -120, -100, "limit hit"),
        BreakerReset(ts + 9, "daily_loss", "alice"),
        BreakerWarning(ts + 10, "drawdown", 0.5, 50, 100),
        EquitySnapshot(AccountSnapshot(ts + 11, 10**12, 10**12 + 7, 7, 0, 3, 10**12 + 9, 2, 0)),
        PositionSnapshot(ts + 12, Position(BTC, 3, 6500000.25, 0, 15, 2, 13000001)),
        AuditRecord(ts + 13, "alice", "pause", "BTCUSDT", "ok"),
    ]
