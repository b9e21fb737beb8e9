"""Tripped breakers and the drawdown reference, stored so a restart cannot forget them.

A trip is saved before the bot acts on it: :meth:`BreakerKeeper.guard` is the
live engine's ``latch_guard`` (called with the core's events before its outbox
is sent); when it sees a ``BreakerTripped`` it starts a save and the live engine
holds the outbox (the halt's cancels and the flatten) until
:meth:`LiveEngine.release_outbox` is called when the save has committed. If the
store stays unwritable for ``HOLD_MAX_S`` the outbox is released anyway, loudly,
and the save goes on being retried: a breaker that can never flatten would be
worse than one a crash could forget.

What is saved (``control_state`` keys, one transaction):

- ``breakers``: latched name -> detail (the key ``Control.reset_breaker`` writes);
- ``breaker_state``: ``{"cooldown_until": ns}`` of the loss streak (0 = none);
- ``hwm``: ``{"value": nanos, "since_ts": ns}``, the drawdown reference;
- ``state:*``: ``{"state": "halted", "actor": "breaker:<name>"}`` when a trip halted.

The drawdown reference (high-water mark) is the peak equity since the drawdown
breaker was last reset, or since the first start: a restart never lowers it
(``max(stored, equity now)``), and resetting the drawdown breaker re-bases it to
the equity at that moment. Between trips and resets it is saved with every
equity snapshot, so a peak reached and lost within one snapshot interval before
a crash is the one thing a restart can miss.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any

from engine.core.risk.breakers import DRAWDOWN
from engine.core.trading_core import ALL
from engine.core.trading_core import TradingCore
from engine.model import TradingState
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import EngineEvent
from engine.runtime.live import LiveEngine

log = logging.getLogger("scalpbot.breakers")

SaveMany = Callable[[dict[str, Any], str], Awaitable[None]]
HOLD_MAX_S = 5.0
"""How long the orders caused by a trip wait for the store at most."""


class BreakerKeeper:
    """Stores the breakers' state on every trip and reset, and the drawdown reference."""

    def __init__(
        self,
        core: TradingCore,
        live: LiveEngine,
        save: SaveMany,
        clock: Callable[[], int] = time.time_ns,
        hold_max_s: float = HOLD_MAX_S,
    ) -> None:
        self._core = core
        self._live = live
        self._save = save
        self._clock = clock
        self._hold_max_s = hold_max_s
        self._lock = asyncio.Lock()
        self._pending = 0
        self._holding = False  # the live engine holds its outbox for a trip being saved
        self._latched = 0  # how many breakers were latched at the last look (cheap check)
        self._tasks: set[asyncio.Task[None]] = set()
        self.hwm_since = 0
        self.saved_hwm: int | None = None
        self.failures = 0

    # -- the live engine's latch guard ------------------------------------------------------

    def guard(self, events: list[EngineEvent]) -> bool:
        """Start a save on a trip or a reset; True (hold the outbox) on a trip.

        Called on the hot path whenever the core produced something: a trip adds a
        latched breaker and a reset removes one (never both in one drain), so the
        events are only looked at when that count moved."""
        latched = len(self._core.breakers.latched)
        if latched == self._latched:
            return False
        self._latched = latched
        trip = changed = False
        for event in events:
            if type(event) is BreakerTripped:
                trip = changed = True
            elif isinstance(event, BreakerReset):
                changed = True
                if event.breaker == DRAWDOWN:
                    self.rebase()
        if changed:
            self._pending += 1
            self._holding |= trip
            task = asyncio.get_running_loop().create_task(self._store(), name="store breakers")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return trip

    def sync(self) -> None:
        """The latched set was restored (start-up): count from it, not from nothing."""
        self._latched = len(self._core.breakers.latched)

    def rebase(self) -> None:
        """The drawdown breaker was reset: the reference starts again from now."""
        pf = self._core.portfolio
        pf.high_water_mark = pf.equity
        self.hwm_since = self._clock()

    async def _store(self) -> None:
        deadline = time.monotonic() + self._hold_max_s
        delay = 0.05
        try:
            while True:
                try:
                    await self.save()
                    return
                except Exception as exc:
                    self.failures += 1
                    late = time.monotonic() >= deadline
                    if late and self._holding:
                        log.error(
                            "could not store a breaker change for %.0fs (%r): acting on the "
                            "trip anyway; a crash now would forget it",
                            self._hold_max_s,
                            exc,
                        )
                        self._release()
                    else:
                        log.warning("could not store a breaker change (%r); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
        finally:
            self._pending -= 1
            if self._pending == 0:
                self._release()

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self._live.release_outbox()

    async def save(self) -> None:
        """Save the breakers' current state (the latest, when saves queue up)."""
        async with self._lock:
            state = self.state()
            await self._save(state, "breaker")
            self.saved_hwm = state["hwm"]["value"]

    def state(self) -> dict[str, Any]:
        core = self._core
        state: dict[str, Any] = {
            "breakers": dict(core.breakers.latched),
            "breaker_state": {"cooldown_until": core.breakers.cooldown_until},
            "hwm": self._hwm(),
        }
        if core.state is TradingState.HALTED:
            state[f"state:{ALL}"] = {"state": core.state.value, "actor": core.state_actor}
        return state

    def _hwm(self) -> dict[str, int]:
        return {"value": self._core.portfolio.high_water_mark, "since_ts": self.hwm_since}

    # -- start-up and snapshots ------------------------------------------------------------------

    def restore_hwm(self, saved: dict[str, Any]) -> bool:
        """Set the drawdown reference from the store (never below the equity now).
        True when nothing was stored (a first start: save it)."""
        pf = self._core.portfolio
        stored = saved.get("hwm")
        if isinstance(stored, dict) and "value" in stored:
            pf.high_water_mark = max(int(stored["value"]), pf.equity)
            self.hwm_since = int(stored.get("since_ts", 0))
            self.saved_hwm = int(stored["value"])
            return False
        legacy = saved.get("day") or {}
        pf.high_water_mark = max(int(legacy.get("hwm", 0)), pf.equity)
        self.hwm_since = self._clock()
        return True

    async def save_hwm_if_moved(self) -> None:
        """With each equity snapshot: save the reference when it rose since last time."""
        if self._core.portfolio.high_water_mark != self.saved_hwm:
            async with self._lock:
                hwm = self._hwm()
                await self._save({"hwm": hwm}, "runtime")
                self.saved_hwm = hwm["value"]

    async def close(self) -> None:
        """Let saves in progress finish (briefly), then stop retrying."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=2)
        for task in list(self._tasks):
            task.cancel()
