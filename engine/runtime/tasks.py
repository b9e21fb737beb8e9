"""Periodic work of the runtime, and what gets logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping

from engine.core.trading_core import TradingCore
from engine.model import Instrument
from engine.model import Symbol
from engine.model import money_to_float
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import DailyDigest
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FillApplied
from engine.model.events import Lifecycle
from engine.model.events import OrderError
from engine.model.events import RiskDenied
from engine.model.events import TradingStateChanged
from engine.runtime.live import LiveEngine

log = logging.getLogger("scalpbot")
status_log = logging.getLogger("scalpbot.status")


def event_logger(instruments: Mapping[Symbol, Instrument]) -> Callable[[EngineEvent], None]:
    """A bus subscriber that logs what a person running the bot wants to see."""

    def log_fill(event: FillApplied) -> None:
        f = event.fill
        inst = instruments.get(f.symbol)
        if inst is None:
            return
        log.info(
            "fill %s %s %s @ %s (%s) position %s",
            f.symbol,
            f.side.name.lower(),
            inst.qty(f.qty),
            inst.price(f.price),
            f.client_order_id,
            inst.qty(event.position_qty),
        )

    def handle(event: EngineEvent) -> None:
        if isinstance(event, FillApplied):
            log_fill(event)
        else:
            log_event(event)

    return handle


def log_event(event: EngineEvent) -> None:
    """Log what a person running the bot wants to see (never per tick)."""
    if isinstance(event, TradingStateChanged):
        log.warning(
            "trading state %s: %s -> %s by %s (%s)",
            event.scope,
            event.old.value,
            event.new.value,
            event.actor,
            event.reason,
        )
    elif isinstance(event, BreakerTripped):
        log.error("breaker %s tripped: %s", event.breaker, event.detail)
    elif isinstance(event, (BreakerWarning, BreakerReset)):
        log.warning("breaker %s: %s", event.breaker, event)
    elif isinstance(event, FeedEvent):
        level = logging.INFO if event.state.value in ("connected", "fresh") else logging.WARNING
        log.log(level, "%s %s %s %s", event.feed, event.state.value, event.symbol, event.detail)
    elif isinstance(event, (Discrepancy, OrderError)):
        log.warning("%s", event)
    elif isinstance(event, Lifecycle):
        log.info("%s (run %s) %s", event.phase, event.run_id, event.detail)
    elif isinstance(event, DailyDigest):
        log.info(
            "daily digest: equity %.2f day %.2f fills %d",
            money_to_float(event.equity),
            money_to_float(event.day_pnl),
            event.fills,
        )
    elif isinstance(event, RiskDenied) and log.isEnabledFor(logging.DEBUG):
        log.debug("denied %s %s: %s", event.symbol, event.reason, event.detail)


def status_line(core: TradingCore, live: LiveEngine, ticks_per_s: float) -> str:
    pf = core.portfolio
    positions = " ".join(
        f"{p.symbol}:{core.instruments[p.symbol].qty(p.qty)}" for p in pf.open_positions()
    )
    stale = sum(1 for s in core.symbols if core.is_stale(s))
    return (
        f"state={core.state.value} feed={'up' if live.feed_connected else 'DOWN'}"
        f"{f' stale={stale}' if stale else ''} equity={money_to_float(pf.equity):.2f}"
        f" day={money_to_float(pf.day_pnl):+.2f} dd={money_to_float(pf.drawdown):.2f}"
        f" orders={len(core.orders.working())} pos=[{positions}]"
        f" signals={core.signals} ticks/s={ticks_per_s:.0f}"
        f"{' breakers=' + ','.join(core.breakers.latched) if core.breakers.latched else ''}"
    )


async def every(seconds: float, job: Callable[[], Awaitable[None]], name: str) -> None:
    """Run ``job`` every ``seconds`` until cancelled; a failure is logged, not fatal."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic job %s failed", name)
