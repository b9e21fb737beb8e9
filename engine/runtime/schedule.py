"""The scheduler's target in the runtime: session windows, daily reset, housekeeping.

Session windows pause and resume symbols with the actor ``schedule:<session>``;
the scheduler only resumes what it paused itself, so a person's pause stands.
The trading day is the runtime's (:mod:`engine.runtime.day`, on every
configuration): ``daily_reset`` only makes sure it has rolled over before the
session opens, and the digest reports that day's counts.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.model import Symbol, TradingState
from engine.model.events import DailyDigest
from engine.scheduler import Scheduler, SessionPhase, session_phases

if TYPE_CHECKING:
    from engine.runtime.app import Runtime

log = logging.getLogger("scalpbot.schedule")


class RuntimeSchedule:
    """Implements ``engine.scheduler.ScheduleTarget`` on a running ``Runtime``."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._config = runtime.opts.schedule
        self._paused: set[Symbol] = set()
        self._scheduler = Scheduler(self._config, self)

    def start(self) -> None:
        """Apply the session windows in effect now, then start the jobs."""
        now = datetime.now(ZoneInfo(self._config.timezone))
        for session in self._config.sessions:
            phase = session_phases(self._config, now).get(session.name)
            if phase is not SessionPhase.OPEN:
                self._pause(session.name, list(session.symbols))
        self._scheduler.start()

    def shutdown(self) -> None:
        self._scheduler.shutdown()

    def _symbols(self, symbols: list[str]) -> list[Symbol]:
        core = self._rt.core
        assert core is not None
        if "*" in symbols:
            return list(core.symbols)
        return [Symbol(s) for s in symbols if Symbol(s) in core.instruments]

    def _pause(self, name: str, symbols: list[str]) -> None:
        core = self._rt.core
        assert core is not None and self._rt.live is not None
        for sym in self._symbols(symbols):
            if core.trading_state(sym) is TradingState.ACTIVE:
                core.set_state(sym, TradingState.PAUSED, f"schedule:{name}", "session closed")
                self._paused.add(sym)
        self._rt.live.apply([])

    async def session_open(self, name: str, symbols: list[str]) -> None:
        core = self._rt.core
        assert core is not None and self._rt.live is not None
        for sym in self._symbols(symbols):
            if sym in self._paused:
                core.set_state(sym, TradingState.ACTIVE, f"schedule:{name}", "session open")
                self._paused.discard(sym)
        self._rt.live.apply([])

    async def session_pre_close(self, name: str, symbols: list[str]) -> None:
        core = self._rt.core
        assert core is not None and self._rt.live is not None
        self._pause(name, symbols)
        for sym in self._symbols(symbols):
            core.flatten(sym)
        self._rt.live.apply([])

    async def session_close(self, name: str, symbols: list[str]) -> None:
        self._pause(name, symbols)

    async def daily_reset(self) -> None:
        day = self._rt.day
        assert day is not None
        await day.roll()  # idempotent: the runtime's own check may have rolled it already

    async def reconcile(self) -> None:
        await self._rt._reconcile()

    async def equity_snapshot(self) -> None:
        await self._rt._snapshot()

    async def daily_digest(self) -> None:
        core, day = self._rt.core, self._rt.day
        assert core is not None and day is not None
        pf = core.portfolio
        self._rt.bus.publish(
            DailyDigest(
                time.time_ns(),
                pf.equity,
                pf.day_pnl,
                day.fills,
                day.round_trips,
                pf.drawdown,
                len(pf.open_positions()),
            )
        )
