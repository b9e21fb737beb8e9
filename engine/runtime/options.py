"""Everything the runtime needs to start, resolved from the config and the command line.

:class:`RuntimeOptions` is made of one frozen config per component: the venue
(:class:`~engine.venues.base.VenueSpec`), trading, the sanity gate, the store, the HTTP
server, logging, the shell's timings, the schedule, the shutdown and the plugins.
:meth:`RuntimeOptions.replace_flat` is the one mapping from the flat names of the
options' earlier shape (``venue_kind``, ``store_url``, ``http_port``, ...) to these.

The venue credentials, the HTTP token and the plugins' secrets are registered with the
log redactor when the options are made, and ``repr`` shows none of them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from engine.config.schedule import ScheduleConfig
from engine.config.secret import MASK
from engine.config.secret import SecretStr
from engine.config.secret import register_all
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.runtime.sanity import GateConfig
from engine.venues.base import VenueSpec


class TradingOptions(msgspec.Struct, frozen=True, kw_only=True):
    """What to trade and how: the strategy, the symbols, the order sizing, the limits."""

    strategy: str = "micro_momentum"
    strategy_params: msgspec.Struct | None = None  # None: the strategy's defaults
    symbols: tuple[str, ...] = ()  # (): every symbol the venue offers
    order: TraderConfig = TraderConfig()
    risk: RiskLimits = RiskLimits()
    resize_min: float = 0.1  # the bounds of the /resize factor
    resize_max: float = 3.0


class StoreOptions(msgspec.Struct, frozen=True, kw_only=True):
    """The store's URL and its writer's batching."""

    url: str = "sqlite+aiosqlite:///var/scalpbot.db"
    batch_size: int = 1000
    max_delay_s: float = 0.05


class HttpOptions(msgspec.Struct, frozen=True, kw_only=True):
    """Where /healthz, /readyz, /status (and the plugins' routes) listen."""

    host: str = "127.0.0.1"
    port: int | None = 9108  # None: no HTTP server
    token: SecretStr | None = None  # bearer token every HTTP request must carry

    def __post_init__(self) -> None:
        register_all(self.token)


class LogOptions(msgspec.Struct, frozen=True, kw_only=True):
    level: str = "info"
    json: bool = False


class TimingOptions(msgspec.Struct, frozen=True, kw_only=True):
    """How often the shell's periodic tasks run."""

    status_interval_s: float = 10.0
    reconcile_interval_s: float = 30.0
    equity_snapshot_s: float = 60.0


class ShutdownOptions(msgspec.Struct, frozen=True, kw_only=True):
    """What an orderly stop does with the open orders and positions, and for how long."""

    cancel_orders: bool = True
    flatten: bool = False
    timeout_s: float = 15.0


class PluginOptions(msgspec.Struct, frozen=True, kw_only=True):
    """``[plugins] enabled`` in order, and each plugin's own settings (plain data) and
    secrets (name -> value), by plugin name. ``repr`` shows no secret."""

    enabled: tuple[str, ...] = ("telegram", "metrics")
    settings: dict[str, dict[str, object]] = msgspec.field(default_factory=dict)
    secrets: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)
    load: bool = True  # False: no plugin starts (tests, benchmarks)

    def __post_init__(self) -> None:
        register_all(self.secrets)

    def __repr__(self) -> str:
        hidden = {name: dict.fromkeys(own, MASK) for name, own in self.secrets.items()}
        return (
            f"PluginOptions(enabled={self.enabled!r}, settings={self.settings!r}, "
            f"secrets={hidden!r}, load={self.load!r})"
        )

    __str__ = __repr__


class RuntimeOptions(msgspec.Struct, frozen=True, kw_only=True):
    """The run's options, one frozen config per component (every default as before)."""

    venue: VenueSpec = msgspec.field(default_factory=VenueSpec)
    trading: TradingOptions = TradingOptions()
    gate: GateConfig = GateConfig()  # the sanity gate: price band, tick time limits
    store: StoreOptions = StoreOptions()
    http: HttpOptions = msgspec.field(default_factory=HttpOptions)
    log: LogOptions = LogOptions()
    timing: TimingOptions = TimingOptions()
    schedule: ScheduleConfig | None = None  # [schedule] (None = defaults)
    shutdown: ShutdownOptions = ShutdownOptions()
    plugins: PluginOptions = msgspec.field(default_factory=PluginOptions)
    config_hash: str = ""

    def replace_flat(self, **changes: Any) -> RuntimeOptions:
        """A copy with ``changes`` applied, by flat name (``store_url=...``) or by
        component (``store=StoreOptions(...)``); an unknown name is a TypeError."""
        own: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            if name in self.__struct_fields__:
                own[name] = value
            elif name in FLAT:
                part, field = FLAT[name]
                parts.setdefault(part, {})[field] = value
            else:
                raise TypeError(f"RuntimeOptions has no option {name!r}")
        for part, fields in parts.items():
            base = own.get(part, getattr(self, part))
            own[part] = msgspec.structs.replace(base, **fields)
        return msgspec.structs.replace(self, **own)


FLAT: dict[str, tuple[str, str]] = {
    "venue_kind": ("venue", "kind"),
    "venue_url": ("venue", "url"),
    "data_url": ("venue", "data_url"),
    "feed": ("venue", "feed"),
    "key": ("venue", "key"),
    "secret": ("venue", "secret"),
    "sim": ("venue", "sim"),
    "submit_timeout_s": ("venue", "timeout_s"),
    "stale_after_s": ("venue", "stale_after_s"),
    "strategy": ("trading", "strategy"),
    "strategy_params": ("trading", "strategy_params"),
    "symbols": ("trading", "symbols"),
    "order": ("trading", "order"),
    "risk": ("trading", "risk"),
    "resize_min": ("trading", "resize_min"),
    "resize_max": ("trading", "resize_max"),
    "store_url": ("store", "url"),
    "store_batch_size": ("store", "batch_size"),
    "store_max_delay_s": ("store", "max_delay_s"),
    "http_host": ("http", "host"),
    "http_port": ("http", "port"),
    "http_token": ("http", "token"),
    "log_level": ("log", "level"),
    "log_json": ("log", "json"),
    "status_interval_s": ("timing", "status_interval_s"),
    "reconcile_interval_s": ("timing", "reconcile_interval_s"),
    "equity_snapshot_s": ("timing", "equity_snapshot_s"),
    "shutdown_cancel_orders": ("shutdown", "cancel_orders"),
    "shutdown_flatten": ("shutdown", "flatten"),
    "shutdown_timeout_s": ("shutdown", "timeout_s"),
    "plugins_enabled": ("plugins", "enabled"),
    "plugin_settings": ("plugins", "settings"),
    "plugin_secrets": ("plugins", "secrets"),
    "load_plugins": ("plugins", "load"),
}
"""The options' earlier flat names -> (component, field); ``gate``, ``schedule`` and
``config_hash`` kept their names at the top."""


__all__ = [
    "FLAT",
    "HttpOptions",
    "LogOptions",
    "PluginOptions",
    "RuntimeOptions",
    "ShutdownOptions",
    "StoreOptions",
    "TimingOptions",
    "TradingOptions",
]
