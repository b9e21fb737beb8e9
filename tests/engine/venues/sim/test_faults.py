"""Seeded fault injection: every switch is observable, and parsing names the problem."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from engine.model import Symbol
from engine.venues.sim import FaultConfig
from engine.venues.sim import SimVenue
from engine.venues.sim import parse_faults
from engine.venues.sim.faults import FaultInjector
from tests.engine.venues.sim.conftest import StartVenue
from tests.engine.venues.sim.support import DataClient
from tests.engine.venues.sim.support import Rest
from tests.engine.venues.sim.support import UpdatesClient
from tests.engine.venues.sim.support import eventually
from tests.kit.sim import inject_quote

EQ = Symbol("SIMEQ")


def quote(venue: SimVenue) -> None:
    inject_quote(venue, EQ, 15000, 15001)


async def paused(start_venue: StartVenue, **faults: Any) -> SimVenue:
    venue = await start_venue(faults=FaultConfig(**faults))
    venue.pause_market()
    quote(venue)
    return venue


def test_parse_faults() -> None:
    faults = parse_faults(["rest_5xx=0.25", "stall_every=2", "stall_for=0.5", "retry_after=3"])
    assert (faults.rest_5xx, faults.stall_every, faults.stall_for, faults.retry_after) == (
        0.25,
        2.0,
        0.5,
        3,
    )


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("bogus=1", "unknown fault 'bogus' (known: "),
        ("rest_5xx", "--fault expects NAME=VALUE (got 'rest_5xx')"),
        ("rest_5xx=lots", "fault rest_5xx='lots': not a number"),
        ("rest_5xx=1.5", "fault rest_5xx=1.5: must be a probability from 0 to 1"),
        ("drop_stream_every=-1", "fault drop_stream_every=-1.0: must be a non-negative number"),
        ("stall_every=1", "faults stall_every and stall_for must be given together"),
        ("retry_after=1.5", "fault retry_after=1.5: must be whole seconds"),
    ],
)
def test_parse_faults_rejects_with_one_line(pair: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_faults([pair])
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_rest_probabilities_must_fit() -> None:
    with pytest.raises(ValueError, match="exceeds 1"):
        parse_faults(["rest_5xx=0.6", "rest_timeout=0.6"])


def test_decisions_are_seeded() -> None:
    config = FaultConfig(rest_5xx=0.3, rest_429=0.2, reject=0.5)
    runs = []
    for _ in range(2):
        f = FaultInjector(config, seed=11)
        runs.append(([f.rest_fault() for _ in range(50)], [f.should_reject() for _ in range(50)]))
    assert runs[0] == runs[1]
    assert {"429", "5xx", "none"} == set(runs[0][0])
    other = FaultInjector(config, seed=12)
    assert [other.rest_fault() for _ in range(50)] != runs[0][0]


async def test_rest_429_has_rate_limit_headers(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await paused(start_venue, rest_429=1.0)
    status, body, headers = await Rest(http, venue).call("GET", "/v2/account")
    assert status == 429
    assert body == {"code": 42910000, "message": "rate limit exceeded"}
    assert headers["Retry-After"] == "1"
    assert (headers["X-Ratelimit-Limit"], headers["X-Ratelimit-Remaining"]) == ("200", "0")
    assert int(headers["X-Ratelimit-Reset"]) >= int(time.time())
    assert venue.faults.counters.rest_429 == 1


async def test_rest_5xx_on_submit_is_ambiguous(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await paused(start_venue, rest_5xx=1.0)
    rest = Rest(http, venue)
    for i in range(12):
        status, body = await rest.order(client_order_id=f"amb-{i}")
        assert (status, body) == (500, {"code": 50010000, "message": "internal server error"})
    counters = venue.faults.counters
    assert counters.rest_5xx_before + counters.rest_5xx_after == 12
    assert counters.rest_5xx_before > 0 and counters.rest_5xx_after > 0
    venue.set_faults(FaultConfig())
    exists = 0
    for i in range(12):
        params = {"client_order_id": f"amb-{i}"}
        status, _ = await rest.get("/v2/orders:by_client_order_id", params=params)
        exists += status == 200
    assert exists == counters.rest_5xx_after  # "after": the order exists, filled
    _, faults = await rest.get("/sim/faults", headers={})
    assert faults["counters"]["rest_5xx_after"] == exists


async def test_rest_timeout_hangs_past_the_client(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await paused(start_venue, rest_timeout=1.0, rest_hang=30.0)
    rest = Rest(http, venue)
    ids = [f"hang-{i}" for i in range(8)]
    for coid in ids:
        body = {"symbol": "SIMEQ", "qty": "1", "side": "buy", "type": "market"}
        body |= {"time_in_force": "day", "client_order_id": coid}
        with pytest.raises(TimeoutError):
            await rest.call("POST", "/v2/orders", json=body, timeout=0.1)
    counters = venue.faults.counters
    assert counters.rest_timeout_before + counters.rest_timeout_after == 8
    assert counters.rest_timeout_before > 0 and counters.rest_timeout_after > 0
    venue.set_faults(FaultConfig())
    exists = [coid for coid in ids if coid in venue.account.by_client]
    assert len(exists) == counters.rest_timeout_after  # those orders exist, the others do not
    status, order = await rest.get(
        "/v2/orders:by_client_order_id", params={"client_order_id": exists[0]}
    )
    assert status == 200 and order["status"] == "filled"


async def test_reject_after_accepting(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await paused(start_venue, reject=1.0)
    rest = Rest(http, venue)
    updates = await UpdatesClient.listening(http, venue)
    status, order = await rest.order()
    assert status == 200 and order["status"] == "accepted"
    event = await updates.event()
    assert event["event"] == "rejected" and event["order"]["failed_at"] is not None
    assert (await rest.get(f"/v2/orders/{order['id']}"))[1]["status"] == "rejected"
    assert venue.faults.counters.rejects == 1
    assert (await rest.get("/v2/positions"))[1] == []


async def test_updates_delay(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await paused(start_venue, updates_delay_ms=150)
    rest = Rest(http, venue)
    updates = await UpdatesClient.listening(http, venue)
    await rest.order()
    sent = time.monotonic()
    assert [e["event"] for e in await updates.events(2)] == ["new", "fill"]
    assert time.monotonic() - sent >= 0.1
    assert venue.faults.counters.updates_delayed == 2


async def test_updates_duplicate(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await paused(start_venue, updates_duplicate=1.0)
    updates = await UpdatesClient.listening(http, venue)
    await Rest(http, venue).order()
    events = await updates.events(4)
    assert [e["event"] for e in events] == ["new", "new", "fill", "fill"]
    assert events[0] == events[1] and events[2] == events[3]
    assert venue.faults.counters.updates_duplicated == 2


async def test_updates_reorder(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await paused(start_venue, updates_reorder=1.0)
    updates = await UpdatesClient.listening(http, venue)
    await Rest(http, venue).order()
    assert [e["event"] for e in await updates.events(2)] == ["fill", "new"]
    assert venue.faults.counters.updates_reordered >= 1


async def test_drop_stream_every(http: aiohttp.ClientSession, start_venue: StartVenue) -> None:
    venue = await paused(start_venue, drop_stream_every=0.2)
    data = await DataClient.ready(http, venue)
    updates = await UpdatesClient.listening(http, venue)
    closed = await asyncio.wait_for(data.ws.receive(), 3)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    closed = await asyncio.wait_for(updates.ws.receive(), 3)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert venue.faults.counters.stream_drops >= 1
    again = await DataClient.connect(http, venue)  # clients can reconnect
    await eventually(lambda: len(venue.data.subscribers) == 1)
    await again.handshake()


async def test_stall_keeps_the_connection(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await start_venue(quote_rate=500.0, faults=FaultConfig(stall_every=0.3, stall_for=0.25))
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["*"]})
    await client.recv()
    await eventually(lambda: venue.faults.counters.stalls >= 1)
    await eventually(lambda: venue.faults.counters.stalled_messages > 0)
    assert venue.data.stalled
    await eventually(lambda: not venue.data.stalled)
    assert (await client.data())[0]["T"] == "q"  # still connected, data resumed


async def test_stall_hook_stops_data(http: aiohttp.ClientSession, venue: SimVenue) -> None:
    client = await DataClient.ready(http, venue)
    await client.send({"action": "subscribe", "quotes": ["*"]})
    await client.recv()
    venue.stall(30)
    quote(venue)
    assert venue.faults.counters.stalled_messages == 1
    venue.data.stalled_until = 0
    quote(venue)
    assert (await client.data())[0]["S"] == "SIMEQ"
