"""A trading core as the store and recovery tests build it: the SMA cross strategy with its
default parameters, default trader config and risk limits, a large cash balance."""

from __future__ import annotations

from engine.core.risk import RiskLimits
from engine.core.strategies import SmaCross
from engine.core.strategies import SmaCrossParams
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import IdFactory
from engine.model import Instrument

CASH = 10**15  # nanos


def sma_core(instrument: Instrument, prefix: str = "t", run: str = "1") -> TradingCore:
    """A core trading ``instrument`` whose client order ids are ``IdFactory(prefix, run)``'s."""
    return TradingCore(
        [instrument],
        SmaCross,
        SmaCrossParams(),
        TraderConfig(),
        RiskLimits(),
        IdFactory(prefix, run),
        CASH,
    )
