"""``scalpbot run``: the live runtime on the embedded simulated venue or on Alpaca."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from secrets import token_hex
from secrets import token_urlsafe
from typing import Any

import msgspec

from engine.config import ConfigError
from engine.config import config_hash
from engine.config import describe
from engine.config import load_config
from engine.config.schema import Config
from engine.runtime.logs import setup_logging
from engine.runtime.options import HttpOptions
from engine.runtime.options import LogOptions
from engine.runtime.options import PluginOptions
from engine.runtime.options import RuntimeOptions
from engine.runtime.options import ShutdownOptions
from engine.runtime.options import StoreOptions
from engine.runtime.options import TimingOptions
from engine.runtime.options import TradingOptions
from engine.runtime.sanity import GateConfig
from engine.venues.base import VenueSpec
from engine.venues.registry import check_venue_kind
from engine.venues.sim import DEFAULT_SYMBOLS
from engine.venues.sim import SimVenueConfig
from engine.venues.sim import parse_faults
from engine.venues.sim import synthetic_symbols
from engine.venues.sim.keys import client_keys


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="trade live (the embedded simulated venue by default)",
        description="Run the bot. With no config it starts the simulated venue in-process on "
        "a free loopback port and trades it through the Alpaca adapter.",
    )
    p.add_argument("--config", type=Path, metavar="FILE", help="a TOML config file")
    p.add_argument(
        "--venue-url",
        metavar="URL",
        help="base URL of an Alpaca-compatible venue (REST, data stream, trade_updates)",
    )
    p.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the store")
    p.add_argument("--http", metavar="HOST:PORT", help="where /healthz, /readyz, /status listen")
    p.set_defaults(func=main)


def venue_spec(config: Config) -> VenueSpec:
    """The venue's frozen config: a real venue's keys from the secrets, else the simulator's."""
    venue, secrets = config.venue, config.secrets
    if venue.kind == "alpaca":
        assert secrets.alpaca_key_id is not None and secrets.alpaca_secret_key is not None
        key = secrets.alpaca_key_id.get_secret_value()
        secret = secrets.alpaca_secret_key.get_secret_value()
        sim = None
    else:
        sim = sim_config(config)
        key, secret = sim.key, sim.secret
    return VenueSpec(
        kind=venue.kind,
        url=venue.url or None,
        data_url=venue.data_url or None,
        feed=venue.feed,
        key=key,
        secret=secret,
        timeout_s=venue.timeout_s,
        stale_after_s=venue.stale_after_s,
        sim=sim,
    )


def options_from_config(config: Config) -> RuntimeOptions:
    """The runtime's options from a validated config."""
    venue, secrets = config.venue, config.secrets
    host, _, port = config.http.listen.rpartition(":")
    return RuntimeOptions(
        venue=venue_spec(config),
        trading=TradingOptions(
            strategy=config.strategy.name,
            strategy_params=config.strategy.params,
            symbols=tuple(config.strategy.symbols),
            order=config.order,
            risk=config.risk,
        ),
        gate=GateConfig(
            band_pct=venue.price_band_pct,
            band_pct_by_symbol={k.upper(): v for k, v in venue.price_band_pct_by_symbol.items()},
            max_age_s=venue.stale_after_s,
        ),
        store=StoreOptions(
            url=config.store.url,
            batch_size=config.store.batch_size,
            max_delay_s=config.store.max_delay_ms / 1000,
        ),
        http=HttpOptions(
            host=host or "127.0.0.1",
            port=int(port) if port else None,
            token=secrets.http_token,
        ),
        log=LogOptions(level=config.log.level, json=config.log.json),
        timing=TimingOptions(
            status_interval_s=config.log.status_interval_s or 3600.0,
            reconcile_interval_s=config.schedule.reconcile_interval_s,
            equity_snapshot_s=config.schedule.equity_snapshot_s,
        ),
        schedule=config.schedule,  # the trading day's zone; APScheduler only if sessions/digest
        shutdown=ShutdownOptions(
            cancel_orders=config.shutdown.cancel_orders,
            flatten=config.shutdown.flatten,
            timeout_s=config.shutdown.timeout_s,
        ),
        plugins=PluginOptions(
            enabled=config.plugins.enabled,
            settings=plugin_settings(config),
            secrets=plugin_secrets(config),
        ),
        config_hash=config_hash(config),
    )


