"""Moving averages: simple (ring buffer + running sum) and exponential."""

from __future__ import annotations

import math

from engine.core.indicators.window import Window


class SMA(Window):
    """Simple moving average of the last ``n`` values, O(1) per update.

    ``value = sum / count`` where ``sum`` is the sum of the values in the window
    and ``count = min(updates, n)``; before ``n`` values it is the mean of all
    values so far and ``ready`` is False. With int inputs ``sum`` stays an exact
    int (no drift). Once a float has entered, ``sum`` is a float running sum
    re-derived exactly with ``math.fsum`` each time the ring buffer wraps (every
    ``n`` updates, so amortised O(1)), which bounds the drift to ``n`` steps.
    """

    __slots__ = ("_buf", "sum", "value")

    def __init__(self, n: int) -> None:
        super().__init__(n, "SMA window")
        self._buf: list[float] = [0] * n
        self.sum: float = 0
        self.value = 0.0

    def update(self, x: float) -> float:
        """Add ``x`` (evicting the oldest value once full); return the new mean."""
        if not self.ready:
            return self._fill(x)
        buf = self._buf
        i = self._i
        s = self.sum + x - buf[i]
        buf[i] = x
        i += 1
        if i == self._n:
            i = 0
            if type(s) is not int:
                s = math.fsum(buf)
        self._i = i
        self.sum = s
        v = self.value = s / self._n
        return v

    def _fill(self, x: float) -> float:
        """:meth:`update` while the window is not yet full."""
        i = self._i
        self._buf[i] = x
        s = self.sum + x
        c = self._count = i + 1
        if c == self._n:
            self.ready = True
            i = -1
            if type(s) is not int:
                s = math.fsum(self._buf)
        self._i = i + 1
        self.sum = s
        v = self.value = s / c
        return v

    def reset(self) -> None:
        """Forget every value."""
        self._restart()
        self.sum = 0
        self.value = 0.0


class EMA:
    """Exponential moving average, O(1) per update.

    ``alpha = 2 / (n + 1)`` when built from ``n``, or given directly. The seed is
    the simple mean of the first ``warmup`` values (``warmup`` defaults to ``n``,
    or to ``round(2 / alpha - 1)`` when only ``alpha`` is given, at least 1) as
    TA-Lib does; during warm-up ``value`` is the mean of the values so far and
    ``ready`` is False. After that ``value += alpha * (x - value)``.
    """

    __slots__ = ("_count", "_sum", "_warmup", "alpha", "ready", "value")

    def __init__(
        self, n: int | None = None, *, alpha: float | None = None, warmup: int | None = None
    ) -> None:
        if (n is None) == (alpha is None):
            raise ValueError("EMA needs exactly one of n or alpha")
        if n is not None:
            if n < 1:
                raise ValueError(f"EMA span must be >= 1, got {n}")
            alpha = 2.0 / (n + 1)
            default_warmup = n
        else:
            assert alpha is not None
            if not 0.0 < alpha <= 1.0:
                raise ValueError(f"EMA alpha must be in (0, 1], got {alpha}")
            default_warmup = max(1, round(2.0 / alpha - 1.0))
        if warmup is None:
            warmup = default_warmup
        if warmup < 1:
            raise ValueError(f"EMA warmup must be >= 1, got {warmup}")
        self.alpha = alpha
        self._warmup = warmup
        self._count = 0
        self._sum: float = 0
        self.value = 0.0
        self.ready = False

    @property
    def warmup(self) -> int:
        return self._warmup

    def update(self, x: float) -> float:
        """Fold ``x`` in; return the new average."""
        if self.ready:
            v = self.value
            v += self.alpha * (x - v)
        else:
            self._count += 1
            self._sum += x
            v = self._sum / self._count
            if self._count == self._warmup:
                self.ready = True
        self.value = v
        return v

    def reset(self) -> None:
        self._count = 0
        self._sum = 0
        self.value = 0.0
        self.ready = False
