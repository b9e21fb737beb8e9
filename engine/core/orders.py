"""The order manager: every order's lifecycle as an explicit transition table.

Duplicate or late reports are idempotent (fills dedupe by execution id); an
impossible transition is an error, counted and announced as an ``OrderError``,
never silently applied.

An outcome inferred from silence is provisional: a REJECTED or CANCELLED report
with the reason ``not_at_venue`` (the venue did not know the order when asked)
ends the order, but venue evidence that it exists after all (a FILL, or an
ACCEPTED report) revives it, and its fills are booked exactly once. A terminal
report from the venue itself settles it for good.

Memory is bounded: a finished order (terminal, not provisional) stays in memory
while it is one of the newest ``window_orders`` finished orders or finished less
than ``window_s`` ago, and at most ``max_finished`` are kept whatever their age;
older ones are evicted with their execution ids (the store keeps the record).
The default window (15 minutes) is longer than the reconciliation horizon (10
minutes), so the periodic reconciliation never lists an evicted order. A report
for an evicted order is unknown here: the shell looks the order up in the store
and brings it back with :meth:`OrderManager.recall` (its stored status, fills and
execution ids) before applying the report, so a late or duplicate fill is
recognised as such and never booked twice.

The transition table is data in ``order_table.py``; the rest stays one module (just
over 500 lines) because the transitions, the fill booking, the provisional outcomes
and the memory window all read and write the same ``_Record`` and are checked
together by tests/engine/core/test_orders.py.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from collections.abc import Iterator

from engine.core.order_table import ACKNOWLEDGED
from engine.core.order_table import FILLABLE
from engine.core.order_table import INFERRED
from engine.core.order_table import LATE_BENIGN
from engine.core.order_table import NOT_AT_VENUE
from engine.core.order_table import SETTLING
from engine.core.order_table import TRANSITIONS
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Fill
from engine.model import IdFactory
from engine.model import Order
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Symbol
from engine.model import VenueOrderId
from engine.model.events import EngineEvent
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated

S = OrderStatus
K = ReportKind

# The window of finished orders kept in memory (see the module doc).
WINDOW_S = 900.0
WINDOW_ORDERS = 2_000
MAX_FINISHED = 50_000
# Reconciliation's synthesised fills: ``recon:<client id>:<cumulative qty>``.
_RECON = "recon:"


class _Record:
    """The order manager's mutable view of one order."""

    __slots__ = (
        "before_cancel",
        "created_ts",
        "exec_ids",
        "filled_notional",
        "filled_qty",
        "intent",
        "provisional",
        "reconciled_qty",
        "status",
        "updated_ts",
        "venue_order_id",
    )

    def __init__(self, intent: OrderIntent, ts: int) -> None:
        self.intent = intent
        self.status = S.NEW
        self.before_cancel = S.NEW  # the status a rejected cancel returns to
        self.provisional = False  # terminal only by inference (not_at_venue)
        self.filled_qty = 0
        self.reconciled_qty = 0  # cumulative qty booked wholesale by reconciliation
        self.filled_notional = 0  # sum of qty * price in tick-lots
        self.created_ts = ts
        self.updated_ts = ts
        self.venue_order_id: VenueOrderId | None = None
        self.exec_ids: list[str] | None = None  # fills booked (their execution ids)


