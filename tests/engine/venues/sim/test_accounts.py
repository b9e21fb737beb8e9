"""Orders through the paper fill model, reported on trade_updates; positions and cash."""

from __future__ import annotations

import time
from decimal import Decimal

import aiohttp

from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.venues.sim import SimVenue
from tests.engine.venues.sim.conftest import StartVenue
from tests.engine.venues.sim.support import Rest
from tests.engine.venues.sim.support import UpdatesClient
from tests.engine.venues.sim.support import eventually
from tests.kit.sim import inject_quote as quote

EQ = Symbol("SIMEQ")
BTC = Symbol("BTCUSD")


async def test_market_order_new_partial_fill_fill(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    # 0.002 BTC shown at the ask: a 0.005 order walks 60000.1, 60000.2 (0.002 each), 60000.3
    quote(venue, BTC, 600000, 600001, 2, 2)
    updates = await UpdatesClient.listening(http, venue)
    status, order = await rest.order("BTCUSD", "0.005", "buy", client_order_id="walk-1")
    assert status == 200 and order["status"] == "accepted"
    events = await updates.events(4)
    assert [e["event"] for e in events] == ["new", "partial_fill", "partial_fill", "fill"]
    new, *fills = events
    assert new["order"]["status"] == "new" and "price" not in new
    assert [(f["price"], f["qty"], f["position_qty"]) for f in fills] == [
        ("60000.1", "0.002", "0.002"),
        ("60000.2", "0.002", "0.004"),
        ("60000.3", "0.001", "0.005"),
    ]
    assert [f["order"]["filled_qty"] for f in fills] == ["0.002", "0.004", "0.005"]
    assert [f["order"]["status"] for f in fills] == ["partially_filled"] * 2 + ["filled"]
    assert fills[-1]["order"]["filled_avg_price"] == "60000.18"
    assert len({e["execution_id"] for e in events}) == 4
    assert all(e["order"]["client_order_id"] == "walk-1" for e in events)
    assert all(e["timestamp"].endswith("Z") for e in events)
    _, account = await rest.get("/v2/account")
    assert account["cash"] == "99699.9991"  # 100000 - 0.005 x 60000.18
    _, position = await rest.get("/v2/positions/BTCUSD")
    assert (position["qty"], position["avg_entry_price"]) == ("0.005", "60000.18")


async def test_sell_reports_negative_position_qty(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    quote(venue, EQ, 15000, 15001, 100, 100)
    updates = await UpdatesClient.listening(http, venue)
    await rest.order("SIMEQ", "3", "sell")
    new, fill = await updates.events(2)
    assert (new["event"], fill["event"]) == ("new", "fill")
    assert (fill["price"], fill["qty"], fill["position_qty"]) == ("150.00", "3", "-3")
    assert fill["order"]["position_intent"] == "sell_to_open"


async def test_resting_limit_fills_when_the_market_crosses(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    quote(venue, EQ, 15000, 15001, 100, 100)
    updates = await UpdatesClient.listening(http, venue)
    _, order = await rest.order("SIMEQ", "2", "buy", type="limit", limit_price="149.98")
    assert (await updates.event())["event"] == "new"
    quote(venue, EQ, 14998, 14999, 100, 100)  # the ask at 149.99 does not reach 149.98
    assert (await rest.get(f"/v2/orders/{order['id']}"))[1]["status"] == "new"
    venue.inject([Trade(EQ, time.time_ns(), 14997, 1, Side.SELL)])  # a print through the limit
    fill = await updates.event()
    assert (fill["event"], fill["price"], fill["qty"], fill["position_qty"]) == (
        "fill",
        "149.98",
        "2",
        "2",
    )


async def test_ioc_and_fok_leftovers(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    quote(venue, EQ, 15000, 15001, 100, 100)
    updates = await UpdatesClient.listening(http, venue)
    await rest.order("SIMEQ", "1", "buy", type="limit", limit_price="149.00", time_in_force="ioc")
    assert [e["event"] for e in await updates.events(2)] == ["new", "canceled"]
    await rest.order("SIMEQ", "1", "buy", type="limit", limit_price="149.00", time_in_force="fok")
    assert [e["event"] for e in await updates.events(2)] == ["new", "expired"]


async def test_cancel_reports_canceled(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    quote(venue, EQ, 15000, 15001, 100, 100)
    updates = await UpdatesClient.listening(http, venue)
    _, order = await rest.order(
        "SIMEQ", "1", "buy", type="limit", limit_price="140", time_in_force="gtc"
    )
    await updates.event()
    assert (await rest.delete(f"/v2/orders/{order['id']}"))[0] == 204
    event = await updates.event()
    assert event["event"] == "canceled" and event["order"]["canceled_at"] is not None
    assert event["order"]["status"] == "canceled"


async def test_limit_orders_fill_as_the_synthetic_market_moves(
    http: aiohttp.ClientSession, start_venue: StartVenue
) -> None:
    venue = await start_venue(quote_rate=2000.0, seed=7)
    rest = Rest(http, venue)
    view = venue.account.views[EQ]
    await eventually(lambda: view.bid > 0)
    updates = await UpdatesClient.listening(http, venue)
    bid = venue.account.units[EQ].price_str(view.bid)
    ask = venue.account.units[EQ].price_str(view.ask)
    _, buy = await rest.order(
        "SIMEQ", "1", "buy", type="limit", limit_price=bid, time_in_force="gtc"
    )
    _, sell = await rest.order(
        "SIMEQ", "1", "sell", type="limit", limit_price=ask, time_in_force="gtc"
    )
    # The market runs at 2,000 quotes/s: it may move through a limit before the order
    # arrives, and the order then fills at once at a better price. What holds either way:
    # each order is acknowledged before it fills, and a fill never breaks its limit.
    seen: dict[str, list[str]] = {buy["id"]: [], sell["id"]: []}
    fill: dict[str, object] | None = None
    while fill is None:
        event = await updates.event(timeout=10.0)
        seen[event["order"]["id"]].append(event["event"])
        if event["event"] == "fill":
            fill = event
    assert fill is not None
    filled = fill["order"]["id"]
    assert seen[filled] == ["new", "fill"], seen
    other = sell["id"] if filled == buy["id"] else buy["id"]
    while not seen[other]:
        event = await updates.event(timeout=10.0)
        seen[event["order"]["id"]].append(event["event"])
    assert seen[other][0] == "new", seen
    price = Decimal(str(fill["price"]))
    if filled == buy["id"]:
        assert price <= Decimal(bid), (price, bid)
    else:
        assert price >= Decimal(ask), (price, ask)


async def test_end_of_day_expires_day_orders_only(
    http: aiohttp.ClientSession, rest: Rest, venue: SimVenue
) -> None:
    quote(venue, EQ, 15000, 15001, 100, 100)
    _, day = await rest.order("SIMEQ", "1", "buy", type="limit", limit_price="149")
    _, gtc = await rest.order(
        "SIMEQ", "1", "buy", type="limit", limit_price="149", time_in_force="gtc"
    )
    updates = await UpdatesClient.listening(http, venue)
    venue.end_of_day()
    event = await updates.event()
    assert (event["event"], event["order"]["id"]) == ("expired", day["id"])
    assert event["order"]["expired_at"] is not None
    assert (await rest.get(f"/v2/orders/{gtc['id']}"))[1]["status"] == "new"
