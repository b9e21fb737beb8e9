"""Fuzzing the market-data path: corrupted frames are counted and dropped, never traded on.

Two layers, both with the real decoder, sanity gate, live engine and core:

- a Hypothesis property over Alpaca stream v2 frames (JSON and msgpack): a true
  market of quotes and trades for two symbols, a share of its messages mutated the
  ways a bad feed goes wrong (truncated frames, wrong types, NaN and infinity,
  crossed and locked quotes, prices x1000 and x0.001, far-past and far-future
  timestamps, unknown symbols, 1 MB strings, duplicates); every frame goes through
  ``TickDecoder.on_frame`` into a ``LiveEngine``. Nothing escapes, and the core only
  ever sees true ticks: strategy inputs, orders, marks, high-water mark, breakers.
- over real loopback sockets: the simulated venue, a websocket proxy that mutates
  10% of its market-data messages (and, after a while, stamps every tick of one
  symbol 9999-12-31), and the real ``Runtime`` trading through it for a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import ClassVar

import aiohttp
import msgspec
import pytest
from aiohttp import WSMsgType
from aiohttp import web
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.bus import EventBus
from engine.config.schema import default_risk
from engine.core.market_state import MarketState
from engine.core.strategies import MicroMomentum
from engine.core.strategies import MicroMomentumParams
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import Symbol
from engine.model.events import BreakerTripped
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import OrderSubmitted
from engine.runtime.live import LiveEngine
from engine.runtime.sanity import GateConfig
from engine.venues.alpaca.errors import AlpacaAuthError
from engine.venues.alpaca.errors import ReconnectError
from engine.venues.alpaca.protocol import DataCodec
from engine.venues.alpaca.protocol import ext_timestamp
from engine.venues.alpaca.protocol import format_ts
from engine.venues.alpaca.ticks import DataCounters
from engine.venues.alpaca.ticks import TickDecoder
from engine.venues.alpaca.ticks import symbol_specs
from engine.venues.sim import SimVenue
from tests.engine.runtime.conftest import RecordingVenue
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import started_sim
from tests.engine.runtime.conftest import until
from tests.kit.serve import serve

SEC = 1_000_000_000
MS = 1_000_000
T0 = 1_700_000_000 * SEC
FAR_PAST = 946_684_800 * SEC  # 2000-01-01
FAR_FUTURE = 253_402_214_400 * SEC  # 9999-12-31
UNIT = 10**9
BIG = "X" * 1_000_000

EQ = Instrument(symbol=Symbol("SIMEQ"), price_increment=Decimal("0.01"), size_increment=Decimal(1))
ETH = Instrument(
    symbol=Symbol("ETHUSD"), price_increment=Decimal("0.01"), size_increment=Decimal("0.0001")
)
INSTRUMENTS = {EQ.symbol: EQ, ETH.symbol: ETH}
START = {EQ.symbol: 15_000, ETH.symbol: 300_000}  # bids in ticks: 150.00, 3,000.00

# The ways a feed goes wrong. SCALED ones change the price level; the generator never
# lets one follow another of the same symbol within three messages (a feed that is
# mostly wrong about a level is, for the gate, a market that really moved).
MUTATIONS = (
    "truncate",
    "wrong_type",
    "nan",
    "inf",
    "crossed",
    "locked",
    "x1000",
    "x0001",
    "far_past",
    "far_future",
    "unknown_symbol",
    "big_string",
    "duplicate",
)
SCALED = frozenset({"x1000", "x0001"})


class Recorder(MicroMomentum):
    """micro_momentum, writing down every quote it is shown (the core's input)."""

    name: ClassVar[str] = "recorder"
    seen: ClassVar[list[tuple[str, int, int, int]]] = []
    __slots__ = ("_sym",)

    def __init__(self, instrument: Instrument, params: MicroMomentumParams) -> None:
        super().__init__(instrument, params)
        self._sym = instrument.symbol

    def on_quote(self, state: MarketState, now: int) -> int | None:
        Recorder.seen.append((self._sym, state.bid, state.ask, now))
        return super().on_quote(state, now)


# -- the decoder-level property -------------------------------------------------------------

steps = st.lists(
    st.tuples(
        st.integers(1, 20),  # ms since the previous frame
        st.lists(
            st.tuples(
                st.sampled_from(["SIMEQ", "ETHUSD"]),
                st.sampled_from(["q", "q", "q", "t"]),
                st.integers(-2, 2),  # true move of the bid, ticks
                st.integers(1, 3),  # true spread, ticks
                st.one_of(st.none(), st.none(), st.sampled_from(MUTATIONS)),
            ),
            min_size=1,
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=60,
)


class Truth:
    """The true market the generator walks, and everything it ever showed."""

    def __init__(self) -> None:
        self.bid = dict(START)
        self.quotes: set[tuple[str, int, int]] = set()
        self.prices: dict[str, set[int]] = {s: set() for s in START}
        self.mids2: dict[str, set[int]] = {s: set() for s in START}
        self.last_scaled: dict[str, int] = {}  # symbol -> messages since a scaled mutation


def _price(sym: str, ticks: int) -> float:
    return msgspec.json.decode(str(ticks * INSTRUMENTS[Symbol(sym)].price_increment).encode())


def _size(sym: str, lots: int) -> float:
    return float(lots * INSTRUMENTS[Symbol(sym)].size_increment)


def _message(
    truth: Truth, now: int, item: tuple[str, str, int, int, str | None], pack: str
) -> tuple[list[dict[str, Any]], bool]:
    """The wire message(s) for one generated item, and whether the frame is truncated."""
    sym, kind, move, spread, mutation = item
    since = truth.last_scaled.get(sym, 99)
    if mutation in SCALED and since < 3:
        mutation = None  # see SCALED
    truth.last_scaled[sym] = 0 if mutation in SCALED else since + 1
    bid = max(10, truth.bid[sym] + move)
    truth.bid[sym] = bid
    ask = bid + spread
    stamp = now - 200_000  # 0.2 ms of latency
    msg: dict[str, Any]
    if kind == "q":
        truth.quotes.add((sym, bid, ask))
        truth.mids2[sym].add(bid + ask)
        truth.prices[sym].update((bid, ask))
        msg = {"T": "q", "S": sym, "bp": _price(sym, bid), "bs": _size(sym, 3)}
        msg |= {"ap": _price(sym, ask), "as": _size(sym, 4)}
    else:
        truth.prices[sym].add(bid)
        msg = {"T": "t", "S": sym, "p": _price(sym, bid), "s": _size(sym, 1), "i": 1}
    price_keys = ("bp", "ap") if kind == "q" else ("p",)
    if mutation == "wrong_type":
        msg[price_keys[0]] = str(msg[price_keys[0]])
    elif mutation in ("nan", "inf"):
        msg[price_keys[-1]] = float(mutation)
    elif mutation == "crossed" and kind == "q":
        msg["ap"] = _price(sym, bid - spread)
    elif mutation == "locked" and kind == "q":
        msg["ap"] = msg["bp"]
    elif mutation == "x1000":
        for key in price_keys:
            msg[key] = _price(sym, round(msg[key] * 100) * 1000)
    elif mutation == "x0001":
        for key in price_keys:
            msg[key] = round(msg[key] * 0.001, 2) or 0.01
    elif mutation == "far_past":
        stamp = FAR_PAST
    elif mutation == "far_future":
        stamp = FAR_FUTURE
    elif mutation == "unknown_symbol":
        msg["S"] = "ZZZZ"
    elif mutation == "big_string":
        msg["S"] = BIG
    msg["t"] = ext_timestamp(stamp) if pack == "msgpack" else format_ts(stamp)
    out = [msg, dict(msg)] if mutation == "duplicate" else [msg]
    return out, mutation == "truncate"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps, st.sampled_from(["json", "msgpack"]))
def test_corrupted_frames_never_reach_the_core(
    plan: list[tuple[int, list[tuple[str, str, int, int, str | None]]]], pack: str
) -> None:
    asyncio.run(_run_plan(plan, pack))


async def _run_plan(
    plan: list[tuple[int, list[tuple[str, str, int, int, str | None]]]], pack: str
) -> None:
    Recorder.seen = []
    now = [T0]
    core = TradingCore(
        list(INSTRUMENTS.values()),
        Recorder,
        MicroMomentumParams(cooldown_s=0.0, max_spread_ticks=3),
        TraderConfig(type="limit"),
        default_risk(),
        IdFactory("f", "0"),
        1_000_000 * UNIT,
    )
    bus = EventBus()
    events: list[EngineEvent] = []
    bus.subscribe("test", events.append)
    venue = RecordingVenue()
    live = LiveEngine(core, venue, bus, clock=lambda: now[0])  # type: ignore[arg-type]
    for sym, bid in START.items():  # holding 1 lot of each from the start
        core.adjust_position(Symbol(sym), 1, bid, T0, f"x-{sym}", "test")
    live.apply([])
    start_equity = core.portfolio.equity
    counters = DataCounters()
    decoder = TickDecoder(
        DataCodec(pack),  # type: ignore[arg-type]
        symbol_specs(INSTRUMENTS, list(INSTRUMENTS)),
        live,
        lambda *a: None,
        counters,
    )
    encode = msgspec.msgpack.encode if pack == "msgpack" else msgspec.json.encode
    truth = Truth()
    last_ts: dict[str, int] = {}
    for dt_ms, items in plan:
        now[0] += dt_ms * MS
        msgs: list[dict[str, Any]] = []
        truncate = False
        for item in items:
            out, cut = _message(truth, now[0], item, pack)
            msgs += out
            truncate |= cut
        frame = encode(msgs)
        if truncate:
            frame = frame[: len(frame) // 2]
        try:
            decoder.on_frame(frame)
        except (ReconnectError, AlpacaAuthError):  # only a well-formed error message may raise
            raise AssertionError("the fuzzer sends no error messages") from None
        # The core only ever saw true quotes, in time order, never from the future.
        for sym, bid, ask, ts in Recorder.seen:
            assert (sym, bid, ask) in truth.quotes, (sym, bid, ask)
            assert 0 < ts <= now[0] and ts >= last_ts.get(sym, 0)
            last_ts[sym] = ts
        Recorder.seen.clear()
        # Marks only ever at true mids; no fictitious peak, no breaker.
        pf = core.portfolio
        for sym in START:
            mark2 = pf.position(Symbol(sym)).mark2
            assert not mark2 or mark2 in truth.mids2[sym], (sym, mark2)
        assert not core.breakers.latched
    # Orders carry true prices (limit entries at the touch; exits are market orders).
    for order in venue.orders:
        assert order.price == 0 or order.price in truth.prices[order.symbol], order
    best = sum(
        max(truth.mids2[s] or {0}) * INSTRUMENTS[Symbol(s)].money_per_tick_lot // 2 for s in START
    )
    worst_start = sum(
        2 * b * INSTRUMENTS[Symbol(s)].money_per_tick_lot // 2 for s, b in START.items()
    )
    assert core.portfolio.high_water_mark <= start_equity + max(0, best - worst_start) + UNIT
    assert not [e for e in events if isinstance(e, BreakerTripped)]
    assert sum(counters.decode_errors.values()) == sum(live.decode_errors.values())
    await asyncio.sleep(0)  # let the recorded submits settle


# -- over loopback: a mutating proxy between the simulated venue and the runtime --------------


async def cancel_all(tasks: set[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait until each has ended (whatever it raised)."""
    for task in list(tasks):
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class MutatingProxy:
    """A market-data websocket proxy: the venue's stream v2, with 10% of the quotes and
    trades mutated; ``freeze`` names a symbol whose every tick is then stamped 9999."""

    def __init__(self, upstream: str, seed: int = 11) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.url = ""
        self.mutated = 0
        self.forwarded = 0
        self.freeze = ""
        self.true_mid: dict[str, float] = {}  # symbol -> last true mid (price)
        self.bands: dict[str, tuple[float, float]] = {}  # symbol -> lowest, highest true mid
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/v2/{feed}", self._handle)
        self._runner, port = await serve(app)
        self.url = f"ws://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        client = web.WebSocketResponse(max_msg_size=0)
        await client.prepare(request)
        url = f"{self.upstream}/v2/{request.match_info['feed']}"
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url, max_msg_size=0) as venue,
        ):
            up = asyncio.ensure_future(self._client_to_venue(client, venue))
            self._tasks.add(up)
            try:
                async for msg in venue:
                    if msg.type is not WSMsgType.TEXT or client.closed:
                        break
                    with contextlib.suppress(ConnectionError):
                        await client.send_str(self._mutate(msg.data))
            finally:
                up.cancel()
                self._tasks.discard(up)
        await client.close()
        return client

    async def _client_to_venue(
        self, client: web.WebSocketResponse, venue: aiohttp.ClientWebSocketResponse
    ) -> None:
        async for msg in client:
            if msg.type is WSMsgType.TEXT:
                await venue.send_str(msg.data)

    def _mutate(self, text: str) -> str:
        msgs = msgspec.json.decode(text)
        if not any(m.get("T") in ("q", "t") for m in msgs):
            return text  # the handshake passes untouched
        rng = self.rng
        out: list[Any] = []
        truncate = False
        for m in msgs:
            self.forwarded += 1
            kind, sym = m.get("T"), m.get("S", "")
            if kind == "q":
                mid = (m["bp"] + m["ap"]) / 2
                self.true_mid[sym] = mid
                lo, hi = self.bands.get(sym, (mid, mid))
                self.bands[sym] = (min(lo, mid), max(hi, mid))
            if kind in ("q", "t") and sym == self.freeze:
                m["t"] = "9999-12-31T00:00:00.000000000Z"
            if kind not in ("q", "t") or rng.random() >= 0.10:
                out.append(m)
                continue
            self.mutated += 1
            how = rng.choice(MUTATIONS)
            keys = ("bp", "ap") if kind == "q" else ("p",)
            if how == "truncate":
                truncate = True
            elif how == "wrong_type":
                m[keys[0]] = [m[keys[0]]]
            elif how == "nan":
                m[keys[0]] = "__NAN__"  # a bare NaN token: not JSON, the frame is lost
            elif how == "inf":
                m[keys[-1]] = "__INF__"  # 1e999: a JSON number that decodes to infinity
            elif how == "crossed" and kind == "q":
                m["ap"] = m["bp"] * 0.99
            elif how == "locked" and kind == "q":
                m["ap"] = m["bp"]
            elif how == "x1000":
                for key in keys:
                    m[key] = m[key] * 1000
            elif how == "x0001":
                for key in keys:
                    m[key] = m[key] * 0.001
            elif how == "far_past":
                m["t"] = "2000-01-01T00:00:00.000000000Z"
            elif how == "far_future":
                m["t"] = "9999-12-31T00:00:00.000000000Z"
            elif how == "unknown_symbol":
                m["S"] = "ZZZZ"
            elif how == "big_string":
                m["S"] = BIG
            out.append(m)
            if how == "duplicate":
                out.append(dict(m))
        text = msgspec.json.encode(out).decode()
        text = text.replace('"__NAN__"', "NaN").replace('"__INF__"', "1e999")
        if truncate:
            text = text[: len(text) * 2 // 3]
        return text


@pytest.fixture
async def fuzz_venue(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with started_sim(tmp_path, 5, 100.0) as sim:
        yield sim


async def test_runtime_behind_a_mutating_proxy_trades_only_on_good_data(
    fuzz_venue: SimVenue, tmp_path: Path
) -> None:
    proxy = MutatingProxy(fuzz_venue.url.rstrip("/").replace("http://", "ws://"))
    await proxy.start()
    opts = options(
        fuzz_venue,
        tmp_path,
        data_url=proxy.url,
        stale_after_s=1.0,
        gate=GateConfig(max_age_s=1.0),
        order=TraderConfig(type="limit"),
        strategy_params=MicroMomentumParams(
            time_stop_s=1.0, cooldown_s=0.1, take_profit_ticks=2, stop_loss_ticks=2
        ),
    )
    from engine.runtime.app import Runtime

    running = Running(Runtime(opts))
    runtime = await running.ready()
    core, live = runtime.core, runtime.live
    assert core is not None and live is not None
    events: list[EngineEvent] = []
    bad_orders: list[str] = []

    def watch(event: EngineEvent) -> None:
        events.append(event)
        if isinstance(event, OrderSubmitted) and event.order.price:
            o = event.order
            inst = core.instruments[o.symbol]
            price = float(inst.price(o.price))
            lo, hi = proxy.bands.get(o.symbol, (price, price))
            if not lo * 0.95 <= price <= hi * 1.05:
                bad_orders.append(f"{o.symbol} {price} outside {lo}..{hi}")

    runtime.bus.subscribe("fuzz", watch)
    try:
        frozen = Symbol("SIMLOW")
        await until(lambda: proxy.mutated > 100, 30, "mutated traffic")
        proxy.freeze = frozen  # from now on every SIMLOW tick says 9999-12-31
        await until(lambda: core.is_stale(frozen), 10, "the frozen symbol goes stale")
        stale = [
            e
            for e in events
            if isinstance(e, FeedEvent) and e.state is FeedState.STALE and e.symbol == frozen
        ]
        assert stale and "every tick dropped" in stale[-1].detail
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:  # keep trading under fuzz a while longer
            assert not running.task.done()
            await asyncio.sleep(0.1)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{runtime.http_port}/status") as resp,
        ):
            status = await resp.json()
        ages = {s["symbol"]: s["last_tick_age_s"] for s in status["symbols"]}
        assert all(a is None or a >= 0 for a in ages.values()), ages
        assert next(s for s in status["symbols"] if s["symbol"] == frozen)["stale"]
    finally:
        code = await running.stop()
        await proxy.stop()
    assert code == 0
    rejects, errors = live.gate.rejects, live.decode_errors
    assert rejects["price_band"] > 0 and rejects["future_ts"] > 0, rejects
    assert sum(errors.values()) > 0, errors
    assert [e for e in events if isinstance(e, OrderSubmitted)], "the bot never traded"
    assert not bad_orders, bad_orders
    assert not [e for e in events if isinstance(e, BreakerTripped)]
    assert not core.breakers.latched
    # Marks stayed with the true market (within the band of what the venue really quoted).
    for sym in core.symbols:
        pos = core.portfolio.position(sym)
        if pos.qty and pos.mark2:
            mark = float(core.instruments[sym].price(pos.mark2 / 2))
            lo, hi = proxy.bands[sym]
            assert lo * 0.95 <= mark <= hi * 1.05, (sym, mark, lo, hi)
    # No more than a handful of alerts per symbol: rate-limited, not per tick.
    rejected = [e for e in events if isinstance(e, FeedEvent) and e.state is FeedState.REJECTED]
    per_symbol = {e.symbol: 0 for e in rejected}
    for e in rejected:
        per_symbol[e.symbol] += 1
    assert all(n <= 2 for n in per_symbol.values()), per_symbol
