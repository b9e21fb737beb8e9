"""The kill switch's closing, with one owner at a time.

After the core has halted and sent its own flatten, the bot gets the settle time
to close. If the venue still shows exposure then, closing is handed to the venue
(cancel all, close all). While the venue closes, the core's closes are *held*
(``TradingCore.hold_closes``): it sends nothing, and does not re-send a flatten
the venue cancelled, so the two can never both fill. The venue is polled until
it shows no open order and no position, the bot's book is reconciled with it,
and only when both agree is closing given back to the core. Nothing here
sleeps a fixed time: every wait polls a condition against a deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from engine.control.views import LiveView
from engine.core.trading_core import TradingCore
from engine.model import Symbol
from engine.venues.base import Execution

POLL_S = 0.1  # between two looks at the venue or the bot's book


@dataclass(eq=False, repr=False)
class Closing:
    """What kill does after the core's own flatten; ``held`` while the venue owns closing."""

    core: TradingCore
    live: LiveView
    execution: Execution
    reconcile: Callable[[], Awaitable[None]]
    settle_s: float
    held: bool = field(default=False, init=False)

    async def bot_flat(self) -> bool:
        """Wait (up to the settle time) for the bot's own flatten: no position and no
        working order in the bot's book. False at the deadline."""
        deadline = time.monotonic() + self.settle_s
        await self.live.wait_idle(self.settle_s)
        while not self.flat_here():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def leftovers(self, notes: list[str]) -> tuple[list[str], list[str]]:
        """What the venue shows open: (orders, positions); ["unverified"] each when it
        cannot be read (with a note saying why)."""
        try:
            open_orders = await self.execution.list_orders("open")
            positions = await self.execution.positions()
        except Exception as exc:
            notes.append(f"could not verify with the venue: {type(exc).__name__}")
            return ["unverified"], ["unverified"]
        orders = [f"{o.client_order_id} {o.symbol} {o.status.value}" for o in open_orders]
        pos = [f"{p.symbol} {self._qty(p.symbol, p.qty)}" for p in positions if p.qty]
        return orders, pos

    async def hand_over(self, notes: list[str]) -> tuple[list[str], list[str]]:
        """Hold the core's closes, let the venue cancel all and close all, and poll it
        until it shows nothing open (or the settle time passes). Returns what it still
        shows."""
        self.hold(True)
        # No request of the bot may still be on its way when the venue starts closing.
        if not await self.live.wait_idle(self.settle_s):
            notes.append("a request of the bot was still in flight when the venue took over")
        notes.append(
            "the bot's flatten had not closed everything: the venue closes (cancel all, "
            "close all) while the bot's closes are held"
        )
        try:
            await self.execution.cancel_all()
            results = await self.execution.close_all_positions()
        except Exception as exc:
            notes.append(f"venue-side cancel/close failed: {type(exc).__name__}")
            return await self.leftovers(notes)  # nothing to wait for: look once
        for r in results:
            if not r.ok:
                notes.append(f"venue could not close {r.symbol}: {r.reason}")
        return await self.venue_flat(notes)

    async def venue_flat(self, notes: list[str]) -> tuple[list[str], list[str]]:
        """Poll the venue until it shows no open order and no position, or the settle
        time passes; returns what it shows last."""
        deadline = time.monotonic() + self.settle_s
        while True:
            probe: list[str] = []
            orders, positions = await self.leftovers(probe)
            if (not orders and not positions) or time.monotonic() >= deadline:
                notes.extend(probe)
                return orders, positions
            await asyncio.sleep(POLL_S)

    async def agree(self, notes: list[str]) -> bool:
        """Reconcile the bot's book with a flat venue until the bot is flat too (or the
        settle time passes). True when they agree."""
        deadline = time.monotonic() + self.settle_s
        while True:
            try:
                await self.reconcile()
            except Exception as exc:
                failure = f"reconciliation failed: {type(exc).__name__}"
            else:
                failure = ""
                if self.flat_here():
                    return True
            if time.monotonic() >= deadline:
                left = [
                    f"{s} {self._qty(s, self.core.portfolio.position_qty(s))}"
                    for s in self.core.symbols
                    if self.core.portfolio.position_qty(s)
                ]
                working = len(self.core.orders.working())
                notes.append(
                    failure
                    or f"the bot's book still shows {', '.join(left) or 'no position'}"
                    f" and {working} working order(s) against a flat venue"
                )
                return False
            await asyncio.sleep(POLL_S)

    def hold(self, on: bool) -> None:
        """Hold (or give back) the core's closes for every symbol."""
        self.core.hold_closes(None, on)
        self.held = on
        self.live.apply([])

    def flat_here(self) -> bool:
        """No position and no working order in the bot's book."""
        core = self.core
        return not core.orders.working() and not any(
            core.portfolio.position_qty(s) for s in core.symbols
        )

    def _qty(self, symbol: str, lots: int) -> str:
        inst = self.core.instruments.get(Symbol(symbol))
        return str(inst.qty(lots)) if inst else f"{lots} lots"
