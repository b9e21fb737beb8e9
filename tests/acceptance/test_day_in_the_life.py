"""A day in the life: the simulated venue and the bot as separate processes over
loopback sockets, on a clock that crosses a real midnight in the configured zone.

Both children run on one fake wall clock (libfaketime, see ``daylife``) that
starts about 30 s before midnight in Asia/Tokyo, where local midnight is 15:00
UTC: the trading day changes while the UTC date does not. One symbol (SIMEQ)
trades only in a session from 00:00 to 00:02 with a pre-close flatten a minute
before the close; the others trade around the clock. An operator drives the bot
through Telegram (the real plugin, against the fake Bot API server). The day:

1. Evening of day 1: the bot trades (not SIMEQ: its session is closed) until the
   operator's ``/kill``.
2. Midnight: the halted, flat bot rolls its trading day over on its own.
3. Day 2: the operator resumes; SIMEQ's session opens; the bot is SIGKILLed while
   trading and restarted on the same SQLite file.
4. 00:01: SIMEQ's pre-close flatten.
5. A losing morning: the operator tightens the daily loss limit below what the day
   has lost; the breaker trips, halts and flattens.
6. SIGKILL, restart on the same SQLite file, a short wait, an orderly stop.

The module-scoped fixture runs that day once (about 100 s) and writes down what
it saw; each test below checks one part of it, so that one defect does not hide
the others. A step that cannot run at all (a child died, the operator got no
answer) stops the day, and every check that needed it fails with the reason.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import defaultdict
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import TypeVar
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select

from engine.model import Side
from engine.model import TradingState
from engine.model.events import BreakerTripped
from engine.model.events import Discrepancy
from engine.model.events import Lifecycle
from engine.model.events import TradingStateChanged
from engine.store import create_store_engine
from engine.store.models import ControlStateRow
from tests.acceptance.conftest import BotRun
from tests.acceptance.conftest import Children
from tests.acceptance.conftest import StoreView
from tests.acceptance.conftest import VenueTruth
from tests.acceptance.conftest import check_books
from tests.acceptance.conftest import eventually
from tests.acceptance.conftest import get_json
from tests.acceptance.conftest import read_store
from tests.acceptance.conftest import run_of
from tests.acceptance.conftest import venue_truth
from tests.acceptance.daylife import FakeClock
from tests.acceptance.daylife import Operator
from tests.acceptance.daylife import bot_positions
from tests.acceptance.daylife import day_start
from tests.acceptance.daylife import metric
from tests.acceptance.daylife import start_bot
from tests.acceptance.daylife import start_venue
from tests.acceptance.daylife import symbol_state
from tests.acceptance.daylife import venue_open_orders
from tests.acceptance.daylife import venue_positions
from tests.acceptance.daylife import write_bot_config
from tests.kit.bot_config import BUSY_STRATEGY
from tests.kit.fake_telegram import FakeTelegram

T = TypeVar("T")

ZONE = ZoneInfo("Asia/Tokyo")
LEAD_S = 30.0  # the children's clock starts this long before midnight
KILL_S = 15.0  # the kill's outcome must be shown this soon (it waits 10 s at most)
SESSION_SYMBOL = "SIMEQ"  # trades only in the session below
OPERATOR = 111  # an admin in Telegram
TOKEN = "123:ABC"
SEED = 20_241_202
ROLLOVER_S = 3.0  # the day must have rolled over this long after midnight
PRE_CLOSE_LATE_S = 2.0
"""The pre-close is a timer on the bot's busy loop: it may stop entries this late."""
ORDER_LAG_NS = 500_000_000
"""An order decided just before a moment (a pre-close, a kill, a trip) may be created
at the venue up to this much later (the bot's loop, the socket, the venue's loop)."""

