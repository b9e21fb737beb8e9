"""Tick-to-trade latency and fan-in of the live path, on loopback, against its floor.

The harness venue (``bench/_ttt_venue.py``, this process) speaks just enough
Alpaca for the real ``Runtime``, which runs in a child process under uvloop
(``bench/_ttt_child.py bot``: production code, the production log level, a
SQLite store) with 200 symbols and a bench-only strategy that turns every
trigger quote (bid size = marker) into exactly one market order; the venue
accepts it and fills it on trade_updates. All stamps are
``time.perf_counter_ns()`` (CLOCK_MONOTONIC: one clock for every process on
Linux). In one run:

(a) end to end: the venue stamps a trigger quote just before sending it and
    the POST /v2/orders it causes on entry to its handler. Triggers go out
    every ``--gap-us`` on 10 symbols in turn, a frame of 2 ordinary quotes
    half-way between. The floor, measured in rounds alternating with the
    bot's, is a bare aiohttp client process (``_ttt_child.py bare``): the
    venue's websocket one-way hop to it plus its POST round trip (floor = the
    sum of the p50s). Also shown: that client turning each frame straight
    into a POST, timed by the venue exactly like the bot ("relay"), and the
    one-way floor (hop + POST one-way).
(b) internal: stamps taken inside the bot by hooks monkeypatched in the child
    only (see ``_ttt_child.py``): frame handed to ``TickDecoder.on_frame`` ->
    the order request handed to the socket (``transport.write`` on the order
    connection of ``engine.venues.http1``), split into stages; plus
    ``LiveEngine.tick_to_submit_ns`` (on_quote -> the write returned) and e2e
    minus the one-way floor. Garbage collections in the bot are recorded, and
    the figures repeated for the orders without one in their path.
(c) fan-in: quotes over the 200 symbols, one frame per millisecond, at rising
    rates; the bot measures event-loop lag (a task sleeping 1 ms records its
    overshoot) and counts the quotes the core processed. The figure is the
    highest rate processed with lag p99 under 10 ms.

Targets (reported, never asserted): internal p99 < 250 us, end-to-end p50 <=
1.5x the floor, fan-in >= 50,000 quotes/s; the table is printed by
``_ttt_report.py``, and the last line is JSON. The
children's stderr (the bot's log) goes to ``--log``. ``--try`` measures changes
before they are made (``_ttt_experiments.py``); ``TTT_CHILD=path`` runs a
scratch copy of ``_ttt_child.py`` instead.

    .venv/bin/python bench/tick_to_trade.py [--orders 5000] [--quick] [--try raw_post,...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import InitVar
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TextIO

import uvloop

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _ttt_experiments import NAMES  # noqa: E402
from _ttt_report import figures  # noqa: E402
from _ttt_report import floor_table  # noqa: E402
from _ttt_report import pct  # noqa: E402
from _ttt_report import print_fanin  # noqa: E402
from _ttt_report import print_latency  # noqa: E402
from _ttt_report import print_targets  # noqa: E402
from _ttt_report import stage_table  # noqa: E402
from _ttt_venue import MARKER_LOTS  # noqa: E402
from _ttt_venue import Sym  # noqa: E402
from _ttt_venue import Venue  # noqa: E402
from _ttt_venue import clock  # noqa: E402

from engine.venues.sim import synthetic_symbols  # noqa: E402

CHILD = Path(os.environ.get("TTT_CHILD", HERE / "_ttt_child.py"))  # a scratch copy to try changes
SYMBOLS = 200
TRIGGER_SYMBOLS = 10
LAG_LIMIT_NS = 10_000_000
LADDER = (10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 250_000, 300_000, 400_000)
QUICK_LADDER = (10_000, 50_000, 100_000, 200_000)


# -- child processes ---------------------------------------------------------------------


class Child:
    """A child process answering one JSON line per command line."""

    def __init__(self, name: str, proc: asyncio.subprocess.Process, log: TextIO) -> None:
        self.name = name
        self.proc = proc
        self.log = log

    @classmethod
    async def start(cls, name: str, args: list[str], log: TextIO) -> Child:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CHILD),
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            limit=2**28,
        )
        return cls(name, proc, log)

    async def read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"{self.name} exited (code {await self.proc.wait()})")
        result: dict[str, Any] = json.loads(line)
        return result

    async def cmd(self, command: str, timeout: float = 60) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        return await self.read(timeout)

    async def stop(self) -> None:
        """Ask it to stop; kill it if it has not within 20 s."""
        proc = self.proc
        if proc.returncode is None:
            with contextlib.suppress(Exception):
                assert proc.stdin is not None
                proc.stdin.write(b"stop\n")
                await proc.stdin.drain()
                proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()


# -- pacing ----------------------------------------------------------------------------------


async def sleep_until(t: int) -> None:
    d = t - clock()
    if d > 0:
        await asyncio.sleep(d / 1e9)


async def pace(
    n: int,
    gap_ns: int,
    first: Callable[[int], Awaitable[bool]],
    second: Callable[[], Awaitable[None]],
) -> int:
    """``first(i)`` every ``gap_ns`` until it has sent ``n`` times, ``second()`` half-way
    between; never bursts to catch up. Returns the slots ``first`` skipped."""
    nxt = clock()
    sent = skipped = 0
    while sent < n:
        await sleep_until(nxt)
        if await first(sent):
            sent += 1
        else:
            skipped += 1
        await sleep_until(nxt + gap_ns // 2)
        await second()
        nxt += gap_ns
        now = clock()
        if now > nxt + gap_ns:
            nxt = now
    return skipped


async def settle(waiting: dict[Any, Any], timeout: float = 3.0) -> int:
    """Wait until nothing is pending (or ``timeout``); returns how many never came."""
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    lost = len(waiting)
    waiting.clear()
    return lost


@dataclass(eq=False)
class Phases:
    """The measurement phases, driving the venue and the two children."""

    venue: Venue
    gap_us: InitVar[int]
    gap_ns: int = field(init=False)
    all: list[Sym] = field(init=False)
    triggers: list[Sym] = field(init=False)
    others: list[Sym] = field(init=False)
    seq: int = 0
    lost_bot: int = 0
    lost_bare: int = 0
    skipped: int = 0
    _next: int = field(default=0, init=False)

    def __post_init__(self, gap_us: int) -> None:
        self.gap_ns = gap_us * 1000
        syms = list(self.venue.syms.values())
        self.triggers = [s for s in syms if s.lot == 1.0][:TRIGGER_SYMBOLS]
        self.others = [s for s in syms if s not in self.triggers]
        self.all = syms

    async def bot_round(self, n: int, record: bool) -> None:
        """``n`` triggers, on the trigger symbols in turn, skipping a symbol whose last
        trigger's order has not arrived yet (a second trigger would cancel it instead)."""
        venue, seq0, rng = self.venue, self.seq, self.venue.rng
        self.seq += n
        triggers, pending = self.triggers, venue.pending

        async def trigger(i: int) -> bool:
            for _ in range(len(triggers)):
                sym = triggers[self._next % len(triggers)]
                self._next += 1
                if sym.symbol not in pending:
                    await venue.trigger_bot(seq0 + i, sym, record)
                    return True
            return False

        async def background() -> None:
            await venue.send_bot(venue.frame([rng.choice(self.others) for _ in range(2)]), 2)

        self.skipped += await pace(n, self.gap_ns, trigger, background)
        self.lost_bot += await settle(pending)

    async def bare_round(self, n: int, record: bool) -> None:
        venue, seq0 = self.venue, self.seq
        self.seq += n

        async def trigger(i: int) -> bool:
            await venue.trigger_bare(seq0 + i, record)
            return True

        await pace(n, self.gap_ns, trigger, venue.background_bare)
        self.lost_bare += await settle(venue.relay_sent)

    async def blast(self, frames: list[bytes], per_frame: int) -> float:
        """Send one frame per millisecond (catching up when late); returns quotes/s sent."""
        venue, start, i, n = self.venue, clock(), 0, len(frames)
        while i < n:
            due = min(n, (clock() - start) // 1_000_000 + 1)
            while i < due:
                await venue.send_bot(frames[i], per_frame)
                i += 1
            await asyncio.sleep(0.001)
        return n * per_frame / ((clock() - start) / 1e9)

    async def fanin(
        self, bot: Child, ladder: tuple[int, ...], seconds: float
    ) -> list[dict[str, Any]]:
        """Each rate for ``seconds`` after 0.3 s of warm-up; stop at the first failure."""
        warm, steps = 0.3, []
        for rate in (0, *ladder):
            per = rate // 1000
            k0 = 0
            frames = []
            for _ in range(int((warm + seconds + 0.2) * 1000) if per else 0):
                frames.append(self.venue.frame([self.all[(k0 + j) % SYMBOLS] for j in range(per)]))
                k0 += per
            sending = asyncio.get_running_loop().create_task(self.blast(frames, per))
            await asyncio.sleep(warm)
            await bot.cmd("lag_start")
            await asyncio.sleep(seconds)
            rep = await bot.cmd("lag_report", timeout=120)
            sent = await sending
            lag = rep["lag_ns"]
            got = rep["quotes"] / (rep["ns"] / 1e9)
            step = {
                "offered": rate,
                "sent": round(sent) if per else 0,
                "received": round(got),
                "lag_p50_ms": round(pct(lag, 0.5) / 1e6, 3),
                "lag_p99_ms": round(pct(lag, 0.99) / 1e6, 3),
                "lag_max_ms": round(max(lag, default=0) / 1e6, 3),
            }
            step["ok"] = step["lag_p99_ms"] * 1e6 < LAG_LIMIT_NS and got >= 0.9 * sent
            step["venue_limited"] = bool(per) and sent < 0.9 * rate
            steps.append(step)
            if not step["ok"] or step["venue_limited"]:
                break
            await asyncio.sleep(0.3)
        return steps


# -- the run ------------------------------------------------------------------------------------


async def measure(args: argparse.Namespace, log: TextIO) -> dict[str, Any]:
    specs = synthetic_symbols(SYMBOLS)
    venue = Venue(specs)
    port = await venue.start()
    url = f"http://127.0.0.1:{port}"
    names = ",".join(s.symbol for s in specs)
    cpu = ["--cpu", "1"] if args.pin else []
    children: list[Child] = []
    try:
        bot_args = ["bot", "--url", url, "--symbols", names, "--marker", str(MARKER_LOTS), *cpu]
        if args.tries:
            bot_args += ["--try", args.tries]
        bot = await Child.start("bot", bot_args, log)
        children.append(bot)
        bare = await Child.start("bare", ["bare", "--url", url, *cpu], log)
        children.append(bare)
        for child in children:
            ready = await child.read(120)
            if not ready.get("ready"):
                raise RuntimeError(f"{child.name} did not start: {ready}")
        await asyncio.wait_for(venue.data_ready.wait(), 30)
        phases = Phases(venue, args.gap_us)
        for _ in range(3):  # the sanity gate trusts a symbol's level after 3 agreeing quotes
            await venue.send_bot(venue.frame(phases.all), len(phases.all))
        warm = min(300, args.orders // 5)
        await phases.bare_round(warm, record=False)
        await phases.bot_round(warm, record=False)
        per_round = math.ceil(args.orders / args.rounds)
        for _ in range(args.rounds):
            await phases.bare_round(per_round, record=True)
            await phases.bot_round(per_round, record=True)
        ladder = QUICK_LADDER if args.quick else LADDER
        steps = await phases.fanin(bot, ladder, 0.6 if args.quick else 2.0)
        bot_stats = await bot.cmd("stats")
        bare_stats = await bare.cmd("stats")
        return {
            "stages": stage_table(venue, bot_stats["records"], bot_stats["gc"]),
            "floor": floor_table(venue, bare_stats),
            "fanin": steps,
            "bot": bot_stats,
            "warm": warm,
            "lost_bot": phases.lost_bot,
            "lost_bare": phases.lost_bare,
            "unmatched": venue.unmatched,
            "skipped": phases.skipped,
        }
    finally:
        await asyncio.gather(*(c.stop() for c in children), return_exceptions=True)
        for c in children:  # belt and braces: nothing outlives the bench
            if c.proc.returncode is None:
                c.proc.kill()
                await c.proc.wait()
        await venue.stop()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):  # cancel, so the children are stopped
        loop.add_signal_handler(sig, task.cancel)
    load0 = os.getloadavg()[0]
    log_path = Path(args.log)
    with log_path.open("w") as log:
        try:
            res = await measure(args, log)
        except asyncio.CancelledError:
            raise
        except BaseException:
            log.flush()
            tail = log_path.read_text().splitlines()[-30:]
            print("children's stderr (last lines):\n" + "\n".join(tail), file=sys.stderr)
            raise
    res["load0"] = load0
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=5000, help="recorded orders (default 5000)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 500 orders, short fan-in")
    ap.add_argument("--gap-us", type=int, default=1500, help="between trigger quotes")
    ap.add_argument("--rounds", type=int, default=5, help="floor/bot alternations")
    ap.add_argument(
        "--log",
        default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "ttt.log"),
        help="children's stderr (the bot's log)",
    )
    ap.add_argument(
        "--try",
        dest="tries",
        default="",
        metavar="NAME[,NAME]",
        help=f"experiments in the bot, see _ttt_experiments.py: {', '.join(NAMES)}",
    )
    ap.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="pin the venue to CPU 0, the bot and the floor client to CPU 1",
    )
    args = ap.parse_args()
    if args.pin:
        os.sched_setaffinity(0, {0})
    if args.quick and args.orders == 5000:
        args.orders = 500
    args.rounds = max(1, min(args.rounds, args.orders))
    try:
        res = uvloop.run(main_async(args))
    except (asyncio.CancelledError, KeyboardInterrupt):
        print("tick_to_trade: interrupted (child processes stopped)", file=sys.stderr)
        return 130
    fig = figures(res)
    fig["experiments"] = [t for t in args.tries.split(",") if t]
    print_latency(args, res, fig)
    print_fanin(res["fanin"])
    print_targets(fig)
    print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
