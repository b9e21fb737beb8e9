"""Binance request weight and order counts: spend the budget without ever being banned.

Limits come only from ``exchangeInfo.rateLimits`` (:class:`RateLimit`). Usage comes
from the ``X-MBX-USED-WEIGHT-<n><s|m|h|d>`` and ``X-MBX-ORDER-COUNT-<n><u>`` headers of
every answer, read case-insensitively with binance-common's own pattern, plus what we
admitted since (usage only grows inside a window, so the larger of the two is kept; a
window resets at its boundary on ``now_ns``, the local wall clock).

:meth:`WeightTracker.before` decides each request (P§2.2, design §2.5):

- during a pause (429 or 418 until ``Retry-After``) an entry is REFUSE and anything
  else SLOW until the pause ends: nothing is admitted before then;
- an entry whose projected use (used + this request) reaches ``stop_at`` (95%) of any
  window it counts in is REFUSE (not sent: ``rate_limited``);
- any other request that would go over 100% is SLOW until the window ends; a non-order
  call over ``slow_at`` (80%) is SLOW, spread over what is left of the window;
- otherwise OK, and the request's weight (and order count) is counted at once.

After SLOW, wait :attr:`WeightTracker.delay_s` and ask again; after REFUSE,
:attr:`WeightTracker.refusal` says why. The tracker does no I/O and never sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from enum import Enum

import msgspec

_NS_PER_S = 1_000_000_000
INTERVAL_S = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400}
_LETTER = {"S": "SECOND", "M": "MINUTE", "H": "HOUR", "D": "DAY"}
# binance-common 4.7.0 ``parse_rate_limit_headers``, applied to the lowercased name.
HEADER = re.compile(
    r"x-mbx-used-weight-(\d+)([smhd])|x-mbx-order-count-(\d+)([smhd])", re.IGNORECASE
)
DEFAULT_PAUSE_S = {429: 60, 418: 120}  # when an answer lacks Retry-After
REQUEST_WEIGHT = "REQUEST_WEIGHT"
ORDERS = "ORDERS"


class RateLimit(msgspec.Struct, frozen=True):
    """One ``exchangeInfo.rateLimits`` entry: ``kind`` is REQUEST_WEIGHT, ORDERS or
    RAW_REQUESTS; the window is ``interval_num`` x ``interval`` (SECOND...DAY)."""

    kind: str
    interval: str
    interval_num: int
    limit: int

    @property
    def window_s(self) -> int:
        return INTERVAL_S[self.interval] * self.interval_num


def rate_limits_from_json(items: Iterable[Mapping[str, object]]) -> list[RateLimit]:
    """``exchangeInfo.rateLimits`` (``rateLimitType, interval, intervalNum, limit``)."""
    out = []
    for item in items:
        interval = str(item["interval"])
        if interval not in INTERVAL_S:
            raise ValueError(f"unknown rate limit interval {interval!r}")
        num, limit = item["intervalNum"], item["limit"]
        if not isinstance(num, int) or not isinstance(limit, int) or num <= 0 or limit <= 0:
            raise ValueError(f"bad rate limit {dict(item)!r}")
        out.append(RateLimit(str(item["rateLimitType"]), interval, num, limit))
    return out


def parse_usage_header(name: str, value: str) -> tuple[str, str, int, int] | None:
    """``(kind, interval, interval_num, count)`` from one response header, or None."""
    match = HEADER.match(name.lower())
    if match is None:
        return None
    try:
        count = int(value)
    except ValueError:
        return None
    if match.group(1) is not None:
        return REQUEST_WEIGHT, _LETTER[match.group(2).upper()], int(match.group(1)), count
    return ORDERS, _LETTER[match.group(4).upper()], int(match.group(3)), count


class Admit(Enum):
    """The verdict of :meth:`WeightTracker.before`."""

    OK = "ok"
    SLOW = "slow"  # wait ``delay_s``, then ask again
    REFUSE = "refuse"  # do not send (an entry): ``refusal`` says why


class Pause(msgspec.Struct, frozen=True):
    """A 429 (``banned=False``) or 418 pause: nothing is admitted before ``until_ns``."""

    status: int
    until_ns: int

    @property
    def banned(self) -> bool:
        return self.status == 418


class _Window:
    __slots__ = ("index", "limit", "period_ns", "used")

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit.limit
        self.period_ns = limit.window_s * _NS_PER_S
        self.index = -1
        self.used = 0

    def roll(self, now_ns: int) -> None:
        index = now_ns // self.period_ns
        if index != self.index:
            self.index = index
            self.used = 0

    def left_ns(self, now_ns: int) -> int:
        return (now_ns // self.period_ns + 1) * self.period_ns - now_ns


class WeightTracker:
    """Weight and order-count windows from ``exchangeInfo`` limits and response headers."""

    __slots__ = (
        "_orders",
        "_paused_until_ns",
        "_slow_at",
        "_stop_at",
        "_weights",
        "delay_s",
        "refusal",
    )

    def __init__(
        self, limits: Sequence[RateLimit], slow_at: float = 0.8, stop_at: float = 0.95
    ) -> None:
        if not 0 < slow_at <= stop_at <= 1:
            raise ValueError("0 < slow_at <= stop_at <= 1 is required")
        self._slow_at = slow_at
        self._stop_at = stop_at
        self._weights = {_key(r): _Window(r) for r in limits if r.kind == REQUEST_WEIGHT}
        self._orders = {_key(r): _Window(r) for r in limits if r.kind == ORDERS}
        self._paused_until_ns = 0
        self.delay_s = 0.0  # after SLOW: how long to wait before asking again
        self.refusal = ""  # after REFUSE: why

    @property
    def paused_until_ns(self) -> int:
        """Nothing is admitted before this (0: never paused)."""
        return self._paused_until_ns

    def on_headers(self, headers: Mapping[str, str], now_ns: int) -> None:
        """Take the usage Binance reports in an answer's headers (any case)."""
        for name, value in headers.items():
            parsed = parse_usage_header(name, value)
            if parsed is None:
                continue
            kind, interval, num, count = parsed
            windows = self._weights if kind == REQUEST_WEIGHT else self._orders
            window = windows.get((interval, num))
            if window is not None:
                window.roll(now_ns)
                window.used = max(window.used, count)

    def before(self, weight: int, is_order: bool, now_ns: int, entry: bool = True) -> Admit:
        """May a request of ``weight`` (an order if ``is_order``; a new exposure if
        ``entry``, else an exit, a cancel or a read) go now? OK counts it at once."""
        if now_ns < self._paused_until_ns:
            return self._pause_verdict(entry, now_ns)
        worst, wait_ns = self._projection(weight, is_order, now_ns)
        if entry and worst >= self._stop_at:
            self.refusal = f"rate limit: {worst:.0%} of a window would be used"
            return Admit.REFUSE
        if worst > 1:
            self.delay_s = wait_ns / _NS_PER_S
            return Admit.SLOW
        if not is_order and worst >= self._slow_at:
            # Spread what is left of the budget over what is left of the window.
            self.delay_s = (
                wait_ns / _NS_PER_S * min(1.0, (worst - self._slow_at) / (1 - self._slow_at))
            )
            if self.delay_s > 0:
                return Admit.SLOW
        self._count(weight, is_order)
        return Admit.OK

    def on_limited(self, status: int, retry_after_s: int | None, now_ns: int) -> Pause:
        """A 429 or 418 answer: pause everything until ``Retry-After`` (whole seconds)."""
        if status not in DEFAULT_PAUSE_S:
            raise ValueError(f"not a rate-limit status: {status}")
        wait_s = DEFAULT_PAUSE_S[status] if retry_after_s is None else max(0, retry_after_s)
        self._paused_until_ns = max(self._paused_until_ns, now_ns + wait_s * _NS_PER_S)
        return Pause(status, self._paused_until_ns)

    def usage(self, now_ns: int) -> dict[str, float]:
        """Each window's used fraction, e.g. ``{"REQUEST_WEIGHT 1M": 0.42}`` (metrics)."""
        out = {}
        for kind, windows in ((REQUEST_WEIGHT, self._weights), (ORDERS, self._orders)):
            for (interval, num), window in windows.items():
                window.roll(now_ns)
                out[f"{kind} {num}{interval[0]}"] = window.used / window.limit
        return out

    def _pause_verdict(self, entry: bool, now_ns: int) -> Admit:
        if entry:
            self.refusal = "rate limited by Binance: paused until Retry-After"
            return Admit.REFUSE
        self.delay_s = (self._paused_until_ns - now_ns) / _NS_PER_S
        return Admit.SLOW

    def _projection(self, weight: int, is_order: bool, now_ns: int) -> tuple[float, int]:
        """The highest projected fraction over the windows this request counts in, and
        the time left in that window."""
        worst, wait_ns = 0.0, 0
        for window in self._weights.values():
            window.roll(now_ns)
            fraction = (window.used + weight) / window.limit
            if fraction > worst:
                worst, wait_ns = fraction, window.left_ns(now_ns)
        if is_order:
            for window in self._orders.values():
                window.roll(now_ns)
                fraction = (window.used + 1) / window.limit
                if fraction > worst:
                    worst, wait_ns = fraction, window.left_ns(now_ns)
        return worst, wait_ns

    def _count(self, weight: int, is_order: bool) -> None:
        for window in self._weights.values():
            window.used += weight
        if is_order:
            for window in self._orders.values():
                window.used += 1


def _key(limit: RateLimit) -> tuple[str, int]:
    return limit.interval, limit.interval_num