CONFIG = (
    """\
[venue]
kind = "sim"

"""
    + BUSY_STRATEGY
    + """
[log]
status_interval_s = 3600.0

[schedule]
timezone = "{zone}"
reconcile_interval_s = 1.0
equity_snapshot_s = 5.0
flatten_before_close_min = 1

[[schedule.sessions]]
name = "morning"
symbols = ["{session_symbol}"]
open = "00:00"
close = "00:02"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[shutdown]
timeout_s = 10.0

[telegram]
enabled = true
allowed_users = [{{ id = {operator}, role = "admin" }}]
"""
)


class StepError(Exception):
    """A step of the day could not run; the day stops here."""


# -- what the day showed ---------------------------------------------------------------------


class Diary:
    """Everything the day showed, written down by the steps, read by the checks."""

    def __init__(self, clock: FakeClock, logs: Path) -> None:
        self.clock = clock
        self.logs = logs
        self.midnight = clock.next_midnight()
        self.pre_close = self.midnight + timedelta(minutes=1)
        self.moments: dict[str, int] = {}  # what happened when, on the children's clock
        self.missed: dict[str, str] = {}  # a wait that ran out -> what was seen instead
        self.stopped = ""  # why the day could not go on
        self.starts = 0
        self.seen: dict[str, Any] = {}  # step results, by name
        self.truth: VenueTruth | None = None
        self.store: StoreView | None = None
        self.control_rows: dict[str, tuple[Any, int]] = {}  # key -> (value, updated_ts)

    def mark(self, what: str) -> int:
        self.moments[what] = self.clock.now_ns()
        return self.moments[what]

    def need(self, *steps: str) -> None:
        """Fail the calling check unless the day got as far as ``steps``."""
        missing = [s for s in steps if s not in self.seen]
        if missing:
            why = self.stopped or "(no reason recorded)"
            pytest.fail(f"the day never got to {missing}: it stopped at {why}; logs in {self.logs}")

    def since_midnight(self, ns: int) -> str:
        return f"{(ns - self.clock.ns(self.midnight)) / 1e9:+.2f}s"


async def wait_for(
    diary: Diary,
    what: str,
    check: Callable[[], Awaitable[T | None]],
    timeout: float,
    describe: Callable[[], Awaitable[Any]] | None = None,
    every: float = 0.05,
) -> T | None:
    """``eventually``, but a miss is written down (with what was seen) instead of
    raised, so the day goes on and the checks say what went wrong."""
    try:
        return await eventually(check, timeout, what, every=every)
    except AssertionError as exc:
        seen = await describe() if describe is not None else None
        diary.missed[what] = f"{exc}; seen: {seen}"
        return None


# -- the day ----------------------------------------------------------------------------------


