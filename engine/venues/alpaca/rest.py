"""HTTP to Alpaca's trading REST v2: headers, timeouts, the rate-limit gate, retries.

Two ways to call: :meth:`Rest.send` makes exactly one attempt (for submits,
which are never retried), :meth:`Rest.call` waits out a rate-limit back-off and
retries 5xx, 429, timeouts and connection errors a few times (for reads,
cancels). A 429, or a response with ``X-Ratelimit-Remaining: 0``, sets the
back-off from ``Retry-After`` (seconds) or ``X-Ratelimit-Reset`` (epoch seconds).

Redirects are never followed (every request carries the key pair, and aiohttp
keeps custom headers such as ``APCA-API-SECRET-KEY`` across origins): a 301, 302,
303, 307 or 308 raises :class:`AlpacaRedirectError`, not retried. Every aiohttp
session the adapter uses comes from :func:`client_session`, whose middleware
refuses a redirect on any request, websocket upgrades included.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

import aiohttp
import msgspec
from yarl import URL

from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.config import auth_headers
from engine.venues.alpaca.errors import AlpacaRedirectError
from engine.venues.alpaca.errors import AlpacaUnavailableError
from engine.venues.alpaca.protocol import ErrorBody

log = logging.getLogger("scalpbot.venues.alpaca.rest")

DEFAULT_RATE_WAIT_S = 3.0  # a 429 without a usable header (alpaca-py waits 3 s)
MAX_RATE_WAIT_S = 60.0
TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
_ERROR_BODY = msgspec.json.Decoder(ErrorBody)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def redirect_error(
    method: str, url: URL | str, status: int, location: str | None
) -> AlpacaRedirectError:
    """The error for a redirect answer: where from, where to (origins only: no path,
    query or user info, so nothing a URL might carry), and what to check."""
    here = URL(str(url))
    origin = _origin(here)
    target = "nowhere (no Location)"
    kind = ""
    if location:
        there = here.join(URL(location)) if not URL(location).is_absolute() else URL(location)
        target = _origin(there)
        if here.scheme in ("https", "wss") and there.scheme in ("http", "ws"):
            kind = ", an https -> http downgrade"
        elif target != origin:
            kind = ", another origin"
        else:
            kind = ", the same origin"
    return AlpacaRedirectError(
        f"{method} {origin}{here.path} answered HTTP {status}, a redirect to {target}{kind}: "
        "refused, redirects are never followed because every request carries the API keys; "
        "check the venue URL"
    )


def _origin(url: URL) -> str:
    try:
        return str(url.origin())
    except ValueError:
        return "an unreadable URL"


async def _refuse_redirects(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """Client middleware: runs on every hop, so a redirect is stopped before aiohttp
    would follow it (websocket upgrades have no ``allow_redirects`` option)."""
    resp = await handler(request)
    if resp.status in REDIRECTS:
        location = resp.headers.get("Location")
        resp.close()
        raise redirect_error(request.method, request.url, resp.status, location)
    return resp


def client_session(like: aiohttp.ClientSession | None = None) -> aiohttp.ClientSession:
    """A session that refuses redirects. With ``like``, it shares that session's
    connector (its TLS settings and pool; the connector stays ``like``'s to close)."""
    if like is None:
        return aiohttp.ClientSession(middlewares=(_refuse_redirects,))
    return aiohttp.ClientSession(
        connector=like.connector, connector_owner=False, middlewares=(_refuse_redirects,)
    )


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
    """One base URL, one key pair, one session (from :func:`client_session`; a session
    passed in lends only its connector, which stays the caller's to close)."""

    def __init__(
        self,
        config: ExecutionConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        """Base URL, keys, ``timeout_s``, ``query_retries`` and ``retry_backoff_s``
        come from ``config``; ``session`` and ``wall`` are lent."""
        self.base = config.base_url.rstrip("/")
        self._headers = auth_headers(config.key, config.secret)
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_s)
        self._lender = session
        self._session: aiohttp.ClientSession | None = None
        self.retries = config.query_retries
        self.retry_backoff_s = config.retry_backoff_s
        self._wall = wall
        self._blocked_until = 0.0  # monotonic
        self.requests = 0
        self.rate_limited = 0

    def __repr__(self) -> str:
        return f"Rest(base={self.base!r})"

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = client_session(self._lender)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
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
        """One attempt. Raises aiohttp.ClientError, TimeoutError or OSError, and
        AlpacaRedirectError for a redirect (never followed)."""
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
            allow_redirects=False,
        ) as resp:
            if resp.status in REDIRECTS:
                raise redirect_error(method, resp.url, resp.status, resp.headers.get("Location"))
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
