"""Start-up and periodic recovery: persisted state, the store's history, the venue's truth."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import msgspec

from engine.bus import EventBus
from engine.config.limits import restore_detail as restore_limits
from engine.core.order_table import NOT_AT_VENUE
from engine.core.orders import MAX_FINISHED
from engine.core.orders import WINDOW_S
from engine.core.risk.breakers import LOSS_STREAK
from engine.core.trading_core import ALL
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Order
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.instrument import amount
from engine.model.instrument import price_text
from engine.runtime import reconcile
from engine.runtime.live import LiveEngine
from engine.store import FillHistory
from engine.store import StoreReader
from engine.venues.base import Execution
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition

log = logging.getLogger("scalpbot.recovery")

_TERMINAL = {
    OrderStatus.CANCELLED: ReportKind.CANCELLED,
    OrderStatus.EXPIRED: ReportKind.EXPIRED,
    OrderStatus.REJECTED: ReportKind.REJECTED,
}


def restore_control_state(
    core: TradingCore, saved: dict[str, Any], *, venue_kind: str = "sim"
) -> list[str]:
    """Apply what people and breakers set before the restart; returns what was restored.
    ``venue_kind`` is the configured venue's (the checks on limits depend on it)."""
    restored = []
    if "limits" in saved:
        # CONTROL: the core still holds the configured limits here; a stored override
        # outside their bounds is refused (engine.config.limits, the one validation path).
        base = core.risk.limits
        stored = saved["limits"] or {}
        result = restore_limits(base, stored, venue_kind=venue_kind, check=core.check_limits)
        core.set_limits(result.limits)
        for name, why in result.why.items():  # which value is in force, and why
            value = getattr(result.limits, name)
            level = logging.INFO if value != getattr(base, name) else logging.WARNING
            log.log(level, "risk limit %s = %s in force: %s", name, _shown(value), why)
        notes = result.notes
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
    if LOSS_STREAK in core.breakers.latched:  # its cool-down ends when it would have
        until = int((saved.get("breaker_state") or {}).get("cooldown_until", 0))
        core.breakers.cooldown_until = until
    return restored