class Day:
    """The children and the operator, and one method per step of the day."""

    def __init__(self, diary: Diary, tmp_path: Path, fake: FakeTelegram) -> None:
        self.diary = diary
        self.clock = diary.clock
        self.children = Children(tmp_path)
        self.tmp_path = tmp_path
        self.fake = fake
        self.op = Operator(fake, self.clock, OPERATOR)
        self.db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        self.config = write_bot_config(
            tmp_path / "bot.toml",
            CONFIG.format(zone=ZONE.key, session_symbol=SESSION_SYMBOL, operator=OPERATOR),
        )
        self.venue_url = ""
        self.http: aiohttp.ClientSession
        self.bot: BotRun

    # -- helpers -----------------------------------------------------------------------------

    async def start_bot(self) -> None:
        self.diary.starts += 1
        env = {**self.clock.env(), "TELEGRAM_API_URL": self.fake.url, "TELEGRAM_BOT_TOKEN": TOKEN}
        env["PTB_TIMEDELTA"] = "true"
        polls = self.fake.count("getupdates")
        name = f"bot-{self.diary.starts}"
        self.bot = start_bot(self.children, name, self.config, self.venue_url, self.db, env)
        await self.bot.wait_ready(self.http, timeout=60)
        await self.op.connected(polls, self.bot)

    async def sigkill(self) -> None:
        self.bot.child.send(signal.SIGKILL)
        code = await self.bot.child.exited(10)
        if code != -signal.SIGKILL:
            raise StepError(f"{self.bot.child.name} exited {code} before the SIGKILL")

    async def status(self) -> dict[str, Any]:
        return await self.bot.status(self.http)

    async def positions(self) -> dict[str, Decimal]:
        return await venue_positions(self.http, self.venue_url)

    async def venue_flat(self) -> bool:
        positions = await self.positions()
        return not positions and not await venue_open_orders(self.http, self.venue_url)

    async def venue_exposure(self) -> tuple[dict[str, Decimal], list[str]]:
        return await self.positions(), await venue_open_orders(self.http, self.venue_url)

    async def outcome(self, command: str, done: str, timeout: float) -> str:
        """The operator sends ``command``, confirms it and reads its outcome (containing
        ``done``); '' when none came in time (written down: the day goes on)."""
        prompt = await self.op.prompt(command)
        try:
            return await self.op.confirm(prompt, done, timeout)
        except AssertionError as exc:
            self.diary.missed[command] = str(exc)
            return ""

    async def agreeing(self, what: str) -> dict[str, Any] | None:
        """/status once the bot's positions equal the venue's (read before and after)."""
        seen: list[Any] = []

        async def agree() -> dict[str, Any] | None:
            before = await self.positions()
            status = await self.status()
            after = await self.positions()
            seen[:] = [before, bot_positions(status), after]
            return status if before == bot_positions(status) == after else None

        async def said() -> str:
            return f"venue, bot, venue: {seen}"

        return await wait_for(self.diary, what, agree, 15, said)

    # -- the steps ---------------------------------------------------------------------------

    async def evening(self) -> None:
        """Day 1: trade (SIMEQ's session is closed), then /kill with exposure open."""
        d = self.diary
        d.seen["start"] = await self.status()
        d.seen["exposure before kill"] = await wait_for(
            d, "a position at the venue on day 1", self.positions, 15
        )
        d.mark("kill sent")
        d.seen["kill"] = await self.outcome("/kill", "KILLED", KILL_S)
        d.mark("kill done")
        d.seen["venue after kill"] = await self.venue_exposure()
        d.seen["day 1"] = await self.status()
        left = self.clock.seconds_to(d.midnight)
        if left < 2:
            raise StepError(f"day 1 ended {-left:.1f}s after midnight: the machine is too slow")

    async def midnight(self) -> None:
        """The halted, flat bot crosses midnight and rolls its trading day over."""
        d = self.diary
        start1 = day_start(d.seen["day 1"])
        flat_day = Decimal(d.seen["day 1"]["day_pnl"]) == 0  # then only the store tells
        await self.clock.until(d.midnight)

        async def rolled() -> dict[str, Any] | None:
            status = await self.status()
            return status if day_start(status) != start1 or flat_day else None

        async def late() -> dict[str, Any]:
            return await self.status()

        d.seen["rolled"] = await wait_for(d, "the day to roll over", rolled, ROLLOVER_S, late)
        d.mark("midnight checked")
        d.seen["after midnight"] = await self.status()
        local = d.midnight.date().isoformat()

        async def stored() -> dict[str, Any] | None:
            day, _ = (await self.control_state()).get("day", ({}, 0))
            return day if stored_date(day) == local else None

        async def stored_now() -> dict[str, Any]:
            return (await self.control_state()).get("day", ({}, 0))[0]

        d.seen["stored day"] = await wait_for(
            d, "the store to hold the new day", stored, ROLLOVER_S, stored_now
        )

    async def morning(self) -> None:
        """Day 2: /resume; SIMEQ's session opens; SIGKILL while trading; restart."""
        d = self.diary
        d.mark("resume sent")
        d.seen["resume"] = await self.outcome("/resume", "resume", 15)
        d.mark("resumed")
        midnight = self.clock.ns(d.midnight)

        async def session_trading() -> bool:
            truth = await venue_truth(self.venue_url)
            return any(
                o.symbol == SESSION_SYMBOL and o.created_ts >= midnight
                for o in truth.orders.values()
            )

        await wait_for(
            d, f"{SESSION_SYMBOL} to trade in its session", session_trading, 20, every=0.25
        )
        d.seen["exposure before crash"] = await wait_for(
            d, "a position at the venue on day 2", self.positions, 15
        )
        d.mark("crash 1")
        await self.sigkill()
        await self.start_bot()
        d.mark("restarted 1")
        d.seen["restart 1"] = await self.agreeing("positions to agree after the first restart")
        if self.clock.local() >= d.pre_close:
            raise StepError("the first restart took the day past the pre-close")

    async def pre_close(self) -> None:
        """00:01: SIMEQ's pre-close flatten."""
        d = self.diary
        await self.clock.until(d.pre_close)
        d.mark("pre-close")

        async def closing() -> dict[str, Any] | None:
            status = await self.status()
            return status if symbol_state(status, SESSION_SYMBOL) != "active" else None

        d.seen["pre-close"] = await wait_for(
            d, f"{SESSION_SYMBOL} to stop entries at the pre-close", closing, 3, self.status
        )
        d.mark("pre-close seen")

        async def flat() -> bool:
            return SESSION_SYMBOL not in await self.positions()

        d.seen["pre-close flat"] = await wait_for(
            d, f"{SESSION_SYMBOL} flat at the venue after the pre-close", flat, 5, self.positions
        )

    async def breaker(self) -> None:
        """A losing morning: the operator tightens the daily loss limit to half of what
        the day has lost so far; the breaker trips at once."""
        d = self.diary

        async def losing() -> Decimal | None:
            pnl = Decimal((await self.status())["day_pnl"])
            return -pnl if pnl < 0 else None

        loss = await wait_for(d, "a loss on day 2", losing, 20)
        if loss is None:
            raise StepError("day 2 never lost money: no breaker to trip")
        limit = max(Decimal("0.01"), (loss / 2).quantize(Decimal("0.01")))
        d.seen["limit"] = limit
        d.mark("limit sent")
        d.seen["setlimit"] = await self.outcome(
            f"/setlimit daily_loss_limit {limit}", "setlimit", 15
        )

        async def tripped() -> dict[str, Any] | None:
            status = await self.status()
            return status if status["breakers"] else None

        d.seen["tripped"] = await wait_for(d, "the breaker to trip", tripped, 15, self.status)
        d.mark("tripped")
        d.seen["flat after trip"] = await wait_for(
            d, "the venue flat after the trip", self.venue_flat, 10, self.venue_exposure
        )
        d.seen["stored after trip"] = await self.control_state()

        async def trip_event() -> list[BreakerTripped] | None:
            store = await read_store(self.db)
            return [e for e in store.of(BreakerTripped) if e.breaker == "daily_loss"] or None

        # The trip's event reaches the events table with the next batch: wait for it,
        # so that the restart's check (restored, not tripped again) can count trips.
        d.seen["trip event"] = await wait_for(
            d, "the trip event in the store", trip_event, 5, every=0.25
        )

    async def restart(self) -> None:
        """SIGKILL after the trip; restart; nothing may trade; an orderly stop."""
        d = self.diary
        d.mark("crash 2")
        await self.sigkill()
        stats = await get_json(self.http, f"{self.venue_url}/sim/stats")
        d.seen["orders before restart 2"] = stats["orders"]
        await self.start_bot()
        d.mark("restarted 2")
        d.seen["restart 2"] = await self.agreeing("positions to agree after the second restart")
        d.seen["after restart 2"] = await self.status()
        # Halted stays halted: two reconciliations and 500 quotes later, nothing new.
        base = self.bot.base
        runs = await metric(self.http, base, "scalpbot_reconcile_runs_total")
        ticks = await metric(self.http, base, "scalpbot_market_ticks_total")

        async def later() -> bool:
            return (
                await metric(self.http, base, "scalpbot_reconcile_runs_total") >= runs + 2
                and await metric(self.http, base, "scalpbot_market_ticks_total") >= ticks + 500
            )

        await wait_for(d, "two reconciliations and 500 quotes after restart 2", later, 15)
        stats = await get_json(self.http, f"{self.venue_url}/sim/stats")
        d.seen["orders after restart 2"] = stats["orders"]
        self.bot.child.send(signal.SIGTERM)
        d.seen["exit code"] = await self.bot.child.exited(30)

    async def control_state(self) -> dict[str, tuple[Any, int]]:
        engine = create_store_engine(self.db)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    select(ControlStateRow.key, ControlStateRow.value, ControlStateRow.updated_ts)
                )
                return {key: (value, ts) for key, value, ts in rows}
        finally:
            await engine.dispose()

    async def books(self) -> None:
        d = self.diary
        d.truth = await venue_truth(self.venue_url)
        d.store = await read_store(self.db)
        d.control_rows = await self.control_state()

    async def run(self) -> None:
        fake = self.fake
        d = self.diary
        await fake.start()
        try:
            async with aiohttp.ClientSession() as self.http:
                venue = await start_venue(
                    self.children, self.tmp_path, self.clock, seed=SEED, quote_rate=50.0
                )
                self.venue_url = venue.url
                await self.start_bot()
                for name, step in [
                    ("evening", self.evening),
                    ("midnight", self.midnight),
                    ("morning", self.morning),
                    ("pre-close", self.pre_close),
                    ("breaker", self.breaker),
                    ("restart", self.restart),
                ]:
                    try:
                        await step()
                    except (StepError, AssertionError) as exc:
                        d.stopped = f"{name}: {exc}"
                        break
                    d.seen[name] = True
                for child in self.children.all:
                    if child is not venue.child:
                        child.kill()
                await self.books()
        finally:
            await fake.stop()
            self.children.kill_all()


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Diary]:
    """The day, run once for the checks below."""
    tmp_path = tmp_path_factory.mktemp("day")
    clock = FakeClock.before_midnight(ZONE, LEAD_S)
    clock.check_in_a_child()
    diary = Diary(clock, tmp_path)
    started = time.monotonic()

    async def live() -> None:
        scenario = Day(diary, tmp_path, FakeTelegram(token=TOKEN))
        try:
            await scenario.run()
        finally:
            scenario.children.kill_all()

    try:
        asyncio.run(live())
    finally:
        took = time.monotonic() - started
        print(f"\nthe day took {took:.0f}s; logs in {tmp_path}")
        print(
            "moments: "
            + ", ".join(f"{k} {diary.since_midnight(v)}" for k, v in diary.moments.items())
        )
        if diary.stopped:
            print(f"the day stopped at {diary.stopped}")
        for what, why in diary.missed.items():
            print(f"missed: {what}: {why}")
    yield diary


