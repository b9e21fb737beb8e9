"""The gate decides on the user id and the command's role before anything parses arguments."""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram import CallbackQuery
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.auth import Gate
from bot.auth import RefusalLimiter
from bot.auth import command_name
from bot.commands import build_registry
from bot.settings import Role
from bot.throttle import CommandBudget

USERS = {1: Role.ADMIN, 2: Role.TRADER, 3: Role.VIEWER}


def message(uid: int, text: str, chat: int | None = None, age: float = 0.0) -> Update:
    chat_id = uid if chat is None else chat
    chat_json = (
        {"id": chat_id, "type": "private", "first_name": "u"}
        if chat_id > 0
        else {"id": chat_id, "type": "supergroup", "title": "desk"}
    )
    data: dict[str, Any] = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": int(time.time() - age),
            "chat": chat_json,
            "from": {"id": uid, "is_bot": False, "first_name": "u"},
            "text": text,
        },
    }
    if text.startswith("/"):
        data["message"]["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
        ]
    return Update.de_json(data, None)


def press(uid: int, chat: int | None = None) -> Update:
    msg = message(uid, "x", chat).to_dict()["message"]  # under a prompt in this chat
    data = {"id": "9", "from": {"id": uid, "is_bot": False, "first_name": "u"},
            "chat_instance": "c", "data": "cf:n:y", "message": msg}  # fmt: skip
    return Update.de_json({"update_id": 2, "callback_query": data}, None)


class Recorder:
    def __init__(self) -> None:
        self.audits: list[tuple[str, str, str, str]] = []
        self.replies: list[tuple[int, str]] = []
        self.answers: list[str] = []

    def gate(self, interval: float = 60.0, group: int | None = None) -> Gate:
        async def answer(query: CallbackQuery, text: str) -> None:
            self.answers.append(text)

        return Gate(
            USERS,
            build_registry(),
            audit=lambda *a: self.audits.append(a),
            reply=lambda chat, text, to: self.replies.append((chat, text)),
            answer=answer,
            bot_username=lambda: "scalp_bot",
            stale_s=120,
            limiter=RefusalLimiter(interval),
            group_chat_id=group,
        )


@pytest.mark.parametrize(
    ("uid", "text", "allowed"),
    [
        (3, "/status", True),
        (3, "/pause", False),
        (2, "/pause all", True),
        (2, "/setlimit x 1", False),
        (1, "/setlimit x 1", True),
        (1, "/reset", True),
        (3, "/nosuchcommand", True),  # allowed through to "unknown command"
        (4, "/status", False),
        (4, "/help", False),
    ],
)
def test_roles(uid: int, text: str, allowed: bool) -> None:
    assert Recorder().gate().decide(message(uid, text)).allow is allowed


def test_in_a_group_it_is_the_member_that_counts_not_the_chat() -> None:
    gate = Recorder().gate(group=-100)
    assert gate.decide(message(2, "/pause", chat=-100)).allow
    refused = gate.decide(message(4, "/status", chat=-100))
    assert not refused.allow and "not allow-listed" in refused.reason


@pytest.mark.parametrize("chat", [-200, 7], ids=["another group", "another private chat"])
def test_only_the_users_private_chat_or_the_configured_group(chat: int) -> None:
    gate = Recorder().gate(group=-100)
    refused = gate.decide(message(2, "/pause", chat=chat))
    assert not refused.allow and refused.reason.startswith("wrong chat")
    assert refused.reply == (
        "Commands are taken only in your private chat with the bot or the configured group."
    )
    assert not gate.decide(press(2, chat=chat)).allow
    assert gate.decide(press(2)).allow and gate.decide(press(2, chat=-100)).allow
    assert not Recorder().gate().decide(message(2, "/pause", chat=-100)).allow  # none set


def test_forwarded_commands_are_refused() -> None:
    update = message(2, "/kill")
    data = update.to_dict()
    data["message"]["forward_origin"] = {
        "type": "user",
        "date": int(time.time()),
        "sender_user": {"id": 2, "is_bot": False, "first_name": "u"},
    }
    refused = Recorder().gate().decide(Update.de_json(data, None))
    assert not refused.allow
    assert refused.reply == "Forwarded commands are not run: send /kill yourself."


def test_each_users_commands_are_rate_limited() -> None:
    now = [0.0]
    gate = Recorder().gate()
    gate._budget = CommandBudget(6, 2, clock=lambda: now[0])
    assert [gate.decide(message(3, "/status")).allow for _ in range(3)] == [True, True, False]
    refused = gate.decide(message(3, "/chart"))
    assert refused.reply == (
        "⏳ Too many commands: at most 6 a minute. /chart was not run; send it again in 10 s."
    )
    assert gate.decide(message(1, "/status")).allow  # another user has a budget of their own
    now[0] = 10.0
    assert gate.decide(message(3, "/status")).allow


def test_chatter_and_commands_for_other_bots_are_ignored_silently() -> None:
    gate = Recorder().gate(group=-100)
    for update in (message(4, "hello"), message(1, "/status@other_bot", chat=-100)):
        decision = gate.decide(update)
        assert not decision.allow and not decision.reason and not decision.reply
    assert gate.decide(message(1, "/STATUS@Scalp_Bot", chat=-100)).allow
    assert command_name(message(1, "/Status@scalp_bot now").message, "scalp_bot") == "status"


def test_commands_queued_while_the_bot_was_away_are_not_run() -> None:
    decision = Recorder().gate().decide(message(1, "/kill", age=600))
    assert not decision.allow and "Send it again" in decision.reply


def test_button_presses_need_an_allow_listed_user() -> None:
    gate = Recorder().gate()
    assert gate.decide(press(3)).allow  # the confirmation itself checks who asked
    assert not gate.decide(press(9)).allow


async def test_refusals_are_short_rate_limited_audited_and_stop_everything() -> None:
    rec = Recorder()
    gate = rec.gate(interval=60)
    for _ in range(3):
        with pytest.raises(ApplicationHandlerStop):
            await gate(message(4, "/status"), None)
    assert rec.replies == [(4, "Not authorized.")]  # once per interval
    assert len(rec.audits) == 1  # the rest are summed up when the window ends
    assert rec.audits[0][0] == "tg:4" and rec.audits[0][3].startswith("refused: not allow-listed")
    with pytest.raises(ApplicationHandlerStop):
        await gate(press(9), None)
    assert rec.answers == ["Not authorized."]
    with pytest.raises(ApplicationHandlerStop):
        await gate(message(4, "just chatting"), None)
    assert len(rec.audits) == 2  # chatter is not audited
    await gate(message(1, "/status"), None)  # allowed: returns, no stop
