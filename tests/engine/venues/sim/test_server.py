"""The venue as a whole: one base URL, start and stop, replay mode, stats."""

from __future__ import annotations

import time

import aiohttp
import pytest

from engine.model import Symbol
from engine.venues.sim import SimVenue
from engine.venues.sim import SimVenueConfig
from tests.engine.venues.sim.conftest import StartVenue
from tests.engine.venues.sim.support import DATA
from tests.engine.venues.sim.support import DataClient
from tests.engine.venues.sim.support import Rest
from tests.engine.venues.sim.support import UpdatesClient
from tests.engine.venues.sim.support import eventually

QUOTES = str(DATA / "binance_usdm_btcusdt_20240808_quotes.csv")


async def test_one_base_url_serves_everything(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    assert venue.url == f"http://127.0.0.1:{venue.port}"
    assert venue.stream_url == f"ws://127.0.0.1:{venue.port}/stream"
    assert venue.data_url("sip") == f"ws://127.0.0.1:{venue.port}/v2/sip"
    assert (await Rest(http, venue).get("/v2/account"))[0] == 200
    data = await DataClient.ready(http, venue)
    updates = await UpdatesClient.listening(http, venue)
    stats = (await Rest(http, venue).get("/sim/stats", headers={}))[1]
    assert stats["data"]["authenticated"] == 1 and stats["updates"]["listening"] == 1
    assert stats["market"]["kind"] == "synthetic"
    await data.close()
    await updates.close()


async def test_start_twice_is_an_error(venue: SimVenue) -> None:
    with pytest.raises(RuntimeError):
        await venue.start()


async def test_stop_closes_connections(http: aiohttp.ClientSession) -> None:
    venue = SimVenue(SimVenueConfig())
    await venue.start()
    data = await DataClient.ready(http, venue)
    updates = await UpdatesClient.listening(http, venue)
    started = time.monotonic()
    await venue.stop()
    assert time.monotonic() - started < 2
    assert (await data.ws.receive(timeout=2)).type in (
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSED,
    )
    assert (await updates.ws.receive(timeout=2)).type in (
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSED,
    )
    with pytest.raises(aiohttp.ClientConnectionError):
        await Rest(http, venue).get("/v2/account")


async def test_replay_mode(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    before = time.time_ns()
    venue = await start_venue(data_files=(QUOTES,), speed=0.0, replay_batch=500)
    rest = Rest(http, venue)
    _, asset = await rest.get("/v2/assets/BTCUSDT")
    assert (asset["price_increment"], asset["min_trade_increment"], asset["class"]) == (
        "0.1",
        "0.001",
        "crypto",
    )
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["BTCUSDT"]})
    await client.recv()
    frame = await client.data()
    assert frame[0]["S"] == "BTCUSDT" and frame[0]["ap"] > frame[0]["bp"] > 50_000
    assert frame[0]["t"] >= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(before // 10**9))
    await eventually(lambda: venue.market.finished, timeout=10)
    assert venue.stats()["market"]["events"] == 66_089
    assert (await rest.order("BTCUSDT", "0.01", time_in_force="gtc"))[0] == 200
    _, position = await rest.get("/v2/positions/BTCUSDT")
    assert position["qty"] == "0.01"


async def test_replay_in_real_time(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await start_venue(data_files=(QUOTES,), speed=1.0)
    await eventually(lambda: venue.market.events > 0)
    assert venue.account.views[Symbol("BTCUSDT")].bid == 618002  # the file's first quote, 61800.2
    assert not venue.market.finished
