"""Issue 11, component configs: RuntimeOptions is made of one frozen config per component.

The flat names of its earlier shape (36 fields) still build it through one mapping,
``RuntimeOptions.replace_flat``; every default is the old one; no secret shows in a repr.
And a venue kind no factory serves is refused with one line naming ``venue.kind``
instead of an exception out of the run.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import pytest

from engine.config.schedule import ScheduleConfig
from engine.config.secret import SecretStr
from engine.config.secret import redact
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.runtime.app import Runtime
from engine.runtime.cli import add_parser
from engine.runtime.options import FLAT
from engine.runtime.options import RuntimeOptions
from engine.runtime.options import StoreOptions
from engine.runtime.sanity import GateConfig
from engine.venues import registry

# The defaults of the flat RuntimeOptions before the split, as they were written there.
OLD_DEFAULTS: dict[str, object] = {
    "venue_kind": "sim",
    "venue_url": None,
    "data_url": None,
    "feed": "iex",
    "key": "sim-key",
    "secret": "sim-secret",
    "sim": None,
    "strategy": "micro_momentum",
    "strategy_params": None,
    "symbols": (),
    "order": TraderConfig(),
    "risk": RiskLimits(),
    "store_url": "sqlite+aiosqlite:///var/scalpbot.db",
    "store_batch_size": 1000,
    "store_max_delay_s": 0.05,
    "http_host": "127.0.0.1",
    "http_port": 9108,
    "http_token": None,
    "log_level": "info",
    "log_json": False,
    "status_interval_s": 10.0,
    "schedule": None,
    "reconcile_interval_s": 30.0,
    "equity_snapshot_s": 60.0,
    "stale_after_s": 5.0,
    "gate": GateConfig(),
    "submit_timeout_s": 5.0,
    "shutdown_cancel_orders": True,
    "shutdown_flatten": False,
    "shutdown_timeout_s": 15.0,
    "resize_min": 0.1,
    "resize_max": 3.0,
    "config_hash": "",
    "plugins_enabled": ("telegram", "metrics"),
    "plugin_settings": {},
    "plugin_secrets": {},
    "load_plugins": True,
}
TOP = ("gate", "schedule", "config_hash")  # the names that stayed at the top


def flat(options: RuntimeOptions, name: str) -> object:
    """The value the flat option ``name`` has in ``options``."""
    if name in TOP:
        return getattr(options, name)
    part, field = FLAT[name]
    return getattr(getattr(options, part), field)


def test_every_old_flat_name_maps_and_nothing_else() -> None:
    assert set(FLAT) | set(TOP) == set(OLD_DEFAULTS)
    assert set(TOP) <= set(RuntimeOptions.__struct_fields__)
    assert len({FLAT[name] for name in FLAT}) == len(FLAT)  # no two names on one field


@pytest.mark.parametrize("name", sorted(OLD_DEFAULTS))
def test_each_default_is_the_old_one(name: str) -> None:
    assert flat(RuntimeOptions(), name) == OLD_DEFAULTS[name]


@pytest.mark.parametrize("name", sorted(OLD_DEFAULTS))
def test_replace_flat_sets_that_option_and_only_that(name: str) -> None:
    value = object()
    changed = RuntimeOptions().replace_flat(**{name: value})
    assert flat(changed, name) is value
    for other, default in OLD_DEFAULTS.items():
        if other != name:
            assert flat(changed, other) == default, other


def test_replace_flat_takes_components_and_flat_names_together() -> None:
    changed = RuntimeOptions().replace_flat(
        store=StoreOptions(url="sqlite+aiosqlite:///x.db"),
        store_batch_size=5,
        schedule=ScheduleConfig(),
    )
    assert changed.store == StoreOptions(url="sqlite+aiosqlite:///x.db", batch_size=5)
    assert changed.schedule == ScheduleConfig()


def test_an_unknown_flat_name_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="'store_path'"):
        RuntimeOptions().replace_flat(store_url="sqlite+aiosqlite:///x.db", store_path="x")


def test_no_secret_shows_in_a_repr_and_each_is_registered() -> None:
    key, secret = "AKSPLITKEY4242", "split-secret-Hh7Jj8"
    token, plugin = "split-http-token-Kk9Ll0Mm1", "split-plugin-Nn2Pp3"
    options = RuntimeOptions().replace_flat(
        key=key,
        secret=secret,
        http_token=SecretStr(token),
        plugin_secrets={"weather": {"api_key": plugin}},
    )
    shown = [options, options.venue, options.http, options.plugins]
    for thing in shown:
        for text in (repr(thing), str(thing), f"{thing}"):
            for value in (key, secret, token, plugin):
                assert value not in text, (type(thing).__name__, text)
    assert "weather" in repr(options.plugins)  # which plugin has secrets is not one
    for value in (key, secret, token, plugin):
        assert value not in redact(f"leaked {value}")


# -- an unknown venue kind -----------------------------------------------------------------


def test_scalpbot_run_refuses_a_venue_kind_no_factory_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Demonstration: the config allowed a kind the venue registry had no factory for
    (the schema and the registry are two lists); ``scalpbot run`` opened the store and
    then died with UnknownVenueError's traceback. Now: one line naming ``venue.kind``,
    the exit code of a bad config (2), and nothing started."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(registry.FACTORIES, "sim")
    for var in ("SCALPBOT_SIM_KEY", "SCALPBOT_SIM_SECRET", "SCALPBOT_HTTP_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    db = tmp_path / "bot.db"
    args = parser.parse_args(["run", "--db", f"sqlite+aiosqlite:///{db}", "--http", "127.0.0.1:0"])
    code = args.func(args)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("scalpbot run: venue.kind: "), err
    assert "'sim'" in err and "known: alpaca" in err, err
    assert not db.exists()  # refused before anything started


async def test_a_runtime_refuses_an_unknown_venue_kind_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Options built in code (not from a config) with a kind no factory serves: the run
    refuses to start (code 1, one log line naming ``venue.kind``), it does not raise."""
    options: Any = RuntimeOptions().replace_flat(
        venue_kind="binance",
        store_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        http_port=None,
        load_plugins=False,
    )
    with caplog.at_level(logging.ERROR, "scalpbot.runtime"):
        assert await Runtime(options).run() == 1
    refusals = [r.getMessage() for r in caplog.records if "refusing to start" in r.getMessage()]
    assert len(refusals) == 1 and "venue.kind: unknown venue kind 'binance'" in refusals[0]
