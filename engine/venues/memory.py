"""An in-memory :class:`~engine.venues.base.Execution`, for tests that need no sockets.

It keeps orders, positions and an account in dicts and answers at once: ``submit``
accepts (or refuses a duplicate client order id, as Alpaca does), nothing fills by
itself. A test decides what happens with :meth:`MemoryExecution.fill`,
:meth:`MemoryExecution.reject_next` and :meth:`MemoryExecution.ambiguous_next`;
every change is reported to the handlers of a running ``run_updates`` as the
trade_updates stream would, and ``on_recovered`` is never called (nothing is ever
missed). Money is in nanos, prices in ticks, quantities in lots, as above the port.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable

import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.venues.base import CloseResult
from engine.venues.base import FeedHandler
from engine.venues.base import RecoveryHandler
from engine.venues.base import ReportHandler
from engine.venues.base import SubmitOutcome
from engine.venues.base import SubmitResult
from engine.venues.base import VenueAccount
from engine.venues.base import VenueError
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition

OPEN = "open"
CLOSED = "closed"


class MemoryExecution:
    """Orders, positions and the account in memory (see the module docstring)."""

    def __init__(
        self,
        instruments: Iterable[Instrument] = (),
        *,
        cash: int = 100_000 * 10**9,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self.instruments_known = {i.symbol: i for i in instruments}
        self.cash = cash
        self.orders: dict[ClientOrderId, VenueOrder] = {}
        self.positions_held: dict[Symbol, VenuePosition] = {}
        self.submitted: list[Order] = []  # every order sent, in order, refused ones too
        self.closed = False
        self._clock = clock
        self._ids = itertools.count(1)
        self._scripted: list[SubmitResult] = []
        self._on_report: ReportHandler | None = None

    # -- what a test decides -----------------------------------------------------------

    def reject_next(self, reason: str = "rejected") -> None:
        """The next submit is refused with ``reason`` (nothing is placed)."""
        self._scripted.append(SubmitResult(SubmitOutcome.REJECTED, reason=reason))

    def ambiguous_next(self, reason: str = "timeout") -> None:
        """The next submit is in doubt: the order *is* placed, the answer is lost."""
        self._scripted.append(SubmitResult(SubmitOutcome.AMBIGUOUS, reason=reason))

    def fill(self, client_order_id: ClientOrderId, qty: int, price: int, fee: int = 0) -> None:
        """Fill ``qty`` lots of a working order at ``price`` ticks; reports the fill."""
        rec = self.orders[client_order_id]
        if not rec.status.is_working or qty <= 0 or rec.filled_qty + qty > rec.qty:
            raise ValueError(f"{client_order_id}: cannot fill {qty} of {rec}")
        filled = rec.filled_qty + qty
        avg = (rec.avg_fill_price * rec.filled_qty + price * qty) / filled
        status = OrderStatus.FILLED if filled == rec.qty else OrderStatus.PARTIALLY_FILLED
        self._update(rec, status, filled_qty=filled, avg_fill_price=avg, fee=rec.fee + fee)
        self._book(rec.symbol, qty if rec.side is Side.BUY else -qty, price, fee)
        self._report(
            ExecutionReport(
                client_order_id,
                ReportKind.FILL,
                self._clock(),
                ExecutionId(f"mem-x-{next(self._ids)}"),
                rec.venue_order_id,
                last_qty=qty,
                last_price=price,
                fee=fee,
                cum_qty=filled,
            )
        )

    # -- the Execution port ------------------------------------------------------------

    async def instruments(self, symbols: Iterable[Symbol]) -> list[Instrument]:
        """The instruments asked for (every known one for none); VenueError for another."""
        wanted = list(symbols) or list(self.instruments_known)
        missing = [s for s in wanted if s not in self.instruments_known]
        if missing:
            raise VenueError(f"{missing[0]}: no such instrument")
        return [self.instruments_known[s] for s in wanted]

    async def run_updates(
        self,
        on_report: ReportHandler,
        on_feed: FeedHandler,
        on_recovered: RecoveryHandler | None = None,
    ) -> None:
        """Report every change to ``on_report`` until cancelled (connected at once)."""
        self._on_report = on_report
        on_feed(FeedEvent(self._clock(), "trade_updates", FeedState.CONNECTED))
        try:
            await asyncio.Event().wait()
        finally:
            self._on_report = None

    def begin_submit(self, order: Order) -> Awaitable[SubmitResult]:
        return _now(self._submit(order))

    async def submit(self, order: Order) -> SubmitResult:
        return self._submit(order)

    async def warm(self) -> None:
        """Nothing to open."""

    async def cancel(self, client_order_id: ClientOrderId) -> bool:
        rec = self.orders.get(client_order_id)
        if rec is None or not rec.status.is_working:
            return False
        self._update(rec, OrderStatus.CANCELLED)
        self._report(self._plain(rec, ReportKind.CANCELLED))
        return True

    async def cancel_all(self) -> int:
        working = [cid for cid, rec in self.orders.items() if rec.status.is_working]
        for cid in working:
            await self.cancel(cid)
        return len(working)

    async def query_order(self, client_order_id: ClientOrderId) -> VenueOrder | None:
        return self.orders.get(client_order_id)

    async def list_orders(self, status: str = OPEN, after_ts: int = 0) -> list[VenueOrder]:
        """``open``, ``closed`` or ``all``, changed after ``after_ts``, oldest first."""
        out = [o for o in self.orders.values() if o.updated_ts > after_ts]
        if status == OPEN:
            return [o for o in out if o.status.is_working]
        if status == CLOSED:
            return [o for o in out if not o.status.is_working]
        return out

    async def positions(self) -> list[VenuePosition]:
        return [p for p in self.positions_held.values() if p.qty]

    async def account(self) -> VenueAccount:
        held = self.positions_held.values()
        value = sum(round(p.qty * p.avg_price * self._money(p.symbol)) for p in held)
        equity = self.cash + value
        return VenueAccount(cash=self.cash, equity=equity, buying_power=max(0, equity))

    async def close_all_positions(self) -> list[CloseResult]:
        """One market order per open position, filled at once at its average price."""
        out = []
        for pos in await self.positions():
            side = Side.SELL if pos.qty > 0 else Side.BUY
            cid = ClientOrderId(f"mem-close-{next(self._ids)}")
            now = self._clock()
            order = Order(
                cid, pos.symbol, side, abs(pos.qty), OrderType.MARKET, TimeInForce.DAY,
                0, OrderStatus.NEW, 0, 0.0, now, now,
            )  # fmt: skip
            self._submit(order)
            self.fill(cid, abs(pos.qty), round(pos.avg_price))
            out.append(CloseResult(pos.symbol, True, cid))
        return out

    async def close(self) -> None:
        self.closed = True

    # -- internals ---------------------------------------------------------------------

    def _submit(self, order: Order) -> SubmitResult:
        self.submitted.append(order)
        if order.symbol not in self.instruments_known:
            return SubmitResult(SubmitOutcome.REJECTED, reason=f"{order.symbol}: no instrument")
        if order.client_order_id in self.orders:
            return SubmitResult(SubmitOutcome.REJECTED, reason="client_order_id must be unique")
        scripted = self._scripted.pop(0) if self._scripted else None
        if scripted is not None and scripted.outcome is SubmitOutcome.REJECTED:
            return scripted
        now = self._clock()
        rec = VenueOrder(
            order.client_order_id, VenueOrderId(f"mem-{next(self._ids)}"), order.symbol,
            order.side, order.qty, 0, 0.0, OrderStatus.ACCEPTED, order.order_type, order.tif,
            order.price, now, now,
        )  # fmt: skip
        self.orders[order.client_order_id] = rec
        self._report(self._plain(rec, ReportKind.ACCEPTED))
        if scripted is not None:  # AMBIGUOUS: placed, but the answer is lost
            return scripted
        return SubmitResult(SubmitOutcome.ACCEPTED, rec.venue_order_id, status=rec.status)

    def _update(self, rec: VenueOrder, status: OrderStatus, **changes: object) -> None:
        new = msgspec.structs.replace(rec, status=status, updated_ts=self._clock(), **changes)
        self.orders[rec.client_order_id] = new

    def _plain(self, rec: VenueOrder, kind: ReportKind) -> ExecutionReport:
        return ExecutionReport(
            rec.client_order_id, kind, self._clock(), venue_order_id=rec.venue_order_id
        )

    def _report(self, report: ExecutionReport) -> None:
        if self._on_report is not None:
            self._on_report(report)

    def _book(self, symbol: Symbol, signed_qty: int, price: int, fee: int) -> None:
        held = self.positions_held.get(symbol, VenuePosition(symbol, 0, 0.0))
        qty = held.qty + signed_qty
        if qty == 0:
            avg = 0.0
        elif held.qty == 0 or (held.qty > 0) != (qty > 0):
            avg = float(price)  # opened, or flipped through zero
        elif abs(qty) > abs(held.qty):
            avg = (held.avg_price * held.qty + price * signed_qty) / qty
        else:
            avg = held.avg_price  # reduced: the average entry stays
        self.positions_held[symbol] = VenuePosition(symbol, qty, avg)
        self.cash -= round(signed_qty * price * self._money(symbol)) + fee

    def _money(self, symbol: Symbol) -> int:
        return self.instruments_known[symbol].money_per_tick_lot


async def _now(result: SubmitResult) -> SubmitResult:
    return result


__all__ = ["MemoryExecution"]
