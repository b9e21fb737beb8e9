"""Where the venue's order updates go: buffered until the start-up reconciliation
is done, then straight to the live engine.

Reports for orders that left the order manager's window, and order snapshots
recovered after a reconnect that name such orders, are first looked up in the
store (off the hot path, as named background tasks), so a late duplicate is
never booked twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any

from engine.core.trading_core import TradingCore
from engine.model import ExecutionReport
from engine.model.events import EngineEvent
from engine.runtime import reconcile
from engine.runtime.live import LiveEngine
from engine.runtime.recovery import Reconciler
from engine.venues.base import VenueOrder

log = logging.getLogger("scalpbot.runtime")


class ReportRouter:
    """Routes ``run_updates``' callbacks; :meth:`release` ends the start-up buffering."""

    def __init__(
        self,
        core: TradingCore,
        live: LiveEngine,
        reconciler: Reconciler,
        publish: Callable[[EngineEvent], None],
    ) -> None:
        self._core = core
        self._live = live
        self._reconciler = reconciler
        self._publish = publish
        self._buffered: list[ExecutionReport] | None = []
        self._late: list[ExecutionReport] = []  # reports for orders not in memory
        self._background: set[asyncio.Task[None]] = set()
        live.on_unknown = self._late_report

    def release(self) -> None:
        """Apply what was buffered; from now on reports apply directly (duplicates of
        what the reconciliation booked are recognised and ignored)."""
        pending, self._buffered = self._buffered or [], None
        self._live.apply(pending)

    def on_report(self, report: ExecutionReport) -> None:
        if self._buffered is not None:
            self._buffered.append(report)
        else:
            self._live.on_report(report)

    def on_recovered(self, orders: list[VenueOrder]) -> None:
        if self._buffered is not None:
            return
        status = self._core.orders.status
        if any(status(o.client_order_id) is None for o in orders):
            # Some left the window (or are not ours): look them up in the store first.
            self._later(self._recovered_later(orders), "recovered_orders")
            return
        self._plan_recovered(orders)

    def _plan_recovered(self, orders: list[VenueOrder]) -> None:
        known = {o.client_order_id: o for o in self._core.orders.all_orders()}
        now = time.time_ns()
        for d in self._reconciler.apply(reconcile.plan(known, orders, now), now):
            self._publish(d)

    async def _recovered_later(self, orders: list[VenueOrder]) -> None:
        try:
            await self._reconciler.recall(o.client_order_id for o in orders)
        finally:
            self._plan_recovered(orders)

    def _late_report(self, report: ExecutionReport) -> None:
        """A report for an order not in memory: recall it from the store, then apply."""
        self._late.append(report)
        if len(self._late) == 1:
            self._later(self._late_reports(), "late_reports")

    async def _late_reports(self) -> None:
        while self._late:
            await asyncio.sleep(0)  # gather what arrives with it
            batch = list(self._late)
            try:
                await self._reconciler.recall(r.client_order_id for r in batch)
            finally:
                del self._late[: len(batch)]
                self._live.apply(batch)  # unknown still: announced as before (unknown_order)

    def _later(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``work`` as a named task kept until done; its failure is logged."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())
