"""Where Alpaca lives and who we are: URLs, credentials, and the reconnect backoff.

Real paper trading is ``AlpacaUrls.paper()`` plus ``credentials_from_env()``; the
embedded simulated venue is ``AlpacaUrls.from_venue_url("http://127.0.0.1:P")``.
Secrets never appear in a repr, a log line or an exception message.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping

import msgspec

from engine.venues.alpaca.protocol import Encoding

KEY_ENV = "APCA_API_KEY_ID"
SECRET_ENV = "APCA_API_SECRET_KEY"
PAPER_REST = "https://paper-api.alpaca.markets"
DATA_STREAM = "wss://stream.data.alpaca.markets"
FEEDS = ("iex", "sip", "test", "delayed_sip")


VENUE_IDS_KEPT = 10_000
"""How many venue order ids :class:`AlpacaExecution` keeps (the newest)."""


class ExecutionConfig(msgspec.Struct, frozen=True):
    """What :class:`~engine.venues.alpaca.execution.AlpacaExecution` is built from
    (plain data; the objects it is lent, a session, an rng and a clock, are arguments
    of its own). ``repr`` shows neither key."""

    base_url: str  # REST base; ``/v2/...`` is appended
    key: str
    secret: str
    timeout_s: float = 5.0  # every REST call; a submit past it is ambiguous
    query_retries: int = 2  # queries, listings, cancels: retries on 5xx/429/timeouts
    retry_backoff_s: float = 0.25
    stream_url: str | None = None  # trade_updates; None = ``{base_url}/stream`` as ws(s)
    heartbeat_s: float = 15.0  # trade_updates ping interval
    handshake_timeout_s: float = 10.0  # trade_updates: connect, authorize, listen
    backoff_initial_s: float = 0.5  # trade_updates reconnect backoff
    backoff_max_s: float = 30.0
    encoding: Encoding = "json"  # trade_updates frames
    recovery_margin_s: float = 5.0  # orders listed back from before the last update seen
    order_connections: int = 2  # kept-alive connections of the order path
    venue_ids_kept: float = VENUE_IDS_KEPT  # inf = keep every venue order id

    def __repr__(self) -> str:
        return _masked_repr(self)

    __str__ = __repr__


class DataConfig(msgspec.Struct, frozen=True):
    """What :class:`~engine.venues.alpaca.data.AlpacaMarketData` is built from (plain
    data; the objects it is lent, the instruments, an rng, a clock and a session, are
    arguments of its own). ``repr`` shows neither key."""

    url: str  # the stream, or a server root to which ``/v2/{feed}`` is appended
    key: str
    secret: str
    feed: str = "iex"
    stale_after_s: float = 5.0  # a symbol without an accepted quote this long is STALE
    heartbeat_s: float = 10.0  # ping interval
    backoff_initial_s: float = 0.5  # reconnect backoff
    backoff_max_s: float = 30.0
    encoding: Encoding = "json"  # JSON text frames or msgpack binary frames
    handshake_timeout_s: float = 10.0  # connect, authenticate, subscribe

    def __repr__(self) -> str:
        return _masked_repr(self)

    __str__ = __repr__


def _masked_repr(config: msgspec.Struct) -> str:
    fields = []
    for name in config.__struct_fields__:
        value = "**********" if name in ("key", "secret") else getattr(config, name)
        fields.append(f"{name}={value!r}")
    return f"{type(config).__name__}({', '.join(fields)})"


class AlpacaUrls(msgspec.Struct, frozen=True):
    """REST base (``.../v2/...`` is appended), the data stream, and trade_updates."""

    rest: str
    data: str
    updates: str

    @classmethod
    def paper(cls, feed: str = "iex") -> AlpacaUrls:
        """Alpaca paper trading, with market data from ``feed`` (iex on the free plan)."""
        return cls(PAPER_REST, f"{DATA_STREAM}/v2/{_feed(feed)}", updates_url(PAPER_REST))

    @classmethod
    def from_venue_url(cls, url: str, feed: str = "iex") -> AlpacaUrls:
        """Everything on one server (the simulated venue): REST ``{url}/v2/...``,
        trade_updates ``ws(s)://.../stream``, market data ``ws(s)://.../v2/{feed}``."""
        base = url.rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"venue url must be http(s)://host:port, got {url!r}")
        return cls(base, f"{_ws(base)}/v2/{_feed(feed)}", updates_url(base))


def _feed(feed: str) -> str:
    if feed not in FEEDS:
        raise ValueError(f"unknown Alpaca feed {feed!r}; expected one of {', '.join(FEEDS)}")
    return feed


def _ws(http_url: str) -> str:
    if http_url.startswith("https://"):
        return "wss://" + http_url[len("https://") :]
    if http_url.startswith("http://"):
        return "ws://" + http_url[len("http://") :]
    raise ValueError(f"not an http(s) url: {http_url!r}")


def updates_url(rest_base: str) -> str:
    """The trade_updates websocket for a REST base: http->ws, https->wss, path /stream."""
    return _ws(rest_base.rstrip("/")) + "/stream"


class Credentials:
    """An API key pair. The secret is kept out of repr and str."""

    __slots__ = ("key_id", "secret")

    def __init__(self, key_id: str, secret: str) -> None:
        if not key_id or not secret:
            raise ValueError("Alpaca credentials need a key id and a secret")
        self.key_id = key_id
        self.secret = secret

    def __repr__(self) -> str:
        return "Credentials(key_id=<hidden>, secret=<hidden>)"

    __str__ = __repr__


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """Credentials from ``APCA_API_KEY_ID`` and ``APCA_API_SECRET_KEY``.

    Raises a ValueError naming the missing or empty variable (never a value).
    """
    env = os.environ if environ is None else environ
    missing = [name for name in (KEY_ENV, SECRET_ENV) if not env.get(name, "").strip()]
    if missing:
        raise ValueError(
            f"Alpaca credentials: environment variable {' and '.join(missing)} "
            "is not set (or empty)"
        )
    return Credentials(env[KEY_ENV].strip(), env[SECRET_ENV].strip())


def auth_headers(key_id: str, secret: str) -> dict[str, str]:
    return {"APCA-API-KEY-ID": key_id, "APCA-API-SECRET-KEY": secret}


HEALTHY_CONNECTION_S = 1.0
"""A connection that stayed up this long (handshake done) resets the backoff, so a
venue that drops streams every few seconds is rejoined at once, not after minutes."""


class Backoff:
    """Exponential backoff with full jitter: attempt n waits U(0, min(max, initial*2^n)).

    ``reset()`` after a connection proved stable; ``penalty()`` is the long wait
    after the venue refused a connection outright (e.g. connection limit).
    """

    __slots__ = ("attempt", "initial", "maximum", "rng")

    def __init__(self, initial: float, maximum: float, rng: random.Random) -> None:
        if not 0 < initial <= maximum:
            raise ValueError("backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        self.rng = rng
        self.attempt = 0

    def next(self) -> float:
        cap = min(self.maximum, self.initial * 2.0 ** min(self.attempt, 60))
        self.attempt += 1
        return self.rng.uniform(0.0, cap)

    def penalty(self) -> float:
        """Between half and all of the maximum: for 'too many connections'."""
        self.attempt += 1
        return self.maximum * (0.5 + 0.5 * self.rng.random())

    def reset(self) -> None:
        self.attempt = 0
