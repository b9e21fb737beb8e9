"""Positions, FIFO lots, realized and unrealized P&L, fees, cash and equity.

All money is integer nanos; prices ticks; quantities lots. Positions are
marked at the mid (``mid2`` = bid + ask, so half-ticks stay exact).
"""

from __future__ import annotations

from collections import deque

from engine.model import AccountSnapshot
from engine.model import Fill
from engine.model import Instrument
from engine.model import Position
from engine.model import Side
from engine.model import Symbol
from engine.model.events import RoundTripClosed


class _Book:
    """One symbol's position: signed FIFO lots and the current round trip."""

    __slots__ = (
        "cost",
        "fees",
        "instrument",
        "lots",
        "mark2",
        "mpl",
        "qty",
        "realized",
        "trip_entry_notional",
        "trip_entry_qty",
        "trip_entry_ts",
        "trip_exit_notional",
        "trip_exit_qty",
        "trip_fees",
        "trip_mae",
        "trip_max_qty",
        "trip_mfe",
        "trip_realized",
        "value",
    )

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.mpl = instrument.money_per_tick_lot
        self.qty = 0
        self.lots: deque[list[int]] = deque()  # [signed qty, price ticks]
        self.cost = 0  # sum of signed qty * price over open lots, tick-lots
        self.realized = 0
        self.fees = 0
        self.mark2 = 0
        self.value = 0  # marked value of the position, nanos
        self._reset_trip(0)

    def _reset_trip(self, ts: int) -> None:
        self.trip_entry_ts = ts
        self.trip_realized = 0
        self.trip_fees = 0
        self.trip_mae = 0
        self.trip_mfe = 0
        self.trip_max_qty = 0
        self.trip_entry_qty = 0
        self.trip_entry_notional = 0
        self.trip_exit_qty = 0
        self.trip_exit_notional = 0

    @property
    def unrealized(self) -> int:
        return self.value - self.cost * self.mpl


