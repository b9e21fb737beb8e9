"""Paper matching and fill model: synchronous, deterministic, sans-I/O.

Used in-process by the backtest and wrapped by the simulated venue server. It
imports nothing of the project but :mod:`engine.model`.
"""

from engine.paper.config import Overflow
from engine.paper.config import PaperConfig
from engine.paper.counters import PaperCounters
from engine.paper.fees import FeeSchedule
from engine.paper.fees import fee_nanos
from engine.paper.matching import NO_LIMIT
from engine.paper.matching import opposite_levels
from engine.paper.matching import quote_crosses
from engine.paper.matching import take
from engine.paper.matching import trade_fill
from engine.paper.venue import PaperVenue
from engine.paper.view import DepthView
from engine.paper.view import MarketView

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
