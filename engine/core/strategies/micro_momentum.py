"""``micro_momentum``: buy an up-tick of the bid in a tight market, exit fast."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from engine.core.market_state import MarketState
from engine.model import Instrument

_DAY_NS = 86_400 * 1_000_000_000


def _parse_hhmm(text: str, key: str) -> int:
    try:
        hh, mm = text.split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"{key} must be HH:MM (got {text!r})") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
        raise ValueError(f"{key} must be between 00:00 and 24:00 (got {text!r})")
    return (h * 60 + m) * 60 * 1_000_000_000


class MicroMomentumParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    max_spread_ticks: int = 1
    take_profit_ticks: int = 3
    stop_loss_ticks: int = 3
    time_stop_s: float = 30.0
    cooldown_s: float = 5.0
    session_start: str = "00:00"  # UTC, inclusive
    session_end: str = "24:00"  # UTC, exclusive; before the start = overnight
    min_upticks: int = 1  # consecutive bid up-ticks before entering
    allow_short: bool = False  # mirror image on down-ticks of the ask

    def __post_init__(self) -> None:
        for key in ("max_spread_ticks", "take_profit_ticks", "stop_loss_ticks", "min_upticks"):
            if getattr(self, key) <= 0:
                raise ValueError(f"{key} must be positive")
        if self.time_stop_s <= 0 or self.cooldown_s < 0:
            raise ValueError("time_stop_s must be positive and cooldown_s not negative")
        if _parse_hhmm(self.session_start, "session_start") == _parse_hhmm(
            self.session_end, "session_end"
        ):
            raise ValueError("session_start and session_end must differ")


class MicroMomentum:
    """Enter long after ``min_upticks`` consecutive up-ticks of the bid while the
    spread is at most ``max_spread_ticks`` and the time of day is inside the
    session window, no sooner than ``cooldown_s`` after the last exit. Exit when
    the bid reaches entry + take-profit, falls to entry - stop-loss, or the trade
    has lasted ``time_stop_s``. Entry is the average fill price, as told by
    ``on_position``.
    """

    name: ClassVar[str] = "micro_momentum"
    Params: ClassVar[type[MicroMomentumParams]] = MicroMomentumParams

    __slots__ = (
        "_cool_ns",
        "_down",
        "_entry",
        "_entry_ts",
        "_p",
        "_prev_ask",
        "_qty",
        "_s_end",
        "_s_start",
        "_time_ns",
        "_up",
        "_wait_until",
        "target",
    )

    def __init__(self, instrument: Instrument, params: MicroMomentumParams) -> None:
        self._p = params
        self._s_start = _parse_hhmm(params.session_start, "session_start")
        self._s_end = _parse_hhmm(params.session_end, "session_end")
        self._cool_ns = int(params.cooldown_s * 1e9)
        self._time_ns = int(params.time_stop_s * 1e9)
        self._up = 0
        self._down = 0
        self._prev_ask = 0
        self._qty = 0
        self._entry = 0.0
        self._entry_ts = 0
        self._wait_until = 0
        self.target = 0

    def _in_session(self, now: int) -> bool:
        t = now % _DAY_NS
        if self._s_start <= self._s_end:
            return self._s_start <= t < self._s_end
        return t >= self._s_start or t < self._s_end  # the window wraps past midnight

    def on_quote(self, state: MarketState, now: int) -> int | None:
        bid, ask = state.bid, state.ask
        prev_bid, prev_ask = state.prev_bid, self._prev_ask
        self._prev_ask = ask
        self._up = self._up + 1 if prev_bid and bid > prev_bid else 0
        self._down = self._down + 1 if prev_ask and ask < prev_ask else 0
        if self.target:
            return self._exit(bid, ask, now)
        if now < self._wait_until or ask - bid > self._p.max_spread_ticks:
            return None
        if not self._in_session(now):
            return None
        if self._up >= self._p.min_upticks:
            self.target = 1
            self._entry_ts = now
            return 1
        if self._p.allow_short and self._down >= self._p.min_upticks:
            self.target = -1
            self._entry_ts = now
            return -1
        return None

    def _exit(self, bid: int, ask: int, now: int) -> int | None:
        if not self._qty:
            # Not filled yet; a time stop still ends an entry that never filled.
            if now - self._entry_ts >= self._time_ns:
                return self._flat(now)
            return None
        p = self._p
        gain = bid - self._entry if self._qty > 0 else self._entry - ask
        if gain >= p.take_profit_ticks or gain <= -p.stop_loss_ticks:
            return self._flat(now)
        if now - self._entry_ts >= self._time_ns:
            return self._flat(now)
        if not self._in_session(now):
            return self._flat(now)
        return None

    def _flat(self, now: int) -> int:
        self.target = 0
        self._wait_until = now + self._cool_ns
        return 0

    def on_trade(self, state: MarketState, now: int) -> int | None:
        return None

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        if qty and not self._qty:
            self._entry_ts = now
        if qty and not self.target:
            # A position this strategy did not ask for (adopted after a restart, or
            # left by a partial exit): manage it with the same exits.
            self.target = 1 if qty > 0 else -1
        self._qty = qty
        self._entry = avg_price
