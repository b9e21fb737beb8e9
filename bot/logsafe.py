"""Keep the bot token out of log lines written by PTB and httpx (URLs contain it).

The runtime's root log handler redacts every secret the process has loaded; this is
the second lock, for handlers that are not the runtime's: a filter on every
``telegram*``/``httpx``/``httpcore`` logger that replaces the token and every other
loaded secret (the webhook secret among them, percent-encoded forms too) in a
record's message, exception text and stack before any handler sees it.
"""

from __future__ import annotations

import logging

from engine.control import redact_secrets

PREFIXES = ("telegram", "httpx", "httpcore")


class RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        mine = frozenset({self._token})
        message = record.getMessage()
        clean = redact_secrets(message, mine)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Exception text and tracebacks too (an httpx error quotes the URL).
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_secrets(record.exc_text, mine)
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info, mine)
        return True


_FORMATTER = logging.Formatter()


def guard(token: str) -> RedactToken:
    """Attach the filter to every existing PTB/httpx logger; returns it for :func:`unguard`."""
    redact = RedactToken(token)
    for logger in _loggers():
        logger.addFilter(redact)
    return redact


def unguard(redact: RedactToken) -> None:
    for logger in _loggers():
        logger.removeFilter(redact)


def _loggers() -> list[logging.Logger]:
    names = [n for n in logging.root.manager.loggerDict if n.startswith(PREFIXES)]
    return [logging.getLogger(n) for n in (*PREFIXES, *names)]
