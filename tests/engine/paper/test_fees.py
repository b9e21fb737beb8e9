from decimal import Decimal

import pytest

from engine.model import LiquiditySide
from engine.paper import FeeSchedule
from engine.paper import fee_nanos


@pytest.mark.parametrize(
    ("notional", "rate", "fee"),
    [
        (3_000_000, "0.0002", 600),
        (3_000_000, "-0.0001", -300),
        (3_000_000, "0", 0),
        (10_000, "0.00005", 0),  # 0.5 -> 0 (even)
        (30_000, "0.00005", 2),  # 1.5 -> 2
        (50_000, "0.00005", 2),  # 2.5 -> 2
        (70_000, "0.00005", 4),  # 3.5 -> 4
        (10_000, "-0.00005", 0),  # -0.5 -> 0
        (30_000, "-0.00005", -2),  # -1.5 -> -2
        (50_000, "-0.00005", -2),  # -2.5 -> -2
        (10_001, "0.00005", 1),  # 0.50005 -> 1
        (123_456_789_012_345_678_901, "0.000123456789", 15_241_578_751_714_679),
    ],
)
def test_fee_is_round_half_even_of_notional_times_rate(notional: int, rate: str, fee: int) -> None:
    assert fee_nanos(notional, Decimal(rate)) == fee


def test_schedule_picks_the_rate_by_liquidity() -> None:
    fees = FeeSchedule(Decimal("-0.0001"), Decimal("0.0004"))
    assert fees.fee(1_000_000, LiquiditySide.MAKER) == -100
    assert fees.fee(1_000_000, LiquiditySide.TAKER) == 400
