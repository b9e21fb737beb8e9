"""Exact decimal parsing on a grid, and the known-instrument table."""

from __future__ import annotations

from decimal import Decimal
from decimal import localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model import OffGridError
from engine.replay.errors import Reason
from engine.replay.errors import RowError
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.instruments import MAX_UNITS
from engine.replay.instruments import Grid
from engine.replay.instruments import UnitCache
from engine.replay.instruments import infer_instrument

INCREMENTS = [Decimal(s) for s in ("0.1", "0.01", "0.00001", "0.001", "1", "0.25", "5", "1E+1")]


def exact_units(text: str, increment: Decimal) -> int | Reason:
    """The specification: Decimal arithmetic, no floats."""
    d = Decimal(text)
    if not d.is_finite():
        return Reason.NOT_FINITE
    with localcontext() as ctx:
        ctx.prec = 1000  # exact for every value drawn here: the default 28 digits round
        q = d / increment
    if q != q.to_integral_value():
        return Reason.OFF_GRID
    return int(q) if abs(int(q)) < MAX_UNITS else Reason.OUT_OF_RANGE


def parse(grid: Grid, text: str) -> int | Reason:
    try:
        return grid.parse(text)
    except RowError as exc:
        return exc.reason


@pytest.mark.parametrize(
    ("text", "increment", "expected"),
    [
        ("61800.20", "0.1", 618002),
        ("61685.99000000", "0.01", 6168599),
        ("0.00017000", "0.00001", 17),
        ("0.000", "0.001", 0),
        ("-0.0", "0.1", 0),
        ("86.655", "0.001", 86655),
        ("1.25", "0.25", 5),
        ("61800.25", "0.1", Reason.OFF_GRID),
        ("61800.2000000000001", "0.1", Reason.OFF_GRID),  # beyond float precision
        ("1e-400", "0.1", Reason.OFF_GRID),  # underflows to 0.0 as a float
        ("1.3", "0.25", Reason.OFF_GRID),
        ("nan", "0.1", Reason.NOT_FINITE),
        ("-inf", "0.1", Reason.NOT_FINITE),
        ("1e400", "0.1", Reason.OUT_OF_RANGE),
        ("1e15", "0.1", Reason.OUT_OF_RANGE),
        ("-61800.2", "0.1", -618002),
        ("6.18002e4", "0.1", 618002),
    ],
)
def test_parse_is_exact(text: str, increment: str, expected: int | Reason) -> None:
    assert parse(Grid(Decimal(increment)), text) == expected


def test_garbage_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Grid(Decimal("0.1")).parse("abc")
    with pytest.raises(RowError) as info:
        Grid(Decimal("0.1")).parse_exact("abc")
    assert info.value.reason == Reason.MALFORMED


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.sampled_from(INCREMENTS),
)
def test_parse_agrees_with_decimal_arithmetic(value: Decimal, increment: Decimal) -> None:
    text = str(value)
    assert parse(Grid(increment), text) == exact_units(text, increment)


@given(
    st.integers(min_value=0, max_value=10**14),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(INCREMENTS),
)
def test_parse_agrees_on_plain_and_padded_decimals(
    units: int, pad: int, increment: Decimal
) -> None:
    """Strings as venues print them: the grid value, maybe with extra trailing zeros."""
    grid = Grid(increment)
    text = grid.format(units)
    padded = text + "0" * pad if "." in text else text
    assert parse(grid, padded) == units
    off = padded + "1" if "." in padded else padded + ".1"
    assert parse(grid, off) == exact_units(off, increment)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64), st.sampled_from(INCREMENTS))
def test_parse_agrees_on_float_reprs(value: float, increment: Decimal) -> None:
    text = repr(value)
    assert parse(Grid(increment), text) == exact_units(text, increment)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(INCREMENTS))
def test_format_round_trips(units: int, increment: Decimal) -> None:
    grid = Grid(increment)
    text = grid.format(units)
    assert "e" not in text.lower()
    assert Decimal(text) == units * increment
    assert grid.parse(text) == units


def test_parse_matches_instrument_ticks() -> None:
    inst = KNOWN_INSTRUMENTS[0].instrument
    grid = Grid(inst.price_increment)
    assert grid.parse("61800.2") == inst.ticks("61800.2")
    with pytest.raises(OffGridError):
        inst.ticks("61800.25")
    assert parse(grid, "61800.25") == Reason.OFF_GRID


def test_unit_cache_memoises_and_bounds_itself() -> None:
    cache = UnitCache(Grid(Decimal("0.1")), limit=4)
    assert cache["1.5"] == 15
    assert cache["1.5"] == 15
    assert len(cache) == 1
    for i in range(10):
        assert cache[f"{i}.1"] == i * 10 + 1
    assert len(cache) <= 4
    with pytest.raises(RowError):
        cache["1.55"]
    assert "1.55" not in cache


def test_grid_rejects_non_positive_increments() -> None:
    with pytest.raises(ValueError):
        Grid(Decimal(0))


@pytest.mark.parametrize(
    ("name", "venue", "tick", "lot"),
    [
        ("binance_usdm_btcusdt_20240808_quotes.csv", "BINANCE_USDM", "0.1", "0.001"),
        ("usdm_btcusdt_20240808.gz", "BINANCE_USDM", "0.1", "0.001"),
        ("binance_spot_btcusdt_20240809_trades.csv", "BINANCE_SPOT", "0.01", "0.00001"),
        ("spot_btcusdt_20240809.gz", "BINANCE_SPOT", "0.01", "0.00001"),
        ("truefx_usdjpy-ticks.csv", "TRUEFX", "0.001", "1"),
    ],
)
def test_infer_instrument_from_file_name(name: str, venue: str, tick: str, lot: str) -> None:
    known = infer_instrument(f"/some/dir/{name}")
    assert known is not None
    inst = known.instrument
    assert (inst.venue, inst.price_increment, inst.size_increment) == (
        venue,
        Decimal(tick),
        Decimal(lot),
    )


@pytest.mark.parametrize("name", ["quotes.csv", "btcusdt.csv", "usdm_spot_btcusdt.csv"])
def test_unknown_or_ambiguous_names_infer_nothing(name: str) -> None:
    assert infer_instrument(name) is None
