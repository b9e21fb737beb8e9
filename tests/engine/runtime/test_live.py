"""LiveEngine's order side against the fake Alpaca over loopback: cancels retried
until the venue confirms, and the core timer with no market data."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from engine.core.trader import TraderConfig
from engine.model import ClientOrderId
from engine.model import OrderStatus
from tests.engine.runtime.live_rig import AAPL
from tests.engine.runtime.live_rig import GET_BY_CID
from tests.engine.runtime.live_rig import LiveRig
from tests.engine.runtime.live_rig import until
from tests.kit.fake_alpaca import FakeAlpaca
from tests.kit.fake_alpaca import Fault

LIMIT = TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=60.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeAlpaca]:
    async with FakeAlpaca() as server:
        yield server


@pytest.fixture
async def rig(fake: FakeAlpaca) -> AsyncIterator[LiveRig]:
    rig = await LiveRig(fake, order=LIMIT).start()
    yield rig
    await rig.close()


async def resting_entry(rig: LiveRig) -> ClientOrderId:
    """A limit buy working at the venue."""
    await rig.quote(100.00, 100.02, signal=1)
    await until(rig.sent, 5, "the entry")
    cid = rig.sent()[0]
    await until(lambda: rig.core.orders.status(cid) is OrderStatus.ACCEPTED, 5, "accepted")
    return cid


def status(rig: LiveRig, cid: ClientOrderId) -> OrderStatus | None:
    return rig.core.orders.status(cid)


async def cancel_against_errors(
    rig: LiveRig, fake: FakeAlpaca, errors: int, delay: float
) -> tuple[ClientOrderId, str]:
    """A resting entry whose cancel is asked for while the venue answers its next ``errors``
    DELETEs and order queries with a 500, retried every ``delay`` s: (cid, venue order id)."""
    cid = await resting_entry(rig)
    vid = rig.venue_order(cid)["id"]
    fake.faults[f"DELETE /v2/orders/{vid}"] = [Fault(status=500) for _ in range(errors)]
    fake.faults[GET_BY_CID] = [Fault(status=500) for _ in range(errors)]
    rig.live.cancel_delays = (delay,)
    rig.live.request_cancel(cid)
    return cid, vid


# -- cancels ------------------------------------------------------------------------------


async def test_a_cancel_is_confirmed_by_the_stream(rig: LiveRig, fake: FakeAlpaca) -> None:
    cid = await resting_entry(rig)
    rig.live.request_cancel(cid)
    assert status(rig, cid) is OrderStatus.CANCEL_PENDING  # marked at once
    rig.live.request_cancel(cid)  # idempotent: still one task
    assert rig.live.cancels_pending == 1
    vid = rig.venue_order(cid)["id"]
    await until(lambda: rig.venue_status(cid) == "canceled", 5, "the DELETE")
    await fake.push_update("canceled", rig.venue_order(cid))
    await until(lambda: rig.live.cancels_pending == 0, 5, "the cancel task to end")
    assert status(rig, cid) is OrderStatus.CANCELLED
    assert fake.count("DELETE", f"/v2/orders/{vid}") == 1
    assert fake.count("GET", "/v2/orders:by_client_order_id") == 0  # the stream said it


async def test_the_retries_stop_once_the_stream_confirms(rig: LiveRig, fake: FakeAlpaca) -> None:
    cid, vid = await cancel_against_errors(rig, fake, errors=3, delay=0.5)
    await until(lambda: not fake.faults[GET_BY_CID], 5, "the first attempt")
    order = fake.touch(rig.venue_order(cid), status="canceled")  # e.g. cancelled by a person
    await fake.push_update("canceled", order)
    await until(lambda: rig.live.cancels_pending == 0, 5, "the cancel task to end")
    assert status(rig, cid) is OrderStatus.CANCELLED
    assert fake.count("DELETE", f"/v2/orders/{vid}") == 3  # the first attempt only


async def test_an_order_the_venue_already_filled_is_settled_with_the_fill(
    rig: LiveRig, fake: FakeAlpaca
) -> None:
    """The venue filled the order and its fill event was lost: the DELETE is refused
    (422, not cancelable) and the query shows it filled: the fill is booked."""
    cid = await resting_entry(rig)
    fake.touch(rig.venue_order(cid), status="filled", filled_qty="1", filled_avg_price="100.00")
    rig.live.request_cancel(cid)
    await until(lambda: status(rig, cid) is OrderStatus.FILLED, 5, "the venue's truth")
    assert rig.position() == 1
    assert len(rig.fills(cid)) == 1
    await until(lambda: rig.live.cancels_pending == 0, 5, "the cancel task to end")


async def test_a_cancel_the_venue_never_answers_neither_holds_up_wait_idle_nor_outlives_the_timer(
    rig: LiveRig, fake: FakeAlpaca
) -> None:
    cid, vid = await cancel_against_errors(rig, fake, errors=1000, delay=0.01)
    await until(lambda: fake.count("DELETE", f"/v2/orders/{vid}") >= 6, 5, "two attempts")
    assert await rig.live.wait_idle(5)  # False if it waited for the endless cancel
    assert rig.live.pending_tasks == 0 and rig.live.cancels_pending == 1
    assert status(rig, cid) is OrderStatus.CANCEL_PENDING
    timer = asyncio.get_running_loop().create_task(rig.live.run_timer(0.01))
    await asyncio.sleep(0)
    timer.cancel()
    await asyncio.gather(timer, return_exceptions=True)
    await until(lambda: rig.live.cancels_pending == 0, 5, "the retries to stop")
    attempts = fake.count("DELETE", f"/v2/orders/{vid}")
    await rig.quote(100.00, 100.02)  # the loop turns a few times: nothing more is sent
    assert fake.count("DELETE", f"/v2/orders/{vid}") == attempts


async def test_a_cancel_asked_before_the_submit_is_answered_reaches_the_venue(
    fake: FakeAlpaca,
) -> None:
    """The cancel is asked while the submit is still on its way (no venue order id
    yet): the first DELETE cannot be addressed; once the venue has the order it is
    cancelled all the same."""
    rig = await LiveRig(fake, order=LIMIT).start()
    try:
        fake.faults["POST /v2/orders"] = [Fault(then_normal=True, delay_s=0.2, status=200)]
        await rig.quote(100.00, 100.02, signal=1)
        await until(rig.sent, 5, "the entry")
        cid = rig.sent()[0]
        rig.live.request_cancel(cid)
        await until(lambda: rig.venue_status(cid) == "canceled", 5, "the cancel")
        await until(lambda: status(rig, cid) is OrderStatus.CANCELLED, 5, "settled here")
    finally:
        await rig.close()


# -- ambiguity --------------------------------------------------------------------------


async def test_an_ambiguous_submit_stays_unknown_while_the_venue_cannot_answer(
    fake: FakeAlpaca,
) -> None:
    """The submit times out and every query fails: the venue never said it does not
    know the order, so it is not called rejected (that could book a real fill twice)."""
    rig = LiveRig(fake, order=LIMIT, live_options={"resolve_delays": (0.05, 0.05)}, timeout_s=0.3)
    await rig.start()
    try:
        fake.faults["POST /v2/orders"] = [Fault(then_normal=True, delay_s=1.0)]
        fake.faults[GET_BY_CID] = [Fault(status=500) for _ in range(6)]  # 2 x (1 + 2 retries)
        await rig.quote(100.00, 100.02, signal=1)
        await until(rig.sent, 5, "the entry")
        cid = rig.sent()[0]
        await until(lambda: not fake.faults[GET_BY_CID], 5, "the resolution's queries")
        await until(lambda: rig.live.pending_tasks == 0, 5, "the resolution to end")
        assert status(rig, cid) is OrderStatus.UNKNOWN
        assert fake.count("GET", "/v2/orders:by_client_order_id") == 6  # no more look-ups
    finally:
        await rig.close()


# -- the core's clock ---------------------------------------------------------------------


@pytest.mark.parametrize("skew_s", [-3600, 3600])
async def test_the_timer_times_an_entry_out_on_time_whatever_the_venue_clock_says(
    fake: FakeAlpaca, skew_s: int
) -> None:
    """The venue's clock an hour behind or ahead of the local one: the entry times out
    after its timeout, neither at once nor an hour late, with no further market data."""
    order = TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=0.3)
    rig = await LiveRig(fake, order=order).start()
    try:
        rig.run_timer(0.01)
        venue_ts = time.time_ns() + skew_s * 10**9
        rig.script.set(AAPL, 1)
        started = time.monotonic()
        rig.core.on_quote(AAPL, venue_ts, 10000, 1, 10002, 1)  # the core, past the gate
        rig.live.apply([])
        cid = rig.sent()[0]
        await until(lambda: status(rig, cid) is OrderStatus.ACCEPTED, 5, "accepted")
        await until(lambda: status(rig, cid) is not OrderStatus.ACCEPTED, 5, "the timeout")
        elapsed = time.monotonic() - started
        assert 0.3 <= elapsed < 30, elapsed  # not at once, not an hour late (any load)
        assert status(rig, cid) is OrderStatus.CANCEL_PENDING
        assert venue_ts < rig.core.now < venue_ts + 10**9  # carried forward, not jumped
    finally:
        await rig.close()


async def test_the_core_clock_goes_on_from_the_venues_time_and_never_back(rig: LiveRig) -> None:
    core, live = rig.core, rig.live
    first = core.now
    assert first > 0  # the rig's quotes gave the core a time
    assert live.core_time() == first  # re-anchored on it
    core.now = first - 10**9  # e.g. another symbol's quote, stamped earlier
    live.on_timer()
    assert core.now >= first  # the estimate goes on from the anchor
    before = time.perf_counter_ns()
    await until(lambda: time.perf_counter_ns() - before > 20_000_000, 1, "20 ms")
    live.on_timer()
    assert core.now >= first + 20_000_000
    ahead = core.now + 10**9
    core.now = ahead  # a report stamped ahead of the estimate: the anchor moves there
    live.on_timer()
    assert ahead <= core.now < ahead + 10**8