# -- the checks ----------------------------------------------------------------------------------


def stored_date(day: dict[str, Any]) -> str:
    """The trading day of the control state's ``day`` row (``day``; ``date`` before)."""
    return str(day.get("day") or day.get("date") or "")


def halted_at(store: StoreView, actor_prefix: str) -> int:
    """When the bot went HALTED for ``actor_prefix`` (``tg:`` for the kill)."""
    for e in store.of(TradingStateChanged):
        if e.scope == "*" and e.new is TradingState.HALTED and e.actor.startswith(actor_prefix):
            return e.ts
    raise AssertionError(f"no HALTED by {actor_prefix}* in the store")


def test_kill_on_day_one_ends_with_the_venue_flat_verified(day: Diary) -> None:
    day.need("evening")
    assert day.seen["start"] is not None
    assert symbol_state(day.seen["start"], SESSION_SYMBOL) == "paused", (
        f"{SESSION_SYMBOL}'s session is closed before midnight: {day.seen['start']['symbols']}"
    )
    assert day.seen["exposure before kill"], "the kill never met a position (a weak kill)"
    assert "venue verified flat" in day.seen["kill"], day.seen["kill"]
    assert day.seen["venue after kill"] == ({}, []), day.seen["venue after kill"]
    assert day.seen["day 1"]["state"] == "halted", day.seen["day 1"]
    assert day.truth is not None and day.store is not None
    halt = halted_at(day.store, "tg:")
    resumed = day.moments.get("resume sent", 2**63)
    entries = [
        o
        for o in day.truth.orders.values()
        if o.side is Side.BUY and halt + ORDER_LAG_NS < o.created_ts < resumed
    ]
    assert not entries, f"entries while killed: {entries}"


