"""Binance USD-M futures and spot: signing, server clock, client ids, rate limits, errors.

Shared by both products (no product branches here); ``usdm/`` and ``spot/`` hold what
differs. Secrets never show: a signer's repr names only its kind, and a
:class:`BinanceError` carries no secret and no signed query.
"""

from engine.venues.binance.clock import ServerClock
from engine.venues.binance.errors import BinanceError
from engine.venues.binance.errors import Outcome
from engine.venues.binance.errors import classify
from engine.venues.binance.ids import BinanceProduct
from engine.venues.binance.ids import check_client_id
from engine.venues.binance.signing import Ed25519Signer
from engine.venues.binance.signing import HmacSigner
from engine.venues.binance.signing import Signer
from engine.venues.binance.weights import Admit
from engine.venues.binance.weights import RateLimit
from engine.venues.binance.weights import WeightTracker

__all__ = [
    "Admit",
    "BinanceError",
    "BinanceProduct",
    "Ed25519Signer",
    "HmacSigner",
    "Outcome",
    "RateLimit",
    "ServerClock",
    "Signer",
    "WeightTracker",
    "check_client_id",
    "classify",
]
