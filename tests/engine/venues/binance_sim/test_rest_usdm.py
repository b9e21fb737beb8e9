"""USD-M REST of the simulated Binance: the order-types table, unknown ids, client ids,
reduce-only, and every error as JSON (DESIGN §3 C.3-C.5).

The book is the capture's first depth snapshot: bids 61800.2 x 2.909, 61800.1 x 0.696,
61800.0 x 20.004; asks 61800.3 x 1.072, 61800.7 x 0.002, 61801.0 x 0.003.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.venues.binance_sim import BinanceSimVenue
from tests.engine.venues.binance_sim.support import Client

SDK_ORDER_FIELDS = {
    "clientOrderId", "cumQty", "executedQty", "orderId", "origQty", "price", "reduceOnly", "side",
    "positionSide", "status", "stopPrice", "closePosition", "symbol", "timeInForce", "type",
    "origType", "updateTime", "workingType", "priceProtect", "priceMatch",
    "selfTradePreventionMode", "goodTillDate",
}  # fmt: skip
FOK_AVG = (Decimal("61800.3") * Decimal("1.072") + Decimal("61800.7") * Decimal("0.002")) / Decimal(
    "1.074"
)
SELL3_AVG = (Decimal("61800.2") * Decimal("2.909") + Decimal("61800.1") * Decimal("0.091")) / 3


def lim(side: str, tif: str, qty: str, price: str) -> dict[str, str]:
    """A LIMIT order's params."""
    return {"side": side, "type": "LIMIT", "timeInForce": tif, "quantity": qty, "price": price}


# (params, error code or None, status, executedQty, avgPrice, open orders after)
ORDER_TYPES = [
    (lim("BUY", "GTC", "0.001", "60000"),
     None, "NEW", "0", "0", 1),
    (lim("BUY", "GTC", "0.5", "61800.3"),
     None, "FILLED", "0.5", "61800.3", 0),
    (lim("BUY", "GTC", "2", "61800.3"),
     None, "PARTIALLY_FILLED", "1.072", "61800.3", 1),
    (lim("BUY", "IOC", "2", "61800.3"),
     None, "EXPIRED", "1.072", "61800.3", 0),
    (lim("SELL", "IOC", "1", "61900"),
     None, "EXPIRED", "0", "0", 0),
    (lim("BUY", "FOK", "1.073", "61800.3"),
     -5021, None, None, None, 0),
    (lim("BUY", "FOK", "1.074", "61800.7"),
     None, "FILLED", "1.074", str(FOK_AVG.quantize(Decimal("1e-8")).normalize()), 0),
    (lim("BUY", "GTX", "0.001", "61800.3"),
     -5022, None, None, None, 0),
    (lim("SELL", "GTX", "0.001", "61800.2"),
     -5022, None, None, None, 0),
    (lim("BUY", "GTX", "0.001", "61800.2"),
     None, "NEW", "0", "0", 1),
    ({"side": "BUY", "type": "MARKET", "quantity": "0.001"},
     None, "FILLED", "0.001", "61800.3", 0),
    ({"side": "SELL", "type": "MARKET", "quantity": "3"},
     None, "FILLED", "3", str(SELL3_AVG.quantize(Decimal("1e-8")).normalize()), 0),
    ({"side": "SELL", "type": "MARKET", "quantity": "0.001", "reduceOnly": "true"},
     -2022, None, None, None, 0),
    (lim("BUY", "GTC", "0.001", "60000") | {"reduceOnly": "true"}, -2022, None, None, None, 0),
    (lim("BUY", "DAY", "0.001", "1"),
     -1115, None, None, None, 0),
    ({"side": "BUY", "type": "LIMIT", "quantity": "0.001", "price": "1"},
     -1102, None, None, None, 0),
    ({"side": "BUY", "type": "STOP", "quantity": "0.001"}, -1116, None, None, None, 0),
    ({"side": "BUY", "type": "MARKET", "quantity": "0.0001"}, -1111, None, None, None, 0),
    ({"side": "BUY", "type": "MARKET", "quantity": "1e-05"}, -1100, None, None, None, 0),
    ({"side": "BUY", "type": "MARKET", "quantity": "1e999999"}, -1100, None, None, None, 0),
    ({"side": "BUY", "type": "MARKET", "quantity": "-1"}, -1100, None, None, None, 0),
    ({"side": "BUY", "type": "MARKET", "quantity": "0"}, -1102, None, None, None, 0),
    (lim("BUY", "GTC", "0.001", "6.05"),
     -1111, None, None, None, 0),
]  # fmt: skip


