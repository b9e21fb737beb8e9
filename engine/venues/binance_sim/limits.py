"""Request weight and order-count windows of the simulated Binance, with 429 -> 418 escalation.

Windows are fixed and aligned to their interval (a minute window starts on the
minute), as Binance's are. A request that would take a window over its limit is
refused with 429 (-1003 for weight, -1015 for orders) and **counts nothing**: no
weight, no order, no side effect. It opens a back-off until the window ends
(``Retry-After``, whole seconds, at least 1). ``ban_after`` further requests
during a back-off (within 60 s) are answered 418 with ``Retry-After`` = the ban,
``ban_s`` doubling on each ban up to 3 days (P§2.2: 2 min to 3 days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.venues.binance_sim.config import RateLimitSpec
from engine.venues.binance_sim.errors import BinanceSimError

_MAX_BAN_S = 3 * 86_400
_VIOLATION_SPAN_MS = 60_000
_UNIT_WORD = {"SECOND": "second", "MINUTE": "minute", "HOUR": "hour", "DAY": "day"}


class _Window:
    __slots__ = ("spec", "start_ms", "used")

    def __init__(self, spec: RateLimitSpec) -> None:
        self.spec = spec
        self.start_ms = -1
        self.used = 0

    def roll(self, now_ms: int) -> None:
        span = self.spec.window_ms
        start = now_ms - now_ms % span
        if start != self.start_ms:
            self.start_ms = start
            self.used = 0

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.spec.window_ms

    def per(self) -> str:
        n = self.spec.interval_num
        word = _UNIT_WORD.get(self.spec.interval, self.spec.interval.lower())
        return word if n == 1 else f"{n} {word}s"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A 429/418: the error to answer and its ``Retry-After`` seconds."""

    error: BinanceSimError
    retry_after_s: int


def _ceil_s(ms: int) -> int:
    return max(1, -(-ms // 1000))


class SimLimiter:
    """One IP's weight windows and one account's order windows."""

    def __init__(self, limits: Sequence[RateLimitSpec], ban_after: int, ban_s: int) -> None:
        self.limits = tuple(limits)
        self._weights = [_Window(s) for s in limits if s.kind == "REQUEST_WEIGHT"]
        self._orders = [_Window(s) for s in limits if s.kind == "ORDERS"]
        self._ban_after = ban_after
        self._next_ban_s = ban_s
        self._backoff_until = 0
        self._ban_until = 0
        self._violations: list[int] = []
        self.refused = 0
        self.banned = 0

    def admit(self, weight: int, orders: int, now_ms: int) -> Refusal | None:
        """Count ``weight`` and ``orders`` now, or the refusal (nothing counted)."""
        for w in self._weights + self._orders:
            w.roll(now_ms)
        refusal = self._escalation(now_ms)
        if refusal is None:
            refusal = self._over(self._weights, weight, -1003, now_ms)
        if refusal is None and orders:
            refusal = self._over(self._orders, orders, -1015, now_ms)
        if refusal is not None:
            self.refused += 1
            return refusal
        for w in self._weights:
            w.used += weight
        if orders:
            for w in self._orders:
                w.used += orders
        return None

    def _escalation(self, now_ms: int) -> Refusal | None:
        if now_ms < self._ban_until:
            return self._ban_refusal(now_ms)
        if now_ms >= self._backoff_until:
            return None
        self._violations = [t for t in self._violations if now_ms - t < _VIOLATION_SPAN_MS]
        self._violations.append(now_ms)
        if len(self._violations) < self._ban_after:
            msg = "Too many requests; please wait until the Retry-After period has passed."
            return Refusal(BinanceSimError(-1003, msg), _ceil_s(self._backoff_until - now_ms))
        self._violations.clear()
        self._ban_until = now_ms + self._next_ban_s * 1000
        self._next_ban_s = min(self._next_ban_s * 2, _MAX_BAN_S)
        self.banned += 1
        return self._ban_refusal(now_ms)

    def _ban_refusal(self, now_ms: int) -> Refusal:
        msg = (
            f"Way too much request weight used; IP banned until {self._ban_until}."
            " Please use WebSocket Streams for live updates to avoid bans."
        )
        return Refusal(BinanceSimError(-1003, msg, http=418), _ceil_s(self._ban_until - now_ms))

    def _over(self, windows: list[_Window], n: int, code: int, now_ms: int) -> Refusal | None:
        for w in windows:
            if w.used + n > w.spec.limit:
                self._backoff_until = max(self._backoff_until, w.end_ms)
                if code == -1003:
                    msg = (
                        f"Too much request weight used; current limit is {w.spec.limit} request"
                        f" weight per {w.per()}. Please use WebSocket Streams for live updates"
                        " to avoid polling the API."
                    )
                else:
                    msg = (
                        f"Too many new orders; current limit is {w.spec.limit} orders per {w.per()}"
                    )
                    msg += "."
                return Refusal(BinanceSimError(code, msg), _ceil_s(w.end_ms - now_ms))
        return None

    def headers(self, orders: bool) -> dict[str, str]:
        """``X-MBX-USED-WEIGHT-*`` (and ``X-MBX-ORDER-COUNT-*`` for order endpoints) now."""
        out = {f"X-MBX-USED-WEIGHT-{w.spec.header_suffix}": str(w.used) for w in self._weights}
        if orders:
            for w in self._orders:
                out[f"X-MBX-ORDER-COUNT-{w.spec.header_suffix}"] = str(w.used)
        return out
