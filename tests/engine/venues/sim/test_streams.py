"""The market data stream v2: handshake, every error code, subscriptions, batching, msgpack."""

from __future__ import annotations

import datetime as dt

import aiohttp
import msgspec
import pytest

from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.venues.sim import SimVenue
from tests.engine.venues.sim.conftest import StartVenue
from tests.engine.venues.sim.support import HEADERS
from tests.engine.venues.sim.support import DataClient
from tests.engine.venues.sim.support import eventually

EQ = Symbol("SIMEQ")
BTC = Symbol("BTCUSD")
AUTH = {"action": "auth", "key": "sim-key", "secret": "sim-secret"}


def error(code: int, msg: str) -> list[dict[str, object]]:
    return [{"T": "error", "code": code, "msg": msg}]


def subscription(**channels: list[str]) -> list[dict[str, object]]:
    out: dict[str, object] = {"T": "subscription"}
    for name in ("trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds"):
        out[name] = channels.get(name, [])
    out["corrections"] = out["cancelErrors"] = out["trades"]
    return [out]


async def test_handshake_and_auth_errors(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.connect(http, venue)
    assert await client.recv() == [{"T": "success", "msg": "connected"}]
    await client.send({"action": "subscribe", "quotes": ["SIMEQ"]})
    assert await client.recv() == error(401, "not authenticated")
    await client.send({"action": "auth", "key": "sim-key", "secret": "nope"})
    assert await client.recv() == error(402, "auth failed")
    await client.send(AUTH)
    assert await client.recv() == [{"T": "success", "msg": "authenticated"}]
    await client.send(AUTH)
    assert await client.recv() == error(403, "already authenticated")
    for bad in ({"action": "dance"}, {"quotes": ["X"]}, {"action": "subscribe", "quotes": "X"}):
        await client.send(bad)
        assert await client.recv() == error(400, "invalid syntax")
    await client.ws.send_str("not json")
    assert await client.recv() == error(400, "invalid syntax")


@pytest.mark.parametrize("feed", ["iex", "sip", "test"])
async def test_any_feed_name(http: aiohttp.ClientSession, venue: SimVenue, feed: str) -> None:
    ws = await http.ws_connect(venue.data_url(feed))
    assert (await ws.receive_json()) == [{"T": "success", "msg": "connected"}]
    await ws.close()


async def test_auth_by_upgrade_headers(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    ws = await http.ws_connect(venue.data_url(), headers=HEADERS)
    assert await ws.receive_json() == [{"T": "success", "msg": "connected"}]
    assert await ws.receive_json() == [{"T": "success", "msg": "authenticated"}]
    await ws.close()


async def test_auth_timeout_is_404_then_close(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await start_venue(auth_timeout=0.2)
    client = await DataClient.connect(http, venue)
    await client.recv()
    assert await client.recv() == error(404, "auth timeout")
    with pytest.raises(ConnectionError):
        await client.recv()


async def test_second_connection_is_406(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    first = await DataClient.ready(http, venue)
    second = await DataClient.connect(http, venue)
    await second.recv()
    await second.send(AUTH)
    assert await second.recv() == error(406, "connection limit exceeded")
    with pytest.raises(ConnectionError):
        await second.recv()
    await first.close()  # the slot is free again
    third = await DataClient.connect(http, venue)
    await eventually(lambda: len(venue.data.subscribers) == 1)
    await third.handshake()


async def test_connection_limit_is_configurable(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await start_venue(max_data_connections=2)
    venue.pause_market()
    clients = [await DataClient.connect(http, venue) for _ in range(2)]
    for client in clients:
        await client.handshake()
    assert venue.data.stats()["authenticated"] == 2


async def test_symbol_limit_is_405(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await start_venue(max_symbols=2)
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["A", "B", "C"]})
    assert await client.recv() == error(405, "symbol limit exceeded")
    await client.send({"action": "subscribe", "quotes": ["A"], "trades": ["B"]})
    assert await client.recv() == subscription(quotes=["A"], trades=["B"])


async def test_slow_client_is_407(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.ready(http, venue)
    assert venue.data.kick_slow() == 1
    assert await client.recv() == error(407, "slow client")
    with pytest.raises(ConnectionError):
        await client.recv()


async def test_subscriptions_are_additive_and_answered_in_full(
    http: aiohttp.ClientSession, venue: SimVenue
) -> None:
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "trades": ["SIMEQ"], "quotes": ["BTCUSD"]})
    assert await client.recv() == subscription(trades=["SIMEQ"], quotes=["BTCUSD"])
    await client.send({"action": "subscribe", "quotes": ["SIMEQ"], "bars": ["*"]})
    assert await client.recv() == subscription(
        trades=["SIMEQ"], quotes=["BTCUSD", "SIMEQ"], bars=["*"]
    )
    await client.send({"action": "unsubscribe", "quotes": ["BTCUSD"], "bars": ["*"]})
    assert await client.recv() == subscription(trades=["SIMEQ"], quotes=["SIMEQ"])


async def test_one_step_is_one_batched_frame(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["*"], "trades": ["SIMEQ"]})
    await client.recv()
    ts = 1_723_161_255_088_169_167
    venue.inject(
        [
            Quote(EQ, ts, 15000, 3, 15001, 4),
            Quote(BTC, ts + 1, 600000, 1500, 600001, 7),
            Trade(EQ, ts + 2, 15001, 2, Side.BUY),
            Trade(BTC, ts + 3, 600001, 1, Side.BUY),  # not subscribed
        ]
    )
    frame = await client.data()
    assert frame == [
        {
            "T": "q", "S": "SIMEQ", "bx": "V", "bp": 150.0, "bs": 3, "ax": "V", "ap": 150.01,
            "as": 4, "t": "2024-08-08T23:54:15.088169167Z", "c": ["R"], "z": "C",
        },
        {
            "T": "q", "S": "BTCUSD", "bx": "V", "bp": 60000.0, "bs": 1.5, "ax": "V",
            "ap": 60000.1, "as": 0.007, "t": "2024-08-08T23:54:15.088169168Z", "c": ["R"],
            "z": "C",
        },
        {
            "T": "t", "S": "SIMEQ", "i": 1, "x": "V", "p": 150.01, "s": 2,
            "t": "2024-08-08T23:54:15.088169169Z", "c": ["@"], "z": "C",
        },
    ]  # fmt: skip


async def test_minute_bars(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "bars": ["SIMEQ"]})
    await client.recv()
    minute = 1_723_161_240_000_000_000  # 2024-08-08T23:54:00Z
    venue.inject(
        [
            Trade(EQ, minute + 1, 15000, 2, Side.BUY),
            Trade(EQ, minute + 2, 15004, 1, Side.BUY),
            Trade(EQ, minute + 3, 14999, 1, Side.SELL),
        ]
    )
    venue.inject([Trade(EQ, minute + 60_000_000_000, 15002, 1, Side.BUY)])
    frame = await client.data()
    assert frame == [
        {
            "T": "b", "S": "SIMEQ", "o": 150.0, "h": 150.04, "l": 149.99, "c": 149.99,
            "v": 4, "t": "2024-08-08T23:54:00Z", "n": 3, "vw": 150.0075,
        }
    ]  # fmt: skip


async def test_msgpack_mode(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.ready(http, venue, msgpack=True)  # binary msgpack frames both ways
    await client.send({"action": "subscribe", "quotes": ["SIMEQ"]})
    assert await client.recv() == subscription(quotes=["SIMEQ"])
    ts = 1_723_161_255_088_169_167
    venue.inject([Quote(EQ, ts, 15000, 3, 15001, 4), Quote(EQ, ts + 5, 15001, 1, 15002, 1)])
    msg = await client.ws.receive(timeout=3)
    assert msg.type is aiohttp.WSMsgType.BINARY
    at = msg.data.index(b"\xd7\xff")  # fixext 8, type -1: a msgpack Timestamp
    packed = int.from_bytes(msg.data[at + 2 : at + 10], "big")
    assert (packed & (1 << 34) - 1) * 1_000_000_000 + (packed >> 34) == ts  # nanoseconds kept
    frame = msgspec.msgpack.decode(msg.data)
    assert len(frame) == 2
    assert frame[0]["bp"] == 150.0 and frame[1]["ap"] == 150.02
    assert frame[0]["t"] == dt.datetime(2024, 8, 8, 23, 54, 15, 88169, tzinfo=dt.UTC)


async def test_live_synthetic_data_flows(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await start_venue(quote_rate=200.0)
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["*"], "trades": ["*"]})
    await client.recv()
    seen: set[str] = set()
    kinds: set[str] = set()
    while len(seen) < 5 or kinds != {"q", "t"}:
        for m in await client.data():
            seen.add(m["S"])
            kinds.add(m["T"])
            if m["T"] == "q":
                assert m["ap"] > m["bp"] > 0
    assert seen == {"SIMEQ", "SIMLOW", "SIMFUT", "BTCUSD", "ETHUSD"}
