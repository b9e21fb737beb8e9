"""Pre-trade risk: limits, pure checks, the gate, and circuit breakers."""

from engine.core.risk.breakers import DAILY_LOSS, DRAWDOWN, LOSS_STREAK, Breakers
from engine.core.risk.checks import (
    DEFAULT_CHECKS,
    Check,
    Denial,
    RiskContext,
    opens_exposure,
)
from engine.core.risk.gate import RiskGate, check_limits
from engine.core.risk.limits import RiskLimits

__all__ = [
    "DAILY_LOSS",
    "DEFAULT_CHECKS",
    "DRAWDOWN",
    "LOSS_STREAK",
    "Breakers",
    "Check",
    "Denial",
    "RiskContext",
    "RiskGate",
    "RiskLimits",
    "check_limits",
    "opens_exposure",
]
