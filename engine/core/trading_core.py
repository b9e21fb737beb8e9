"""The sans-I/O trading core shared by backtest, paper and live.

The shell feeds it market data, execution reports and timer ticks, then drains
``outbox`` (venue commands) and ``events`` (everything that changed). It never
awaits, logs, or touches a database; the hot path (``on_quote``) allocates
nothing unless something happens.

Invariants it keeps per symbol: never two entries live; at most one closing
(reduce-only) order live, and none while an earlier one is in doubt (provisional,
see ``OrderManager``) for ``provisional_hold_ns``; no order breaks a risk limit
except to reduce; a working order never blocks an exit or a flatten; a flatten
asked outside ACTIVE is not called off by a strategy signal; while closes are
held (``hold_closes``) no order at all.

It stays one module (just over 500 lines): ``TradingCore`` is the one facade every
shell drives, and its per-symbol decisions (signal, send, in doubt, revive) and the
operator's commands (state, flatten, hold, limits) act on the same per-symbol slots;
the parts with state of their own already live beside it (orders, portfolio, risk,
trader, strategies).
"""

from __future__ import annotations

from typing import Any

from engine.core.market_state import MarketState
from engine.core.orders import OrderManager
from engine.core.portfolio import Portfolio
from engine.core.risk import Breakers
from engine.core.risk import RiskGate
from engine.core.risk import RiskLimits
from engine.core.risk import check_limits
from engine.core.strategies.base import Strategy
from engine.core.trader import Trader
from engine.core.trader import TraderConfig
from engine.model import BookUpdate
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Fill
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import LiquiditySide
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState
from engine.model.commands import CancelOrder
from engine.model.commands import SubmitOrder
from engine.model.commands import VenueCommand
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import RiskDenied
from engine.model.events import SignalChanged
from engine.model.events import TradingStateChanged

ALL = "*"
# No new closing order (entry) while an earlier one of the symbol may still be live
# at the venue: provisional (ended only by inference) and younger than this.
PROVISIONAL_HOLD_NS = 30_000_000_000
_SEVERITY = {
    TradingState.ACTIVE: 0,
    TradingState.PAUSED: 1,
    TradingState.REDUCING: 2,
    TradingState.HALTED: 3,
}


class _Slot:
    """Everything the core keeps for one symbol, found with one dict lookup."""

    __slots__ = (
        "doubt",
        "hold",
        "instrument",
        "market",
        "stale",
        "state",
        "strategy",
        "trader",
        "wake",
    )

    def __init__(self, instrument: Instrument, strategy: Strategy, trader: Trader) -> None:
        self.instrument = instrument
        self.market = MarketState(instrument)
        self.strategy = strategy
        self.trader = trader
        self.state = TradingState.ACTIVE
        self.stale = False
        self.hold = False  # closing handed to someone else: send nothing (hold_closes)
        self.doubt: tuple[int, bool] | None = None  # the in-doubt hold last announced
        self.wake = 0


