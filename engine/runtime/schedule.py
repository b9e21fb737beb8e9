"""The scheduler's target in the runtime: session windows, daily reset, housekeeping.

Session windows pause and resume symbols with the actor ``schedule:<session>``;
the scheduler only resumes what it paused itself, so a person's pause stands.
The trading day is the runtime's (:mod:`engine.runtime.day`, on every
configuration): ``daily_reset`` only makes sure it has rolled over before the
session opens, and the digest reports that day's counts. The housekeeping it
triggers (reconcile, equity snapshot) is a small :class:`Housekeeping` protocol,
so this module knows nothing of the runtime that implements it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from engine.config.schedule import ScheduleConfig
from engine.core.trading_core import TradingCore
from engine.model import ExecutionReport
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import DailyDigest
from engine.model.events import EngineEvent
from engine.runtime.day import DayKeeper
from engine.runtime.scheduler import Scheduler
from engine.runtime.scheduler import SessionPhase
from engine.runtime.scheduler import session_phases

log = logging.getLogger("scalpbot.schedule")


class Housekeeping(Protocol):
    """The periodic work the schedule can trigger (the runtime's session does it), and
    where the digest goes."""

    async def reconcile(self) -> None: ...

    async def equity_snapshot(self) -> None: ...

    def publish(self, event: EngineEvent) -> None: ...


class Applies(Protocol):
    """Sends what the core decided (``LiveEngine.apply``)."""

    def apply(self, reports: list[ExecutionReport]) -> None: ...


@dataclass(eq=False, repr=False)
class RuntimeSchedule:
    """Implements ``engine.runtime.scheduler.ScheduleTarget`` on the running parts."""

    config: ScheduleConfig
    core: TradingCore
    live: Applies
    day: DayKeeper
    housekeeping: Housekeeping
    _paused: set[Symbol] = field(default_factory=set, init=False)
    _scheduler: Scheduler = field(init=False)

    def __post_init__(self) -> None:
        self._scheduler = Scheduler(self.config, self)

    def start(self) -> None:
        """Apply the session windows in effect now, then start the jobs."""
        now = datetime.now(ZoneInfo(self.config.timezone))
        for session in self.config.sessions:
            phase = session_phases(self.config, now).get(session.name)
            if phase is not SessionPhase.OPEN:
                self._pause(session.name, list(session.symbols))
        self._scheduler.start()

    def shutdown(self) -> None:
        self._scheduler.shutdown()

    def _symbols(self, symbols: list[str]) -> list[Symbol]:
        core = self.core
        if "*" in symbols:
            return list(core.symbols)
        return [Symbol(s) for s in symbols if Symbol(s) in core.instruments]

    def _pause(self, name: str, symbols: list[str]) -> None:
        core = self.core
        for sym in self._symbols(symbols):
            if core.trading_state(sym) is TradingState.ACTIVE:
                core.set_state(sym, TradingState.PAUSED, f"schedule:{name}", "session closed")
                self._paused.add(sym)
        self.live.apply([])

    async def session_open(self, name: str, symbols: list[str]) -> None:
        core = self.core
        for sym in self._symbols(symbols):
            if sym in self._paused:
                core.set_state(sym, TradingState.ACTIVE, f"schedule:{name}", "session open")
                self._paused.discard(sym)
        self.live.apply([])

    async def session_pre_close(self, name: str, symbols: list[str]) -> None:
        self._pause(name, symbols)
        for sym in self._symbols(symbols):
            self.core.flatten(sym)
        self.live.apply([])

    async def session_close(self, name: str, symbols: list[str]) -> None:
        self._pause(name, symbols)

    async def daily_reset(self) -> None:
        await self.day.roll()  # idempotent: the runtime's own check may have rolled it already

    async def reconcile(self) -> None:
        await self.housekeeping.reconcile()

    async def equity_snapshot(self) -> None:
        await self.housekeeping.equity_snapshot()

    async def daily_digest(self) -> None:
        pf, day = self.core.portfolio, self.day
        self.housekeeping.publish(
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
