"""Binance's clock as seen from here: the offset that keeps signed timestamps accepted.

Binance accepts a signed request only if ``timestamp < serverTime + 1000`` and
``serverTime - timestamp <= recvWindow`` (P§2.2), otherwise -1021. :class:`ServerClock`
learns ``offset = serverTime - midpoint(sent, received)`` from ``GET /time`` samples. The
server stamped its time somewhere inside the round trip, so a sample is off by at most
half its RTT; samples slower than ``max_rtt_ms`` are dropped, which bounds that error.
:meth:`ServerClock.timestamp_ms` answers ``local + offset - safety_ms`` (100 ms behind by
default): with an error of at most ``max_rtt_ms / 2`` (500 ms) it stays well clear of the
1000 ms "ahead" limit and well inside a 5000 ms ``recvWindow``.

Samples within ``max_drift_ms`` of the current offset are averaged in (EWMA); a larger
jump (the local clock was stepped, or the server's was) replaces the offset outright. With
no sample for ``stale_after_s`` (10 min), or after :meth:`ServerClock.mark_stale` (on a
-1021), :attr:`ServerClock.stale` asks the caller to sample ``GET /time`` again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_NS_PER_MS = 1_000_000
_EWMA_WEIGHT = 0.25  # of a new sample
AHEAD_SLACK_MS = 1000  # Binance refuses a timestamp this far ahead of its clock


class ServerClock:
    """Server-time offset from ``GET /time`` samples; no I/O of its own."""

    __slots__ = (
        "_clock",
        "_last_sample_ns",
        "_marked_stale",
        "_max_drift_ms",
        "_max_rtt_ns",
        "_offset_ms",
        "_safety_ms",
        "_stale_after_ns",
    )

    def __init__(
        self,
        clock: Callable[[], int] = time.time_ns,
        max_drift_ms: int = 500,
        *,
        safety_ms: int = 100,
        max_rtt_ms: int = 1000,
        stale_after_s: float = 600.0,
    ) -> None:
        """``clock`` is the local wall clock in ns: the one ``sent_ns``/``received_ns`` read."""
        if safety_ms < 0 or max_rtt_ms <= 0 or max_drift_ms < 0:
            raise ValueError("safety_ms, max_drift_ms >= 0 and max_rtt_ms > 0 are required")
        if max_rtt_ms // 2 + safety_ms >= AHEAD_SLACK_MS:
            raise ValueError("max_rtt_ms / 2 + safety_ms must stay under 1000 ms")
        self._clock = clock
        self._max_drift_ms = max_drift_ms
        self._safety_ms = safety_ms
        self._max_rtt_ns = max_rtt_ms * _NS_PER_MS
        self._stale_after_ns = int(stale_after_s * 1e9)
        self._offset_ms = 0.0
        self._last_sample_ns: int | None = None
        self._marked_stale = False

    def observe(self, server_ms: int, sent_ns: int, received_ns: int) -> bool:
        """Learn from one ``{"serverTime": server_ms}`` answer to a request sent at
        ``sent_ns`` and answered at ``received_ns`` (local clock). False if the sample
        was dropped (its RTT is negative or over ``max_rtt_ms``)."""
        rtt = received_ns - sent_ns
        if rtt < 0 or rtt > self._max_rtt_ns:
            return False
        sample = server_ms - (sent_ns + received_ns) / (2 * _NS_PER_MS)
        current = self._offset_ms
        if self._last_sample_ns is None or abs(sample - current) > self._max_drift_ms:
            self._offset_ms = sample
        else:
            self._offset_ms = current + _EWMA_WEIGHT * (sample - current)
        self._last_sample_ns = received_ns
        self._marked_stale = False
        return True

    def timestamp_ms(self) -> int:
        """The ``timestamp`` to sign now: server time estimate less ``safety_ms``."""
        return int(self._clock() / _NS_PER_MS + self._offset_ms) - self._safety_ms

    def mark_stale(self) -> None:
        """After a -1021: the next caller resamples ``GET /time`` before trusting us."""
        self._marked_stale = True

    @property
    def offset_ms(self) -> int:
        """Server minus local time, ms (0 before the first sample)."""
        return round(self._offset_ms)

    @property
    def synced(self) -> bool:
        """At least one sample was taken."""
        return self._last_sample_ns is not None

    @property
    def stale(self) -> bool:
        """No sample yet, none for ``stale_after_s``, or marked stale: resample."""
        last = self._last_sample_ns
        return self._marked_stale or last is None or self._clock() - last > self._stale_after_ns
