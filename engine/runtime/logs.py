"""Structured logs: plain text or one JSON object per line, secrets redacted.

Redaction covers everything a handler writes: the message, the formatted
exception (traceback and chained causes), ``stack_info`` and ``extra`` fields.
The secrets are those given to :func:`setup_logging` plus every
:class:`~engine.config.SecretStr` the process has loaded (registered when it was
created), so a credential read from the environment or a file is redacted
without anyone passing it here by hand.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from engine.config.secret import redact

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class Redactor:
    """Replaces known secret values in text with ``***``: those given here and every
    secret the process has loaded (:func:`engine.config.secret.redact`)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._given = frozenset(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        return redact(text, self._given)


class RedactSecrets(logging.Filter):
    """Redact a record before any formatter sees it: message, exception text (with
    its traceback and causes), stack info and string ``extra`` fields."""

    def __init__(self, secrets: Iterable[str] = (), redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redactor if redactor is not None else Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redact
        msg = record.getMessage()
        clean = redact(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


_FORMATTER = logging.Formatter()


class TextFormatter(logging.Formatter):
    """The usual one-line text format; the whole output is redacted once more."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, any ``extra`` fields, and
    ``exc``/``stack`` when present; every value redacted before encoding."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redact if redact is not None else Redactor()

    def format(self, record: logging.LogRecord) -> str:
        redact = self._redact
        out: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                keep = isinstance(value, (int, float, bool))
                out[key] = value if keep else redact(str(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = redact(record.exc_text)
        if record.stack_info:
            out["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(out, default=str)


def make_handler(
    stream: TextIO, json_lines: bool = False, secrets: Iterable[str] = ()
) -> logging.Handler:
    """A stream handler that writes text or JSON lines with every secret redacted."""
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(redactor) if json_lines else TextFormatter(redactor))
    handler.addFilter(RedactSecrets(redactor=redactor))
    return handler


def setup_logging(
    level: str = "info", json_lines: bool = False, secrets: Iterable[str] = ()
) -> None:
    """Configure the root logger once for the process (stderr)."""
    root = logging.getLogger()
    handler = make_handler(sys.stderr, json_lines, secrets)
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Third-party records (python-telegram-bot, httpx, aiohttp, asyncio) reach the root
    # handler above; a library that attached a handler of its own is redacted too.
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            for own in logger.handlers:
                if not any(isinstance(f, RedactSecrets) for f in own.filters):
                    own.addFilter(handler.filters[0])
    for noisy in ("aiohttp.access", "apscheduler", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
