"""The one public control API: typed methods returning frozen results.

Telegram, the HTTP endpoints, the CLI and the scheduler all call this; ``bot``
and ``monitoring`` import nothing deeper of the engine than this,
``engine.bus`` and ``engine.model``.
"""

from engine.config.schema import is_loopback
from engine.config.secret import SecretFileError
from engine.config.secret import ShortSecretError
from engine.config.secret import read_secret_file
from engine.config.secret import redact as redact_secrets
from engine.config.secret import register as register_secret
from engine.control.api import Control
from engine.control.api import ControlError
from engine.control.plugins import Plugin
from engine.control.plugins import PluginContext
from engine.control.results import ActionResult
from engine.control.results import FlattenResult
from engine.control.results import HealthReport
from engine.control.results import HistogramView
from engine.control.results import KillResult
from engine.control.results import OrderView
from engine.control.results import PnlReport
from engine.control.results import PositionView
from engine.control.results import StatusReport
from engine.control.results import SymbolOutcome
from engine.control.results import SymbolStatus
from engine.control.results import SymbolTelemetry
from engine.control.results import TelemetrySnapshot
from engine.control.results import TradeView
from engine.control.views import LiveView
from engine.control.views import RuntimeView

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
