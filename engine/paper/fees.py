"""Exact fee arithmetic: money nanos = round-half-even(notional nanos x rate)."""

from __future__ import annotations

from decimal import Decimal

from engine.model import LiquiditySide


def fee_nanos(notional: int, rate: Decimal) -> int:
    """Fee in money nanos for ``notional`` nanos at ``rate`` (negative = rebate).

    Exact: the rate is taken as a ratio of integers, so no Decimal context
    precision limits the result; ties round to even.
    """
    num, den = rate.as_integer_ratio()
    return _round_half_even(notional * num, den)


def _round_half_even(num: int, den: int) -> int:
    q, r = divmod(num, den)  # floor division: 0 <= r < den for den > 0
    twice = 2 * r
    if twice > den or (twice == den and q & 1):
        return q + 1
    return q


class FeeSchedule:
    """Maker and taker rates, pre-split into integer ratios for the fill path."""

    __slots__ = ("_maker", "_taker", "maker_rate", "taker_rate")

    def __init__(self, maker_rate: Decimal, taker_rate: Decimal) -> None:
        self.maker_rate = maker_rate
        self.taker_rate = taker_rate
        self._maker = maker_rate.as_integer_ratio()
        self._taker = taker_rate.as_integer_ratio()

    def fee(self, notional: int, liquidity: LiquiditySide) -> int:
        """Fee in money nanos for a fill of ``notional`` nanos."""
        num, den = self._maker if liquidity is LiquiditySide.MAKER else self._taker
        if num == 0:
            return 0
        return _round_half_even(notional * num, den)
