"""The ``scalpbot`` command line."""

from __future__ import annotations

import argparse
import sys

from engine import __version__
from engine.backtest import cli as backtest
from engine.config import cli as check_config
from engine.runtime import cli as run
from engine.venues.sim import cli as sim_venue


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scalpbot", description="An asynchronous scalping bot.")
    parser.add_argument("--version", action="version", version=f"scalpbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    backtest.add_parser(sub)
    check_config.add_parser(sub)
    run.add_parser(sub)
    sim_venue.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
