"""Builders of engine events for the store tests (plain model values, no fakes)."""

from __future__ import annotations

from engine.model import (
    AccountSnapshot,
    ClientOrderId,
    ExecutionId,
    ExecutionReport,
    Fill,
    LiquiditySide,
    Order,
    OrderStatus,
    OrderType,
    Position,
    ReportKind,
    Side,
    Symbol,
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

BTC = Symbol("BTCUSDT")
T0 = 1_700_000_000_000_000_000


def order(
    i: int,
    *,
    status: OrderStatus = OrderStatus.NEW,
    ts: int = T0,
    filled: int = 0,
    venue_id: str | None = None,
) -> Order:
    return Order(
        client_order_id=ClientOrderId(f"sb-t-{i}"),
        symbol=BTC,
        side=Side.BUY if i % 2 else Side.SELL,
        qty=10,
        order_type=OrderType.LIMIT,
        tif=TimeInForce.GTC,
        price=6_500_000 + i,
        status=status,
        filled_qty=filled,
        avg_fill_price=6_500_000.5 if filled else 0.0,
        created_ts=T0,
        updated_ts=ts,
        venue_order_id=None if venue_id is None else VenueOrderId(venue_id),
        reason="test",
    )


def fill(i: int, *, exec_id: str | None = None, ts: int | None = None) -> FillApplied:
    return FillApplied(
        ts=T0 + i if ts is None else ts,
        fill=Fill(
            client_order_id=ClientOrderId(f"sb-t-{i}"),
            exec_id=ExecutionId(exec_id or f"x-{i}"),
            symbol=BTC,
            side=Side.BUY,
            qty=3,
            price=6_500_000 + i,
            fee=-1_234,
            liquidity=LiquiditySide.MAKER,
            ts=T0 + i if ts is None else ts,
        ),
        realized_pnl=5_000_000_000_000_000_000,  # near the int64 limit on purpose
        position_qty=3,
    )


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
