"""``scalpbot sim-venue``: run the simulated Alpaca venue as its own process.

``--protocol binance-usdm`` runs the simulated Binance USD-M REST instead
(:mod:`engine.venues.binance_sim.cli`): same ``--listen`` (loopback only there),
same key pair (variables or keys file), ``--data`` names its raw capture; the
Alpaca-only flags are refused with it.

Its state (orders, fills, positions, cash, used client order ids) lives as
long as the process, so it outlives bot restarts; with ``--state FILE`` it
also outlives venue restarts. SIGINT or SIGTERM stops it cleanly and saves
the state.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

import msgspec

from engine.config.schema import is_loopback
from engine.replay import DataError
from engine.venues.binance_sim.cli import PROTOCOL as BINANCE_USDM
from engine.venues.binance_sim.cli import BinanceSimRun
from engine.venues.binance_sim.cli import check_host
from engine.venues.binance_sim.cli import run as run_binance
from engine.venues.binance_sim.config import DEFAULT_CAPTURE
from engine.venues.sim.config import DEFAULT_KEY
from engine.venues.sim.config import DEFAULT_SECRET
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.config import synthetic_symbols
from engine.venues.sim.faults import FAULT_HELP
from engine.venues.sim.faults import parse_faults
from engine.venues.sim.keys import KEYS_FILE_ENV
from engine.venues.sim.keys import env_pair
from engine.venues.sim.keys import keys_file
from engine.venues.sim.keys import make_keys
from engine.venues.sim.keys import read_keys
from engine.venues.sim.server import SimVenue
from engine.venues.sim.server import serve
from engine.venues.sim.state import StateError

EXIT_USAGE = 2
DEFAULT_LISTEN = "127.0.0.1:8765"
KEY_ENV = "SCALPBOT_SIM_KEY"
SECRET_ENV = "SCALPBOT_SIM_SECRET"
ALPACA = "alpaca"
# Flags only the Alpaca simulator reads, with their defaults: refused if changed with binance-usdm.
ALPACA_ONLY: tuple[tuple[str, str, object], ...] = (
    ("speed", "--speed", 1.0),
    ("loop", "--loop", False),
    ("seed", "--seed", 1),
    ("symbols", "--symbols", 0),
    ("quote_rate", "--quote-rate", 20.0),
    ("cash", "--cash", "100000"),
    ("max_connections", "--max-connections", 1),
    ("fault", "--fault", []),
    ("state", "--state", None),
)


def add_parser(sub: Any) -> None:
    """Register ``sim-venue`` on the ``scalpbot`` subcommand parsers."""
    faults = "; ".join(f"{name}={text}" for name, text in FAULT_HELP.items())
    p = sub.add_parser(
        "sim-venue",
        help="run the simulated venue (Alpaca's wire protocol on one URL)",
        description="Serve Alpaca trading REST v2, trade_updates and market data stream v2 "
        "on one base URL, filling orders with the paper model against a seeded synthetic "
        "market or a replay of recorded data.",
        epilog=f"Faults: {faults}",
    )
    p.add_argument(
        "--protocol",
        choices=(ALPACA, BINANCE_USDM),
        default=ALPACA,
        help="alpaca (default): Alpaca REST v2 and streams; binance-usdm: the simulated "
        "Binance USD-M REST, orders fill against a static book from the capture (--data)",
    )
    p.add_argument(
        "--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT", help="default %(default)s"
    )
    p.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="FILE",
        help="replay this recorded file instead of the synthetic market (repeat to merge)",
    )
    p.add_argument(
        "--speed", type=float, default=1.0, help="replay speed; 1 = real time, 0 = flat out"
    )
    p.add_argument("--loop", action="store_true", help="start the replay over when it ends")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic market and faults")
    p.add_argument("--symbols", type=int, default=0, metavar="N", help="N synthetic symbols")
    p.add_argument(
        "--quote-rate", type=float, default=20.0, metavar="R", help="quotes/s per symbol"
    )
    p.add_argument("--cash", default="100000", help="starting cash (default %(default)s)")
    p.add_argument("--max-connections", type=int, default=1, help="market data connections")
    p.add_argument(
        "--fault", action="append", default=[], metavar="NAME=VALUE", help="inject a fault"
    )
    p.add_argument("--state", metavar="FILE", help="keep the venue state in this JSON file")
    p.add_argument("--key", help=f"API key id (default ${KEY_ENV})")
    p.add_argument(
        "--secret",
        help=f"deprecated: other users can read it in the process list; set ${SECRET_ENV}",
    )
    p.add_argument(
        "--keys-file",
        metavar="FILE",
        help=f"with ${KEY_ENV}/${SECRET_ENV} unset, the key pair is kept in FILE (made "
        f"0600 with a random pair if missing; default ${KEYS_FILE_ENV} or var/sim-venue.keys)",
    )
    p.set_defaults(func=main)


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) -> (host, port)."""
    host, sep, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) < 65536:
        raise ValueError(f"--listen expects HOST:PORT (got {text!r})")
    return host, int(port_text)