def _shown(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


async def rebuild_from_store(
    core: TradingCore,
    reader: StoreReader,
    *,
    window_s: float = WINDOW_S,
    max_orders: int = MAX_FINISHED,
) -> tuple[int, int]:
    """Replay a bounded window of the stored orders and fills into the core, silently
    (nothing is new).

    Loaded: the orders updated in the ``window_s`` before the newest stored update (at
    most ``max_orders``, newest first), every open order, and per symbol the fills since
    its last flat position before them (:meth:`StoreReader.fill_history`) with their
    orders; the realized P&L and fees of older fills are carried as totals. The order
    manager then keeps its usual window; older orders stay in the store, where the
    reconciler looks up any the venue mentions (:meth:`Reconciler.recall`).

    Returns (orders, fills) replayed. Fills are booked through the order manager,
    so their execution ids are known and a late duplicate from the venue is ignored.
    """
    loaded, history = await _stored_window(reader, window_s, max_orders)
    orders = sorted(loaded.values(), key=lambda o: o.created_ts)
    inferred = await reader.status_reasons(NOT_AT_VENUE, among=loaded)  # provisional
    for sym, (realized, fees) in history.carried.items():
        if sym in core.instruments:
            core.portfolio.carry(sym, realized, fees)
    for order in orders:
        # As NEW: every stored outcome (accepted, filled, cancelled, rejected,
        # expired) is then a legal transition when it is replayed below.
        core.orders.adopt(
            msgspec.structs.replace(order, status=OrderStatus.NEW, filled_qty=0, avg_fill_price=0.0)
        )
    booked = _replay_fills(core, history, loaded)
    _replay_statuses(core, orders, inferred)
    core.outbox.clear()
    core.events.clear()
    return len(orders), booked


async def _stored_window(
    reader: StoreReader, window_s: float, max_orders: int
) -> tuple[dict[ClientOrderId, Order], FillHistory]:
    """The orders to replay (window, open ones, those of the fills) and the fills."""
    newest = await reader.newest_update()
    since = newest - int(window_s * 1e9) if newest else 0
    loaded: dict[ClientOrderId, Order] = {}
    for order in [
        *await reader.recent_orders(since, max_orders),
        *await reader.open_orders(limit=max_orders),
    ]:
        loaded.setdefault(order.client_order_id, order)
    before = min([since, *(o.created_ts for o in loaded.values())]) - REPLAY_MARGIN_NS
    history = await reader.fill_history(before)
    missing = {r.fill.client_order_id for r in history.fills} - loaded.keys()
    for order in await reader.orders_by_ids(missing):
        loaded[order.client_order_id] = order
    return loaded, history


def _replay_fills(
    core: TradingCore, history: FillHistory, loaded: dict[ClientOrderId, Order]
) -> int:
    booked = 0
    for rec in history.fills:
        f = rec.fill
        if f.client_order_id in loaded:
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
    return booked


def _replay_statuses(core: TradingCore, orders: list[Order], inferred: Collection[str]) -> None:
    for order in sorted(orders, key=lambda o: o.updated_ts):
        kind = _TERMINAL.get(order.status)
        if kind is None and order.status is not OrderStatus.NEW:
            kind = ReportKind.ACCEPTED  # it reached the venue; still working or filled
        cid = order.client_order_id
        if kind is not None and core.orders.status(cid) is not None:  # not evicted yet
            why = NOT_AT_VENUE if cid in inferred and kind is not ReportKind.ACCEPTED else ""
            core.on_report(ExecutionReport(cid, kind, order.updated_ts, reason=why))


class Reconciler:
    """Compares the bot with the venue and adopts what the venue knows.

    Position differences are adjusted at start-up at once; while running only
    when the same difference shows twice in a row with nothing in flight for
    the symbol (a fill may be on its way). An adjustment is booked at a price the
    venue gave (its average entry for what the bot did not know it held, its own
    mark of the position for what the bot no longer holds), else the last quote,
    else the bot's own average price (realized P&L 0, and the announcement says
    so): never at a placeholder.

    At start-up the venue is asked for its open orders and for every order since
    the newest the store knows (less ``STARTUP_MARGIN_NS`` for clock differences),
    so the newest orders are seen however long the account's history is.
    """

    def __init__(
        self,
        core: TradingCore,
        live: LiveEngine,
        execution: Execution,
        bus: EventBus,
        clock: Callable[[], int],
        reader: StoreReader | None = None,
    ) -> None:
        self.core = core
        self.reader = reader  # where orders that left the order manager's window are
        self.live = live
        self.execution = execution
        self.bus = bus
        self.clock = clock
        self._suspect: dict[Symbol, tuple[int, int]] = {}  # symbol -> (gap, fills seen)
        self._fills: dict[Symbol, int] = {}  # fills booked per symbol (FillApplied)
        self._lock = asyncio.Lock()  # the periodic run and reconcile_now() never overlap
        self.runs = 0
        self.discrepancies = 0
        self.venue_positions: list[VenuePosition] = []  # from the last run
        bus.subscribe("reconciler", self._count_fill)

    def _count_fill(self, event: EngineEvent) -> None:
        if type(event) is FillApplied:
            sym = event.fill.symbol
            self._fills[sym] = self._fills.get(sym, 0) + 1

    async def run(self, *, startup: bool, horizon_ns: int = 0) -> list[Discrepancy]:
        async with self._lock:
            return await self._run(startup, horizon_ns)

    async def _run(self, startup: bool, horizon_ns: int) -> list[Discrepancy]:
        now = self.clock()
        newest = max((o.created_ts for o in self.core.orders.all_orders()), default=0)
        venue_orders = await self._list(startup, newest, now, horizon_ns)
        await self.recall(vo.client_order_id for vo in venue_orders)
        # What the bot knows now, after the listing: an order sent while the venue was
        # being asked is the bot's own, not one to adopt.
        known = {o.client_order_id: o for o in self.core.orders.all_orders()}
        plan = reconcile.plan(known, venue_orders, now, self.core.instruments)
        if not startup:
            # Orders created in the last moments may not be listed yet: leave them.
            plan.unlisted = [c for c in plan.unlisted if now - known[c].created_ts > 10e9]
        found = self.apply(plan, now)
        for cid in plan.unlisted:
            found.extend(await self._settle_unlisted(known[cid], now))
        found.extend(await self._positions(startup, now))
        for d in found:
            self.bus.publish(d)
        self.runs += 1
        self.discrepancies += len(found)
        return found

    async def recall(self, cids: Iterable[ClientOrderId]) -> int:
        """Bring back from the store the orders among ``cids`` that left the order
        manager's window (:meth:`OrderManager.recall`): an order the bot sent long ago
        is then compared with the venue as its own, with its stored fills, never
        adopted as unknown and booked a second time. Returns how many came back."""
        orders = self.core.orders
        wanted = [c for c in dict.fromkeys(cids) if orders.status(c) is None]
        if self.reader is None or not wanted:
            return 0
        stored = await self.reader.orders_by_ids(wanted)
        if not stored:
            return 0
        ids = [o.client_order_id for o in stored]
        exec_ids: dict[ClientOrderId, list[str]] = {c: [] for c in ids}
        for rec in await self.reader.fills_of(ids):
            exec_ids[rec.fill.client_order_id].append(rec.fill.exec_id)
        inferred = await self.reader.status_reasons(NOT_AT_VENUE, among=ids)
        back = 0
        for order in stored:
            cid = order.client_order_id
            back += orders.recall(order, exec_ids[cid], provisional=cid in inferred)
        if back:
            log.info("recalled %d order(s) from the store", back)
        return back

    def apply(self, plan: reconcile.Plan, now: int) -> list[Discrepancy]:
        """Carry out a plan; returns what to announce (fills only once booked)."""
        for order in plan.adopt:
            self.core.orders.adopt(order)
        self.live.apply(plan.reports)
        for cid in plan.cancel:
            self.live.request_cancel(cid)
        units = self.core.instruments
        fills = reconcile.announce_fills(plan, self.core.orders.get, now, units)
        return [*plan.discrepancies, *fills]

    async def _list(
        self, startup: bool, newest: int, now: int, horizon_ns: int
    ) -> list[VenueOrder]:
        if not startup:
            return await self.execution.list_orders("all", after_ts=max(0, now - horizon_ns))
        newest = newest or now - horizon_ns  # an empty store: the last horizon only
        since = max(0, min(newest, now) - STARTUP_MARGIN_NS)
        merged: dict[ClientOrderId, VenueOrder] = {}
        for vo in [
            *await self.execution.list_orders("open"),
            *await self.execution.list_orders("all", after_ts=since),
        ]:
            seen = merged.get(vo.client_order_id)
            if seen is None or (vo.updated_ts, vo.filled_qty) >= (seen.updated_ts, seen.filled_qty):
                merged[vo.client_order_id] = vo
        return list(merged.values())

    async def _settle_unlisted(self, order: Order, now: int) -> list[Discrepancy]:
        venue_order = await self.execution.query_order(order.client_order_id)
        if venue_order is not None:
            return self.apply(
                reconcile.plan(
                    {order.client_order_id: order}, [venue_order], now, self.core.instruments
                ),
                now,
            )
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
        fills_before = dict(self._fills)
        self.venue_positions = await self.execution.positions()
        # The bot's positions as they are now that the venue answered; a symbol with a
        # fill booked meanwhile is compared next time (the venue may or may not show it).
        mine = {s: core.portfolio.position_qty(s) for s in core.symbols}
        gaps = reconcile.position_gaps(mine, self.venue_positions)
        out = []
        for sym, (diff, vp) in gaps.items():
            if sym not in core.instruments:
                out.append(
                    Discrepancy(
                        now,
                        "position_unknown_symbol",
                        sym,
                        f"venue holds {amount(None, sym, diff)}: a symbol not traded here",
                    )
                )
                continue
            if not startup:
                # Adjust only a gap seen twice, with nothing in flight and no fill of the
                # symbol in between (two unrelated fills can leave the same gap twice).
                fills = self._fills.get(sym, 0)
                moved = fills != fills_before.get(sym, 0)
                busy = core.orders.working(sym) or self.live.pending_tasks or moved
                if busy or self._suspect.get(sym) != (diff, fills):
                    self._suspect[sym] = (diff, fills)
                    continue
            self._suspect.pop(sym, None)
            ins = core.instruments[sym]
            had = (
                f"bot had {amount(ins, sym, mine[sym])}, venue {amount(ins, sym, mine[sym] + diff)}"
            )
            priced = self._adjustment_price(sym, diff, vp)
            if priced is None:
                out.append(Discrepancy(now, "position_mismatch", sym, f"{had}; no price yet"))
                continue
            price, source = priced
            core.adjust_position(sym, diff, price, now, f"recon-pos:{sym}:{now}", "reconciliation")
            detail = f"{had}; booked at {price_text(ins, price)} ({source})"
            out.append(Discrepancy(now, "position_adjusted", sym, detail))
        self.live.apply([])
        return out

    def _adjustment_price(
        self, sym: Symbol, diff: int, vp: VenuePosition | None
    ) -> tuple[int, str] | None:
        """The price to book ``diff`` lots at, and where it came from (None: no real one)."""
        pf = self.core.portfolio
        held = pf.position_qty(sym)
        if vp is not None and vp.avg_price > 0 and (held == 0 or (held > 0) == (diff > 0)):
            # More of what the bot holds (or all new): the venue's entry prices tell.
            implied = (vp.qty * vp.avg_price - held * pf.avg_price(sym)) / diff
            plausible = abs(implied - vp.avg_price) <= vp.avg_price / 2  # same costing
            return round(implied if plausible else vp.avg_price), "venue average entry"
        if vp is not None and vp.current_price > 0:
            return round(vp.current_price), "venue price"
        mid2 = self.core.market(sym).mid2
        if mid2 > 0:
            return round(mid2 / 2), "last quote"
        if held and pf.avg_price(sym) > 0:
            return round(pf.avg_price(sym)), "no venue price: the bot's average, realized P&L 0"
        return None

    def mark_from_venue(self) -> list[Symbol]:
        """Mark carried positions at the venue's own price (start-up, before any quote),
        so the day's starting equity is not a valuation at cost. Returns those marked."""
        pf = self.core.portfolio
        marked = []
        for vp in self.venue_positions:
            sym = vp.symbol
            if sym not in self.core.instruments or vp.current_price <= 0:
                continue
            if pf.position_qty(sym) and not self.core.market(sym).mid2:
                pf.mark(sym, round(vp.current_price * 2))
                marked.append(sym)
        return marked


REPLAY_MARGIN_NS = 60 * 10**9
"""Start-up replays each symbol's fills from its last flat position at least this long
before the oldest order it loads (a fill's time comes from the venue's clock)."""

STARTUP_MARGIN_NS = 600 * 10**9
"""How far before the newest stored order start-up lists the venue's orders (clocks
differ; an order sent just before a crash may be stored, or not)."""
