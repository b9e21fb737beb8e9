"""Incremental indicators for the hot path: O(1) per update (book imbalance O(levels)).

Every indicator is a slotted class with ``update(...)`` returning the new value,
and ``value``, ``ready`` and ``reset()``. ``value`` is always a number (never
None or NaN); ``ready`` says whether it covers a full window or warm-up, and
each class's docstring gives its exact definition and what ``value`` holds
before that. Prices are int ticks and sizes int lots; integer sums stay exact.
"""

from __future__ import annotations

from typing import Protocol

from engine.core.indicators.averages import EMA
from engine.core.indicators.averages import SMA
from engine.core.indicators.dispersion import RollingStd
from engine.core.indicators.dispersion import ZScore
from engine.core.indicators.flow import BookImbalance
from engine.core.indicators.flow import OrderFlowImbalance
from engine.core.indicators.flow import TradeFlowImbalance
from engine.core.indicators.volatility import ATR
from engine.core.indicators.vwap import VWAP
from engine.core.indicators.vwap import RollingVWAP


class Indicator(Protocol):
    """What every indicator here exposes besides its own ``update`` signature."""

    @property
    def value(self) -> float: ...

    @property
    def ready(self) -> bool: ...

    def reset(self) -> None: ...


__all__ = [
    "ATR",
    "EMA",
    "SMA",
    "VWAP",
    "BookImbalance",
    "Indicator",
    "OrderFlowImbalance",
    "RollingStd",
    "RollingVWAP",
    "TradeFlowImbalance",
    "ZScore",
]
