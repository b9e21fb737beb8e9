"""Instruments convert exactly between decimals and ticks, lots and money nanos."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model import IdFactory
from engine.model import Instrument
from engine.model import OffGridError
from engine.model import Symbol
from engine.model import decimal_to_money
from engine.model import money_to_decimal

BTC = Instrument(
    symbol=Symbol("BTCUSDT"), price_increment=Decimal("0.1"), size_increment=Decimal("0.001")
)


def test_ticks_and_lots_are_exact():
    assert BTC.ticks("61800.20") == 618002
    assert BTC.lots("2.507") == 2507
    assert BTC.price(618002) == Decimal("61800.2")
    assert BTC.qty(2507) == Decimal("2.507")
    assert BTC.money_per_tick_lot == 100_000  # 0.1 * 0.001 = 0.0001 = 100,000 nanos
    assert BTC.notional(618002, 1000) == decimal_to_money("61800.2")


@pytest.mark.parametrize("bad", ["61800.25", "nan", "inf", "abc", ""])
def test_off_grid_or_garbage_prices_are_refused(bad: str):
    with pytest.raises(OffGridError):
        BTC.ticks(bad)


def test_an_instrument_finer_than_the_money_unit_is_refused():
    with pytest.raises(ValueError, match="finer than the money unit"):
        Instrument(
            symbol=Symbol("X"), price_increment=Decimal("1e-8"), size_increment=Decimal("1e-8")
        )


def test_non_positive_increments_are_refused():
    with pytest.raises(ValueError, match="positive"):
        Instrument(symbol=Symbol("X"), price_increment=Decimal(0), size_increment=Decimal(1))


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_round_trips_through_decimal(nanos: int):
    assert decimal_to_money(money_to_decimal(nanos)) == nanos


@given(st.integers(min_value=1, max_value=10**9))
def test_price_round_trips_through_ticks(ticks: int):
    assert BTC.ticks(BTC.price(ticks)) == ticks


def test_client_order_ids_are_unique_and_carry_the_run():
    ids = IdFactory("sb", "run7")
    issued = [ids.next_client_order_id() for _ in range(1000)]
    assert len(set(issued)) == 1000
    assert issued[0] == "sb-run7-1"
    assert all(len(i) <= 48 for i in issued)  # Alpaca's client_order_id limit
    with pytest.raises(ValueError):
        IdFactory("s-b")
