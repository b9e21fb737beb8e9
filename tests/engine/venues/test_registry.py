"""The venue registry: a venue by ``spec.kind``, its lifetime an async context manager."""

from __future__ import annotations

import random

import aiohttp
import pytest

from engine.model import Symbol
from engine.venues.alpaca.config import PAPER_REST
from engine.venues.alpaca.data import AlpacaMarketData
from engine.venues.base import VenueRefusedError
from engine.venues.base import VenueSpec
from engine.venues.registry import FACTORIES
from engine.venues.registry import UnknownVenueError
from engine.venues.registry import open_venue
from engine.venues.sim import DEFAULT_KEY
from engine.venues.sim import DEFAULT_SECRET
from engine.venues.sim import SimVenue
from engine.venues.sim import SimVenueConfig

SPEC = VenueSpec(kind="sim", key=DEFAULT_KEY, secret=DEFAULT_SECRET, timeout_s=2.0)


def test_every_kind_the_config_allows_has_a_factory() -> None:
    assert set(FACTORIES) == {"sim", "alpaca"}


def test_an_unknown_kind_is_refused_before_anything_starts() -> None:
    with pytest.raises(UnknownVenueError, match=r"'binance'.*known: alpaca, sim"):
        open_venue(VenueSpec(kind="binance"))


def test_the_spec_never_shows_its_keys() -> None:
    spec = VenueSpec(kind="alpaca", key="AKEYNEVERSHOWN", secret="ASECRETNEVERSHOWN")
    assert "NEVERSHOWN" not in repr(spec) and "NEVERSHOWN" not in str(spec)
    assert "kind='alpaca'" in repr(spec)


async def test_the_embedded_simulator_lives_exactly_as_long_as_the_venue() -> None:
    async with open_venue(SPEC) as venue:
        assert venue.name == "sim (embedded)"
        url = venue.urls.rest  # type: ignore[attr-defined]
        instruments = await venue.execution.instruments([Symbol("SIMEQ")])
        assert [i.symbol for i in instruments] == ["SIMEQ"]
        feed = venue.market_data({i.symbol: i for i in instruments}, random.Random(1))
        assert isinstance(feed, AlpacaMarketData) and feed.url.startswith("ws://127.0.0.1:")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(url + "/sim/identity")


async def test_the_embedded_simulator_takes_the_specs_config() -> None:
    spec = VenueSpec(key=DEFAULT_KEY, secret=DEFAULT_SECRET, sim=SimVenueConfig(seed=7))
    async with open_venue(spec) as venue:
        assert (await venue.execution.account()).cash > 0


async def test_a_sim_url_is_used_once_it_proves_to_be_the_simulator() -> None:
    sim = SimVenue(SimVenueConfig())
    await sim.start()
    try:
        spec = VenueSpec(kind="sim", url=sim.url, key=DEFAULT_KEY, secret=DEFAULT_SECRET)
        async with open_venue(spec) as venue:
            assert venue.name == "sim"
            assert await venue.execution.list_orders("open") == []
    finally:
        await sim.stop()


async def test_a_sim_url_that_is_not_the_simulator_is_refused() -> None:
    spec = VenueSpec(kind="sim", url="http://127.0.0.1:9", timeout_s=1.0)
    with pytest.raises(VenueRefusedError, match=r"127\.0\.0\.1:9"):
        async with open_venue(spec):
            pass


async def test_alpaca_without_a_url_is_alpaca_paper_and_data_url_replaces_the_stream() -> None:
    spec = VenueSpec(kind="alpaca", key="k" * 8, secret="s" * 8, data_url="wss://example.test/x")
    async with open_venue(spec) as venue:  # nothing is sent until a call
        assert venue.name == "alpaca"
        assert venue.urls.rest == PAPER_REST  # type: ignore[attr-defined]
        assert venue.urls.updates.startswith("wss://paper-api.alpaca.markets")  # type: ignore[attr-defined]
        feed = venue.market_data({}, random.Random(1))
        assert isinstance(feed, AlpacaMarketData) and feed.url.startswith("wss://example.test/x")
