"""Wire helpers: RFC 3339 times, msgpack timestamps, exact decimal strings, arrays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model import Instrument
from engine.model import Symbol
from engine.venues.sim.protocol import Units
from engine.venues.sim.protocol import json_array
from engine.venues.sim.protocol import msgpack_array
from engine.venues.sim.protocol import msgpack_timestamp
from engine.venues.sim.protocol import parse_time
from engine.venues.sim.protocol import plain
from engine.venues.sim.protocol import rfc3339

BTC = Instrument(
    symbol=Symbol("BTCUSD"), price_increment=Decimal("0.1"), size_increment=Decimal("0.001")
)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FUT = Instrument(symbol=Symbol("FUT"), price_increment=Decimal("0.25"), size_increment=Decimal(1))


def test_rfc3339_keeps_nanoseconds() -> None:
    assert rfc3339(1_723_161_255_088_169_167) == "2024-08-08T23:54:15.088169167Z"
    assert rfc3339(1_723_161_255_000_000_001) == "2024-08-08T23:54:15.000000001Z"


@given(st.integers(min_value=0, max_value=4_000_000_000 * 10**9))
def test_parse_time_inverts_rfc3339(ns: int) -> None:
    assert parse_time(rfc3339(ns)) == ns


def test_parse_time_forms() -> None:
    assert parse_time("2024-08-09") == 1_723_161_600 * 10**9
    assert parse_time("2024-08-09T00:00:00+02:00") == (1_723_161_600 - 7200) * 10**9
    assert parse_time("2024-08-09T00:00:00.5Z") == 1_723_161_600 * 10**9 + 500_000_000
    with pytest.raises(ValueError):
        parse_time("yesterday")


@given(st.integers(min_value=0, max_value=(1 << 34) * 10**9 - 1))
def test_msgpack_timestamp_is_the_standard_extension(ns: int) -> None:
    ext = msgpack_timestamp(ns)
    data = bytes(ext.data)
    assert ext.code == -1 and len(data) == 8  # timestamp 64
    packed = int.from_bytes(data, "big")
    assert (packed & ((1 << 34) - 1)) * 10**9 + (packed >> 34) == ns
    decoded = msgspec.msgpack.decode(msgspec.msgpack.encode(ext))  # a standard reader agrees
    micros = (decoded - EPOCH) // dt.timedelta(microseconds=1)
    assert abs(micros * 1000 - ns) <= 500  # it rounds to microseconds


def test_units_are_exact() -> None:
    btc, fut = Units(BTC), Units(FUT)
    assert btc.price_num(600001) == 60000.1
    assert btc.size_num(7) == 0.007
    assert fut.price_num(20001) == 5000.25
    assert fut.size_num(3) == 3 and isinstance(fut.size_num(3), int)
    assert (btc.price_str(600001), btc.qty_str(1500), btc.qty_str(-2)) == (
        "60000.1",
        "1.5",
        "-0.002",
    )
    assert btc.avg_price_str(3000009, 5) is not None
    assert btc.avg_price_str(0, 0) is None
    assert plain(Decimal("1E+2")) == "100" and plain(Decimal("-0.000")) == "0"


@given(st.integers(min_value=1, max_value=10**12))
def test_price_numbers_print_as_the_exact_decimal(ticks: int) -> None:
    units = Units(BTC)
    assert Decimal(repr(units.price_num(ticks))) == BTC.price(ticks)


@pytest.mark.parametrize("n", [0, 1, 15, 16, 300, 70_000])
def test_arrays_from_encoded_elements(n: int) -> None:
    items = list(range(n))
    json_parts = [msgspec.json.encode(i) for i in items]
    msgpack_parts = [msgspec.msgpack.encode(i) for i in items]
    assert msgspec.json.decode(json_array(json_parts)) == items
    assert msgspec.msgpack.decode(msgpack_array(msgpack_parts)) == items
