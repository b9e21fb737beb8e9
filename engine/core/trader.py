"""The per-symbol trader: FLAT -> ENTRY_PENDING -> IN_POSITION -> EXIT_PENDING -> FLAT.

It turns the strategy's desired direction into orders, sized from the configured
quantity and resize factor, through two slots: one ENTRY (an order that opens,
adds to or reverses a position) and one CLOSING order (reduce-only, sized to the
position when it is sent). Never two entries; at most one closing order; no entry
while a closing order is live. A closing order may go out while an entry is still
working or stuck cancel-pending (the core asks that entry to cancel first), so a
working order never blocks an exit or a flatten; whatever the entry fills later is
closed by the next decision.

A reversal is tried whole (one entry of old plus new size: one order, where the
limits and the venue allow it). When that entry is denied (e.g. larger than
``max_order_qty``), rejected, or cancelled or timed out before it crossed zero,
the reversal is done as close, then open, the open checked on its own: a denied
open leaves the position flat, never on the old side. Otherwise an entry
that times out is cancelled and not chased, a denied or rejected entry is dropped
until the next signal (never retried in a loop), and a closing order that ends
without filling (denied, rejected, cancelled) is retried after ``exit_retry_s``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import msgspec

from engine.core.market_state import MarketState
from engine.model import ClientOrderId
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import TimeInForce


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
        "close_wait_until",
        "closing",
        "entry",
        "entry_side",
        "flatten",
        "instrument",
        "resize",
        "retry_at",
        "split",
        "state",
        "symbol",
        "target",
        "target_lots",
        "timeout_at",
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
        self.split = False  # a reversal that could not be done whole: close, then open
        self.entry: ClientOrderId | None = None
        self.entry_side = Side.BUY
        self.closing: ClientOrderId | None = None
        self.timeout_at = 0  # when the working entry is cancelled
        self.retry_at = 0  # no closing order before this
        self.close_wait_until = 0  # a reversal still working: wait for its cancel until then

    @property
    def lots(self) -> int:
        return max(self.instrument.min_lots, round(self.base_lots * self.resize))

    @property
    def busy(self) -> bool:
        """An entry or a closing order of this trader is live."""
        return self.entry is not None or self.closing is not None

    @property
    def wake_at(self) -> int:
        """The next time the trader needs a look without a new signal (0 = none)."""
        timeout = self.timeout_at if self.entry is not None else 0
        retry = self.retry_at
        if timeout and retry:
            return min(timeout, retry)
        return timeout or retry

    def set_target(self, target: int) -> bool:
        """Record a new desired direction; True when the working entry should be cancelled."""
        self.target = target
        self.target_lots = target * self.lots
        self.flatten = False
        self.split = False
        if self.entry is not None:
            return target != (1 if self.entry_side is Side.BUY else -1)
        return False

    def decide(
        self, position: int, state: MarketState, now: int, allow_entries: bool = True
    ) -> OrderIntent | None:
        """The order that moves ``position`` toward the target, if one is needed now.

        A reversal becomes a closing order to flat when entries are not allowed
        (paused, halted, a breaker, stale data), when it has to be split, or while
        another entry (or this reversal, timed out) is still live; a reversal still
        working is left to work. A plain entry is still proposed when entries are
        not allowed, so the risk gate denies it and says why.
        """
        if self.retry_at and now >= self.retry_at:
            self.retry_at = 0
        want = 0 if self.flatten else self.target_lots
        if not (want and position and (want > 0) != (position > 0)):
            self.split = False
        elif not allow_entries or self.split:
            want = 0
        elif self.entry is not None:
            if self.timeout_at and (self.entry_side is Side.BUY) is (want > 0):
                return None  # the reversal itself is working (not timed out): let it
            want = 0  # an entry the other way, or one being cancelled: close first
        diff = want - position
        if diff == 0:
            self.retry_at = 0
            self._restate(position)
            return None
        side = Side.BUY if diff > 0 else Side.SELL
        if want != 0 and (abs(want) > abs(position) or (want > 0) != (position > 0)):
            if self.busy:
                return None  # never two entries; no entry beside a closing order
            return self._entry(side, abs(diff), state)
        if self.closing is not None or self.retry_at:
            return None
        return OrderIntent(
            self.symbol,
            side,
            abs(diff),
            OrderType.MARKET,
            TimeInForce.GTC,
            0,
            True,
            False,
            state.mid2,
            "flatten" if self.flatten else "exit",
        )

    def _entry(self, side: Side, qty: int, state: MarketState) -> OrderIntent:
        if self._type is not OrderType.MARKET:
            touch = state.bid if side is Side.BUY else state.ask
            price = touch + self._offset * side
            return OrderIntent(
                self.symbol,
                side,
                qty,
                self._type,
                self._tif,
                price,
                False,
                True,
                state.mid2,
                "entry",
            )
        return OrderIntent(
            self.symbol, side, qty, OrderType.MARKET, self._tif, 0, False, True, state.mid2, "entry"
        )

    def wait_for_reversal(self, now: int) -> bool:
        """A closing order would sell (buy) beside a reversal that also still sells
        (buys): True while the core should wait for that entry's cancel, at most
        ``exit_retry_s``; after that the close goes out anyway (a stuck cancel)."""
        if not self.close_wait_until:
            self.close_wait_until = now + self._exit_retry
        if now < self.close_wait_until:
            self.retry_at = self.close_wait_until
            return True
        return False

    def on_sent(self, cid: ClientOrderId, intent: OrderIntent, now: int) -> None:
        if intent.is_entry:
            self.entry = cid
            self.entry_side = intent.side
            self.timeout_at = now + self._entry_timeout
        else:
            self.closing = cid
            self.retry_at = 0
            self.close_wait_until = 0
        self.state = TraderState.EXIT_PENDING if self.closing else TraderState.ENTRY_PENDING

    def bind(self, cid: ClientOrderId, is_entry: bool, side: Side, created_ts: int) -> bool:
        """Take a live order the trader did not send (or had given up on) into its
        slot; False when the slot is taken. A bound entry times out as if sent at
        ``created_ts``."""
        if is_entry:
            if self.entry is not None:
                return False
            self.entry = cid
            self.entry_side = side
            self.timeout_at = created_ts + self._entry_timeout
            return True
        if self.closing is not None:
            return False
        self.closing = cid
        return True

    def on_done(self, cid: ClientOrderId, position: int, failed: bool, now: int) -> None:
        """One of the trader's orders reached a terminal state; ``failed`` when it
        ended without doing its job (rejected, expired, cancelled while still wanted)."""
        if cid == self.entry:
            self.entry = None
            self.timeout_at = 0
            if self.close_wait_until and self.retry_at == self.close_wait_until:
                self.retry_at = 0  # the reversal is gone: close now
            self.close_wait_until = 0
            if failed:
                self.on_denied(True, position, now)
        elif cid == self.closing:
            self.closing = None
            if failed:
                self.on_denied(False, position, now)
        self._restate(position)

    def on_denied(self, entry: bool, position: int, now: int) -> None:
        """An intent was denied, rejected or timed out. An entry is not chased (the
        target becomes the position until the next signal), except a reversal that
        has not crossed zero: that one is split into close, then open. A closing
        order is retried after ``exit_retry_s``."""
        if not entry:
            self.retry_at = now + self._exit_retry
            return
        if position and self.target_lots and (position > 0) != (self.target_lots > 0):
            if not self.split and not self.flatten:
                self.split = True  # close now; the open is decided (and checked) on its own
                return
            self.target_lots = 0  # never keep the old side against the target
        else:
            self.target_lots = position
        self.split = False

    def timed_out(self, now: int) -> bool:
        """True once when a working entry has waited past its timeout."""
        if self.entry is not None and self.timeout_at and now >= self.timeout_at:
            self.timeout_at = 0
            return True
        return False

    def _restate(self, position: int) -> None:
        if self.closing is not None:
            self.state = TraderState.EXIT_PENDING
        elif self.entry is not None:
            self.state = TraderState.ENTRY_PENDING
        else:
            self.state = TraderState.IN_POSITION if position else TraderState.FLAT