def test_midnight_rolls_the_trading_day_over(day: Diary) -> None:
    day.need("evening")
    day1 = day.seen["day 1"]
    day.need("midnight")
    rolled = day.seen["rolled"]
    assert rolled is not None, (
        f"{ROLLOVER_S}s after midnight in {ZONE.key} the day still starts from day 1's "
        f"equity {day_start(day1)}: {day.missed.get('the day to roll over')}"
    )
    assert Decimal(rolled["day_pnl"]) == 0, f"a flat, halted bot's new day: {rolled}"
    assert day_start(rolled) == Decimal(day1["equity"]), (day1, rolled)
    assert rolled["state"] == "halted", f"the kill must outlast midnight: {rolled}"
    stored = day.seen["stored day"]
    local = day.midnight.date().isoformat()
    utc = day.midnight.astimezone(ZoneInfo("UTC")).date().isoformat()
    assert stored is not None, (
        f"{ROLLOVER_S}s after midnight the store does not key the trading day as the local "
        f"date {local} in {ZONE.key} (the UTC date is {utc}): "
        f"{day.missed.get('the store to hold the new day')}"
    )
    assert Decimal(stored["start_equity"]) / 10**9 == day_start(rolled), (stored, rolled)


def test_a_crash_while_trading_keeps_positions_and_the_day(day: Diary) -> None:
    day.need("midnight")
    assert "✅" in day.seen["resume"], day.seen["resume"]
    day.need("morning")
    assert day.seen["exposure before crash"], "the crash never met a position"
    status = day.seen["restart 1"]
    assert status is not None, day.missed
    assert status["state"] == "active", f"the operator's resume must survive a crash: {status}"
    start = day_start(day.seen["after midnight"])
    assert day_start(status) == start, (
        f"after a restart on day 2 the day starts from {day_start(status)}, not from the "
        f"equity at midnight {start}"
    )


