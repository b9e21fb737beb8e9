"""The runtime configuration: one frozen, typed struct per TOML section.

Every struct rejects unknown keys. Validation inside a struct raises
``ValueError("<field>: <message>")`` so the loader can name the full key;
checks that span sections live in :mod:`engine.config.safety`.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import Any
from typing import Literal
from urllib.parse import urlsplit

import msgspec

from engine.config.schedule import ScheduleConfig
from engine.config.secret import SecretStr
from engine.core.risk.limits import RiskLimits
from engine.core.trader import TraderConfig

ALPACA_PAPER_URL = "https://paper-api.alpaca.markets"
ALPACA_LIVE_URL = "https://api.alpaca.markets"
ALPACA_DATA_URL = "wss://stream.data.alpaca.markets"
DEFAULT_STORE_URL = "sqlite+aiosqlite:///var/scalpbot.db"
DEFAULT_LISTEN = "127.0.0.1:9108"
LOOPBACK_NAME = "localhost"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is loopback without asking DNS: an IP literal in 127.0.0.0/8, ``::1``
    (with or without brackets), or exactly the name ``localhost`` (any case).

    The project's one definition (the HTTP server, live-venue checks, the Telegram URLs,
    the simulator). ``foo.localhost``, ``localhost.`` or ``ip6-localhost`` are not: a
    resolver may send them anywhere (glibc asks DNS for them).
    """
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower() == LOOPBACK_NAME:
        return True
    if "%" in host:  # a zone id: not a plain literal
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in _LOOPBACK_V4
    return address == _LOOPBACK_V6


_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.IPv6Address("::1")


def split_listen(listen: str) -> tuple[str, int]:
    """``"127.0.0.1:9108"`` / ``"[::1]:9108"`` -> (host, port); ValueError when malformed."""
    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"must be HOST:PORT with a port 0..65535 (got {listen!r})")
    if ":" in host and not (host.startswith("[") and host.endswith("]")):
        raise ValueError(f"an IPv6 host must be in brackets, e.g. [::1]:9108 (got {listen!r})")
    return host.strip("[]"), int(port)


def _has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return False


class VenueConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Where orders go. ``url`` "" means the embedded simulator (sim) or Alpaca paper."""

    kind: Literal["sim", "alpaca"] = "sim"
    url: str = ""  # trading REST base URL
    data_url: str = ""  # market-data stream base URL; "" = the kind's default
    feed: Literal["iex", "sip", "delayed_sip", "test"] = "iex"
    allow_live: bool = False  # must be true to trade a live (non-paper) account
    timeout_s: float = 5.0  # every REST call to the venue; a submit past it is ambiguous
    stale_after_s: float = 5.0  # a symbol with no quote this long blocks entries
    price_band_pct: float = 5.0  # a tick this far (%) from the symbol's reference is dropped
    price_band_pct_by_symbol: dict[str, float] = msgspec.field(default_factory=dict)
    key_file: str = ""  # a file holding the API key id (else APCA_API_KEY_ID)
    secret_file: str = ""  # a file holding the API secret (else APCA_API_SECRET_KEY)

    def __post_init__(self) -> None:
        for field in ("url", "data_url"):
            value = getattr(self, field)
            if value and "://" not in value:
                raise ValueError(f"{field}: must be an absolute URL (got {value!r})")
            if _has_password(value):
                raise ValueError(f"{field}: must not contain credentials")
        for field in ("timeout_s", "stale_after_s"):
            if not 0 < getattr(self, field) <= 120:
                raise ValueError(f"{field}: must be between 0 and 120 seconds")
        bands = {"": self.price_band_pct, **self.price_band_pct_by_symbol}
        for symbol, pct in bands.items():
            if not 0 < pct <= 50:
                where = f"price_band_pct_by_symbol.{symbol}" if symbol else "price_band_pct"
                raise ValueError(f"{where}: must be above 0 and at most 50 (percent)")

    @property
    def embedded(self) -> bool:
        """True when the runtime should start the simulated venue in-process."""
        return self.kind == "sim" and not self.url


class SimConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The embedded simulated venue. ``key``/``secret`` guard only this synthetic
    venue on loopback, so (unlike real credentials) they may be written here;
    left empty, the runtime makes a random pair for each run."""

    seed: int = 1
    symbols: int | tuple[str, ...] = ()  # () = the simulator's default set; N = N symbols
    quote_rate: float = 0.0  # quotes per second per symbol; 0 = the simulator's default
    faults: dict[str, str] = msgspec.field(default_factory=dict)  # name -> value
    key: SecretStr | None = None
    secret: SecretStr | None = None

    def __post_init__(self) -> None:
        if isinstance(self.symbols, int) and self.symbols < 1:
            raise ValueError("symbols: a count must be at least 1 (or give a list)")
        if isinstance(self.symbols, tuple) and len(set(self.symbols)) != len(self.symbols):
            raise ValueError("symbols: lists a symbol twice")
        if not self.quote_rate >= 0:
            raise ValueError("quote_rate: must not be negative (0 = the simulator's default)")


class StrategyConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The strategy, its symbols and its parameters.

    ``params`` is the strategy's own ``Params`` struct once loaded (a plain
    table before validation); ``symbols`` empty = every symbol the venue offers.
    """

    name: str = "micro_momentum"
    symbols: tuple[str, ...] = ()
    params: Any = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(not s or s != s.strip() for s in self.symbols):
            raise ValueError("symbols: a symbol is empty or has spaces around it")
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("symbols: lists a symbol twice")


class StoreConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The database (an SQLAlchemy async URL; relative SQLite paths from the working dir)."""

    url: str = DEFAULT_STORE_URL
    batch_size: int = 1000
    max_delay_ms: int = 50

    def __post_init__(self) -> None:
        if "://" not in self.url:
            raise ValueError(f"url: must be an SQLAlchemy URL such as {DEFAULT_STORE_URL}")
        if _has_password(self.url):
            raise ValueError("url: must not contain a password; give it in PGPASSWORD or ~/.pgpass")
        if self.batch_size < 1:
            raise ValueError("batch_size: must be at least 1")
        if self.max_delay_ms < 1:
            raise ValueError("max_delay_ms: must be at least 1")


class HttpConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The /metrics, /healthz and /readyz listener."""

    listen: str = DEFAULT_LISTEN
    allow_remote: bool = False  # must be true to listen beyond loopback
    # A file holding the bearer token every request must carry (else SCALPBOT_HTTP_TOKEN;
    # neither: no authentication, warned about beyond loopback).
    token_file: str = ""

    def __post_init__(self) -> None:
        try:
            split_listen(self.listen)
        except ValueError as exc:
            raise ValueError(f"listen: {exc}") from None

    @property
    def host(self) -> str:
        return split_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return split_listen(self.listen)[1]


class LogConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    level: Literal["debug", "info", "warning", "error"] = "info"
    json: bool = False
    status_interval_s: float = 60.0  # a one-line status every N seconds; 0 = off

    def __post_init__(self) -> None:
        if not self.status_interval_s >= 0:
            raise ValueError("status_interval_s: must not be negative (0 = off)")


class ShutdownConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a clean stop does at the venue before the process exits."""

    cancel_orders: bool = True
    flatten: bool = False
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError("timeout_s: must be positive")


class TelegramUser(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: int
    role: Literal["viewer", "trader", "admin"]

    def __post_init__(self) -> None:
        if self.id <= 0:
            raise ValueError(f"id: a Telegram user id is a positive integer (got {self.id})")


class TelegramConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The Telegram interface (the bot plugin): who may use it, and the token file."""

    enabled: bool = False
    allowed_users: tuple[TelegramUser, ...] = ()
    token_file: str = ""  # a file holding the bot token (else TELEGRAM_BOT_TOKEN)
    group_chat_id: int | None = None  # the one group commands are taken from (negative id)

    def __post_init__(self) -> None:
        ids = [u.id for u in self.allowed_users]
        if len(set(ids)) != len(ids):
            raise ValueError("allowed_users: lists a user id twice")
        if self.group_chat_id is not None and self.group_chat_id >= 0:
            raise ValueError("group_chat_id: a group's chat id is negative")


DEFAULT_PLUGINS = ("telegram", "metrics")
PLUGIN_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")  # as entry point names are written


class PluginsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Which ``scalpbot.plugins`` entry points run, and each one's own settings table.

    Only the plugins named in ``enabled`` are imported; an installed package that is
    not named is never loaded. ``settings.<name>`` is plain data handed to that
    plugin only (Telegram's settings are the ``[telegram]`` section).
    """

    enabled: tuple[str, ...] = DEFAULT_PLUGINS
    settings: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.enabled:
            if not PLUGIN_NAME.match(name):
                raise ValueError(f"enabled: {name!r} is not a plugin name")
        if len(set(self.enabled)) != len(self.enabled):
            raise ValueError("enabled: lists a plugin twice")
        for name in self.settings:
            # "plugins.settings.<name> ..." names the full key (see config.errors).
            if name == "telegram":
                raise ValueError("plugins.settings.telegram is not used: set [telegram] instead")
            if name not in self.enabled:
                raise ValueError(
                    f"plugins.settings.{name} is for plugin {name!r}, which is not enabled "
                    "(add it to plugins.enabled)"
                )


class Secrets(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Credentials, read only from the environment or files named in the config."""

    alpaca_key_id: SecretStr | None = None
    alpaca_secret_key: SecretStr | None = None
    telegram_token: SecretStr | None = None
    http_token: SecretStr | None = None  # bearer token for the HTTP endpoints (optional)


def default_risk() -> RiskLimits:
    """Limits on by default, even for the simulator (money in the quote currency)."""
    return RiskLimits(
        max_order_notional=Decimal(10_000),
        max_position_notional=Decimal(25_000),
        max_gross_exposure=Decimal(100_000),
        max_spread_bps=25.0,
        price_collar_bps=100.0,
        max_orders_per_window_symbol=5,
        max_orders_per_window_total=20,
        rate_window_ms=1000,
        max_quote_age_ms=5000,
        duplicate_window_ms=250,
        daily_loss_limit=Decimal(1_000),
        max_drawdown=Decimal(2_000),
    )


class Config(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything ``scalpbot run`` needs; build it with :func:`engine.config.load_config`."""

    venue: VenueConfig = msgspec.field(default_factory=VenueConfig)
    sim: SimConfig = msgspec.field(default_factory=SimConfig)
    strategy: StrategyConfig = msgspec.field(default_factory=StrategyConfig)
    order: TraderConfig = msgspec.field(default_factory=TraderConfig)
    risk: RiskLimits = msgspec.field(default_factory=default_risk)
    store: StoreConfig = msgspec.field(default_factory=StoreConfig)
    http: HttpConfig = msgspec.field(default_factory=HttpConfig)
    log: LogConfig = msgspec.field(default_factory=LogConfig)
    schedule: ScheduleConfig = msgspec.field(default_factory=ScheduleConfig)
    shutdown: ShutdownConfig = msgspec.field(default_factory=ShutdownConfig)
    telegram: TelegramConfig = msgspec.field(default_factory=TelegramConfig)
    plugins: PluginsConfig = msgspec.field(default_factory=PluginsConfig)
    secrets: Secrets = msgspec.field(default_factory=Secrets)


SECTIONS: tuple[str, ...] = tuple(f for f in Config.__struct_fields__ if f != "secrets")
