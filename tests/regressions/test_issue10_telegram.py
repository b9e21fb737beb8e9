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
import re
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from bot.plugin import TelegramPlugin
from bot.settings import API_URL_VAR
from bot.settings import WEBHOOK_URL_VAR
from bot.settings import SettingsError
from bot.settings import load_settings
from engine.model import TradingState
from engine.model.events import AuditRecord
from tests.bot.conftest import ADMIN
from tests.bot.conftest import GROUP
from tests.bot.conftest import STRANGER
from tests.bot.conftest import TRADER
from tests.bot.conftest import VIEWER
from tests.bot.conftest import Bot
from tests.bot.conftest import context_for  # noqa: F401 - fixtures
from tests.bot.conftest import fake  # noqa: F401 - fixtures
from tests.bot.conftest import make_bot  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_env  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.bot.conftest import webhook_plugin
from tests.engine.runtime.conftest import venue  # noqa: F401
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.fake_telegram import plain_text

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
    async with webhook_plugin(bot) as (plugin, url):
        yield Hooked(bot, plugin, url)


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


# -- Lows -----------------------------------------------------------------------------------

USERS = [{"id": ADMIN, "role": "admin"}]


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.org",  # the demonstration: the token in clear to a remote host
        "http://api.example.org:8081/",
        "http://127.0.0.1.example.org:8081",  # looks loopback, is not
        "http://localhost.example.org",
        "ftp://127.0.0.1",
        "https://user:pw@api.example.org",
        "api.example.org",
    ],
)
def test_low_telegram_api_url_must_be_https_except_loopback(url: str) -> None:
    """The demonstration: ``TELEGRAM_API_URL=http://remote`` was accepted, and PTB puts the
    token in every request's URL: sent in clear. Now https, or http to loopback only."""
    with pytest.raises(SettingsError, match="TELEGRAM_API_URL") as refused:
        load_settings({"enabled": True, "allowed_users": USERS}, "1:TOKEN", {API_URL_VAR: url})
    assert "1:TOKEN" not in str(refused.value) and "pw" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://botapi.example.org",
        "https://botapi.example.org:8443/prefix/",
        "http://127.0.0.1:8081",
        "http://127.9.9.9:8081",
        "http://[::1]:8081",
        "http://localhost:8081/",
    ],
)
def test_low_telegram_api_url_https_or_loopback_is_accepted(url: str) -> None:
    """What must keep working: a self-hosted Bot API server on loopback, or any https one."""
    s = load_settings({"enabled": True, "allowed_users": USERS}, "1:TOKEN", {API_URL_VAR: url})
    assert s is not None and s.base_url == url.rstrip("/") + "/bot"


@pytest.mark.parametrize(
    "url",
    [
        "http://x/localhost",  # the demonstration: a substring test let it through
        "http://evil.example.org/127.0.0.1/hook",
        "http://evil.example.org/?h=localhost",
        "http://localhost.evil.example.org/hook",
        "https://bot.example.org/hook#localhost",
    ],
)
def test_low_webhook_url_is_parsed_not_substring_searched(url: str) -> None:
    """The demonstration: ``http://x/localhost`` passed the webhook URL check, a substring
    test for "localhost"/"127.0.0.1". Now the URL is parsed and its host checked."""
    env = {WEBHOOK_URL_VAR: url, "TELEGRAM_WEBHOOK_SECRET": "hook-s3cret"}
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_URL") as refused:
        load_settings({"enabled": True, "allowed_users": USERS}, "1:TOKEN", env)
    assert "hook-s3cret" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.org/tg/hook", "/tg/hook"),
        ("http://127.0.0.1:8443/tg/hook", "/tg/hook"),
        ("http://localhost/hook", "/hook"),
    ],
)
def test_low_webhook_url_https_or_loopback_is_accepted(url: str, path: str) -> None:
    """What must keep working: an https webhook, or a loopback one (a local Bot API server)."""
    s = load_settings({"enabled": True, "allowed_users": USERS}, "1:TOKEN", {WEBHOOK_URL_VAR: url})
    assert s is not None and s.webhook is not None and s.webhook.path == path


