"""Signed requests: the signature over the bytes received, the timestamp rule at its exact
boundaries, and the API-key checks (the trader's invariants, DESIGN §3 C.1)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.venues.binance_sim import BinanceSimConfig
from engine.venues.binance_sim import BinanceSimVenue
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.keys import verify
from tests.engine.venues.binance_sim.support import KEY
from tests.engine.venues.binance_sim.support import SECRET
from tests.engine.venues.binance_sim.support import Client
from tests.engine.venues.binance_sim.support import FakeClock
from tests.engine.venues.binance_sim.support import capture_book
from tests.engine.venues.binance_sim.support import sign
from tests.engine.venues.binance_sim.support import signed_query

GOLDEN_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
GOLDEN_PAYLOAD = (
    b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    b"&recvWindow=5000&timestamp=1499827319559"
)
GOLDEN_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def test_secret_never_in_repr() -> None:
    assert SECRET not in repr(KEY) and "simKey" in repr(KEY)


def test_golden_vector_verifies() -> None:
    key = SimKey("golden", GOLDEN_SECRET)
    assert verify(key, GOLDEN_PAYLOAD, GOLDEN_SIGNATURE)
    assert not verify(key, GOLDEN_PAYLOAD + b"0", GOLDEN_SIGNATURE)
    assert not verify(key, GOLDEN_PAYLOAD, GOLDEN_SIGNATURE.upper())


async def test_signature_bytes(client: Client) -> None:
    """Query-only (SDK), form body (python-binance) and query+body split are all verified over
    what was sent; encoded values are signed as sent, never re-encoded."""
    ts = client.clock.ms
    sdk = await client.raw("GET", "/fapi/v1/openOrders", signed_query({"symbol": "BTCUSDT"}, ts=ts))
    assert sdk.status == 200, sdk.body
    encoded = signed_query({"symbol": "BTCUSDT", "newClientOrderId": "a/b:c"}, ts=ts)
    assert "a%2Fb%3Ac" in encoded
    placed = await client.raw(
        "POST", "/fapi/v1/order", encoded + "&side=BUY&type=MARKET&quantity=0.001"
    )
    assert placed.code == -1022  # a pair appended after signing is not signed
    body = f"symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&timestamp={ts}".encode()
    form = body + b"&signature=" + sign(SECRET, body).encode()
    pb = await client.raw("POST", "/fapi/v1/order", body=form)
    assert pb.status == 200 and pb.body["status"] == "NEW", pb.body  # ACK: as accepted
    filled = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="1")
    assert filled.body["status"] == "FILLED", filled.body
    query, rest = b"symbol=BTCUSDT&side=SELL", f"type=MARKET&quantity=0.001&timestamp={ts}".encode()
    split = await client.raw(
        "POST",
        "/fapi/v1/order",
        query.decode(),
        body=rest + b"&signature=" + sign(SECRET, query + rest).encode(),
    )
    assert split.status == 200 and split.body["side"] == "SELL", split.body


_ALPHABET = "abcdefABCDEF0123456789xyzXYZ-_.~%&="


@st.composite
def _mutation(draw: st.DrawFn) -> tuple[str, str]:
    params = {
        "symbol": "BTCUSDT",
        # a param openOrders reads (an unread one is -1104 since review L2)
        "recvWindow": str(draw(st.integers(1, 60_000))),
    }
    query = signed_query(params, ts=FakeClock().ms)
    i = draw(st.integers(0, len(query) - 1))
    skip = query.index("&signature=")
    if skip <= i < skip + len("&signature="):
        i = skip - 1  # the pair's name is not signed: mutate the byte before it instead
    new = draw(st.sampled_from([c for c in _ALPHABET if c != query[i]]))
    return query, query[:i] + new + query[i + 1 :]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutation())
def test_mutation_fails(case: tuple[str, str]) -> None:
    """Changing any one byte of the signed bytes or of the signature value gives -1022."""
    original, mutated = case

    async def run() -> None:
        clock = FakeClock()
        venue = BinanceSimVenue(BinanceSimConfig(keys=(KEY,)), clock=clock, book=capture_book())
        await venue.start()
        try:
            async with aiohttp.ClientSession() as session:
                c = Client(session, venue, clock)
                good = await c.raw("GET", "/fapi/v1/openOrders", original)
                assert good.status == 200, good.body
                bad = await c.raw("GET", "/fapi/v1/openOrders", mutated)
                assert (bad.status, bad.code) == (400, -1022), (mutated, bad.body)
                assert bad.content_type == "application/json"
        finally:
            await venue.stop()

    asyncio.run(run())


AHEAD = "Timestamp for this request was 1000ms ahead of the server's time."
OUTSIDE = "Timestamp for this request is outside of the recvWindow."


@pytest.mark.parametrize(
    ("offset_ms", "recv_window", "code", "msg"),
    [
        (999, None, None, None),  # timestamp < server + 1000
        (1000, None, -1021, AHEAD),
        (-5000, None, None, None),  # server - timestamp <= recvWindow (default 5000)
        (-5001, None, -1021, OUTSIDE),
        (-60_000, "60000", None, None),
        (-60_001, "60000", -1021, OUTSIDE),
        (0, "60001", -1131, "recvWindow must be less than 60000"),
        (-100, "100", None, None),
        (-101, "100", -1021, OUTSIDE),
        (0, "0", -1131, "recvWindow must be less than 60000"),
    ],
)
async def test_recv_window_bounds(
    client: Client, offset_ms: int, recv_window: str | None, code: int | None, msg: str | None
) -> None:
    params = {"symbol": "BTCUSDT"} | ({"recvWindow": recv_window} if recv_window else {})
    query = signed_query(params, ts=client.clock.ms + offset_ms)
    answer = await client.raw("GET", "/fapi/v1/openOrders", query)
    if code is None:
        assert answer.status == 200, answer.body
    else:
        assert (answer.status, answer.body) == (400, {"code": code, "msg": msg})


@pytest.mark.parametrize(
    ("api_key", "code"),
    [(None, -2014), ("", -2014), ("not a key!", -2014), ("unknownKey123", -2015)],
)
async def test_api_key_checks(client: Client, api_key: str | None, code: int) -> None:
    query = signed_query({"symbol": "BTCUSDT"}, ts=client.clock.ms)
    answer = await client.raw("GET", "/fapi/v1/openOrders", query, api_key=api_key)
    assert (answer.status, answer.code) == (401, code)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("symbol=BTCUSDT&timestamp=1", -1102),  # no signature
        ("symbol=BTCUSDT&signature=ab&signature=cd", -1101),
    ],
)
async def test_signature_missing_or_repeated(client: Client, query: str, code: int) -> None:
    answer = await client.raw("GET", "/fapi/v1/openOrders", query)
    assert (answer.status, answer.code) == (400, code)
