"""The simulated venue on a free loopback port, for tests that talk to it over sockets.

``started_sim`` is the one way to run one (an async context manager that stops it);
``sim_config`` spells the usual changes (seed, quote rate, state file in ``tmp_path``);
``sim_starter`` backs fixtures that start several venues and stop them all afterwards;
``inject_quote`` puts a quote into a venue whose market a test drives by hand.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from engine.model import Quote
from engine.model import Symbol
from engine.venues.sim import SimVenue
from engine.venues.sim import SimVenueConfig

HOST = "127.0.0.1"
StartVenue = Callable[..., Awaitable[SimVenue]]


def sim_config(tmp_path: Path | None = None, **changes: Any) -> SimVenueConfig:
    """The default venue config with ``changes``; its state file in ``tmp_path`` if given."""
    if tmp_path is not None:
        changes["state_file"] = str(tmp_path / "venue.json")
    return msgspec.structs.replace(SimVenueConfig(), **changes)


@contextlib.asynccontextmanager
async def running_sim(config: SimVenueConfig, host: str = HOST) -> AsyncIterator[SimVenue]:
    """``config``'s venue listening on ``host`` (port 0: a free one), stopped on exit."""
    sim = SimVenue(config)
    await sim.start(host, 0)
    try:
        yield sim
    finally:
        await sim.stop()


def started_sim(
    tmp_path: Path | None, seed: int, quote_rate: float
) -> contextlib.AbstractAsyncContextManager[SimVenue]:
    """A venue with ``seed`` and ``quote_rate``, its state kept in ``tmp_path``."""
    return running_sim(sim_config(tmp_path, seed=seed, quote_rate=quote_rate))


@contextlib.asynccontextmanager
async def sim_starter() -> AsyncIterator[StartVenue]:
    """``await start(**config)`` starts a venue built as ``SimVenueConfig(**config)``;
    every venue started is stopped on exit."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**config: Any) -> SimVenue:
            return await stack.enter_async_context(running_sim(SimVenueConfig(**config)))

        yield start


def inject_quote(
    venue: SimVenue,
    symbol: str,
    bid: int,
    ask: int,
    bid_size: int = 1000,
    ask_size: int | None = None,
) -> None:
    """One quote, stamped now, into ``venue``'s market (``ask_size``: ``bid_size`` if None)."""
    size = bid_size if ask_size is None else ask_size
    venue.inject([Quote(Symbol(symbol), time.time_ns(), bid, bid_size, ask, size)])
