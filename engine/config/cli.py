"""``scalpbot check-config FILE``: load a config as ``run`` would, and say so in one line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import TextIO

from engine.config.errors import ConfigError
from engine.config.load import config_hash
from engine.config.load import load_config
from engine.config.safety import is_live_venue
from engine.config.schema import Config

EXIT_OK = 0
EXIT_CONFIG = 2


def describe(config: Config) -> str:
    """A one-line summary (no secrets) for logs and ``check-config``."""
    venue = config.venue
    where = "embedded" if venue.embedded else venue.url
    live = " LIVE" if is_live_venue(venue) else ""
    symbols = ",".join(config.strategy.symbols) or "all offered"
    sessions = ",".join(s.name for s in config.schedule.sessions) or "none (always on)"
    return (
        f"venue={venue.kind}{live} ({where}) strategy={config.strategy.name} "
        f"symbols={symbols} sessions={sessions} tz={config.schedule.timezone} "
        f"daily_loss_limit={config.risk.daily_loss_limit} "
        f"telegram={'on' if config.telegram.enabled else 'off'} "
        f"http={config.http.listen} hash={config_hash(config)[:12]}"
    )


def check_config(
    path: Path | str | None,
    env: Mapping[str, str] | None = None,
    *,
    require_secrets: bool = True,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print ``config OK: <summary>`` (exit 0) or the one-line error (exit 2)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        config = load_config(
            path, os.environ if env is None else env, require_secrets=require_secrets
        )
    except ConfigError as exc:
        where = f" in {path}" if path is not None else ""
        print(f"config error{where}: {exc}", file=err)
        return EXIT_CONFIG
    print(f"config OK: {describe(config)}", file=out)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Register ``check-config`` on the ``scalpbot`` sub-command parser."""
    p = sub.add_parser(
        "check-config",
        help="validate a configuration file (and the environment) without starting",
        description="Load FILE with the SCALPBOT__* environment overrides exactly as "
        "'scalpbot run' would, and print 'config OK: ...' or the one-line error "
        "(exit status 0 or 2). Without FILE the built-in defaults are checked.",
    )
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the TOML config file")
    p.add_argument(
        "--no-secrets",
        action="store_true",
        help="do not require the credentials to be present (e.g. in CI)",
    )
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    return check_config(args.file, require_secrets=not args.no_secrets)
