"""Strategies and their registry."""

from __future__ import annotations

from typing import Any

from engine.core.strategies.base import ParamError
from engine.core.strategies.base import Strategy
from engine.core.strategies.base import StrategyFactory
from engine.core.strategies.base import parse_params
from engine.core.strategies.micro_momentum import MicroMomentum
from engine.core.strategies.micro_momentum import MicroMomentumParams
from engine.core.strategies.sma_cross import SmaCross
from engine.core.strategies.sma_cross import SmaCrossParams

STRATEGIES: dict[str, Any] = {SmaCross.name: SmaCross, MicroMomentum.name: MicroMomentum}


def strategy_factory(name: str) -> Any:
    """The strategy class registered under ``name``; ParamError if there is none."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ParamError(
            f"unknown strategy '{name}' (known: {', '.join(sorted(STRATEGIES))})"
        ) from None


__all__ = [
    "STRATEGIES",
    "MicroMomentum",
    "MicroMomentumParams",
    "ParamError",
    "SmaCross",
    "SmaCrossParams",
    "Strategy",
    "StrategyFactory",
    "parse_params",
    "strategy_factory",
]
