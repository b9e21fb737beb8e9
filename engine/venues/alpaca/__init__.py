"""Alpaca: market data stream v2, trading REST v2 and trade_updates.

``AlpacaUrls.paper()`` with ``credentials_from_env()`` trades Alpaca paper;
``AlpacaUrls.from_venue_url(url)`` trades the embedded simulated venue.
"""

from engine.venues.alpaca.config import AlpacaUrls
from engine.venues.alpaca.config import Backoff
from engine.venues.alpaca.config import Credentials
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.config import credentials_from_env
from engine.venues.alpaca.data import AlpacaMarketData
from engine.venues.alpaca.errors import AlpacaAuthError
from engine.venues.alpaca.errors import AlpacaHttpError
from engine.venues.alpaca.errors import AlpacaStreamError
from engine.venues.alpaca.errors import AlpacaUnavailableError
from engine.venues.alpaca.execution import AlpacaExecution

__all__ = [
    "AlpacaAuthError",
    "AlpacaExecution",
    "AlpacaHttpError",
    "AlpacaMarketData",
    "AlpacaStreamError",
    "AlpacaUnavailableError",
    "AlpacaUrls",
    "Backoff",
    "Credentials",
    "DataConfig",
    "ExecutionConfig",
    "credentials_from_env",
]
