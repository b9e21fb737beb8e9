"""Pre-trade risk: limits, pure checks, the gate, and circuit breakers."""

from engine.core.risk.breakers import DAILY_LOSS
from engine.core.risk.breakers import DRAWDOWN
from engine.core.risk.breakers import LOSS_STREAK
from engine.core.risk.breakers import Breakers
from engine.core.risk.checks import DEFAULT_CHECKS
from engine.core.risk.checks import Check
from engine.core.risk.checks import Denial
from engine.core.risk.checks import RiskContext
from engine.core.risk.checks import opens_exposure
from engine.core.risk.gate import RiskGate
from engine.core.risk.gate import check_limits
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