async def test_low_a_forwarded_command_is_refused(hooked: Hooked) -> None:
    """The demonstration: a forwarded old /kill passed the stale check, which reads the
    message's date (the forward's time, not the original's). Forwarded commands are refused,
    with one line saying why."""
    rt = hooked.bot.rt
    assert rt.core is not None
    old = int(time.time()) - 86_400
    origin = {"type": "user", "date": old, "sender_user": hooked.fake.user(TRADER)}
    pause = await hooked.forge_command(TRADER, "/pause", TRADER, forward_origin=origin)
    (reply,) = await wait_for(lambda: hooked.fake.replies_to(pause), what="the answer")
    assert (
        plain_text(reply["text"], "HTML") == "Forwarded commands are not run: send /pause yourself."
    )
    kill = await hooked.forge_command(ADMIN, "/kill", ADMIN, forward_origin=origin)
    (reply,) = await wait_for(lambda: hooked.fake.replies_to(kill), what="the answer")
    assert (
        plain_text(reply["text"], "HTML") == "Forwarded commands are not run: send /kill yourself."
    )
    assert rt.core.trading_state("SIMEQ") is TradingState.ACTIVE
    assert prompts_in(hooked.fake, ADMIN) == []
    assert [a for a in hooked.audits if a.action in ("pause", "kill")] == []


def counted(record: AuditRecord) -> int:
    """How many refusals an audit record stands for (a summary says "N more")."""
    match = re.match(r"refused: (\d+) more", record.outcome)
    return int(match.group(1)) if match else 1


async def test_low_a_strangers_flood_does_not_push_real_records_out_of_audit(
    make_bot: Callable[..., Any],  # noqa: F811
) -> None:
    """The demonstration: 1,000 commands from a stranger wrote 1,000 audit rows and pushed
    the real records out of /audit. Refusal rows are aggregated now: the trader's /pause is
    still in the admin's /audit 20 after the flood, and every refusal is accounted for."""
    bot: Bot = await make_bot(telegram_settings(refusal_audit_s=1))
    await bot.connected()
    refusals: list[AuditRecord] = []
    bot.rt.bus.subscribe(
        "test-refusals",
        lambda e: isinstance(e, AuditRecord) and e.actor == f"tg:{STRANGER}" and refusals.append(e),
    )
    assert "paused" in await bot.reply(TRADER, "/pause SIMEQ")
    for i in range(1000):
        bot.fake.command(STRANGER, ("/status", "/kill", "/flatten all", "/audit")[i % 4])
    await wait_for(
        lambda: sum(counted(r) for r in refusals) == 1000, 60, "every refusal accounted for"
    )
    assert len(refusals) <= 10, [r.outcome for r in refusals]
    audit = plain_text(await bot.reply(ADMIN, "/audit 20"), "HTML")
    assert f"tg:{TRADER}" in audit and "pause" in audit, audit


async def test_low_each_users_commands_are_rate_limited_with_a_clear_reply(
    make_bot: Callable[..., Any],  # noqa: F811
) -> None:
    """The demonstration: /chart costs ~240 ms of CPU and nothing limited how often a user
    could ask. With the defaults (a burst of 10, then 20 a minute), the 11th command in a
    row is refused with one line saying why and when to try again; other users are not
    affected."""
    bot: Bot = await make_bot(telegram_settings(commands_per_minute=20, command_burst=10))
    await bot.connected()
    for _ in range(10):
        assert "equity" in await bot.reply(VIEWER, "/status")
    refused = await bot.reply(VIEWER, "/chart")
    assert re.fullmatch(
        r"⏳ Too many commands: at most 20 a minute\. /chart was not run; send it again in \d s\.",
        refused,
    ), refused
    assert "equity" in await bot.reply(ADMIN, "/status")


# -- the trading-systems review (REVIEW-trading.md, R2) -------------------------------------

TOO_MANY = r"⏳ Too many commands: at most 1 a minute\. /{} was not run; send it again in \d+ s\."


def press_button(bot: Bot, prompt: dict[str, Any], uid: int, confirm: bool) -> None:
    buttons = prompt["reply_markup"]["inline_keyboard"][0]
    end = ":y" if confirm else ":n"
    bot.fake.press(
        uid, prompt, next(b["callback_data"] for b in buttons if b["callback_data"].endswith(end))
    )