@pytest.mark.parametrize(("params", "code", "status", "executed", "avg", "open_after"), ORDER_TYPES)
async def test_order_types_table(
    client: Client,
    sim: BinanceSimVenue,
    params: dict[str, str],
    code: int | None,
    status: str | None,
    executed: str | None,
    avg: str | None,
    open_after: int,
) -> None:
    answer = await client.order(newClientOrderId="t-1", newOrderRespType="RESULT", **params)
    if code is not None:
        assert (answer.status, answer.code) == (400, code), answer.body
        query = await client.signed(
            "GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="t-1"
        )
        assert query.code == -2013  # a refused order leaves nothing behind
    else:
        assert answer.status == 200, answer.body
        body = answer.body
        assert (body["status"], body["executedQty"], body["avgPrice"]) == (status, executed, avg)
        assert body["cumQty"] == executed and body["clientOrderId"] == "t-1"
        assert body["origType"] == params["type"] and body["reduceOnly"] is False
        assert body["timeInForce"] == params.get("timeInForce", "GTC")
        assert body.keys() >= SDK_ORDER_FIELDS
        again = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="1")
        assert again.body == body
    assert sim.stats()["open_orders"] == open_after


async def test_ack_is_the_order_as_accepted(client: Client) -> None:
    ack = await client.order(side="BUY", type="MARKET", quantity="0.002")
    assert (ack.body["status"], ack.body["executedQty"]) == ("NEW", "0")
    assert ack.body["clientOrderId"] == "sim_1"  # generated when not sent
    now = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="sim_1")
    assert (now.body["status"], now.body["executedQty"], now.body["cumQuote"]) == (
        "FILLED", "0.002", "123.6006",
    )  # fmt: skip


async def test_reduce_only(client: Client, sim: BinanceSimVenue) -> None:
    assert (await client.order(side="BUY", type="MARKET", quantity="0.01")).status == 200
    assert sim.stats()["position_lots"] == 10
    for side, qty in (("SELL", "0.011"), ("BUY", "0.001")):
        refused = await client.order(side=side, type="MARKET", quantity=qty, reduceOnly="true")
        assert refused.code == -2022, (side, qty)
    closed = await client.order(
        side="SELL", type="MARKET", quantity="0.01", reduceOnly="true", newOrderRespType="RESULT"
    )
    assert (closed.body["status"], closed.body["reduceOnly"]) == ("FILLED", True)
    assert sim.stats()["position_lots"] == 0


async def test_client_ids(client: Client) -> None:
    rest = {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}
    first = await client.order(newClientOrderId="dup.id:1/x", price="60000", **rest)
    assert first.status == 200, first.body
    dup = await client.order(newClientOrderId="dup.id:1/x", price="60001", **rest)
    assert (dup.status, dup.code, dup.body["msg"]) == (400, -4116, "ClientOrderId is duplicated.")
    for bad in ("x" * 37, "bad id", "bad!", "trailing\n"):
        assert (await client.order(newClientOrderId=bad, price="60000", **rest)).code == -4015
    assert (await client.order(newClientOrderId="y" * 36, price="60000", **rest)).status == 200
    cancel = await client.signed(
        "DELETE", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="dup.id:1/x"
    )
    assert cancel.body["status"] == "CANCELED"
    reused = await client.order(newClientOrderId="dup.id:1/x", price="60002", **rest)
    assert reused.status == 200 and reused.body["orderId"] != first.body["orderId"]
    latest = await client.signed(
        "GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="dup.id:1/x"
    )
    assert latest.body["price"] == "60002"
    old = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="1")
    assert old.body["status"] == "CANCELED"


