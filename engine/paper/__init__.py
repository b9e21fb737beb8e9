"""Paper matching and fill model: synchronous, deterministic, sans-I/O.

Used in-process by the backtest and wrapped by the simulated venue server. It
imports nothing of the project but :mod:`engine.model`.
"""

from engine.paper.config import Overflow, PaperConfig
from engine.paper.counters import PaperCounters
from engine.paper.fees import FeeSchedule, fee_nanos
from engine.paper.matching import NO_LIMIT, opposite_levels, quote_crosses, take, trade_fill
from engine.paper.venue import PaperVenue
from engine.paper.view import DepthView, MarketView

__all__ = [
    "NO_LIMIT",
    "DepthView",
    "FeeSchedule",
    "MarketView",
    "Overflow",
    "PaperConfig",
    "PaperCounters",
    "PaperVenue",
    "fee_nanos",
    "opposite_levels",
    "quote_crosses",
    "take",
    "trade_fill",
]
