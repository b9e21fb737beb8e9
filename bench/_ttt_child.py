"""The child processes of ``bench/tick_to_trade.py``.

``bot``: the real ``Runtime`` (uvloop, as ``scalpbot run`` starts it) against the
harness venue, with a bench-only strategy that flips its target on every quote
whose bid size is the marker, so each trigger quote causes exactly one order.
Timing hooks are installed by monkeypatching in this process only (production
code is unchanged); each costs one ``perf_counter_ns()`` and a ContextVar
operation, well under 1 us per order in all:

- ``TickDecoder.on_frame`` entry: the frame enters the bot (``frame``);
- ``LiveEngine._send`` entry: the core has produced the order (``submit``),
  also keeping ``LiveEngine._tick_t0`` (``tick``: ``on_quote`` after the
  sanity gate);
- ``http1._Conn.send`` called inside that context: the request's bytes are
  handed to the transport (``write``), and that call returned (``written``).
  The difference is the send syscall plus any preemption by the process it
  woke (the venue). On a warm connection this is still inside ``on_quote``;
  on a cold one it is in the connecting task, whose context is a copy.

Garbage collections are recorded through ``gc.callbacks``.

``bare``: the floor. A bare aiohttp websocket client that, for each relay
frame, stamps the one-way hop and immediately POSTs an order-sized body, timing
the round trip.

Both read one command per line on stdin (``stats``, ``lag_start``,
``lag_report``, ``stop``) and answer one JSON line on stdout; stdin closing
(the bench died) stops them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import ClassVar

import aiohttp
import msgspec
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import _ttt_experiments as experiments  # noqa: E402

from engine.core.market_state import MarketState  # noqa: E402
from engine.model import Instrument  # noqa: E402

clock = time.perf_counter_ns
KEY, SECRET = "bench-key-id", "bench-secret-key"

FRAME_NS: contextvars.ContextVar[int] = contextvars.ContextVar("ttt_frame", default=0)
SUBMIT: contextvars.ContextVar[tuple[str, int, int] | None] = contextvars.ContextVar(
    "ttt_submit", default=None
)
RECORDS: dict[str, tuple[int, ...]] = {}  # cid -> frame, tick, submit, write, written


# -- the bench strategy ------------------------------------------------------------------


class MarkerFlipParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    marker: int = 4242  # bid size in lots that marks a trigger quote


class MarkerFlip:
    """Long (1) on one marked quote, flat (0) on the next; ignores everything else."""

    name: ClassVar[str] = "bench_marker_flip"
    Params: ClassVar[type[MarkerFlipParams]] = MarkerFlipParams

    __slots__ = ("_marker", "target")

    def __init__(self, instrument: Instrument, params: MarkerFlipParams) -> None:
        self._marker = params.marker
        self.target = 0

    def on_quote(self, state: MarketState, now: int) -> int | None:
        if state.bid_size != self._marker:
            return None
        self.target = 0 if self.target else 1
        return self.target

    def on_trade(self, state: MarketState, now: int) -> int | None:
        return None

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        return None


# -- timing hooks (this process only) --------------------------------------------------------


def install_hooks() -> None:
    from engine.runtime.live import LiveEngine
    from engine.venues.alpaca.ticks import TickDecoder
    from engine.venues.http1 import _Conn

    on_frame = TickDecoder.on_frame

    def timed_on_frame(self: TickDecoder, data: bytes) -> None:
        FRAME_NS.set(clock())
        on_frame(self, data)

    send_order = LiveEngine._send

    def timed_send(self: LiveEngine, order: Any) -> None:
        token = SUBMIT.set((order.client_order_id, self._tick_t0, clock()))
        try:
            send_order(self, order)
        finally:
            SUBMIT.reset(token)

    conn_send = _Conn.send

    def timed_conn_send(self: _Conn, data: bytes, waiter: Any, timeout_s: float) -> None:
        sub = SUBMIT.get()  # also set in a cold submit's task (its context is a copy)
        t = clock()
        conn_send(self, data, waiter, timeout_s)
        if sub is not None:
            RECORDS[sub[0]] = (FRAME_NS.get(), sub[1], sub[2], t, clock())

    TickDecoder.on_frame = timed_on_frame  # type: ignore[method-assign]
    LiveEngine._send = timed_send  # type: ignore[method-assign]
    _Conn.send = timed_conn_send  # type: ignore[method-assign]


class GcPauses:
    """Every garbage collection in this process: (start ns, duration ns, generation)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, int, int]] = []
        self._t0 = 0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = clock()
        else:
            self.pauses.append((self._t0, clock() - self._t0, info["generation"]))


