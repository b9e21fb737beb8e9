"""Issue 10, item 6: plugins load only when enabled in the configuration, and each gets
its own settings and its own secrets only.

Real parts: a real (tiny) installed distribution with a ``scalpbot.plugins`` entry
point, written to a temporary directory as ``<name>.dist-info`` and put on
``sys.path`` so ``importlib.metadata`` finds it exactly as it finds an installed
package; the real config loader; the real runtime on the embedded simulated venue;
the real Telegram plugin against the tests' fake Bot API; the real metrics plugin.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import AsyncIterator
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from engine.config import ConfigError
from engine.config import load_config
from engine.runtime.app import Runtime
from engine.runtime.cli import options_from_config
from tests.bot.conftest import TOKEN
from tests.bot.conftest import fake  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_env  # noqa: F401 - fixtures
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import venue  # noqa: F401
from tests.kit.fake_telegram import FakeTelegram

SPY = "scalpbot_issue10_spy"  # the module the tiny distribution installs
SIM_KEY, SIM_SECRET = "sim-key-issue10-plugins", "sim-secret-issue10-plugins"

SPY_MODULE = """
    from pathlib import Path

    Path(__file__).with_name("IMPORTED").write_text("imported")
    CONTEXTS = []


    class Spy:
        name = "spy"

        async def start(self, ctx):
            CONTEXTS.append(ctx)

        async def stop(self):
            pass


    def create():
        return Spy()
"""


def install(site: Path, dist: str, module: str, entry: str) -> None:
    """A distribution as pip leaves it: the module, and ``<dist>.dist-info`` with the
    entry point ``entry`` in the ``scalpbot.plugins`` group."""
    (site / module).mkdir(parents=True)
    (site / module / "__init__.py").write_text(textwrap.dedent(SPY_MODULE))
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"  # as pip names it
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[scalpbot.plugins]\n{entry}\n")
    (info / "top_level.txt").write_text(f"{module}\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A site directory holding the spy distribution, first on ``sys.path``."""
    where = tmp_path / "site"
    install(where, "scalpbot-issue10-spy", SPY, f"spy = {SPY}:create")
    monkeypatch.syspath_prepend(str(where))
    found = [ep for ep in entry_points(group="scalpbot.plugins") if ep.name == "spy"]
    assert [ep.value for ep in found] == [f"{SPY}:create"], "the distribution is not found"
    try:
        yield where
    finally:
        sys.modules.pop(SPY, None)


def imported(site: Path) -> bool:
    return SPY in sys.modules or (site / SPY / "IMPORTED").exists()


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "scalpbot.toml"
    path.write_text(
        textwrap.dedent(f"""
            [store]
            url = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"
            [http]
            listen = "127.0.0.1:0"
            [sim]
            seed = 5
            quote_rate = 50
            key = "{SIM_KEY}"
            secret = "{SIM_SECRET}"
            [telegram]
            enabled = true
            allowed_users = [{{ id = 111, role = "admin" }}]
        """)
        + textwrap.dedent(extra)
    )
    return path


@pytest.fixture
async def started(
    tmp_path: Path,
    fake: FakeTelegram,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Any]:
    """Start the runtime the way ``scalpbot run --config`` does (load, options, run)."""
    runs: list[Running] = []

    async def start(extra: str = "") -> Runtime:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        config = load_config(write_config(tmp_path, extra))
        run = Running(Runtime(options_from_config(config)))
        runs.append(run)
        rt = await run.ready()
        # The HTTP server starts once every plugin has started.
        await until(lambda: rt.http_port not in (None, 0), 20, "plugins started, HTTP up")
        return rt

    try:
        yield start
    finally:
        for run in runs:
            if not run.task.done():
                await run.stop()


def own_data(ctx: Any) -> list[str]:
    """Every string a plugin's context holds of its own (not the shared engine handles:
    the control API, the event bus, the HTTP app, the task spawner, the stats board)."""
    shared = {"control", "bus", "http_app", "spawn", "_board"}
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                walk(v)

    for name, value in vars(ctx).items():
        if name not in shared:
            walk(value)
    return out


SECRET_NAMES = (
    "telegram_token",
    "token",
    "alpaca_key_id",
    "alpaca_secret_key",
    "key",
    "secret",
    "sim_key",
    "sim_secret",
    "webhook_secret",
)


