"""Fixtures: a real simulated venue on 127.0.0.1 (port 0) and plain aiohttp clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from engine.venues.sim import SimVenue, SimVenueConfig
from tests.engine.venues.sim.support import Rest

StartVenue = Callable[..., Awaitable[SimVenue]]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def start_venue() -> AsyncIterator[StartVenue]:
    """``await start_venue(**config)`` starts a venue; every one is stopped afterwards."""
    started: list[SimVenue] = []

    async def start(**config: Any) -> SimVenue:
        venue = SimVenue(SimVenueConfig(**config))
        await venue.start("127.0.0.1", 0)
        started.append(venue)
        return venue

    yield start
    for venue in started:
        await venue.stop()


@pytest.fixture
async def venue(start_venue: StartVenue) -> SimVenue:
    """A venue with the default synthetic market, paused: tests inject the quotes."""
    v = await start_venue()
    v.pause_market()
    return v


@pytest.fixture
def rest(http: aiohttp.ClientSession, venue: SimVenue) -> Rest:
    return Rest(http, venue)
