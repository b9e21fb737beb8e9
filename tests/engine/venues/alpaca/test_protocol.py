"""Alpaca wire codecs: timestamps, units, frame decoding."""

from __future__ import annotations

import contextlib
import struct
from datetime import UTC
from datetime import datetime
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.venues.alpaca.protocol import DataCodec
from engine.venues.alpaca.protocol import DataError
from engine.venues.alpaca.protocol import DataQuote
from engine.venues.alpaca.protocol import DataSubscription
from engine.venues.alpaca.protocol import DataSuccess
from engine.venues.alpaca.protocol import DataTrade
from engine.venues.alpaca.protocol import StreamCodec
from engine.venues.alpaca.protocol import ext_timestamp
from engine.venues.alpaca.protocol import ext_ts
from engine.venues.alpaca.protocol import format_ts
from engine.venues.alpaca.protocol import parse_ts
from engine.venues.alpaca.protocol import to_units
from engine.venues.alpaca.protocol import ts_ns

# 1970 .. 2200, in ns
NS = st.integers(min_value=0, max_value=7_258_118_400 * 10**9 - 1)


def reference_ns(text: str) -> int:
    """Slow and obviously right: datetime for the seconds, the digits for the rest."""
    head, _, frac = text[:-1].partition(".")
    dt = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return int(dt.timestamp()) * 10**9 + int((frac + "0" * 9)[:9] or 0)


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("2021-02-22T15:51:45.335689322Z", 1_614_009_105_335_689_322),
        ("2021-02-22T15:51:44.208Z", 1_614_009_104_208_000_000),
        ("2021-02-22T15:51:44Z", 1_614_009_104_000_000_000),
        ("2021-02-22T16:51:44.5+01:00", 1_614_009_104_500_000_000),
        ("2021-02-22T10:21:44.000000001-05:30", 1_614_009_104_000_000_001),
        ("1970-01-01T00:00:00Z", 0),
        ("2021-02-22T15:51:44.1234567891Z", 1_614_009_104_123_456_789),  # truncated
    ],
)
def test_parse_ts_known_values(text: str, ns: int) -> None:
    assert parse_ts(text) == ns


@given(NS, st.integers(min_value=0, max_value=9))
def test_parse_ts_is_exact_for_any_precision(ns: int, digits: int) -> None:
    full = format_ts(ns)
    text = full[:20] + full[20 : 20 + digits] + "Z" if digits else full[:19] + "Z"
    assert parse_ts(text) == reference_ns(text)
    assert parse_ts(full) == ns


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Z",
        "2021-02-22",
        "2021-02-22T15:51:45",
        "2021-13-22T15:51:45Z",
        "2021-02-30T15:51:45Z",
        "2021-02-22T25:51:45Z",
        "2021-02-22T15:51:45.Z",
        "2021-02-22T15:51:45.12a4Z",
        "2021-02-22T15:51:45.+1234Z",
        "2021-02-22T15:51:45.１Z",
        "２021-02-22T15:51:45Z",
        "2021-02-22T15:51:45+25:00",
        "yesterday",
    ],
)
def test_parse_ts_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ts(text)


@given(st.text(max_size=40))
def test_parse_ts_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_ts(text)


@given(NS)
def test_msgpack_timestamps_all_forms(ns: int) -> None:
    sec, nanos = divmod(ns, 10**9)
    assert ext_ts(ext_timestamp(ns)) == ns
    if sec < 2**34:
        ext64 = msgspec.msgpack.Ext(-1, struct.pack(">Q", nanos << 34 | sec))
        assert ts_ns(ext64) == ns
    if nanos == 0 and sec < 2**32:
        assert ext_ts(msgspec.msgpack.Ext(-1, struct.pack(">I", sec))) == ns


@pytest.mark.parametrize(
    "ext",
    [
        msgspec.msgpack.Ext(5, b"\0" * 8),
        msgspec.msgpack.Ext(-1, b"\0" * 5),
        msgspec.msgpack.Ext(-1, struct.pack(">Q", 1_000_000_000 << 34)),
    ],
)
def test_bad_msgpack_timestamps(ext: msgspec.msgpack.Ext) -> None:
    with pytest.raises(ValueError):
        ext_ts(ext)


INCREMENTS = ["0.01", "0.0001", "0.5", "0.25", "0.03", "1", "0.000001", "0.00000001", "5"]


@given(st.sampled_from(INCREMENTS), st.integers(min_value=0, max_value=10**12))
def test_to_units_is_exact_on_the_grid(increment: str, n: int) -> None:
    inc = Decimal(increment)
    text = str(n * inc)
    value = msgspec.json.decode(text.encode(), type=float)  # what the wire gives us
    assert to_units(value, float(1 / inc)) == n


@given(
    st.sampled_from(["0.01", "0.0001", "1"]),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=9),
)
def test_to_units_refuses_off_grid(increment: str, n: int, tenths: int) -> None:
    inc = Decimal(increment)
    value = float((n + Decimal(tenths) / 10) * inc)
    assert to_units(value, float(1 / inc)) == -1


@pytest.mark.parametrize("value", [-0.01, float("nan"), float("inf"), 1e300])
def test_to_units_refuses_non_finite_and_negative(value: float) -> None:
    assert to_units(value, 100.0) == -1


def test_data_codec_decodes_documented_messages() -> None:
    frame = (
        b'[{"T":"success","msg":"connected"},{"T":"error","code":406,"msg":"connection limit '
        b'exceeded"},{"T":"subscription","trades":["AAPL"],"quotes":["AMD"],"bars":["*"]},'
        b'{"T":"t","S":"AAPL","i":96921,"x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z",'
        b'"c":["@","I"],"z":"C"},{"T":"q","S":"AMD","bx":"U","bp":87.66,"bs":1,"ax":"Q",'
        b'"ap":87.68,"as":4,"t":"2021-02-22T15:51:45.335689322Z","c":["R"],"z":"C"}]'
    )
    ok, err, sub, trade, quote = DataCodec("json").decode(frame)
    assert ok == DataSuccess("connected") and err == DataError(406, "connection limit exceeded")
    assert sub == DataSubscription(["AAPL"], ["AMD"], ["*"])
    assert trade == DataTrade("AAPL", 126.55, 1.0, "2021-02-22T15:51:44.208Z", 96921)
    assert quote == DataQuote("AMD", 87.66, 1.0, 87.68, 4.0, "2021-02-22T15:51:45.335689322Z")


def test_msgpack_codec_keeps_timestamp_extensions_exact() -> None:
    ns = 1_614_009_105_335_689_322
    frame = msgspec.msgpack.encode(
        [{"T": "q", "S": "AMD", "bp": 87.66, "bs": 1, "ap": 87.68, "as": 4, "t": ext_timestamp(ns)}]
    )
    (quote,) = DataCodec("msgpack").decode(frame)
    assert isinstance(quote, DataQuote) and ts_ns(quote.t) == ns
    codec = DataCodec("msgpack")
    assert codec.content_type == "application/msgpack"
    assert msgspec.msgpack.decode(codec.encode({"action": "auth"})) == {"action": "auth"}


def test_stream_codec_reads_envelopes() -> None:
    codec = StreamCodec("json")
    env = codec.envelope(
        b'{"stream":"authorization","data":{"status":"authorized","action":"authenticate"}}'
    )
    assert env.stream == "authorization" and codec.auth(env.data).status == "authorized"
    env = codec.envelope(b'{"stream":"listening","data":{"streams":["trade_updates"]}}')
    assert codec.listening(env.data).streams == ["trade_updates"]
