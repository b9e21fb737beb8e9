"""What the alert for each scenario of ``tests.kit.events.every_kind()`` shows."""

from __future__ import annotations

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
