"""Crash safety: the bot is SIGKILLed at random moments while it trades, and restarted.

The simulated venue runs in its own process (with a state file) and outlives
every bot. After at least 20 kills and a final orderly stop, the store and the
venue must agree: no order lost, no fill counted twice, the same positions, no
client order id used twice, and no order sent by a process before its durable
``Lifecycle ready`` event (or after it was killed).
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from engine.model.events import Discrepancy
from tests.acceptance.conftest import SIM_KEY
from tests.acceptance.conftest import SIM_SECRET
from tests.acceptance.conftest import BotRun
from tests.acceptance.conftest import Children
from tests.acceptance.conftest import bot_config
from tests.acceptance.conftest import check_books
from tests.acceptance.conftest import check_ids
from tests.acceptance.conftest import check_one_intent_one_order
from tests.acceptance.conftest import eventually
from tests.acceptance.conftest import get_json
from tests.acceptance.conftest import read_store
from tests.acceptance.conftest import run_of
from tests.acceptance.conftest import start_bot
from tests.acceptance.conftest import start_venue
from tests.acceptance.conftest import venue_truth

SEED = 20_240_611
KILLS = 20
IN_FLIGHT_NS = 250_000_000
"""An order the bot wrote to its socket just before the SIGKILL may be created at the
venue a moment after the signal was sent: this much later is still "before the kill"."""
HEADERS = {"APCA-API-KEY-ID": SIM_KEY, "APCA-API-SECRET-KEY": SIM_SECRET}


async def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    children: Children, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    venue = await start_venue(children, tmp_path, seed=7, quote_rate=200.0)
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    config = bot_config(tmp_path, venue.url, db)
    runs: dict[str, BotRun] = {}
    killed_after_a_fill = 0
    async with aiohttp.ClientSession() as http:

        async def venue_fills() -> int:
            stats = await get_json(http, f"{venue.url}/sim/stats")
            assert stats is not None, "the venue stopped answering"
            fills: int = stats["fills"]
            return fills

        async def start(name: str) -> BotRun:
            bot = start_bot(children, name, config, venue.url, db)
            await bot.wait_ready(http)
            runs[(await bot.status(http))["run_id"]] = bot
            return bot

        for i in range(KILLS):
            bot = await start(f"bot-{i:02d}")
            fills_at_start = await venue_fills()
            # Trade until a random moment, then on until a fill since this start where
            # the market gives one within a few seconds (polled, not waited for blindly).
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            give_up = time.monotonic() + 3
            while await venue_fills() == fills_at_start and time.monotonic() < give_up:
                await asyncio.sleep(0.05)
            assert bot.child.returncode is None, f"{bot.child.name} died on its own"
            killed_after_a_fill += await venue_fills() > fills_at_start
            bot.killed_ns = bot.child.send(signal.SIGKILL)
            assert await bot.child.exited(10) == -signal.SIGKILL

        final = await start("bot-final")
        fills_at_start = await venue_fills()
        await eventually(
            lambda: _more(venue_fills(), fills_at_start), 20, "a fill in the last run", every=0.1
        )
        seen: list[Any] = []

        async def views_agree() -> dict[str, Any] | None:
            before = await _venue_positions(http, venue.url)
            status = await final.status(http)
            after = await _venue_positions(http, venue.url)
            mine = {s["symbol"]: Decimal(s["position"]) for s in status["symbols"]}
            mine = {s: q for s, q in mine.items() if q}
            seen[:] = [before, mine, after]
            return status if before == mine == after else None

        try:
            status = await eventually(views_agree, 20, "the last run's view", every=0.02)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: venue, bot, venue said {seen}") from None
        assert status["ready"] and status["state"] == "active", status
        final.child.send(signal.SIGTERM)
        assert await final.child.exited(30) == 0, final.child.tail()
        stopped_ns = time.time_ns()

    truth = await venue_truth(venue.url)
    store = await read_store(db)
    check_books(store, truth)
    check_ids(store, truth, starts=KILLS + 1)
    check_one_intent_one_order(truth)

    # No order went out before its process was ready (durably), nor after it died.
    ready = store.ready_ts()
    assert set(runs) <= set(ready), "a run reported ready over HTTP without a stored event"
    for cid, vo in truth.orders.items():
        run = run_of(cid)
        assert run in ready, f"{cid}: its run never stored 'ready'"
        assert ready[run] <= vo.created_ts, f"{cid} created before its run was ready"
        end = runs[run].killed_ns + IN_FLIGHT_NS if runs[run].killed_ns else stopped_ns
        assert vo.created_ts <= end, f"{cid} created after its process was killed"

    per_run = Counter(run_of(cid) for cid in truth.orders)
    discrepancies = Counter(d.kind for d in store.of(Discrepancy))
    print(
        f"\ncrash safety: {KILLS} kills ({killed_after_a_fill} after a fill since the start), "
        f"{len(truth.orders)} venue orders, {len(store.fills)} fills, "
        f"{len(store.orders) - len(truth.orders)} stored orders that never reached the venue, "
        f"orders per run {sorted(per_run.values())}, discrepancies {dict(discrepancies)}"
    )
    assert killed_after_a_fill >= KILLS // 2, "too few kills while trading to mean anything"
    assert len(per_run) >= KILLS // 2, "too few runs traded to mean anything"


async def _more(count: Any, than: int) -> bool:
    return bool(await count > than)


async def _venue_positions(http: aiohttp.ClientSession, url: str) -> dict[str, Decimal]:
    async with http.get(f"{url}/v2/positions", headers=HEADERS) as resp:
        assert resp.status == 200, await resp.text()
        return {p["symbol"]: Decimal(p["qty"]) for p in await resp.json() if Decimal(p["qty"])}
