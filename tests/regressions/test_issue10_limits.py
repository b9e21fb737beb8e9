"""Issue 10, part A: no way around the limits (item 1), one validation for every way a
venue URL arrives (item 4), and what counts as live (Low: a loopback URL, the data URL).

Real parts wherever they exist: the runtime built from the configuration as ``scalpbot
run`` builds it, its embedded simulated venue and SQLite store, its /metrics endpoint,
the Telegram plugin against the fake Bot API, the ``scalpbot`` command itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest

from engine.config import Config
from engine.config import ConfigError
from engine.config import describe
from engine.config import load_config
from engine.config import with_overrides
from engine.config.limits import check_change
from engine.config.limits import restore
from engine.config.schema import default_risk
from engine.control import Control
from engine.control import ControlError
from engine.runtime.app import Runtime
from engine.runtime.cli import options_from_config
from engine.runtime.recovery import restore_control_state
from engine.store import create_store_engine
from engine.store import migrate
from engine.store import save_control_state
from tests.bot.conftest import ADMIN  # noqa: F401 - fixtures
from tests.bot.conftest import VIEWER
from tests.bot.conftest import Bot
from tests.bot.conftest import fake  # noqa: F401 - fixtures
from tests.bot.conftest import make_bot  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_env  # noqa: F401 - fixtures
from tests.engine.core.helpers import Harness
from tests.engine.runtime.conftest import venue  # noqa: F401 - the bot fixtures use it

KEYS = {"APCA_API_KEY_ID": "AKLIMITSTEST0001", "APCA_API_SECRET_KEY": "limits-test-secret-9"}
SCALPBOT = str(Path(sys.executable).with_name("scalpbot"))


async def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _run_bot(
    toml: Path, env: Mapping[str, str], during: Callable[[Runtime], Awaitable[None]]
) -> None:
    """``scalpbot run --config toml`` in-process: the same loading, options and runtime."""
    runtime = Runtime(options_from_config(load_config(toml, env)))
    task = asyncio.get_running_loop().create_task(runtime.run())
    try:
        await _until(lambda: bool(runtime.ready and runtime.http_port) or task.done(), 30, "ready")
        assert not task.done(), task.result()
        await during(runtime)
    finally:
        runtime.request_stop()
        assert await asyncio.wait_for(task, 30) == 0


async def _metric(runtime: Runtime, name: str) -> float:
    url = f"http://127.0.0.1:{runtime.http_port}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        body = await resp.text()
    values = [float(line.rsplit(" ", 1)[1]) for line in body.splitlines() if line.startswith(name)]
    assert len(values) == 1, body
    return values[0]


def _bot_toml(tmp_path: Path) -> Path:
    path = tmp_path / "scalpbot.toml"
    path.write_text(
        f'[store]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[http]\nlisten = "127.0.0.1:0"\n[log]\nstatus_interval_s = 0\n',
        encoding="utf-8",
    )
    return path


# -- item 1: the risk limits cannot be switched off from chat, for good ----------------------


async def test_item_01_a_limit_switched_off_from_chat_does_not_outlive_the_configuration(
    tmp_path: Path,
) -> None:
    """Demonstration: run 1 ``/setlimit daily_loss_limit 0`` (and ``1e15``) through the
    control API, saved; run 2 with ``SCALPBOT__RISK__DAILY_LOSS_LIMIT=5000`` exported
    showed ``scalpbot_daily_loss_limit 0``: the chat value had replaced the configuration's."""
    toml = _bot_toml(tmp_path)

    async def switch_off(runtime: Runtime) -> None:
        assert runtime.control is not None
        for value in ("0", "1e15"):
            with contextlib.suppress(ControlError):  # refused now; accepted before the fix
                await runtime.control.set_limit("daily_loss_limit", value, "mallory")

    async def in_force(runtime: Runtime) -> None:
        assert runtime.core is not None
        assert await _metric(runtime, "scalpbot_daily_loss_limit") == 5000
        assert runtime.core.risk.limits.daily_loss_limit == Decimal(5000)

    await _run_bot(toml, {}, switch_off)
    await _run_bot(toml, {"SCALPBOT__RISK__DAILY_LOSS_LIMIT": "5000"}, in_force)


