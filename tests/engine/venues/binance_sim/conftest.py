"""Fixtures: a real simulated Binance on 127.0.0.1 (port 0) with a test-set clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from engine.venues.binance_sim import BinanceSimConfig
from engine.venues.binance_sim import BinanceSimVenue
from tests.engine.venues.binance_sim.support import KEY
from tests.engine.venues.binance_sim.support import Client
from tests.engine.venues.binance_sim.support import FakeClock
from tests.engine.venues.binance_sim.support import capture_book


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim_options() -> dict[str, Any]:
    """Config changes for the ``sim`` fixture (override in a test module)."""
    return {}


@pytest.fixture
async def sim(clock: FakeClock, sim_options: dict[str, Any]) -> AsyncIterator[BinanceSimVenue]:
    venue = BinanceSimVenue(
        BinanceSimConfig(keys=(KEY,), **sim_options), clock=clock, book=capture_book()
    )
    await venue.start()
    try:
        yield venue
    finally:
        await venue.stop()


@pytest.fixture
async def client(sim: BinanceSimVenue, clock: FakeClock) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(session, sim, clock)
