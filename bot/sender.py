"""The outbox's :class:`~bot.outbox.Sender` on top of python-telegram-bot's ``Bot``.

PTB's exceptions are mapped to what the outbox should do: ``RetryAfter`` ->
ThrottledError, ``Forbidden``/"chat not found" -> UnreachableError, other ``BadRequest`` ->
RejectedError, everything else (5xx, time-outs, network) -> TransientError. Error texts are
scrubbed of the token before they can reach a log.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from telegram import Bot
from telegram import InlineKeyboardButton
from telegram import InlineKeyboardMarkup
from telegram import LinkPreviewOptions
from telegram import ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.error import ChatMigrated
from telegram.error import Forbidden
from telegram.error import RetryAfter
from telegram.error import TelegramError

from bot.outbox import Buttons
from bot.outbox import RejectedError
from bot.outbox import SendError
from bot.outbox import ThrottledError
from bot.outbox import TransientError
from bot.outbox import UnreachableError

T = TypeVar("T")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if buttons is None:
        return None
    rows = [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in buttons]
    return InlineKeyboardMarkup(rows)


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


def retry_after_s(exc: RetryAfter) -> float:
    """Seconds to wait (read without PTB's int/timedelta deprecation warning)."""
    return exc._retry_after.total_seconds()


def classify(exc: TelegramError, token: str = "") -> SendError:
    text = str(exc).replace(token, "***") if token else str(exc)
    if isinstance(exc, RetryAfter):
        return ThrottledError(retry_after_s(exc))
    if isinstance(exc, (Forbidden, ChatMigrated)):
        return UnreachableError(text)
    if isinstance(exc, BadRequest):
        if "chat not found" in text.lower():
            return UnreachableError(text)
        return RejectedError(text)
    return TransientError(f"{type(exc).__name__}: {text}")


def is_not_modified(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and "message is not modified" in str(exc).lower()


class PtbSender:
    """Sends HTML messages, photos and edits through a connected PTB ``Bot``."""

    def __init__(self, bot: Bot, token: str) -> None:
        self._bot = bot
        self._token = token

    async def _call(self, request: Awaitable[T]) -> T:
        """Await a Bot API call; its TelegramError comes out as the outbox's SendError."""
        try:
            return await request
        except TelegramError as exc:
            raise classify(exc, self._token) from None

    async def send_text(
        self, chat_id: int, text: str, buttons: Buttons | None, reply_to: int | None
    ) -> int:
        message = await self._call(
            self._bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
                reply_parameters=_reply(reply_to),
            )
        )
        return message.message_id

    async def send_photo(
        self, chat_id: int, photo: bytes, caption: str, reply_to: int | None
    ) -> int:
        message = await self._call(
            self._bot.send_photo(
                chat_id,
                photo,
                caption=caption or None,
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply(reply_to),
            )
        )
        return message.message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Buttons | None
    ) -> None:
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as exc:
            if is_not_modified(exc):
                return
            raise classify(exc, self._token) from None
