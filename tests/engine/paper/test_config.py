from decimal import Decimal

import msgspec
import pytest

from engine.paper import PaperConfig


def test_defaults_are_frictionless() -> None:
    cfg = PaperConfig()
    assert cfg.venue == "PAPER"
    assert (cfg.slippage_ticks, cfg.latency_in_ns, cfg.latency_out_ns) == (0, 0, 0)
    assert cfg.overflow == "walk"
    assert cfg.fill_on_touch is False
    assert cfg.maker_fee == cfg.taker_fee == Decimal(0)


def test_frozen() -> None:
    cfg = PaperConfig()
    with pytest.raises(AttributeError):
        cfg.slippage_ticks = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"venue": ""},
        {"venue": "a-b"},
        {"slippage_ticks": -1},
        {"latency_in_ns": -5},
        {"latency_out_ns": 1.5},
        {"overflow": "spill"},
        {"maker_fee": Decimal("NaN")},
        {"taker_fee": Decimal("0.5")},
        {"maker_fee": 0.001},
    ],
)
def test_invalid_values_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PaperConfig(**kwargs)  # type: ignore[arg-type]


def test_decodes_from_toml_like_mapping_and_rejects_unknown_keys() -> None:
    cfg = msgspec.convert(
        {"maker_fee": "-0.0001", "taker_fee": "0.0004", "overflow": "partial"}, PaperConfig
    )
    assert cfg.maker_fee == Decimal("-0.0001")
    assert cfg.overflow == "partial"
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"slipage_ticks": 1}, PaperConfig)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"overflow": "spill"}, PaperConfig)
