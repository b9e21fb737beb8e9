"""Build the simulated venue from its frozen :class:`~engine.venues.base.VenueSpec`.

The simulator speaks Alpaca's wire protocol, so its client side (data feed and
execution) is the Alpaca adapter (:mod:`engine.venues.alpaca.factories`); this package
is the server. With no ``url`` the simulator is embedded: started here on a free
loopback port with ``spec.sim`` (a :class:`SimVenueConfig`, defaults when None) and
stopped on exit, after the execution is closed. With a ``url`` it must prove it is the
simulator (``GET /sim/identity``) before anything is built, so a proxy adding live
keys is refused (:class:`NotTheSimulatorError`, a ``VenueRefusedError``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from engine.venues.alpaca.factories import alpaca_venue
from engine.venues.base import Venue
from engine.venues.base import VenueSpec
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.identity import prove_simulator
from engine.venues.sim.server import SimVenue


@contextlib.asynccontextmanager
async def _embedded(spec: VenueSpec) -> AsyncIterator[Venue]:
    config = spec.sim if spec.sim is not None else SimVenueConfig()
    if not isinstance(config, SimVenueConfig):
        raise TypeError(f"venue kind sim: spec.sim must be a SimVenueConfig, not {config!r}")
    sim = SimVenue(config)
    await sim.start("127.0.0.1", 0)
    try:
        async with alpaca_venue(spec, sim.url, "sim (embedded)") as venue:
            yield venue
    finally:
        with contextlib.suppress(Exception):
            await sim.stop()


@contextlib.asynccontextmanager
async def _remote(spec: VenueSpec, url: str) -> AsyncIterator[Venue]:
    await prove_simulator(url, spec.timeout_s)  # never live, so it must be the simulator
    async with alpaca_venue(spec, url, "sim") as venue:
        yield venue


def open_sim(spec: VenueSpec) -> contextlib.AbstractAsyncContextManager[Venue]:
    """The registry's factory for ``kind = "sim"``."""
    return _embedded(spec) if spec.url is None else _remote(spec, spec.url)


__all__ = ["open_sim"]
