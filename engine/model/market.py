"""Market data values. Prices are ticks, sizes lots, times ns since the epoch."""

from __future__ import annotations

import msgspec

from engine.model.enums import Side
from engine.model.ids import Symbol


class Quote(msgspec.Struct, frozen=True, gc=False):
    """Top of book."""

    symbol: Symbol
    ts: int
    bid: int
    bid_size: int
    ask: int
    ask_size: int


class Trade(msgspec.Struct, frozen=True, gc=False):
    """A print; ``aggressor`` is the side that took liquidity."""

    symbol: Symbol
    ts: int
    price: int
    size: int
    aggressor: Side
    trade_id: str = ""


class BookLevel(msgspec.Struct, frozen=True, gc=False):
    price: int
    size: int


class BookUpdate(msgspec.Struct, frozen=True):
    """Depth: a full snapshot (``is_snapshot``) or a diff where size 0 removes a level.

    ``first_id``/``last_id``/``prev_id`` carry the venue's update ids for gap checks.
    """

    symbol: Symbol
    ts: int
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    is_snapshot: bool = False
    first_id: int = 0
    last_id: int = 0
    prev_id: int = 0


class Bar(msgspec.Struct, frozen=True, gc=False):
    symbol: Symbol
    ts: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    trades: int = 0


MarketEvent = Quote | Trade | BookUpdate | Bar
