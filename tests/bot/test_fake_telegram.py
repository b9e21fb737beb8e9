"""The fake Bot API behaves like the real one for what PTB uses (protocols.md section 3),
checked with the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot
from telegram import BotCommand
from telegram import BotCommandScopeChat
from telegram import InlineKeyboardButton
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.error import Conflict
from telegram.error import Forbidden
from telegram.error import InvalidToken
from telegram.error import NetworkError
from telegram.error import RetryAfter

from bot.sender import retry_after_s
from tests.bot.conftest import TOKEN
from tests.bot.conftest import wait_for
from tests.kit.fake_telegram import ApiError
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.fake_telegram import plain_text


@pytest.fixture
async def ptb(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


async def test_get_me_and_a_bad_token(fake: FakeTelegram, ptb: Bot) -> None:
    assert ptb.username == fake.username
    wrong = Bot("999:NOPE", base_url=f"{fake.url}/bot")
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_methods_are_case_insensitive_and_json_bodies_work(fake: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{fake.url}/bot{TOKEN}/SENDMESSAGE", json={"chat_id": 5, "text": "hi"}
        ) as r:
            body = await r.json()
        assert r.status == 200 and body["ok"] and body["result"]["text"] == "hi"
        async with http.get(f"{fake.url}/bot{TOKEN}/getme") as r:
            assert (await r.json())["result"]["is_bot"] is True
        async with http.post(f"{fake.url}/bot{TOKEN}/noSuchMethod") as r:
            assert r.status == 404 and (await r.json())["description"].startswith("Not Found")


async def test_long_poll_honours_the_timeout_and_offsets(fake: FakeTelegram, ptb: Bot) -> None:
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    assert await ptb.get_updates(timeout=1) == ()
    assert loop.time() - t0 >= 0.9
    poll = asyncio.create_task(ptb.get_updates(timeout=10))
    await wait_for(lambda: fake.count("getupdates") == 2, 2, "the long poll")
    fake.command(7, "/status")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message.text == "/status"
    assert updates[0].message.entities[0].type == "bot_command"
    again = await ptb.get_updates(timeout=0)
    assert len(again) == 1  # not confirmed yet
    assert await ptb.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == 0


async def test_a_second_poll_ends_the_first_with_409(fake: FakeTelegram, ptb: Bot) -> None:
    other = Bot(TOKEN, base_url=f"{fake.url}/bot")  # a second bot instance, same token
    await other.initialize()
    try:
        first = asyncio.create_task(ptb.get_updates(timeout=5))
        await wait_for(lambda: fake.count("getupdates") == 1, 2, "first poll")
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 3)
        assert await second == ()
    finally:
        await other.shutdown()


async def test_message_limits_and_html_checks(fake: FakeTelegram, ptb: Bot) -> None:
    ok = await ptb.send_message(5, "<b>x</b> &lt; " + "a" * 4000, parse_mode=ParseMode.HTML)
    assert ok.message_id
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await ptb.send_message(5, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await ptb.send_message(5, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await ptb.send_message(5, "<b>open", parse_mode=ParseMode.HTML)
    assert plain_text("<pre>a &amp; b</pre>", "HTML") == "a & b"
    with pytest.raises(ApiError):
        plain_text("AT&T", "HTML")


async def test_edit_not_modified_and_keyboards(fake: FakeTelegram, ptb: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="cf:x:y")]])
    sent = await ptb.send_message(5, "ask", reply_markup=markup)
    stored = fake.to_chat(5)[-1]
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "cf:x:y"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb.edit_message_text(
            "ask", chat_id=5, message_id=sent.message_id, reply_markup=markup
        )
    await ptb.edit_message_text("done", chat_id=5, message_id=sent.message_id)
    assert "reply_markup" not in fake.current(stored)
    with pytest.raises(BadRequest, match=r"(?i)not found"):
        await ptb.edit_message_text("x", chat_id=5, message_id=999_999)


async def test_button_presses_and_answers(fake: FakeTelegram, ptb: Bot) -> None:
    await ptb.send_message(GROUP_CHAT, "ask")
    message = fake.to_chat(GROUP_CHAT)[-1]
    fake.press(42, message, "cf:n:y")
    (update,) = await ptb.get_updates(timeout=1)
    query = update.callback_query
    assert query.from_user.id == 42 and query.data == "cf:n:y"
    assert query.message.chat.type == "supergroup"
    assert await ptb.answer_callback_query(query.id, "ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await ptb.answer_callback_query(query.id, "again")


GROUP_CHAT = -100777


async def test_429_403_500_and_slow_answers(fake: FakeTelegram, ptb: Bot) -> None:
    fake.fail("sendMessage", 429, times=1, retry_after=3)
    with pytest.raises(RetryAfter) as err:
        await ptb.send_message(5, "x")
    assert retry_after_s(err.value) == 3
    fake.fail("sendmessage", 403, times=1)
    with pytest.raises(Forbidden):
        await ptb.send_message(5, "x")
    fake.fail("sendmessage", 500, times=1)
    with pytest.raises(NetworkError):
        await ptb.send_message(5, "x")
    fake.slow("sendmessage", 0.3, times=1)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await ptb.send_message(5, "late")
    assert loop.time() - t0 >= 0.3
    assert [c.status for c in fake.calls if c.method == "sendmessage"] == [429, 403, 500, 200]


async def test_429_carries_the_header_too(fake: FakeTelegram) -> None:
    fake.fail("*", 429, times=1, retry_after=7)
    async with aiohttp.ClientSession() as http, http.post(f"{fake.url}/bot{TOKEN}/getMe") as r:
        assert r.status == 429 and r.headers["Retry-After"] == "7"
        assert (await r.json())["parameters"] == {"retry_after": 7}


async def test_multipart_photos_and_command_menus(fake: FakeTelegram, ptb: Bot) -> None:
    png = b"\\x89PNG fake bytes"
    msg = await ptb.send_photo(5, png, caption="<b>equity</b>", parse_mode=ParseMode.HTML)
    assert msg.photo and fake.photos == [png]
    await ptb.set_my_commands([BotCommand("status", "State")], scope=BotCommandScopeChat(5))
    assert fake.menus == {"chat:5": ["status"]}
    call = next(c for c in fake.calls if c.method == "setmycommands")
    assert json.dumps(call.params["commands"])  # decoded from the form field


async def test_webhook_blocks_polling(fake: FakeTelegram, ptb: Bot) -> None:
    await ptb.set_webhook("https://example.org/hook", secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await ptb.get_updates(timeout=0)
    await ptb.delete_webhook()
    assert await ptb.get_updates(timeout=0) == ()
