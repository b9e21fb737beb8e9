"""The market-data hot path: one data-stream frame in, sink calls with integers out.

A frame decodes in one msgspec call; each quote and trade is checked and
converted to ticks and lots with float arithmetic (exact for any value on the
grid, see :func:`protocol.to_units`). A message that is malformed, of an unknown
type, for a symbol we did not ask for, with a bad timestamp, a non-positive
price, off the tick grid, with a bad size, or crossed (bid > ask) goes to
``sink.on_decode_error(reason)`` and is dropped. A frame that does not decode
whole is salvaged message by message. No logging, one allocation per message
(msgspec's struct). A tick the sink refuses (``on_quote``/``on_trade`` returning
False: the runtime's sanity gate) is counted in ``Sym.dropped`` and is no sign of
life: ``Sym.quotes`` (what the stale watchdog watches), the last quote used for
the aggressor and FRESH all follow accepted ticks only.

Trades carry no aggressor on stock feeds: the quote rule against the last mid,
the tick rule at the mid or before any quote; crypto's ``tks`` is used when given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import InitVar
from dataclasses import dataclass
from dataclasses import field

import msgspec

from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedState
from engine.venues.alpaca.errors import stream_error
from engine.venues.alpaca.protocol import DATA_TYPES
from engine.venues.alpaca.protocol import MAX_UNITS
from engine.venues.alpaca.protocol import REL_TOLERANCE
from engine.venues.alpaca.protocol import TOLERANCE
from engine.venues.alpaca.protocol import DataCodec
from engine.venues.alpaca.protocol import DataError
from engine.venues.alpaca.protocol import DataMessage
from engine.venues.alpaca.protocol import DataQuote
from engine.venues.alpaca.protocol import DataSubscription
from engine.venues.alpaca.protocol import DataTrade
from engine.venues.alpaca.protocol import ext_ts
from engine.venues.alpaca.protocol import parse_ts
from engine.venues.alpaca.protocol import to_units
from engine.venues.base import MarketSink

Emit = Callable[[FeedState, str, str], None]


@dataclass(slots=True, eq=False)
class DataCounters:
    """What the stream has seen (read by metrics). Per-symbol counts are in ``Sym``."""

    frames: int = 0
    messages: int = 0
    connects: int = 0
    reconnects: int = 0
    stale: int = 0
    decode_errors: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True, eq=False)
class Sym:
    """Per-symbol state: grid multipliers, last accepted quote and trade, counts, staleness."""

    ins: InitVar[Instrument]
    symbol: Symbol = field(init=False)
    tpu: float = field(init=False)
    lpu: float = field(init=False)
    quotes: int = 0  # accepted by the sink (see MarketSink.on_quote)
    trades: int = 0
    dropped: int = 0  # quotes and trades the sink refused
    bid: int = 0
    ask: int = 0
    last_price: int = 0
    last_side: Side = Side.BUY
    stale: bool = False  # as the runtime was last told (DISCONNECTED = all stale)

    def __post_init__(self, ins: Instrument) -> None:
        self.symbol = ins.symbol
        self.tpu = ins.ticks_per_unit
        self.lpu = ins.lots_per_unit


@dataclass(eq=False)
class TickDecoder:
    """Decodes frames for one set of symbols and delivers to one sink."""

    codec: DataCodec
    specs: dict[str, Sym]
    sink: MarketSink
    emit: Emit
    counters: DataCounters
    subscribed: tuple[list[str], list[str]] = field(init=False)  # quotes, trades

    def __post_init__(self) -> None:
        self.subscribed = ([], [])
        self._decode = self.codec.decode
        self._on_quote = self.sink.on_quote
        self._on_trade = self.sink.on_trade

    def on_frame(self, data: bytes) -> None:
        """Decode one frame and deliver its quotes and trades; raise on an error message."""
        counters = self.counters
        counters.frames += 1
        msgs = self.decode(data)
        counters.messages += len(msgs)
        for m in msgs:
            tp = type(m)
            if tp is DataQuote:
                self._quote(m)  # type: ignore[arg-type]
            elif tp is DataTrade:
                self._trade(m)  # type: ignore[arg-type]
            elif tp is DataError:
                raise stream_error(m.code, m.msg)  # type: ignore[union-attr]
            elif tp is DataSubscription:
                self.subscribed = (m.quotes, m.trades)  # type: ignore[union-attr]

    def decode(self, data: bytes) -> list[DataMessage]:
        try:
            return self._decode(data)
        except msgspec.DecodeError:
            return self._salvage(data)

    def _salvage(self, data: bytes) -> list[DataMessage]:
        """Slow path for a frame that did not decode whole: keep its good messages."""
        codec = self.codec
        try:
            raws = codec.decode_raw(data)
        except msgspec.DecodeError:
            self.drop("malformed_frame")
            return []
        out: list[DataMessage] = []
        for raw in raws:
            try:
                out.append(codec.decode_one(raw))
            except msgspec.DecodeError:
                try:
                    known = codec.decode_tag(raw).T in DATA_TYPES
                except msgspec.DecodeError:
                    known = True
                self.drop("malformed_message" if known else "unknown_type")
        return out

    def drop(self, reason: str) -> None:
        self.counters.decode_errors[reason] += 1
        self.sink.on_decode_error(reason)

    def _quote(self, m: DataQuote) -> None:
        spec = self.specs.get(m.S)
        if spec is None:
            return self.drop("unknown_symbol")
        t = m.t
        try:
            ts = parse_ts(t) if type(t) is str else ext_ts(t)  # type: ignore[arg-type]
        except ValueError:
            return self.drop("bad_timestamp")
        # to_units() inlined for the four numbers: this is the hottest code of the bot
        tpu = spec.tpu
        x = m.bp * tpu
        y = m.ap * tpu
        if not (0.0 < x < MAX_UNITS and 0.0 < y < MAX_UNITS):
            return self.drop("bad_price")
        bid = int(x + 0.5)
        ask = int(y + 0.5)
        tx = TOLERANCE + x * REL_TOLERANCE
        ty = TOLERANCE + y * REL_TOLERANCE
        if not (-tx < x - bid < tx and -ty < y - ask < ty):
            return self.drop("off_grid")
        lpu = spec.lpu
        x = m.bs * lpu
        y = m.as_ * lpu
        if not (0.0 <= x < MAX_UNITS and 0.0 <= y < MAX_UNITS):
            return self.drop("bad_size")
        bid_size = int(x + 0.5)
        ask_size = int(y + 0.5)
        tx = TOLERANCE + x * REL_TOLERANCE
        ty = TOLERANCE + y * REL_TOLERANCE
        if not (-tx < x - bid_size < tx and -ty < y - ask_size < ty):
            return self.drop("bad_size")
        if bid > ask:
            return self.drop("crossed")
        if self._on_quote(spec.symbol, ts, bid, bid_size, ask, ask_size) is False:
            spec.dropped += 1  # the sink's sanity gate refused it: not a sign of life
            return None
        spec.quotes += 1
        spec.bid = bid
        spec.ask = ask
        if spec.stale:
            spec.stale = False
            self.emit(FeedState.FRESH, spec.symbol, "")
        return None

    def _trade(self, m: DataTrade) -> None:
        spec = self.specs.get(m.S)
        if spec is None:
            return self.drop("unknown_symbol")
        t = m.t
        try:
            ts = parse_ts(t) if type(t) is str else ext_ts(t)  # type: ignore[arg-type]
        except ValueError:
            return self.drop("bad_timestamp")
        if not m.p > 0.0:
            return self.drop("bad_price")
        price = to_units(m.p, spec.tpu)
        if price < 0:
            return self.drop("off_grid")
        size = to_units(m.s, spec.lpu)
        if size <= 0:
            return self.drop("bad_size")
        side = aggressor(spec, price, m.tks)
        if self._on_trade(spec.symbol, ts, price, size, side) is False:
            spec.dropped += 1
            return None
        spec.trades += 1
        spec.last_price = price
        spec.last_side = side
        return None


def aggressor(spec: Sym, price: int, taker: str) -> Side:
    """The venue's taker side when it says (crypto ``tks``); else the quote rule
    against the last quote's mid, and the tick rule at the mid or without a quote."""
    if taker == "B":
        return Side.BUY
    if taker == "S":
        return Side.SELL
    if spec.bid:
        twice = 2 * price
        mid2 = spec.bid + spec.ask
        if twice > mid2:
            return Side.BUY
        if twice < mid2:
            return Side.SELL
    if price > spec.last_price:
        return Side.BUY
    if price < spec.last_price:
        return Side.SELL
    return spec.last_side


def symbol_specs(instruments: dict[Symbol, Instrument], symbols: list[Symbol]) -> dict[str, Sym]:
    """Per-symbol state for ``symbols``; ValueError naming any without an instrument."""
    missing = [s for s in symbols if s not in instruments]
    if missing:
        raise ValueError(f"no instrument for {', '.join(missing)}")
    return {s: Sym(instruments[s]) for s in symbols}
