"""Where the simulated venue's market comes from: a seeded synthetic market or a replay.

Both are polled with the wall clock: ``poll(now)`` returns the quotes and
trades due by ``now`` (ns), in time order, stamped with their own times. The
venue loop feeds them to the paper matching engine and the data stream.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import msgspec

from engine.model import Instrument
from engine.model import MarketEvent
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay import EventSource
from engine.replay import merge
from engine.replay import open_source
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.config import SymbolSpec

_NS = 1_000_000_000
_MAX_CATCH_UP_NS = 2 * _NS  # after a longer stall of the loop, skip ahead instead

TickEvent = Quote | Trade


class MarketSource(Protocol):
    """A market the venue can run: its instruments and the events due by a time."""

    @property
    def instruments(self) -> list[Instrument]: ...

    def poll(self, now: int) -> list[TickEvent]: ...

    @property
    def finished(self) -> bool: ...


# -- synthetic ------------------------------------------------------------------

# regime: (rate multiplier, mean duration s, move probability, move scale, spread scale)
_REGIMES: dict[str, tuple[float, float, float, int, int]] = {
    "quiet": (0.2, 4.0, 0.1, 1, 1),
    "normal": (1.0, 8.0, 0.3, 1, 1),
    "burst": (5.0, 1.5, 0.6, 3, 3),
}


class _SymbolSim:
    """One symbol's random walk: mid in ticks, spread, touch sizes, quote-rate regime."""

    __slots__ = (
        "anchor",
        "ask_size",
        "bid",
        "bid_size",
        "depth",
        "move",
        "next_ts",
        "rate",
        "regime",
        "regime_until",
        "rng",
        "spread",
        "spread_base",
        "symbol",
        "trade_ratio",
    )

    def __init__(
        self, spec: SymbolSpec, seed: int, rate: float, trade_ratio: float, start: int
    ) -> None:
        inst = spec.instrument()
        self.rng = random.Random(f"{seed}:{spec.symbol}")
        self.symbol = inst.symbol
        self.anchor = inst.ticks(spec.start_price)
        self.bid = self.anchor
        self.spread = self.spread_base = spec.spread_ticks
        self.move = spec.move_ticks
        self.depth = spec.depth_lots
        self.bid_size = self.ask_size = spec.depth_lots
        self.rate = rate
        self.trade_ratio = trade_ratio
        self.regime = "normal"
        self.regime_until = start + int(self.rng.expovariate(1 / 8.0) * _NS)
        self.next_ts = start + self._gap()

    def _gap(self) -> int:
        return 1 + int(self.rng.expovariate(self.rate * _REGIMES[self.regime][0]) * _NS)

    def _switch_regime(self, ts: int) -> None:
        rng = self.rng
        if self.regime == "normal":
            self.regime = "burst" if rng.random() < 0.35 else "quiet"
        else:
            self.regime = "normal"
        self.regime_until = ts + int(rng.expovariate(1 / _REGIMES[self.regime][1]) * _NS)

    def run(self, now: int, out: list[TickEvent]) -> None:
        """Append the events due by ``now``."""
        if now - self.next_ts > _MAX_CATCH_UP_NS:
            self.next_ts = now - _MAX_CATCH_UP_NS
        while self.next_ts <= now:
            ts = self.next_ts
            if ts >= self.regime_until:
                self._switch_regime(ts)
            if self.rng.random() < self.trade_ratio:
                self._trade(ts, out)
            else:
                self._quote(ts, out)
            self.next_ts = ts + self._gap()

    def _quote(self, ts: int, out: list[TickEvent]) -> None:
        rng = self.rng
        _, _, p_move, move_scale, spread_scale = _REGIMES[self.regime]
        if rng.random() < p_move:
            # mean reversion: lean the coin towards the anchor by up to 20%
            lean = max(-0.2, min(0.2, (self.anchor - self.bid) / (self.anchor * 0.02 + 1)))
            step = 1 + int(rng.random() * self.move * move_scale)
            self.bid += step if rng.random() < 0.5 + lean else -step
            self.bid = max(self.bid, 10)
        r = rng.random()
        base = self.spread_base
        if r < 0.72:
            spread = base
        elif r < 0.95:
            spread = base + 1
        else:
            spread = base + 2 + int(rng.random() * 3)
        self.spread = spread if spread_scale == 1 else spread + int(rng.random() * spread_scale)
        depth = self.depth
        self.bid_size = 1 + int(rng.random() * 2 * depth)
        self.ask_size = 1 + int(rng.random() * 2 * depth)
        out.append(
            Quote(self.symbol, ts, self.bid, self.bid_size, self.bid + self.spread, self.ask_size)
        )

    def _trade(self, ts: int, out: list[TickEvent]) -> None:
        rng = self.rng
        buy = rng.random() < 0.5
        size = 1 + int(rng.expovariate(4.0 / self.depth))
        if buy:
            price = self.bid + self.spread
            out.append(Trade(self.symbol, ts, price, size, Side.BUY))
            if size >= self.ask_size:  # the ask is taken out: the quote moves up
                self.bid += 1
                self.ask_size = 1 + int(rng.random() * 2 * self.depth)
            else:
                self.ask_size -= size
        else:
            price = self.bid
            out.append(Trade(self.symbol, ts, price, size, Side.SELL))
            if size >= self.bid_size:
                self.bid = max(self.bid - 1, 10)
                self.bid_size = 1 + int(rng.random() * 2 * self.depth)
            else:
                self.bid_size -= size
        ask = self.bid + self.spread
        out.append(Quote(self.symbol, ts, self.bid, self.bid_size, ask, self.ask_size))