def test_the_session_pre_close_flattens_and_stops_entries(day: Diary) -> None:
    day.need("pre-close")
    assert day.seen["pre-close"] is not None, day.missed
    late_s = (day.moments["pre-close seen"] - day.clock.ns(day.pre_close)) / 1e9
    assert late_s <= PRE_CLOSE_LATE_S, f"{SESSION_SYMBOL} still active {late_s:.2f}s after"
    assert day.seen["pre-close flat"] is not None, day.missed
    assert day.truth is not None
    midnight, stopped = day.clock.ns(day.midnight), day.moments["pre-close seen"]
    entries = [o for o in day.truth.orders.values() if o.symbol == SESSION_SYMBOL]
    entries = [o for o in entries if o.side is Side.BUY]
    early = [o for o in entries if o.created_ts < midnight]
    late = [o for o in entries if o.created_ts > stopped + ORDER_LAG_NS]
    assert not early, f"{SESSION_SYMBOL} entries before its session opened: {early}"
    assert not late, (
        f"{SESSION_SYMBOL} entries after its pre-close (seen {late_s:.2f}s late): {late}"
    )
    assert [o for o in entries if midnight <= o.created_ts <= stopped], "no entry in the session"


def test_a_tripped_breaker_halts_flattens_and_is_stored_first(day: Diary) -> None:
    day.need("pre-close")
    assert "✅" in day.seen["setlimit"], f"tightening a limit was refused: {day.seen['setlimit']}"
    day.need("breaker")
    tripped = day.seen["tripped"]
    assert tripped is not None, day.missed
    assert "daily_loss" in tripped["breakers"], tripped
    assert tripped["state"] == "halted", f"a tripped breaker halts: {tripped}"
    assert day.seen["flat after trip"] is not None, day.missed
    saved, saved_ts = day.seen["stored after trip"].get("breakers", ({}, 0))
    assert "daily_loss" in saved, f"the trip is not in the store: {day.seen['stored after trip']}"
    assert day.truth is not None and day.store is not None
    trips = [e for e in day.store.of(BreakerTripped) if e.breaker == "daily_loss"]
    assert trips, f"no trip in the store's events: {day.missed.get('the trip event in the store')}"
    trip = trips[0]
    late = [o for o in day.truth.orders.values() if o.created_ts > trip.ts + ORDER_LAG_NS]
    buys = [o for o in late if o.side is Side.BUY]
    assert not buys, f"entries after the breaker tripped: {buys}"
    # What the bot decided after the trip (its flatten) reached the venue only once the
    # trip was stored.
    caused = [
        day.truth.orders[cid]
        for cid, o in day.store.orders.items()
        if o.created_ts >= trip.ts and cid in day.truth.orders
    ]
    for o in caused:
        assert saved_ts <= o.created_ts, (
            f"the trip was stored at {day.since_midnight(saved_ts)}, after the order it caused "
            f"reached the venue at {day.since_midnight(o.created_ts)}: {o}"
        )


