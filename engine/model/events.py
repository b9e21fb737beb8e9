"""Engine events: everything that changes is announced as one of these.

The core appends them to its event list; the shell fans them out to the store
writer, logs, Telegram and metrics. Money fields are nanos, prices ticks.
"""

from __future__ import annotations

from enum import Enum

import msgspec

from engine.model.enums import ReportKind
from engine.model.enums import TradingState
from engine.model.ids import ClientOrderId
from engine.model.ids import Symbol
from engine.model.orders import Fill
from engine.model.orders import Order
from engine.model.portfolio import AccountSnapshot
from engine.model.portfolio import Position


class SignalChanged(msgspec.Struct, frozen=True, tag=True):
    ts: int
    symbol: Symbol
    strategy: str
    target: int  # -1 short, 0 flat, +1 long


class OrderSubmitted(msgspec.Struct, frozen=True, tag=True):
    ts: int
    order: Order


class OrderUpdated(msgspec.Struct, frozen=True, tag=True):
    ts: int
    order: Order
    kind: ReportKind
    reason: str = ""  # the venue's reason, e.g. for a rejection


class FillApplied(msgspec.Struct, frozen=True, tag=True):
    """A fill booked to the portfolio, with the realized P&L it closed (nanos)."""

    ts: int
    fill: Fill
    realized_pnl: int
    position_qty: int


class RoundTripClosed(msgspec.Struct, frozen=True, tag=True):
    """A position went back to flat (or reversed through flat)."""

    ts: int
    symbol: Symbol
    entry_ts: int
    qty: int  # signed size of the closed trade
    entry_price: float
    exit_price: float
    pnl: int  # net of fees, nanos
    fees: int
    mae: int  # worst unrealized P&L during the trade (<= 0), nanos
    mfe: int  # best unrealized P&L during the trade (>= 0), nanos


class RiskDenied(msgspec.Struct, frozen=True, tag=True):
    ts: int
    symbol: Symbol
    reason: str
    detail: str


class OrderError(msgspec.Struct, frozen=True, tag=True):
    """An impossible transition or inconsistent report; counted, never applied."""

    ts: int
    client_order_id: ClientOrderId
    reason: str
    detail: str


class TradingStateChanged(msgspec.Struct, frozen=True, tag=True):
    ts: int
    scope: str  # a symbol, or "*" for all
    old: TradingState
    new: TradingState
    actor: str
    reason: str


class BreakerTripped(msgspec.Struct, frozen=True, tag=True):
    ts: int
    breaker: str
    value: int
    limit: int
    detail: str


class BreakerReset(msgspec.Struct, frozen=True, tag=True):
    ts: int
    breaker: str
    actor: str


class BreakerWarning(msgspec.Struct, frozen=True, tag=True):
    """A breaker's measure crossed a warning fraction (e.g. 50%, 80%) of its limit."""

    ts: int
    breaker: str
    fraction: float
    value: int
    limit: int


class EquitySnapshot(msgspec.Struct, frozen=True, tag=True):
    account: AccountSnapshot


class PositionSnapshot(msgspec.Struct, frozen=True, tag=True):
    ts: int
    position: Position


class FeedState(Enum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STALE = "stale"  # connected, but a symbol has sent nothing for too long
    FRESH = "fresh"  # a stale symbol is sending again
    REJECTED = "rejected"  # the sanity gate dropped a symbol's ticks (rate-limited summary)


class FeedEvent(msgspec.Struct, frozen=True, tag=True):
    """A venue stream connected, dropped, or went stale for one symbol; or the sanity
    gate dropped a symbol's ticks (REJECTED) or held / released it (STALE / FRESH)."""

    ts: int
    feed: str  # "market_data" or "trade_updates"
    state: FeedState
    symbol: str = ""  # for STALE / FRESH
    detail: str = ""


class Lifecycle(msgspec.Struct, frozen=True, tag=True):
    """The process's phases: starting, reconciling, ready (ACTIVE), stopping, stopped."""

    ts: int
    phase: str
    run_id: str
    detail: str = ""


class Discrepancy(msgspec.Struct, frozen=True, tag=True):
    """Something the venue knows that the bot did not (adopted), or a mismatch left."""

    ts: int
    kind: str  # e.g. order_adopted, fill_recovered, position_adjusted, order_missing
    symbol: str
    detail: str


class DailyDigest(msgspec.Struct, frozen=True, tag=True):
    """The scheduled summary of the trading day."""

    ts: int
    equity: int
    day_pnl: int
    fills: int
    round_trips: int
    drawdown: int
    open_positions: int


class AuditRecord(msgspec.Struct, frozen=True, tag=True):
    """A command someone gave, and what came of it."""

    ts: int
    actor: str
    action: str
    args: str
    outcome: str


EngineEvent = (
    SignalChanged
    | OrderSubmitted
    | OrderUpdated
    | FillApplied
    | RoundTripClosed
    | RiskDenied
    | OrderError
    | TradingStateChanged
    | BreakerTripped
    | BreakerReset
    | BreakerWarning
    | EquitySnapshot
    | PositionSnapshot
    | AuditRecord
    | FeedEvent
    | Lifecycle
    | Discrepancy
    | DailyDigest
)
