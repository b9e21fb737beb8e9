"""The plugin's life: not configured, refused, found by entry point, webhook mode, shutdown."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.plugin import TelegramPlugin
from bot.settings import SettingsError
from engine.runtime.app import Runtime
from tests.bot.conftest import ADMIN
from tests.bot.conftest import TOKEN
from tests.bot.conftest import TRADER
from tests.bot.conftest import Bot
from tests.bot.conftest import context_for
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.bot.conftest import webhook_plugin
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.fake_telegram import plain_text


async def test_not_configured_does_nothing(make_bot, fake: FakeTelegram) -> None:
    bot: Bot = await make_bot({"enabled": False, "allowed_users": [], "token_file": ""})
    assert bot.plugin.telegram is None and bot.plugin.outbox is None
    plugin = TelegramPlugin()
    await plugin.start(context_for(bot.rt, {}))
    await plugin.stop()
    assert fake.calls == []


async def test_enabled_with_an_empty_allow_list_refuses_to_start(make_bot) -> None:
    bot: Bot = await make_bot({"enabled": False})
    with pytest.raises(SettingsError, match="empty allow-list"):
        await TelegramPlugin().start(context_for(bot.rt, {"enabled": True, "allowed_users": []}))


async def test_the_allow_list_may_come_from_the_environment(
    make_bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_ALLOWED_USERS", f"{TRADER}:trader")
    bot: Bot = await make_bot(telegram_settings(allowed_users=[]))
    await bot.connected()
    assert "paused" in await bot.reply(TRADER, "/pause SIMEQ")
    assert await bot.reply(ADMIN, "/status") == "Not authorized."


async def test_found_by_entry_point_and_says_goodbye(
    venue: Any, tmp_path: Path, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    opts = options(
        venue,
        tmp_path,
        http_port=None,
        plugin_settings={"telegram": telegram_settings()},
        plugin_secrets={"telegram": {"telegram_token": TOKEN}},
    )
    run = Running(Runtime(opts))
    rt = await run.ready()
    plugin = await wait_for(
        lambda: next((p for p in rt._plugins if p.name == "telegram"), None), what="the plugin"
    )
    bot = Bot(run, plugin, fake)
    await bot.connected()
    assert "equity" in await bot.reply(ADMIN, "/status")
    assert await run.stop() == 0
    goodbye = [plain_text(m["text"], "HTML") for m in fake.to_chat(ADMIN) if "text" in m]
    assert any("stopping (run" in t for t in goodbye)
    assert any("stopped (run" in t for t in goodbye)
    ours = [r for r in caplog.records if r.name.startswith(("scalpbot", "telegram", "httpx"))]
    assert all(TOKEN not in r.getMessage() for r in ours)


async def test_a_failing_plugin_leaves_the_runtime_trading(
    venue: Any, tmp_path: Path, fake: FakeTelegram
) -> None:
    opts = options(
        venue,
        tmp_path,
        http_port=None,
        plugin_settings={"telegram": {"enabled": True, "allowed_users": []}},
        plugin_secrets={"telegram": {"telegram_token": TOKEN}},
    )
    run = Running(Runtime(opts))
    rt = await run.ready()
    orders = len(rt.core.orders)
    await wait_for(lambda: len(rt.core.orders) > orders + 2, what="trading")
    assert all(p.name != "telegram" for p in rt._plugins)
    assert await run.stop() == 0


async def test_webhook_mode(make_bot, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/tg/hook")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "hook-secret-0123456789-abcdefghij")
    bot: Bot = await make_bot({"enabled": False})
    async with webhook_plugin(bot) as (_, url):
        hook = {
            "url": "https://bot.example.org/tg/hook",
            "secret_token": "hook-secret-0123456789-abcdefghij",
        }
        assert fake.webhook == hook
        message = fake.command(ADMIN, "/whoami")
        update = {"update_id": 77, "message": message}
        fake._updates.clear()  # delivered by the webhook, not by polling
        async with aiohttp.ClientSession() as client:
            async with client.post(url, json=update) as r:
                assert r.status == 403  # no secret header
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with client.post(url, json=update, headers=headers) as r:
                assert r.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret-0123456789-abcdefghij"}
            async with client.post(url, json=update, headers=headers) as r:
                assert r.status == 200
        (reply,) = await wait_for(lambda: fake.replies_to(message), what="the reply")
        assert "user id" in plain_text(reply["text"], "HTML")
        assert fake.count("getupdates") == 0
