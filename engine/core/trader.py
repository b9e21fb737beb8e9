"""The per-symbol trader: FLAT -> ENTRY_PENDING -> IN_POSITION -> EXIT_PENDING -> FLAT.

It turns the strategy's desired direction into at most one working order at a
time, sized from the configured quantity and resize factor. An unfilled entry
is cancelled after a timeout; a denied or rejected entry is dropped until the
next signal (never retried in a loop); a denied or rejected exit is retried
after ``exit_retry_s``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import msgspec

from engine.core.market_state import MarketState
from engine.model import ClientOrderId, Instrument, OrderIntent, OrderType, Side, TimeInForce


class TraderState(Enum):
    FLAT = "flat"
    ENTRY_PENDING = "entry_pending"
    IN_POSITION = "in_position"
    EXIT_PENDING = "exit_pending"


class TraderConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the trader sizes and places orders (quantities in instrument units)."""

    qty: Decimal = Decimal(0)  # 0 = the instrument's minimum size
    type: str = "market"  # market | limit | post_only (entries); exits are market
    tif: str = "gtc"  # gtc | ioc | fok | day
    offset_ticks: int = 0  # limit entries: ticks more aggressive than the own-side touch
    entry_timeout_s: float = 5.0
    exit_retry_s: float = 1.0

    def __post_init__(self) -> None:
        if self.qty < 0:
            raise ValueError(f"order.qty must not be negative (got {self.qty})")
        if self.type not in {t.value for t in OrderType}:
            raise ValueError(f"order.type must be market, limit or post_only (got {self.type})")
        if self.tif not in {t.value for t in TimeInForce}:
            raise ValueError(f"order.tif must be gtc, ioc, fok or day (got {self.tif})")
        if self.entry_timeout_s <= 0 or self.exit_retry_s <= 0:
            raise ValueError("order.entry_timeout_s and order.exit_retry_s must be positive")


class Trader:
    """Decides the next order for one symbol; the core sends it and reports back."""

    __slots__ = (
        "_entry_timeout",
        "_exit_retry",
        "_offset",
        "_tif",
        "_type",
        "base_lots",
        "flatten",
        "instrument",
        "resize",
        "retry_at",
        "state",
        "symbol",
        "target",
        "target_lots",
        "timeout_at",
        "working",
        "working_entry",
        "working_side",
    )

    def __init__(self, instrument: Instrument, config: TraderConfig) -> None:
        self.instrument = instrument
        self.symbol = instrument.symbol
        self.base_lots = instrument.lots(config.qty) if config.qty else instrument.min_lots
        if self.base_lots < instrument.min_lots:
            raise ValueError(f"order.qty {config.qty} is below the minimum size of {self.symbol}")
        self._type = OrderType(config.type)
        self._tif = TimeInForce(config.tif)
        self._offset = config.offset_ticks
        self._entry_timeout = int(config.entry_timeout_s * 1e9)
        self._exit_retry = int(config.exit_retry_s * 1e9)
        self.resize = 1.0
        self.state = TraderState.FLAT
        self.target = 0
        self.target_lots = 0
        self.flatten = False
        self.working: ClientOrderId | None = None
        self.working_entry = False
        self.working_side = Side.BUY
        self.timeout_at = 0
        self.retry_at = 0

    @property
    def lots(self) -> int:
        return max(self.instrument.min_lots, round(self.base_lots * self.resize))

    @property
    def wake_at(self) -> int:
        """The next time the trader needs a look without a new signal (0 = none)."""
        if self.working:
            return self.timeout_at
        return self.retry_at

    def set_target(self, target: int) -> bool:
        """Record a new desired direction; True when a working entry should be cancelled."""
        self.target = target
        self.target_lots = target * self.lots
        self.flatten = False
        if self.working and self.working_entry:
            direction = 1 if self.working_side is Side.BUY else -1
            return target != direction
        return False

    def decide(
        self, position: int, state: MarketState, now: int, allow_entries: bool = True
    ) -> OrderIntent | None:
        """The order that moves ``position`` toward the target, if one is needed now.

        When entries are not allowed (paused, halted, a breaker, stale data) a
        reversal becomes an exit to flat; a plain entry is still proposed so the
        risk gate denies it and says why.
        """
        if self.working:
            return None
        want = 0 if self.flatten else self.target_lots
        if not allow_entries and want and position and (want > 0) != (position > 0):
            want = 0
        diff = want - position
        if diff == 0:
            self.state = TraderState.IN_POSITION if position else TraderState.FLAT
            self.retry_at = 0
            return None
        side = Side.BUY if diff > 0 else Side.SELL
        new = position + diff
        entry = new != 0 and (abs(new) > abs(position) or (new > 0) != (position > 0))
        if not entry and self.retry_at and now < self.retry_at:
            return None
        if entry and self._type is not OrderType.MARKET:
            touch = state.bid if side is Side.BUY else state.ask
            price = touch + self._offset * side
            return OrderIntent(
                self.symbol,
                side,
                abs(diff),
                self._type,
                self._tif,
                price,
                False,
                True,
                state.mid2,
                "entry",
            )
        tif = self._tif if entry else TimeInForce.GTC
        return OrderIntent(
            self.symbol,
            side,
            abs(diff),
            OrderType.MARKET,
            tif,
            0,
            not entry,
            entry,
            state.mid2,
            "entry" if entry else ("flatten" if self.flatten else "exit"),
        )

    def on_sent(self, cid: ClientOrderId, intent: OrderIntent, now: int) -> None:
        self.working = cid
        self.working_entry = intent.is_entry
        self.working_side = intent.side
        self.state = TraderState.ENTRY_PENDING if intent.is_entry else TraderState.EXIT_PENDING
        self.timeout_at = now + self._entry_timeout if intent.is_entry else 0
        self.retry_at = 0

    def on_done(self, position: int, failed: bool, now: int) -> None:
        """The working order reached a terminal state; ``failed`` if nothing filled
        because it was rejected (not merely cancelled)."""
        was_entry = self.working_entry
        self.working = None
        self.timeout_at = 0
        self.state = TraderState.IN_POSITION if position else TraderState.FLAT
        if failed:
            self.on_denied(was_entry, position, now)

    def on_denied(self, entry: bool, position: int, now: int) -> None:
        """An intent was denied, rejected or timed out: keep the position as it is
        instead of chasing the entry (until the next signal); retry an exit later."""
        if entry:
            self.target_lots = position
        else:
            self.retry_at = now + self._exit_retry

    def timed_out(self, now: int) -> bool:
        """True once when a working entry has waited past its timeout."""
        if self.working and self.timeout_at and now >= self.timeout_at:
            self.timeout_at = 0
            return True
        return False