class _Market:
    """What every market has: the instruments it serves, and whether it has ended."""

    _instruments: list[Instrument]
    _done = False  # a synthetic market never ends

    @property
    def instruments(self) -> list[Instrument]:
        return self._instruments

    @property
    def finished(self) -> bool:
        return self._done


class SyntheticMarket(_Market):
    """A seeded synthetic market: random-walk mids, spreads, bursts and quiet spells.

    Every symbol has its own generator seeded from ``seed`` and its name, and
    event times come from the generator (exponential gaps at the regime's
    rate), so the sequence of events is a pure function of the seed and the
    start time, whatever the polling pattern.
    """

    def __init__(
        self,
        specs: tuple[SymbolSpec, ...],
        seed: int,
        quote_rate: float,
        trade_ratio: float,
        start: int,
    ) -> None:
        self._specs = specs
        self._instruments = [s.instrument() for s in specs]
        self._sims = [_SymbolSim(s, seed, quote_rate, trade_ratio, start) for s in specs]
        self.events = 0

    def poll(self, now: int) -> list[TickEvent]:
        out: list[TickEvent] = []
        for sim in self._sims:
            if sim.next_ts <= now:
                sim.run(now, out)
        if len(self._sims) > 1 and out:
            out.sort(key=_ts)
        self.events += len(out)
        return out

    def bids(self) -> dict[str, int]:
        """Each symbol's bid in ticks (saved with the venue state)."""
        return {s.symbol: s.bid for s in self._sims}

    def restore(self, bids: dict[str, int]) -> None:
        """Continue from saved bids (symbols not listed keep their start price)."""
        for sim in self._sims:
            if sim.symbol in bids and bids[sim.symbol] >= 10:
                sim.bid = bids[sim.symbol]


def _ts(event: TickEvent) -> int:
    return event.ts


# -- replay -----------------------------------------------------------------------


class ReplayMarket(_Market):
    """Recorded quotes and trades re-stamped to wall time at ``speed``.

    With ``speed`` > 0 an event recorded ``d`` after the first one is sent
    ``d / speed`` after the replay started; with 0 every poll takes up to
    ``batch`` events stamped ``now``. Depth and bar events are skipped. With
    ``loop`` the file starts over when it ends; otherwise the market falls quiet.
    """

    def __init__(
        self, paths: tuple[str, ...], speed: float, batch: int = 2000, loop: bool = False
    ) -> None:
        sources = [open_source(Path(p)) for p in paths]
        self._source: EventSource = sources[0] if len(sources) == 1 else merge(sources)
        self._instruments = list(self._source.instruments)
        self.speed = speed
        self.batch = batch
        self.loop = loop
        self._it: Iterator[MarketEvent] = iter(self._source)
        self._pending: TickEvent | None = None
        self._base_wall = -1
        self._base_data = 0
        self._last_wall = 0
        self._done = False
        self.events = 0
        self.skipped = 0
        self.passes = 0

    def _next(self) -> TickEvent | None:
        for event in self._it:
            if isinstance(event, Quote | Trade):
                return event
            self.skipped += 1
        if not self.loop:
            self._done = True
            return None
        self.passes += 1
        self._it = iter(self._source)
        self._base_wall = -1
        for event in self._it:
            if isinstance(event, Quote | Trade):
                return event
        self._done = True  # pragma: no cover - a file with no quotes or trades
        return None

    def poll(self, now: int) -> list[TickEvent]:
        out: list[TickEvent] = []
        if self._done:
            return out
        if self._pending is None:
            self._pending = self._next()
        while self._pending is not None:
            event = self._pending
            if self._base_wall < 0:
                self._base_wall = max(now, self._last_wall + 1)
                self._base_data = event.ts
            if self.speed > 0:
                wall = self._base_wall + math.floor((event.ts - self._base_data) / self.speed)
                if wall > now:
                    break
            else:
                if len(out) >= self.batch:
                    break
                wall = now
            out.append(msgspec.structs.replace(event, ts=wall))
            self._last_wall = wall
            self._pending = self._next()
        self.events += len(out)
        return out


def open_market(cfg: SimVenueConfig, start: int) -> SyntheticMarket | ReplayMarket:
    """The replay of ``cfg.data_files`` when given, else the synthetic market of
    ``cfg.symbols`` starting at ``start``."""
    if cfg.data_files:
        return ReplayMarket(cfg.data_files, cfg.speed, cfg.replay_batch, cfg.replay_loop)
    return SyntheticMarket(cfg.symbols, cfg.seed, cfg.quote_rate, cfg.trade_ratio, start)


def symbols_of(market: MarketSource) -> list[Symbol]:
    return [i.symbol for i in market.instruments]
