"""AlpacaExecution's REST side against the fake Alpaca over loopback."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from engine.model import ClientOrderId
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca import AlpacaUnavailableError
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.base import CloseResult
from engine.venues.base import SubmitOutcome
from engine.venues.base import VenueError
from tests.engine.venues.alpaca.conftest import INSTRUMENTS
from tests.engine.venues.raw_http import RawHttpServer
from tests.engine.venues.raw_http import response
from tests.engine.venues.raw_http import send
from tests.kit import builders as kit
from tests.kit.fake_alpaca import KEY
from tests.kit.fake_alpaca import SECRET
from tests.kit.fake_alpaca import FakeAlpaca
from tests.kit.fake_alpaca import Fault

POST = ("POST", "/v2/orders")


@pytest.fixture
async def ex(fake: FakeAlpaca) -> AsyncIterator[AlpacaExecution]:
    client = AlpacaExecution(
        ExecutionConfig(fake.url, KEY, SECRET, timeout_s=0.3, retry_backoff_s=0.01), INSTRUMENTS
    )
    yield client
    await client.close()


def order(
    cid: str = "sb-1-1",
    qty: int = 3,
    price: int = 12345,
    kind: OrderType = OrderType.LIMIT,
    side: Side = Side.BUY,
) -> Order:
    aapl = Symbol("AAPL")
    return kit.order(cid, side, qty, kind, TimeInForce.DAY, price, aapl, created_ts=1, updated_ts=1)


async def test_instruments_from_assets(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    fake.assets["AAPL"] = {
        "symbol": "AAPL",
        "class": "us_equity",
        "tradable": True,
        "status": "active",
        "fractionable": True,
    }
    fake.assets["BTC/USD"] = {
        "symbol": "BTC/USD",
        "class": "crypto",
        "tradable": True,
        "status": "active",
        "price_increment": "1",
        "min_trade_increment": "0.000000001",
        "min_order_size": "0.0001",
    }
    aapl, btc = await ex.instruments([Symbol("AAPL"), Symbol("BTC/USD")])
    assert (aapl.price_increment, aapl.size_increment) == (Decimal("0.01"), Decimal(1))
    assert aapl.min_lots == 1
    assert btc.price_increment == 1 and btc.size_increment == Decimal("1e-9")
    assert btc.min_lots == 100_000
    with pytest.raises(VenueError, match="ZZZZ"):
        await ex.instruments([Symbol("ZZZZ")])
    fake.assets["OLD"] = {"symbol": "OLD", "tradable": False, "status": "inactive"}
    with pytest.raises(VenueError, match="not tradable"):
        await ex.instruments([Symbol("OLD")])


async def test_submit_accepted_sends_once_with_the_fixed_client_id(
    fake: FakeAlpaca, ex: AlpacaExecution
) -> None:
    result = await ex.submit(order())
    assert result.outcome is SubmitOutcome.ACCEPTED
    assert result.status is OrderStatus.ACCEPTED
    assert result.venue_order_id == "ord-0001"
    assert fake.count(*POST) == 1
    body = fake.requests[0][3]
    assert body == {
        "symbol": "AAPL",
        "qty": "3",
        "side": "buy",
        "type": "limit",
        "time_in_force": "day",
        "client_order_id": "sb-1-1",
        "limit_price": "123.45",
    }
    market = await ex.submit(order("sb-1-2", kind=OrderType.MARKET, side=Side.SELL, price=0))
    assert market.outcome is SubmitOutcome.ACCEPTED
    assert "limit_price" not in fake.requests[-1][3] and fake.requests[-1][3]["side"] == "sell"


@pytest.mark.parametrize(
    ("status", "message"),
    [(403, "insufficient buying power"), (422, "qty must be > 0")],
)
async def test_submit_rejected(
    fake: FakeAlpaca, ex: AlpacaExecution, status: int, message: str
) -> None:
    fake.faults["POST /v2/orders"].append(Fault(status, {"code": 40310000, "message": message}))
    result = await ex.submit(order())
    assert (result.outcome, result.reason) == (SubmitOutcome.REJECTED, message)
    assert fake.count(*POST) == 1


async def test_duplicate_client_id_is_rejected_by_the_venue(
    fake: FakeAlpaca, ex: AlpacaExecution
) -> None:
    assert (await ex.submit(order())).outcome is SubmitOutcome.ACCEPTED
    again = await ex.submit(order())
    assert again.outcome is SubmitOutcome.REJECTED and "unique" in again.reason


@pytest.mark.parametrize(
    "fault",
    [
        Fault(500, {"code": 50010000, "message": "internal server error"}),
        Fault(503, "upstream unavailable"),
        Fault(200, {}, delay_s=1.0),  # the client times out after 0.3 s
        Fault(reset=True),
        Fault(200, "not an order"),  # 2xx we cannot read: placed, maybe
    ],
    ids=["500", "503", "timeout", "reset", "unreadable-2xx"],
)
async def test_submit_ambiguous_is_never_retried(
    fake: FakeAlpaca, ex: AlpacaExecution, fault: Fault
) -> None:
    fake.faults["POST /v2/orders"].append(fault)
    result = await ex.submit(order())
    assert result.outcome is SubmitOutcome.AMBIGUOUS, result
    assert result.reason
    assert fake.count(*POST) == 1
    assert ex.counters.ambiguous == 1


async def test_ambiguous_submit_resolves_by_query(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    fake.faults["POST /v2/orders"].append(Fault(500, {"message": "boom"}, then_normal=True))
    assert (await ex.submit(order())).outcome is SubmitOutcome.AMBIGUOUS
    found = await ex.query_order(ClientOrderId("sb-1-1"))
    assert found is not None
    assert (found.status, found.qty, found.price, found.venue_order_id) == (
        OrderStatus.ACCEPTED,
        3,
        12345,
        "ord-0001",
    )
    assert fake.count(*POST) == 1
    assert await ex.query_order(ClientOrderId("never-sent")) is None


async def test_429_rejects_then_fails_fast_and_queries_wait(
    fake: FakeAlpaca, ex: AlpacaExecution
) -> None:
    fake.faults["POST /v2/orders"].append(
        Fault(
            429,
            {"code": 42910000, "message": "rate limit exceeded"},
            headers={"Retry-After": "0.3"},
        )
    )
    first = await ex.submit(order("a"))
    assert (first.outcome, first.reason) == (SubmitOutcome.REJECTED, "rate_limited")
    during = await ex.submit(order("b"))  # inside the back-off: not even sent
    assert (during.outcome, during.reason) == (SubmitOutcome.REJECTED, "rate_limited")
    assert fake.count(*POST) == 1
    t0 = time.monotonic()
    assert await ex.account()  # a read waits the back-off out, then goes
    assert time.monotonic() - t0 >= 0.2
    assert (await ex.submit(order("c"))).outcome is SubmitOutcome.ACCEPTED
    assert ex.counters.rate_limited == 2


async def test_429_honours_x_ratelimit_reset(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    reset = str(int(time.time()) + 2)
    fake.faults["GET /v2/account"].append(
        Fault(429, {"message": "slow down"}, headers={"X-Ratelimit-Reset": reset})
    )
    fake.faults["GET /v2/account"].append(Fault(429, {"message": "slow down"}))
    ex.rest.retries = 0
    with pytest.raises(AlpacaUnavailableError, match="429"):
        await ex.account()
    assert 0.5 < ex.rest.blocked_for() <= 2.0
    assert (await ex.submit(order())).reason == "rate_limited"
    assert fake.count(*POST) == 0


async def test_queries_retry_5xx_then_give_up(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    fake.make_order("sb-9", "AAPL")
    path = "GET /v2/orders:by_client_order_id"
    fake.faults[path] += [Fault(502, "bad gateway"), Fault(200, {}, delay_s=1.0)]
    found = await ex.query_order(ClientOrderId("sb-9"))
    assert found is not None and found.client_order_id == "sb-9"
    assert fake.count("GET", "/v2/orders:by_client_order_id") == 3
    fake.faults[path] += [Fault(500, "x")] * 3
    with pytest.raises(AlpacaUnavailableError):
        await ex.query_order(ClientOrderId("sb-9"))


async def test_list_orders_positions_account(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    o1 = fake.make_order("c1", "AAPL", "buy", "10", "limit", "187.5")
    fake.touch(o1, status="partially_filled", filled_qty="4", filled_avg_price="187.4925")
    fake.make_order("c2", "AMD", "sell", "2", "market", None, status="filled")
    open_ = await ex.list_orders("open")
    assert [o.client_order_id for o in open_] == ["c1"]
    o = open_[0]
    assert (o.status, o.qty, o.filled_qty, o.price, o.side) == (
        OrderStatus.PARTIALLY_FILLED,
        10,
        4,
        18750,
        Side.BUY,
    )
    assert o.avg_fill_price == pytest.approx(18749.25)
    every = await ex.list_orders("all", after_ts=1)
    assert [o.client_order_id for o in every] == ["c1", "c2"]
    assert fake.requests[-1][2]["direction"] == "asc" and "after" in fake.requests[-1][2]
    fake.positions = [
        {
            "symbol": "AAPL",
            "qty": "5",
            "side": "long",
            "avg_entry_price": "187.25",
            "market_value": "940",
            "asset_class": "us_equity",
        },
        {"symbol": "AMD", "qty": "-3", "side": "short", "avg_entry_price": "87.5"},
    ]
    pos = {p.symbol: (p.qty, p.avg_price) for p in await ex.positions()}
    assert pos == {"AAPL": (5, 18725.0), "AMD": (-3, 8750.0)}
    acct = await ex.account()
    assert (acct.cash, acct.equity, acct.buying_power) == (
        100_000_500_000_000,
        100_250_250_000_000,
        200_000 * 10**9,
    )


async def test_cancel(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    await ex.submit(order("k1"))
    assert await ex.cancel(ClientOrderId("k1")) is True
    assert fake.count("DELETE", "/v2/orders/ord-0001") == 1
    assert await ex.cancel(ClientOrderId("k1")) is False  # 422 not cancelable
    fake.make_order("k2", "AAPL")  # not submitted here: found by client id first
    assert await ex.cancel(ClientOrderId("k2")) is True
    assert await ex.cancel(ClientOrderId("nope")) is False


async def test_cancel_all_and_close_all_207(fake: FakeAlpaca, ex: AlpacaExecution) -> None:
    fake.make_order("o1", "AAPL")
    fake.make_order("o2", "AMD")
    fake.make_order("o3", "AMD", status="filled")
    assert await ex.cancel_all() == 2
    fake.positions = [
        {"symbol": "AAPL", "qty": "5", "side": "long", "avg_entry_price": "1"},
        {
            "symbol": "SQQQ",
            "qty": "1",
            "side": "long",
            "avg_entry_price": "1",
            "_refuse": "insufficient qty available for order",
        },
    ]
    results = await ex.close_all_positions()
    assert results == [
        CloseResult(Symbol("AAPL"), True, ClientOrderId("close-AAPL")),
        CloseResult(Symbol("SQQQ"), False, reason="insufficient qty available for order"),
    ]
    assert fake.requests[-1][2] == {"cancel_orders": "true"}


async def test_unsupported_or_unknown_orders_are_rejected_without_sending(
    fake: FakeAlpaca, ex: AlpacaExecution
) -> None:
    post_only = await ex.submit(order(kind=OrderType.POST_ONLY))
    assert post_only.outcome is SubmitOutcome.REJECTED and "post_only" in post_only.reason
    tsla = Symbol("TSLA")
    other = kit.order(
        "x", Side.BUY, 1, OrderType.MARKET, TimeInForce.DAY, 0, tsla, created_ts=1, updated_ts=1
    )
    assert (await ex.submit(other)).outcome is SubmitOutcome.REJECTED
    assert fake.count(*POST) == 0


async def test_secrets_stay_out_of_errors_reprs_and_logs(
    fake: FakeAlpaca, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = AlpacaExecution(
        ExecutionConfig(fake.url, KEY, SECRET + "-wrong", timeout_s=0.3, retry_backoff_s=0.01),
        INSTRUMENTS,
    )
    texts = [repr(bad), repr(bad.rest)]
    with pytest.raises(VenueError) as info:
        await bad.account()  # 401
    texts += [str(info.value), repr(info.value)]
    assert (await bad.submit(order())).outcome is SubmitOutcome.REJECTED
    fake.faults["GET /v2/positions"] += [Fault(500, "x")] * 3
    good = AlpacaExecution(
        ExecutionConfig(fake.url, KEY, SECRET, timeout_s=0.3, retry_backoff_s=0.01), INSTRUMENTS
    )
    with pytest.raises(AlpacaUnavailableError) as info2:
        await good.positions()
    texts += [str(info2.value), repr(info2.value), repr(good), caplog.text]
    await bad.close()
    await good.close()
    assert not any(SECRET in t for t in texts)
    assert venue_id_type_is_str(good)


def venue_id_type_is_str(ex: AlpacaExecution) -> bool:
    return all(isinstance(v, str) for v in ex.venue_ids.values()) and VenueOrderId is not None


def test_the_adapters_implement_the_venue_port() -> None:
    """Checked by mypy: the Alpaca classes are the port's Execution and MarketData."""
    from engine.venues.alpaca import AlpacaMarketData
    from engine.venues.alpaca import DataConfig
    from engine.venues.base import Execution
    from engine.venues.base import MarketData

    execution: Execution = AlpacaExecution(ExecutionConfig("http://127.0.0.1:1", KEY, SECRET))
    data: MarketData = AlpacaMarketData(DataConfig("ws://127.0.0.1:1", KEY, SECRET), INSTRUMENTS)
    assert callable(execution.close) and callable(data.run)


