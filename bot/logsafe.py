"""Keep the bot token out of log lines written by PTB and httpx (URLs contain it).

The runtime's log handler redacts the secrets it was given; this is the second
lock: a filter on every ``telegram*``/``httpx``/``httpcore`` logger that replaces
the token in a record's message before any handler sees it.
"""

from __future__ import annotations

import logging

PREFIXES = ("telegram", "httpx", "httpcore")


class RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, "***"), None
        return True


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
