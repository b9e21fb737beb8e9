"""The trade_updates websocket: binary frames, authenticate, listen, msgpack."""

from __future__ import annotations

import aiohttp

from engine.model import Symbol
from engine.venues.sim import SimVenue
from tests.engine.venues.sim.support import Rest
from tests.engine.venues.sim.support import UpdatesClient
from tests.kit.sim import inject_quote

EQ = Symbol("SIMEQ")


async def test_authenticate_and_listen(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await UpdatesClient.connect(http, venue)
    await client.send({"action": "listen", "data": {"streams": ["trade_updates"]}})
    assert await client.recv() == {
        "stream": "authorization",
        "data": {"status": "unauthorized", "action": "listen"},
    }
    bad = {"key_id": "sim-key", "secret_key": "wrong"}
    await client.send({"action": "authenticate", "data": bad})
    assert await client.recv() == {
        "stream": "authorization",
        "data": {"status": "unauthorized", "action": "authenticate"},
    }
    good = {"key_id": "sim-key", "secret_key": "sim-secret"}
    await client.send({"action": "authenticate", "data": good})
    assert await client.recv() == {
        "stream": "authorization",
        "data": {"status": "authorized", "action": "authenticate"},
    }
    await client.send({"action": "listen", "data": {"streams": ["trade_updates"]}})
    assert await client.recv() == {"stream": "listening", "data": {"streams": ["trade_updates"]}}
    await client.send({"action": "listen", "data": {"streams": []}})  # the list replaces the set
    assert await client.recv() == {"stream": "listening", "data": {"streams": []}}


async def test_invalid_messages(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await UpdatesClient.connect(http, venue)
    for raw in ("nonsense", '{"action":"dance"}', "[]"):
        await client.ws.send_str(raw)
        assert await client.recv() == {"stream": "listening", "data": {"error": "invalid syntax"}}


async def test_events_only_to_listeners(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    inject_quote(venue, EQ, 15000, 15001, 100)
    quiet = await UpdatesClient.connect(http, venue)  # connected, never listens
    listener = await UpdatesClient.listening(http, venue)
    await rest.order("SIMEQ", "1")
    assert [e["event"] for e in await listener.events(2)] == ["new", "fill"]
    await quiet.send({"action": "dance"})
    assert (await quiet.recv())["stream"] == "listening"  # nothing else was queued before it


async def test_msgpack_mode(http: aiohttp.ClientSession, rest: Rest, venue: SimVenue) -> None:
    inject_quote(venue, EQ, 15000, 15001, 100)
    client = await UpdatesClient.listening(http, venue, msgpack=True)
    await rest.order("SIMEQ", "2")
    new, fill = await client.events(2)
    assert (new["event"], fill["event"], fill["qty"], fill["position_qty"]) == (
        "new",
        "fill",
        "2",
        "2",
    )
