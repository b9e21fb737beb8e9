"""PaperVenue as a specification: arrival outcomes, resting fills, cancels, latency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from typing import cast

import pytest

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.paper import PaperConfig
from engine.paper import PaperVenue
from tests.engine.paper.stubs import INSTRUMENT
from tests.engine.paper.stubs import SYM
from tests.engine.paper.stubs import StubDepth
from tests.engine.paper.stubs import StubView
from tests.engine.paper.stubs import fills
from tests.engine.paper.stubs import kinds
from tests.engine.paper.stubs import limit
from tests.engine.paper.stubs import order

BUY, SELL = Side.BUY, Side.SELL
MKT, LMT, POST = OrderType.MARKET, OrderType.LIMIT, OrderType.POST_ONLY
GTC, IOC, FOK, DAY = TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.DAY
ETH = Instrument(
    symbol=Symbol("ETHUSDT"),
    price_increment=Decimal("0.01"),
    size_increment=Decimal("0.001"),
    min_lots=10,
)
CID = ClientOrderId


def make(view: StubView | None = None, **config: Any) -> tuple[PaperVenue, StubView]:
    venue = PaperVenue([INSTRUMENT, ETH], PaperConfig(**config))
    view = view if view is not None else StubView(99, 100, 5, 5)
    venue.attach(SYM, view)
    return venue, view


def summary(r: ExecutionReport) -> tuple[object, ...]:
    if r.kind is ReportKind.FILL:
        return ("fill", r.last_price, r.last_qty, r.liquidity.value)
    return (r.kind.value, r.reason)


ACC = ("accepted", "")

ARRIVALS = [
    # id, config, view, order, expected reports, still working
    (
        "market, unknown size",
        {},
        StubView(99, 100),
        order("a", BUY, 7),
        [ACC, ("fill", 100, 7, "taker")],
        0,
    ),
    (
        "market + slippage",
        {"slippage_ticks": 2},
        StubView(99, 100),
        order("a", BUY, 7),
        [ACC, ("fill", 102, 7, "taker")],
        0,
    ),
    (
        "market sell + slippage",
        {"slippage_ticks": 1},
        StubView(99, 100),
        order("a", SELL, 7),
        [ACC, ("fill", 98, 7, "taker")],
        0,
    ),
    (
        "market walks past top size",
        {},
        None,
        order("a", BUY, 12),
        [ACC, ("fill", 100, 5, "taker"), ("fill", 101, 5, "taker"), ("fill", 102, 2, "taker")],
        0,
    ),
    (
        "market partial overflow cancels the rest",
        {"overflow": "partial"},
        None,
        order("a", BUY, 12),
        [ACC, ("fill", 100, 5, "taker"), ("cancelled", "ioc_remainder")],
        0,
    ),
    (
        "market walks the book",
        {},
        StubView(99, 100, 5, 5, StubDepth([(99, 5)], [(100, 2), (102, 1)])),
        order("a", BUY, 5),
        [
            ACC,
            ("fill", 100, 2, "taker"),
            ("fill", 102, 1, "taker"),
            ("fill", 103, 1, "taker"),
            ("fill", 104, 1, "taker"),
        ],
        0,
    ),
    (
        "market without a quote",
        {},
        StubView(0, 0),
        order("a", BUY, 3),
        [ACC, ("cancelled", "no_liquidity")],
        0,
    ),
    (
        "market FOK fills",
        {"overflow": "partial"},
        None,
        order("a", BUY, 5, tif=FOK),
        [ACC, ("fill", 100, 5, "taker")],
        0,
    ),
    (
        "market FOK killed",
        {"overflow": "partial"},
        None,
        order("a", BUY, 6, tif=FOK),
        [ACC, ("expired", "fok_unfilled")],
        0,
    ),
    (
        "marketable limit takes",
        {},
        None,
        limit("a", BUY, 4, 101),
        [ACC, ("fill", 100, 4, "taker")],
        0,
    ),
    (
        "marketable limit, slippage capped",
        {"slippage_ticks": 3},
        None,
        limit("a", BUY, 4, 101),
        [ACC, ("fill", 101, 4, "taker")],
        0,
    ),
    (
        "marketable limit walks to its price, rests the rest",
        {},
        None,
        limit("a", BUY, 14, 101),
        [ACC, ("fill", 100, 5, "taker"), ("fill", 101, 5, "taker")],
        1,
    ),
    (
        "marketable sell limit",
        {},
        None,
        limit("a", SELL, 3, 98),
        [ACC, ("fill", 99, 3, "taker")],
        0,
    ),
    ("limit below the ask rests", {}, None, limit("a", BUY, 3, 99), [ACC], 1),
    ("limit without a view rests", {}, StubView(0, 0), limit("a", SELL, 3, 99), [ACC], 1),
    (
        "IOC partial",
        {"overflow": "partial"},
        None,
        limit("a", BUY, 8, 100, IOC),
        [ACC, ("fill", 100, 5, "taker"), ("cancelled", "ioc_remainder")],
        0,
    ),
    (
        "IOC not marketable",
        {},
        None,
        limit("a", BUY, 8, 99, IOC),
        [ACC, ("cancelled", "no_liquidity")],
        0,
    ),
    (
        "FOK limit fills",
        {},
        None,
        limit("a", BUY, 8, 101, FOK),
        [ACC, ("fill", 100, 5, "taker"), ("fill", 101, 3, "taker")],
        0,
    ),
    (
        "FOK limit killed",
        {},
        None,
        limit("a", BUY, 8, 100, FOK),
        [ACC, ("expired", "fok_unfilled")],
        0,
    ),
    ("post-only rests", {}, None, order("a", BUY, 3, POST, GTC, 99), [ACC], 1),
    (
        "post-only would take",
        {},
        None,
        order("a", BUY, 3, POST, GTC, 100),
        [("rejected", "post_only_would_take")],
        0,
    ),
    (
        "post-only sell would take",
        {},
        None,
        order("a", SELL, 3, POST, DAY, 99),
        [("rejected", "post_only_would_take")],
        0,
    ),
    (
        "post-only IOC",
        {},
        None,
        order("a", BUY, 3, POST, IOC, 90),
        [("rejected", "post_only_requires_gtc_or_day")],
        0,
    ),
    ("zero qty", {}, None, order("a", BUY, 0), [("rejected", "invalid_qty")], 0),
    ("negative qty", {}, None, limit("a", BUY, -2, 99), [("rejected", "invalid_qty")], 0),
    ("fractional qty", {}, None, order("a", BUY, cast(int, 1.5)), [("rejected", "invalid_qty")], 0),
    ("zero limit price", {}, None, limit("a", BUY, 1, 0), [("rejected", "invalid_price")], 0),
    ("negative limit price", {}, None, limit("a", SELL, 1, -3), [("rejected", "invalid_price")], 0),
    (
        "off-grid limit price",
        {},
        None,
        limit("a", BUY, 1, cast(int, 99.5)),
        [("rejected", "off_grid_price")],
        0,
    ),
    (
        "unknown symbol",
        {},
        None,
        order("a", BUY, 1, symbol=Symbol("NOPE")),
        [("rejected", "unknown_symbol")],
        0,
    ),
    (
        "below min lots",
        {},
        None,
        order("a", BUY, 9, symbol=ETH.symbol),
        [("rejected", "qty_below_min")],
        0,
    ),
]


@pytest.mark.parametrize(
    ("config", "view", "new_order", "expected", "working"),
    [case[1:] for case in ARRIVALS],
    ids=[case[0] for case in ARRIVALS],
)
def test_arrival(
    config: dict[str, Any],
    view: StubView | None,
    new_order: Any,
    expected: list[tuple[object, ...]],
    working: int,
) -> None:
    venue, _ = make(view, **config)
    venue.submit(new_order, 1)
    reports = venue.advance(1)
    assert [summary(r) for r in reports] == expected
    assert len(venue.working_orders()) == working
    assert all(r.ts == 1 and r.client_order_id == "a" for r in reports)


# -- resting orders --------------------------------------------------------------

RESTING = [
    # id, fill_on_touch, resting order (side, price), event, expected fill (price, qty) or None
    ("ask through the bid", False, (BUY, 100), ("quote", 98, 99), (100, 4)),
    ("ask touches the bid", False, (BUY, 100), ("quote", 99, 100), None),
    ("ask touches the bid, on touch", True, (BUY, 100), ("quote", 99, 100), (100, 4)),
    ("bid through the ask", False, (SELL, 101), ("quote", 102, 103), (101, 4)),
    ("bid touches the ask", False, (SELL, 101), ("quote", 101, 102), None),
    ("bid touches the ask, on touch", True, (SELL, 101), ("quote", 101, 102), (101, 4)),
    ("print through the buy", False, (BUY, 100), ("trade", 99, 1, BUY), (100, 4)),
    ("print at the buy", False, (BUY, 100), ("trade", 100, 9, SELL), None),
    ("print at the buy, on touch", True, (BUY, 100), ("trade", 100, 3, SELL), (100, 3)),
    (
        "print at the buy, on touch, unknown size",
        True,
        (BUY, 100),
        ("trade", 100, 0, SELL),
        (100, 4),
    ),
    ("buyer's print at the buy, on touch", True, (BUY, 100), ("trade", 100, 9, BUY), None),
    ("print through the sell", False, (SELL, 101), ("trade", 102, 1, BUY), (101, 4)),
    ("print at the sell, on touch", True, (SELL, 101), ("trade", 101, 9, BUY), (101, 4)),
    ("print away from the order", True, (SELL, 101), ("trade", 100, 9, BUY), None),
]


@pytest.mark.parametrize(
    ("on_touch", "resting", "event", "expected"),
    [case[1:] for case in RESTING],
    ids=[case[0] for case in RESTING],
)
def test_resting_order(
    on_touch: bool,
    resting: tuple[Side, int],
    event: tuple[Any, ...],
    expected: tuple[int, int] | None,
) -> None:
    venue, view = make(StubView(99, 101, 5, 5), fill_on_touch=on_touch)
    side, price = resting
    venue.submit(limit("r", side, 4, price), 1)
    assert kinds(venue.advance(1)) == [ReportKind.ACCEPTED]
    if event[0] == "quote":
        view.set(event[1], event[2], 5, 5)
        venue.on_quote(SYM, 2)
    else:
        venue.on_trade(SYM, event[1], event[2], event[3], 2)
    reports = venue.advance(2)
    assert fills(reports) == ([expected] if expected else [])
    assert all(r.liquidity is LiquiditySide.MAKER and r.ts == 2 for r in reports)
    left = 4 - (expected[1] if expected else 0)
    assert [o.leaves_qty for o in venue.working_orders()] == ([left] if left else [])


def test_touch_fills_share_the_print_in_price_time_priority() -> None:
    venue, _ = make(StubView(95, 105), fill_on_touch=True)
    venue.submit(limit("low", BUY, 4, 99), 1)
    venue.submit(limit("early", BUY, 3, 100), 1)
    venue.submit(limit("late", BUY, 3, 100), 1)
    venue.advance(1)
    venue.on_trade(SYM, 100, 5, SELL, 2)
    got = [(r.client_order_id, r.last_qty) for r in venue.advance(2)]
    assert got == [("early", 3), ("late", 2)]
    venue.on_trade(SYM, 98, 1, SELL, 3)  # through both remaining orders
    later = [(r.client_order_id, r.last_qty, r.cum_qty) for r in venue.advance(3)]
    assert later == [("late", 1, 3), ("low", 4, 4)]
    assert venue.working_orders() == []


def test_remainder_of_a_marketable_limit_rests_and_fills_as_maker() -> None:
    venue, view = make(overflow="partial", maker_fee=Decimal("-0.0001"))
    venue.submit(limit("a", BUY, 8, 100), 1)
    assert fills(venue.advance(1)) == [(100, 5)]
    [working] = venue.working_orders()
    assert (working.status, working.filled_qty, working.leaves_qty) == (
        OrderStatus.PARTIALLY_FILLED,
        5,
        3,
    )
    view.set(98, 99)
    venue.on_quote(SYM, 2)
    [fill] = venue.advance(2)
    assert (fill.last_price, fill.last_qty, fill.cum_qty, fill.liquidity) == (
        100,
        3,
        8,
        LiquiditySide.MAKER,
    )
    assert fill.fee == -300  # 100 ticks x 3 lots x 10_000 nanos x -0.0001
    assert venue.get_order(CID("a")).status is OrderStatus.FILLED  # type: ignore[union-attr]


# -- fees -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "taker", "fee_taken", "fee_made"),
    [
        ("0", "0", 0, 0),
        ("0.0002", "0.0004", 2_000, 1_000),
        ("-0.0001", "0.0004", 2_000, -500),
        ("0.000075", "0.000075", 375, 375),  # 5_000_000 x 0.000075 = 375 exactly
        ("0.00000011", "0.00000009", 0, 1),  # 0.45 -> 0, 0.55 -> 1
        ("0.0000001", "0.0000005", 2, 0),  # 2.5 -> 2 (even), 0.5 -> 0 (even)
    ],
)
def test_fees_are_exact_nanos(maker: str, taker: str, fee_taken: int, fee_made: int) -> None:
    venue, view = make(StubView(99, 100), maker_fee=Decimal(maker), taker_fee=Decimal(taker))
    venue.submit(order("t", BUY, 5), 1)  # 100 ticks x 5 lots = 5_000_000 nanos
    venue.submit(limit("m", SELL, 5, 100), 1)
    venue.advance(1)
    view.set(101, 102)
    venue.on_quote(SYM, 2)
    (taken,) = [
        r for r in venue.advance(2) if r.kind is ReportKind.FILL and r.client_order_id == "m"
    ]
    assert taken.fee == fee_made
    venue2, _ = make(StubView(99, 100), maker_fee=Decimal(maker), taker_fee=Decimal(taker))
    venue2.submit(order("t", BUY, 5), 1)
    [fill] = [r for r in venue2.advance(1) if r.kind is ReportKind.FILL]
    assert (fill.fee, fill.liquidity) == (fee_taken, LiquiditySide.TAKER)
    assert venue2.counters.fees == fee_taken


# -- cancels, duplicates, day expiry ------------------------------------------------


def test_cancel_working_order() -> None:
    venue, _ = make()
    venue.submit(limit("a", BUY, 3, 90), 1)
    venue.cancel(CID("a"), 1)
    reports = venue.advance(1)
    assert [summary(r) for r in reports] == [ACC, ("cancelled", "client_cancel")]
    assert reports[1].cum_qty == 0
    assert reports[1].venue_order_id == reports[0].venue_order_id == "PAPER-ord-1"
    assert venue.working_orders() == []
    venue.cancel(CID("a"), 2)
    assert [summary(r) for r in venue.advance(2)] == [("cancel_rejected", "order_cancelled")]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (None, "unknown_order"),
        (order("a", BUY, 2), "order_filled"),
        (limit("a", BUY, 2, 0), "order_rejected"),
        (limit("a", BUY, 2, 90, IOC), "order_cancelled"),
    ],
)
def test_cancel_rejected(setup: Any, reason: str) -> None:
    venue, _ = make()
    if setup is not None:
        venue.submit(setup, 1)
    venue.cancel(CID("a"), 1)
    last = venue.advance(1)[-1]
    assert (last.kind, last.reason) == (ReportKind.CANCEL_REJECTED, reason)
    assert venue.counters.cancel_rejected == 1


def test_duplicate_client_order_id_is_rejected_and_leaves_the_original() -> None:
    venue, _ = make()
    venue.submit(limit("a", BUY, 3, 90), 1)
    venue.submit(limit("a", BUY, 3, 91), 1)
    reports = venue.advance(1)
    assert [summary(r) for r in reports] == [ACC, ("rejected", "duplicate_client_order_id")]
    [working] = venue.working_orders()
    assert working.price == 90


def test_day_orders_expire_on_request_only() -> None:
    venue, _ = make()
    venue.submit(limit("gtc", BUY, 1, 90), 1)
    venue.submit(limit("day1", BUY, 1, 91, DAY), 1)
    venue.submit(limit("day2", SELL, 1, 120, DAY), 1)
    venue.advance(1)
    venue.on_quote(SYM, 1_000_000)
    assert len(venue.working_orders()) == 3
    venue.expire_day(2_000_000)
    reports = venue.advance(2_000_000)
    assert [(r.client_order_id, r.kind, r.reason) for r in reports] == [
        ("day1", ReportKind.EXPIRED, "day_expired"),
        ("day2", ReportKind.EXPIRED, "day_expired"),
    ]
    assert [o.client_order_id for o in venue.working_orders()] == ["gtc"]


def test_rejected_order_is_queryable() -> None:
    venue, _ = make()
    venue.submit(limit("a", BUY, 1, -1), 1)
    venue.advance(1)
    got = venue.get_order(CID("a"))
    assert got is not None
    assert (got.status, got.reason) == (OrderStatus.REJECTED, "invalid_price")
    assert venue.get_order(CID("zzz")) is None


# -- latency and ordering ------------------------------------------------------------


def test_latency_delays_arrival_and_delivery() -> None:
    venue, view = make(StubView(99, 100), latency_in_ns=10, latency_out_ns=5)
    assert venue.next_due() is None
    assert venue.advance(0) == []
    venue.submit(order("a", BUY, 2), 100)
    assert venue.next_due() == 110
    assert venue.advance(109) == []
    # the shell's tick at 110: advance first (the order sees the view before
    # this tick), then update the view, then on_quote.
    assert venue.advance(110) == []
    view.set(104, 105)
    venue.on_quote(SYM, 110)
    assert venue.next_due() == 115
    assert venue.advance(114) == []
    reports = venue.advance(115)
    assert [(r.kind, r.ts, r.last_price) for r in reports] == [
        (ReportKind.ACCEPTED, 110, 0),
        (ReportKind.FILL, 110, 100),
    ]
    assert venue.next_due() is None


def test_arrival_between_ticks_sees_the_previous_view() -> None:
    venue, view = make(StubView(99, 100), latency_in_ns=7)
    venue.submit(order("a", BUY, 1), 100)  # arrives at 107
    [acc, fill] = venue.advance(110)  # tick at 110, before its view update
    view.set(109, 110)
    venue.on_quote(SYM, 110)
    assert venue.advance(110) == []
    assert (acc.ts, fill.ts, fill.last_price) == (107, 107, 100)


def test_cancel_in_flight_loses_to_a_fill() -> None:
    venue, view = make(StubView(99, 101), latency_in_ns=10, latency_out_ns=3)
    venue.submit(limit("a", BUY, 2, 100), 0)
    venue.advance(10)
    venue.cancel(CID("a"), 11)  # arrives at 21
    out = venue.advance(15)
    view.set(98, 99)
    venue.on_quote(SYM, 15)  # fills at 15
    out += venue.advance(30)
    assert [(r.kind, r.ts, r.reason) for r in out] == [
        (ReportKind.ACCEPTED, 10, ""),
        (ReportKind.FILL, 15, ""),
        (ReportKind.CANCEL_REJECTED, 21, "order_filled"),
    ]


def test_cancel_and_order_at_the_same_time_keep_submission_order() -> None:
    venue, _ = make(latency_in_ns=4)
    venue.submit(limit("a", BUY, 2, 90), 0)
    venue.cancel(CID("a"), 0)
    assert kinds(venue.advance(4)) == [ReportKind.ACCEPTED, ReportKind.CANCELLED]


def test_ids_are_deterministic() -> None:
    def run() -> list[ExecutionReport]:
        venue, view = make(venue="SIM2")
        venue.submit(order("a", BUY, 12), 1)
        venue.submit(limit("b", SELL, 2, 101), 1)
        venue.advance(1)
        view.set(102, 103)
        venue.on_quote(SYM, 2)
        return venue.advance(2)

    first, second = run(), run()
    assert first == second
    assert [r.exec_id for r in first if r.exec_id] == ["SIM2-4"]
    venue, _ = make(venue="SIM2")
    venue.submit(order("a", BUY, 12), 1)
    reports = venue.advance(1)
    assert [r.exec_id for r in reports] == [None, "SIM2-1", "SIM2-2", "SIM2-3"]
    assert {r.venue_order_id for r in reports} == {"SIM2-ord-1"}
    assert [r.cum_qty for r in reports] == [0, 5, 10, 12]


def test_counters() -> None:
    venue, _ = make()
    venue.submit(order("a", BUY, 7), 1)
    venue.submit(limit("b", BUY, 0, 90), 1)
    venue.submit(limit("c", BUY, 1, 90), 1)
    venue.cancel(CID("c"), 1)
    venue.cancel(CID("zz"), 1)
    venue.advance(1)
    assert venue.counters.as_dict() == {
        "accepted": 2,
        "cancel_rejected": 1,
        "cancel_requests": 2,
        "cancelled": 1,
        "expired": 0,
        "fees": 0,
        "filled_lots": 7,
        "fills": 2,
        "rejected": 1,
        "submitted": 3,
    }


def test_working_order_snapshot() -> None:
    venue, view = make(fill_on_touch=True)
    venue.submit(limit("a", SELL, 10, 101), 5)
    venue.advance(5)
    venue.on_trade(SYM, 101, 4, BUY, 6)
    [snap] = venue.working_orders(SYM)
    assert (snap.status, snap.filled_qty, snap.avg_fill_price, snap.updated_ts) == (
        OrderStatus.PARTIALLY_FILLED,
        4,
        101.0,
        6,
    )
    assert snap.venue_order_id == "PAPER-ord-1"
    assert venue.working_orders(Symbol("OTHER")) == []
    assert view.bid == 99
