"""The strategy protocol: ticks in, a desired position direction out."""

from __future__ import annotations

from typing import Any
from typing import ClassVar
from typing import Protocol

import msgspec

from engine.core.market_state import MarketState
from engine.core.params import ParamError
from engine.core.params import parse_params
from engine.model import Instrument


class Strategy(Protocol):
    """One instance per symbol. Each callback returns the new desired direction
    (-1 short, 0 flat, +1 long) when it changes, else None."""

    name: ClassVar[str]

    def on_quote(self, state: MarketState, now: int) -> int | None: ...

    def on_trade(self, state: MarketState, now: int) -> int | None: ...

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        """Told after every fill: signed position (lots) and its average price (ticks)."""


__all__ = ["ParamError", "Strategy", "StrategyFactory", "parse_params"]


class StrategyFactory(Protocol):
    name: ClassVar[str]
    Params: ClassVar[type[msgspec.Struct]]

    def __call__(self, instrument: Instrument, params: Any) -> Strategy: ...
