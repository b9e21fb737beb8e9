"""Paper venue configuration: slippage, overflow, fill rule, fees and latency."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec

Overflow = Literal["walk", "partial"]
"""What a taking order does beyond the displayed liquidity.

``"walk"`` fills the remainder at successively worse ticks past the last known
level, each holding as much as that level did; ``"partial"`` fills only what is
displayed and cancels (IOC-style) or rests (GTC/DAY limit) the rest.
"""

_MAX_ABS_FEE_RATE = Decimal("0.1")


class PaperConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the paper venue fills; frozen, validated on construction and decode.

    Fee rates are fractions of notional (``Decimal("0.0002")`` = 2 bps); a
    negative rate is a rebate. Latencies are simulated nanoseconds: an order
    reaches the venue ``latency_in_ns`` after it is submitted, and a report
    reaches the client ``latency_out_ns`` after the venue event.
    """

    venue: str = "PAPER"
    slippage_ticks: int = 0
    overflow: Overflow = "walk"
    fill_on_touch: bool = False
    maker_fee: Decimal = Decimal(0)
    taker_fee: Decimal = Decimal(0)
    latency_in_ns: int = 0
    latency_out_ns: int = 0

    def __post_init__(self) -> None:
        if not self.venue or not self.venue.isalnum():
            raise ValueError(f"paper venue name must be non-empty alphanumeric: {self.venue!r}")
        for name in ("slippage_ticks", "latency_in_ns", "latency_out_ns"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"paper {name} must be a non-negative integer: {value!r}")
        if self.overflow not in ("walk", "partial"):
            raise ValueError(f"paper overflow must be 'walk' or 'partial': {self.overflow!r}")
        for name in ("maker_fee", "taker_fee"):
            rate = getattr(self, name)
            if not isinstance(rate, Decimal) or not rate.is_finite():
                raise ValueError(f"paper {name} must be a finite Decimal: {rate!r}")
            if abs(rate) >= _MAX_ABS_FEE_RATE:
                raise ValueError(f"paper {name} {rate} is implausible (|rate| >= 10%)")
