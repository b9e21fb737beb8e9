"""Reader for raw Binance captures: ``<local ns> <combined-stream JSON>`` per line.

Handles the combined-stream wrappers ``{"stream": ..., "data": ...}`` of
``<symbol>@bookTicker`` (-> Quote), ``<symbol>@trade`` (-> Trade) and
``<symbol>@depth...`` (``depthUpdate`` -> BookUpdate diff), for USD-M futures and
spot alike, plus REST depth snapshots ``{"lastUpdateId": ..., "bids": ..., "asks": ...}``
(-> BookUpdate snapshot). Other streams are counted as ``unsupported``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

import msgspec

from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.errors import RowError
from engine.replay.errors import quote_problem
from engine.replay.errors import snapshot_problem
from engine.replay.errors import trade_problem
from engine.replay.files import Pathish
from engine.replay.files import clip
from engine.replay.files import open_bytes
from engine.replay.instruments import UnitCache
from engine.replay.instruments import unit_caches
from engine.replay.lines import Layout
from engine.replay.lines import read_lines

_Levels = list[tuple[str, str]]
_LINE_START = re.compile(rb"\d+ \{")


class _Envelope(msgspec.Struct):
    """A line's JSON: a combined-stream wrapper, or a REST depth snapshot."""

    stream: str = ""
    data: msgspec.Raw = msgspec.Raw(b"")
    last_update_id: int = msgspec.field(default=0, name="lastUpdateId")
    bids: _Levels = msgspec.field(default_factory=list)
    asks: _Levels = msgspec.field(default_factory=list)


class _BookTicker(msgspec.Struct):
    symbol: str = msgspec.field(name="s")
    bid: str = msgspec.field(name="b")
    bid_qty: str = msgspec.field(name="B")
    ask: str = msgspec.field(name="a")
    ask_qty: str = msgspec.field(name="A")


class _Trade(msgspec.Struct):
    symbol: str = msgspec.field(name="s")
    trade_id: int = msgspec.field(name="t")
    price: str = msgspec.field(name="p")
    qty: str = msgspec.field(name="q")
    buyer_is_maker: bool = msgspec.field(name="m")


class _Depth(msgspec.Struct):
    symbol: str = msgspec.field(name="s")
    first_id: int = msgspec.field(name="U")
    last_id: int = msgspec.field(name="u")
    bids: _Levels = msgspec.field(name="b")
    asks: _Levels = msgspec.field(name="a")
    prev_id: int = msgspec.field(default=0, name="pu")


_decode_envelope = msgspec.json.Decoder(_Envelope).decode
_decode_ticker = msgspec.json.Decoder(_BookTicker).decode
_decode_trade = msgspec.json.Decoder(_Trade).decode
_decode_depth = msgspec.json.Decoder(_Depth).decode

_QUOTE, _TRADE, _DEPTH, _OTHER = range(4)


def _stream_kind(stream: str) -> int:
    name = stream.partition("@")[2]
    if name == "bookTicker":
        return _QUOTE
    if name == "trade":
        return _TRADE
    if name == "depth" or name.startswith("depth@"):
        return _DEPTH
    return _OTHER