class LagMonitor:
    """Event-loop lag: a task sleeps 1 ms and records the overshoot (ns)."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.stop()
        self.samples = []
        self._task = asyncio.get_running_loop().create_task(self._run(), name="ttt-lag")

    def stop(self) -> list[int]:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return self.samples

    async def _run(self) -> None:
        samples = self.samples
        while True:
            t = clock()
            await asyncio.sleep(0.001)
            samples.append(clock() - t - 1_000_000)


# -- the control channel --------------------------------------------------------------------


SCRAPER = """
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/metrics"
while True:
    with urllib.request.urlopen(url, timeout=5) as r:
        r.read()
    time.sleep(1.0)
"""


async def start_scraper(runtime: Any) -> subprocess.Popen[bytes]:
    """Prometheus's part, in its own process: one scrape of /metrics a second."""
    while not runtime.http_port:
        await asyncio.sleep(0.02)
    return subprocess.Popen(
        [sys.executable, "-c", SCRAPER, str(runtime.http_port)], stdin=subprocess.PIPE
    )


def stop_scraper(scraper: subprocess.Popen[bytes] | None) -> None:
    if scraper is not None:
        scraper.kill()
        scraper.wait()


def reply(obj: dict[str, Any]) -> None:
    with contextlib.suppress(BrokenPipeError):  # the bench is gone: nobody to tell
        sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
        sys.stdout.flush()