async def test_review_kill_is_never_blocked_by_the_command_rate_limit(
    make_bot: Callable[..., Any],  # noqa: F811
) -> None:
    """The demonstration: after ten /status (a burst of 10, then 20 a minute), the trader's
    /kill was refused ("send it again in 3 s"), a second /kill got no reply at all (refusal
    replies one per 10 s), and trading stayed active. The commands that reduce risk (/pause,
    /flatten, /kill) and the Confirm/Cancel presses are never held back by the per-user
    command limit; everything else (/chart, /status) still is. (One a minute, not 20, so
    that a slow machine cannot refill the bucket while the test runs.)"""
    bot: Bot = await make_bot(telegram_settings(commands_per_minute=1, command_burst=10))
    await bot.connected()
    core = bot.rt.core
    assert core is not None
    for _ in range(10):
        assert "equity" in await bot.reply(TRADER, "/status")
    assert re.fullmatch(TOO_MANY.format("chart"), await bot.reply(TRADER, "/chart"))

    assert "paused" in await bot.reply(TRADER, "/pause SIMEQ")
    await wait_for(lambda: core.trading_state("SIMEQ") is TradingState.PAUSED, what="pause")
    (flatten,) = await bot.say(TRADER, "/flatten all")
    assert flatten.get("reply_markup"), flatten
    press_button(bot, flatten, TRADER, confirm=False)
    assert "Cancelled" in plain_text(await bot.edited(flatten), "HTML")
    (flatten,) = await bot.say(TRADER, "/flatten all")
    press_button(bot, flatten, TRADER, confirm=True)
    assert "/flatten all" in plain_text(await bot.edited(flatten), "HTML")
    (kill,) = await bot.say(TRADER, "/kill")
    assert kill.get("reply_markup"), kill
    (again,) = await bot.say(TRADER, "/kill")  # the trader, impatient, sends it twice
    assert again.get("reply_markup"), again
    press_button(bot, again, TRADER, confirm=True)
    await wait_for(lambda: core.trading_state("SIMEQ") is TradingState.HALTED, what="halted")

    assert re.fullmatch(TOO_MANY.format("chart"), await bot.reply(TRADER, "/chart"))
    assert re.fullmatch(TOO_MANY.format("status"), await bot.reply(TRADER, "/status"))


async def test_review_an_allow_listed_user_always_hears_why_a_command_was_refused(
    make_bot: Callable[..., Any],  # noqa: F811
) -> None:
    """The demonstration: a refused command's reply was limited (rate-limit refusals to one
    per 10 s, others to one per ``refusal_interval_s``), so an allow-listed user's second
    refused command got no answer at all. Every refused command of an allow-listed user
    gets its one line; a stranger still gets one reply per interval."""
    settings = telegram_settings(
        commands_per_minute=1, command_burst=2, refusal_interval_s=60, refusal_audit_s=1
    )
    bot: Bot = await make_bot(settings)
    await bot.connected()
    for _ in range(2):
        assert "equity" in await bot.reply(VIEWER, "/status")
    for _ in range(3):
        assert re.fullmatch(TOO_MANY.format("chart"), await bot.reply(VIEWER, "/chart"))
    for _ in range(2):
        assert await bot.reply(VIEWER, "/pause") == "/pause needs the trader role."
    stale = bot.fake.command(VIEWER, "/status", age_s=900)
    (reply,) = await wait_for(lambda: bot.fake.replies_to(stale), what="the stale refusal")
    assert plain_text(reply["text"], "HTML").startswith("Ignored /status: it was sent 15 min")

    refusals: list[AuditRecord] = []
    bot.rt.bus.subscribe(
        "test-refusals",
        lambda e: isinstance(e, AuditRecord) and e.actor == f"tg:{STRANGER}" and refusals.append(e),
    )
    assert await bot.reply(STRANGER, "/kill") == "Not authorized."
    for text in ("/status", "/flatten all"):
        bot.fake.command(STRANGER, text)
    await wait_for(lambda: sum(counted(r) for r in refusals) == 3, what="the stranger's refusals")
    assert len(bot.fake.to_chat(STRANGER)) == 1
