"""Issue 9, items 8-10: bad market data must never be traded on.

Each test drives the real :class:`LiveEngine` (sanity gate + the real core with the
real ``micro_momentum`` strategy); the venue is a recorder of the orders the engine
would send, except for item 10's stale test, which runs the real Alpaca market-data
adapter against the fake Alpaca over loopback sockets.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.alerts import Translator
from bot.render import Units
from engine.bus import EventBus
from engine.config.schema import default_risk
from engine.core.strategies import MicroMomentum
from engine.core.strategies import MicroMomentumParams
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import BreakerTripped
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import RoundTripClosed
from engine.model.events import SignalChanged
from engine.runtime.live import LiveEngine
from tests.engine.runtime.conftest import RecordingVenue

SEC = 1_000_000_000
T0 = 1_700_000_000 * SEC  # 2023-11-14, a plausible wall clock
FAR_FUTURE = 253_402_214_400 * SEC  # 9999-12-31T00:00:00Z
UNIT = 10**9

ETH = Symbol("ETHUSD")
SIMEQ = Symbol("SIMEQ")
INSTRUMENTS = [
    Instrument(symbol=ETH, price_increment=Decimal("0.01"), size_increment=Decimal("0.0001")),
    Instrument(symbol=SIMEQ, price_increment=Decimal("0.01"), size_increment=Decimal(1)),
]


class Clock:
    """The engine's wall clock, moved by the test."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def step(self, ns: int = 1_000_000) -> int:
        self.now += ns
        return self.now


class Rig:
    """A live engine around a real core trading ``micro_momentum`` with limit entries."""

    def __init__(self, **live_kw: Any) -> None:
        params = MicroMomentumParams(
            take_profit_ticks=3, stop_loss_ticks=3, cooldown_s=0.0, max_spread_ticks=2
        )
        self.core = TradingCore(
            INSTRUMENTS,
            MicroMomentum,
            params,
            TraderConfig(type="limit"),
            default_risk(),
            IdFactory("t", "0"),
            1_000_000 * UNIT,
        )
        self.venue = RecordingVenue()
        self.bus = EventBus()
        self.events: list[EngineEvent] = []
        self.bus.subscribe("test", self.events.append)
        self.clock = Clock()
        self.live = LiveEngine(self.core, self.venue, self.bus, clock=self.clock, **live_kw)  # type: ignore[arg-type]

    def quote(self, symbol: Symbol, bid: int, ask: int, ts: int | None = None) -> None:
        now = self.clock.step()
        self.live.on_quote(symbol, now if ts is None else ts, bid, 5, ask, 5)

    def trade(self, symbol: Symbol, price: int, ts: int | None = None) -> None:
        now = self.clock.step()
        self.live.on_trade(symbol, now if ts is None else ts, price, 1, Side.BUY)

    def feed(self, state: FeedState, symbol: Symbol | None = None) -> list[FeedEvent]:
        return [
            e
            for e in self.events
            if isinstance(e, FeedEvent)
            and e.state is state
            and (symbol is None or e.symbol == symbol)
        ]


ETH_BID = 300_000  # 3,000.00 in ticks of 0.01
SIMEQ_BID = 15_000  # 150.00


def holding_one_simeq() -> Rig:
    """A rig holding 1 SIMEQ (as reconciliation books it), marked to a real market of
    four agreeing quotes, its events so far applied."""
    rig = Rig()
    for _ in range(3):
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    rig.core.adjust_position(SIMEQ, 1, SIMEQ_BID, rig.clock.now, "x1", "test")
    rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    rig.live.apply([])
    return rig


# -- item 8: the price band ------------------------------------------------------------


