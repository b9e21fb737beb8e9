"""Rebuilding the core from the store: every stored outcome comes back as it was."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.runtime.recovery import rebuild_from_store
from engine.store import StoreReader
from tests.kit.core import sma_core
from tests.kit.store import stored_events

SYM = Symbol("AAA")
INST = Instrument(symbol=SYM, price_increment=Decimal("0.01"), size_increment=Decimal(1))


def core() -> TradingCore:
    return sma_core(INST)


def report(cid: ClientOrderId, kind: ReportKind, ts: int, **kw: object) -> ExecutionReport:
    return ExecutionReport(cid, kind, ts, **kw)  # type: ignore[arg-type]


def fill_report(
    cid: ClientOrderId, ts: int, xid: ExecutionId, qty: int, price: int
) -> ExecutionReport:
    """A fill of ``qty`` at ``price``, the order's first (so its cumulative quantity is ``qty``)."""
    return report(
        cid, ReportKind.FILL, ts, exec_id=xid, last_qty=qty, last_price=price, cum_qty=qty
    )


async def test_rebuild_restores_each_outcome_and_the_position(tmp_path: Path):
    live = core()
    outcomes = {}
    for i, end in enumerate(["filled", "partial_cancelled", "rejected", "working", "expired"]):
        order = live.orders.create(OrderIntent(SYM, Side.BUY, 2, reason=end), 1000 + i)
        cid = order.client_order_id
        outcomes[end] = cid
        if end == "rejected":
            live.on_report(report(cid, ReportKind.REJECTED, 2000 + i))
            continue
        live.on_report(report(cid, ReportKind.ACCEPTED, 2000 + i))
        if end == "filled":
            live.on_report(fill_report(cid, 3000, ExecutionId("e1"), 2, 100))
        elif end == "partial_cancelled":
            live.on_report(fill_report(cid, 3001, ExecutionId("e2"), 1, 101))
            live.on_report(report(cid, ReportKind.CANCELLED, 3002))
        elif end == "expired":
            live.on_report(report(cid, ReportKind.EXPIRED, 3003))
    engine = await stored_events(tmp_path / "r.db", live.events)

    fresh = core()
    orders, fills = await rebuild_from_store(fresh, StoreReader(engine))
    await engine.dispose()
    assert (orders, fills) == (5, 2)
    status = {end: fresh.orders.status(cid) for end, cid in outcomes.items()}
    assert status == {
        "filled": OrderStatus.FILLED,
        "partial_cancelled": OrderStatus.CANCELLED,
        "rejected": OrderStatus.REJECTED,
        "working": OrderStatus.ACCEPTED,
        "expired": OrderStatus.EXPIRED,
    }
    assert [o.client_order_id for o in fresh.orders.working()] == [outcomes["working"]]
    assert fresh.portfolio.position_qty(SYM) == 3
    assert fresh.portfolio.lots(SYM) == [(2, 100), (1, 101)]
    assert fresh.events == [] and fresh.outbox == []
    assert fresh.orders.errors == 0
    # A late duplicate of a stored fill is recognised after the restart.
    fresh.on_report(fill_report(outcomes["filled"], 4000, ExecutionId("e1"), 2, 100))
    assert fresh.portfolio.position_qty(SYM) == 3
