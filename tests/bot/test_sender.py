"""PTB's errors mapped to what the outbox does about them; the token scrubbed from logs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from telegram.error import BadRequest
from telegram.error import ChatMigrated
from telegram.error import Conflict
from telegram.error import Forbidden
from telegram.error import InvalidToken
from telegram.error import NetworkError
from telegram.error import RetryAfter
from telegram.error import TelegramError
from telegram.error import TimedOut

from bot import logsafe
from bot.outbox import RejectedError
from bot.outbox import SendError
from bot.outbox import ThrottledError
from bot.outbox import TransientError
from bot.outbox import UnreachableError
from bot.sender import classify
from bot.sender import is_not_modified
from bot.sender import markup


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (lambda: RetryAfter(4), ThrottledError),
        (lambda: Forbidden("Forbidden: bot was blocked by the user"), UnreachableError),
        (lambda: ChatMigrated(-100), UnreachableError),
        (lambda: BadRequest("Bad Request: chat not found"), UnreachableError),
        (lambda: BadRequest("Bad Request: can't parse entities"), RejectedError),
        (lambda: NetworkError("Internal Server Error"), TransientError),
        (lambda: NetworkError("Bad Gateway"), TransientError),
        (TimedOut, TransientError),
        (lambda: Conflict("Conflict"), TransientError),
        (lambda: InvalidToken("Unauthorized"), TransientError),
    ],
)
def test_classify(error: Callable[[], TelegramError], kind: type[SendError]) -> None:
    assert isinstance(classify(error()), kind)  # built lazily: PTB_TIMEDELTA is set per test


def test_retry_after_seconds_and_scrubbing() -> None:
    throttled = classify(RetryAfter(4))
    assert isinstance(throttled, ThrottledError) and throttled.retry_after == 4
    leaked = classify(NetworkError("POST /bot123:SECRET/sendMessage failed"), "123:SECRET")
    assert "SECRET" not in str(leaked)
    assert is_not_modified(BadRequest("Bad Request: message is not modified: same"))
    assert not is_not_modified(BadRequest("Bad Request: message to edit not found"))


def test_buttons_become_an_inline_keyboard() -> None:
    keyboard = markup(((("Yes", "cf:n:y"), ("No", "cf:n:n")),))
    assert keyboard is not None
    assert [b.callback_data for b in keyboard.inline_keyboard[0]] == ["cf:n:y", "cf:n:n"]
    assert markup(None) is None


def test_the_token_never_reaches_a_handler(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # The runtime's setup_logging (run by other tests) quiets httpx: ask for its lines.
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="telegram")
    redact = logsafe.guard("123:SECRET")
    try:
        logging.getLogger("httpx").info("HTTP Request: POST %s", "http://x/bot123:SECRET/getMe")
        logging.getLogger("telegram.ext.ExtBot").debug("Set Bot API URL: http://x/bot123:SECRET")
    finally:
        logsafe.unguard(redact)
    assert "SECRET" not in caplog.text and caplog.text.count("bot***") == 2