async def test_item_08_price_band_drops_a_1000x_quote_counts_and_alerts_once() -> None:
    rig = Rig()
    for _ in range(3):  # a steady market (no up-tick: the strategy stays out)
        rig.quote(ETH, ETH_BID, ETH_BID + 1)
    seen = rig.core.market(ETH).quotes
    # The reproduced defect: 1000x the price, a normal spread, the bid up-ticking.
    rig.quote(ETH, ETH_BID * 1000, ETH_BID * 1000 + 1)
    await asyncio.sleep(0)  # let any submit task run
    assert rig.venue.orders == [], "an order was sent on a 1000x quote"
    assert rig.live.submitted == 0
    assert not [e for e in rig.events if isinstance(e, SignalChanged)]
    assert rig.core.market(ETH).quotes == seen
    assert rig.core.market(ETH).bid == ETH_BID
    assert rig.live.gate.rejects["price_band"] == 1
    alerts = rig.feed(FeedState.REJECTED, ETH)
    assert len(alerts) == 1 and "price_band" in alerts[0].detail
    (telegram,) = Translator(Units({})).translate(alerts)  # what the bot plugin sends
    assert "ETHUSD</b>: bad market data dropped · price_band: 1 tick dropped" in telegram.text
    # More bad ticks inside the alert interval: counted, not alerted again.
    rig.quote(ETH, ETH_BID // 1000, ETH_BID // 1000 + 1)
    rig.quote(ETH, ETH_BID * 1000, ETH_BID * 1000 + 1)
    assert rig.live.gate.rejects["price_band"] == 3
    assert len(rig.feed(FeedState.REJECTED, ETH)) == 1
    # The real market goes on being traded normally.
    rig.quote(ETH, ETH_BID + 1, ETH_BID + 2)
    assert rig.core.market(ETH).bid == ETH_BID + 1
    # After the interval, the next bad tick alerts again, with the count since.
    rig.clock.step(61 * SEC)
    rig.quote(ETH, ETH_BID * 1000, ETH_BID * 1000 + 1)
    alerts = rig.feed(FeedState.REJECTED, ETH)
    assert len(alerts) == 2 and "3 " in alerts[1].detail


async def test_item_08_a_corrupt_first_tick_never_becomes_the_reference() -> None:
    rig = Rig()
    rig.quote(ETH, ETH_BID * 1000, ETH_BID * 1000 + 1)  # the very first tick is the bad one
    assert rig.core.market(ETH).quotes == 0
    for _ in range(4):
        rig.quote(ETH, ETH_BID, ETH_BID + 1)
    assert rig.core.market(ETH).bid == ETH_BID  # the reference came from agreeing ticks
    rig.quote(ETH, ETH_BID * 1000, ETH_BID * 1000 + 1)
    assert rig.core.market(ETH).bid == ETH_BID
    assert rig.venue.orders == []


async def test_item_08_trades_get_the_same_band() -> None:
    rig = Rig()
    for _ in range(3):
        rig.quote(ETH, ETH_BID, ETH_BID + 1)
    rig.trade(ETH, ETH_BID)
    trades = rig.core.market(ETH).trades
    rig.trade(ETH, ETH_BID * 1000)
    rig.trade(ETH, ETH_BID // 1000)
    assert rig.core.market(ETH).trades == trades
    assert rig.live.gate.rejects["price_band"] == 2


async def test_item_08_a_genuine_gap_blocks_entries_then_reanchors_with_an_alert() -> None:
    rig = Rig()
    for _ in range(3):
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    gap = SIMEQ_BID * 110 // 100  # the market really moves 10%
    rig.quote(SIMEQ, gap, gap + 1)
    rig.quote(SIMEQ, gap + 1, gap + 2)
    assert rig.core.market(SIMEQ).bid == SIMEQ_BID  # not yet believed
    assert rig.core.is_stale(SIMEQ), "entries must be blocked while the band is in doubt"
    assert rig.feed(FeedState.STALE, SIMEQ)
    # Consistent out-of-band ticks, a few seconds of them: the band follows the market.
    deadline = rig.clock.now + 10 * SEC
    while rig.core.market(SIMEQ).bid == SIMEQ_BID and rig.clock.now < deadline:
        rig.clock.step(SEC // 2)
        rig.quote(SIMEQ, gap, gap + 1)
    assert rig.core.market(SIMEQ).bid == gap, "a real gap must not freeze the symbol forever"
    assert not rig.core.is_stale(SIMEQ)
    fresh = rig.feed(FeedState.FRESH, SIMEQ)
    assert fresh and "re-anchored" in fresh[-1].detail
    rig.quote(SIMEQ, gap - 1, gap)
    assert rig.core.market(SIMEQ).bid == gap - 1
    assert not rig.core.is_stale(ETH)  # the other symbol was never affected


async def test_item_08_band_is_configurable_per_symbol(tmp_path: Path) -> None:
    from engine.config import ConfigError
    from engine.config import load_config
    from engine.runtime.cli import options_from_config
    from engine.runtime.sanity import GateConfig

    toml = tmp_path / "bot.toml"
    toml.write_text("[venue]\nprice_band_pct = 2.0\nprice_band_pct_by_symbol = { SIMEQ = 20.0 }\n")
    gate = options_from_config(load_config(toml, {})).gate
    assert isinstance(gate, GateConfig)
    assert gate.band_pct == 2.0 and gate.band_pct_by_symbol == {"SIMEQ": 20.0}
    rig = Rig(gate=gate)
    for sym, bid in ((ETH, ETH_BID), (SIMEQ, SIMEQ_BID)):
        for _ in range(3):
            rig.quote(sym, bid, bid + 1)
    up3 = ETH_BID * 103 // 100
    rig.quote(ETH, up3, up3 + 1)  # 3% > 2%: dropped
    assert rig.core.market(ETH).bid == ETH_BID
    up15 = SIMEQ_BID * 115 // 100
    rig.quote(SIMEQ, up15, up15 + 1)  # 15% < 20%: accepted
    assert rig.core.market(SIMEQ).bid == up15
    env = {"SCALPBOT__VENUE__PRICE_BAND_PCT_BY_SYMBOL__ETHUSD": "8"}
    # Environment variable names are case-folded: symbols match case-insensitively.
    assert options_from_config(load_config(None, env)).gate.band_pct_by_symbol == {"ETHUSD": 8.0}
    for bad in (
        "price_band_pct = 0",
        "price_band_pct = 60",
        "price_band_pct_by_symbol = { X = -1 }",
    ):
        toml.write_text(f"[venue]\n{bad}\n")
        with pytest.raises(ConfigError, match="price_band"):
            load_config(toml, {})


@pytest.mark.parametrize("scale", [1000.0, 0.001, 10.0])
async def test_item_08_a_sustained_mis_scaled_feed_is_never_accepted(scale: float) -> None:
    """REVIEW-TS #2: 1000x quotes for 3 s re-anchored the band (5 agreeing quotes over
    2 s), so the position was marked 1000x, the high-water mark jumped and the drawdown
    breaker tripped when the real price came back. A level this far is never accepted:
    the symbol is held (entries blocked) and the alert asks for a person."""
    rig = holding_one_simeq()
    core, pf = rig.core, rig.core.portfolio
    events_before = len(rig.events)
    quotes, mark, hwm = core.market(SIMEQ).quotes, pf.position(SIMEQ).mark2, pf.high_water_mark
    bad = max(1, int(SIMEQ_BID * scale))
    for _ in range(30):  # 3 s of a consistent, mis-scaled feed with a normal spread
        rig.clock.step(SEC // 10)
        rig.quote(SIMEQ, bad, bad + 1)
    await asyncio.sleep(0)
    assert core.market(SIMEQ).quotes == quotes, "a mis-scaled level was accepted"
    assert core.is_stale(SIMEQ), "entries must stay blocked while the level is in doubt"
    (held,) = rig.feed(FeedState.STALE, SIMEQ)
    assert "implausible" in held.detail and "needs a person" in held.detail
    (telegram,) = Translator(Units({})).translate([held])
    assert "implausible" in telegram.text
    # It goes on: still nothing accepted, and re-alerted at most once a minute.
    for _ in range(150):
        rig.clock.step(SEC)
        rig.quote(SIMEQ, bad, bad + 1)
    assert core.market(SIMEQ).quotes == quotes and core.is_stale(SIMEQ)
    alerts = [
        e for e in rig.events[events_before:] if isinstance(e, FeedEvent) and e.symbol == SIMEQ
    ]
    assert 2 <= len(alerts) <= 1 + 1 + 153 // 60, [a.detail for a in alerts]
    assert "implausible" in alerts[-1].detail and "needs a person" in alerts[-1].detail
    assert pf.position(SIMEQ).mark2 == mark and pf.high_water_mark == hwm
    assert rig.venue.orders == []
    # The real market again: accepted at once, no fictitious peak, no breaker; the hold
    # is released after a few real quotes. (The strategy's 30 s time stop may close the
    # position now, on a real price: that is the only order allowed.)
    for _ in range(12):
        rig.clock.step(SEC // 10)
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    await asyncio.sleep(0)
    assert core.market(SIMEQ).quotes == quotes + 12
    assert not core.is_stale(SIMEQ)
    assert rig.feed(FeedState.FRESH, SIMEQ)
    new = rig.events[events_before:]
    assert not [e for e in new if isinstance(e, RoundTripClosed | BreakerTripped)]
    assert all(e.target == 0 for e in new if isinstance(e, SignalChanged))
    assert not core.breakers.latched and core.state is TradingState.ACTIVE
    assert pf.high_water_mark == hwm
    for o in rig.venue.orders:
        assert o.side is Side.SELL and o.qty == 1 and o.reduce_only, o
        assert o.decision_mid2 == 2 * SIMEQ_BID + 1, "decided on a corrupt price"


async def test_item_08_hold_and_release_alerts_are_rate_limited_but_the_core_follows() -> None:
    """REVIEW-SEC D4: pairs of x1000 quotes between real ones made 3,001 log lines and
    Telegram alerts a minute (every hold STALE, every release FRESH). The core must still
    block entries exactly while the band holds the symbol; only the bus is limited."""
    rig = Rig()
    for _ in range(3):
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    bad = SIMEQ_BID * 1000
    stale_seen = []
    minutes = 3
    for i in range(minutes * 6000):  # 100 quotes a second: 2 bad, 3 good
        rig.clock.step(9_000_000)
        if i % 5 < 2:
            rig.quote(SIMEQ, bad, bad + 1)
        else:
            rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
        assert rig.core.is_stale(SIMEQ) is rig.live.gate.held(SIMEQ), f"quote {i}"
        stale_seen.append(rig.core.is_stale(SIMEQ))
    alerts = [e for e in rig.events if isinstance(e, FeedEvent) and e.symbol == SIMEQ]
    assert len(alerts) <= 1 + 3 * minutes, f"{len(alerts)} feed alerts in {minutes} min"
    assert any("times in the last 60 s" in a.detail for a in alerts)
    # Held from the 2nd bad quote until 3 real ones in a row (hysteresis).
    assert all(stale_seen[i] for i in range(len(stale_seen)) if i % 5 in (1, 2, 3))
    assert not rig.core.is_stale(ETH)


async def test_item_08_alternating_quotes_hold_the_symbol_with_an_alert_a_minute() -> None:
    """REVIEW-SEC D5: one x1000 quote, one real one, for good: the symbol stays held
    (entries blocked; the feed contradicts itself), the real quotes reach the core, and
    a STALE alert says for how long at most once a minute; once the bad quotes stop,
    three real quotes in a row release it."""
    rig = Rig()
    for _ in range(3):
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    bad = SIMEQ_BID * 1000
    rig.quote(SIMEQ, bad, bad + 1)
    quotes = rig.core.market(SIMEQ).quotes
    minutes = 5
    for i in range(minutes * 6000):
        rig.clock.step(9_000_000)
        if i % 2:
            rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
        else:
            rig.quote(SIMEQ, bad, bad + 1)
    assert rig.core.market(SIMEQ).quotes == quotes + minutes * 3000
    assert rig.core.is_stale(SIMEQ)
    stale = rig.feed(FeedState.STALE, SIMEQ)
    assert len(stale) <= 1 + minutes and not rig.feed(FeedState.FRESH, SIMEQ)
    assert f"held for {minutes - 1} min" in stale[-1].detail, stale[-1].detail
    (telegram,) = Translator(Units({})).translate([stale[-1]])
    assert "held for" in telegram.text
    rig.quote(SIMEQ, bad, bad + 1)
    for _ in range(3):
        assert rig.core.is_stale(SIMEQ)
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    assert not rig.core.is_stale(SIMEQ)
    assert rig.feed(FeedState.FRESH, SIMEQ)


# -- item 9: marks, high-water mark and breakers see only good ticks --------------------


async def test_item_09_a_1000x_quote_never_marks_a_position_or_trips_a_breaker() -> None:
    rig = holding_one_simeq()
    core = rig.core
    pf = core.portfolio
    events_before = len(rig.events)
    mark, hwm, equity = pf.position(SIMEQ).mark2, pf.high_water_mark, pf.equity
    assert mark == 2 * SIMEQ_BID + 1
    rig.quote(SIMEQ, SIMEQ_BID * 1000, SIMEQ_BID * 1000 + 1)
    await asyncio.sleep(0)
    assert rig.venue.orders == [], "a take-profit fired on a corrupt quote"
    assert pf.position(SIMEQ).mark2 == mark
    assert pf.high_water_mark == hwm
    assert pf.equity == equity
    assert pf.position_qty(SIMEQ) == 1
    # The real market again: no fictitious peak to fall from, no breaker.
    rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1)
    await asyncio.sleep(0)
    new = rig.events[events_before:]
    assert not [e for e in new if isinstance(e, SignalChanged | RoundTripClosed | BreakerTripped)]
    assert not core.breakers.latched
    assert core.state is TradingState.ACTIVE
    assert pf.high_water_mark == hwm
    assert rig.venue.orders == []


# -- item 10: timestamps --------------------------------------------------------------------


async def test_item_10_a_far_future_tick_is_dropped_and_does_not_freeze_the_symbol() -> None:
    rig = Rig()
    for _ in range(3):
        rig.quote(ETH, ETH_BID, ETH_BID + 1)
    rig.quote(ETH, ETH_BID, ETH_BID + 1, ts=FAR_FUTURE)
    assert rig.live.gate.rejects["future_ts"] == 1
    accepted = rig.core.market(ETH).quotes
    for i in range(1, 50):  # every later real tick is accepted
        rig.quote(ETH, ETH_BID + i % 3, ETH_BID + i % 3 + 1)
    assert rig.core.market(ETH).quotes == accepted + 49
    assert rig.live.gate.rejects["time_backwards"] == 0
    # A tick just inside the tolerance is taken, but the tick age never goes negative.
    rig.quote(ETH, ETH_BID, ETH_BID + 1, ts=rig.clock.now + SEC)
    assert rig.clock.now - rig.live.last_tick_ns[ETH] >= 0
    rig.quote(ETH, ETH_BID, ETH_BID + 1)  # and it did not freeze the symbol either
    assert rig.core.market(ETH).quotes == accepted + 51
    assert rig.feed(FeedState.REJECTED, ETH)  # alerted
    # Far past: behind the last tick (time_backwards) or, for a symbol's first ticks,
    # older than the stale window when it arrives (past_ts); never the core's clock.
    rig.quote(ETH, ETH_BID, ETH_BID + 1, ts=rig.clock.now - 3600 * SEC)
    assert rig.live.gate.rejects["time_backwards"] == 1
    for _ in range(3):
        rig.quote(SIMEQ, SIMEQ_BID, SIMEQ_BID + 1, ts=rig.clock.now - 3600 * SEC)
    assert rig.live.gate.rejects["past_ts"] == 3
    assert rig.core.market(SIMEQ).quotes == 0


async def test_item_10_a_symbol_whose_every_tick_is_dropped_goes_stale_and_alerts() -> None:
    from engine.venues.alpaca import AlpacaMarketData
    from engine.venues.alpaca import DataConfig
    from tests.engine.venues.alpaca.conftest import equity
    from tests.engine.venues.alpaca.conftest import until
    from tests.kit.fake_alpaca import KEY
    from tests.kit.fake_alpaca import SECRET
    from tests.kit.fake_alpaca import FakeAlpaca

    aapl, amd = Symbol("AAPL"), Symbol("AMD")
    instruments = {s: equity(s) for s in (aapl, amd)}
    core = TradingCore(
        list(instruments.values()),
        MicroMomentum,
        MicroMomentumParams(),
        TraderConfig(),
        default_risk(),
        IdFactory("t", "0"),
        1_000_000 * UNIT,
    )
    bus = EventBus()
    events: list[EngineEvent] = []
    bus.subscribe("test", events.append)
    live = LiveEngine(core, RecordingVenue(), bus)  # type: ignore[arg-type]
    fake = FakeAlpaca()
    await fake.start()
    feed = AlpacaMarketData(
        DataConfig(fake.url, KEY, SECRET, stale_after_s=0.3, heartbeat_s=5.0), instruments
    )
    task = asyncio.create_task(feed.run([aapl, amd], live))

    def stale_events(sym: str, state: FeedState) -> list[FeedEvent]:
        return [
            e for e in events if isinstance(e, FeedEvent) and e.state is state and e.symbol == sym
        ]

    try:
        await until(lambda: fake.data_conns and live.feed_connected, what="connected")
        for _ in range(3):
            await fake.push([fake.quote("AAPL", 100.0, 100.01, ts=time.time_ns())])
            await fake.push([fake.quote("AMD", 50.0, 50.01, ts=time.time_ns())])
        await until(lambda: core.market(aapl).quotes and core.market(amd).quotes, what="seeded")
        # From now on every AAPL tick is stamped 9999-12-31; AMD stays healthy.
        t0 = time.monotonic()
        deadline = t0 + 5.0
        while not stale_events("AAPL", FeedState.STALE) and time.monotonic() < deadline:
            await fake.push([fake.quote("AAPL", 100.0, 100.01, ts=FAR_FUTURE)])
            await fake.push([fake.quote("AMD", 50.0, 50.01, ts=time.time_ns())])
            await asyncio.sleep(0.01)  # pacing the source, not waiting for an outcome
        assert stale_events("AAPL", FeedState.STALE), (
            "a symbol dropping every tick never went stale"
        )
        assert core.is_stale(aapl) and not core.is_stale(amd)
        assert not stale_events("AMD", FeedState.STALE)
        assert live.gate.rejects["future_ts"] > 0
        # Real ticks again: fresh.
        await fake.push([fake.quote("AAPL", 100.0, 100.01, ts=time.time_ns())])
        await until(lambda: not core.is_stale(aapl), what="AAPL fresh again")
        assert stale_events("AAPL", FeedState.FRESH)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await fake.stop()
