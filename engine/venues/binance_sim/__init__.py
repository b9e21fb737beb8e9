"""The simulated Binance (server side): USD-M REST for now, on loopback for tests and demos.

``BinanceSimVenue(BinanceSimConfig(keys=(SimKey(key, secret),))).start()`` serves
``/fapi/v1`` ping, time, exchangeInfo, depth and the signed order endpoints,
filled by :mod:`engine.paper` against a static book read from a raw capture.
"""

from engine.venues.binance_sim.config import BinanceSimConfig
from engine.venues.binance_sim.config import RateLimitSpec
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.server import BinanceSimVenue

__all__ = ["BinanceSimConfig", "BinanceSimVenue", "RateLimitSpec", "SimKey"]