def plugin_settings(config: Config) -> dict[str, Any]:
    """Each enabled plugin's own settings, by plugin name (plain data, no secret)."""
    own: dict[str, Any] = {name: {} for name in config.plugins.enabled}
    own.update({name: dict(table) for name, table in config.plugins.settings.items()})
    if "telegram" in own:
        own["telegram"] = msgspec.to_builtins(config.telegram)
    return own


def plugin_secrets(config: Config) -> dict[str, dict[str, str]]:
    """Each enabled plugin's own secrets, by plugin name: the bot token for Telegram
    only; no plugin ever gets the venue keys."""
    token = config.secrets.telegram_token
    if token is None or "telegram" not in config.plugins.enabled:
        return {}
    return {"telegram": {"telegram_token": token.get_secret_value()}}


def sim_config(config: Config) -> SimVenueConfig:
    """The embedded simulated venue's config from the ``[sim]`` section."""
    s = config.sim
    if isinstance(s.symbols, int):
        symbols = synthetic_symbols(s.symbols)
    elif s.symbols:
        by_name = {spec.symbol: spec for spec in synthetic_symbols(max(len(s.symbols), 50))}
        symbols = tuple(by_name[name] for name in s.symbols)
    else:
        symbols = DEFAULT_SYMBOLS
    base = SimVenueConfig()
    changes: dict[str, Any] = {"seed": s.seed, "symbols": symbols}
    if s.quote_rate:
        changes["quote_rate"] = s.quote_rate
    if s.faults:
        changes["faults"] = parse_faults([f"{k}={v}" for k, v in s.faults.items()])
    url = config.store.url
    if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
        # The embedded venue keeps its orders and positions beside the bot's store,
        # so both outlive a restart together.
        changes["state_file"] = str(Path(url.split(":///", 1)[1]).parent / "sim-venue.json")
    if s.key is not None and s.secret is not None:
        changes["key"] = s.key.get_secret_value()
        changes["secret"] = s.secret.get_secret_value()
    elif config.venue.embedded:  # unset: a random pair for this run, known to no one else
        changes["key"] = "SIM" + token_hex(8).upper()
        changes["secret"] = token_urlsafe(30)
    else:  # a sim venue by URL: the pair `scalpbot sim-venue` was given or made
        pair = client_keys(os.environ)
        if pair is not None:
            changes["key"], changes["secret"] = pair
    return msgspec.structs.replace(base, **changes)


def main(args: argparse.Namespace) -> int:
    try:
        # The flags go through the same checks as the file and the environment.
        config = load_config(
            args.config, venue_url=args.venue_url, db_url=args.db, http_listen=args.http
        )
        options = options_from_config(config)
        check_venue_kind(options.venue.kind)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"scalpbot run: {exc}", file=sys.stderr)
        return 2
    venue = options.venue
    secrets = [venue.key, venue.secret] if venue.kind == "alpaca" else []
    secrets += [s for own in options.plugins.secrets.values() for s in own.values()]
    setup_logging(options.log.level, options.log.json, secrets)
    logging.getLogger("scalpbot").info("config: %s", describe(config))
    from engine.runtime.app import Runtime  # noqa: PLC0415 (lazy: sqlalchemy, aiohttp web; --help stays fast)

    runner = _runner()
    return int(runner(Runtime(options).run()))


def _runner() -> Any:
    """uvloop when it is installed, else the default loop."""
    try:
        import uvloop  # noqa: PLC0415 (optional dependency)

        return uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        return asyncio.run
