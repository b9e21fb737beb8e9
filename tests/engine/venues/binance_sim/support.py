"""Helpers for the simulated-Binance tests: signing written from Binance's documented algorithm
(P§2.2), independent of ``engine.venues.binance``, and a plain aiohttp client of the real server.

Signing: ``signature = hex(HMAC-SHA256(secret, query_string + body))``; values are
percent-encoded before signing; the signature is appended as the last query pair.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

import aiohttp
import msgspec
from yarl import URL

from engine.venues.binance_sim import BinanceSimVenue
from engine.venues.binance_sim import SimKey
from engine.venues.binance_sim.market import StaticBook
from engine.venues.binance_sim.market import load_static_book

REPO = Path(__file__).resolve().parents[4]
CAPTURE = REPO / ".." / "shared" / "data" / "raw" / "usdm_btcusdt_20240808.gz"
API_KEY = "simKey0123456789abcdef"
SECRET = "simSecret-0123456789-abcdefghij"
KEY = SimKey(API_KEY, SECRET)
NOW_MS = 1_790_000_000_000


@functools.cache
def capture_book() -> StaticBook:
    """The capture's first depth snapshot, read once per test session."""
    return load_static_book(str(CAPTURE))


class FakeClock:
    """The sim's wall clock in ns, set by the test."""

    def __init__(self, ms: int = NOW_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms * 1_000_000


def sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def signed_query(params: dict[str, str], *, ts: int, secret: str = SECRET) -> str:
    """``k=v&...&timestamp=ts&signature=hex``, values percent-encoded (``quote``, no safe chars)."""
    query = urlencode({**params, "timestamp": str(ts)}, quote_via=quote, safe="")
    return f"{query}&signature={sign(secret, query.encode())}"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    content_type: str
    body: Any

    @property
    def code(self) -> int | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class Client:
    """Raw requests to the sim: the query goes on the wire exactly as given."""

    def __init__(self, session: aiohttp.ClientSession, venue: BinanceSimVenue, clock: FakeClock):
        self.session = session
        self.venue = venue
        self.clock = clock

    async def raw(
        self,
        method: str,
        path: str,
        query: str = "",
        *,
        body: bytes = b"",
        api_key: str | None = API_KEY,
    ) -> Answer:
        url = URL(f"{self.venue.url}{path}" + (f"?{query}" if query else ""), encoded=True)
        headers = {} if api_key is None else {"X-MBX-APIKEY": api_key}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        async with self.session.request(method, url, data=body or None, headers=headers) as r:
            data = await r.read()
            return Answer(r.status, dict(r.headers), r.content_type, msgspec.json.decode(data))

    async def signed(self, method: str, path: str, **params: str) -> Answer:
        """A signed call with every param in the query (as the official SDKs send them)."""
        return await self.raw(method, path, signed_query(params, ts=self.clock.ms))

    async def order(self, **params: str) -> Answer:
        return await self.signed("POST", "/fapi/v1/order", symbol="BTCUSDT", **params)