async def test_item_06_an_installed_plugin_not_enabled_is_never_imported(
    site: Path,
    venue: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Demonstration: a package with a ``scalpbot.plugins`` entry point, installed but
    never mentioned in the configuration, was imported and started by every run (with
    the control API, the HTTP app and every secret). Now only enabled plugins load:
    with the default configuration the spy module is never even imported."""
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    try:
        await until(lambda: rt.http_port not in (None, 0), 20, "plugins started, HTTP up")
        await until(lambda: "metrics" in [p.name for p in rt._plugins], 20, "the exporter")
        assert not imported(site)
        assert "spy" not in [p.name for p in rt._plugins]
    finally:
        assert await run.stop() == 0
    assert not imported(site)


async def test_item_06_the_metrics_plugin_never_sees_the_telegram_token_nor_venue_keys(
    started: Any,
) -> None:
    """Demonstration: the metrics plugin's context answered ``secret("telegram_token")``
    with the bot token (every plugin got every secret). Now, with Telegram enabled and
    the venue keys set, the metrics plugin's context holds neither, while the Telegram
    plugin still gets its token, and the default plugins still start (Telegram and
    the exporter, as the README's run command does today)."""
    rt = await started()
    by_name = {p.name: p for p in rt._plugins}
    assert set(by_name) == {"telegram", "metrics"}
    metrics_ctx = by_name["metrics"]._ctx
    assert metrics_ctx is not None
    for name in SECRET_NAMES:
        assert metrics_ctx.secret(name) is None, name
    held = own_data(metrics_ctx)
    for secret in (TOKEN, SIM_KEY, SIM_SECRET):
        assert not any(secret in s for s in held), "a secret in the metrics plugin's context"
    telegram_ctx = by_name["telegram"]._ctx
    assert telegram_ctx.secret("telegram_token") == TOKEN
    for secret in (SIM_KEY, SIM_SECRET):
        assert not any(secret in s for s in own_data(telegram_ctx)), "venue key for telegram"
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{rt.http_port}/metrics") as r,
    ):
        assert r.status == 200


async def test_item_06_an_enabled_plugin_gets_its_own_settings_and_no_secret(
    site: Path, started: Any
) -> None:
    """The spy, once enabled, is loaded; its context carries its own settings table
    and nothing of the other plugins' settings or secrets, nor the venue keys."""
    rt = await started(
        """
        [plugins]
        enabled = ["telegram", "metrics", "spy"]
        [plugins.settings.spy]
        colour = "green"
        """
    )
    assert imported(site)
    assert "spy" in [p.name for p in rt._plugins]
    spy = sys.modules[SPY]
    assert len(spy.CONTEXTS) == 1
    ctx = spy.CONTEXTS[0]
    assert dict(ctx.settings) == {"colour": "green"}
    for name in SECRET_NAMES:
        assert ctx.secret(name) is None, name
    held = own_data(ctx)
    for secret in (TOKEN, SIM_KEY, SIM_SECRET):
        assert not any(secret in s for s in held), "another plugin's secret in the spy's context"
    assert not any("allowed_users" in s for s in held), "Telegram's settings in the spy's"


def refused(tmp_path: Path, toml: str) -> ConfigError:
    """The error loading a config file of ``toml`` raises."""
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_config(path, {})
    return err.value


def test_item_06_an_unknown_plugin_enabled_refuses_to_start(tmp_path: Path) -> None:
    """A typo or a plugin that is not installed is refused at load, naming the key
    (rather than running silently without it)."""
    err = refused(tmp_path, '[plugins]\nenabled = ["telegram", "metrics", "nosuch"]\n')
    assert err.key == "plugins.enabled"
    assert "nosuch" in str(err)


def test_item_06_settings_for_a_plugin_not_enabled_are_refused(site: Path, tmp_path: Path) -> None:
    """Settings for a plugin that is not enabled are a mistake (fail closed): refused,
    naming the key."""
    err = refused(tmp_path, "[plugins.settings.spy]\ncolour = 'green'\n")
    assert err.key == "plugins.settings.spy"
    assert not imported(site)


def test_item_06_two_distributions_offering_one_plugin_name_are_refused(
    site: Path, tmp_path: Path
) -> None:
    """A second installed package claiming an enabled plugin's name (here the spy's)
    cannot slip in beside or instead of it: the configuration is refused, naming both
    distributions, and neither is imported."""
    install(site, "scalpbot-issue10-impostor", "scalpbot_issue10_impostor",
            "spy = scalpbot_issue10_impostor:create")  # fmt: skip
    err = refused(tmp_path, '[plugins]\nenabled = ["metrics", "spy"]\n')
    assert err.key == "plugins.enabled"
    assert "scalpbot-issue10-impostor" in str(err)
    assert "scalpbot-issue10-spy" in str(err)
    assert not imported(site) and "scalpbot_issue10_impostor" not in sys.modules
