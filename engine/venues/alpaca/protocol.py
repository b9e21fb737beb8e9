"""Alpaca wire shapes and codecs: the market-data stream v2, trading REST v2 and
the trade_updates stream, in JSON or msgpack.

Everything Alpaca sends is decoded here into msgspec Structs; turning those into
ticks, lots and nanos is in :mod:`engine.venues.alpaca.mapping` (trading) and
:mod:`engine.venues.alpaca.data` (quotes and trades).

Timestamps are RFC 3339 strings with up to nine fractional digits (JSON), or
msgpack Timestamp extensions (msgpack mode); both become exact integer ns.
:func:`parse_ts` caches the whole-second prefix, so a tick costs a dict lookup
and one ``int()`` of the fraction; ``bench/ws_clients.py`` prints how that
compares with ``datetime.fromisoformat`` (which also drops the last three digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Literal

import msgspec
from msgspec.msgpack import Ext

Encoding = Literal["json", "msgpack"]
TimeField = str | Ext  # str in JSON, a Timestamp extension (code -1) in msgpack

# -- market data stream v2 ---------------------------------------------------------


class DataSuccess(msgspec.Struct, tag_field="T", tag="success"):
    msg: str = ""


class DataError(msgspec.Struct, tag_field="T", tag="error"):
    code: int = 0
    msg: str = ""


class DataSubscription(msgspec.Struct, tag_field="T", tag="subscription"):
    trades: list[str] = []
    quotes: list[str] = []
    bars: list[str] = []


class DataQuote(msgspec.Struct, tag_field="T", tag="q", gc=False):
    S: str
    bp: float
    bs: float
    ap: float
    as_: float = msgspec.field(name="as")
    t: TimeField


class DataTrade(msgspec.Struct, tag_field="T", tag="t", gc=False):
    S: str
    p: float
    s: float
    t: TimeField
    i: int = 0
    tks: str = ""  # taker side "B"/"S" (crypto feeds); absent for stocks


class DataBar(msgspec.Struct, tag_field="T", tag="b"):
    S: str


DataMessage = DataSuccess | DataError | DataSubscription | DataQuote | DataTrade | DataBar


class _Tagged(msgspec.Struct):
    T: str


DATA_TYPES = frozenset({"success", "error", "subscription", "q", "t", "b"})


class ActionCodec:
    """What both stream codecs share: their encoding, and client actions encoded in it."""

    __slots__ = ("encoding",)

    def __init__(self, encoding: Encoding) -> None:
        self.encoding = encoding

    def encode(self, action: dict[str, object]) -> bytes:
        if self.encoding == "msgpack":
            return msgspec.msgpack.encode(action)
        return msgspec.json.encode(action)


class DataCodec(ActionCodec):
    """Decodes data-stream frames and encodes client actions in one encoding."""

    __slots__ = ("decode", "decode_one", "decode_raw", "decode_tag")

    decode: Callable[[bytes], list[DataMessage]]
    decode_raw: Callable[[bytes], list[msgspec.Raw]]
    decode_one: Callable[[bytes], DataMessage]
    decode_tag: Callable[[bytes], _Tagged]

    def __init__(self, encoding: Encoding = "json") -> None:
        super().__init__(encoding)
        mod: Any = msgspec.msgpack if encoding == "msgpack" else msgspec.json
        self.decode = mod.Decoder(list[DataMessage]).decode
        self.decode_raw = mod.Decoder(list[msgspec.Raw]).decode
        self.decode_one = mod.Decoder(DataMessage).decode
        self.decode_tag = mod.Decoder(_Tagged).decode

    @property
    def content_type(self) -> str:
        return "application/msgpack" if self.encoding == "msgpack" else "application/json"


def auth_action(key: str, secret: str) -> dict[str, object]:
    return {"action": "auth", "key": key, "secret": secret}


def subscribe_action(symbols: list[str]) -> dict[str, object]:
    return {"action": "subscribe", "quotes": list(symbols), "trades": list(symbols)}


# -- trading REST v2 ----------------------------------------------------------------

Num = str | int | float | None  # Alpaca sends numbers as strings; be lenient about numbers


class OrderWire(msgspec.Struct):
    """The order object: the REST answer, and ``data.order`` in trade_updates."""

    id: str
    client_order_id: str
    symbol: str
    side: str
    status: str
    qty: Num = None
    filled_qty: Num = None
    filled_avg_price: Num = None
    limit_price: Num = None
    type: str | None = None
    order_type: str | None = None  # deprecated alias of ``type``
    time_in_force: str = "day"
    created_at: str | None = None
    updated_at: str | None = None
    submitted_at: str | None = None


class PositionWire(msgspec.Struct):
    symbol: str
    qty: Num
    avg_entry_price: Num = None
    side: str = "long"
    current_price: Num = None


class AccountWire(msgspec.Struct):
    cash: Num
    equity: Num
    buying_power: Num
    status: str = ""
    trading_blocked: bool = False


class AssetWire(msgspec.Struct):
    symbol: str
    tradable: bool = True
    status: str = "active"
    asset_class: str = msgspec.field(default="us_equity", name="class")
    price_increment: Num = None
    min_trade_increment: Num = None
    min_order_size: Num = None


class ErrorBody(msgspec.Struct):
    code: int = 0
    message: str = ""


class MultiStatus(msgspec.Struct):
    """One entry of a 207 answer (cancel all orders, close all positions)."""

    status: int
    id: str | None = None
    symbol: str | None = None
    body: msgspec.Raw = msgspec.Raw(b"null")


# -- trade_updates stream -------------------------------------------------------------


class StreamEnvelope(msgspec.Struct):
    stream: str
    data: msgspec.Raw = msgspec.Raw(b"null")


class AuthorizationData(msgspec.Struct):
    status: str
    action: str = ""


class ListeningData(msgspec.Struct):
    streams: list[str] = []


class TradeUpdate(msgspec.Struct):
    event: str
    order: OrderWire
    execution_id: str | None = None
    price: Num = None
    qty: Num = None
    position_qty: Num = None
    timestamp: TimeField | None = None


class StreamCodec(ActionCodec):
    """Decodes trade_updates frames (JSON in binary frames, or msgpack)."""

    __slots__ = ("auth", "envelope", "listening", "update")

    envelope: Callable[[bytes], StreamEnvelope]
    auth: Callable[[bytes | msgspec.Raw], AuthorizationData]
    listening: Callable[[bytes | msgspec.Raw], ListeningData]
    update: Callable[[bytes | msgspec.Raw], TradeUpdate]

    def __init__(self, encoding: Encoding = "json") -> None:
        super().__init__(encoding)
        mod: Any = msgspec.msgpack if encoding == "msgpack" else msgspec.json
        self.envelope = mod.Decoder(StreamEnvelope).decode
        self.auth = mod.Decoder(AuthorizationData).decode
        self.listening = mod.Decoder(ListeningData).decode
        self.update = mod.Decoder(TradeUpdate).decode


def authenticate_action(key: str, secret: str) -> dict[str, object]:
    return {"action": "authenticate", "data": {"key_id": key, "secret_key": secret}}


LISTEN_ACTION: dict[str, object] = {"action": "listen", "data": {"streams": ["trade_updates"]}}

# -- timestamps -----------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_SCALE: tuple[int, ...] = tuple(10 ** (9 - n) for n in range(10))  # digits -> ns multiplier
_SECONDS: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM:SS" -> ns since the epoch
_SECONDS_MAX = 4096
_PREFIX = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)")
_RFC3339 = re.compile(
    r"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)",
    re.ASCII,
)


def _prefix_ns(prefix: str) -> int:
    m = _PREFIX.fullmatch(prefix)
    if m is None or not prefix.isascii():
        raise ValueError(f"not an RFC 3339 timestamp: {prefix!r}")
    y, mo, d, h, mi, s = map(int, m.groups())
    seconds = (datetime(y, mo, d, h, mi, s, tzinfo=UTC) - _EPOCH) // _SECOND
    ns = seconds * 1_000_000_000
    if len(_SECONDS) >= _SECONDS_MAX:
        _SECONDS.clear()
    _SECONDS[prefix] = ns
    return ns


def parse_ts(text: str) -> int:
    """Exact ns since the epoch of an RFC 3339 timestamp; ValueError if it is not one.

    Fractions beyond nine digits are truncated (nothing finer than 1 ns exists here).
    """
    n = len(text)
    if 21 < n <= 30 and text[-1] == "Z" and text[19] == ".":
        base = _SECONDS.get(text[:19])
        if base is None:
            base = _prefix_ns(text[:19])
        frac = text[20:-1]
        if frac.isdigit() and frac.isascii():
            return base + int(frac) * _SCALE[len(frac)]
        raise ValueError(f"bad fraction in timestamp {text!r}")
    if n == 20 and text[-1] == "Z":
        base = _SECONDS.get(text[:19])
        return _prefix_ns(text[:19]) if base is None else base
    return _parse_slow(text)


def _parse_slow(text: str) -> int:
    m = _RFC3339.fullmatch(text)
    if m is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    whole, frac, zone = m.groups()
    ns = _SECONDS.get(whole) or _prefix_ns(whole)
    if frac:
        ns += int(frac[:9]) * _SCALE[min(len(frac), 9)]
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"bad offset in timestamp {text!r}")
        ns -= sign * (hours * 3600 + minutes * 60) * 1_000_000_000
    return ns


def ext_ts(ext: Ext) -> int:
    """Exact ns of a msgpack Timestamp extension (32, 64 or 96 bit forms)."""
    data = bytes(ext.data)
    size = len(data)
    if ext.code != -1:
        raise ValueError(f"msgpack extension {ext.code} is not a timestamp")
    if size == 4:
        return int.from_bytes(data, "big") * 1_000_000_000
    if size == 8:
        value = int.from_bytes(data, "big")
        nanos, seconds = value >> 34, value & 0x3_FFFF_FFFF
    elif size == 12:
        nanos = int.from_bytes(data[:4], "big")
        seconds = int.from_bytes(data[4:], "big", signed=True)
    else:
        raise ValueError(f"msgpack timestamp of {size} bytes")
    if nanos >= 1_000_000_000:
        raise ValueError("msgpack timestamp nanoseconds out of range")
    return seconds * 1_000_000_000 + nanos


def ts_ns(value: TimeField) -> int:
    """ns of a wire timestamp in either encoding; ValueError if it is not one."""
    if type(value) is str:
        return parse_ts(value)
    if type(value) is Ext:
        return ext_ts(value)
    raise ValueError(f"not a timestamp: {type(value).__name__}")


def ext_timestamp(ns: int) -> Ext:
    """The msgpack Timestamp extension (96-bit form) for ``ns`` (for fakes and tests)."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    return Ext(-1, nanos.to_bytes(4, "big") + seconds.to_bytes(8, "big", signed=True))


def format_ts(ns: int) -> str:
    """RFC 3339 with nine fractional digits, e.g. for the ``after`` query parameter."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    whole = (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{nanos:09d}Z"


# -- units on the hot path --------------------------------------------------------------

MAX_UNITS = 1e13
TOLERANCE = 1e-9  # absolute, in units
REL_TOLERANCE = 1e-15  # relative: a few ulps of the product


def to_units(value: float, per_unit: float) -> int:
    """Whole ticks (or lots) of a wire float, or -1 if negative, not finite or off grid.

    ``per_unit`` is units per 1.0 (``Instrument.ticks_per_unit``). A float decoded
    from a decimal text is within a few ulps of the exact product, so anything
    further than that from an integer is a real off-grid value.
    """
    x = value * per_unit
    if not 0.0 <= x < MAX_UNITS:
        return -1
    n = int(x + 0.5)
    if abs(x - n) > TOLERANCE + x * REL_TOLERANCE:
        return -1
    return n