async def test_query_cancel_unknown(client: Client) -> None:
    for ids in ({"orderId": "999"}, {"origClientOrderId": "nope"}, {"orderId": "x1"}):
        query = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", **ids)
        assert (query.status, query.body) == (400, {"code": -2013, "msg": "Order does not exist."})
        cancel = await client.signed("DELETE", "/fapi/v1/order", symbol="BTCUSDT", **ids)
        assert (cancel.status, cancel.body) == (400, {"code": -2011, "msg": "Unknown order sent."})
    missing = await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT")
    assert missing.code == -1102
    filled = await client.order(side="BUY", type="MARKET", quantity="0.001")
    assert filled.status == 200
    closed = await client.signed("DELETE", "/fapi/v1/order", symbol="BTCUSDT", orderId="1")
    assert closed.code == -2011  # a filled order cannot be cancelled
    mismatch = await client.signed(
        "GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="1", origClientOrderId="other"
    )
    assert mismatch.code == -2013


async def test_open_orders_and_cancel_all(client: Client, sim: BinanceSimVenue) -> None:
    for n in range(3):
        await client.order(
            side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.001", price=f"6200{n}"
        )
    listed = await client.signed("GET", "/fapi/v1/openOrders", symbol="BTCUSDT")
    assert [o["orderId"] for o in listed.body] == [1, 2, 3]
    assert (await client.signed("GET", "/fapi/v1/openOrders", symbol="ETHUSDT")).code == -1121
    done = await client.signed("DELETE", "/fapi/v1/allOpenOrders", symbol="BTCUSDT")
    assert done.body == {"code": 200, "msg": "The operation of cancel all open order is done."}
    assert sim.stats()["open_orders"] == 0
    assert (await client.signed("DELETE", "/fapi/v1/allOpenOrders")).code == -1102


async def test_public_endpoints(client: Client, sim: BinanceSimVenue) -> None:
    assert (await client.raw("GET", "/fapi/v1/ping")).body == {}
    assert (await client.raw("GET", "/fapi/v1/time")).body == {"serverTime": client.clock.ms}
    identity = await client.raw("GET", "/sim/identity")
    assert identity.body == {"venue": "scalpbot-sim", "protocol": 1, "wire": "binance-usdm"}
    info = (await client.raw("GET", "/fapi/v1/exchangeInfo")).body
    assert info["rateLimits"] == [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
        {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
    ]
    (symbol,) = info["symbols"]
    filters = {f["filterType"]: f for f in symbol["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.10"
    assert filters["LOT_SIZE"]["stepSize"] == "0.001"
    assert filters["MIN_NOTIONAL"]["notional"] == "100"
    depth = (await client.raw("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=5")).body
    assert depth["lastUpdateId"] == 5123107852948
    assert depth["bids"][:2] == [["61800.2", "2.909"], ["61800.1", "0.696"]]
    assert depth["asks"][:2] == [["61800.3", "1.072"], ["61800.7", "0.002"]]
    assert len(depth["asks"]) == 5
    assert len((await client.raw("GET", "/fapi/v1/depth", "symbol=BTCUSDT")).body["bids"]) == 500


async def test_every_error_is_json(client: Client) -> None:
    answers = [
        await client.raw("GET", "/fapi/v1/depth"),
        await client.raw("GET", "/fapi/v1/depth", "symbol=BTCUSDT&limit=7"),
        await client.raw("GET", "/fapi/v1/depth", "symbol=XX"),
        await client.raw("GET", "/no/such/path"),
        await client.raw("PUT", "/fapi/v1/order"),
        await client.raw("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT", api_key=None),
        await client.raw("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT&signature=00"),
        await client.signed("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId="5"),
        await client.order(side="SIDEWAYS", type="MARKET", quantity="1"),
        await client.order(side="BUY", type="MARKET", quantity="1e-05"),
    ]
    for answer in answers:
        assert answer.status >= 400
        assert answer.content_type == "application/json"
        assert set(answer.body) == {"code", "msg"} and isinstance(answer.body["code"], int)
    assert [a.status for a in answers[3:6]] == [404, 405, 401]
