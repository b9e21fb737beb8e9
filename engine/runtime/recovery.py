"""Start-up and periodic recovery: persisted state, the store's history, the venue's truth."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import msgspec

from engine.config.limits import restore as restore_limits
from engine.core.trading_core import ALL, TradingCore
from engine.events import EventBus
from engine.model import (
    ExecutionReport,
    Order,
    OrderStatus,
    ReportKind,
    Symbol,
    TradingState,
)
from engine.model.events import Discrepancy
from engine.runtime import reconcile
from engine.runtime.live import LiveEngine
from engine.store import StoreReader
from engine.venues.base import Execution

log = logging.getLogger("scalpbot.recovery")

_TERMINAL = {
    OrderStatus.CANCELLED: ReportKind.CANCELLED,
    OrderStatus.EXPIRED: ReportKind.EXPIRED,
    OrderStatus.REJECTED: ReportKind.REJECTED,
}


def restore_control_state(core: TradingCore, saved: dict[str, Any]) -> list[str]:
    """Apply what people and breakers set before the restart; returns what was restored."""
    restored = []
    if "limits" in saved:
        # CONTROL: the core still holds the configured limits here; a stored override
        # outside their bounds is refused (engine.config.limits, the one validation path).
        limits, notes = restore_limits(core.risk.limits, saved["limits"] or {})
        core.set_limits(limits)
        restored.append("limits" + (f" ({'; '.join(notes)})" if notes else ""))
    for key, value in saved.items():
        if key.startswith("state:"):
            scope = key.removeprefix("state:")
            if scope == ALL or Symbol(scope) in core.instruments:
                state = TradingState(value["state"])
                core.set_state(scope, state, value.get("actor", "restored"), "restored")
                core.events.clear()  # not a new change
                restored.append(f"{scope}={state.value}")
        elif key.startswith("resize:"):
            scope = key.removeprefix("resize:")
            core.resize(None if scope == ALL else Symbol(scope), float(value))
            restored.append(f"resize {scope}={value}")
    for name, detail in (saved.get("breakers") or {}).items():
        core.breakers.latched[name] = detail
        restored.append(f"breaker {name}")
    return restored


async def rebuild_from_store(core: TradingCore, reader: StoreReader) -> tuple[int, int]:
    """Replay the stored orders and fills into the core, silently (nothing is new).

    Returns (orders, fills) replayed. Fills are booked through the order manager,
    so their execution ids are known and a late duplicate from the venue is ignored.
    """
    orders = await reader.orders(None, limit=10_000_000)
    fills = await reader.fills_since(0)
    known = {o.client_order_id for o in orders}
    for order in sorted(orders, key=lambda o: o.created_ts):
        # As NEW: every stored outcome (accepted, filled, cancelled, rejected,
        # expired) is then a legal transition when it is replayed below.
        core.orders.adopt(
            msgspec.structs.replace(order, status=OrderStatus.NEW, filled_qty=0, avg_fill_price=0.0)
        )
    booked = 0
    for rec in fills:
        f = rec.fill
        if f.client_order_id in known:
            core.on_report(
                ExecutionReport(
                    f.client_order_id,
                    ReportKind.FILL,
                    f.ts,
                    exec_id=f.exec_id,
                    last_qty=f.qty,
                    last_price=f.price,
                    fee=f.fee,
                    liquidity=f.liquidity,
                )
            )
        else:  # a position adjustment made by an earlier reconciliation
            core.adjust_position(
                f.symbol, f.qty * f.side, f.price, f.ts, f.exec_id, f.client_order_id
            )
        booked += 1
    for order in orders:
        kind = _TERMINAL.get(order.status)
        if kind is None and order.status is not OrderStatus.NEW:
            kind = ReportKind.ACCEPTED  # it reached the venue; still working or filled
        if kind is not None:
            core.on_report(ExecutionReport(order.client_order_id, kind, order.updated_ts))
    core.outbox.clear()
    core.events.clear()
    return len(orders), booked


class Reconciler:
    """Compares the bot with the venue and adopts what the venue knows.

    Position differences are adjusted at start-up at once; while running only
    when the same difference shows twice in a row with nothing in flight for
    the symbol (a fill may be on its way).
    """

    def __init__(
        self,
        core: TradingCore,
        live: LiveEngine,
        execution: Execution,
        bus: EventBus,
        clock: Callable[[], int],
    ) -> None:
        self.core = core
        self.live = live
        self.execution = execution
        self.bus = bus
        self.clock = clock
        self._suspect: dict[Symbol, int] = {}
        self.runs = 0
        self.discrepancies = 0

    async def run(self, *, startup: bool, horizon_ns: int = 0) -> list[Discrepancy]:
        now = self.clock()
        after = 0 if startup else max(0, now - horizon_ns)
        venue_orders = await self.execution.list_orders("all", after_ts=after)
        known = {o.client_order_id: o for o in self.core.orders.all_orders()}
        plan = reconcile.plan(known, venue_orders, now)
        if not startup:
            # Orders created in the last moments may not be listed yet: leave them.
            plan.unlisted = [c for c in plan.unlisted if now - known[c].created_ts > 10e9]
        for order in plan.adopt:
            self.core.orders.adopt(order)
        self.live.apply(plan.reports)
        found = list(plan.discrepancies)
        for cid in plan.unlisted:
            found.extend(await self._settle_unlisted(known[cid], now))
        found.extend(await self._positions(startup, now))
        for d in found:
            self.bus.publish(d)
        self.runs += 1
        self.discrepancies += len(found)
        return found

    async def _settle_unlisted(self, order: Order, now: int) -> list[Discrepancy]:
        venue_order = await self.execution.query_order(order.client_order_id)
        if venue_order is not None:
            p = reconcile.plan({order.client_order_id: order}, [venue_order], now)
            self.live.apply(p.reports)
            return p.discrepancies
        kind = (
            ReportKind.REJECTED
            if order.status in (OrderStatus.NEW, OrderStatus.UNKNOWN)
            else ReportKind.CANCELLED
        )
        self.live.apply([ExecutionReport(order.client_order_id, kind, now, reason="not_at_venue")])
        return [
            Discrepancy(
                now,
                "order_missing",
                order.symbol,
                f"{order.client_order_id} ({order.status.value}) unknown to the venue",
            )
        ]

    async def _positions(self, startup: bool, now: int) -> list[Discrepancy]:
        core = self.core
        mine = {s: core.portfolio.position_qty(s) for s in core.symbols}
        gaps = reconcile.position_gaps(mine, await self.execution.positions())
        out = []
        for sym, (diff, vp) in gaps.items():
            if sym not in core.instruments:
                out.append(
                    Discrepancy(
                        now,
                        "position_unknown_symbol",
                        sym,
                        f"venue holds {diff} lots of a symbol not traded here",
                    )
                )
                continue
            if not startup:
                busy = core.orders.working(sym) or self.live.pending_tasks
                if busy or self._suspect.get(sym) != diff:
                    self._suspect[sym] = diff
                    continue
            self._suspect.pop(sym, None)
            price = round(vp.avg_price) if vp and vp.avg_price else core.market(sym).mid2 // 2
            core.adjust_position(
                sym, diff, max(price, 1), now, f"recon-pos:{sym}:{now}", "reconciliation"
            )
            out.append(
                Discrepancy(
                    now,
                    "position_adjusted",
                    sym,
                    f"bot had {mine[sym]} lots, venue {mine[sym] + diff}",
                )
            )
        self.live.apply([])
        return out
