"""Replay recorded ticks through the same core, with a simulated clock and paper fills."""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

import msgspec

from engine.backtest.config import BacktestConfig
from engine.backtest.metrics import Metrics
from engine.core.params import ParamError
from engine.core.strategies import strategy_factory
from engine.core.trading_core import TradingCore
from engine.model import BookUpdate
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import MarketEvent
from engine.model import Quote
from engine.model import Trade
from engine.model import decimal_to_money
from engine.model.commands import SubmitOrder
from engine.model.events import EngineEvent
from engine.paper import PaperVenue

# The live runtime gives the core the time every 100 ms (entry timeouts and exit
# retries fire without market data); the replay does the same in simulated time.
TIMER_NS = 100_000_000

EventSink = Callable[[list[EngineEvent]], None]
Progress = Callable[[int, int], None]


class BacktestResult(msgspec.Struct):
    summary: dict[str, Any]
    metrics: Metrics
    core: TradingCore
    venue: PaperVenue
    elapsed_s: float
    ticks_per_second: float


def build(
    config: BacktestConfig, instruments: list[Instrument], run_tag: str = "0"
) -> tuple[TradingCore, PaperVenue]:
    """The core and paper venue for a run, wired to share each symbol's market state.

    ``run_tag`` goes into every client order id and execution id, so runs stored
    in one database never share an id. Raises ParamError (one line) when the core
    refuses the configuration for these instruments (``risk.max_order_qty`` below
    one lot, ``order.qty`` below the minimum size).
    """
    try:
        core = TradingCore(
            instruments,
            strategy_factory(config.strategy),
            config.strategy_params,
            config.order,
            config.risk,
            IdFactory("bt", run_tag),
            decimal_to_money(config.account.cash),
        )
    except ValueError as exc:  # limits or sizes these instruments cannot honour
        raise ParamError(str(exc)) from None
    paper = config.paper
    if run_tag != "0":
        paper = msgspec.structs.replace(paper, venue=f"{paper.venue}{run_tag}")
    venue = PaperVenue(instruments, paper)
    for inst in instruments:
        venue.attach(inst.symbol, core.market(inst.symbol))
    return core, venue


def run(
    config: BacktestConfig,
    instruments: list[Instrument],
    events: Iterable[MarketEvent],
    *,
    rejected_rows: Callable[[], dict[str, int]] = dict,
    sink: EventSink | None = None,
    progress: Progress | None = None,
    run_tag: str = "0",
) -> BacktestResult:
    """Run ``events`` (in time order) through the core; returns metrics and the parts."""
    core, venue = build(config, instruments, run_tag)
    metrics = Metrics()
    started = time.perf_counter()
    ticks, first_ts, last_ts = _loop(core, venue, metrics, events, sink, progress)
    elapsed = time.perf_counter() - started
    # Settle what is still in flight at the end of the data.
    _pump(core, venue, last_ts, metrics, sink, final=True)
    pf = core.portfolio
    metrics.sample(last_ts, pf.equity, pf.drawdown)
    summary = metrics.summary(
        pf,
        ticks=ticks,
        signals=core.signals,
        first_ts=first_ts,
        last_ts=last_ts,
        rejected_rows=rejected_rows(),
    )
    summary = {"strategy": config.strategy, **summary}
    tps = ticks / elapsed if elapsed > 0 else 0.0
    return BacktestResult(summary, metrics, core, venue, elapsed, tps)


def _loop(
    core: TradingCore,
    venue: PaperVenue,
    metrics: Metrics,
    events: Iterable[MarketEvent],
    sink: EventSink | None,
    progress: Progress | None,
) -> tuple[int, int, int]:
    on_quote = core.on_quote
    on_trade = core.on_trade
    v_quote = venue.on_quote
    v_trade = venue.on_trade
    outbox = core.outbox
    cevents = core.events
    pf = core.portfolio
    step = metrics.sample_ns
    next_sample = 0
    next_timer = 0
    on_timer = core.on_timer
    next_due = venue.next_due
    due = None
    ticks = 0
    first_ts = 0
    ts = 0
    for ev in events:
        ts = ev.ts
        if due is not None and ts >= due:
            _pump(core, venue, ts, metrics, sink)
        kind = type(ev)
        if kind is Quote:
            sym = ev.symbol
            on_quote(sym, ts, ev.bid, ev.bid_size, ev.ask, ev.ask_size)  # type: ignore[union-attr]
            v_quote(sym, ts)
        elif kind is Trade:
            sym = ev.symbol
            on_trade(sym, ts, ev.price, ev.size, ev.aggressor)  # type: ignore[union-attr]
            v_trade(sym, ev.price, ev.size, ev.aggressor, ts)  # type: ignore[union-attr]
        elif kind is BookUpdate:
            core.on_book(ev)  # type: ignore[arg-type]
        if ts >= next_timer:
            on_timer(ts)
            next_timer = ts + TIMER_NS
        ticks += 1
        if outbox or cevents:
            _pump(core, venue, ts, metrics, sink)
        due = next_due()
        if ts >= next_sample:
            if not first_ts:
                first_ts = ts
            metrics.sample(ts, pf.equity, pf.drawdown)
            next_sample = (ts // step + 1) * step
            if progress is not None:
                progress(ticks, ts)
    return ticks, first_ts, ts


def _pump(
    core: TradingCore,
    venue: PaperVenue,
    now: int,
    metrics: Metrics,
    sink: EventSink | None,
    final: bool = False,
) -> None:
    """Exchange commands and reports until nothing more is due at ``now``."""
    outbox = core.outbox
    cevents = core.events
    while True:
        for cmd in outbox:
            if isinstance(cmd, SubmitOrder):
                venue.submit(cmd.order, now)
            else:
                venue.cancel(cmd.client_order_id, now)
        outbox.clear()
        if final:
            due = venue.next_due()
            if due is not None and due > now:
                now = due
        reports = venue.advance(now)
        for report in reports:
            core.on_report(report)
        if cevents:
            metrics.on_events(cevents)
            if sink is not None:
                sink(cevents)
            cevents.clear()
        if not reports and not outbox:
            return
