"""Issue 10, part B (Telegram): each demonstration of the review turned into a test.

Item 2 (confirmation half): with the webhook secret known, a forged update could
claim any allow-listed user id from any chat; the prompt went to the chat in the
update, so the forger read the nonce and pressed Confirm too. The Lows: the Bot
API URL and the webhook URL are parsed (https except loopback), forwarded
commands are refused, refusal audit rows are aggregated, and each user's
commands are rate limited.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.plugin import TelegramPlugin
from engine.events import AuditRecord
from engine.model import TradingState
from tests.bot.conftest import (  # noqa: F401 - fixtures
    ADMIN,
    GROUP,
    STRANGER,
    TRADER,
    Bot,
    context_for,
    fake,
    make_bot,
    telegram_env,
    telegram_settings,
    wait_for,
)
from tests.bot.fake_telegram import FakeTelegram, plain_text
from tests.engine.runtime.conftest import venue  # noqa: F401

HOOK_SECRET = "hook-secret-known-to-the-attacker"
ATTACKER = 555  # the forger's own private chat with the bot (they sent it /start)
ATTACKER_GROUP = -100555  # a group the forger made and added the bot to
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Hooked:
    """The Telegram plugin in webhook mode on a real runtime, its route on loopback."""

    def __init__(self, bot: Bot, plugin: TelegramPlugin, url: str) -> None:
        self.bot, self.plugin, self.url = bot, plugin, url
        self.fake: FakeTelegram = bot.fake
        self.audits: list[AuditRecord] = []
        self._ids = itertools.count(10_000)
        self._callbacks = itertools.count(10_000)
        bot.rt.bus.subscribe("test-audit", self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, AuditRecord):
            self.audits.append(event)

    async def post(self, update: dict[str, Any]) -> None:
        async with aiohttp.ClientSession() as client:
            headers = {SECRET_HEADER: HOOK_SECRET}
            payload = {"update_id": next(self._ids), **update}
            async with client.post(self.url, json=payload, headers=headers) as r:
                assert r.status == 200

    async def forge_command(
        self, uid: int, text: str, chat_id: int, **extra: Any
    ) -> dict[str, Any]:
        """A command claiming to come from ``uid`` in ``chat_id`` (the forger picks both)."""
        chat = self.fake.chat(chat_id, "private" if chat_id > 0 else "supergroup")
        word = text.split(maxsplit=1)[0]
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": self.fake.user(uid),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(word)}],
            **extra,
        }
        self.fake._incoming[(chat_id, message["message_id"])] = message  # replies may quote it
        await self.post({"message": message})
        return message

    async def forge_press(self, uid: int, message: dict[str, Any], data: str) -> str:
        """A button press claiming to come from ``uid`` under ``message`` (as the forger saw it)."""
        cid = str(next(self._callbacks))
        self.fake._callbacks[cid] = False
        await self.post(
            {
                "callback_query": {
                    "id": cid,
                    "from": self.fake.user(uid),
                    "message": message,
                    "chat_instance": "forged",
                    "data": data,
                }
            }
        )
        return cid

    def answered(self, cid: str) -> Callable[[], bool]:
        """The bot answered the button press ``cid`` (whatever it decided)."""
        return lambda: any(a["id"] == cid for a in self.fake.answers)

    def handled(self, uid: int, action: str, since: int = 0) -> Callable[[], list[AuditRecord]]:
        """Audit records of ``uid`` for ``action`` (a refusal, a prompt or a change)."""
        actor = f"tg:{uid}"
        return lambda: [
            a for a in self.audits[since:] if a.actor == actor and a.action.lstrip("/") == action
        ]


@pytest.fixture
async def hooked(
    make_bot: Callable[..., Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Hooked]:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/tg/hook")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", HOOK_SECRET)
    bot: Bot = await make_bot({"enabled": False})
    http = web.Application()
    plugin = TelegramPlugin()
    await plugin.start(context_for(bot.rt, telegram_settings(), http_app=http))
    runner = web.AppRunner(http)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        assert plugin.telegram is not None
        await plugin.telegram.connected.wait()
        await wait_for(lambda: bot.fake.webhook.get("url"), what="setWebhook")
        yield Hooked(bot, plugin, f"http://127.0.0.1:{port}/tg/hook")
    finally:
        await plugin.stop()
        await runner.cleanup()


def prompts_in(server: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in server.to_chat(chat_id) if m.get("reply_markup")]


def confirm_data(prompt: dict[str, Any]) -> str:
    buttons = prompt["reply_markup"]["inline_keyboard"][0]
    return str(next(b["callback_data"] for b in buttons if b["callback_data"].endswith(":y")))


# -- item 2: the forged webhook update -----------------------------------------------------


@pytest.mark.parametrize("chat_id", [ATTACKER, ATTACKER_GROUP], ids=["private", "group"])
async def test_item_02_forged_webhook_updates_from_another_chat_do_nothing(
    hooked: Hooked, chat_id: int
) -> None:
    """The demonstration: with the webhook secret (logged at debug), a forged update claims
    an allow-listed trader from the forger's own chat; /pause ran, and /kill's prompt (with
    its nonce) went to the forger's chat, who pressed Confirm as the trader: both executed."""
    rt = hooked.bot.rt
    assert rt.core is not None
    await hooked.forge_command(TRADER, "/pause", chat_id)
    await wait_for(hooked.handled(TRADER, "pause"), what="the forged /pause handled")
    kill = await hooked.forge_command(ADMIN, "/kill", chat_id)
    await wait_for(lambda: hooked.fake.replies_to(kill), what="the answer to the forged /kill")
    for prompt in prompts_in(hooked.fake, chat_id):  # what the forger can read and press
        await hooked.forge_press(ADMIN, prompt, confirm_data(prompt))
        await hooked.bot.edited(prompt)  # the outcome, shown in the prompt

    changes = [(a.actor, a.action) for a in hooked.audits if a.action in ("pause", "kill")]
    assert changes == [], changes  # what the control API changed
    assert rt.core.trading_state("SIMEQ") is TradingState.ACTIVE
    assert prompts_in(hooked.fake, chat_id) == [], "a confirmation prompt reached the forger"
    shown = [plain_text(m.get("text", ""), "HTML") for m in hooked.fake.to_chat(chat_id)]
    assert all("\n" not in text and "equity" not in text for text in shown), shown