class TradingCore:
    """Market state, strategy, trader, risk gate, order manager and portfolio.

    Raises ValueError (one line, naming the key and the symbol) for limits that
    cannot mean what they say for these instruments (see ``check_limits``).
    """

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
        check_limits(limits, instruments)
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
        self.provisional_hold_ns = PROVISIONAL_HOLD_NS

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
        sym = slot.instrument.symbol
        self.events.append(SignalChanged(ts, sym, self.strategy_name, target))
        trader = slot.trader
        if (
            trader.flatten
            and self.trading_state(sym) is not TradingState.ACTIVE
            and (trader.busy or self.portfolio.position_qty(sym))
        ):
            return  # a flatten asked outside ACTIVE (person, scheduler, kill, breaker) holds
        if trader.set_target(target) and trader.entry is not None:
            self._cancel(trader.entry, sym, ts)
        self._act(slot, ts)

    def _wake(self, slot: _Slot, now: int) -> None:
        trader = slot.trader
        if trader.timed_out(now) and trader.entry is not None:
            self._cancel(trader.entry, slot.instrument.symbol, now)
        self._act(slot, now)

    def _act(self, slot: _Slot, now: int) -> None:
        trader = slot.trader
        if slot.hold:
            slot.wake = trader.timeout_at if trader.entry is not None else 0
            return
        symbol = slot.instrument.symbol
        # Twice at most: a reversal denied whole is decided again as its closing part.
        for _ in range(2):
            position = self.portfolio.position_qty(symbol)
            intent = trader.decide(position, slot.market, now, self._entries_allowed(slot, now))
            if intent is None or self._send(slot, intent, position, now):
                break
        slot.wake = trader.wake_at

    def _entries_allowed(self, slot: _Slot, now: int) -> bool:
        return (
            self.trading_state(slot.instrument.symbol) is TradingState.ACTIVE
            and not slot.stale
            and not self.breakers.entries_blocked(now)
        )

    def _send(self, slot: _Slot, intent: OrderIntent, position: int, now: int) -> bool:
        """Check and send ``intent``; False (and the trader told) when it did not go."""
        trader = slot.trader
        symbol = intent.symbol
        if not intent.is_entry and trader.entry is not None:
            self._cancel(trader.entry, symbol, now)  # a flatten cancels, then closes
            if trader.entry_side is intent.side and trader.wait_for_reversal(now):
                return False  # a reversal still working would close too: wait for its cancel
        if self._in_doubt(slot, intent, position, now):
            return False
        # A reversal is tried whole; denied, it is split quietly: its parts are
        # checked (and any denial announced) on their own.
        new = position + intent.qty * intent.side
        whole_reversal = position != 0 and new != 0 and (new > 0) != (position > 0)
        denial = self.risk.check(
            intent,
            now,
            slot.market,
            position,
            self.portfolio.gross_exposure,
            self.trading_state(symbol),
            self.breakers.entries_blocked(now),
            slot.stale,
            not whole_reversal,
        )
        if denial is not None:
            if not whole_reversal:
                self.events.append(RiskDenied(now, symbol, denial.reason, denial.detail))
            trader.on_denied(intent.is_entry, position, now)
            return False
        order = self.orders.create(intent, now)
        trader.on_sent(order.client_order_id, intent, now)
        self.outbox.append(SubmitOrder(order))
        return True

    def _in_doubt(self, slot: _Slot, intent: OrderIntent, position: int, now: int) -> bool:
        """An earlier order of the same kind may still be live (provisional): hold,
        announcing each hold once."""
        trader = slot.trader
        closing = not intent.is_entry
        since = self.orders.in_doubt_since(intent.symbol, closing)
        if not since or now >= since + self.provisional_hold_ns:
            return False
        if slot.doubt != (since, closing):
            slot.doubt = (since, closing)
            kind = "closing order" if closing else "entry"
            detail = f"an earlier {kind} may still be live at the venue"
            self.events.append(RiskDenied(now, intent.symbol, "ORDER_IN_DOUBT", detail))
        if intent.is_entry:
            trader.on_denied(True, position, now)
        else:
            trader.retry_at = since + self.provisional_hold_ns
        return True

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
        cid = report.client_order_id
        was_provisional = orders.is_provisional(cid)
        fill = orders.on_report(report)
        if fill is not None:
            self._book(fill, report.ts)
        status = orders.status(cid)
        symbol = orders.symbol_of(cid)
        slot = self._slots.get(symbol) if symbol is not None else None
        if status is None or slot is None:
            return
        trader = slot.trader
        if was_provisional and not orders.is_provisional(cid):
            if fill is None and status.is_terminal:
                return  # the venue confirmed the inferred outcome
            self._revived(slot, cid, status)
        elif cid not in (trader.entry, trader.closing):
            # Not the trader's (adopted, or replayed at start-up); but what such an order
            # filled is closed too while a flatten is in force or trading is halted.
            if fill is not None:
                self._flatten_if_halted(slot)
            return
        if status.is_terminal:
            pos = self.portfolio.position_qty(slot.instrument.symbol)
            trader.on_done(cid, pos, self._failed(trader, cid, status), self.now)
        elif fill is None:
            return
        self._act(slot, self.now)

    def _book(self, fill: Fill, ts: int) -> None:
        realized, trip = self.portfolio.apply(fill)
        symbol = fill.symbol
        pos = self.portfolio.position_qty(symbol)
        self.events.append(FillApplied(ts, fill, realized, pos))
        self._slots[symbol].strategy.on_position(pos, self.portfolio.avg_price(symbol), ts)
        if trip is not None:
            self.events.append(trip)
            self.breakers.on_round_trip(trip.pnl, ts, self.events)

    @staticmethod
    def _failed(trader: Trader, cid: ClientOrderId, status: OrderStatus) -> bool:
        """Did the order end without doing its job? A closing order that did not fill
        is re-checked after ``exit_retry_s`` (whoever cancelled it, never at once); an
        entry cancelled because the target changed did not fail."""
        if status in (OrderStatus.REJECTED, OrderStatus.EXPIRED):
            return True
        if status is not OrderStatus.CANCELLED:
            return False
        if cid == trader.closing:
            return True
        target = trader.target
        return (
            target != 0 and not trader.flatten and (target > 0) == (trader.entry_side is Side.BUY)
        )

    def _revived(self, slot: _Slot, cid: ClientOrderId, status: OrderStatus) -> None:
        """Venue evidence brought back an order ended by inference: take it back into
        its slot (or cancel it if the slot is taken); an entry that agrees with the
        target is pursued again instead of given up."""
        order = self.orders.get(cid)
        if order is None:
            return
        trader = slot.trader
        direction = 1 if order.side is Side.BUY else -1
        if order.is_entry and trader.target == direction and not trader.flatten:
            trader.target_lots = trader.target * trader.lots
        if status.is_terminal:
            return
        if not trader.bind(cid, order.is_entry, order.side, order.created_ts):
            self._cancel(cid, order.symbol, self.now)  # never two entries or two closes
        slot.wake = trader.wake_at

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
            self._cancel_opening(target)
        elif state is not TradingState.ACTIVE:
            self._cancel_entries(target)
        # Back to ACTIVE, a flatten still holds until the strategy's next signal.

    def _cancel_entries(self, symbol: Symbol | None) -> None:
        """Cancel working orders that would add exposure (PAUSED, REDUCING)."""
        for sym, slot in self._slots.items():
            entry = slot.trader.entry
            if (symbol is None or sym == symbol) and entry is not None:
                self._cancel(entry, sym, self.now)

    def _cancel_opening(self, symbol: Symbol | None) -> None:
        """Cancel every working order but the trader's closing ones (HALTED: they
        reduce, and cancelling them would only delay the close)."""
        for order in self.orders.working(symbol):
            slot = self._slots.get(order.symbol)
            if slot is None or order.client_order_id != slot.trader.closing:
                self._cancel(order.client_order_id, order.symbol, self.now)

    def cancel_all(self, symbol: Symbol | None = None) -> int:
        """Cancel every working order (of one symbol) except the closing order of a
        flatten in progress; returns how many cancels were asked."""
        n = 0
        for order in self.orders.working(symbol):
            slot = self._slots.get(order.symbol)
            if slot and slot.trader.flatten and order.client_order_id == slot.trader.closing:
                continue  # cancel_all after flatten() must not call the flatten off
            before = len(self.outbox)
            self._cancel(order.client_order_id, order.symbol, self.now)
            n += len(self.outbox) - before
        return n

    def flatten(self, symbol: Symbol | None = None) -> list[Symbol]:
        """Close positions at market: cancel the symbol's other working orders, then
        close at once, without waiting for those cancels (a live closing order is
        kept). Holds until the strategy's next signal in ACTIVE, and against signals
        outside ACTIVE. Returns the symbols that had something to close."""
        touched = []
        for sym, slot in self._slots.items():
            if symbol is not None and sym != symbol:
                continue
            trader = slot.trader
            working = self.orders.working(sym)
            if not self.portfolio.position_qty(sym) and not working:
                continue
            touched.append(sym)
            trader.flatten = True
            trader.split = False
            trader.retry_at = 0
            for order in working:
                if order.client_order_id != trader.closing:
                    self._cancel(order.client_order_id, sym, self.now)
            self._act(slot, self.now)
        return touched

    def kill(self, actor: str, reason: str = "kill switch") -> None:
        """Halt everything, cancel every working order but closing ones, flatten
        every position."""
        self.set_state(ALL, TradingState.HALTED, actor, reason)
        self.flatten()

    def hold_closes(self, symbol: Symbol | None, on: bool) -> None:
        """Hand closing of one symbol (or all) to someone else, or take it back.

        While on, the core sends no order for the symbol (no entry, exit, flatten
        or retry; cancels still go out), and a closing order the venue cancels is
        not re-sent. Taking it back re-decides at once from the bot's position, so
        book what the other owner closed (``adjust_position``) first.
        """
        for sym, slot in self._slots.items():
            if symbol is None or sym == symbol:
                slot.hold = on
                self._act(slot, self.now)

    def closes_held(self, symbol: Symbol) -> bool:
        return self._slots[symbol].hold

    def adjust_position(
        self, symbol: Symbol, qty: int, price: int, ts: int, exec_id: str, reason: str
    ) -> None:
        """Book a position change the venue made without an order of ours (reconciliation).

        ``qty`` is signed lots; the fill is announced like any other, with ``reason``
        as its client order id so it stands out in the store. A round trip it closes
        counts toward the loss-streak breaker like any other.
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
            # a loss the venue closed without us still counts toward the loss streak
            self.breakers.on_round_trip(trip.pnl, ts, self.events)
        slot = self._slots[symbol]
        slot.strategy.on_position(pos, self.portfolio.avg_price(symbol), ts)
        self._flatten_if_halted(slot)

    def _flatten_if_halted(self, slot: _Slot) -> None:
        """A position that appears without an order of the trader's (adopted, adjusted
        to the venue) while a flatten is in force or trading is HALTED (a kill, a
        breaker: flat and stay flat) is closed like the rest."""
        symbol = slot.instrument.symbol
        if slot.trader.flatten or self.trading_state(symbol) is TradingState.HALTED:
            self.flatten(symbol)

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

    def check_limits(self, limits: RiskLimits) -> None:
        """Raise ValueError (one line) for limits the gate would have to fail closed on."""
        check_limits(limits, self.instruments.values())

    def set_limits(self, limits: RiskLimits) -> None:
        """Apply new limits. Never raises: a limit the gate cannot honour (see
        ``check_limits``) makes it deny all new exposure instead."""
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
