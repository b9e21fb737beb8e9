"""Average true range with Wilder smoothing."""

from __future__ import annotations

from engine.core.indicators.window import Window
from engine.model import Bar


class ATR(Window):
    """Wilder's average true range over ``n`` bars, O(1) per update.

    True range: ``high - low`` for the first bar, then
    ``max(high - low, |high - prev_close|, |low - prev_close|)``, computed as
    ``max(high, prev_close) - min(low, prev_close)``. The seed is the
    simple mean of the first ``n`` true ranges (``ready`` from then on; before,
    ``value`` is the mean of the true ranges so far); after that Wilder's
    smoothing ``atr = (atr·(n - 1) + tr) / n``, i.e. an EMA with ``alpha = 1/n``.
    ``tr`` holds the latest true range.
    """

    __slots__ = ("_prev_close", "_sum", "tr", "value")

    def __init__(self, n: int = 14) -> None:
        super().__init__(n, "ATR period")
        self._sum = 0
        self._prev_close: int | None = None
        self.tr = 0
        self.value = 0.0

    def update(self, high: int, low: int, close: int) -> float:
        """Fold in one bar's high, low and close (ticks); return the ATR."""
        pc = self._prev_close
        tr = high - low if pc is None else max(high, pc) - min(low, pc)
        self._prev_close = close
        self.tr = tr
        if self.ready:
            n = self._n
            v = (self.value * (n - 1) + tr) / n
        else:
            self._count += 1
            self._sum += tr
            v = self._sum / self._count
            if self._count == self._n:
                self.ready = True
        self.value = v
        return v

    def update_bar(self, bar: Bar) -> float:
        """:meth:`update` from a :class:`~engine.model.Bar`."""
        return self.update(bar.high, bar.low, bar.close)

    def reset(self) -> None:
        self._restart()
        self._sum = 0
        self._prev_close = None
        self.tr = 0
        self.value = 0.0
