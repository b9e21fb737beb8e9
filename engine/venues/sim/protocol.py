"""Alpaca wire shapes the simulated venue speaks: times, numbers, market-data messages.

Market data (stream v2) carries prices and sizes as JSON numbers and ``t`` as
an RFC 3339 string with nanoseconds (a msgpack Timestamp ext in msgpack mode).
Every server message is an array; a frame is built from individually encoded
elements, so one element encoding serves every connection and both JSON and
msgpack arrays are just a header plus the concatenated elements.
"""

from __future__ import annotations

import re
import struct
import time
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from engine.model import Instrument
from engine.model import Quote
from engine.model import Symbol
from engine.model import Trade
from engine.replay.instruments import Grid

JSON_ENCODER = msgspec.json.Encoder()
MSGPACK_ENCODER = msgspec.msgpack.Encoder()
MSGPACK_CONTENT_TYPE = "application/msgpack"

_TS64 = struct.Struct(">Q")
_TS96 = struct.Struct(">IQ")
_sec_cache: list[Any] = [-1, ""]


def rfc3339(ns: int) -> str:
    """``2024-08-09T00:34:15.088169167Z`` for nanoseconds since the epoch."""
    sec, frac = divmod(ns, 1_000_000_000)
    cache = _sec_cache
    if sec != cache[0]:
        cache[0] = sec
        cache[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return f"{cache[1]}.{frac:09d}Z"


def rfc3339_or_none(ns: int) -> str | None:
    return rfc3339(ns) if ns else None


def rfc3339_seconds(ns: int) -> str:
    """``2024-08-09T00:34:00Z`` (whole seconds, as bar times are)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // 1_000_000_000))


_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_time(text: str) -> int:
    """Nanoseconds for an RFC 3339 time (any fraction up to ns) or a date; ValueError if bad."""
    m = _TIME.match(text.strip())
    if m is None:
        raise ValueError(f"invalid time {text!r}")
    day, clock, frac, zone = m.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    dt = datetime.fromisoformat(f"{day}T{clock or '00:00:00'}{zone}")
    if dt.tzinfo is None:  # pragma: no cover - zone is always set above
        dt = dt.replace(tzinfo=UTC)
    whole = int(dt.timestamp()) * 1_000_000_000
    return whole + (int(frac.ljust(9, "0")) if frac else 0)


def msgpack_timestamp(ns: int) -> msgspec.msgpack.Ext:
    """A msgpack Timestamp extension (type -1) with nanosecond precision."""
    sec, frac = divmod(ns, 1_000_000_000)
    if 0 <= sec < 1 << 34:
        return msgspec.msgpack.Ext(-1, _TS64.pack(frac << 34 | sec))
    return msgspec.msgpack.Ext(-1, _TS96.pack(frac, sec))  # pragma: no cover - far dates


def plain(d: Decimal) -> str:
    """A decimal without exponent or trailing zeros (``Decimal("1E+2")`` -> ``"100"``)."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def error_body(code: int, message: str) -> bytes:
    """Alpaca's REST error body ``{"code":N,"message":".."}``."""
    return JSON_ENCODER.encode({"code": code, "message": message})


class Units:
    """Exact conversions between one instrument's ticks/lots and wire numbers."""

    __slots__ = ("_pscale", "_pstep", "_sscale", "_sstep", "instrument", "price", "qty")

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.price = Grid(instrument.price_increment)
        self.qty = Grid(instrument.size_increment)
        self._pstep, self._pscale = _ratio(instrument.price_increment)
        self._sstep, self._sscale = _ratio(instrument.size_increment)

    def price_num(self, ticks: int) -> float:
        """The price as the nearest float (its shortest repr is the exact decimal)."""
        return ticks * self._pstep / self._pscale

    def size_num(self, lots: int) -> int | float:
        """The size as an int for whole-unit lots, else the nearest float."""
        if self._sscale == 1:
            return lots * self._sstep
        return lots * self._sstep / self._sscale

    def price_str(self, ticks: int) -> str:
        return self.price.format(ticks)

    def qty_str(self, lots: int) -> str:
        return plain(Decimal(self.qty.format(lots)))

    def avg_price_str(self, cost: int, lots: int) -> str | None:
        """Average price of ``cost`` tick-lots over ``lots`` (None when nothing filled)."""
        if not lots:
            return None
        inc = self.instrument.price_increment
        return plain((Decimal(cost) * inc / lots).quantize(inc / 10_000))

    def money_str(self, nanos: int) -> str:
        """Money nanos as a decimal string with at most 9 decimals."""
        return plain(Decimal(nanos).scaleb(-9))


def _ratio(increment: Decimal) -> tuple[int, int]:
    exponent = increment.as_tuple().exponent
    assert isinstance(exponent, int)
    digits = max(0, -exponent)
    return int(increment.scaleb(digits)), 10**digits


# -- market data stream v2 -------------------------------------------------------


class WireQuote(msgspec.Struct, gc=False):
    T: str
    S: str
    bx: str
    bp: float
    bs: int | float
    ax: str
    ap: float
    as_: int | float = msgspec.field(name="as")
    t: Any = ""
    c: tuple[str, ...] = ("R",)
    z: str = "C"


class WireTrade(msgspec.Struct, gc=False):
    T: str
    S: str
    i: int
    x: str
    p: float
    s: int | float
    t: Any
    c: tuple[str, ...] = ("@",)
    z: str = "C"


class WireBar(msgspec.Struct, gc=False):
    T: str
    S: str
    o: float
    h: float
    l: float  # noqa: E741 - Alpaca's field name
    c: float
    v: int | float
    t: Any
    n: int
    vw: float


def control(message: dict[str, Any], msgpack: bool) -> bytes:
    """A control message alone in its array (``success``, ``error``, ``subscription``)."""
    return MSGPACK_ENCODER.encode([message]) if msgpack else JSON_ENCODER.encode([message])


def data_error(code: int, msg: str, msgpack: bool) -> bytes:
    return control({"T": "error", "code": code, "msg": msg}, msgpack)


def json_array(parts: list[bytes]) -> bytes:
    """A JSON array from encoded elements."""
    return b"[" + b",".join(parts) + b"]"


def msgpack_array(parts: list[bytes]) -> bytes:
    """A msgpack array from encoded elements."""
    n = len(parts)
    if n < 16:
        head = bytes((0x90 | n,))
    elif n < 1 << 16:
        head = b"\xdc" + n.to_bytes(2, "big")
    else:
        head = b"\xdd" + n.to_bytes(4, "big")
    return head + b"".join(parts)


class DataCodec:
    """Encodes market events as stream v2 elements, JSON or msgpack."""

    def __init__(self, instruments: list[Instrument], exchange_code: str = "V") -> None:
        self.units = {i.symbol: Units(i) for i in instruments}
        self.x = exchange_code
        self._json = JSON_ENCODER.encode
        self._msgpack = MSGPACK_ENCODER.encode

    def quote(self, q: Quote, msgpack: bool) -> bytes:
        u = self.units[q.symbol]
        t = msgpack_timestamp(q.ts) if msgpack else rfc3339(q.ts)
        x = self.x
        wire = WireQuote(
            "q",
            q.symbol,
            x,
            u.price_num(q.bid),
            u.size_num(q.bid_size),
            x,
            u.price_num(q.ask),
            u.size_num(q.ask_size),
            t,
        )
        return self._msgpack(wire) if msgpack else self._json(wire)

    def trade(self, tr: Trade, seq: int, msgpack: bool) -> bytes:
        u = self.units[tr.symbol]
        t = msgpack_timestamp(tr.ts) if msgpack else rfc3339(tr.ts)
        wire = WireTrade("t", tr.symbol, seq, self.x, u.price_num(tr.price), u.size_num(tr.size), t)
        return self._msgpack(wire) if msgpack else self._json(wire)

    def bar(self, bar: MinuteBar, msgpack: bool) -> bytes:
        u = self.units[bar.symbol]
        t: Any = msgpack_timestamp(bar.start) if msgpack else rfc3339_seconds(bar.start)
        vwap = bar.notional / bar.volume if bar.volume else float(bar.close)
        wire = WireBar(
            "b",
            bar.symbol,
            u.price_num(bar.open),
            u.price_num(bar.high),
            u.price_num(bar.low),
            u.price_num(bar.close),
            u.size_num(bar.volume),
            t,
            bar.trades,
            round(u.price_num(1) * vwap, 9),
        )
        return self._msgpack(wire) if msgpack else self._json(wire)


class MinuteBar:
    """One symbol's bar under construction (ticks and lots)."""

    __slots__ = ("close", "high", "low", "notional", "open", "start", "symbol", "trades", "volume")

    def __init__(self, symbol: Symbol, start: int, price: int) -> None:
        self.symbol = symbol
        self.start = start
        self.open = self.high = self.low = self.close = price
        self.volume = 0
        self.notional = 0
        self.trades = 0

    def add(self, price: int, size: int) -> None:
        if price > self.high:
            self.high = price
        elif price < self.low:
            self.low = price
        self.close = price
        self.volume += size
        self.notional += price * size
        self.trades += 1
