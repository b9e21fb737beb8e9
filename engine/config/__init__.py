"""The runtime configuration: TOML plus ``SCALPBOT__*`` environment overrides,
typed, frozen and checked for unsafe combinations before anything starts.

See docs/configuration.md for every key.
"""

from engine.config.cli import check_config, describe
from engine.config.errors import ConfigError
from engine.config.load import config_hash, load_config, read_secrets, with_overrides
from engine.config.schedule import ScheduleConfig, SessionConfig
from engine.config.schema import (
    Config,
    HttpConfig,
    LogConfig,
    Secrets,
    ShutdownConfig,
    SimConfig,
    StoreConfig,
    StrategyConfig,
    TelegramConfig,
    TelegramUser,
    VenueConfig,
)
from engine.config.secret import SecretStr

__all__ = [
    "Config",
    "ConfigError",
    "HttpConfig",
    "LogConfig",
    "ScheduleConfig",
    "SecretStr",
    "Secrets",
    "SessionConfig",
    "ShutdownConfig",
    "SimConfig",
    "StoreConfig",
    "StrategyConfig",
    "TelegramConfig",
    "TelegramUser",
    "VenueConfig",
    "check_config",
    "config_hash",
    "describe",
    "load_config",
    "read_secrets",
    "with_overrides",
]
