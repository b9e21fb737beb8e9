"""The sans-I/O trading core shared by backtest, paper and live.

The shell feeds it market data, execution reports and timer ticks, then drains
``outbox`` (venue commands) and ``events`` (everything that changed). It never
awaits, logs, or touches a database; the hot path (``on_quote``) allocates
nothing unless something happens.
"""

from __future__ import annotations

from typing import Any

from engine.core.market_state import MarketState
from engine.core.orders import OrderManager
from engine.core.portfolio import Portfolio
from engine.core.risk import Breakers, RiskGate, RiskLimits
from engine.core.strategies.base import Strategy
from engine.core.trader import Trader, TraderConfig
from engine.model import (
    BookUpdate,
    ClientOrderId,
    ExecutionId,
    ExecutionReport,
    Fill,
    IdFactory,
    Instrument,
    LiquiditySide,
    OrderIntent,
    OrderStatus,
    ReportKind,
    Side,
    Symbol,
    TradingState,
)
from engine.model.commands import CancelOrder, SubmitOrder, VenueCommand
from engine.model.events import (
    EngineEvent,
    FillApplied,
    RiskDenied,
    SignalChanged,
    TradingStateChanged,
)

ALL = "*"
_NO_NEW_TARGETS = (TradingState.HALTED, TradingState.REDUCING)
_SEVERITY = {
    TradingState.ACTIVE: 0,
    TradingState.PAUSED: 1,
    TradingState.REDUCING: 2,
    TradingState.HALTED: 3,
}


class _Slot:
    """Everything the core keeps for one symbol, found with one dict lookup."""

    __slots__ = ("instrument", "market", "stale", "state", "strategy", "trader", "wake")

    def __init__(self, instrument: Instrument, strategy: Strategy, trader: Trader) -> None:
        self.instrument = instrument
        self.market = MarketState(instrument)
        self.strategy = strategy
        self.trader = trader
        self.state = TradingState.ACTIVE
        self.stale = False
        self.wake = 0


