"""Shared fixtures for the Telegram tests: the fake Bot API, and a real engine on the
simulated venue with the Telegram plugin attached to it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiohttp import web

from bot.plugin import TelegramPlugin
from engine.control import PluginContext
from engine.runtime.app import Runtime
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import venue  # noqa: F401
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.serve import HOST
from tests.kit.serve import serve
from tests.kit.wait import poller

ADMIN, TRADER, VIEWER, STRANGER = 111, 222, 333, 444
GROUP = -1001234
TOKEN = "123:ABC"
FAST = {"global_per_s": 1000, "chat_per_s": 1000, "chat_burst": 1000, "group_per_s": 1000,
        "group_burst": 1000}  # fmt: skip


def telegram_settings(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enabled": True,
        "allowed_users": [
            {"id": ADMIN, "role": "admin"},
            {"id": TRADER, "role": "trader"},
            {"id": VIEWER, "role": "viewer"},
        ],
        "token_file": "",
        "poll_timeout_s": 2,
        "request_timeout_s": 2,
        "reconnect_max_s": 0.5,
        "flush_on_stop_s": 2,
        "rate_limits": FAST,
        "commands_per_minute": 6000,  # the tests type faster than anyone
        "command_burst": 1000,
    }
    base.update(changes)
    return base


@pytest.fixture(autouse=True)
def telegram_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "TELEGRAM_API_URL",
        "TELEGRAM_ALLOWED_USERS",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_GROUP_CHAT_ID",
    ):
        monkeypatch.delenv(var, raising=False)
    # PTB 22 warns (an error under our filterwarnings) when it builds a RetryAfter unless
    # time periods are opted in as timedelta; the bot reads the period either way.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(token=TOKEN)
    await server.start()
    monkeypatch.setenv("TELEGRAM_API_URL", server.url)
    try:
        yield server
    finally:
        await server.stop()


wait_for = poller(10.0, every=0.01)  # returns what the check returned


class Bot:
    """A running engine with the Telegram plugin, and helpers to talk to it through the fake."""

    def __init__(self, run: Running, plugin: TelegramPlugin, fake: FakeTelegram) -> None:
        self.run = run
        self.rt: Runtime = run.runtime
        self.plugin = plugin
        self.fake = fake
        self.start_s = 0.0  # how long plugin.start took

    async def connected(self) -> None:
        assert self.plugin.telegram is not None
        await asyncio.wait_for(self.plugin.telegram.connected.wait(), 10)
        await wait_for(lambda: self.fake.count("getupdates") > 0, 10, "polling")

    async def say(
        self, uid: int, text: str, chat_id: int | None = None, n: int = 1, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """Send ``text`` as ``uid``; the first ``n`` messages the bot sends quoting it."""
        message = self.fake.command(uid, text, chat_id)
        got = await wait_for(
            lambda: len(self.fake.replies_to(message)) >= n and self.fake.replies_to(message),
            timeout,
            f"{n} reply to {text!r} from {uid}",
        )
        return list(got)[:n]

    async def reply(
        self, uid: int, text: str, chat_id: int | None = None, timeout: float = 10
    ) -> str:
        first = (await self.say(uid, text, chat_id, timeout=timeout))[0]
        return str(first.get("text") or first.get("caption") or "")

    async def edited(self, message: dict[str, Any], timeout: float = 10) -> str:
        """The text of ``message`` once the bot has edited it."""
        current = await wait_for(
            lambda: self.fake.current(message).get("edit_date") and self.fake.current(message),
            timeout,
            "an edit",
        )
        return str(current["text"])


def context_for(rt: Runtime, settings: dict[str, Any], http_app: Any = None) -> PluginContext:
    """The context the runtime would give a plugin, built from a running runtime's parts."""
    assert rt.control is not None and rt.live is not None and rt.core is not None
    return PluginContext(
        rt.control,
        rt.bus,
        http_app,
        settings,  # the plugin's own settings and secrets only
        {"telegram_token": TOKEN},
        rt._spawn_plugin_task,
        {"version": "test", "run_id": rt.run_id, "venue": rt.venue_name, "config_hash": ""},
        {},
    )


@pytest.fixture
async def make_bot(
    venue: Any,  # noqa: F811
    tmp_path: Path,
    fake: FakeTelegram,
) -> AsyncIterator[Callable[..., Any]]:
    """Start an engine on the simulated venue, then the plugin on it (stopped after the test)."""
    bots: list[Bot] = []

    async def make(settings: dict[str, Any] | None = None, **runtime: Any) -> Bot:
        opts = options(venue, tmp_path, load_plugins=False, http_port=None, **runtime)
        run = Running(Runtime(opts))
        rt = await run.ready()
        plugin = TelegramPlugin()
        bot = Bot(run, plugin, fake)
        bots.append(bot)
        t0 = time.monotonic()
        await plugin.start(context_for(rt, settings or telegram_settings()))
        bot.start_s = time.monotonic() - t0
        return bot

    try:
        yield make
    finally:
        for bot in bots:
            await asyncio.wait_for(bot.plugin.stop(), 15)
            if not bot.run.task.done():
                await bot.run.stop()


@pytest.fixture
async def bot(make_bot: Callable[..., Any]) -> Bot:
    b = await make_bot()
    await b.connected()
    return b


@contextlib.asynccontextmanager
async def webhook_plugin(bot: Bot) -> AsyncIterator[tuple[TelegramPlugin, str]]:
    """A second Telegram plugin on ``bot``'s runtime in webhook mode (the test sets
    TELEGRAM_WEBHOOK_URL/SECRET first), its route served on loopback; yields the plugin
    and the route's URL once it has told the fake its webhook, stops both after."""
    http = web.Application()
    plugin = TelegramPlugin()
    await plugin.start(context_for(bot.rt, telegram_settings(), http_app=http))
    runner, port = await serve(http)
    try:
        assert plugin.telegram is not None
        await plugin.telegram.connected.wait()
        await wait_for(lambda: bot.fake.webhook.get("url"), what="setWebhook")
        yield plugin, f"http://{HOST}:{port}/tg/hook"
    finally:
        await plugin.stop()
        await runner.cleanup()


__all__ = [
    "ADMIN",
    "GROUP",
    "STRANGER",
    "TOKEN",
    "TRADER",
    "VIEWER",
    "Bot",
    "msgspec",
    "telegram_settings",
    "until",
    "wait_for",
    "webhook_plugin",
]
