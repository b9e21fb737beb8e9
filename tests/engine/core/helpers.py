"""Shared builders for the core tests: instruments, a scripted strategy, a harness.

The harness wires a real :class:`TradingCore` to a real :class:`PaperVenue`
(zero latency by default) and follows the tick ordering the backtest runner
uses: deliver what is due, update the market, let the venue match, exchange
commands and reports until nothing more is due. With ``venue=False`` the
commands are only collected (``sent``) and the test plays the venue by hand
with :meth:`Harness.report`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar
from typing import TypeVar

from engine.core.market_state import MarketState
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import IdFactory
from engine.model import Instrument
from engine.model import OrderStatus
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model.commands import CancelOrder
from engine.model.commands import SubmitOrder
from engine.model.commands import VenueCommand
from engine.model.events import EngineEvent
from engine.paper import PaperConfig
from engine.paper import PaperVenue

AAA = Symbol("AAA")
BBB = Symbol("BBB")
# one tick x one lot = 0.01 x 1 = 0.01 quote units = 10_000_000 nanos
INSTRUMENT_A = Instrument(symbol=AAA, price_increment=Decimal("0.01"), size_increment=Decimal(1))
INSTRUMENT_B = Instrument(symbol=BBB, price_increment=Decimal("0.01"), size_increment=Decimal(1))
MPL = INSTRUMENT_A.money_per_tick_lot
UNIT = 10**9  # one quote-currency unit in nanos
MS = 1_000_000
SEC = 1_000_000_000
CASH = 1_000_000 * UNIT

E = TypeVar("E")


def market(
    instrument: Instrument = INSTRUMENT_A, bid: int = 0, ask: int = 0, ts: int = 0
) -> MarketState:
    """A market state holding one quote (none when ``bid`` and ``ask`` are 0)."""
    state = MarketState(instrument)
    if bid or ask:
        state.update_quote(ts, bid, 0, ask, 0)
    return state


def of_type(events: list[EngineEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


class Script:
    """Signals the scripted strategy emits on the next quote of each symbol."""

    def __init__(self) -> None:
        self.pending: dict[Symbol, int] = {}
        self.positions: dict[Symbol, list[int]] = {}

    def set(self, symbol: Symbol, target: int) -> None:
        self.pending[symbol] = target

    def pop(self, symbol: Symbol) -> int | None:
        return self.pending.pop(symbol, None)


class ScriptedStrategy:
    """A strategy (protocol-conforming) that says exactly what the test scripts."""

    name: ClassVar[str] = "scripted"

    def __init__(self, instrument: Instrument, params: Script) -> None:
        self.symbol = instrument.symbol
        self.script = params

    def on_quote(self, state: MarketState, now: int) -> int | None:
        return self.script.pop(self.symbol)

    def on_trade(self, state: MarketState, now: int) -> int | None:
        return None

    def on_position(self, qty: int, avg_price: float, now: int) -> None:
        self.script.positions.setdefault(self.symbol, []).append(qty)


class Harness:
    """A core on a scripted strategy, trading a paper venue (or a hand-played one)."""

    def __init__(
        self,
        *,
        limits: RiskLimits | None = None,
        order: TraderConfig | None = None,
        paper: PaperConfig | None = None,
        venue: bool = True,
        instruments: tuple[Instrument, ...] = (INSTRUMENT_A, INSTRUMENT_B),
        cash: int = CASH,
    ) -> None:
        self.script = Script()
        self.core = TradingCore(
            list(instruments),
            ScriptedStrategy,
            self.script,
            order or TraderConfig(qty=Decimal(1)),
            limits or RiskLimits(),
            IdFactory("t", "0"),
            cash,
        )
        self.venue: PaperVenue | None = None
        if venue:
            self.venue = PaperVenue(instruments, paper or PaperConfig())
            for inst in instruments:
                self.venue.attach(inst.symbol, self.core.market(inst.symbol))
        self.sent: list[VenueCommand] = []
        self.reports: list[ExecutionReport] = []
        self.now = 0
        self._exec = 0

    # -- driving ---------------------------------------------------------------

    def quote(
        self,
        symbol: Symbol,
        bid: int,
        ask: int,
        signal: int | None = None,
        *,
        dt: int = MS,
        bid_size: int = 0,
        ask_size: int = 0,
    ) -> None:
        """A quote ``dt`` after the last event; ``signal`` is what the strategy says."""
        self.now += dt
        self.pump()
        if signal is not None:
            self.script.set(symbol, signal)
        self.core.on_quote(symbol, self.now, bid, bid_size, ask, ask_size)
        if self.venue is not None:
            self.venue.on_quote(symbol, self.now)
        self.pump()

    def trade(
        self, symbol: Symbol, price: int, size: int, aggressor: Side, *, dt: int = MS
    ) -> None:
        self.now += dt
        self.pump()
        self.core.on_trade(symbol, self.now, price, size, aggressor)
        if self.venue is not None:
            self.venue.on_trade(symbol, price, size, aggressor, self.now)
        self.pump()

    def timer(self, dt: int) -> None:
        self.now += dt
        self.pump()
        self.core.on_timer(self.now)
        self.pump()

    def pump(self) -> None:
        """Exchange commands and reports until nothing more is due now."""
        core = self.core
        while True:
            commands = list(core.outbox)
            core.outbox.clear()
            self.sent.extend(commands)
            if self.venue is None:
                return
            for cmd in commands:
                if isinstance(cmd, SubmitOrder):
                    self.venue.submit(cmd.order, self.now)
                else:
                    self.venue.cancel(cmd.client_order_id, self.now)
            reports = self.venue.advance(self.now)
            for report in reports:
                self.reports.append(report)
                core.on_report(report)
            if not reports and not core.outbox:
                return

    # -- playing the venue by hand -------------------------------------------------

    def report(
        self,
        cid: ClientOrderId,
        kind: ReportKind,
        *,
        qty: int = 0,
        price: int = 0,
        exec_id: str | None = None,
        fee: int = 0,
        cum_qty: int = -1,
        dt: int = 0,
    ) -> ExecutionReport:
        """Hand the core one report (a fill gets a fresh exec id unless given)."""
        self.now += dt
        if kind is ReportKind.FILL and exec_id is None:
            self._exec += 1
            exec_id = f"x{self._exec}"
        rep = ExecutionReport(
            cid,
            kind,
            self.now,
            exec_id=ExecutionId(exec_id) if exec_id else None,
            last_qty=qty,
            last_price=price,
            fee=fee,
            cum_qty=cum_qty,
        )
        self.core.on_report(rep)
        self.pump()
        return rep

    # -- reading -----------------------------------------------------------------

    def submits(self, symbol: Symbol | None = None) -> list[SubmitOrder]:
        return [
            c
            for c in self.sent
            if isinstance(c, SubmitOrder) and (symbol is None or c.order.symbol == symbol)
        ]

    def cancels(self) -> list[CancelOrder]:
        return [c for c in self.sent if isinstance(c, CancelOrder)]

    def last_submit(self) -> SubmitOrder:
        return self.submits()[-1]

    def position(self, symbol: Symbol = AAA) -> int:
        return self.core.portfolio.position_qty(symbol)

    def working(self, symbol: Symbol | None = None) -> list[ClientOrderId]:
        return [o.client_order_id for o in self.core.orders.working(symbol)]

    def status(self, cid: ClientOrderId) -> OrderStatus | None:
        return self.core.orders.status(cid)

    def events_of(self, kind: type[E]) -> list[E]:
        return of_type(self.core.events, kind)
