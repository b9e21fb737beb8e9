"""Fixtures: a real simulated venue on 127.0.0.1 (port 0) and plain aiohttp clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from engine.venues.sim import SimVenue
from tests.engine.venues.sim.support import Rest
from tests.kit.sim import StartVenue
from tests.kit.sim import sim_starter


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def start_venue() -> AsyncIterator[StartVenue]:
    """``await start_venue(**config)`` starts a venue; every one is stopped afterwards."""
    async with sim_starter() as start:
        yield start


@pytest.fixture
async def venue(start_venue: StartVenue) -> SimVenue:
    """A venue with the default synthetic market, paused: tests inject the quotes."""
    v = await start_venue()
    v.pause_market()
    return v


@pytest.fixture
def rest(http: aiohttp.ClientSession, venue: SimVenue) -> Rest:
    return Rest(http, venue)
