"""Resting queues keep price-time priority; Working renders reports and snapshots."""

from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import VenueOrderId
from engine.paper.orders import Resting
from engine.paper.orders import Working
from tests.engine.paper.stubs import INSTRUMENT
from tests.engine.paper.stubs import limit


def working(coid: str, side: Side, price: int, seq: int) -> Working:
    return Working(limit(coid, side, 1, price), INSTRUMENT, seq, VenueOrderId(f"v{seq}"), 0)


def test_priority_is_best_price_then_arrival() -> None:
    resting = Resting(on_touch=False)
    assert (resting.buy_trigger, resting.sell_trigger) == (0, 1 << 62)
    for w in (
        working("b99", Side.BUY, 99, 1),
        working("b100a", Side.BUY, 100, 2),
        working("s102", Side.SELL, 102, 3),
        working("b100b", Side.BUY, 100, 4),
        working("s101", Side.SELL, 101, 5),
    ):
        resting.add(w)
    assert [w.client_order_id for w in resting.buys] == ["b100a", "b100b", "b99"]
    assert [w.client_order_id for w in resting.sells] == ["s101", "s102"]
    assert (resting.buy_trigger, resting.sell_trigger) == (100, 101)
    resting.remove(resting.buys[0])
    resting.remove(resting.sells[1])
    assert [w.client_order_id for w in resting.orders()] == ["b100b", "b99", "s101"]
    assert not resting.empty
    assert (resting.buy_trigger, resting.sell_trigger) == (100, 101)


def test_triggers_include_the_touch_when_touch_fills() -> None:
    resting = Resting(on_touch=True)
    resting.add(working("b", Side.BUY, 100, 1))
    resting.add(working("s", Side.SELL, 103, 2))
    assert (resting.buy_trigger, resting.sell_trigger) == (101, 102)
    resting.buys.pop(0)
    resting.refresh()
    assert resting.buy_trigger == 0


def test_reports_and_snapshot() -> None:
    w = working("a", Side.SELL, 101, 1)
    w.filled, w.cost, w.status, w.updated_ts = 1, 101, OrderStatus.FILLED, 7
    report = w.report(ReportKind.CANCEL_REJECTED, 9, "order_filled")
    assert (report.cum_qty, report.venue_order_id, report.reason) == (1, "v1", "order_filled")
    snap = w.snapshot()
    assert (snap.status, snap.filled_qty, snap.avg_fill_price, snap.updated_ts) == (
        OrderStatus.FILLED,
        1,
        101.0,
        7,
    )
    assert snap.leaves_qty == 0
