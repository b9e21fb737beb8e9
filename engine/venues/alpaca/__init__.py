"""Alpaca: market data stream v2, trading REST v2 and trade_updates.

``AlpacaUrls.paper()`` with ``credentials_from_env()`` trades Alpaca paper;
``AlpacaUrls.from_venue_url(url)`` trades the embedded simulated venue.
"""

from engine.venues.alpaca.config import (
    AlpacaUrls,
    Backoff,
    Credentials,
    DataConfig,
    ExecutionConfig,
    credentials_from_env,
)
from engine.venues.alpaca.data import AlpacaMarketData
from engine.venues.alpaca.errors import (
    AlpacaAuthError,
    AlpacaHttpError,
    AlpacaStreamError,
    AlpacaUnavailableError,
)
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
