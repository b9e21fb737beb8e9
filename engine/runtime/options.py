"""Everything the runtime needs to start, resolved from the config and the command line.

The venue credentials and the plugins' secrets are registered with the log redactor
when the options are made, and ``repr`` shows none of them.
"""

from __future__ import annotations

import msgspec

from engine.config.schedule import ScheduleConfig
from engine.config.secret import MASK
from engine.config.secret import SecretStr
from engine.config.secret import register_all
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.runtime.sanity import GateConfig
from engine.venues.base import VenueSpec


class RuntimeOptions(msgspec.Struct, frozen=True, kw_only=True):
    venue_kind: str = "sim"  # sim (embedded unless venue_url is given) | alpaca
    venue_url: str | None = None  # an Alpaca-compatible base URL (REST, /stream, /v2/{feed})
    data_url: str | None = None  # market-data stream URL when it differs (real Alpaca)
    feed: str = "iex"
    key: str = "sim-key"
    secret: str = "sim-secret"
    sim: msgspec.Struct | None = None  # the embedded simulated venue's config (SimVenueConfig)
    strategy: str = "micro_momentum"
    strategy_params: msgspec.Struct | None = None  # None: the strategy's defaults
    symbols: tuple[str, ...] = ()
    order: TraderConfig = TraderConfig()
    risk: RiskLimits = RiskLimits()
    store_url: str = "sqlite+aiosqlite:///var/scalpbot.db"
    store_batch_size: int = 1000
    store_max_delay_s: float = 0.05
    http_host: str = "127.0.0.1"
    http_port: int | None = 9108  # None: no HTTP server
    http_token: SecretStr | None = None  # bearer token every HTTP request must carry
    log_level: str = "info"
    log_json: bool = False
    status_interval_s: float = 10.0
    schedule: ScheduleConfig | None = (
        None  # [schedule] (None = defaults); APScheduler runs for sessions/digest
    )
    reconcile_interval_s: float = 30.0
    equity_snapshot_s: float = 60.0
    stale_after_s: float = 5.0
    gate: GateConfig = GateConfig()  # the sanity gate: price band, tick time limits
    submit_timeout_s: float = 5.0
    shutdown_cancel_orders: bool = True
    shutdown_flatten: bool = False
    shutdown_timeout_s: float = 15.0
    resize_min: float = 0.1
    resize_max: float = 3.0
    config_hash: str = ""
    plugins_enabled: tuple[str, ...] = ("telegram", "metrics")  # [plugins] enabled, in order
    # Each plugin's own, by plugin name: settings (plain data) and secrets (name -> value).
    plugin_settings: dict[str, dict[str, object]] = msgspec.field(default_factory=dict)
    plugin_secrets: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)
    load_plugins: bool = True

    def __post_init__(self) -> None:
        register_all((self.key, self.secret, self.plugin_secrets))

    @property
    def venue(self) -> VenueSpec:
        """The venue's frozen config, for ``engine.venues.registry.open_venue``."""
        return VenueSpec(
            kind=self.venue_kind,
            url=self.venue_url,
            data_url=self.data_url,
            feed=self.feed,
            key=self.key,
            secret=self.secret,
            timeout_s=self.submit_timeout_s,
            stale_after_s=self.stale_after_s,
            sim=self.sim,
        )

    def __repr__(self) -> str:
        fields = []
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if name in _HIDDEN:
                value = MASK if isinstance(value, str) else {k: MASK for k in value}
            fields.append(f"{name}={value!r}")
        return f"RuntimeOptions({', '.join(fields)})"

    __str__ = __repr__


_HIDDEN = frozenset({"key", "secret", "plugin_secrets"})
