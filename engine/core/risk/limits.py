"""Risk limits in human units, and their exact integer form for one run."""

from __future__ import annotations

import math
from decimal import Decimal

import msgspec

from engine.model import MONEY_SCALE

MONEY_LIMITS = (
    "max_order_notional",
    "max_position_notional",
    "max_gross_exposure",
    "daily_loss_limit",
    "max_drawdown",
)
# A money limit is kept in nanos, where 0 means "no limit": a non-zero one must be
# a positive whole number of nanos, and large enough that every warning fraction of
# it is still a positive amount (so it can never round to "off").
MIN_MONEY_LIMIT = Decimal("0.000001")
MONEY_DECIMALS = 9  # nanos
# Upper bounds of the limits where a higher value is safer (so "tighter" has no end
# otherwise): beyond them a limit stops trading (or never ends a cool-down) in
# practice rather than guarding it.
MAX_RATE_WINDOW_MS = 60_000
MAX_DUPLICATE_WINDOW_MS = 60_000
MAX_LOSS_COOLDOWN_S = 7 * 24 * 3600.0
MAX_BREAKER_CONFIRMATIONS = 100


def _decimals(value: Decimal) -> int:
    """Digits after the point, trailing zeros ignored (exact, without formatting)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros)) if any(digits) else 0


def limit_problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be limit ``name`` (one line, without the key), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return f"must be a finite number (got {value})"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number (got {value})"
    if value < 0:
        return f"must not be negative (got {value})"
    if name in MONEY_LIMITS and value:
        assert isinstance(value, Decimal)
        if value < MIN_MONEY_LIMIT:
            return f"must be 0 (no limit) or at least {MIN_MONEY_LIMIT:f} (got {value})"
        if _decimals(value) > MONEY_DECIMALS:
            return f"must have at most {MONEY_DECIMALS} decimals (got {value})"
    bounds: dict[str, tuple[float, float]] = {
        "rate_window_ms": (1, MAX_RATE_WINDOW_MS),
        "duplicate_window_ms": (0, MAX_DUPLICATE_WINDOW_MS),
        "loss_cooldown_s": (0, MAX_LOSS_COOLDOWN_S),
        "breaker_confirmations": (1, MAX_BREAKER_CONFIRMATIONS),
    }
    if name in bounds:
        low, high = bounds[name]
        if not low <= value <= high:
            return f"must be between {low:g} and {high:g} (got {value})"
    return None


class RiskLimits(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every limit the risk gate and breakers enforce. 0 disables a limit.

    Money limits are in the quote currency; rates are orders per ``rate_window_ms``.
    A non-zero money limit is at least ``MIN_MONEY_LIMIT`` with at most 9 decimals
    (never rounds to 0 = "no limit"); the limits where higher is safer have an upper
    bound (see :func:`limit_problem`).
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
            problem = limit_problem(name, getattr(self, name))
            if problem is not None:
                raise ValueError(f"risk.{name} {problem}")
        if any(not 0 < f < 1 for f in self.warn_fractions):
            raise ValueError("risk.warn_fractions must lie strictly between 0 and 1")


def money(value: Decimal) -> int:
    """Nanos for a money limit."""
    return int(value * MONEY_SCALE)
