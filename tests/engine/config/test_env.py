"""SCALPBOT__SECTION__KEY overrides: typed, nested, and refused by name when wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.config import ConfigError
from engine.config.env import env_overrides
from engine.config.schema import Config
from tests.engine.config.conftest import Load


def test_env_overrides_take_the_fields_type(load: Load) -> None:
    config = load(
        None,
        {
            "SCALPBOT__RISK__MAX_SPREAD_BPS": "5",
            "SCALPBOT__RISK__DAILY_LOSS_LIMIT": "250.5",
            "SCALPBOT__LOG__JSON": "true",
            "SCALPBOT__STORE__BATCH_SIZE": "64",
            "SCALPBOT__STRATEGY__SYMBOLS": "AAPL, MSFT",
            "SCALPBOT__SIM__SYMBOLS": "6",
            "SCALPBOT__SIM__FAULTS__DROP": "0.1",
            "SCALPBOT__RISK__WARN_FRACTIONS": "[0.25, 0.75]",
        },
    )
    assert config.risk.max_spread_bps == 5.0
    assert config.risk.daily_loss_limit == Decimal("250.5")
    assert config.log.json is True
    assert config.store.batch_size == 64
    assert config.strategy.symbols == ("AAPL", "MSFT")
    assert config.sim.symbols == 6
    assert config.sim.faults == {"drop": "0.1"}
    assert config.risk.warn_fractions == (0.25, 0.75)


def test_nested_strategy_params_from_env(load: Load) -> None:
    config = load(
        '[strategy]\nname = "sma_cross"\n[strategy.params]\nfast = 3',
        {"SCALPBOT__STRATEGY__PARAMS__FAST": "10", "SCALPBOT__STRATEGY__PARAMS__SLOW": "40"},
    )
    assert (config.strategy.params.fast, config.strategy.params.slow) == (10, 40)


def test_env_wins_over_the_file(load: Load) -> None:
    config = load("[risk]\nmax_spread_bps = 9", {"SCALPBOT__RISK__MAX_SPREAD_BPS": "4"})
    assert config.risk.max_spread_bps == 4.0


def test_lists_of_tables_take_a_toml_array(load: Load) -> None:
    sessions = '[{name = "am", open = "09:30", close = "12:00", days = ["mon"]}]'
    config = load(None, {"SCALPBOT__SCHEDULE__SESSIONS": sessions})
    assert [s.name for s in config.schedule.sessions] == ["am"]


def test_other_variables_are_ignored(load: Load) -> None:
    assert load(None, {"SCALPBOT_DEBUG": "1", "PATH": "/bin"}) == load()


@pytest.mark.parametrize(
    ("var", "value", "key"),
    [
        ("SCALPBOT__RISK__NOPE", "1", "risk.nope"),
        ("SCALPBOT__NOPE__X", "1", "nope"),
        ("SCALPBOT__RISK__MAX_SPREAD_BPS", "wide", "risk.max_spread_bps"),
        ("SCALPBOT__RISK__DAILY_LOSS_LIMIT", "-3", "risk.daily_loss_limit"),
        ("SCALPBOT__RISK", "1", "risk"),
        ("SCALPBOT__RISK__MAX_SPREAD_BPS__X", "1", "risk.max_spread_bps.x"),
        ("SCALPBOT__RISK____X", "1", "risk..x"),
        ("SCALPBOT__STRATEGY__PARAMS__NOPE", "1", "strategy.params.nope"),
        ("SCALPBOT__STRATEGY__PARAMS__MIN_UPTICKS", "many", "strategy.params.min_upticks"),
        ("SCALPBOT__STRATEGY__NAME", "nope", "strategy.name"),
        ("SCALPBOT__SCHEDULE__TIMEZONE", "Mars/Olympus", "schedule.timezone"),
        ("SCALPBOT__SCHEDULE__SESSIONS", "[oops", "schedule.sessions"),
        ("SCALPBOT__SECRETS__ALPACA_KEY_ID", "x", "secrets.alpaca_key_id"),
        ("SCALPBOT__VENUE__KEY", "x", "venue.key"),
        ("SCALPBOT__HTTP__LISTEN", "0.0.0.0:9108", "http.listen"),
    ],
)
def test_a_bad_override_names_its_variable(load: Load, var: str, value: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(None, {var: value})
    assert info.value.key == key
    assert info.value.source == var
    assert var in str(info.value)
    assert "\n" not in str(info.value)


def test_env_overrides_builds_a_tree_and_records_origins() -> None:
    tree, origins = env_overrides(
        {"SCALPBOT__RISK__MAX_SPREAD_BPS": "5", "SCALPBOT__STRATEGY__PARAMS__FAST": "3"}, Config
    )
    assert tree == {"risk": {"max_spread_bps": "5"}, "strategy": {"params": {"fast": "3"}}}
    assert origins["strategy.params.fast"] == "SCALPBOT__STRATEGY__PARAMS__FAST"
