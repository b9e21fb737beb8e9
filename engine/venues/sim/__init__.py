"""The simulated venue: an aiohttp server speaking Alpaca's wire protocol on loopback.

One base URL serves trading REST v2 (``/v2/...``), the trade_updates websocket
(``/stream``) and the market data stream v2 (``/v2/{feed}``). Orders fill with
the paper matching model (:class:`engine.paper.PaperVenue`) against a seeded
synthetic market or a replay of recorded data, with optional seeded faults.
Run it as ``scalpbot sim-venue`` or embed it: ``port = await SimVenue(cfg).start()``.
"""

from engine.venues.sim.config import DEFAULT_KEY
from engine.venues.sim.config import DEFAULT_SECRET
from engine.venues.sim.config import DEFAULT_SYMBOLS
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.config import SymbolSpec
from engine.venues.sim.config import synthetic_symbols
from engine.venues.sim.faults import FAULT_HELP
from engine.venues.sim.faults import FaultConfig
from engine.venues.sim.faults import FaultCounters
from engine.venues.sim.faults import parse_faults
from engine.venues.sim.market import ReplayMarket
from engine.venues.sim.market import SyntheticMarket
from engine.venues.sim.server import SimVenue
from engine.venues.sim.server import serve
from engine.venues.sim.state import StateError

__all__ = [
    "DEFAULT_KEY",
    "DEFAULT_SECRET",
    "DEFAULT_SYMBOLS",
    "FAULT_HELP",
    "FaultConfig",
    "FaultCounters",
    "ReplayMarket",
    "SimVenue",
    "SimVenueConfig",
    "StateError",
    "SymbolSpec",
    "SyntheticMarket",
    "parse_faults",
    "serve",
    "synthetic_symbols",
]
