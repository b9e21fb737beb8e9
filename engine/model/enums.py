"""Enumerations shared by every layer."""

from __future__ import annotations

from enum import Enum
from enum import IntEnum


class Side(IntEnum):
    """Order or trade side; the value is the sign of the position change."""

    BUY = 1
    SELL = -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(Enum):
    MARKET = "market"
    LIMIT = "limit"
    POST_ONLY = "post_only"  # a limit order rejected rather than taking liquidity


class TimeInForce(Enum):
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    DAY = "day"


class OrderStatus(Enum):
    """Lifecycle of one order as the order manager knows it.

    ``NEW`` is sent and not yet acknowledged; ``UNKNOWN`` is an ambiguous submit
    (timeout, dropped connection, 5xx) awaiting a query by client order id.
    """

    NEW = "new"
    UNKNOWN = "unknown"
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    CANCEL_PENDING = "cancel_pending"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def is_working(self) -> bool:
        return self not in _TERMINAL


_TERMINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
)


class ReportKind(Enum):
    """What an execution report says happened to an order."""

    ACCEPTED = "accepted"
    FILL = "fill"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    CANCEL_REJECTED = "cancel_rejected"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUBMIT_AMBIGUOUS = "submit_ambiguous"


class LiquiditySide(Enum):
    MAKER = "maker"
    TAKER = "taker"


class TradingState(Enum):
    """ACTIVE trades; PAUSED blocks entries; REDUCING allows only position-reducing
    orders; HALTED allows cancels and flattening only."""

    ACTIVE = "active"
    PAUSED = "paused"
    REDUCING = "reducing"
    HALTED = "halted"