async def test_begin_submit_puts_the_order_on_the_wire_before_returning() -> None:
    """The hot path's promise: after ``warm``, the request is written inside
    ``begin_submit``; the server (in its own thread) has it while this loop is
    still blocked, before anything is awaited."""
    accepted = {
        "id": "ord-9",
        "client_order_id": "sb-1-9",
        "symbol": "AAPL",
        "side": "buy",
        "status": "accepted",
        "qty": "3",
        "filled_qty": "0",
        "type": "limit",
        "limit_price": "123.45",
    }
    server = RawHttpServer().start()
    server.default = send(response(200, json.dumps(accepted).encode()))
    ex = AlpacaExecution(ExecutionConfig(server.url(), KEY, SECRET, timeout_s=2.0), INSTRUMENTS)
    try:
        await ex.warm()
        pending = ex.begin_submit(order("sb-1-9"))
        assert server.wait_requests(1, timeout=3.0)
        head, _, body = server.requests[0].partition(b"\r\n\r\n")
        assert head.startswith(b"POST /v2/orders HTTP/1.1\r\n")
        assert f"APCA-API-KEY-ID: {KEY}".encode() in head
        assert json.loads(body)["client_order_id"] == "sb-1-9"
        result = await pending
        assert (result.outcome, result.venue_order_id) == (SubmitOutcome.ACCEPTED, "ord-9")
        assert ex.order_pool.cold_requests == 0
    finally:
        await ex.close()
        server.stop()
