"""The pure matching rules, as scenario tables."""

import pytest

from engine.model import Side
from engine.paper import NO_LIMIT
from engine.paper import quote_crosses
from engine.paper import take
from engine.paper import trade_fill
from engine.paper.matching import opposite_levels
from engine.paper.matching import would_take
from tests.engine.paper.stubs import StubDepth
from tests.engine.paper.stubs import StubView

BUY, SELL = Side.BUY, Side.SELL
DEPTH = StubDepth(bids=[(99, 2), (98, 5)], asks=[(100, 3), (101, 4), (103, 10)])


def case(
    name: str,
    view: StubView,
    side: Side,
    qty: int,
    expected: list[tuple[int, int]],
    *,
    limit: int = NO_LIMIT,
    slippage: int = 0,
    walk: bool = True,
) -> object:
    """One ``take`` scenario: a market order unless ``limit``, walking unless told not to."""
    return pytest.param(view, side, qty, limit, slippage, walk, expected, id=name)


BOOK = StubView(99, 100, 2, 3, DEPTH)
TOP5 = StubView(99, 100, 5, 5)
TAKE_CASES = [
    case("unknown size fills all at touch", StubView(99, 100), BUY, 7, [(100, 7)]),
    case("unknown size + slippage", StubView(99, 100), BUY, 7, [(102, 7)], slippage=2),
    case("sell slips down", StubView(99, 100), SELL, 7, [(98, 7)], slippage=1),
    case("within touch size", TOP5, BUY, 4, [(100, 4)]),
    case("overflow walk past top size", TOP5, BUY, 12, [(100, 5), (101, 5), (102, 2)]),
    case("overflow partial", TOP5, BUY, 12, [(100, 5)], walk=False),
    case("walks the book", BOOK, BUY, 9, [(100, 3), (101, 4), (103, 2)]),
    case(
        "walks past the book one tick at a time",
        BOOK,
        BUY,
        30,
        [(100, 3), (101, 4), (103, 10), (104, 10), (105, 3)],
    ),
    case(
        "partial stops at the book's end",
        BOOK,
        BUY,
        30,
        [(100, 3), (101, 4), (103, 10)],
        walk=False,
    ),
    case("book + slippage", BOOK, BUY, 5, [(101, 3), (102, 2)], slippage=1),
    case("sell walks bids", BOOK, SELL, 4, [(99, 2), (98, 2)]),
    case("limit stops at its price in the book", BOOK, BUY, 30, [(100, 3), (101, 4)], limit=102),
    case("limit bounds the walk", TOP5, BUY, 20, [(100, 5), (101, 5), (102, 5)], limit=102),
    case("slippage never past the limit", TOP5, BUY, 3, [(101, 3)], limit=101, slippage=2),
    case("limit below the ask takes nothing", StubView(99, 100), BUY, 3, [], limit=99),
    case("sell limit above the bid takes nothing", StubView(99, 100), SELL, 3, [], limit=100),
    case("no quote", StubView(0, 0), BUY, 3, []),
    case("sell walk stops above zero", StubView(2, 3, 1, 1), SELL, 5, [(2, 1), (1, 1)]),
    case("sell slippage floors at one tick", StubView(1, 3), SELL, 5, [(1, 5)], slippage=3),
    case(
        "empty book side falls back to the quote",
        StubView(99, 100, 0, 4, StubDepth(bids=[(99, 1)], asks=[])),
        BUY,
        3,
        [(100, 3)],
    ),
]


@pytest.mark.parametrize(
    ("view", "side", "qty", "limit", "slippage", "walk", "expected"), TAKE_CASES
)
def test_take(
    view: StubView,
    side: Side,
    qty: int,
    limit: int,
    slippage: int,
    walk: bool,
    expected: list[tuple[int, int]],
) -> None:
    assert take(view, side, qty, limit=limit, slippage=slippage, walk=walk) == expected


def test_opposite_levels_prefers_depth() -> None:
    view = StubView(99, 100, 7, 7, DEPTH)
    assert list(opposite_levels(view, BUY)) == [(100, 3), (101, 4), (103, 10)]
    assert list(opposite_levels(StubView(99, 100, 7, 8), SELL)) == [(99, 7)]
    assert list(opposite_levels(StubView(0, 100), SELL)) == []


@pytest.mark.parametrize(
    ("side", "limit", "expected"),
    [(BUY, 100, True), (BUY, 99, False), (SELL, 99, True), (SELL, 100, False)],
)
def test_would_take(side: Side, limit: int, expected: bool) -> None:
    assert would_take(StubView(99, 100), side, limit) is expected


def test_would_take_needs_a_quote() -> None:
    assert not would_take(StubView(0, 0), BUY, 1_000)


@pytest.mark.parametrize(
    ("side", "limit", "bid", "ask", "on_touch", "expected"),
    [
        (BUY, 100, 98, 99, False, True),  # ask through the bid
        (BUY, 100, 99, 100, False, False),  # touch only
        (BUY, 100, 99, 100, True, True),
        (BUY, 100, 100, 101, True, False),
        (BUY, 100, 99, 0, True, False),  # no ask
        (SELL, 100, 101, 102, False, True),
        (SELL, 100, 100, 101, False, False),
        (SELL, 100, 100, 101, True, True),
        (SELL, 100, 0, 101, True, False),
    ],
)
def test_quote_crosses(
    side: Side, limit: int, bid: int, ask: int, on_touch: bool, expected: bool
) -> None:
    assert quote_crosses(StubView(bid, ask), side, limit, on_touch) is expected


TRADE_FILL_CASES = [
    # side, limit, remaining, print price, print size, aggressor, on_touch, lots filled
    (BUY, 100, 5, 99, 1, SELL, False, 5),  # through: all of it
    (BUY, 100, 5, 99, 1, BUY, False, 5),  # through, whoever aggressed
    (BUY, 100, 5, 100, 3, SELL, False, 0),  # touch without fill_on_touch
    (BUY, 100, 5, 100, 3, SELL, True, 3),  # touch fills up to the print
    (BUY, 100, 5, 100, 9, SELL, True, 5),
    (BUY, 100, 5, 100, 0, SELL, True, 5),  # unknown print size
    (BUY, 100, 5, 100, 3, BUY, True, 0),  # a buyer lifting offers at 100
    (BUY, 100, 5, 101, 3, SELL, True, 0),
    (SELL, 100, 5, 101, 1, BUY, False, 5),
    (SELL, 100, 5, 100, 2, BUY, True, 2),
    (SELL, 100, 5, 100, 2, SELL, True, 0),
    (SELL, 100, 5, 99, 2, SELL, True, 0),
]


def row_id(row: tuple[object, ...]) -> str:
    return "-".join(str(int(v)) if isinstance(v, Side) else str(v) for v in row)


@pytest.mark.parametrize("row", TRADE_FILL_CASES, ids=row_id)
def test_trade_fill(row: tuple[Side, int, int, int, int, Side, bool, int]) -> None:
    side, limit, remaining, price, size, aggressor, on_touch, lots = row
    got = trade_fill(
        side, limit, remaining, price=price, size=size, aggressor=aggressor, on_touch=on_touch
    )
    assert got == lots
