"""Engine events as the runtime publishes them, for alert tests (money in nanos, ticks, lots)."""

from __future__ import annotations

import time

from engine.model import (
    ClientOrderId,
    Order,
    OrderStatus,
    OrderType,
    ReportKind,
    Side,
    Symbol,
    TimeInForce,
    TradingState,
)
from engine.model.events import (
    BreakerTripped,
    BreakerWarning,
    DailyDigest,
    Discrepancy,
    EngineEvent,
    FeedEvent,
    FeedState,
    FillApplied,
    Lifecycle,
    OrderUpdated,
    RoundTripClosed,
    TradingStateChanged,
)
from tests.kit import builders as kit

B = 10**9  # one unit of money in nanos


def now() -> int:
    return time.time_ns()


def fill(
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
        "fill": [fill()],
        "exit fill with P&L": [
            fill(side=Side.SELL, entry=False, position=0, n=1),
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


EXPECTED = {
    # name: (text the alert shows, critical?)
    "fill": ("BUY 10 SIMEQ @ 187.25 · entry", False),
    "exit fill with P&L": ("SELL 10 SIMEQ @ 187.25 · exit · trade P&L +1.50", False),
    "rejection": ("order rejected: SELL 5 SIMEQ limit · entry: insufficient buying power", False),
    "disconnect": ("market_data disconnected: EOF", True),
    "recovery": ("trade_updates reconnected after 2.0 s", True),
    "stale": ("SIMLOW: market data stale, entries blocked", False),
    "warning 50%": ("daily_loss at 50% of its limit: 500.00 of 1,000.00", True),
    "warning 80%": ("daily_loss at 80% of its limit: 800.00 of 1,000.00", True),
    "daily loss trip": ("breaker daily_loss tripped: day P&L -1000", True),
    "drawdown trip": ("breaker drawdown tripped: from the peak", True),
    "state change": ("trading paused (all symbols) by tg:111 · pause", True),
    "discrepancy": ("reconciliation: order_adopted SIMEQ · c9 found at the venue", True),
    "startup": ("started (run run42): 5 symbols", True),
    "shutdown": ("stopped (run run42)", True),
    "digest": ("Daily digest", False),
}