class TradingCore:
    """Market state, strategy, trader, risk gate, order manager and portfolio."""

    def __init__(
        self,
        instruments: list[Instrument],
        strategy_cls: Any,
        strategy_params: Any,
        trader_config: TraderConfig,
        limits: RiskLimits,
        ids: IdFactory,
        cash: int,
    ) -> None:
        self.events: list[EngineEvent] = []
        self.outbox: list[VenueCommand] = []
        self.instruments = {i.symbol: i for i in instruments}
        self.strategy_name: str = strategy_cls.name
        self._slots: dict[Symbol, _Slot] = {
            i.symbol: _Slot(i, strategy_cls(i, strategy_params), Trader(i, trader_config))
            for i in instruments
        }
        self.portfolio = Portfolio(instruments, cash)
        self.orders = OrderManager(ids, self.events)
        self.risk = RiskGate(limits, instruments)
        self.breakers = Breakers(limits)
        self.state = TradingState.ACTIVE
        self.state_actor = "start"
        self.signals = 0
        self.now = 0

    # -- market data (hot path) -------------------------------------------------------

    def on_quote(
        self, symbol: Symbol, ts: int, bid: int, bid_size: int, ask: int, ask_size: int
    ) -> None:
        """A new top of book (already sanity-checked by the shell)."""
        slot = self._slots[symbol]
        market = slot.market
        market.update_quote(ts, bid, bid_size, ask, ask_size)
        self.now = ts
        pf = self.portfolio
        pf.mark(symbol, market.mid2)
        if self.breakers.on_tick(pf, ts, self.events):
            self._on_trip(ts)
        sig = slot.strategy.on_quote(market, ts)
        if sig is not None:
            self._on_signal(slot, sig, ts)
        elif slot.wake and ts >= slot.wake:
            self._wake(slot, ts)

    def on_trade(self, symbol: Symbol, ts: int, price: int, size: int, aggressor: Side) -> None:
        slot = self._slots[symbol]
        slot.market.update_trade(ts, price, size, aggressor)
        self.now = ts
        sig = slot.strategy.on_trade(slot.market, ts)
        if sig is not None:
            self._on_signal(slot, sig, ts)

    def on_book(self, update: BookUpdate) -> bool:
        """Apply depth to the symbol's book; False if it could not apply yet."""
        return self._slots[update.symbol].market.update_book(update)

    def on_timer(self, now: int) -> None:
        """Wake traders whose entry timed out or whose exit retry is due."""
        self.now = now
        for slot in self._slots.values():
            if slot.wake and now >= slot.wake:
                self._wake(slot, now)

    # -- signals and orders ------------------------------------------------------------

    def _on_signal(self, slot: _Slot, target: int, ts: int) -> None:
        self.signals += 1
        self.events.append(SignalChanged(ts, slot.instrument.symbol, self.strategy_name, target))
        trader = slot.trader
        sym = slot.instrument.symbol
        flattening = trader.flatten and (trader.working or self.portfolio.position_qty(sym))
        if flattening and self.trading_state(sym) in _NO_NEW_TARGETS:
            return  # a kill or halt is still flattening: signals must not call it off
        if trader.set_target(target) and trader.working:
            self._cancel(trader.working, slot.instrument.symbol, ts)
        self._act(slot, ts)

    def _wake(self, slot: _Slot, now: int) -> None:
        trader = slot.trader
        if trader.timed_out(now) and trader.working:
            self._cancel(trader.working, slot.instrument.symbol, now)
        self._act(slot, now)

    def _act(self, slot: _Slot, now: int) -> None:
        trader = slot.trader
        symbol = slot.instrument.symbol
        position = self.portfolio.position_qty(symbol)
        intent = trader.decide(position, slot.market, now, self._entries_allowed(slot, now))
        if intent is not None:
            self._send(slot, intent, position, now)
        slot.wake = trader.wake_at

    def _entries_allowed(self, slot: _Slot, now: int) -> bool:
        return (
            self.trading_state(slot.instrument.symbol) is TradingState.ACTIVE
            and not slot.stale
            and not self.breakers.entries_blocked(now)
        )

    def _send(self, slot: _Slot, intent: OrderIntent, position: int, now: int) -> None:
        state = self.trading_state(slot.instrument.symbol)
        latched = self.breakers.entries_blocked(now)
        denial = self.risk.check(
            intent,
            now,
            slot.market,
            position,
            self.portfolio.gross_exposure,
            state,
            latched,
            slot.stale,
        )
        trader = slot.trader
        if denial is not None:
            self.events.append(RiskDenied(now, intent.symbol, denial.reason, denial.detail))
            trader.on_denied(intent.is_entry, position, now)
            return
        order = self.orders.create(intent, now)
        trader.on_sent(order.client_order_id, intent, now)
        self.outbox.append(SubmitOrder(order))

    def _cancel(self, cid: ClientOrderId, symbol: Symbol, now: int) -> None:
        status = self.orders.status(cid)
        if status is None or status.is_terminal or status is OrderStatus.CANCEL_PENDING:
            return
        self.orders.on_report(ExecutionReport(cid, ReportKind.CANCEL_REQUESTED, now))
        self.outbox.append(CancelOrder(cid, symbol))

    # -- execution reports --------------------------------------------------------

    def on_report(self, report: ExecutionReport) -> None:
        """Apply a venue report: book fills, update the trader, act again if needed."""
        orders = self.orders
        self.now = max(self.now, report.ts)
        fill = orders.on_report(report)
        cid = report.client_order_id
        order_symbol: Symbol | None = None
        if fill is not None:
            order_symbol = fill.symbol
            realized, trip = self.portfolio.apply(fill)
            symbol = fill.symbol
            pos = self.portfolio.position_qty(symbol)
            self.events.append(FillApplied(report.ts, fill, realized, pos))
            slot = self._slots[symbol]
            slot.strategy.on_position(pos, self.portfolio.avg_price(symbol), report.ts)
            if trip is not None:
                self.events.append(trip)
                self.breakers.on_round_trip(trip.pnl, report.ts, self.events)
        status = orders.status(cid)
        if status is None or not status.is_terminal:
            return
        if order_symbol is None:
            order = orders.get(cid)
            order_symbol = order.symbol if order else None
        if order_symbol is None:
            return
        slot = self._slots[order_symbol]
        trader = slot.trader
        if trader.working != cid:
            return
        pos = self.portfolio.position_qty(order_symbol)
        failed = status in (OrderStatus.REJECTED, OrderStatus.EXPIRED) or (
            status is OrderStatus.CANCELLED
            and trader.working_entry
            and trader.target != 0
            and not trader.flatten
            and (trader.target > 0) == (trader.working_side is Side.BUY)
        )
        trader.on_done(pos, failed, self.now)
        self._act(slot, self.now)

    # -- trading state and control -----------------------------------------------------------

    def trading_state(self, symbol: Symbol) -> TradingState:
        own = self._slots[symbol].state
        return own if _SEVERITY[own] > _SEVERITY[self.state] else self.state

    def set_state(self, scope: str, state: TradingState, actor: str, reason: str = "") -> None:
        """Set the trading state of one symbol or of all (``"*"``), announcing the change."""
        now = self.now
        if scope == ALL:
            old = self.state
            self.state = state
            self.state_actor = actor
        else:
            slot = self._slots[Symbol(scope)]
            old = slot.state
            slot.state = state
        if old is not state:
            self.events.append(TradingStateChanged(now, scope, old, state, actor, reason))
        target = None if scope == ALL else Symbol(scope)
        if state is TradingState.HALTED:
            self.cancel_all(target)
        elif state is not TradingState.ACTIVE:
            self._cancel_entries(target)
        else:
            for sym, slot in self._slots.items():
                if target is None or sym == target:
                    slot.trader.flatten = False

    def _cancel_entries(self, symbol: Symbol | None) -> None:
        """Cancel working orders that would add exposure (PAUSED, REDUCING)."""
        for sym, slot in self._slots.items():
            trader = slot.trader
            if (symbol is None or sym == symbol) and trader.working and trader.working_entry:
                self._cancel(trader.working, sym, self.now)

    def cancel_all(self, symbol: Symbol | None = None) -> int:
        """Cancel every working order (of one symbol); returns how many were asked."""
        n = 0
        for order in self.orders.working(symbol):
            before = len(self.outbox)
            self._cancel(order.client_order_id, order.symbol, self.now)
            n += len(self.outbox) - before
        return n

    def flatten(self, symbol: Symbol | None = None) -> list[Symbol]:
        """Close positions at market (cancelling working orders first); returns the
        symbols that had something to close."""
        touched = []
        for sym, slot in self._slots.items():
            if symbol is not None and sym != symbol:
                continue
            trader = slot.trader
            pos = self.portfolio.position_qty(sym)
            if not pos and not trader.working:
                continue
            touched.append(sym)
            trader.flatten = True
            trader.retry_at = 0
            if trader.working:
                self._cancel(trader.working, sym, self.now)
            self._act(slot, self.now)
        return touched

    def kill(self, actor: str, reason: str = "kill switch") -> None:
        """Halt everything, cancel every working order, flatten every position."""
        self.set_state(ALL, TradingState.HALTED, actor, reason)
        self.cancel_all()
        self.flatten()

    def adjust_position(
        self, symbol: Symbol, qty: int, price: int, ts: int, exec_id: str, reason: str
    ) -> None:
        """Book a position change the venue made without an order of ours (reconciliation).

        ``qty`` is signed lots; the fill is announced like any other, with ``reason``
        as its client order id so it stands out in the store.
        """
        fill = Fill(
            ClientOrderId(reason),
            ExecutionId(exec_id),
            symbol,
            Side.BUY if qty > 0 else Side.SELL,
            abs(qty),
            price,
            0,
            LiquiditySide.TAKER,
            ts,
            False,
        )
        realized, trip = self.portfolio.apply(fill)
        pos = self.portfolio.position_qty(symbol)
        self.events.append(FillApplied(ts, fill, realized, pos))
        if trip is not None:
            self.events.append(trip)
        self._slots[symbol].strategy.on_position(pos, self.portfolio.avg_price(symbol), ts)

    def set_stale(self, symbol: Symbol | None, stale: bool) -> None:
        """Mark market data of one symbol (or all) stale: entries are denied (FEED_STALE)."""
        for sym, slot in self._slots.items():
            if symbol is None or sym == symbol:
                slot.stale = stale

    def is_stale(self, symbol: Symbol) -> bool:
        return self._slots[symbol].stale

    def resize(self, symbol: Symbol | None, factor: float) -> None:
        for sym, slot in self._slots.items():
            if symbol is None or sym == symbol:
                slot.trader.resize = factor

    def set_limits(self, limits: RiskLimits) -> None:
        self.risk.set_limits(limits)
        self.breakers.set_limits(limits)

    def reset_breaker(self, name: str, actor: str) -> bool:
        return self.breakers.reset(name, actor, self.now, self.events)

    def start_day(self) -> None:
        self.portfolio.start_day(self.now)
        self.breakers.start_day()

    def _on_trip(self, ts: int) -> None:
        name = self.breakers.latched_name
        self.set_state(ALL, TradingState.HALTED, f"breaker:{name}", "breaker tripped")
        self.flatten()

    # -- views --------------------------------------------------------------------

    def market(self, symbol: Symbol) -> MarketState:
        return self._slots[symbol].market

    def trader(self, symbol: Symbol) -> Trader:
        return self._slots[symbol].trader

    @property
    def symbols(self) -> list[Symbol]:
        return list(self._slots)
