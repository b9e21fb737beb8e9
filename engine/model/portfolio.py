"""Position and account snapshots."""

from __future__ import annotations

import msgspec

from engine.model.ids import Symbol


class Position(msgspec.Struct, frozen=True):
    """Signed quantity in lots; money fields are nanos of the quote currency."""

    symbol: Symbol
    qty: int
    avg_price: float
    realized_pnl: int
    unrealized_pnl: int
    fees: int
    mark2: int = 0  # twice the marking mid, in ticks


class AccountSnapshot(msgspec.Struct, frozen=True):
    ts: int
    cash: int
    equity: int
    realized_pnl: int
    unrealized_pnl: int
    fees: int
    high_water_mark: int
    drawdown: int
    gross_exposure: int