async def test_item_02_a_leaked_nonce_is_useless_outside_the_requesters_chat(
    hooked: Hooked,
) -> None:
    """The other half of the demonstration: Confirm pressed as the requester, but from the
    forger's chat, with a genuine nonce (as if it had leaked), executes nothing."""
    rt = hooked.bot.rt
    assert rt.core is not None
    await hooked.forge_command(TRADER, "/kill", TRADER)  # a genuine request, in the right chat
    (prompt,) = await wait_for(lambda: prompts_in(hooked.fake, TRADER), what="the prompt")
    seen_by_forger = {**prompt, "chat": hooked.fake.chat(ATTACKER).as_json()}
    cid = await hooked.forge_press(TRADER, seen_by_forger, confirm_data(prompt))
    await wait_for(hooked.answered(cid), what="the forged press answered")
    assert rt.core.trading_state("SIMEQ") is TradingState.ACTIVE
    assert [a for a in hooked.audits if a.action == "kill"] == []


async def test_item_02_the_requesters_private_chat_still_works(hooked: Hooked) -> None:
    """What must keep working: the trader in their own private chat pauses, and confirms a
    /kill there; in a group that is not configured, nothing runs."""
    rt = hooked.bot.rt
    assert rt.core is not None
    await hooked.forge_command(TRADER, "/kill", TRADER)
    (prompt,) = await wait_for(lambda: prompts_in(hooked.fake, TRADER), what="the prompt")
    await hooked.forge_press(TRADER, prompt, confirm_data(prompt))
    await wait_for(hooked.handled(TRADER, "kill"), what="the kill")
    await wait_for(lambda: rt.core.trading_state("SIMEQ") is TradingState.HALTED, what="halt")
    assert [a.outcome for a in hooked.audits if a.action == "/kill"][-1] == "confirmed"


async def test_item_02_the_configured_group_takes_commands_and_confirmations(
    make_bot: Callable[..., Any],  # noqa: F811
) -> None:
    """A group works only when configured (``group_chat_id``); its prompts are answered
    there by the requester. Any other group is refused with one line."""
    bot: Bot = await make_bot(telegram_settings(group_chat_id=GROUP))
    await bot.connected()
    assert bot.rt.core is not None
    assert "paused" in await bot.reply(TRADER, "/pause SIMEQ", GROUP)
    other = await bot.reply(TRADER, "/status", -100999)
    assert "\n" not in other and "equity" not in other and "private chat" in other
    (prompt,) = await bot.say(TRADER, "/flatten all", GROUP)
    assert prompt["chat"]["id"] == GROUP and prompt.get("reply_markup")
    bot.fake.press(TRADER, prompt, confirm_data(prompt))
    assert "/flatten all" in plain_text(await bot.edited(prompt), "HTML")
