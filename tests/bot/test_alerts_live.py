"""Alerts from a running engine: each kind, per-user levels, and a 200-fill burst coalesced
under the Bot API's flood limits (events injected on the engine's bus)."""

from __future__ import annotations

from typing import Any

from engine.model import Side
from tests.bot.conftest import ADMIN
from tests.bot.conftest import TRADER
from tests.bot.conftest import VIEWER
from tests.bot.conftest import Bot
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.bot.events import EXPECTED
from tests.kit.events import every_kind
from tests.kit.events import fill_event
from tests.kit.fake_telegram import plain_text


def texts(bot: Bot, chat: int) -> list[str]:
    return [plain_text(str(m.get("text", "")), "HTML") for m in bot.fake.to_chat(chat)]


def seen(bot: Bot, chat: int, needle: str) -> bool:
    return any(needle in t for t in texts(bot, chat))


async def test_each_alert_kind_reaches_the_right_users(bot: Bot) -> None:
    assert await wait_for(lambda: seen(bot, VIEWER, "scalpbot test up"), what="start-up alert")
    for name, events in every_kind().items():
        for event in events:
            bot.rt.bus.publish(event)
        text, _ = EXPECTED[name]
        await wait_for(lambda t=text: seen(bot, ADMIN, t), what=f"{name} alert to the admin")
        await wait_for(lambda t=text: seen(bot, TRADER, t), what=f"{name} alert to the trader")
    for name, (text, critical) in EXPECTED.items():
        if critical:
            await wait_for(lambda t=text: seen(bot, VIEWER, t), what=f"{name} to the viewer")
    for name, (text, critical) in EXPECTED.items():
        assert critical or not seen(bot, VIEWER, text), f"viewer got non-critical {name}"
    assert bot.fake.count("sendmessage", 400) == 0


async def test_alert_levels_per_user(bot: Bot) -> None:
    assert "no alerts" in await bot.reply(ADMIN, "/alerts off")
    assert "critical alerts only" in await bot.reply(TRADER, "/alerts critical")
    assert "all alerts" in await bot.reply(VIEWER, "/alerts on")
    admin_before, trader_before = len(bot.fake.to_chat(ADMIN)), len(bot.fake.to_chat(TRADER))
    bot.rt.bus.publish(fill_event(symbol="QQQQ", n=1))
    kinds = every_kind()
    for event in kinds["daily loss trip"]:
        bot.rt.bus.publish(event)
    await wait_for(lambda: seen(bot, VIEWER, "QQQQ") and seen(bot, VIEWER, "daily_loss tripped"))
    await wait_for(lambda: seen(bot, TRADER, "daily_loss tripped"))
    assert not seen(bot, TRADER, "QQQQ")
    assert len(bot.fake.to_chat(ADMIN)) == admin_before
    assert len(bot.fake.to_chat(TRADER)) == trader_before + 1


def window_max(times: list[float], width: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - width:
            j += 1
        best = max(best, i - j + 1)
    return best


async def test_a_burst_of_200_fills_is_one_message_within_flood_limits(make_bot) -> None:
    limits = {"global_per_s": 25, "chat_per_s": 5, "chat_burst": 3}
    bot: Bot = await make_bot(telegram_settings(rate_limits=limits))
    await bot.connected()
    for i in range(200):
        bot.rt.bus.publish(fill_event(symbol="BURST", side=Side.BUY if i % 2 else Side.SELL, n=i))
    burst: list[dict[str, Any]] = await wait_for(
        lambda: [m for m in bot.fake.to_chat(ADMIN) if "BURST" in str(m.get("text"))],
        what="the burst",
    )
    (message,) = burst
    shown = plain_text(message["text"], "HTML")
    more = int(shown.rsplit("… and ", 1)[1].split()[0])
    assert shown.count("BURST") + more >= 200  # every fill is in it, listed or counted
    assert len(shown) <= 4096
    # Meanwhile commands get answered, and no chat ever exceeds its rate.
    for _ in range(10):
        bot.fake.command(TRADER, "/orders")
    await wait_for(
        lambda: (
            len([m for m in bot.fake.to_chat(TRADER) if "orders" in str(m.get("text")).lower()])
            >= 10
        )
    )
    for chat in (ADMIN, TRADER, VIEWER):
        times = [
            c.ts
            for c in bot.fake.calls
            if c.method == "sendmessage" and int(c.params["chat_id"]) == chat
        ]
        assert window_max(times, 0.999) <= 3 + 5, (chat, window_max(times, 0.999))
    everything = [c.ts for c in bot.fake.calls if c.method == "sendmessage"]
    assert window_max(everything, 0.999) <= 25 + 25
    assert bot.fake.count("sendmessage", 429) == 0
    assert bot.plugin.outbox is not None and bot.plugin.outbox.counts.coalesced >= 199
