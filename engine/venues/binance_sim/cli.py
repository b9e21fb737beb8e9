"""``scalpbot sim-venue --protocol binance-usdm``: the simulated Binance USD-M as a process.

:mod:`engine.venues.sim.cli` parses the arguments and finds the HMAC key pair (the
same ``SCALPBOT_SIM_KEY``/``SCALPBOT_SIM_SECRET`` or keys file the Alpaca simulator
uses), then calls :func:`run` here; this module never imports the Alpaca simulator
(the dependency goes one way). :func:`run` prints one startup line naming the URL
and where the key pair is (never the secret), serves until SIGINT or SIGTERM, stops
cleanly and returns the exit code: 0 after a signal, 2 for an unusable capture or a
non-loopback address, 1 if it cannot listen.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass

from engine.config.schema import is_loopback
from engine.replay import DataError
from engine.venues.binance_sim.config import DEFAULT_CAPTURE
from engine.venues.binance_sim.config import BinanceSimConfig
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.server import BinanceSimVenue
from engine.venues.serving import serve_until_signal

PROTOCOL = "binance-usdm"
EXIT_USAGE = 2
PREFIX = "scalpbot sim-venue:"


@dataclass(frozen=True, slots=True)
class BinanceSimRun:
    """What the command line chose: address, HMAC pair, capture, and where the pair came from.

    ``keys_from`` is shown in the startup line (a file path or the variables' names).
    """

    host: str
    port: int
    api_key: str
    secret: str
    keys_from: str
    data_file: str = DEFAULT_CAPTURE


def check_host(host: str) -> None:
    """ValueError (one line) unless ``host`` is loopback: the sim is for tests and demos."""
    if not is_loopback(host):
        raise ValueError(
            f"refusing to listen on {host}: the simulated Binance listens on loopback only"
        )


def build_config(opts: BinanceSimRun) -> BinanceSimConfig:
    """The venue config; ValueError (one line) for a non-loopback address or a bad key."""
    check_host(opts.host)
    return BinanceSimConfig(keys=(SimKey(opts.api_key, opts.secret),), data_file=opts.data_file)


async def serve(
    config: BinanceSimConfig,
    host: str,
    port: int,
    on_ready: Callable[[BinanceSimVenue], None] | None = None,
) -> None:
    """Run the venue until SIGINT or SIGTERM (or cancellation), then stop it cleanly."""
    venue = BinanceSimVenue(config)  # reads the capture: DataError if unusable
    await serve_until_signal(venue, host, port, on_ready)


def run(opts: BinanceSimRun) -> int:
    """Serve until SIGINT/SIGTERM; 2 on a usage or data error, 1 if it cannot listen."""
    try:
        config = build_config(opts)
    except ValueError as exc:
        print(f"{PREFIX} {exc}", file=sys.stderr)
        return EXIT_USAGE

    def ready(venue: BinanceSimVenue) -> None:
        print(
            f"{PREFIX} {PROTOCOL} listening on {venue.url} (HMAC key pair: {opts.keys_from})",
            flush=True,
        )

    try:
        asyncio.run(serve(config, opts.host, opts.port, on_ready=ready))
    except DataError as exc:
        print(f"{PREFIX} {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"{PREFIX} cannot listen on {opts.host}:{opts.port}: {exc.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # before the signal handlers were installed
        return 130
    return 0
