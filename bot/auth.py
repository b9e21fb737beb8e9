"""The authorization gate: one blocking handler (group -1) before anything else runs.

Deny by default. The decision uses the *user* id, so in a group only
allow-listed members can act; and the chat must be the user's own private chat
with the bot (its id is the user's id) or the configured group, so an update that
names some other chat (a forged webhook update, say) is refused, and no reply or
confirmation prompt ever goes there. Forwarded commands are refused; each user's
commands are rate limited, except the ones that reduce risk (/pause, /flatten,
/kill: ``Command.protective``) and button presses. A command needs at least the
role the registry gives it. Refusals are one short line that says nothing about
the bot's state and are audited with the user id (aggregated: see
:class:`bot.throttle.RefusalAudit`). An allow-listed user in an allowed chat gets
the line for every refused command (one per command); anyone else at most one per
interval. The gate reads only the command's name, never its arguments.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery
from telegram import Chat
from telegram import Message
from telegram import MessageEntity
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.registry import Registry
from bot.settings import Role
from bot.throttle import AuditFn
from bot.throttle import CommandBudget
from bot.throttle import RefusalAudit

NOT_AUTHORIZED = "Not authorized."
GROUP_TYPES = frozenset({Chat.GROUP, Chat.SUPERGROUP})


@dataclass(frozen=True, slots=True)
class Decision:
    allow: bool
    user_id: int | None = None
    action: str = ""
    reason: str = ""  # for the audit record; empty: drop silently, nothing audited
    reply: str = ""  # what the user is told
    always_tell: bool = False  # an allow-listed user in an allowed chat: reply is not limited


ALLOW = Decision(True)
IGNORE = Decision(False)


def command_name(message: Message, bot_username: str) -> str | None:
    """The command a message starts with (lower case), None if none or for another bot."""
    text, entities = message.text, message.entities
    if not text or not entities:
        return None
    first = entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    name, _, target = text[1 : first.length].partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return name.lower() or None


class RefusalLimiter:
    """At most one refusal reply per user per ``interval_s``."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval_s
        self._clock = clock
        self._last: dict[int, float] = {}

    def allow(self, user_id: int) -> bool:
        now = self._clock()
        if now - self._last.get(user_id, -1e18) < self._interval:
            return False
        if len(self._last) > 10_000:
            self._last = {u: t for u, t in self._last.items() if now - t < self._interval}
        self._last[user_id] = now
        return True


