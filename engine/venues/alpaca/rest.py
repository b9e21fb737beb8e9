"""HTTP to Alpaca's trading REST v2: headers, timeouts, the rate-limit gate, retries.

Two ways to call: :meth:`Rest.send` makes exactly one attempt (for submits,
which are never retried), :meth:`Rest.call` waits out a rate-limit back-off and
retries 5xx, 429, timeouts and connection errors a few times (for reads,
cancels). A 429, or a response with ``X-Ratelimit-Remaining: 0``, sets the
back-off from ``Retry-After`` (seconds) or ``X-Ratelimit-Reset`` (epoch seconds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

import aiohttp
import msgspec

from engine.venues.alpaca.config import auth_headers
from engine.venues.alpaca.errors import AlpacaUnavailableError
from engine.venues.alpaca.protocol import ErrorBody

log = logging.getLogger("scalpbot.venues.alpaca.rest")

DEFAULT_RATE_WAIT_S = 3.0  # a 429 without a usable header (alpaca-py waits 3 s)
MAX_RATE_WAIT_S = 60.0
TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
_ERROR_BODY = msgspec.json.Decoder(ErrorBody)


class Response(msgspec.Struct, frozen=True):
    status: int
    body: bytes
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> ErrorBody:
        """The ``{code, message}`` body of an error, or the raw text as the message."""
        try:
            return _ERROR_BODY.decode(self.body)
        except msgspec.DecodeError:
            return ErrorBody(0, self.body[:200].decode("utf-8", "replace").strip())


class Rest:
    """One base URL, one key pair, one session (owned unless passed in)."""

    def __init__(
        self,
        base_url: str,
        key: str,
        secret: str,
        *,
        timeout_s: float,
        session: aiohttp.ClientSession | None = None,
        retries: int = 2,
        retry_backoff_s: float = 0.25,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.base = base_url.rstrip("/")
        self._headers = auth_headers(key, secret)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session = session
        self._own = session is None
        self.retries = retries
        self.retry_backoff_s = retry_backoff_s
        self._wall = wall
        self._blocked_until = 0.0  # monotonic
        self.requests = 0
        self.rate_limited = 0

    def __repr__(self) -> str:
        return f"Rest(base={self.base!r})"

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
        self._session = None

    def blocked_for(self) -> float:
        """Seconds left of the rate-limit back-off (0 when calls may go)."""
        return max(0.0, self._blocked_until - time.monotonic())

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
    ) -> Response:
        """One attempt. Raises aiohttp.ClientError, TimeoutError or OSError."""
        body = None if json is None else msgspec.json.encode(json)
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.requests += 1
        async with self.session.request(
            method,
            self.base + path,
            params=params,
            data=body,
            headers=headers,
            timeout=self._timeout,
        ) as resp:
            raw = await resp.read()
            retry = self.note_limits(resp.status, resp.headers)
            return Response(resp.status, raw, retry)

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        retries: int | None = None,
    ) -> Response:
        """Retrying call for reads and cancels: a non-retryable answer is returned
        as is; AlpacaUnavailableError when every attempt failed."""
        attempts = 1 + (self.retries if retries is None else retries)
        failure = ""
        for attempt in range(attempts):
            wait = self.blocked_for()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                resp = await self.send(method, path, params=params, json=json)
            except TRANSPORT_ERRORS as exc:
                failure = type(exc).__name__
            else:
                if resp.status != 429 and resp.status < 500:
                    return resp
                failure = f"HTTP {resp.status}"
            if attempt + 1 < attempts:
                log.warning("%s %s failed (%s); retry %d", method, path, failure, attempt + 1)
                await asyncio.sleep(self.retry_backoff_s * 2**attempt)
        raise AlpacaUnavailableError(f"{method} {path}: {failure} after {attempts} attempts")

    def note_limits(self, status: int, headers: Mapping[str, str]) -> float | None:
        """Record a rate-limit back-off from a 429 or an exhausted budget. ``headers``
        is case-insensitive (aiohttp's) or has lower-case names."""
        if status != 429 and headers.get("x-ratelimit-remaining") != "0":
            return None
        wait = _retry_after(headers.get("retry-after"), self._wall)
        if wait is None:
            wait = _reset_in(headers.get("x-ratelimit-reset"), self._wall)
        if wait is None:
            if status != 429:
                return None
            wait = DEFAULT_RATE_WAIT_S
        wait = min(max(wait, 0.0), MAX_RATE_WAIT_S)
        if status == 429:
            self.rate_limited += 1
            log.warning("rate limited by Alpaca: backing off %.2fs", wait)
        self._blocked_until = max(self._blocked_until, time.monotonic() + wait)
        return wait


def _retry_after(value: str | None, wall: Callable[[], float]) -> float | None:
    """Retry-After: delay seconds or an HTTP date."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - wall()
    except (TypeError, ValueError, IndexError):
        return None


def _reset_in(value: str | None, wall: Callable[[], float]) -> float | None:
    """X-Ratelimit-Reset: the epoch second when the budget refills."""
    if not value:
        return None
    try:
        return float(value) - wall()
    except ValueError:
        return None
