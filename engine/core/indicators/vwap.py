"""Volume-weighted average price: per session and over a rolling time window."""

from __future__ import annotations


class _Weighted:
    """The exact int sums ``pv`` (Σ price·size) and ``volume`` (Σ size), and the VWAP."""

    __slots__ = ("pv", "ready", "value", "volume")

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.pv = 0
        self.volume = 0
        self.value = 0.0
        self.ready = False


class VWAP(_Weighted):
    """Session VWAP: ``Σ price·size / Σ size`` over the trades of the current session.

    Prices are int ticks and sizes int lots, so both sums are exact ints. With
    ``session_ns`` > 0 a trade whose session number ``(ts - offset_ns) //
    session_ns`` differs from the previous trade's starts a new session (e.g.
    ``session_ns=86_400 * 10**9`` resets at 00:00 UTC); ``reset()`` does it
    explicitly. ``ready`` once the session has volume; ``value`` is 0.0 before.
    """

    __slots__ = ("_offset", "_session", "_session_ns")

    def __init__(self, session_ns: int = 0, *, offset_ns: int = 0) -> None:
        if session_ns < 0:
            raise ValueError(f"session_ns must be >= 0, got {session_ns}")
        super().__init__()
        self._session_ns = session_ns
        self._offset = offset_ns
        self._session: int | None = None

    @property
    def session(self) -> int | None:
        """Session number of the last trade (None before any, or with no sessions)."""
        return self._session

    def update(self, ts: int, price: int, size: int) -> float:
        """Add a trade at ``ts`` (ns); return the session VWAP."""
        if self._session_ns:
            session = (ts - self._offset) // self._session_ns
            if session != self._session:
                self.reset()
                self._session = session
        self.pv += price * size
        self.volume += size
        if self.volume > 0:
            self.value = self.pv / self.volume
            self.ready = True
        return self.value

    def reset(self) -> None:
        """Start a new session now."""
        self._session = None
        self._clear()


class RollingVWAP(_Weighted):
    """VWAP of the trades with ``ts > now - window_ns``, amortised O(1) per update.

    ``now`` is the latest ``ts`` given to :meth:`update` or :meth:`expire`;
    timestamps must not go backwards (ValueError). Trades live in three parallel
    ring buffers (ts, price·size, size) that double when full, so steady-state
    updates allocate no containers; sums are exact ints. ``ready`` while the
    window has volume; ``value`` is 0.0 when it has none.
    """

    __slots__ = (
        "_cap",
        "_head",
        "_last_ts",
        "_len",
        "_pvs",
        "_sizes",
        "_ts",
        "window_ns",
    )

    def __init__(self, window_ns: int, *, capacity: int = 64) -> None:
        if window_ns <= 0:
            raise ValueError(f"window_ns must be > 0, got {window_ns}")
        cap = 1
        while cap < capacity:
            cap <<= 1
        super().__init__()
        self.window_ns = window_ns
        self._cap = cap
        self._ts = [0] * cap
        self._pvs = [0] * cap
        self._sizes = [0] * cap
        self._head = 0
        self._len = 0
        self._last_ts: int | None = None

    def __len__(self) -> int:
        """Trades in the window."""
        return self._len

    def update(self, ts: int, price: int, size: int) -> float:
        """Add a trade at ``ts`` (ns), drop those at or before ``ts - window_ns``."""
        self._evict(ts)
        if self._len == self._cap:
            self._grow()
        j = (self._head + self._len) & (self._cap - 1)
        pv = price * size
        self._ts[j] = ts
        self._pvs[j] = pv
        self._sizes[j] = size
        self._len += 1
        self.pv += pv
        self.volume += size
        return self._publish()

    def expire(self, now: int) -> float:
        """Advance the clock to ``now`` without a trade; return the VWAP."""
        self._evict(now)
        return self._publish()

    def reset(self) -> None:
        self._head = 0
        self._len = 0
        self._last_ts = None
        self._clear()

    def _evict(self, now: int) -> None:
        last = self._last_ts
        if last is not None and now < last:
            raise ValueError(f"timestamp went backwards: {now} < {last}")
        self._last_ts = now
        cutoff = now - self.window_ns
        ts = self._ts
        h = self._head
        n = self._len
        mask = self._cap - 1
        while n and ts[h] <= cutoff:
            self.pv -= self._pvs[h]
            self.volume -= self._sizes[h]
            h = (h + 1) & mask
            n -= 1
        self._head = h
        self._len = n

    def _publish(self) -> float:
        if self.volume > 0:
            self.value = self.pv / self.volume
            self.ready = True
        else:
            self.value = 0.0
            self.ready = False
        return self.value

    def _grow(self) -> None:
        h, cap = self._head, self._cap
        self._ts = self._ts[h:] + self._ts[:h] + [0] * cap
        self._pvs = self._pvs[h:] + self._pvs[:h] + [0] * cap
        self._sizes = self._sizes[h:] + self._sizes[:h] + [0] * cap
        self._head = 0
        self._cap = cap * 2