class OrderManager:
    """Creates orders from approved intents and applies execution reports.

    Events (``OrderSubmitted``, ``OrderUpdated``, ``OrderError``) are appended to
    the shared ``events`` list the shell drains. Finished orders are kept for a
    window bounded by time and count (see the module doc); ``math.inf`` for all
    three bounds keeps every order (the unbounded baseline of bench/memory_soak.py).
    """

    def __init__(
        self,
        ids: IdFactory,
        events: list[EngineEvent],
        *,
        window_s: float = WINDOW_S,
        window_orders: float = WINDOW_ORDERS,
        max_finished: float = MAX_FINISHED,
    ) -> None:
        if window_s < 0 or window_orders < 0 or max_finished < window_orders:
            raise ValueError("order window: need 0 <= window_orders <= max_finished, window_s >= 0")
        self._ids = ids
        self._events = events
        self._orders: dict[ClientOrderId, _Record] = {}
        self._working: dict[ClientOrderId, _Record] = {}
        self._provisional: dict[ClientOrderId, _Record] = {}
        self._seen_exec: dict[str, ClientOrderId] = {}  # execution id -> order, window only
        # Finished orders, oldest first: (finish time, client id); checked when popped.
        self._finished: deque[tuple[int, ClientOrderId]] = deque()
        self._window_ns = window_s * 1e9 if math.isfinite(window_s) else math.inf
        self._window_orders = window_orders
        self._max_finished = max_finished
        self._now = 0  # the newest time seen (creations, reports)
        self.duplicates = 0
        self.errors = 0
        self.evicted = 0

    # -- creating --------------------------------------------------------------

    def create(self, intent: OrderIntent, ts: int) -> Order:
        """Register a new order (status NEW) with a fresh client order id."""
        cid = self._ids.next_client_order_id()
        # Not max(): a builtin call costs ~0.5k instructions on the tick-to-order path.
        if ts > self._now:  # noqa: PLR1730
            self._now = ts
        rec = _Record(intent, ts)
        self._orders[cid] = rec
        self._working[cid] = rec
        order = _snapshot(cid, rec)
        self._events.append(OrderSubmitted(ts, order))
        return order

    def adopt(self, order: Order) -> bool:
        """Take in an order the venue knows and the manager does not (reconciliation).

        An order the manager already knows is left as it is (False): a listing taken
        while the order was being sent must not replace what its reports built.
        """
        if order.client_order_id in self._orders:
            return False
        self._take_in(order, order.reason or "adopted")
        if order.status.is_terminal:
            self._finished.append((order.updated_ts, order.client_order_id))
            self._evict()
        return True

    def _take_in(self, order: Order, reason: str) -> _Record:
        intent = OrderIntent(
            order.symbol,
            order.side,
            order.qty,
            order.order_type,
            order.tif,
            order.price,
            order.reduce_only,
            order.is_entry,
            order.decision_mid2,
            reason,
        )
        rec = _Record(intent, order.created_ts)
        rec.status = order.status
        rec.filled_qty = order.filled_qty
        rec.filled_notional = round(order.avg_fill_price * order.filled_qty)
        rec.venue_order_id = order.venue_order_id
        rec.updated_ts = order.updated_ts
        self._orders[order.client_order_id] = rec
        if order.status.is_working:
            self._working[order.client_order_id] = rec
        return rec

    def recall(
        self, order: Order, exec_ids: Iterable[str] = (), *, provisional: bool = False
    ) -> bool:
        """Bring back an order the window evicted, as the store holds it: its status,
        filled quantity and the execution ids of its stored fills (nothing is booked
        or announced). A report for it is then applied as if it had never left: a
        duplicate fill is recognised, a fill after its end refused. False (and nothing
        changes) when the order is in memory already."""
        cid = order.client_order_id
        if cid in self._orders:
            return False
        rec = self._take_in(order, order.reason)
        if order.status.is_terminal:
            # Not evicted by its own arrival: the report it was recalled for comes next.
            self._finished.append((order.updated_ts, cid))
        ids = list(dict.fromkeys(exec_ids))
        if ids:
            rec.exec_ids = ids
            for exec_id in ids:
                self._seen_exec[exec_id] = cid
                if exec_id.startswith(_RECON):  # booked wholesale up to its cumulative qty
                    cum = exec_id.rpartition(":")[2]
                    if cum.isdigit():
                        rec.reconciled_qty = max(rec.reconciled_qty, int(cum))
        if provisional and order.status.is_terminal:
            rec.provisional = True
            self._provisional[cid] = rec
        return True

    # -- applying reports -----------------------------------------------------------

    def on_report(self, report: ExecutionReport) -> Fill | None:
        """Apply one report; return the Fill to book when it is a new, valid fill."""
        if report.ts > self._now:  # noqa: PLR1730 (see create)
            self._now = report.ts
        rec = self._orders.get(report.client_order_id)
        if rec is None:
            self._error(report, "unknown_order", "report for an order this bot never sent")
            return None
        if report.kind is K.FILL:
            return self._on_fill(rec, report)
        status = rec.status
        kind = report.kind
        if status.is_terminal:
            if rec.provisional:
                self._on_provisional(report.client_order_id, rec, report)
            elif kind in LATE_BENIGN or _same_terminal(status, kind):
                self.duplicates += 1
            else:
                self._error(report, "transition", f"{kind.value} after {status.value}")
            return None
        if kind is K.SUBMIT_AMBIGUOUS and status in ACKNOWLEDGED:
            self.duplicates += 1
            return None
        if status is S.CANCEL_PENDING and kind is K.ACCEPTED:
            # A late acknowledgement: remember it for a cancel that gets rejected.
            if rec.before_cancel in (S.NEW, S.UNKNOWN):
                rec.before_cancel = S.ACCEPTED
                self._stamp(rec, report)
            self.duplicates += 1
            return None
        if status is S.CANCEL_PENDING and kind is K.CANCEL_REJECTED:
            nxt = S.PARTIALLY_FILLED if rec.filled_qty else rec.before_cancel
        else:
            found = TRANSITIONS.get((status, report.kind))
            if found is None:
                self._error(report, "transition", f"{report.kind.value} in {status.value}")
                return None
            nxt = found
        if nxt is status and kind is not K.CANCEL_REJECTED:
            self.duplicates += 1
            return None
        if nxt is S.CANCEL_PENDING:
            rec.before_cancel = status
        if nxt in INFERRED and report.reason == NOT_AT_VENUE:
            rec.provisional = True
            self._provisional[report.client_order_id] = rec
        self._move(report.client_order_id, rec, nxt, report)
        return None

    def _on_provisional(self, cid: ClientOrderId, rec: _Record, report: ExecutionReport) -> None:
        """A report for an order ended by inference: revive, settle, or ignore."""
        kind = report.kind
        if kind is K.ACCEPTED:
            nxt = S.PARTIALLY_FILLED if rec.filled_qty else S.ACCEPTED
        elif kind in SETTLING and report.reason != NOT_AT_VENUE:
            nxt = SETTLING[kind]  # the venue's own word: final
        else:
            self.duplicates += 1
            return
        self._unprovision(cid, rec)
        self._move(cid, rec, nxt, report)

    def _on_fill(self, rec: _Record, report: ExecutionReport) -> Fill | None:
        exec_id = report.exec_id
        if not exec_id:
            self._error(report, "fill_without_exec_id", "a fill must carry an execution id")
            return None
        qty = self._new_fill_qty(rec, report, exec_id)
        if qty is None:
            return None
        return self._book_fill(rec, report, exec_id, qty)

    def _new_fill_qty(
        self, rec: _Record, report: ExecutionReport, exec_id: ExecutionId
    ) -> int | None:
        """The quantity this fill adds, or None for a duplicate (counted) or an
        impossible fill (counted and announced as an error)."""
        if exec_id in self._seen_exec:
            self.duplicates += 1
            return None
        qty = report.last_qty
        cum = report.cum_qty
        if report.reason == "reconciled" and 0 <= cum <= rec.filled_qty:
            # A synthesised fill states cumulative quantity already booked: nothing new.
            self.duplicates += 1
            return None
        if rec.reconciled_qty and cum >= 0:
            # Reconciliation booked quantity wholesale up to ``reconciled_qty``: a
            # late stream fill counts only for what lies beyond it.
            if cum <= rec.reconciled_qty or cum <= rec.filled_qty:
                self.duplicates += 1
                return None
            qty = min(qty, cum - rec.filled_qty)
        if rec.status not in FILLABLE and not rec.provisional:
            self._error(report, "fill_on_terminal", f"fill {exec_id} after {rec.status.value}")
            return None
        if qty <= 0 or report.last_price <= 0:
            self._error(report, "bad_fill", f"fill {exec_id}: qty {qty} price {report.last_price}")
            return None
        if rec.filled_qty + qty > rec.intent.qty:
            self._error(
                report,
                "overfill",
                f"fill {exec_id}: {rec.filled_qty}+{qty} > ordered {rec.intent.qty}",
            )
            return None
        return qty

    def _book_fill(
        self, rec: _Record, report: ExecutionReport, exec_id: ExecutionId, qty: int
    ) -> Fill:
        """Record the fill's execution id and quantity, move the order on, and
        return the fill."""
        cum = report.cum_qty
        self._seen_exec[exec_id] = report.client_order_id
        if rec.exec_ids is None:
            rec.exec_ids = [exec_id]
        else:
            rec.exec_ids.append(exec_id)
        if report.reason == "reconciled" and cum > rec.reconciled_qty:
            rec.reconciled_qty = cum
        rec.filled_qty += qty
        rec.filled_notional += qty * report.last_price
        if rec.filled_qty == rec.intent.qty:
            nxt = S.FILLED
        elif rec.status is S.CANCEL_PENDING:
            nxt = S.CANCEL_PENDING
        else:
            nxt = S.PARTIALLY_FILLED  # also revives an order ended by inference
        if rec.provisional:
            self._unprovision(report.client_order_id, rec)
        self._move(report.client_order_id, rec, nxt, report)
        intent = rec.intent
        return Fill(
            report.client_order_id,
            exec_id,
            intent.symbol,
            intent.side,
            qty,
            report.last_price,
            report.fee,
            report.liquidity,
            report.ts,
            intent.is_entry,
        )

    def _move(
        self, cid: ClientOrderId, rec: _Record, nxt: OrderStatus, report: ExecutionReport
    ) -> None:
        self._stamp(rec, report)
        revived = rec.status.is_terminal and not nxt.is_terminal
        rec.status = nxt
        # Never backwards: reports carry different clocks (venue event time, local
        # receive time), and each snapshot must supersede the one before it.
        rec.updated_ts = max(rec.updated_ts, report.ts)
        if nxt.is_terminal:
            self._working.pop(cid, None)
            if not rec.provisional:
                self._finish(cid, rec.updated_ts)
        elif revived:
            self._working[cid] = rec
        self._events.append(
            OrderUpdated(report.ts, _snapshot(cid, rec), report.kind, report.reason)
        )

    # -- the window -----------------------------------------------------------------

    def _finish(self, cid: ClientOrderId, ts: int) -> None:
        """``cid`` is finished for good: it joins the window, and the oldest leave it."""
        finished = self._finished
        finished.append((ts, cid))
        if len(finished) > self._window_orders:  # else _evict has nothing to do
            self._evict()

    def _evict(self) -> None:
        finished = self._finished
        horizon = self._now - self._window_ns
        while len(finished) > self._window_orders:
            ts, cid = finished[0]
            if ts > horizon and len(finished) <= self._max_finished:
                break
            finished.popleft()
            rec = self._orders.get(cid)
            if rec is None or not rec.status.is_terminal or rec.provisional:
                continue  # gone already, or revived since (not finished any more)
            del self._orders[cid]
            for exec_id in rec.exec_ids or ():
                if self._seen_exec.get(exec_id) == cid:
                    del self._seen_exec[exec_id]
            self.evicted += 1

    def _unprovision(self, cid: ClientOrderId, rec: _Record) -> None:
        rec.provisional = False
        self._provisional.pop(cid, None)

    @staticmethod
    def _stamp(rec: _Record, report: ExecutionReport) -> None:
        """Take the venue's order id from a report that is being applied."""
        if report.venue_order_id and rec.venue_order_id is None:
            rec.venue_order_id = report.venue_order_id

    def _error(self, report: ExecutionReport, reason: str, detail: str) -> None:
        self.errors += 1
        self._events.append(OrderError(report.ts, report.client_order_id, reason, detail))

    # -- queries ----------------------------------------------------------------

    def get(self, cid: ClientOrderId) -> Order | None:
        rec = self._orders.get(cid)
        return None if rec is None else _snapshot(cid, rec)

    def status(self, cid: ClientOrderId) -> OrderStatus | None:
        rec = self._orders.get(cid)
        return None if rec is None else rec.status

    def working(self, symbol: Symbol | None = None) -> list[Order]:
        return _snapshots(self._working, symbol)

    def is_provisional(self, cid: ClientOrderId) -> bool:
        """True while the order is terminal only by inference (``not_at_venue``)."""
        rec = self._provisional.get(cid)
        return rec is not None

    def provisional(self, symbol: Symbol | None = None) -> list[Order]:
        """Orders (of one symbol) ended by inference that venue evidence may revive."""
        return _snapshots(self._provisional, symbol)

    def settle_provisional(self, cid: ClientOrderId) -> bool:
        """The venue proved the order cannot fill: its inferred outcome is final.
        Returns False when it was not provisional."""
        rec = self._provisional.get(cid)
        if rec is None:
            return False
        self._unprovision(cid, rec)
        self._finish(cid, rec.updated_ts)
        return True

    def in_doubt_since(self, symbol: Symbol, closing: bool) -> int:
        """The newest creation time of a provisional order of ``symbol`` (closing
        orders when ``closing``, else entries); 0 when there is none."""
        newest = 0
        for rec in self._provisional.values():
            intent = rec.intent
            if intent.symbol == symbol and intent.is_entry is not closing:
                newest = max(newest, rec.created_ts)
        return newest

    def symbol_of(self, cid: ClientOrderId) -> Symbol | None:
        rec = self._orders.get(cid)
        return None if rec is None else rec.intent.symbol

    def working_ids(self) -> Iterator[ClientOrderId]:
        return iter(list(self._working))

    def all_orders(self) -> Iterable[Order]:
        """Every order in memory: the working and provisional ones and the window."""
        return (_snapshot(cid, rec) for cid, rec in self._orders.items())

    def knows_exec(self, exec_id: str) -> bool:
        """Was a fill with this execution id booked (for an order in memory)?"""
        return exec_id in self._seen_exec

    def __len__(self) -> int:
        return len(self._orders)


def _same_terminal(status: OrderStatus, kind: ReportKind) -> bool:
    return (status, kind) in {
        (S.CANCELLED, K.CANCELLED),
        (S.REJECTED, K.REJECTED),
        (S.EXPIRED, K.EXPIRED),
    }


def _snapshots(records: dict[ClientOrderId, _Record], symbol: Symbol | None) -> list[Order]:
    """Snapshots of the ``records`` (of ``symbol`` only, when given)."""
    return [
        _snapshot(cid, rec)
        for cid, rec in records.items()
        if symbol is None or rec.intent.symbol == symbol
    ]


def _snapshot(cid: ClientOrderId, rec: _Record) -> Order:
    intent = rec.intent
    avg = rec.filled_notional / rec.filled_qty if rec.filled_qty else 0.0
    return Order(
        cid,
        intent.symbol,
        intent.side,
        intent.qty,
        intent.order_type,
        intent.tif,
        intent.price,
        rec.status,
        rec.filled_qty,
        avg,
        rec.created_ts,
        rec.updated_ts,
        rec.venue_order_id,
        intent.is_entry,
        intent.reduce_only,
        intent.reason,
        intent.decision_mid2,
    )