def build_config(args: argparse.Namespace) -> tuple[SimVenueConfig, str, int]:
    """The venue config and the address from parsed arguments; ValueError names the problem."""
    host, port = parse_listen(args.listen)
    env_key, env_secret = env_pair(os.environ)  # or the alias SCALPBOT__SIM__KEY/SECRET
    key = args.key or env_key or None
    secret = args.secret or env_secret or None
    _check_pair(args, key, secret)
    if not is_loopback(host) and (key == DEFAULT_KEY or secret == DEFAULT_SECRET):
        raise ValueError(f"refusing to listen on {host} with the default key or secret")
    try:
        cash = Decimal(args.cash)
    except InvalidOperation:
        raise ValueError(f"--cash expects a number (got {args.cash!r})") from None
    extra: dict[str, Any] = {}
    if args.symbols:
        extra["symbols"] = synthetic_symbols(args.symbols)
    config = SimVenueConfig(
        key=key or DEFAULT_KEY,  # replaced below when neither is given
        secret=secret or DEFAULT_SECRET,
        seed=args.seed,
        quote_rate=args.quote_rate,
        data_files=tuple(args.data),
        speed=args.speed,
        replay_loop=args.loop,
        starting_cash=cash,
        state_file=args.state,
        max_data_connections=args.max_connections,
        faults=parse_faults(args.fault),
        **extra,
    )
    if key is None or secret is None:
        key, secret, path, made = _stored_pair(args)
        print(
            f"scalpbot sim-venue: API key pair {'made in' if made else 'read from'} {path} "
            f"(0600); `scalpbot run --venue-url URL` run from this directory reads it (or "
            f"set {KEY_ENV}/{SECRET_ENV}, or {KEYS_FILE_ENV}, for both)",
            flush=True,
        )
        config = msgspec.structs.replace(config, key=key, secret=secret)
    return config, host, port


def _check_pair(args: argparse.Namespace, key: str | None, secret: str | None) -> None:
    """Warn about ``--secret``; ValueError unless both or neither of the pair are given."""
    if args.secret:
        print(
            "scalpbot sim-venue: WARNING: --secret is deprecated: other users can read it "
            f"in the process list (/proc/PID/cmdline); set {SECRET_ENV} in the environment "
            "or leave both unset for a private random pair",
            file=sys.stderr,
            flush=True,
        )
    if (key is None) != (secret is None):
        raise ValueError(f"set both {KEY_ENV} and {SECRET_ENV}, or neither (a random pair)")


def _stored_pair(args: argparse.Namespace) -> tuple[str, str, str, bool]:
    """(key, secret, path, made) from the keys file, made with a random pair if missing."""
    path = keys_file(os.environ, args.keys_file)
    try:
        pair = read_keys(path)
        made = pair is None
        key, secret = make_keys(path) if pair is None else pair
    except OSError as exc:
        raise ValueError(f"cannot keep the key pair in {path}: {exc.strerror}") from None
    return key, secret, path, made


def build_binance_run(args: argparse.Namespace) -> BinanceSimRun:
    """``--protocol binance-usdm``'s choices; ValueError (one line) names the problem."""
    host, port = parse_listen(args.listen)
    check_host(host)
    for attr, flag, default in ALPACA_ONLY:
        if getattr(args, attr) != default:
            raise ValueError(f"{flag} is for --protocol alpaca only")
    if len(args.data) > 1:
        raise ValueError("--protocol binance-usdm reads one --data capture")
    env_key, env_secret = env_pair(os.environ)
    key = args.key or env_key or None
    secret = args.secret or env_secret or None
    _check_pair(args, key, secret)
    if key is None or secret is None:
        key, secret, path, made = _stored_pair(args)
        where = f"{'made in' if made else 'read from'} {path} (0600)"
    else:
        given = args.key or args.secret
        where = "from the command line" if given else f"from {KEY_ENV}/{SECRET_ENV}"
    data_file = args.data[0] if args.data else DEFAULT_CAPTURE
    return BinanceSimRun(host, port, key, secret, where, data_file)


def main(args: argparse.Namespace) -> int:
    """Run the venue until SIGINT/SIGTERM; 2 on a usage error, 1 if it cannot listen."""
    if args.protocol == BINANCE_USDM:
        try:
            opts = build_binance_run(args)
        except ValueError as exc:
            print(f"scalpbot sim-venue: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return run_binance(opts)
    try:
        config, host, port = build_config(args)
    except ValueError as exc:
        print(f"scalpbot sim-venue: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def ready(venue: SimVenue) -> None:
        print(f"scalpbot sim-venue: listening on {venue.url}", flush=True)

    try:
        asyncio.run(serve(config, host, port, on_ready=ready))
    except (DataError, StateError) as exc:
        print(f"scalpbot sim-venue: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(
            f"scalpbot sim-venue: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:  # before the signal handlers were installed
        return 130
    return 0
