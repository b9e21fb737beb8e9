"""The runtime configuration: TOML plus ``SCALPBOT__*`` environment overrides,
typed, frozen and checked for unsafe combinations before anything starts.

See docs/configuration.md for every key.
"""

from engine.config.cli import check_config
from engine.config.cli import describe
from engine.config.errors import ConfigError
from engine.config.load import config_hash
from engine.config.load import load_config
from engine.config.load import read_secrets
from engine.config.load import with_overrides
from engine.config.schedule import ScheduleConfig
from engine.config.schedule import SessionConfig
from engine.config.schema import Config
from engine.config.schema import HttpConfig
from engine.config.schema import LogConfig
from engine.config.schema import Secrets
from engine.config.schema import ShutdownConfig
from engine.config.schema import SimConfig
from engine.config.schema import StoreConfig
from engine.config.schema import StrategyConfig
from engine.config.schema import TelegramConfig
from engine.config.schema import TelegramUser
from engine.config.schema import VenueConfig
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