async def serve_commands(handle: Callable[[str], Awaitable[bool]]) -> None:
    """Answer commands until ``handle`` returns False or stdin closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return
        if not await handle(line.decode().strip()):
            return


# -- bot ---------------------------------------------------------------------------------------


def bot_options(url: str, symbols: list[str], marker: int, workdir: str, tries: list[str]) -> Any:
    """The bot's RuntimeOptions: the marker strategy on the venue at ``url``, no limits,
    every periodic task out of the way."""
    from engine.core.risk import RiskLimits
    from engine.core.trader import TraderConfig
    from engine.runtime.options import HttpOptions
    from engine.runtime.options import LogOptions
    from engine.runtime.options import PluginOptions
    from engine.runtime.options import RuntimeOptions
    from engine.runtime.options import ShutdownOptions
    from engine.runtime.options import StoreOptions
    from engine.runtime.options import TimingOptions
    from engine.runtime.options import TradingOptions
    from engine.venues.base import VenueSpec

    return RuntimeOptions(
        venue=VenueSpec(kind="alpaca", url=url, key=KEY, secret=SECRET, stale_after_s=3600),
        trading=TradingOptions(
            strategy=MarkerFlip.name,
            strategy_params=MarkerFlipParams(marker=marker),
            symbols=tuple(symbols),
            order=TraderConfig(qty=Decimal(0), type="market"),
            risk=RiskLimits(),  # every limit 0: disabled (no rate limits, no collars)
        ),
        store=StoreOptions(url=f"sqlite+aiosqlite:///{workdir}/bot.db"),
        http=HttpOptions(port=0 if "exporter" in tries else None),
        plugins=PluginOptions(load="exporter" in tries),
        log=LogOptions(level="info"),
        timing=TimingOptions(
            status_interval_s=3600, reconcile_interval_s=3600, equity_snapshot_s=3600
        ),
        shutdown=ShutdownOptions(timeout_s=5),
    )


async def run_bot(
    url: str, symbols: list[str], marker: int, workdir: str, tries: list[str]
) -> None:
    from engine.core.strategies import STRATEGIES
    from engine.model.events import RiskDenied
    from engine.runtime.app import Runtime

    experiments.before_start(tries)
    STRATEGIES[MarkerFlip.name] = MarkerFlip
    runtime = Runtime(bot_options(url, symbols, marker, workdir, tries))
    denied: list[str] = []
    runtime.bus.subscribe(
        "ttt", lambda e: denied.append(e.reason) if isinstance(e, RiskDenied) else None
    )
    task = asyncio.get_running_loop().create_task(runtime.run(), name="runtime")
    while not (runtime.ready and runtime.live is not None and runtime.live.feed_connected):
        if task.done():
            reply({"ready": False, "error": repr(task.exception() or task.result())})
            return
        await asyncio.sleep(0.02)
    experiments.after_ready(tries)
    scraper = await start_scraper(runtime) if "exporter" in tries else None
    reply({"ready": True, "pid": os.getpid()})
    gcs = GcPauses()
    lag = LagMonitor()
    mark: tuple[int, int] = (0, 0)

    def quotes() -> int:
        core = runtime.core
        assert core is not None
        return sum(core.market(s).quotes for s in core.symbols)

    async def handle(cmd: str) -> bool:
        nonlocal mark
        live = runtime.live
        assert live is not None
        if cmd == "lag_start":
            mark = (clock(), quotes())
            lag.start()
            reply({"ok": True})
        elif cmd == "lag_report":
            samples = sorted(lag.stop())
            t1, q1 = clock(), quotes()
            reply({"lag_ns": samples, "quotes": q1 - mark[1], "ns": t1 - mark[0]})
        elif cmd == "stats":
            reply(
                {
                    "records": {cid: list(r) for cid, r in RECORDS.items()},
                    "tick_to_submit_ns": live.tick_to_submit_ns,
                    "submitted": live.submitted,
                    "ambiguous": live.ambiguous,
                    "decode_errors": dict(live.decode_errors),
                    "gate_rejects": dict(live.gate.rejects),
                    "risk_denied": denied[:20],
                    "risk_denied_count": len(denied),
                    "gc": gcs.pauses,
                }
            )
        elif cmd == "stop":
            return False
        return True

    try:
        await serve_commands(handle)
    finally:
        stop_scraper(scraper)
        runtime.request_stop()
        code = await task
        reply({"stopped": code})


# -- bare floor client ------------------------------------------------------------------------


class BareFrame(msgspec.Struct):
    k: str
    i: int
    t: int


async def run_bare(url: str) -> None:
    decode = msgspec.json.Decoder(BareFrame).decode
    hops: list[tuple[int, int]] = []
    rtts: list[tuple[int, int]] = []
    base = {"APCA-API-KEY-ID": KEY, "APCA-API-SECRET-KEY": SECRET}
    base["Content-Type"] = "application/json"
    timeout = aiohttp.ClientTimeout(total=5)

    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(f"{url}/bare/ws", decode_text=False, max_msg_size=2**24)

        async def pump() -> None:
            post = f"{url}/bare/order"
            while True:
                msg = await ws.receive()
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    return
                t = clock()
                f = decode(msg.data)
                if f.k != "r":
                    continue
                hops.append((f.i, t - f.t))
                body = msgspec.json.encode(
                    {
                        "symbol": "SIMEQ",
                        "qty": "1",
                        "side": "buy",
                        "type": "market",
                        "time_in_force": "gtc",
                        "client_order_id": f"sb-bare-{f.i:010d}",
                    }
                )
                t0 = clock()
                headers = dict(base)
                headers["X-Seq"] = str(f.i)
                headers["X-T0"] = str(t0)
                async with session.post(post, data=body, headers=headers, timeout=timeout) as r:
                    await r.read()
                rtts.append((f.i, clock() - t0))

        pumping = asyncio.get_running_loop().create_task(pump(), name="ttt-bare")
        reply({"ready": True})

        async def handle(cmd: str) -> bool:
            if cmd == "stats":
                reply({"hops": hops, "rtts": rtts})
            return cmd != "stop"

        try:
            await serve_commands(handle)
        finally:
            pumping.cancel()
            await asyncio.gather(pumping, return_exceptions=True)
            await ws.close()
    reply({"stopped": 0})


def main() -> None:
    ap = argparse.ArgumentParser(description="tick_to_trade child process")
    ap.add_argument("mode", choices=("bot", "bare"))
    ap.add_argument("--url", required=True)
    ap.add_argument("--symbols", default="")
    ap.add_argument("--marker", type=int, default=4242)
    ap.add_argument("--cpu", type=int, default=-1, help="pin to this CPU (-1: no)")
    ap.add_argument("--try", dest="tries", default="", help="experiments (_ttt_experiments)")
    args = ap.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    if args.mode == "bot":
        from engine.runtime.logs import setup_logging

        tries = [t for t in args.tries.split(",") if t]
        # what ``scalpbot run`` does, at the default level "info"
        setup_logging(experiments.log_level(tries), False, [KEY, SECRET])
        install_hooks()
        with tempfile.TemporaryDirectory(prefix="ttt-bot-") as workdir:
            symbols = args.symbols.split(",")
            uvloop.run(run_bot(args.url, symbols, args.marker, workdir, tries))
    else:
        uvloop.run(run_bare(args.url))


if __name__ == "__main__":
    main()
