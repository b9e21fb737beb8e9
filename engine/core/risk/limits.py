"""Risk limits in human units, and their exact integer form for one run."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from engine.model import MONEY_SCALE


class RiskLimits(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every limit the risk gate and breakers enforce. 0 disables a limit.

    Money limits are in the quote currency; rates are orders per ``rate_window_ms``.
    """

    max_order_notional: Decimal = Decimal(0)
    max_position_notional: Decimal = Decimal(0)
    max_gross_exposure: Decimal = Decimal(0)
    max_order_qty: Decimal = Decimal(0)  # in instrument units, any symbol
    max_spread_bps: float = 0.0
    price_collar_bps: float = 0.0
    max_orders_per_window_symbol: int = 0
    max_orders_per_window_total: int = 0
    rate_window_ms: int = 1000
    max_quote_age_ms: int = 0
    duplicate_window_ms: int = 0
    daily_loss_limit: Decimal = Decimal(0)
    max_drawdown: Decimal = Decimal(0)
    max_consecutive_losses: int = 0
    loss_cooldown_s: float = 0.0  # 0 = latch until reset
    breaker_confirmations: int = 1  # consecutive checks over the limit before a trip
    warn_fractions: tuple[float, ...] = (0.5, 0.8)

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            if number and value < 0:
                raise ValueError(f"risk.{name} must not be negative (got {value})")
        if self.rate_window_ms <= 0:
            raise ValueError("risk.rate_window_ms must be positive")
        if self.breaker_confirmations < 1:
            raise ValueError("risk.breaker_confirmations must be at least 1")
        if any(not 0 < f < 1 for f in self.warn_fractions):
            raise ValueError("risk.warn_fractions must lie strictly between 0 and 1")


def money(value: Decimal) -> int:
    """Nanos for a money limit."""
    return int(value * MONEY_SCALE)
