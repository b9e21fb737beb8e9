"""Loading: defaults, the file, strategy parameters, the hash and flag overrides."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.config import ConfigError
from engine.config import config_hash
from engine.config import load_config
from engine.config import with_overrides
from engine.config.schema import ALPACA_DATA_URL
from engine.config.schema import ALPACA_PAPER_URL
from engine.config.schema import DEFAULT_STORE_URL
from engine.core.strategies import MicroMomentumParams
from engine.core.strategies import SmaCrossParams
from engine.core.trader import TraderConfig
from tests.engine.config.conftest import ALPACA_ENV
from tests.engine.config.conftest import ALPACA_RISK
from tests.engine.config.conftest import Load


def test_defaults_trade_the_embedded_sim_with_limits_on() -> None:
    config = load_config(None, {})
    assert config.venue.kind == "sim" and config.venue.embedded
    assert config.strategy.name == "micro_momentum"
    assert config.strategy.params == MicroMomentumParams()
    assert config.strategy.symbols == ()
    assert config.order == TraderConfig()
    risk = config.risk
    assert risk.daily_loss_limit > 0 and risk.max_order_notional > 0
    assert risk.max_spread_bps > 0 and risk.max_quote_age_ms > 0
    assert risk.max_orders_per_window_symbol > 0 and risk.max_orders_per_window_total > 0
    assert config.store.url == DEFAULT_STORE_URL
    assert config.http.listen == "127.0.0.1:9108"
    assert config.schedule.sessions == () and config.schedule.timezone == "UTC"
    assert config.shutdown.cancel_orders and not config.shutdown.flatten
    assert not config.telegram.enabled
    assert config.secrets.alpaca_key_id is None


def test_file_values_are_typed_and_merge_over_defaults(load: Load) -> None:
    config = load(
        """
        [risk]
        max_spread_bps = 5
        [order]
        qty = 2.5
        type = "limit"
        [log]
        level = "debug"
        json = true
        """
    )
    assert config.risk.max_spread_bps == 5.0
    assert config.risk.daily_loss_limit == load().risk.daily_loss_limit  # untouched default
    assert config.order.qty == Decimal("2.5") and config.order.type == "limit"
    assert config.log.level == "debug" and config.log.json


def test_a_config_is_frozen(load: Load) -> None:
    config = load()
    with pytest.raises(AttributeError):
        config.risk = config.risk  # type: ignore[misc]


def test_strategy_params_become_the_strategys_struct(load: Load) -> None:
    config = load(
        """
        [strategy]
        name = "sma_cross"
        symbols = ["AAPL", "MSFT"]
        [strategy.params]
        fast = 3
        """
    )
    assert isinstance(config.strategy.params, SmaCrossParams)
    assert config.strategy.params.fast == 3
    assert config.strategy.symbols == ("AAPL", "MSFT")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[risk]\nfoo = 1", "risk.foo"),
        ("[nope]\nx = 1", "nope"),
        ("[schedule]\n[[schedule.sessions]]\nname='a'\nopen='09:00'\nclose='10:00'\nx=1",
         "schedule.sessions[0].x"),
        ("[strategy.params]\nbogus = 1", "strategy.params.bogus"),
        ("[strategy]\nname = 'nope'", "strategy.name"),
        ("[strategy.params]\nmax_spread_ticks = 0", "strategy.params.max_spread_ticks"),
        ("[strategy.params]\nmin_upticks = 'x'", "strategy.params.min_upticks"),
        ("[risk]\ndaily_loss_limit = -1", "risk.daily_loss_limit"),
        ("[risk]\nmax_spread_bps = 'wide'", "risk.max_spread_bps"),
        ("[order]\ntype = 'iceberg'", "order.type"),
        ("[venue]\nkind = 'binance'", "venue.kind"),
        ("[venue]\nurl = 'localhost'", "venue.url"),
        ("[store]\nbatch_size = 0", "store.batch_size"),
        ("[http]\nlisten = 'nowhere'", "http.listen"),
        ("[log]\nlevel = 'loud'", "log.level"),
        ("[shutdown]\ntimeout_s = 0", "shutdown.timeout_s"),
        ("[sim]\nsymbols = 0", "sim.symbols"),
        ("[sim.faults]\nx = [1]", "sim.faults.x"),
        ("[telegram]\nallowed_users = [{id = 1, role = 'god'}]", "telegram.allowed_users[0].role"),
        ("[telegram]\nallowed_users = [{id = -5, role = 'admin'}]", "telegram.allowed_users[0].id"),
    ],
)  # fmt: skip
def test_bad_keys_and_values_are_named(load: Load, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(text)
    assert info.value.key == key
    assert str(info.value).startswith(key)
    assert "\n" not in str(info.value)


def test_unreadable_or_malformed_files_are_config_errors(tmp_path: Path, load: Load) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml", {})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load("[risk\n")


def test_sim_faults_take_scalars_as_strings(load: Load) -> None:
    config = load("[sim]\nsymbols = 4\n[sim.faults]\ndrop = 0.5\nstall = true\nmode = 'x'")
    assert config.sim.faults == {"drop": "0.5", "stall": "true", "mode": "x"}
    assert config.sim.symbols == 4


def test_alpaca_urls_default_to_paper(load: Load) -> None:
    config = load(ALPACA_RISK, ALPACA_ENV)
    assert config.venue.url == ALPACA_PAPER_URL
    assert config.venue.data_url == ALPACA_DATA_URL
    assert not config.venue.embedded


def test_config_hash_is_stable_and_tracks_settings(load: Load) -> None:
    a, b = load(), load()
    assert config_hash(a) == config_hash(b)
    assert len(config_hash(a)) == 64
    assert config_hash(load("[risk]\nmax_spread_bps = 7")) != config_hash(a)


def test_config_hash_ignores_secret_values(load: Load) -> None:
    one = load(ALPACA_RISK, ALPACA_ENV)
    two = load(ALPACA_RISK, {**ALPACA_ENV, "APCA_API_SECRET_KEY": "another-secret"})
    assert config_hash(one) == config_hash(two)


def test_with_overrides_applies_flags_and_rechecks(load: Load) -> None:
    config = load()
    changed = with_overrides(
        config,
        venue_url="http://127.0.0.1:8000",
        db_url="sqlite+aiosqlite://",
        http_listen="[::1]:0",
    )
    assert changed.venue.url == "http://127.0.0.1:8000" and not changed.venue.embedded
    assert changed.store.url == "sqlite+aiosqlite://"
    assert (changed.http.host, changed.http.port) == ("::1", 0)
    assert with_overrides(config) == config
    with pytest.raises(ConfigError, match=r"http.listen.*\(from --http\)"):
        with_overrides(config, http_listen="0.0.0.0:9108")
    with pytest.raises(ConfigError, match=r"http.listen.*\(from --http\)"):
        with_overrides(config, http_listen="9108")
    with pytest.raises(ConfigError, match=r"store.url.*password.*\(from --db\)"):
        with_overrides(config, db_url="postgresql+asyncpg://bot:hunter2@db/scalpbot")


def test_with_overrides_refuses_a_live_url_without_allow_live(load: Load) -> None:
    config = load(ALPACA_RISK, ALPACA_ENV)
    with pytest.raises(ConfigError, match=r"venue.url.*allow_live.*\(from --venue-url\)"):
        with_overrides(config, venue_url="https://api.alpaca.markets")
    assert with_overrides(config, venue_url="").venue.url == ALPACA_PAPER_URL
    with pytest.raises(ConfigError, match=r"venue.url.*allow_live.*\(from --venue-url\)"):
        with_overrides(config, venue_url="http://127.0.0.1:9000")  # a proxy may be live
    live = ALPACA_RISK.replace('kind = "alpaca"', 'kind = "alpaca"\nallow_live = true')
    local = load(
        live, ALPACA_ENV, venue_url="http://127.0.0.1:9000", venue_data_url="ws://127.0.0.1:9000"
    )
    assert (local.venue.url, local.venue.data_url) == (
        "http://127.0.0.1:9000",
        "ws://127.0.0.1:9000",
    )
    with pytest.raises(ConfigError, match=r"venue.url: must not contain credentials"):
        with_overrides(config, venue_url="https://u:pw@paper-api.alpaca.markets")
