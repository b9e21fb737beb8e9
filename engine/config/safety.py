"""Combinations of settings the bot refuses to start with (fail closed).

Each check takes the whole config and raises :class:`ConfigError` naming the
key to change. ``docs/configuration.md`` lists them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Collection
from decimal import Decimal
from urllib.parse import urlsplit

from engine.config.errors import ConfigError
from engine.config.schedule import ALL_SYMBOLS
from engine.config.schema import Config
from engine.config.schema import VenueConfig
from engine.config.schema import is_loopback
from engine.core.risk import RiskLimits

ALPACA_PAPER_HOST = "paper-api.alpaca.markets"
ALPACA_DATA_HOST = "stream.data.alpaca.markets"  # market data, paper and live alike
# Limits a real venue must have on (non-zero): loss, size, staleness, order rate.
REAL_VENUE_LIMITS = (
    "daily_loss_limit",
    "max_order_notional",
    "max_quote_age_ms",
    "max_orders_per_window_total",
)
# A non-zero limit's size, however it arrives (file, environment, chat, the store): its
# leading digit from 10**-9 (nanos) up to 10**15.
EXPONENTS = (-9, 15)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_live_url(url: str) -> bool:
    """True unless ``url``'s host is Alpaca paper trading. A loopback address counts as
    live too: with ``venue.kind = "alpaca"`` it may be a proxy to a live account, and the
    real keys are sent to it (the simulator is ``venue.kind = "sim"``)."""
    return _host(url) != ALPACA_PAPER_HOST


def is_live_venue(venue: VenueConfig) -> bool:
    """Whether real credentials go anywhere but Alpaca paper trading: ``kind = "alpaca"``
    with a REST URL that is not Alpaca paper's or a market-data URL that is not Alpaca's
    (loopback included). A ``sim`` venue never is (only simulator keys are sent to it)."""
    if venue.kind == "sim":
        return False
    return is_live_url(venue.url) or _host(venue.data_url) != ALPACA_DATA_HOST


def magnitude_problem(value: object) -> str | None:
    """Why a non-zero limit's size is out of range (one line), or None."""
    if isinstance(value, bool) or not value:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None  # the limit's own validation says why
        ok = EXPONENTS[0] <= value.adjusted() <= EXPONENTS[1]
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        ok = 10.0 ** EXPONENTS[0] <= abs(value) < 10.0 ** (EXPONENTS[1] + 1)
    else:
        return None
    return None if ok else "is out of range (0, or from 1e-9 up to below 1e16)"


def _venue_urls(config: Config) -> None:
    venue = config.venue
    if venue.kind == "sim":
        for key in ("url", "data_url"):
            if "alpaca.markets" in _host(getattr(venue, key)):
                raise ConfigError(f"venue.{key}", 'points at Alpaca: set venue.kind = "alpaca"')
        for key, secure in (("url", "https"), ("data_url", "wss")):  # the sim keys travel
            url = getattr(venue, key)
            if url and urlsplit(url).scheme != secure and not is_loopback(_host(url)):
                raise ConfigError(
                    f"venue.{key}",
                    f"must use {secure}:// for a remote simulated venue (keys would travel "
                    "in clear); it is also checked to be the simulator when the bot starts",
                )
        return
    if is_live_url(venue.url) and not venue.allow_live:
        raise ConfigError(
            "venue.url",
            f"{venue.url} is not Alpaca paper trading (the keys would be sent to it; a "
            "loopback proxy counts too); set venue.allow_live = true to trade a live account",
        )
    if _host(venue.data_url) != ALPACA_DATA_HOST and not venue.allow_live:
        raise ConfigError(
            "venue.data_url",
            f"{venue.data_url} is not Alpaca's market data ({ALPACA_DATA_HOST}) and the keys "
            "would be sent to it; set venue.allow_live = true to use it",
        )
    for key, url, secure in (("url", venue.url, "https"), ("data_url", venue.data_url, "wss")):
        if urlsplit(url).scheme != secure and not is_loopback(_host(url)):
            raise ConfigError(
                f"venue.{key}",
                f"must use {secure}:// for a remote host (keys would travel in clear)",
            )


def check_risk(risk: RiskLimits, venue_kind: str) -> None:
    """The checks on the risk limits alone. The configuration runs them at load, and
    :mod:`engine.config.limits` on every limit changed from chat or restored at start."""
    for name in RiskLimits.__struct_fields__:
        problem = magnitude_problem(getattr(risk, name))
        if problem is not None:
            raise ConfigError(f"risk.{name}", problem)
    if venue_kind == "sim":
        return
    for name in REAL_VENUE_LIMITS:
        if not getattr(risk, name):
            raise ConfigError(
                f"risk.{name}",
                f"must be set (non-zero) for venue.kind = {venue_kind!r}",
            )


def _real_venue_limits(config: Config) -> None:
    check_risk(config.risk, config.venue.kind)


def _telegram(config: Config) -> None:
    if config.telegram.enabled and not config.telegram.allowed_users:
        raise ConfigError(
            "telegram.allowed_users",
            "is empty while telegram.enabled = true: nobody could be "
            "authorised, so the bot refuses to start (list users in the file or in "
            'TELEGRAM_ALLOWED_USERS="id:role,...")',
        )


def _shutdown(config: Config) -> None:
    if config.shutdown.flatten and not config.shutdown.cancel_orders:
        raise ConfigError(
            "shutdown.cancel_orders",
            "must be true when shutdown.flatten = true (a working order could fill after the "
            "flatten and leave a position)",
        )


def _http(config: Config) -> None:
    if not is_loopback(config.http.host) and not config.http.allow_remote:
        raise ConfigError(
            "http.listen",
            f"{config.http.listen} is not a loopback address; set http.allow_remote = true "
            "to expose the endpoints beyond this host",
        )


def _symbols(config: Config) -> None:
    traded = config.strategy.symbols
    sim_symbols = config.sim.symbols
    if config.venue.embedded and isinstance(sim_symbols, tuple) and sim_symbols:
        _subset("strategy.symbols", traded, sim_symbols, "not offered by sim.symbols")
    if not traded:
        return
    for i, session in enumerate(config.schedule.sessions):
        if session.symbols != (ALL_SYMBOLS,):
            key = f"schedule.sessions[{i}].symbols"
            _subset(key, session.symbols, traded, "not in strategy.symbols")


def _subset(key: str, items: Collection[str], allowed: Collection[str], why: str) -> None:
    extra = [s for s in items if s not in allowed]
    if extra:
        raise ConfigError(key, f"{', '.join(extra)} {why}")


CHECKS: tuple[Callable[[Config], None], ...] = (
    _venue_urls,
    _real_venue_limits,
    _telegram,
    _shutdown,
    _http,
    _symbols,
)


def check_safety(config: Config) -> None:
    """Raise ConfigError for the first unsafe combination in ``config``."""
    for check in CHECKS:
        check(config)


def check_live_explicit(config: Config, explicit: Collection[str]) -> None:
    """A live venue (:func:`is_live_venue`) needs its loss and size limits chosen, not
    inherited from defaults."""
    if not is_live_venue(config.venue):
        return
    for name in ("daily_loss_limit", "max_order_notional"):
        if f"risk.{name}" not in explicit:
            raise ConfigError(
                f"risk.{name}", "must be set explicitly (file or environment) to trade live"
            )
