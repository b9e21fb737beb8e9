"""The market-data hot path: frames to integer ticks, and garbage to counted errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedState
from engine.venues.alpaca.errors import AlpacaAuthError
from engine.venues.alpaca.errors import ConnectionLimitError
from engine.venues.alpaca.errors import ReconnectError
from engine.venues.alpaca.protocol import DataCodec
from engine.venues.alpaca.protocol import Encoding
from engine.venues.alpaca.protocol import ext_timestamp
from engine.venues.alpaca.protocol import format_ts
from engine.venues.alpaca.ticks import DataCounters
from engine.venues.alpaca.ticks import TickDecoder
from engine.venues.alpaca.ticks import aggressor
from engine.venues.alpaca.ticks import symbol_specs
from tests.engine.venues.alpaca.conftest import Sink
from tests.engine.venues.alpaca.conftest import equity

GRIDS = [("0.01", "1"), ("0.0001", "1"), ("0.5", "0.001"), ("1", "0.00000001"), ("0.05", "10")]


def decoder(
    instruments: dict[Symbol, Any], encoding: Encoding = "json"
) -> tuple[TickDecoder, Sink]:
    sink = Sink()
    specs = symbol_specs(instruments, list(instruments))
    emitted: list[tuple[FeedState, str, str]] = []
    dec = TickDecoder(
        DataCodec(encoding),
        specs,
        sink,
        lambda *a: emitted.append(a),
        DataCounters(),
    )
    return dec, sink


def wire_number(units: int, increment: str) -> float:
    """What Alpaca puts on the wire: the decimal value, as a JSON number."""
    return msgspec.json.decode(str(units * Decimal(increment)).encode(), type=float)


quote_values = st.tuples(
    st.integers(1, 10**9),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**7),
    st.integers(0, 4 * 10**18),
)


@settings(max_examples=300)
@given(
    st.sampled_from(GRIDS),
    st.lists(quote_values, min_size=1, max_size=8),
    st.sampled_from(["json", "msgpack"]),
)
def test_any_valid_quote_round_trips_to_ticks_and_lots(
    grid: tuple[str, str], quotes: list[tuple[int, int, int, int, int]], encoding: Encoding
) -> None:
    tick, lot = grid
    ins = equity("XYZ", tick, lot)
    dec, sink = decoder({ins.symbol: ins}, encoding)
    msgs = []
    for bid, spread, bs, asz, ns in quotes:
        stamp: Any = ext_timestamp(ns) if encoding == "msgpack" else format_ts(ns)
        msgs.append(
            {
                "T": "q",
                "S": "XYZ",
                "bp": wire_number(bid, tick),
                "bs": wire_number(bs, lot),
                "ap": wire_number(bid + spread, tick),
                "as": wire_number(asz, lot),
                "t": stamp,
                "c": ["R"],
                "z": "C",
            }
        )
    pack = msgspec.msgpack.encode if encoding == "msgpack" else msgspec.json.encode
    dec.on_frame(pack(msgs))
    assert sink.errors == []
    assert sink.quotes == [
        ("XYZ", ns, bid, bs, bid + spread, asz) for bid, spread, bs, asz, ns in quotes
    ]


@given(
    st.sampled_from(GRIDS), st.integers(1, 10**9), st.integers(1, 10**7), st.integers(0, 4 * 10**18)
)
def test_any_valid_trade_round_trips(grid: tuple[str, str], price: int, size: int, ns: int) -> None:
    tick, lot = grid
    ins = equity("XYZ", tick, lot)
    dec, sink = decoder({ins.symbol: ins})
    dec.on_frame(
        msgspec.json.encode(
            [
                {
                    "T": "t",
                    "S": "XYZ",
                    "i": 1,
                    "x": "V",
                    "p": wire_number(price, tick),
                    "s": wire_number(size, lot),
                    "t": format_ts(ns),
                    "c": ["@"],
                    "z": "C",
                    "tks": "S",
                }
            ]
        )
    )
    assert sink.trades == [("XYZ", ns, price, size, Side.SELL)]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["T", "S", "bp", "ap", "bs", "as", "t", "p", "s", "x"])
            | st.text(max_size=3),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {"T": st.sampled_from(["q", "t", "b", "success", "subscription", "zz"]) | st.text(max_size=2)},
    optional={
        "S": st.sampled_from(["AAPL", "MSFT"]) | json_values,
        "bp": json_values | st.floats(),
        "ap": json_values | st.floats(),
        "bs": json_values,
        "as": json_values,
        "p": json_values | st.floats(),
        "s": json_values,
        "t": json_values | st.just("2024-01-01T00:00:00.5Z"),
        "msg": json_values,
        "quotes": json_values,
    },
)


@settings(max_examples=200)
@given(
    st.lists(message_like | json_values, max_size=6) | json_values,
    st.sampled_from(["json", "msgpack"]),
)
def test_garbage_is_only_ever_a_counted_decode_error(frame: Any, encoding: Encoding) -> None:
    dec, sink = decoder({Symbol("AAPL"): equity("AAPL")}, encoding)
    pack = msgspec.msgpack.encode if encoding == "msgpack" else msgspec.json.encode
    dec.on_frame(pack(frame))
    delivered = len(sink.quotes) + len(sink.trades)
    assert sum(dec.counters.decode_errors.values()) == len(sink.errors)
    assert delivered + len(sink.errors) <= max(1, len(frame) if isinstance(frame, list) else 1)
    for q in sink.quotes:
        assert all(type(v) is int for v in q[1:]) and q[2] <= q[4]


@given(st.binary(max_size=64), st.sampled_from(["json", "msgpack"]))
def test_random_bytes_never_raise(data: bytes, encoding: Encoding) -> None:
    dec, sink = decoder({Symbol("AAPL"): equity("AAPL")}, encoding)
    try:
        dec.on_frame(data)
    except (ReconnectError, AlpacaAuthError):  # a valid error message, however unlikely
        return
    assert not sink.quotes and not sink.trades


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (402, AlpacaAuthError),
        (406, ConnectionLimitError),
        (407, ReconnectError),
        (500, ReconnectError),
    ],
)
def test_error_messages_mid_stream_raise(code: int, error: type[Exception]) -> None:
    dec, _ = decoder({Symbol("AAPL"): equity("AAPL")})
    with pytest.raises(error):
        dec.on_frame(msgspec.json.encode([{"T": "error", "code": code, "msg": "x"}]))


def test_aggressor_quote_rule_then_tick_rule() -> None:
    spec = symbol_specs({Symbol("A"): equity("A")}, [Symbol("A")])["A"]
    assert aggressor(spec, 100, "") is Side.BUY  # uptick from nothing
    spec.last_price, spec.last_side = 100, Side.BUY
    assert aggressor(spec, 99, "") is Side.SELL
    spec.bid, spec.ask = 100, 104
    assert aggressor(spec, 103, "") is Side.BUY and aggressor(spec, 101, "") is Side.SELL
    assert aggressor(spec, 102, "") is Side.BUY  # at the mid: tick rule (102 > 100)
    assert aggressor(spec, 101, "B") is Side.BUY  # the venue's word wins
