"""The simulated venue's account: orders, fills from the paper model, positions and cash.

Orders go to :class:`~engine.paper.PaperVenue` with zero latency; its reports
become Alpaca order statuses and trade_updates events; fills are booked to a
:class:`~engine.core.portfolio.Portfolio` (exact integer cash and positions).
Market events keep one :class:`~engine.core.market_state.MarketState` per
symbol, which is also the paper venue's view, in the paper venue's tick order.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.core.market_state import MarketState
from engine.core.portfolio import Portfolio
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Fill
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Quote
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import Trade
from engine.paper import PaperConfig
from engine.paper import PaperVenue
from engine.venues.sim.errors import forbidden
from engine.venues.sim.errors import not_found
from engine.venues.sim.errors import unprocessable
from engine.venues.sim.faults import FaultInjector
from engine.venues.sim.market import TickEvent
from engine.venues.sim.orders import OrderRequest
from engine.venues.sim.orders import SimOrder
from engine.venues.sim.orders import order_object
from engine.venues.sim.protocol import Units
from engine.venues.sim.protocol import rfc3339
from engine.venues.sim.state import fill_from_json
from engine.venues.sim.state import fill_to_json

Publish = Callable[[dict[str, Any]], None]
"""Receives each trade_updates message ``{"stream":"trade_updates","data":{..}}``."""

_NO_PUBLISH: Publish = lambda _message: None  # noqa: E731
_EVENT_OF = {
    ReportKind.CANCELLED: ("canceled", "canceled_at"),
    ReportKind.EXPIRED: ("expired", "expired_at"),
    ReportKind.REJECTED: ("rejected", "failed_at"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountTerms:
    """The terms an account opens with: cash (nanos), fill model, id seed, margin."""

    cash: int
    paper: PaperConfig
    seed: int
    margin_multiplier: Decimal = Decimal(1)


class Account:
    """Orders, fills, positions and cash of the one simulated account."""

    def __init__(
        self,
        instruments: Iterable[Instrument],
        asset_classes: dict[str, str],
        terms: AccountTerms,
        *,
        faults: FaultInjector,
        publish: Publish = _NO_PUBLISH,
    ) -> None:
        instruments = list(instruments)
        self.instruments = {i.symbol: i for i in instruments}
        self.units = {i.symbol: Units(i) for i in instruments}
        self.asset_classes = asset_classes
        self.views = {i.symbol: MarketState(i) for i in instruments}
        self.paper = PaperVenue(instruments, terms.paper)
        for symbol, view in self.views.items():
            self.paper.attach(symbol, view)
        self.portfolio = Portfolio(instruments, terms.cash)
        self.faults = faults
        self.publish = publish
        self.multiplier = terms.margin_multiplier
        self.orders: dict[str, SimOrder] = {}
        self.by_client: dict[str, SimOrder] = {}
        self.used_ids: set[str] = set()
        self._open: dict[str, SimOrder] = {}
        self.fills: list[Fill] = []
        self.dirty = False
        self._seed = terms.seed
        self._ids = random.Random(f"{terms.seed}:ids:0")
        self._last = 0
        self._restoring = False

    # -- market --------------------------------------------------------------

    def on_events(self, events: list[TickEvent]) -> None:
        """Apply market events in the paper venue's tick order, filling resting orders."""
        paper = self.paper
        views = self.views
        mark = self.portfolio.mark
        last = self._last
        for ev in events:
            ts = ev.ts if ev.ts > last else last
            last = ts
            symbol = ev.symbol
            view = views[symbol]
            if type(ev) is Quote:
                view.update_quote(ts, ev.bid, ev.bid_size, ev.ask, ev.ask_size)
                if ev.bid > 0 and ev.ask > 0:
                    mark(symbol, ev.bid + ev.ask)
                paper.on_quote(symbol, ts)
            else:
                assert isinstance(ev, Trade)
                view.update_trade(ts, ev.price, ev.size, ev.aggressor)
                paper.on_trade(symbol, ev.price, ev.size, ev.aggressor, ts)
            reports = paper.advance(ts)
            if reports:
                self._last = last
                self._apply(reports)
        self._last = last

    def now(self, wall: int) -> int:
        """The venue's monotonic time for a wall-clock reading."""
        self._last = max(self._last, wall)
        return self._last

    # -- orders --------------------------------------------------------------

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def submit(self, order: OrderRequest, wall: int) -> dict[str, Any]:
        """Accept an order (raising ApiError 422/403) and run it; return it as accepted."""
        symbol, side, qty = order.symbol, order.side, order.qty
        coid = order.client_order_id or self.new_id()
        if coid in self.used_ids:
            raise unprocessable("client_order_id must be unique")
        self._check_buying_power(symbol, side, qty, order.limit, order.order_type)
        ts = self.now(wall)
        rec = SimOrder(
            id=self.new_id(),
            client_order_id=coid,
            symbol=symbol,
            asset_class=self.asset_classes[symbol],
            side=side,
            order_type=order.order_type,
            tif=order.tif,
            qty=qty,
            limit=order.limit,
            intent=self._intent(symbol, side),
            created_at=ts,
            extended_hours=order.extended_hours,
        )
        self.orders[rec.id] = rec
        self.by_client[coid] = rec
        self.used_ids.add(coid)
        self._open[rec.id] = rec
        self.dirty = True
        answer = self.render(rec)
        if self.faults.should_reject():
            self._finish(rec, "rejected", "failed_at", ts)
        else:
            self.paper.submit(self._paper_order(rec, qty, ts), ts)
            self._apply(self.paper.advance(ts))
        return answer

    def cancel(self, order_id: str, wall: int) -> SimOrder:
        """Cancel an open order (404 unknown, 422 not cancelable)."""
        rec = self.orders.get(order_id)
        if rec is None:
            raise not_found("order not found")
        if not rec.is_open:
            raise unprocessable("order is not cancelable")
        ts = self.now(wall)
        self.paper.cancel(ClientOrderId(rec.client_order_id), ts)
        self._apply(self.paper.advance(ts))
        return rec

    def cancel_all(self, wall: int) -> list[SimOrder]:
        """Cancel every open order; returns them (now canceled)."""
        return [self.cancel(rec.id, wall) for rec in self.open_orders()]

    def expire_day(self, wall: int) -> None:
        """End of a trading day: open DAY orders expire (the synthetic market never closes)."""
        ts = self.now(wall)
        self.paper.expire_day(ts)
        self._apply(self.paper.advance(ts))

    def open_orders(self) -> list[SimOrder]:
        """Orders that can still fill, oldest first."""
        return list(self._open.values())

    def close_position(
        self, symbol: str, wall: int, qty: int | None = None, percentage: Decimal | None = None
    ) -> dict[str, Any]:
        """A market order flattening (part of) a position; 404 when there is none."""
        pos = self.position_lots(symbol)
        if not pos:
            raise not_found("position does not exist")
        lots = abs(pos)
        if qty is not None:
            lots = qty
        elif percentage is not None:
            lots = int(abs(pos) * percentage / 100)
        side = Side.SELL if pos > 0 else Side.BUY
        available = abs(pos) - sum(
            r.leaves for r in self.open_orders() if r.symbol == symbol and r.side is side
        )
        units = self.units[Symbol(symbol)]
        if lots <= 0 or lots > available:
            raise forbidden(
                f"insufficient qty available for order (requested: {units.qty_str(lots)}, "
                f"available: {units.qty_str(max(available, 0))})"
            )
        tif = TimeInForce.GTC if self.asset_classes[symbol] == "crypto" else TimeInForce.DAY
        order = OrderRequest(
            symbol=symbol,
            side=side,
            order_type=OrderType.MARKET,
            tif=tif,
            qty=lots,
            limit=0,
            client_order_id=None,
            extended_hours=False,
        )
        return self.submit(order, wall)

    def render(self, rec: SimOrder) -> dict[str, Any]:
        return order_object(rec, self.units[Symbol(rec.symbol)])

    # -- positions and money -------------------------------------------------

    def position_lots(self, symbol: str) -> int:
        return self.portfolio.position_qty(Symbol(symbol))

    def buying_power(self) -> int:
        """multiplier x equity - gross exposure - notional of open orders (nanos, >= 0)."""
        p = self.portfolio
        reserved = sum(
            self._notional(r.symbol, r.side, r.leaves, r.limit) for r in self.open_orders()
        )
        bp = int(self.multiplier * p.equity) - p.gross_exposure - reserved
        return max(bp, 0)

    def _notional(self, symbol: str, side: Side, lots: int, limit: int) -> int:
        view = self.views[Symbol(symbol)]
        price = limit or (view.ask if side is Side.BUY else view.bid) or view.mid2 // 2
        return view.instrument.notional(price, lots)

    def _check_buying_power(
        self, symbol: str, side: Side, lots: int, limit: int, order_type: OrderType
    ) -> None:
        pos = self.position_lots(symbol)
        reducing = min(abs(pos), lots) if (pos > 0) != (side is Side.BUY) and pos else 0
        opening = lots - reducing
        if opening <= 0:
            return
        price_limit = limit if order_type is OrderType.LIMIT else 0
        if self._notional(symbol, side, opening, price_limit) > self.buying_power():
            raise forbidden("insufficient buying power")

    def _intent(self, symbol: str, side: Side) -> str:
        pos = self.position_lots(symbol)
        if side is Side.BUY:
            return "buy_to_close" if pos < 0 else "buy_to_open"
        return "sell_to_close" if pos > 0 else "sell_to_open"

    # -- paper reports ---------------------------------------------------------

    def _paper_order(self, rec: SimOrder, lots: int, ts: int) -> Order:
        return Order(
            ClientOrderId(rec.client_order_id),
            Symbol(rec.symbol),
            rec.side,
            lots,
            rec.order_type,
            rec.tif,
            rec.limit,
            OrderStatus.NEW,
            0,
            0.0,
            ts,
            ts,
        )

    def _apply(self, reports: list[ExecutionReport]) -> None:
        for report in reports:
            rec = self.by_client.get(report.client_order_id)
            if rec is None:  # pragma: no cover - every paper order has a record
                continue
            kind = report.kind
            if kind is ReportKind.FILL:
                self._fill(rec, report)
            elif kind is ReportKind.ACCEPTED:
                if not self._restoring:
                    rec.status = "new"
                    rec.updated_at = report.ts
                    self._event("new", rec, report.ts)
            elif kind in _EVENT_OF:
                status, field = _EVENT_OF[kind]
                self._finish(rec, status, field, report.ts)
            self.dirty = True

    def _fill(self, rec: SimOrder, report: ExecutionReport) -> None:
        lots, price, ts = report.last_qty, report.last_price, report.ts
        rec.filled += lots
        rec.cost += price * lots
        rec.updated_at = ts
        done = rec.filled >= rec.qty
        rec.status = "filled" if done else "partially_filled"
        if done:
            rec.filled_at = ts
            self._open.pop(rec.id, None)
        exec_id = self.new_id()
        fill = Fill(
            ClientOrderId(rec.client_order_id),
            ExecutionId(exec_id),
            Symbol(rec.symbol),
            rec.side,
            lots,
            price,
            report.fee,
            report.liquidity,
            ts,
        )
        self.portfolio.apply(fill)
        self.fills.append(fill)
        units = self.units[Symbol(rec.symbol)]
        extra = {
            "price": units.price_str(price),
            "qty": units.qty_str(lots),
            "position_qty": units.qty_str(self.position_lots(rec.symbol)),
        }
        self._event("fill" if done else "partial_fill", rec, ts, exec_id, extra)

    def _finish(self, rec: SimOrder, status: str, field: str, ts: int) -> None:
        self._open.pop(rec.id, None)
        rec.status = status
        rec.updated_at = ts
        setattr(rec, field, ts)
        self.dirty = True
        self._event(status, rec, ts)

    def _event(
        self,
        event: str,
        rec: SimOrder,
        ts: int,
        exec_id: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        data: dict[str, Any] = {
            "event": event,
            "execution_id": exec_id or self.new_id(),
            "order": self.render(rec),
            "timestamp": rfc3339(ts),
        }
        if extra:
            data.update(extra)
        self.publish({"stream": "trade_updates", "data": data})

    # -- state -------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Orders, fills, cash and used client order ids as JSON values."""
        return {
            "start_cash": self.portfolio.start_cash,
            "last_ts": self._last,
            "orders": [rec.to_state() for rec in self.orders.values()],
            "fills": [fill_to_json(f) for f in self.fills],
            "used_client_order_ids": sorted(self.used_ids),
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore a saved account into this fresh one (working orders rest again)."""
        unknown = {o["symbol"] for o in state["orders"]} - set(self.instruments)
        if unknown:
            raise ValueError(f"state has orders for symbols not in this market: {sorted(unknown)}")
        self.portfolio = Portfolio(list(self.instruments.values()), int(state["start_cash"]))
        for fs in state["fills"]:
            fill = fill_from_json(fs)
            self.portfolio.apply(fill)
            self.fills.append(fill)
        self._last = int(state["last_ts"])
        self._ids = random.Random(f"{self._seed}:ids:{len(state['orders'])}:{self._last}")
        self.used_ids.update(state["used_client_order_ids"])
        self._restoring = True
        try:
            for os_ in state["orders"]:
                rec = SimOrder.from_state(os_)
                self.orders[rec.id] = rec
                self.by_client[rec.client_order_id] = rec
                self.used_ids.add(rec.client_order_id)
                if rec.is_open:
                    self._open[rec.id] = rec
                    self.paper.submit(
                        self._paper_order(rec, rec.qty - rec.filled, self._last), self._last
                    )
                    self._apply(self.paper.advance(self._last))
        finally:
            self._restoring = False
        self.dirty = False
