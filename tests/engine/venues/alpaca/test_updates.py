"""The trade_updates stream of AlpacaExecution against the fake Alpaca."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import Any

import pytest

from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model.events import FeedState
from engine.venues.alpaca import AlpacaAuthError
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca.config import ExecutionConfig
from tests.engine.venues.alpaca.conftest import INSTRUMENTS
from tests.engine.venues.alpaca.conftest import Updates
from tests.engine.venues.alpaca.conftest import backoff
from tests.engine.venues.alpaca.conftest import stop
from tests.engine.venues.alpaca.conftest import until
from tests.kit.fake_alpaca import KEY
from tests.kit.fake_alpaca import SECRET
from tests.kit.fake_alpaca import FakeAlpaca
from tests.kit.fake_alpaca import rfc3339

K = ReportKind


@pytest.fixture
async def live(fake: FakeAlpaca) -> AsyncIterator[Callable[..., Any]]:
    """``ex, rec, task = await live(**kw)``: an execution client streaming trade_updates."""
    started: list[tuple[AlpacaExecution, asyncio.Task[None]]] = []

    async def start(**kw: Any) -> tuple[AlpacaExecution, Updates, asyncio.Task[None]]:
        opts: dict[str, Any] = {"timeout_s": 1.0, "retry_backoff_s": 0.01, **backoff()} | kw
        config = ExecutionConfig(fake.url, KEY, SECRET, **opts)
        ex = AlpacaExecution(config, INSTRUMENTS, rng=random.Random(5))
        rec = Updates()
        task = asyncio.create_task(ex.run_updates(rec.on_report, rec.on_feed, rec.on_recovered))
        started.append((ex, task))
        return ex, rec, task

    yield start
    for ex, task in started:
        await stop(task)
        await ex.close()


async def listening(fake: FakeAlpaca, rec: Updates, n: int = 1) -> None:
    await until(
        lambda: (
            len(fake.update_conns) == 1
            and [e.state for e in rec.feed].count(FeedState.CONNECTED) >= n
        ),
        what="listening",
    )


@pytest.mark.parametrize("encoding", ["json", "msgpack"])
async def test_lifecycle_events_map_to_reports(fake: FakeAlpaca, live: Any, encoding: str) -> None:
    ex, rec, _ = await live(encoding=encoding)
    await listening(fake, rec)
    assert fake.update_actions == [
        {"action": "authenticate", "data": {"key_id": KEY, "secret_key": SECRET}},
        {"action": "listen", "data": {"streams": ["trade_updates"]}},
    ]
    o = fake.make_order("sb-1", "AAPL", "buy", "10", "limit", "187.50")
    await fake.push_update("new", o)
    fake.touch(o, status="partially_filled", filled_qty="4", filled_avg_price="187.5")
    await fake.push_update(
        "partial_fill", o, execution_id="e1", price="187.50", qty="4", position_qty="4"
    )
    fake.touch(o, status="partially_filled", filled_qty="7", filled_avg_price="187.4957")
    await fake.push_update(
        "partial_fill", o, execution_id="e2", price="187.49", qty="3", position_qty="7"
    )
    fake.touch(o, status="filled", filled_qty="10")
    await fake.push_update("fill", o, execution_id="e3", price="187.5", qty="3", position_qty="10")
    await until(lambda: len(rec.reports) == 4)
    new, f1, f2, f3 = rec.reports
    assert (new.kind, new.client_order_id, new.venue_order_id) == (K.ACCEPTED, "sb-1", "ord-0001")
    fills = [(r.kind, r.exec_id, r.last_qty, r.last_price, r.cum_qty, r.fee) for r in (f1, f2, f3)]
    assert fills == [
        (K.FILL, "e1", 4, 18750, 4, 0),
        (K.FILL, "e2", 3, 18749, 7, 0),
        (K.FILL, "e3", 3, 18750, 10, 0),
    ]
    assert f1.ts == fake_ns(o, f1) and f1.ts < f2.ts < f3.ts
    assert ex.updates.counters.events == {"new": 1, "partial_fill": 2, "fill": 1}


def fake_ns(order: dict[str, Any], report: Any) -> int:
    return int(report.ts)  # timestamps come from the event; ordering is what matters


@pytest.mark.parametrize(
    ("event", "status", "kind"),
    [
        ("canceled", "canceled", K.CANCELLED),
        ("expired", "expired", K.EXPIRED),
        ("rejected", "rejected", K.REJECTED),
        ("pending_cancel", "pending_cancel", K.CANCEL_REQUESTED),
        ("order_cancel_rejected", "new", K.CANCEL_REJECTED),
        ("accepted", "accepted", K.ACCEPTED),
        ("pending_new", "pending_new", K.ACCEPTED),
    ],
)
async def test_terminal_and_cancel_events(
    fake: FakeAlpaca, live: Any, event: str, status: str, kind: ReportKind
) -> None:
    _, rec, _ = await live()
    await listening(fake, rec)
    o = fake.make_order("sb-2", "AMD", status=status)
    await fake.push_update("done_for_day", o)  # ignored, counted
    await fake.push_update(event, o, timestamp=rfc3339(1_700_000_000_123_456_789))
    await until(lambda: rec.reports)
    assert [(r.kind, r.client_order_id, r.ts) for r in rec.reports] == [
        (kind, "sb-2", 1_700_000_000_123_456_789)
    ]


async def test_unreadable_events_are_counted_not_fatal(
    fake: FakeAlpaca, live: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ex, rec, _ = await live()
    await listening(fake, rec)
    for ws, _ in fake.update_conns:
        await ws.send_bytes(b'{"stream":"trade_updates","data":{"event":"fill"}}')
        await ws.send_bytes(b"garbage")
    o = fake.make_order("sb-3", "AAPL")
    await fake.push_update("new", o)
    await until(lambda: rec.reports)
    assert ex.updates.counters.malformed == 2


async def test_auth_failure_raises(fake: FakeAlpaca, live: Any) -> None:
    fake.updates_auth_ok = False
    _, rec, task = await live()
    with pytest.raises(AlpacaAuthError):
        await asyncio.wait_for(task, 3)
    assert fake.update_connects == 1 and rec.feed == []


async def test_reconnect_recovers_orders_changed_while_away(
    fake: FakeAlpaca, live: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ex, rec, _ = await live(recovery_margin_s=0.0)
    await listening(fake, rec)
    old = fake.make_order("old", "AAPL", status="filled")  # done before: not recovered
    working = fake.make_order("w1", "AAPL", "buy", "5", "limit", "10.00")
    await fake.push_update("new", working)
    await until(lambda: rec.reports)
    await fake.drop_updates()
    # while away: w1 fills, a new order is placed and partly filled
    fake.touch(working, status="filled", filled_qty="5", filled_avg_price="10")
    fresh = fake.make_order("n1", "AMD", "sell", "4", "limit", "20.00")
    fake.touch(fresh, status="partially_filled", filled_qty="1", filled_avg_price="20.01")
    await listening(fake, rec, 2)
    assert len(rec.recovered) == 1
    snapshots = {o.client_order_id: o for o in rec.recovered[0]}
    assert set(snapshots) == {"w1", "n1"}
    assert (snapshots["w1"].status, snapshots["w1"].filled_qty) == (OrderStatus.FILLED, 5)
    assert (snapshots["n1"].status, snapshots["n1"].filled_qty) == (OrderStatus.PARTIALLY_FILLED, 1)
    assert snapshots["n1"].avg_fill_price == pytest.approx(2001.0)
    listed = [q for m, p, q, _ in fake.requests if (m, p) == ("GET", "/v2/orders")]
    assert listed and listed[0]["status"] == "all" and listed[0]["direction"] == "asc"
    assert old["client_order_id"] not in snapshots
    states = [e.state for e in rec.feed]
    assert states == [FeedState.CONNECTED, FeedState.DISCONNECTED, FeedState.CONNECTED]
    assert ex.venue_ids.get("n1") == fresh["id"]  # working: cancelable without a query
    assert SECRET not in caplog.text
    # and events keep flowing on the new connection
    await fake.push_update("canceled", fake.touch(fresh, status="canceled"))
    await until(lambda: rec.reports[-1].kind is K.CANCELLED)


async def test_failed_recovery_reconnects_and_retries(fake: FakeAlpaca, live: Any) -> None:
    from tests.kit.fake_alpaca import Fault

    _, rec, _ = await live(query_retries=0)
    await listening(fake, rec)
    fake.faults["GET /v2/orders"].append(Fault(500, {"message": "down"}))
    await fake.drop_updates()
    await listening(fake, rec, 2)
    assert len(rec.recovered) == 1  # the second attempt recovered
    assert fake.update_connects == 3
