"""Alpaca statuses, orders, fills, positions and the account in model units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.venues.alpaca.mapping import EVENT_KIND
from engine.venues.alpaca.mapping import Mapper
from engine.venues.alpaca.mapping import WireError
from engine.venues.alpaca.mapping import account
from engine.venues.alpaca.mapping import order_body
from engine.venues.alpaca.mapping import order_status
from engine.venues.alpaca.protocol import AccountWire
from engine.venues.alpaca.protocol import OrderWire
from engine.venues.alpaca.protocol import PositionWire
from engine.venues.alpaca.protocol import TradeUpdate
from tests.engine.venues.alpaca.conftest import equity
from tests.kit import builders as kit

S, K = OrderStatus, ReportKind

DOC_ORDER = (
    b'{"id":"61e69015-8549-4bfd-b9c3-01e75843f47d","client_order_id":"sb-7-1",'
    b'"created_at":"2021-03-16T18:38:01.942282Z","updated_at":"2021-03-16T18:38:01.942282Z",'
    b'"submitted_at":"2021-03-16T18:38:01.937734Z","filled_at":null,"expired_at":null,'
    b'"canceled_at":null,"failed_at":null,"replaced_at":null,"replaced_by":null,'
    b'"replaces":null,"asset_id":"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415","symbol":"AAPL",'
    b'"asset_class":"us_equity","notional":null,"qty":"5","filled_qty":"2",'
    b'"filled_avg_price":"120.005","order_class":"","order_type":"limit","type":"limit",'
    b'"side":"sell","time_in_force":"gtc","limit_price":"120.01","stop_price":null,'
    b'"status":"partially_filled","extended_hours":false,"legs":null,"trail_percent":null,'
    b'"trail_price":null,"hwm":null}'
)


@pytest.mark.parametrize(
    ("wire", "filled", "ours"),
    [
        ("new", 0, S.ACCEPTED),
        ("accepted", 0, S.ACCEPTED),
        ("pending_new", 0, S.ACCEPTED),
        ("accepted_for_bidding", 0, S.ACCEPTED),
        ("held", 0, S.ACCEPTED),
        ("pending_review", 0, S.ACCEPTED),
        ("pending_replace", 0, S.ACCEPTED),
        ("stopped", 0, S.ACCEPTED),
        ("suspended", 0, S.ACCEPTED),
        ("done_for_day", 0, S.ACCEPTED),
        ("done_for_day", 3, S.PARTIALLY_FILLED),
        ("calculated", 3, S.PARTIALLY_FILLED),
        ("calculated", 5, S.FILLED),
        ("partially_filled", 3, S.PARTIALLY_FILLED),
        ("filled", 5, S.FILLED),
        ("pending_cancel", 0, S.CANCEL_PENDING),
        ("canceled", 2, S.CANCELLED),
        ("replaced", 0, S.CANCELLED),
        ("expired", 0, S.EXPIRED),
        ("rejected", 0, S.REJECTED),
        ("brand_new_status", 0, S.UNKNOWN),
    ],
)
def test_status_table(wire: str, filled: int, ours: OrderStatus) -> None:
    assert order_status(wire, 5, filled) is ours


def test_event_table() -> None:
    events_of = {
        K.ACCEPTED: ("new", "accepted", "pending_new"),
        K.FILL: ("fill", "partial_fill"),
        K.CANCEL_REQUESTED: ("pending_cancel",),
        K.CANCELLED: ("canceled",),
        K.EXPIRED: ("expired",),
        K.REJECTED: ("rejected",),
        K.CANCEL_REJECTED: ("order_cancel_rejected",),
    }
    assert {event: kind for kind, events in events_of.items() for event in events} == EVENT_KIND


def mapper() -> Mapper:
    return Mapper(
        {Symbol("AAPL"): equity("AAPL"), Symbol("BTC/USD"): equity("BTC/USD", "1", "0.000000001")}
    )


def test_documented_order_object() -> None:
    vo = mapper().order(msgspec.json.decode(DOC_ORDER, type=OrderWire))
    assert (vo.client_order_id, vo.symbol, vo.side, vo.qty, vo.filled_qty, vo.price) == (
        "sb-7-1",
        "AAPL",
        Side.SELL,
        5,
        2,
        12001,
    )
    assert (vo.status, vo.order_type, vo.tif) == (
        S.PARTIALLY_FILLED,
        OrderType.LIMIT,
        TimeInForce.GTC,
    )
    assert vo.avg_fill_price == pytest.approx(12000.5)
    assert vo.created_ts == 1_615_919_881_942_282_000 == vo.updated_ts
    assert vo.venue_order_id == "61e69015-8549-4bfd-b9c3-01e75843f47d"


ORDERS = st.tuples(
    st.sampled_from([("AAPL", "0.01", "1"), ("BTC/USD", "1", "0.000000001")]),
    st.integers(1, 10**9),
    st.integers(0, 10**9),
    st.integers(1, 10**8),
    st.sampled_from(list(Side)),
    st.sampled_from([OrderType.LIMIT, OrderType.MARKET]),
    st.sampled_from(list(TimeInForce)),
)


@given(ORDERS)
def test_any_order_round_trips_through_the_wire(case: Any) -> None:
    (symbol, _, lot), qty, filled_extra, price, side, kind, tif = case
    m = mapper()
    ins = m.instruments[Symbol(symbol)]
    filled = min(qty, filled_extra)
    order = kit.order(
        "sb-1-9",
        side,
        qty,
        kind,
        tif,
        price if kind is OrderType.LIMIT else 0,
        Symbol(symbol),
        created_ts=1,
        updated_ts=1,
    )
    body = order_body(order, ins)
    assert Decimal(str(body["qty"])) == qty * Decimal(lot)
    echoed = msgspec.json.encode(
        body
        | {
            "id": "v1",
            "status": "partially_filled" if filled else "new",
            "filled_qty": str(filled * Decimal(lot)),
            "filled_avg_price": body.get("limit_price"),
            "created_at": "2024-01-02T03:04:05.123456789Z",
            "updated_at": None,
        }
    )
    vo = m.order(msgspec.json.decode(echoed, type=OrderWire))
    assert (vo.qty, vo.filled_qty, vo.side, vo.order_type, vo.tif) == (qty, filled, side, kind, tif)
    assert vo.price == order.price
    assert m.inexact == 0


def update(event: str, **fields: Any) -> TradeUpdate:
    order = msgspec.json.decode(DOC_ORDER)
    order.update(fields.pop("order", {}))
    return msgspec.json.decode(
        msgspec.json.encode({"event": event, "order": order} | fields), type=TradeUpdate
    )


def test_fill_report_carries_cumulative_quantity() -> None:
    r = mapper().report(
        update(
            "partial_fill",
            execution_id="x-1",
            price="120.01",
            qty="2",
            timestamp="2021-03-16T18:38:02.000000007Z",
            position_qty="-2",
        ),
        0,
    )
    assert r is not None
    assert (r.kind, r.exec_id, r.last_qty, r.last_price, r.cum_qty, r.fee) == (
        K.FILL,
        "x-1",
        2,
        12001,
        2,
        0,
    )
    assert r.ts == 1_615_919_882_000_000_007 and str(r.venue_order_id).startswith("61e6")


@pytest.mark.parametrize(("side", "ticks"), [("buy", 12001), ("sell", 12000)])
def test_sub_tick_fill_prices_round_against_us(side: str, ticks: int) -> None:
    m = mapper()
    r = m.report(
        update("fill", execution_id="x", price="120.0050", qty="2", order={"side": side}), 0
    )
    assert r is not None and r.last_price == ticks and m.inexact == 1


def test_fill_without_execution_id_gets_a_deterministic_one() -> None:
    r = mapper().report(update("fill", price="120", qty="2"), 0)
    assert r is not None and r.exec_id == "61e69015-8549-4bfd-b9c3-01e75843f47d:2"


def test_ignored_events_and_unreadable_fills() -> None:
    m = mapper()
    assert m.report(update("done_for_day"), 0) is None
    assert m.report(update("replaced"), 0) is None
    with pytest.raises(WireError):
        m.report(update("fill", execution_id="x"), 0)  # no price or qty
    r = m.report(update("canceled", order={"updated_at": None}), 42)
    assert r is not None and r.kind is K.CANCELLED and r.ts == 42


def test_foreign_symbols_use_equity_defaults_and_are_counted() -> None:
    m = mapper()
    p = m.position(PositionWire("TSLA", "-7", "250.125", "short"))
    assert (p.symbol, p.qty) == ("TSLA", -7) and p.avg_price == pytest.approx(25012.5)
    assert m.foreign == 1
    assert m.position(PositionWire("TSLA", "0.5", "1")).qty == 0 and m.inexact == 1


def test_account_in_nanos() -> None:
    a = account(AccountWire("1000.123456789", "1500.5", "3000"))
    assert (a.cash, a.equity, a.buying_power) == (
        1_000_123_456_789,
        1_500_500_000_000,
        3_000_000_000_000,
    )
    with pytest.raises(WireError, match="cash"):
        account(AccountWire(None, "1", "1"))


def test_post_only_cannot_be_expressed() -> None:
    aapl = Symbol("AAPL")
    order = kit.order(
        "a",
        Side.BUY,
        1,
        OrderType.POST_ONLY,
        TimeInForce.GTC,
        100,
        aapl,
        created_ts=1,
        updated_ts=1,
    )
    with pytest.raises(WireError, match="post_only"):
        order_body(order, equity("AAPL"))
