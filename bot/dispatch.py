"""PTB callbacks behind the gate: commands, confirmation buttons, unknown commands, errors.

Replies and edits are queued in the outbox (never sent from here), except the
answer to a button press, which Telegram expects at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery
from telegram import Update
from telegram.error import TelegramError

from bot.auth import Gate
from bot.confirm import ANSWERS
from bot.confirm import Confirmations
from bot.confirm import Pending
from bot.confirm import Verdict
from bot.confirm import buttons
from bot.confirm import parse_data
from bot.outbox import Buttons
from bot.outbox import Job
from bot.outbox import Outbox
from bot.outbox import Priority
from bot.registry import Call
from bot.registry import Command
from bot.registry import Registry
from bot.registry import Reply
from bot.registry import Services
from bot.registry import UsageError
from bot.registry import parse_args
from bot.render import esc
from bot.throttle import AuditFn
from engine.control import ControlError

log = logging.getLogger("scalpbot.telegram")

Callback = Callable[[Update, Any], Coroutine[Any, Any, None]]


async def answer(query: CallbackQuery, text: str) -> None:
    """Answer a button press (a failure only costs the user a spinner)."""
    try:
        await query.answer(text[:200])
    except TelegramError as exc:
        log.debug("answerCallbackQuery failed: %s", type(exc).__name__)


class Answers:
    """Answers button presses in the background: a slow Telegram never delays what the
    press asked for (a /kill runs at once, the spinner stops when Telegram allows)."""

    def __init__(
        self, send: Callable[[CallbackQuery, str], Coroutine[Any, Any, None]] = answer
    ) -> None:
        self._send = send
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(self, query: CallbackQuery, text: str) -> None:
        task = asyncio.get_running_loop().create_task(self._send(query, text), name="tg answer")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


@dataclass(frozen=True, eq=False, repr=False)
class Dispatcher:
    """The handlers behind the gate; one per bot (identity, not value, equality)."""

    registry: Registry
    services: Services
    gate: Gate
    confirms: Confirmations
    outbox: Outbox
    audit: AuditFn
    answer_fn: Callable[[CallbackQuery, str], Awaitable[None]] = answer

    # -- replies ------------------------------------------------------------------------

    def reply(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: Buttons | None = None,
        edit_id: int | None = None,
        photo: bytes | None = None,
        reply_to: int | None = None,
        on_sent: Callable[[int], None] | None = None,
    ) -> None:
        job = Job(chat_id, Priority.REPLY, text, photo, buttons, edit_id, reply_to, on_sent=on_sent)
        self.outbox.put(job)

    # -- commands -----------------------------------------------------------------------

    def handler_for(self, command: Command) -> Callback:
        async def handle(update: Update, context: Any) -> None:
            await self.on_command(command, update, list(getattr(context, "args", None) or ()))

        return handle

    async def on_command(self, command: Command, update: Update, words: list[str]) -> None:
        user, chat, msg = update.effective_user, update.effective_chat, update.effective_message
        role = self.gate.role(user.id) if user is not None else None
        if user is None or chat is None or msg is None or role is None:
            return  # the gate already refused; never act without a role
        if not self.gate.chat_allowed(user.id, chat):
            return  # nor answer (or prompt) in a chat that is not the user's
        raw = " ".join(words)[:200]
        actor = f"tg:{user.id}"
        try:
            args = parse_args(command, words, self.services.symbols)
        except UsageError as exc:
            text = f"⚠️ {esc(exc)}. Usage: <code>{esc(command.usage())}</code>"
            self.reply(chat.id, text, reply_to=msg.message_id)
            self.audit(actor, f"/{command.name}", raw, f"refused: {exc}")
            return
        call = Call(self.services, user.id, role, chat.id, chat.type, args, msg.message_id)
        if command.prompt is not None:
            await self._ask(command, call, raw)
        else:
            await self._execute(command, call, raw, None)

    async def _ask(self, command: Command, call: Call, raw: str) -> None:
        assert command.prompt is not None
        if command.check is not None:
            try:
                problem = await command.check(call)
            except ControlError as exc:
                problem = esc(exc)
            if problem:
                self.reply(call.chat_id, f"⚠️ {problem}", reply_to=call.message_id)
                self.audit(call.actor, f"/{command.name}", raw, f"refused: {problem}")
                return
        pending = self.confirms.open(call.user_id, call.chat_id, command.name, call.args, raw)
        text = (
            f"{command.prompt(call.args)}\n"
            f"<i>Only you can answer; expires in {self.confirms.ttl_s:g} s.</i>"
        )
        self.reply(
            call.chat_id,
            text,
            buttons=buttons(pending),
            reply_to=call.message_id,
            on_sent=pending.attach,
        )
        self.audit(call.actor, f"/{command.name}", raw, "awaiting confirmation")

    async def _execute(self, command: Command, call: Call, raw: str, edit_id: int | None) -> None:
        outcome = "ok"
        try:
            reply = await command.run(call)
        except ControlError as exc:
            reply, outcome = Reply(f"⚠️ {esc(exc)}"), f"refused: {exc}"
        except Exception:
            log.exception("telegram command /%s failed", command.name)
            reply, outcome = Reply("⚠️ The command failed (logged)."), "error"
        if edit_id is not None:
            label = f"/{command.name}{' ' + raw if raw else ''}"
            self.reply(call.chat_id, f"<b>{esc(label)}</b>\n{reply.text}", edit_id=edit_id)
        else:
            self.reply(call.chat_id, reply.text, photo=reply.photo, reply_to=call.message_id)
        if outcome != "ok" or not command.audited_by_control:
            self.audit(call.actor, f"/{command.name}", raw, outcome)

    async def on_unknown(self, update: Update, context: Any) -> None:
        chat, msg = update.effective_chat, update.effective_message
        if chat is not None:
            reply_to = msg.message_id if msg is not None else None
            self.reply(chat.id, "Unknown command. See /help.", reply_to=reply_to)

    # -- confirmation buttons -----------------------------------------------------------

    async def on_button(self, update: Update, context: Any) -> None:
        query = update.callback_query
        if query is None:
            return
        parsed = parse_data(query.data or "")
        message = query.message
        if parsed is None or message is None:
            await self.answer_fn(query, "Unknown button.")
            return
        nonce, yes = parsed
        if not self.gate.chat_allowed(query.from_user.id, message.chat):
            return  # the gate already refused it
        chat_id, message_id = message.chat.id, message.message_id
        verdict, pending = self.confirms.press(nonce, query.from_user.id, chat_id, yes)
        await self.answer_fn(query, ANSWERS[verdict])
        actor = f"tg:{query.from_user.id}"
        if pending is None:
            if verdict is Verdict.UNKNOWN:
                self.reply(chat_id, "⌛ No longer valid: nothing was done.", edit_id=message_id)
            return
        if verdict is Verdict.NOT_YOURS:
            why = f"refused: confirmation belongs to tg:{pending.user_id}"
            self.audit(actor, f"/{pending.command}", pending.raw_args, why)
        elif verdict is Verdict.EXPIRED:
            self._expired(pending, message_id)
        elif verdict is Verdict.CANCELLED:
            text = f"✖️ Cancelled: {esc(pending.label)} was not executed."
            self.reply(chat_id, text, edit_id=message_id)
            self.audit(actor, f"/{pending.command}", pending.raw_args, "cancelled")
        else:
            await self._confirmed(pending, message_id)

    async def _confirmed(self, pending: Pending, message_id: int) -> None:
        command = self.registry.get(pending.command)
        role = self.gate.role(pending.user_id)
        if command is None or role is None or role < command.role:
            return
        actor = f"tg:{pending.user_id}"
        self.audit(actor, f"/{command.name}", pending.raw_args, "confirmed")
        chat_type = "private" if pending.chat_id > 0 else "group"
        call = Call(
            self.services, pending.user_id, role, pending.chat_id, chat_type, pending.args, None
        )
        await self._execute(command, call, pending.raw_args, message_id)

    def _expired(self, pending: Pending, message_id: int | None) -> None:
        actor = f"tg:{pending.user_id}"
        self.audit(actor, f"/{pending.command}", pending.raw_args, "expired: not confirmed")
        if message_id is not None:
            text = f"⌛ Expired: {esc(pending.label)} was not executed."
            self.reply(pending.chat_id, text, edit_id=message_id)

    def sweep(self) -> None:
        """Edit prompts whose time ran out, write refusal summaries (about once a second)."""
        for pending in self.confirms.sweep():
            self._expired(pending, pending.message_id)
        self.gate.flush()

    # -- errors -------------------------------------------------------------------------

    async def on_error(self, update: object, context: Any) -> None:
        error = getattr(context, "error", None)
        if isinstance(error, TelegramError):
            log.warning("telegram update handling failed: %s", type(error).__name__)
        elif isinstance(error, Exception):
            log.error("telegram update handling failed", exc_info=error)
