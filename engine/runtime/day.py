"""The trading day: when it starts, and what is kept of it across restarts.

The day starts at a defined moment in ``schedule.timezone``: the first session's
open on a day with sessions, local midnight every day when there are none (see
:func:`engine.runtime.scheduler.trading_day`). The runtime checks the wall clock every
second on every configuration (no scheduler, no quote needed) and rolls over
when the trading day changed; a rollover missed while the process was down is
applied at start-up. The day is keyed on the local date it started on.

What is saved (``control_state`` key ``day``, at each rollover and at start-up)::

    {"day": "2024-05-02", "start_ts": <ns>, "start_equity": <nanos>, "zone": "UTC"}

After a restart on the same trading day, day P&L counts from ``start_equity``
and ``/pnl day`` and the digest count fills and round trips from ``start_ts``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import Any

import msgspec

from engine.config.schedule import ScheduleConfig
from engine.core.trading_core import TradingCore
from engine.model import money_to_float
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import RoundTripClosed
from engine.runtime.scheduler import TradingDay
from engine.runtime.scheduler import trading_day
from engine.store import StoreReader

log = logging.getLogger("scalpbot.day")

Save = Callable[[str, Any, str], Awaitable[None]]


class DayState(msgspec.Struct, frozen=True, kw_only=True):
    """One trading day as stored: its key, start and the equity it started with."""

    day: str
    start_ts: int
    start_equity: int
    zone: str = "UTC"


def day_at(config: ScheduleConfig, now_ns: int) -> TradingDay:
    """The trading day in effect at ``now_ns`` (wall clock, ns since the epoch)."""
    return trading_day(config, datetime.fromtimestamp(now_ns / 1e9, UTC))


def stored_day(saved: dict[str, Any], current: TradingDay, zone: str) -> DayState | None:
    """The stored day when it is ``current`` (same key and zone), else None.

    A value saved by an earlier version (``{"date", "start_equity", "hwm"}``, keyed
    on the UTC date) counts when its date is the current day's key.
    """
    value = saved.get("day")
    if not isinstance(value, dict):
        return None
    if "day" in value:
        try:
            day = msgspec.convert(value, DayState)
        except msgspec.ValidationError:
            return None
        return day if (day.day, day.zone) == (current.key, zone) else None
    if value.get("date") == current.key and isinstance(value.get("start_equity"), int):
        return DayState(
            day=current.key,
            start_ts=current.start_ns,
            start_equity=value["start_equity"],
            zone=zone,
        )
    return None


class DayKeeper:
    """Keeps the core's trading day: restores it at start-up, rolls it over on time,
    and counts the day's fills and round trips (for the digest)."""

    def __init__(
        self,
        core: TradingCore,
        config: ScheduleConfig,
        save: Save,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self._core = core
        self.config = config
        self._save = save
        self._clock = clock
        self.state: DayState | None = None
        self.fills = 0
        self.round_trips = 0

    async def restore(self, saved: dict[str, Any]) -> None:
        """At start-up, once cash and positions are valued: continue the stored day, or
        start the current one (a rollover missed while the process was down)."""
        current = day_at(self.config, self._clock())
        day = stored_day(saved, current, self.config.timezone)
        if day is None:
            await self._start(current, "a new trading day at start-up")
            return
        pf = self._core.portfolio
        pf.day_start_equity = day.start_equity
        pf.day_start_ts = day.start_ts
        self.state = day
        if saved.get("day", {}).get("day") != day.day:  # an earlier version's format
            await self._save("day", msgspec.to_builtins(day), "runtime")

    async def roll(self) -> bool:
        """Start the new trading day if it has begun (idempotent); True when it did."""
        current = day_at(self.config, self._clock())
        if self.state is not None and self.state.day == current.key:
            return False
        await self._start(current, "trading day rolled over")
        return True

    async def _start(self, current: TradingDay, why: str) -> None:
        core = self._core
        pf = core.portfolio
        core.start_day()  # day P&L from the equity now; the breakers' warnings re-arm
        pf.day_start_ts = current.start_ns
        self.state = DayState(
            day=current.key,
            start_ts=current.start_ns,
            start_equity=pf.day_start_equity,
            zone=self.config.timezone,
        )
        self.fills = self.round_trips = 0
        log.info(
            "%s: %s (%s), equity %.2f",
            why,
            current.key,
            self.config.timezone,
            money_to_float(pf.equity),
        )
        await self._save("day", msgspec.to_builtins(self.state), "runtime")

    async def load_counts(self, reader: StoreReader) -> None:
        """The day's fills and round trips so far, from the store (after a restart)."""
        if self.state is not None:
            self.fills, self.round_trips = await reader.count_since(self.state.start_ts)

    def count(self, event: EngineEvent) -> None:
        """A bus subscriber: counts the day's fills and round trips."""
        kind = type(event)
        if kind is FillApplied:
            self.fills += 1
        elif kind is RoundTripClosed:
            self.round_trips += 1
