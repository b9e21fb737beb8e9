"""Combinations of settings the bot refuses to start with (fail closed).

Each check takes the whole config and raises :class:`ConfigError` naming the
key to change. ``docs/configuration.md`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from engine.config.errors import ConfigError
from engine.config.schedule import ALL_SYMBOLS
from engine.config.schema import Config, is_loopback
from engine.core.risk import RiskLimits

ALPACA_PAPER_HOST = "paper-api.alpaca.markets"
# Limits a real venue must have on (non-zero): loss, size, staleness, order rate.
REAL_VENUE_LIMITS = (
    "daily_loss_limit",
    "max_order_notional",
    "max_quote_age_ms",
    "max_orders_per_window_total",
)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_live_url(url: str) -> bool:
    """True unless ``url`` is Alpaca paper or a loopback address (a local fake or simulator)."""
    host = _host(url)
    return host != ALPACA_PAPER_HOST and not is_loopback(host)


def _venue_urls(config: Config) -> None:
    venue = config.venue
    if venue.kind == "sim":
        if "alpaca.markets" in _host(venue.url):
            raise ConfigError("venue.url", 'points at Alpaca: set venue.kind = "alpaca"')
        return
    if is_live_url(venue.url) and not venue.allow_live:
        raise ConfigError(
            "venue.url",
            f"{venue.url} is not Alpaca paper trading; set venue.allow_live = true "
            "to trade a live account",
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
    """A live account needs its loss and size limits chosen, not inherited from defaults."""
    if config.venue.kind == "sim" or not is_live_url(config.venue.url):
        return
    for name in ("daily_loss_limit", "max_order_notional"):
        if f"risk.{name}" not in explicit:
            raise ConfigError(
                f"risk.{name}", "must be set explicitly (file or environment) to trade live"
            )