class Portfolio:
    """The account: cash plus marked positions, with a high-water mark.

    ``apply`` books a fill and returns the realized P&L it closed (before fees)
    and any round trip it completed; ``mark`` revalues one symbol at a new mid.
    """

    def __init__(self, instruments: list[Instrument], cash: int) -> None:
        self._books = {i.symbol: _Book(i) for i in instruments}
        self.cash = cash
        self.start_cash = cash
        self.realized = 0
        self.fees = 0
        self._value_total = 0
        self.high_water_mark = cash
        self.max_drawdown = 0  # deepest fall from the high-water mark so far, nanos
        self.day_start_equity = cash
        self.day_start_ts = 0
        self.last_ts = 0

    # -- hot path ---------------------------------------------------------------

    def mark(self, symbol: Symbol, mid2: int) -> None:
        """Revalue ``symbol``'s position at mid = mid2 / 2 (cheap when flat)."""
        b = self._books[symbol]
        b.mark2 = mid2
        if b.qty:
            value = b.qty * mid2 * b.mpl // 2
            self._value_total += value - b.value
            b.value = value
            unreal = value - b.cost * b.mpl
            if unreal < b.trip_mae:
                b.trip_mae = unreal
            elif unreal > b.trip_mfe:
                b.trip_mfe = unreal
            equity = self.cash + self._value_total
            hwm = self.high_water_mark
            if equity > hwm:
                self.high_water_mark = equity
            elif hwm - equity > self.max_drawdown:
                self.max_drawdown = hwm - equity

    @property
    def equity(self) -> int:
        return self.cash + self._value_total

    @property
    def drawdown(self) -> int:
        return self.high_water_mark - self.cash - self._value_total

    @property
    def day_pnl(self) -> int:
        return self.cash + self._value_total - self.day_start_equity

    # -- fills --------------------------------------------------------------------

    def apply(self, fill: Fill) -> tuple[int, RoundTripClosed | None]:
        """Book a fill FIFO; return (realized P&L before fees, closed round trip).

        A fill that takes the position through flat closes the old round trip and
        opens a new one; its fee is split between them by quantity.
        """
        b = self._books[fill.symbol]
        mpl = b.mpl
        signed = fill.qty if fill.side is Side.BUY else -fill.qty
        self.cash -= signed * fill.price * mpl + fill.fee
        self.fees += fill.fee
        b.fees += fill.fee
        old = b.qty
        if old == 0:
            b._reset_trip(fill.ts)
        realized, remaining = _close_lots(b, signed, fill.price)
        closed = fill.qty - abs(remaining)
        if closed:
            b.trip_exit_qty += closed
            b.trip_exit_notional += closed * fill.price
        new = old + signed
        b.qty = new
        b.realized += realized
        self.realized += realized * mpl
        b.trip_realized += realized
        fee_close = fill.fee * closed // fill.qty
        b.trip_fees += fee_close
        trip: RoundTripClosed | None = None
        if old and (new == 0 or (new > 0) != (old > 0)):
            trip = self._close_trip(b, fill, 1 if old > 0 else -1)
        b.trip_fees += fill.fee - fee_close
        if remaining:
            b.lots.append([remaining, fill.price])
            b.cost += remaining * fill.price
            b.trip_entry_qty += abs(remaining)
            b.trip_entry_notional += abs(remaining) * fill.price
        b.trip_max_qty = max(b.trip_max_qty, abs(new))
        self._revalue(b)
        self.last_ts = fill.ts
        return realized * mpl, trip

    def _close_trip(self, b: _Book, fill: Fill, sign: int) -> RoundTripClosed:
        entry_px = b.trip_entry_notional / b.trip_entry_qty if b.trip_entry_qty else 0.0
        exit_px = b.trip_exit_notional / b.trip_exit_qty if b.trip_exit_qty else 0.0
        trip = RoundTripClosed(
            ts=fill.ts,
            symbol=fill.symbol,
            entry_ts=b.trip_entry_ts,
            qty=b.trip_max_qty * sign,
            entry_price=entry_px,
            exit_price=exit_px,
            pnl=b.trip_realized * b.mpl - b.trip_fees,
            fees=b.trip_fees,
            mae=min(b.trip_mae, 0),
            mfe=max(b.trip_mfe, 0),
        )
        b._reset_trip(fill.ts)
        return trip

    def _revalue(self, b: _Book) -> None:
        value = b.qty * b.mark2 * b.mpl // 2 if b.mark2 else b.cost * b.mpl
        self._value_total += value - b.value
        b.value = value
        equity = self.cash + self._value_total
        hwm = self.high_water_mark
        if equity > hwm:
            self.high_water_mark = equity
        elif hwm - equity > self.max_drawdown:
            self.max_drawdown = hwm - equity

    # -- day and snapshots -----------------------------------------------------------

    def start_day(self, ts: int = 0) -> None:
        """Start a new trading day: day P&L counts from the current equity."""
        self.day_start_equity = self.equity
        self.day_start_ts = ts

    def carry(self, symbol: Symbol, realized: int, fees: int) -> None:
        """Add the realized P&L (nanos, before fees) and fees of fills not replayed:
        start-up replays each symbol's fills from its last flat position only, and the
        running totals must still count every fill ever booked."""
        b = self._books[symbol]
        b.realized += realized // b.mpl
        b.fees += fees
        self.realized += realized
        self.fees += fees

    def position_qty(self, symbol: Symbol) -> int:
        return self._books[symbol].qty

    def avg_price(self, symbol: Symbol) -> float:
        b = self._books[symbol]
        return b.cost / b.qty if b.qty else 0.0

    def position(self, symbol: Symbol) -> Position:
        b = self._books[symbol]
        return Position(
            symbol,
            b.qty,
            self.avg_price(symbol),
            b.realized * b.mpl,
            b.unrealized,
            b.fees,
            b.mark2,
        )

    def positions(self) -> list[Position]:
        return [self.position(s) for s in self._books]

    def open_positions(self) -> list[Position]:
        return [self.position(s) for s, b in self._books.items() if b.qty]

    def lots(self, symbol: Symbol) -> list[tuple[int, int]]:
        """Open FIFO lots as (signed qty, price ticks), oldest first."""
        return [(q, p) for q, p in self._books[symbol].lots]

    @property
    def unrealized(self) -> int:
        return sum(b.unrealized for b in self._books.values())

    @property
    def gross_exposure(self) -> int:
        return sum(abs(b.value) for b in self._books.values())

    def snapshot(self, ts: int) -> AccountSnapshot:
        return AccountSnapshot(
            ts=ts,
            cash=self.cash,
            equity=self.equity,
            realized_pnl=self.realized,
            unrealized_pnl=self.unrealized,
            fees=self.fees,
            high_water_mark=self.high_water_mark,
            drawdown=self.drawdown,
            gross_exposure=self.gross_exposure,
        )


def _close_lots(b: _Book, signed: int, price: int) -> tuple[int, int]:
    """Consume opposite-signed lots FIFO; return (realized tick-lots, unmatched qty)."""
    realized = 0
    remaining = signed
    lots = b.lots
    while remaining and lots and (lots[0][0] > 0) != (remaining > 0):
        lot = lots[0]
        take = min(abs(lot[0]), abs(remaining))
        lot_sign = 1 if lot[0] > 0 else -1
        realized += (price - lot[1]) * take * lot_sign
        b.cost -= lot_sign * take * lot[1]
        lot[0] -= lot_sign * take
        remaining += lot_sign * take
        if lot[0] == 0:
            lots.popleft()
    return realized, remaining
