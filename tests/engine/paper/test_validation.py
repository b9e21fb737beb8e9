from typing import cast

import pytest

from engine.model import Order
from engine.model import OrderType
from engine.model import Side
from engine.model import TimeInForce
from engine.paper.validation import rejection_reason
from tests.engine.paper.stubs import INSTRUMENT
from tests.engine.paper.stubs import limit
from tests.engine.paper.stubs import order


@pytest.mark.parametrize(
    ("new_order", "duplicate", "reason"),
    [
        (limit("a", Side.BUY, 1, 100), False, ""),
        (order("a", Side.SELL, 3), False, ""),
        (order("a", Side.SELL, 3, price=-7), False, ""),  # a market order's price is ignored
        (limit("a", Side.BUY, 1, 100), True, "duplicate_client_order_id"),
        (order("a", Side.BUY, 0), False, "invalid_qty"),
        (order("a", Side.BUY, cast(int, 2.0)), False, "invalid_qty"),
        (limit("a", Side.BUY, 1, 0), False, "invalid_price"),
        (limit("a", Side.BUY, 1, cast(int, 100.5)), False, "off_grid_price"),
        (
            order("a", Side.BUY, 1, OrderType.POST_ONLY, TimeInForce.FOK, 100),
            False,
            "post_only_requires_gtc_or_day",
        ),
        (order("a", Side.BUY, 1, OrderType.POST_ONLY, TimeInForce.DAY, 100), False, ""),
    ],
)
def test_rejection_reason(new_order: Order, duplicate: bool, reason: str) -> None:
    assert rejection_reason(new_order, INSTRUMENT, duplicate) == reason


def test_unknown_symbol() -> None:
    assert rejection_reason(order("a", Side.BUY, 1), None, False) == "unknown_symbol"
