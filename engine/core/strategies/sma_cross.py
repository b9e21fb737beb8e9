"""``sma_cross``: fast vs slow simple moving average of the mid, with a dead band."""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

import msgspec

from engine.core.market_state import MarketState
from engine.model import Instrument


class SmaCrossParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    fast: int = 10
    slow: int = 50
    band: Decimal = Decimal("0.01")  # in price units

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow (fast={self.fast}, slow={self.slow})")
        if self.band < 0:
            raise ValueError(f"band must not be negative (band={self.band})")


class SmaCross:
    """Long when SMA(fast) - SMA(slow) > band, short when < -band, else unchanged.

    Nothing until ``slow`` mids have been seen. The comparison is exact: sums of
    ``mid2`` (twice the mid, in ticks) are integers and the band is a fraction,
    so the test ``sf/(2f) - ss/(2s) > band/tick`` becomes integer arithmetic.
    """

    name: ClassVar[str] = "sma_cross"
    Params: ClassVar[type[SmaCrossParams]] = SmaCrossParams

    __slots__ = ("_a", "_b", "_c", "_fast", "_fbuf", "_sbuf", "_sf", "_slow", "_ss", "target")

    def __init__(self, instrument: Instrument, params: SmaCrossParams) -> None:
        band_ticks = Fraction(params.band) / Fraction(instrument.price_increment)
        f, s = params.fast, params.slow
        self._fast = f
        self._slow = s
        self._a = s * band_ticks.denominator
        self._b = f * band_ticks.denominator
        self._c = 2 * f * s * band_ticks.numerator
        self._fbuf: deque[int] = deque(maxlen=f)
        self._sbuf: deque[int] = deque(maxlen=s)
        self._sf = 0
        self._ss = 0
        self.target = 0

    def on_quote(self, state: MarketState, now: int) -> int | None:
        m = state.mid2
        fbuf = self._fbuf
        sbuf = self._sbuf
        if len(sbuf) == self._slow:
            self._ss -= sbuf[0]
            self._sf -= fbuf[0]
            fbuf.append(m)
            sbuf.append(m)
            self._sf += m
            self._ss += m
        else:
            if len(fbuf) == self._fast:
                self._sf -= fbuf[0]
            fbuf.append(m)
            sbuf.append(m)
            self._sf += m
            self._ss += m
            if len(sbuf) < self._slow:
                return None
        d = self._sf * self._a - self._ss * self._b
        c = self._c
        if d > c:
            if self.target != 1:
                self.target = 1
                return 1
        elif d < -c and self.target != -1:
            self.target = -1
            return -1
        return None

    def on_trade(self, state: MarketState, now: int) -> int | None:
        return None

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        return None
