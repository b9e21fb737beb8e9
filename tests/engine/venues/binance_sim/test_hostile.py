"""Hostile input to the simulated Binance: every answer is Binance JSON, never a traceback.

- Integers are ASCII ``[0-9]{1,19}`` only: Unicode digits and 5,000-digit numbers give a
  4xx ``{"code","msg"}``, not a 500 (review L1).
- A param the endpoint never reads gives -1104, so a captured signed request re-split
  between query and body places nothing (review L2).
- Any unexpected exception inside a handler gives -1000 JSON with HTTP 500 (review L1).
"""

from __future__ import annotations

from urllib.parse import quote
from urllib.parse import urlencode

import pytest

from engine.venues.binance_sim import BinanceSimVenue
from tests.engine.venues.binance_sim.support import SECRET
from tests.engine.venues.binance_sim.support import Answer
from tests.engine.venues.binance_sim.support import Client
from tests.engine.venues.binance_sim.support import sign

SUPERSCRIPT_TWO = "\u00b2"
ARABIC_FIVE = "\u0665"


def _is_json_4xx(answer: Answer) -> bool:
    return (
        400 <= answer.status < 500
        and answer.content_type == "application/json"
        and isinstance(answer.code, int)
        and isinstance(answer.body.get("msg"), str)
    )


def _encode(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote, safe="")


def _signed(params: dict[str, str]) -> str:
    query = _encode(params)
    return f"{query}&signature={sign(SECRET, query.encode())}"


@pytest.mark.parametrize("limit", [SUPERSCRIPT_TWO, ARABIC_FIVE, "9" * 5000])
async def test_depth_limit_unicode_or_long_is_json_4xx(client: Client, limit: str) -> None:
    answer = await client.raw(
        "GET", "/fapi/v1/depth", _encode({"symbol": "BTCUSDT", "limit": limit})
    )
    assert _is_json_4xx(answer), answer
    assert answer.code == -1100
    assert "X-MBX-USED-WEIGHT-1M" in answer.headers


@pytest.mark.parametrize("order_id", [SUPERSCRIPT_TWO, ARABIC_FIVE, "9" * 5000])
async def test_order_id_unicode_or_long_is_json_4xx(
    client: Client, sim: BinanceSimVenue, order_id: str
) -> None:
    await client.order(side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.001", price="1000")
    params = {"symbol": "BTCUSDT", "orderId": order_id, "timestamp": str(client.clock.ms)}
    body = _signed(params).encode()
    for method in ("GET", "DELETE"):
        answer = await client.raw(method, "/fapi/v1/order", body=body)
        assert _is_json_4xx(answer), (method, answer)
        assert answer.code == (-2013 if method == "GET" else -2011)  # no such order
    assert sim.account.open_count() == 1


async def test_order_id_ascii_still_works(client: Client) -> None:
    placed = await client.order(
        side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.001", price="1000"
    )
    order_id = str(placed.body["orderId"])
    found = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=order_id)
    assert found.status == 200 and found.body["orderId"] == placed.body["orderId"]


@pytest.mark.parametrize("name", ["timestamp", "recvWindow"])
@pytest.mark.parametrize("kind", ["superscript", "arabic", "long"])
async def test_timestamp_and_recv_window_unicode_or_long(
    client: Client, name: str, kind: str
) -> None:
    now = str(client.clock.ms)
    value = {
        "superscript": SUPERSCRIPT_TWO,
        "arabic": "".join(chr(0x660 + int(c)) for c in (now if name == "timestamp" else "5000")),
        "long": "9" * 5000,
    }[kind]
    params = {"symbol": "BTCUSDT", "orderId": "1", "timestamp": now, name: value}
    answer = await client.raw("GET", "/fapi/v1/order", body=_signed(params).encode())
    assert _is_json_4xx(answer), answer
    assert answer.code == -1100


async def test_resplit_replay_is_refused_and_places_nothing(
    client: Client, sim: BinanceSimVenue
) -> None:
    params = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "MARKET",
        "quantity": "10",
        "timestamp": str(client.clock.ms),
    }
    query = _encode(params)
    signature = sign(SECRET, query.encode())
    head, tail = query.split("quantity=1", 1)
    answer = await client.raw(
        "POST",
        "/fapi/v1/order",
        head + "quantity=1",
        body=f"{tail}&signature={signature}".encode(),
    )
    assert answer.status == 400 and answer.content_type == "application/json"
    assert answer.code == -1104
    assert answer.body["msg"].startswith("Not all sent parameters were read")
    assert sim.account.open_count() == 0 and sim.account.position == 0
    assert (await client.signed("GET", "/fapi/v1/openOrders")).body == []


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=5&extra=1"),
        ("GET", "/fapi/v1/time", "foo=bar"),
    ],
)
async def test_unread_public_param_is_1104(
    client: Client, method: str, path: str, query: str
) -> None:
    answer = await client.raw(method, path, query)
    assert answer.status == 400 and answer.code == -1104


async def test_unread_signed_param_is_1104(client: Client, sim: BinanceSimVenue) -> None:
    answer = await client.order(side="BUY", type="MARKET", quantity="0.001", stopPrice="1")
    assert answer.code == -1104
    assert sim.account.open_count() == 0 and sim.account.position == 0
    ok = await client.order(side="BUY", type="MARKET", quantity="0.001", recvWindow="5000")
    assert ok.status == 200


async def test_unexpected_exception_is_json_1000(
    client: Client, sim: BinanceSimVenue, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(_params: object) -> object:
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(sim.account, "query", explode)
    answer = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="1")
    assert answer.status == 500
    assert answer.content_type == "application/json"
    assert answer.code == -1000
    assert answer.body["msg"] == "An unknown error occurred while processing the request."
    assert "X-MBX-USED-WEIGHT-1M" in answer.headers
