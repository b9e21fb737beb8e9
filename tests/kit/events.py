"""Builders of engine events (plain model values, no fakes).

Two families: rows for the store (``order_row``, ``fill_row``, ``mixed``, ``one_of_each``:
fixed timestamps from ``T0``) and events as the running engine publishes them, for the
alert tests (``fill_event``, ``round_trip``, ``rejected``, ``every_kind``: stamped now,
money in nanos, ``B`` nanos a unit).
"""

from __future__ import annotations

import time

from engine.model import AccountSnapshot
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Position
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import TradingState
from engine.model import VenueOrderId
from engine.model.events import AuditRecord
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import DailyDigest
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import EquitySnapshot
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import FillApplied
from engine.model.events import Lifecycle
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import PositionSnapshot
from engine.model.events import RiskDenied
from engine.model.events import RoundTripClosed
from engine.model.events import SignalChanged
from engine.model.events import TradingStateChanged
from tests.kit import builders as kit
from tests.kit.builders import BTC

T0 = 1_700_000_000_000_000_000


def order_row(
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


def fill_row(i: int, *, exec_id: str | None = None, ts: int | None = None) -> FillApplied:
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
            out.append(fill_row(i))
        else:
            out.append(OrderUpdated(T0 + i, order_row(i, ts=T0 + i), ReportKind.ACCEPTED))
    return out


def one_of_each(ts: int = T0) -> list[EngineEvent | ExecutionReport]:
    """Every kind of record the store keeps, once."""
    cid = ClientOrderId("sb-t-1")
    return [
        OrderSubmitted(ts, order_row(1, ts=ts)),
        OrderUpdated(
            ts + 1, order_row(1, status=OrderStatus.ACCEPTED, ts=ts + 1), ReportKind.ACCEPTED
        ),
        ExecutionReport(cid, ReportKind.FILL, ts + 2, ExecutionId("x-1"), VenueOrderId("v-1"), 3),
        fill_row(1, ts=ts + 2),
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


# -- events as the runtime publishes them (alerts) ---------------------------------------

B = 10**9  # one unit of money in nanos


def now() -> int:
    return time.time_ns()


def fill_event(
    symbol: str = "SIMEQ", side: Side = Side.BUY, qty: int = 10, price: int = 18725,
    entry: bool = True, position: int = 10, n: int = 0,
) -> FillApplied:  # fmt: skip
    f = kit.fill(
        f"c{n}", side, qty, price, exec_id=f"e{n}", symbol=Symbol(symbol), ts=now(), is_entry=entry
    )
    return kit.fill_applied(f, 0, position)


def round_trip(symbol: str = "SIMEQ", pnl: int = 3 * B // 2) -> RoundTripClosed:
    t = now()
    return RoundTripClosed(t, Symbol(symbol), t - B, 10, 18725.0, 18740.0, pnl, 0, 0, pnl)


def rejected(symbol: str = "SIMEQ") -> OrderUpdated:
    t = now()
    order = Order(
        ClientOrderId("c-rej"),
        Symbol(symbol),
        Side.SELL,
        5,
        OrderType.LIMIT,
        TimeInForce.GTC,
        18700,
        OrderStatus.REJECTED,
        0,
        0.0,
        t,
        t,
        reason="entry",
    )
    return OrderUpdated(t, order, ReportKind.REJECTED, "insufficient buying power")


def every_kind() -> dict[str, list[EngineEvent]]:
    """One scenario per alert kind the issue lists: name -> events."""
    t = now()
    return {
        "fill": [fill_event()],
        "exit fill with P&L": [
            fill_event(side=Side.SELL, entry=False, position=0, n=1),
            round_trip(),
        ],
        "rejection": [rejected()],
        "disconnect": [FeedEvent(t, "market_data", FeedState.DISCONNECTED, detail="EOF")],
        "recovery": [
            FeedEvent(t, "trade_updates", FeedState.DISCONNECTED),
            FeedEvent(t + 2 * B, "trade_updates", FeedState.CONNECTED),
        ],
        "stale": [FeedEvent(t, "market_data", FeedState.STALE, "SIMLOW")],
        "warning 50%": [BreakerWarning(t, "daily_loss", 0.5, 500 * B, 1000 * B)],
        "warning 80%": [BreakerWarning(t, "daily_loss", 0.8, 800 * B, 1000 * B)],
        "daily loss trip": [BreakerTripped(t, "daily_loss", 1000 * B, 1000 * B, "day P&L -1000")],
        "drawdown trip": [BreakerTripped(t, "drawdown", 2100 * B, 2000 * B, "from the peak")],
        "state change": [
            TradingStateChanged(t, "*", TradingState.ACTIVE, TradingState.PAUSED, "tg:111", "pause")
        ],
        "discrepancy": [Discrepancy(t, "order_adopted", "SIMEQ", "c9 found at the venue")],
        "startup": [Lifecycle(t, "ready", "run42", "5 symbols")],
        "shutdown": [Lifecycle(t, "stopped", "run42")],
        "digest": [DailyDigest(t, 100_050 * B, 50 * B, 12, 6, 10 * B, 1)],
    }