def _shown(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


async def test_item_01_limits_and_the_log_say_which_value_is_in_force_and_why(
    make_bot: Callable[..., Any],  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Demonstration: after the restart of item 1, nothing said that the stored chat value
    had replaced the configured one; ``/limits`` only listed numbers. Now the start-up log
    and ``/limits`` say, for each limit not at its configured value, which value is in
    force and why: a stored override refused (the configuration wins), one kept (it is
    inside the configured bound), and a change made since, with who made it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_store_engine(url)
    try:
        await migrate(engine)
        # What the bot before the fix stored after "/setlimit daily_loss_limit 0", plus a
        # tighter spread limit that is still inside the configuration's bound.
        stored = {"daily_loss_limit": "0", "max_spread_bps": 10.0}
        await save_control_state(engine, "limits", stored, time.time_ns(), "mallory")
    finally:
        await engine.dispose()
    configured = msgspec.structs.replace(default_risk(), daily_loss_limit=Decimal(5000))
    caplog.set_level(logging.INFO, logger="scalpbot")
    bot: Bot = await make_bot(risk=configured)
    await bot.connected()
    assert bot.rt.core is not None and bot.rt.control is not None
    limits = bot.rt.core.risk.limits
    assert (limits.daily_loss_limit, limits.max_spread_bps) == (Decimal(5000), 10.0)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert re.search(r"daily_loss_limit = 5000 in force: configured; .*refused.*switch off", logged)
    assert re.search(r"max_spread_bps = 10.0 in force: stored override kept.*configured 25", logged)

    shown = _shown(await bot.reply(VIEWER, "/limits"))
    assert re.search(r"daily_loss_limit\s+5000\n", shown), shown
    assert re.search(r"daily_loss_limit 5000: configured; .*refused.*switch off", shown), shown
    assert re.search(r"max_spread_bps 10: stored override kept.*configured 25", shown), shown

    await bot.rt.control.set_limit("max_drawdown", "1500", "alice")
    shown = _shown(await bot.reply(VIEWER, "/limits"))
    assert re.search(r"max_drawdown 1500: set by alice.*configured 2000", shown), shown
    await bot.rt.control.set_limit("max_drawdown", "2000", "alice")  # back to the configuration
    assert "max_drawdown 2000:" not in _shown(await bot.reply(VIEWER, "/limits"))


OUT_OF_RANGE = [
    ("daily_loss_limit", "1e300"),
    ("max_order_notional", "12345678901234567890"),
    ("max_spread_bps", "1e20"),
    ("max_orders_per_window_total", "100000000000000000"),
]


@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE)
def test_item_01_every_way_a_limit_arrives_is_checked_alike(
    tmp_path: Path, name: str, value: str
) -> None:
    """Demonstration: chat refused ``/setlimit daily_loss_limit 1e300`` as out of range,
    but the same value in the file or ``SCALPBOT__RISK__...`` started the bot. One
    validation path: file, environment, chat and the start-up restore refuse it alike."""
    zero = type(getattr(default_risk(), name))(0)
    off = msgspec.structs.replace(default_risk(), **{name: zero})  # chat may switch it on
    with pytest.raises(ValueError, match="out of range"):
        check_change(off, name, value)
    restored, notes = restore(off, {name: value})
    assert restored == off and name in " ".join(notes)
    env = {f"SCALPBOT__RISK__{name.upper()}": value}
    with pytest.raises(ConfigError, match="out of range") as err:
        load_config(None, env)
    assert err.value.key == f"risk.{name}"
    toml = tmp_path / "risk.toml"
    toml.write_text(f"[risk]\n{name} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="out of range") as err:
        load_config(toml, {})
    assert err.value.key == f"risk.{name}"


def test_item_01_the_restore_applies_every_check_chat_applies() -> None:
    """Demonstration: ``/setlimit max_order_qty 0.5`` was refused (below one lot of a
    traded symbol, the gate could not honour it), but the same value stored was restored
    at start-up. The restore now runs the same checks, the core's included."""
    core = Harness(limits=default_risk()).core
    control = Control(core, None, None, None, None, None)  # type: ignore[arg-type]
    with pytest.raises(ControlError, match="lot"):
        control.check_limit("max_order_qty", "0.5")
    restore_control_state(core, {"limits": {"max_order_qty": "0.5", "max_spread_bps": 10}})
    assert core.risk.limits.max_order_qty == 0  # the configuration's: off
    assert core.risk.limits.max_spread_bps == 10  # a good override beside it is kept


# -- item 4: one validation for every way a venue URL arrives --------------------------------

LIVE = "https://api.alpaca.markets"


def _alpaca_toml(tmp_path: Path, lines: str = "", risk: str = "") -> Path:
    path = tmp_path / "alpaca.toml"
    path.write_text(f'[venue]\nkind = "alpaca"\n{lines}\n[risk]\n{risk}\n', encoding="utf-8")
    return path


def test_item_04_venue_url_flag_needs_the_explicit_limits_a_live_config_needs(
    tmp_path: Path,
) -> None:
    """Demonstration: with ``venue.allow_live = true`` and the default limits, a live URL
    in the file or ``SCALPBOT__VENUE__URL`` is refused ("risk.daily_loss_limit must be set
    explicitly"), but ``--venue-url https://api.alpaca.markets`` was accepted:
    ``with_overrides`` ran ``check_safety`` but not ``check_live_explicit``."""
    inherited = _alpaca_toml(tmp_path, "allow_live = true")
    for load in (
        lambda: load_config(_alpaca_toml(tmp_path, f'allow_live = true\nurl = "{LIVE}"'), KEYS),
        lambda: load_config(inherited, {**KEYS, "SCALPBOT__VENUE__URL": LIVE}),
        lambda: with_overrides(load_config(inherited, KEYS), venue_url=LIVE),
        lambda: load_config(inherited, KEYS, venue_url=LIVE),  # what `scalpbot run` does
    ):
        with pytest.raises(ConfigError, match="explicitly") as err:
            load()
        assert err.value.key == "risk.daily_loss_limit", str(err.value)
    explicit = _alpaca_toml(
        tmp_path, "allow_live = true", "daily_loss_limit = 300\nmax_order_notional = 900"
    )
    assert load_config(explicit, KEYS, venue_url=LIVE).venue.url == LIVE


def test_item_04_scalpbot_run_refuses_a_live_venue_url_without_explicit_limits(
    tmp_path: Path,
) -> None:
    """The same through the command line: ``scalpbot run --venue-url URL`` on a live venue
    with inherited limits exits 2 before any connection, naming the key and the flag
    source. (The URLs are closed loopback ports: nothing leaves this machine even where
    the check is missing.)"""
    closed = "http://127.0.0.1:9"  # discard; nothing listens
    config = _alpaca_toml(tmp_path, 'allow_live = true\ndata_url = "ws://127.0.0.1:9"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCALPBOT", "APCA"))}
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    argv = [SCALPBOT, "run", "--config", str(config), "--venue-url", closed,
            "--db", db, "--http", "127.0.0.1:0"]  # fmt: skip
    done = subprocess.run(
        argv, env={**env, **KEYS}, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "risk.daily_loss_limit" in done.stderr and "explicitly" in done.stderr, done.stderr
    for secret in KEYS.values():
        assert secret not in done.stderr + done.stdout


# -- Low: a loopback URL counts as "not live"; the data_url host is never checked ------------

PROXY = "http://127.0.0.1:9000"  # e.g. a local proxy that forwards to live Alpaca


def _every_way(tmp_path: Path, key: str, url: str, lines: str = "") -> list[Callable[[], Config]]:
    """Each way ``venue.<key>`` = ``url`` can arrive for an Alpaca venue: the file, the
    environment, the flag as ``scalpbot run`` applies it, and ``with_overrides``."""
    flag = "venue_url" if key == "url" else "venue_data_url"
    base = _alpaca_toml(tmp_path, lines)
    in_file = tmp_path / "in_file.toml"
    in_file.write_text(base.read_text().replace("\n", f'\n{key} = "{url}"\n', 1))
    return [
        lambda: load_config(in_file, KEYS),
        lambda: load_config(base, {**KEYS, f"SCALPBOT__VENUE__{key.upper()}": url}),
        lambda: load_config(base, KEYS, **{flag: url}),
        lambda: with_overrides(load_config(base, KEYS), **{flag: url}),
    ]


def test_low_a_loopback_url_is_live_unless_it_is_the_simulator(tmp_path: Path) -> None:
    """Demonstration: ``venue.kind = "alpaca"`` with ``url = "http://127.0.0.1:9000"`` (a
    local proxy to a live account) started without ``allow_live`` and with inherited
    limits: loopback counted as "not live" although the real keys are sent there. Only
    the simulator (``kind = "sim"``, embedded or by URL) is not live now."""
    for load in _every_way(tmp_path, "url", PROXY):
        with pytest.raises(ConfigError, match="allow_live") as err:
            load()
        assert err.value.key == "venue.url", str(err.value)
    allowed = "allow_live = true\n"
    for load in _every_way(tmp_path, "url", PROXY, allowed):
        with pytest.raises(ConfigError, match="explicitly") as err:
            load()
        assert err.value.key == "risk.daily_loss_limit", str(err.value)
    limits = "daily_loss_limit = 300\nmax_order_notional = 900"
    proxied = load_config(_alpaca_toml(tmp_path, allowed + f'url = "{PROXY}"', limits), KEYS)
    assert " LIVE " in describe(proxied)
    for sim in (load_config(None, {}), load_config(None, {"SCALPBOT__VENUE__URL": PROXY})):
        assert sim.venue.kind == "sim" and " LIVE " not in describe(sim)


def test_low_the_data_url_host_is_checked(tmp_path: Path) -> None:
    """Demonstration: with the paper trading URL, ``data_url = "wss://stream.example.com"``
    started without ``allow_live``; the market-data stream authenticates with the same
    key and secret, so they went to a host nobody checked. Now a data URL that is not
    Alpaca's market data needs ``allow_live`` (and the explicit limits of a live venue),
    however it arrives; a sim venue's data URL may not point at Alpaca."""
    other = "wss://stream.example.com"
    for load in _every_way(tmp_path, "data_url", other):
        with pytest.raises(ConfigError, match="allow_live") as err:
            load()
        assert err.value.key == "venue.data_url", str(err.value)
    for load in _every_way(tmp_path, "data_url", other, "allow_live = true\n"):
        with pytest.raises(ConfigError, match="explicitly"):
            load()
    paper = load_config(_alpaca_toml(tmp_path), KEYS)
    assert paper.venue.data_url == "wss://stream.data.alpaca.markets"
    assert " LIVE " not in describe(paper)
    with pytest.raises(ConfigError) as err:
        load_config(None, {"SCALPBOT__VENUE__DATA_URL": "wss://stream.data.alpaca.markets"})
    assert err.value.key == "venue.data_url"
