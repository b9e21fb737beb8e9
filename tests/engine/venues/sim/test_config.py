"""SimVenueConfig and SymbolSpec: frozen, validated, with a useful default market."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from engine.venues.sim import DEFAULT_SYMBOLS
from engine.venues.sim import SimVenueConfig
from engine.venues.sim import SymbolSpec
from engine.venues.sim import synthetic_symbols


def test_defaults() -> None:
    config = SimVenueConfig()
    assert (config.key, config.secret) == ("sim-key", "sim-secret")
    assert config.starting_cash_nanos == 100_000 * 10**9
    assert config.max_data_connections == 1
    grids = {(s.price_increment, s.size_increment) for s in config.symbols}
    assert (Decimal("0.01"), Decimal(1)) in grids and (Decimal("0.1"), Decimal("0.001")) in grids
    with pytest.raises(AttributeError):
        config.seed = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": ""}, "key and secret"),
        ({"quote_rate": 0}, "quote_rate"),
        ({"speed": -1}, "speed"),
        ({"starting_cash": Decimal("-1")}, "starting_cash"),
        ({"symbols": (), "data_files": ()}, "synthetic symbols or a data file"),
        ({"symbols": DEFAULT_SYMBOLS[:1] * 2}, "unique"),
        ({"max_data_connections": 0}, "max_data_connections"),
        ({"auth_timeout": 0}, "auth_timeout"),
    ],
)
def test_invalid_configs(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimVenueConfig(**change)  # type: ignore[arg-type]


def test_decoding_rejects_unknown_keys() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"seed": 1, "sede": 2}, SimVenueConfig)
    assert msgspec.convert({"seed": 5, "faults": {"rest_5xx": 0.1}}, SimVenueConfig).seed == 5


def test_symbol_specs_are_validated() -> None:
    with pytest.raises(ValueError, match="10 ticks"):
        SymbolSpec(
            symbol="X",
            price_increment=Decimal("1"),
            size_increment=Decimal("1"),
            start_price=Decimal("5"),
        )
    with pytest.raises(ValueError):
        SymbolSpec(
            symbol="X",
            price_increment=Decimal("0.01"),
            size_increment=Decimal("1"),
            start_price=Decimal("100.005"),
        )


def test_synthetic_symbols_for_benchmarks() -> None:
    specs = synthetic_symbols(200)
    assert len({s.symbol for s in specs}) == 200
    assert specs[:5] == DEFAULT_SYMBOLS
    for spec in specs:
        spec.instrument().ticks(spec.start_price)  # on grid
    with pytest.raises(ValueError):
        synthetic_symbols(0)