def test_the_breaker_is_still_latched_after_sigkill(day: Diary) -> None:
    day.need("breaker")
    status = day.seen.get("after restart 2")
    assert status is not None, day.stopped
    assert status["state"] == "halted", f"HALTED by a breaker must survive a restart: {status}"
    assert "daily_loss" in status["breakers"], f"the breaker is no longer latched: {status}"
    assert day.seen["restart 2"] is not None, day.missed
    start = day_start(day.seen["after midnight"])
    assert day_start(status) == start, (day_start(status), start)
    assert day.seen["trip event"], day.missed.get("the trip event in the store")
    assert day.store is not None
    trips = [e for e in day.store.of(BreakerTripped) if e.breaker == "daily_loss"]
    assert len(trips) == 1, f"restored, not tripped again after the restart: {trips}"
    day.need("restart")
    assert day.seen["orders after restart 2"] == day.seen["orders before restart 2"], (
        "a halted bot sent orders after its restart"
    )
    assert day.seen["exit code"] == 0, f"the orderly stop exited {day.seen['exit code']}"


def test_venue_and_store_agree_at_the_end_of_the_day(day: Diary) -> None:
    """Nothing sent twice, no fill lost or booked twice, nothing closed twice."""
    truth, store = day.truth, day.store
    assert truth is not None and store is not None, day.stopped
    check_books(store, truth)
    starting = [e.run_id for e in store.of(Lifecycle) if e.phase == "starting"]
    assert len(set(starting)) == len(starting) == day.starts, starting
    kill = (day.moments.get("kill sent", 0), day.moments.get("kill done", 0) + ORDER_LAG_NS)
    for cid, o in truth.orders.items():
        if cid.startswith("sb-"):
            assert run_of(cid) in starting, f"{cid} belongs to no run of this store"
        else:  # the venue's own close-all, asked for by the kill
            assert kill[0] <= o.created_ts <= kill[1], f"an order the bot did not send: {o}"
    # Long-only, one lot: replayed in execution order, no position leaves [0, 1 lot].
    lots: dict[str, int] = defaultdict(int)
    for o in sorted(truth.orders.values(), key=lambda o: (o.updated_ts, o.created_ts)):
        lots[o.symbol] += o.filled_qty * o.side
        adjusted = [
            f"{day.since_midnight(e.ts)} {e.detail}"
            for e in store.of(Discrepancy)
            if e.symbol == o.symbol and e.kind == "position_adjusted"
        ]
        assert 0 <= lots[o.symbol] <= 1, (
            f"{o.symbol} position {lots[o.symbol]} lots at the venue after {o}; the bot's "
            f"reconciliation adjusted {o.symbol} at {adjusted}"
        )
    print(
        f"\nthe day's books: {len(truth.orders)} venue orders, {len(store.fills)} fills, "
        f"{day.starts} starts"
    )
