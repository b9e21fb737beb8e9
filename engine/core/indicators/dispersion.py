"""Rolling standard deviation and z-score, O(1) per update without drift."""

from __future__ import annotations

from math import sqrt

from engine.core.indicators.window import Window

# Float sums are recomputed once s2 has fallen this many times below its peak
# since the last recompute: rounding left by the evicted large terms would
# otherwise dominate.
_COLLAPSE = 1024.0


class RollingStd(Window):
    """Rolling standard deviation of the last ``n`` values, O(1) amortised per update.

    Population (``ddof=0``, divide by the count ``c``) by default; ``ddof=1``
    gives the sample figure (divide by ``c - 1``; 0.0 for a single value).
    Before ``n`` values it is taken over the values so far and ``ready`` is False.
    ``value`` is the std; ``mean`` (computed on demand) the window mean.

    Running sums around a pivot ``k`` that is a member of the window
    (``s1 = Σ(x-k)``, ``s2 = Σ(x-k)²``) give ``var = (c·s2 - s1²) / (c·(c-ddof))``.
    With int inputs this is exact integer arithmetic; the only roundings are the
    final division and square root. With floats, the pivot is moved to the
    newest value and both sums are recomputed from the buffer (O(n)) when the
    buffer wraps (every ``n`` updates, so amortised O(1)), which stops drift;
    and early when cancellation would cost digits: when ``s1²`` exceeds
    ``max(10⁴, 4n)·(c·s2 - s1²)`` (the level moved many stds from the pivot) or
    ``s2`` fell 1024-fold below its peak since the last recompute (large values
    left the window). A fresh pivot always passes the first test, since any
    window member lies within ``sqrt(n-1)`` stds of the mean. (Float deviations
    below ~1e-154, whose squares underflow, are out of scope.)
    """

    __slots__ = (
        "_buf",
        "_cond",
        "_ddof",
        "_den",
        "_hi",
        "_k",
        "_s1",
        "_s2",
        "value",
    )

    def __init__(self, n: int, *, ddof: int = 0) -> None:
        super().__init__(n, "RollingStd window")
        if ddof not in (0, 1):
            raise ValueError(f"ddof must be 0 or 1, got {ddof}")
        self._ddof = ddof
        self._den = n * (n - ddof)
        self._cond = float(max(10_000, 4 * n))
        self._buf: list[float] = [0] * n
        self._k: float = 0
        self._s1: float = 0
        self._s2: float = 0
        self._hi = 0.0
        self.value = 0.0

    @property
    def mean(self) -> float:
        """Mean of the window (0.0 before any value)."""
        c = self._count
        return (self._k * c + self._s1) / c if c else 0.0

    @property
    def variance(self) -> float:
        """``value ** 2``."""
        return self.value * self.value

    def deviation(self, x: float) -> float:
        """``x - mean``, taken around the pivot so it stays accurate at large prices."""
        c = self._count
        return (x - self._k) - self._s1 / c if c else 0.0

    def update(self, x: float) -> float:
        """Add ``x`` (evicting the oldest value once full); return the new std."""
        buf = self._buf
        i = self._i
        if self.ready:
            k = self._k
            d = x - k
            o = buf[i] - k
            s1 = self._s1 + d - o
            s2 = self._s2 + d * d - o * o
            c = self._n
            den = self._den
        else:
            if self._count == 0:
                self._k = x
            k = self._k
            d = x - k
            s1 = self._s1 + d
            s2 = self._s2 + d * d
            c = self._count = self._count + 1
            den = c * (c - self._ddof)
            if c == self._n:
                self.ready = True
        buf[i] = x
        i += 1
        if i == self._n:
            i = 0
        num = c * s2 - s1 * s1
        if type(num) is not int:
            hi = self._hi
            if s2 > hi:
                self._hi = hi = s2
            if i == 0 or s1 * s1 > self._cond * num or s2 * _COLLAPSE < hi:
                k = self._k = x
                s1, s2 = _sums_around(buf, c, k)
                num = c * s2 - s1 * s1
                self._hi = s2
        self._i = i
        self._s1 = s1
        self._s2 = s2
        # num is 0 whenever den is (a single value), so den needs no check
        std = sqrt(num / den) if num > 0 else 0.0
        self.value = std
        return std

    def reset(self) -> None:
        self._restart()
        self._k = 0
        self._s1 = 0
        self._s2 = 0
        self._hi = 0.0
        self.value = 0.0


def _sums_around(buf: list[float], c: int, k: float) -> tuple[float, float]:
    """(Σ(x-k), Σ(x-k)²) over the first ``c`` entries of ``buf`` (all, once full)."""
    s1 = 0.0
    s2 = 0.0
    for j in range(c):
        d = buf[j] - k
        s1 += d
        s2 += d * d
    return s1, s2


class ZScore:
    """How many rolling standard deviations the latest value is from the rolling mean.

    ``value = (x - mean) / std`` where ``mean`` and ``std`` come from a
    :class:`RollingStd` over the last ``n`` values *including* ``x``; 0.0 when
    ``std`` is 0. ``ready`` once ``n`` values have been seen.
    """

    __slots__ = ("_std", "ready", "value")

    def __init__(self, n: int, *, ddof: int = 0) -> None:
        self._std = RollingStd(n, ddof=ddof)
        self.value = 0.0
        self.ready = False

    @property
    def mean(self) -> float:
        return self._std.mean

    @property
    def std(self) -> float:
        return self._std.value

    def update(self, x: float) -> float:
        """Add ``x``; return its z-score against the window it just joined."""
        r = self._std
        sd = r.update(x)
        z = r.deviation(x) / sd if sd > 0.0 else 0.0
        self.value = z
        self.ready = r.ready
        return z

    def reset(self) -> None:
        self._std.reset()
        self.value = 0.0
        self.ready = False