class Gate:
    """Decides every update; refuses with ``ApplicationHandlerStop``."""

    def __init__(  # noqa: PLR0913 (the gate wiring, passed by name)
        self,
        users: Mapping[int, Role],
        registry: Registry,
        *,
        audit: AuditFn,
        reply: Callable[[int, str, int | None], None],
        answer: Callable[[CallbackQuery, str], Awaitable[None]],
        bot_username: Callable[[], str],
        stale_s: float,
        limiter: RefusalLimiter,
        wall_clock: Callable[[], float] = time.time,
        group_chat_id: int | None = None,
        budget: CommandBudget | None = None,
        refusals: RefusalAudit | None = None,
    ) -> None:
        self._users = dict(users)
        self._registry = registry
        self._audit = refusals if refusals is not None else RefusalAudit(audit)
        self._group = group_chat_id
        self._budget = budget if budget is not None else CommandBudget(20, 10)
        self._reply = reply
        self._answer = answer
        self._username = bot_username
        self._stale_s = stale_s
        self._limiter = limiter
        self._wall = wall_clock
        self.refused = 0

    def role(self, user_id: int) -> Role | None:
        return self._users.get(user_id)

    def chat_allowed(self, user_id: int, chat: Chat) -> bool:
        """The user's private chat with the bot (its id is the user id), or the configured
        group: the only chats commands, prompts and button presses are taken from."""
        if chat.type == Chat.PRIVATE:
            return chat.id == user_id
        return self._group is not None and chat.id == self._group and chat.type in GROUP_TYPES

    def _wrong_chat(self, uid: int, action: str, chat: Chat) -> Decision:
        where = "your private chat with the bot"
        if self._group is not None:
            where += " or the configured group"
        return Decision(
            False,
            uid,
            action,
            f"wrong chat ({chat.type} chat {chat.id})",
            f"Commands are taken only in {where}.",
        )

    def decide(self, update: Update) -> Decision:
        user = update.effective_user
        if user is None:
            return IGNORE
        role = self._users.get(user.id)
        if update.callback_query is not None:
            return self._decide_button(user.id, role, update.callback_query)
        message = update.message
        if message is None:
            return IGNORE  # edits, channel posts, inline queries, member updates
        name = command_name(message, self._username())
        if name is None:
            return IGNORE
        return self._decide_command(uid=user.id, role=role, message=message, name=name)

    def _decide_button(self, uid: int, role: Role | None, query: CallbackQuery) -> Decision:
        """A button press: from an allow-listed user in an allowed chat."""
        if role is None:
            return Decision(False, uid, "button", "not allow-listed", NOT_AUTHORIZED)
        if query.message is not None and not self.chat_allowed(uid, query.message.chat):
            return self._wrong_chat(uid, "button", query.message.chat)
        return ALLOW

    def _decide_command(
        self, *, uid: int, role: Role | None, message: Message, name: str
    ) -> Decision:
        """The sender's checks: allow-listed, in an allowed chat, typed (not forwarded)."""
        where = f"{message.chat.type} chat {message.chat.id}"
        if role is None:
            return Decision(False, uid, name, f"not allow-listed ({where})", NOT_AUTHORIZED)
        if not self.chat_allowed(uid, message.chat):
            return self._wrong_chat(uid, name, message.chat)
        if message.forward_origin is not None or message.is_automatic_forward:
            return Decision(
                False,
                uid,
                name,
                "forwarded",
                f"Forwarded commands are not run: send /{name} yourself.",
                always_tell=True,
            )
        return self._decide_run(uid=uid, role=role, message=message, name=name)

    def _decide_run(self, *, uid: int, role: Role, message: Message, name: str) -> Decision:
        """The command's checks: the role it needs, its age, then the user's budget
        (a protective command is never held back by the budget)."""
        command = self._registry.get(name)
        needed = command.role if command is not None else Role.VIEWER
        if role < needed:
            return Decision(
                False,
                uid,
                name,
                f"needs {needed.label}, has {role.label}",
                f"/{name} needs the {needed.label} role.",
                always_tell=True,
            )
        age = self._wall() - message.date.timestamp()
        if age > self._stale_s:
            return Decision(
                False,
                uid,
                name,
                f"stale: sent {age:.0f} s ago",
                f"Ignored /{name}: it was sent {age / 60:.0f} min ago. Send it again.",
                always_tell=True,
            )
        if command is not None and command.protective:
            return ALLOW  # reduces risk: never held back (it has its own confirmation)
        wait = self._budget.take(uid)
        if wait > 0:
            return Decision(
                False,
                uid,
                name,
                "rate limited",
                f"⏳ Too many commands: at most {self._budget.per_minute:g} a minute."
                f" /{name} was not run; send it again in {math.ceil(wait)} s.",
                always_tell=True,
            )
        return ALLOW

    def flush(self) -> None:
        """Write the refusal summaries that are due (called about once a second)."""
        self._audit.flush()

    async def __call__(self, update: object, context: Any) -> None:
        """The PTB callback (a TypeHandler in group -1, ``block=True``)."""
        if not isinstance(update, Update):
            raise ApplicationHandlerStop
        decision = self.decide(update)
        if decision.allow:
            return
        if decision.reason and decision.user_id is not None:
            self.refused += 1
            self._audit.refused(decision.user_id, "/" + decision.action, decision.reason)
            # An allow-listed user hears why each command was refused (one line per
            # command); strangers and other chats get at most one line per interval.
            if decision.reply and (decision.always_tell or self._limiter.allow(decision.user_id)):
                await self._tell(update, decision.reply)
        raise ApplicationHandlerStop

    async def _tell(self, update: Update, text: str) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query, text)
        elif update.effective_chat is not None:
            msg = update.effective_message
            self._reply(update.effective_chat.id, text, msg.message_id if msg else None)
