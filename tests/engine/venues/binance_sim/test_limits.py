"""Weights and order counts: headers on every answer, 429 then 418 with Retry-After, and a
refused request leaves no trace (DESIGN §3 C.2)."""

from __future__ import annotations

import pytest

from engine.venues.binance_sim import BinanceSimVenue
from engine.venues.binance_sim import RateLimitSpec
from tests.engine.venues.binance_sim.support import NOW_MS
from tests.engine.venues.binance_sim.support import Client
from tests.engine.venues.binance_sim.support import signed_query

WEIGHT = "X-MBX-USED-WEIGHT-1M"


def _query(client: Client, **params: str) -> str:
    return signed_query(params, ts=client.clock.ms)


async def test_headers(client: Client) -> None:
    """Each endpoint's answer (errors too) carries the weight header, grown by its weight."""
    calls: list[tuple[str, str, str, int]] = [
        ("GET", "/fapi/v1/ping", "", 1),
        ("GET", "/fapi/v1/time", "", 1),
        ("GET", "/fapi/v1/exchangeInfo", "", 1),
        ("GET", "/fapi/v1/depth", "symbol=BTCUSDT", 10),
        ("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=5", 2),
        ("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=100", 5),
        ("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=1000", 20),
        ("GET", "/fapi/v1/depth", "symbol=NOPE", 10),
        ("GET", "/fapi/v1/openOrders", _query(client, symbol="BTCUSDT"), 1),
        ("GET", "/fapi/v1/openOrders", _query(client), 40),
        ("GET", "/fapi/v1/order", _query(client, symbol="BTCUSDT", orderId="9"), 1),
        ("DELETE", "/fapi/v1/order", _query(client, symbol="BTCUSDT", orderId="9"), 1),
        ("DELETE", "/fapi/v1/allOpenOrders", _query(client, symbol="BTCUSDT"), 1),
        ("GET", "/sim/identity", "", 0),
        ("GET", "/no/such/path", "", 1),
    ]
    used = 0
    for method, path, query, weight in calls:
        answer = await client.raw(method, path, query)
        used += weight
        assert answer.headers[WEIGHT] == str(used), (path, query, answer.headers)
        assert "X-MBX-ORDER-COUNT-10S" not in answer.headers
    for n in (1, 2):
        placed = await client.order(side="BUY", type="MARKET", quantity="0.001")
        assert placed.status == 200
        assert placed.headers[WEIGHT] == str(used)  # POST order weighs 0 on the IP limit
        assert placed.headers["X-MBX-ORDER-COUNT-10S"] == str(n)
        assert placed.headers["X-MBX-ORDER-COUNT-1M"] == str(n)
    refused = await client.order(side="BUY", type="LIMIT", quantity="0.001")
    assert refused.code == -1102 and refused.headers["X-MBX-ORDER-COUNT-10S"] == "3"


async def test_windows_reset_on_the_minute(client: Client) -> None:
    client.clock.ms = NOW_MS - NOW_MS % 60_000 + 59_999
    assert (await client.raw("GET", "/fapi/v1/ping")).headers[WEIGHT] == "1"
    assert (await client.raw("GET", "/fapi/v1/ping")).headers[WEIGHT] == "2"
    client.clock.ms += 1
    assert (await client.raw("GET", "/fapi/v1/ping")).headers[WEIGHT] == "1"


TIGHT = (
    RateLimitSpec("REQUEST_WEIGHT", "MINUTE", 1, 12),
    RateLimitSpec("ORDERS", "SECOND", 10, 2),
    RateLimitSpec("ORDERS", "MINUTE", 1, 100),
)

tight = pytest.mark.parametrize("sim_options", [{"rate_limits": TIGHT, "ban_s": 120}])


@tight
async def test_429_then_418(client: Client) -> None:
    start = NOW_MS - NOW_MS % 60_000
    client.clock.ms = start + 50_000  # 10 s left in the minute window
    for _ in range(12):
        assert (await client.raw("GET", "/fapi/v1/ping")).status == 200
    first = await client.raw("GET", "/fapi/v1/ping")
    assert (first.status, first.code, first.content_type) == (429, -1003, "application/json")
    assert first.headers["Retry-After"] == "10" and first.headers[WEIGHT] == "12"
    assert "12 request weight per minute" in first.body["msg"]
    client.clock.ms += 1_500
    again = await client.raw("GET", "/fapi/v1/ping")
    assert (again.status, again.code) == (418, -1003)
    assert again.headers["Retry-After"] == "120" and "IP banned until" in again.body["msg"]
    client.clock.ms += 60_000  # a new weight window, still banned
    banned = await client.raw("GET", "/fapi/v1/ping")
    assert banned.status == 418 and banned.headers["Retry-After"] == "60"
    client.clock.ms += 60_000
    assert (await client.raw("GET", "/fapi/v1/ping")).status == 200


@tight
async def test_no_side_effect(client: Client, sim: BinanceSimVenue) -> None:
    """The order refused by the 10 s order count is not placed, and nothing is counted."""
    client.clock.ms = NOW_MS - NOW_MS % 10_000 + 4_000
    for n in range(2):
        ok = await client.order(
            side="BUY",
            type="LIMIT",
            timeInForce="GTC",
            quantity="0.001",
            price="60000",
            newClientOrderId=f"rest-{n}",
        )
        assert ok.status == 200, ok.body
    refused = await client.order(
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.001",
        price="60000",
        newClientOrderId="refused-1",
    )
    assert (refused.status, refused.code) == (429, -1015)
    assert refused.headers["Retry-After"] == "6"
    assert refused.headers["X-MBX-ORDER-COUNT-10S"] == "2"
    assert sim.stats()["open_orders"] == 2
    client.clock.ms += 6_000  # back-off over, a fresh 10 s window
    query = await client.signed(
        "GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="refused-1"
    )
    assert (query.status, query.code) == (400, -2013)
    opened = await client.signed("GET", "/fapi/v1/openOrders", symbol="BTCUSDT")
    assert [o["clientOrderId"] for o in opened.body] == ["rest-0", "rest-1"]