class _Decoder:
    """Turns one line into an event, raising RowError for a bad one."""

    __slots__ = ("kinds", "price", "size", "symbol", "wire_symbol")

    def __init__(self, instrument: Instrument, wire_symbol: str) -> None:
        self.symbol: Symbol = instrument.symbol
        self.wire_symbol = wire_symbol
        self.price, self.size = unit_caches(instrument)
        self.kinds: dict[str, int] = {}

    def event(self, line: bytes) -> Quote | Trade | BookUpdate:
        ts_text, _, body = line.partition(b" ")
        ts = int(ts_text)
        if ts < 0:
            raise RowError(Reason.MALFORMED)
        env = _decode_envelope(body)
        if not env.stream:
            if env.last_update_id <= 0:
                raise RowError(Reason.UNSUPPORTED)
            return self._book(ts, env.bids, env.asks, True, 0, env.last_update_id, 0)
        kind = self.kinds.get(env.stream)
        if kind is None:
            kind = self.kinds[env.stream] = _stream_kind(env.stream)
        if kind == _QUOTE:
            return self._quote(ts, _decode_ticker(env.data))
        if kind == _TRADE:
            return self._trade(ts, _decode_trade(env.data))
        if kind == _DEPTH:
            d = _decode_depth(env.data)
            self._check_symbol(d.symbol)
            return self._book(ts, d.bids, d.asks, False, d.first_id, d.last_id, d.prev_id)
        raise RowError(Reason.UNSUPPORTED)

    def _check_symbol(self, symbol: str) -> None:
        if symbol != self.wire_symbol:
            raise RowError(Reason.UNKNOWN_SYMBOL)

    def _quote(self, ts: int, m: _BookTicker) -> Quote:
        self._check_symbol(m.symbol)
        price, size = self.price, self.size
        bid, ask, bid_size, ask_size = price[m.bid], price[m.ask], size[m.bid_qty], size[m.ask_qty]
        if not (0 < bid < ask and bid_size >= 0 and ask_size >= 0):
            raise RowError(quote_problem(ts, bid, bid_size, ask, ask_size))
        return Quote(self.symbol, ts, bid, bid_size, ask, ask_size)

    def _trade(self, ts: int, m: _Trade) -> Trade:
        self._check_symbol(m.symbol)
        px, qty = self.price[m.price], self.size[m.qty]
        if not (px > 0 and qty > 0):
            raise RowError(trade_problem(ts, px, qty))
        aggressor = Side.SELL if m.buyer_is_maker else Side.BUY
        return Trade(self.symbol, ts, px, qty, aggressor, str(m.trade_id))

    def _book(
        self,
        ts: int,
        bids: _Levels,
        asks: _Levels,
        is_snapshot: bool,
        first_id: int,
        last_id: int,
        prev_id: int,
    ) -> BookUpdate:
        bid_levels = _levels(bids, self.price, self.size)
        ask_levels = _levels(asks, self.price, self.size)
        if is_snapshot and bid_levels and ask_levels:
            best_bid = max(lv.price for lv in bid_levels)
            problem = snapshot_problem(best_bid, min(lv.price for lv in ask_levels))
            if problem is not None:
                raise RowError(problem)
        return BookUpdate(
            self.symbol, ts, bid_levels, ask_levels, is_snapshot, first_id, last_id, prev_id
        )


def _levels(raw: _Levels, price: UnitCache, size: UnitCache) -> tuple[BookLevel, ...]:
    levels = tuple([BookLevel(price[p], size[q]) for p, q in raw])
    for lv in levels:
        if lv.price <= 0:
            raise RowError(Reason.BAD_PRICE)
        if lv.size < 0:
            raise RowError(Reason.BAD_SIZE)
    return levels


def read_binance_raw(
    path: Pathish,
    instrument: Instrument,
    rejects: RejectCounter | None = None,
    wire_symbol: str | None = None,
) -> Iterator[Quote | Trade | BookUpdate]:
    """Events from a raw Binance capture, in file order; the event time is the local ns.

    Messages whose ``s`` is not ``wire_symbol`` (default: the instrument's symbol)
    are counted as ``unknown_symbol``. Spot diffs carry no ``pu``: ``prev_id`` is 0.
    """
    wire = instrument.symbol if wire_symbol is None else wire_symbol
    return read_lines(path, RAW_LAYOUT, lambda: _Decoder(instrument, wire).event, rejects)


def _begin(path: Pathish, fh: Iterator[bytes]) -> tuple[int, Iterator[bytes]]:
    """The first line is a row too: check its shape and put it back."""
    first = next(fh, b"")
    if not first:
        raise DataError(path, 1, "empty file")
    if not _LINE_START.match(first):
        got = clip(first.decode("utf-8", "replace"))
        raise DataError(path, 1, f"not a '<ns> <json>' Binance capture: {got!r}")
    return 1, chain((first,), fh)


RAW_LAYOUT = Layout(open_bytes, _begin)
