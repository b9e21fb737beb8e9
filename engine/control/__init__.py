"""The one public control API: typed methods returning frozen results.

Telegram, the HTTP endpoints, the CLI and the scheduler all call this; ``bot``
and ``monitoring`` import nothing deeper of the engine than this,
``engine.bus`` and ``engine.model``.
"""

from engine.config.schema import is_loopback
from engine.config.secret import SecretFileError, ShortSecretError, read_secret_file
from engine.config.secret import redact as redact_secrets
from engine.config.secret import register as register_secret
from engine.control.api import Control, ControlError
from engine.control.plugins import Plugin, PluginContext
from engine.control.results import (
    ActionResult,
    FlattenResult,
    HealthReport,
    HistogramView,
    KillResult,
    OrderView,
    PnlReport,
    PositionView,
    StatusReport,
    SymbolOutcome,
    SymbolStatus,
    SymbolTelemetry,
    TelemetrySnapshot,
    TradeView,
)
from engine.control.views import LiveView, RuntimeView

__all__ = [
    "ActionResult",
    "Control",
    "ControlError",
    "FlattenResult",
    "HealthReport",
    "HistogramView",
    "KillResult",
    "LiveView",
    "OrderView",
    "Plugin",
    "PluginContext",
    "PnlReport",
    "PositionView",
    "RuntimeView",
    "SecretFileError",
    "ShortSecretError",
    "StatusReport",
    "SymbolOutcome",
    "SymbolStatus",
    "SymbolTelemetry",
    "TelemetrySnapshot",
    "TradeView",
    "is_loopback",
    "read_secret_file",
    "redact_secrets",
    "register_secret",
]
