"""Per-symbol market state: last quote and trade, top of book, optional depth."""

from __future__ import annotations

from engine.core.book import Book
from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Side


class MarketState:
    """Mutable, slotted, updated in place on every tick (the hot path).

    Prices are ticks and sizes lots; ``mid2`` is bid + ask (twice the mid) so the
    mid stays an exact integer. A size of 0 means the feed did not say.
    """

    __slots__ = (
        "ask",
        "ask_size",
        "bid",
        "bid_size",
        "book",
        "instrument",
        "last_trade_price",
        "last_trade_side",
        "last_trade_size",
        "last_trade_ts",
        "mid2",
        "prev_bid",
        "quote_ts",
        "quotes",
        "symbol",
        "trades",
    )

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.symbol = instrument.symbol
        self.bid = 0
        self.ask = 0
        self.bid_size = 0
        self.ask_size = 0
        self.mid2 = 0
        self.prev_bid = 0
        self.quote_ts = 0
        self.last_trade_price = 0
        self.last_trade_size = 0
        self.last_trade_side = Side.BUY
        self.last_trade_ts = 0
        self.quotes = 0
        self.trades = 0
        self.book: Book | None = None

    def update_quote(self, ts: int, bid: int, bid_size: int, ask: int, ask_size: int) -> None:
        self.prev_bid = self.bid
        self.bid = bid
        self.ask = ask
        self.bid_size = bid_size
        self.ask_size = ask_size
        self.mid2 = bid + ask
        self.quote_ts = ts
        self.quotes += 1

    def update_trade(self, ts: int, price: int, size: int, aggressor: Side) -> None:
        self.last_trade_price = price
        self.last_trade_size = size
        self.last_trade_side = aggressor
        self.last_trade_ts = ts
        self.trades += 1

    def update_book(self, update: BookUpdate) -> bool:
        """Apply depth; returns False when a diff arrived before any snapshot."""
        if self.book is None:
            self.book = Book()
        return self.book.apply(update)

    @property
    def has_quote(self) -> bool:
        return self.mid2 > 0

    @property
    def mid(self) -> float:
        """Mid price in ticks (may end in .5)."""
        return self.mid2 / 2

    @property
    def spread(self) -> int:
        """Spread in ticks."""
        return self.ask - self.bid

    @property
    def spread_bps(self) -> float:
        if self.mid2 <= 0:
            return float("inf")
        return (self.ask - self.bid) * 20_000 / self.mid2

    def quote_age(self, now: int) -> int:
        """Nanoseconds since the last quote (a large number before the first)."""
        return now - self.quote_ts if self.quote_ts else 1 << 62
