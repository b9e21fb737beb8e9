"""Binance error answers: :class:`BinanceError`, and what each one means for an order.

Binance answers an error with ``{"code": <int>, "msg": "<text>"}`` (P§2.2).
:func:`classify` maps ``(http status, code)`` to an :class:`Outcome`; the rule the
trader relies on: **HTTP >= 500, code -1000, -1001, -1006 or -1007 (at any status), no answer at all
(``http=0``: a timeout, a dropped connection) or an unreadable 2xx are AMBIGUOUS** -- the
order may or may not exist. An ambiguous submit is never retried; it is resolved by a
query by client id or by the user stream. 429 is RATE_LIMITED and 418 BANNED (nothing
placed; wait out ``Retry-After``). Codes marked [verify] in the design are kept in the
one table :data:`CODE_OUTCOMES`, so a correction is one line.

A :class:`BinanceError` never shows a secret or a signed query: its text is Binance's
``msg`` with registered secrets redacted and any ``signature=`` value cut, and its path
has no query string.
"""

from __future__ import annotations

import re
from enum import Enum

from engine.config.secret import redact

NO_ANSWER = 0  # the ``http`` of a request that got no status line (timeout, dropped)
_MAX_MSG = 300
_SIGNATURE = re.compile(r"(signature=)[^&\s'\"]*", re.IGNORECASE)
_QUERY = re.compile(r"\?\S*")


class Outcome(Enum):
    """What an error answer means for the request that got it."""

    REJECTED = "rejected"  # not executed; a plain refusal
    AMBIGUOUS = "ambiguous"  # may have executed: resolve by query, never resend
    RATE_LIMITED = "rate_limited"  # 429: not executed; pause until Retry-After
    BANNED = "banned"  # 418: IP banned until Retry-After; not executed
    CLOCK = "clock"  # -1021: not executed; resample the server time
    AUTH = "auth"  # key, IP, permissions or signature refused: halt entries, alert
    UNKNOWN_ORDER = "unknown_order"  # -2011 cancel / -2013 query: no such order


CODE_OUTCOMES: dict[int, Outcome] = {
    # -1000 UNKNOWN and -1001 DISCONNECTED do not say the request was not executed:
    # called rejected, a close would be sent again (on spot, a second sale).
    -1000: Outcome.AMBIGUOUS,  # an unknown error while processing the request
    -1001: Outcome.AMBIGUOUS,  # internal error; unable to process your request
    -1003: Outcome.RATE_LIMITED,  # too much request weight (418 makes it BANNED)
    -1006: Outcome.AMBIGUOUS,  # unexpected response from the message bus [verify]
    -1007: Outcome.AMBIGUOUS,  # timeout waiting for the backend: execution status unknown
    -1021: Outcome.CLOCK,  # timestamp outside recvWindow, or 1000 ms ahead
    -1022: Outcome.AUTH,  # signature not valid
    -2014: Outcome.AUTH,  # API-key format invalid
    -2015: Outcome.AUTH,  # invalid API-key, IP, or permissions
    -2011: Outcome.UNKNOWN_ORDER,  # cancel: unknown order sent
    -2013: Outcome.UNKNOWN_ORDER,  # query: order does not exist
}
AMBIGUOUS_CODES = frozenset(c for c, o in CODE_OUTCOMES.items() if o is Outcome.AMBIGUOUS)

HTTP_SERVER_ERROR = 500
HTTP_BANNED = 418
HTTP_TOO_MANY = 429
HTTP_UNAUTHORIZED = 401
_OK_RANGE = range(200, 300)


def classify(http: int, code: int | None) -> Outcome:
    """The outcome of an answer with status ``http`` (``NO_ANSWER`` if none came) and
    Binance ``code`` (None if the body was not a readable ``{"code","msg"}``)."""
    if http >= HTTP_SERVER_ERROR or http == NO_ANSWER or http in _OK_RANGE:
        return Outcome.AMBIGUOUS  # a 2xx reaching here had an unreadable body
    if code in AMBIGUOUS_CODES:
        return Outcome.AMBIGUOUS
    if http == HTTP_BANNED:
        return Outcome.BANNED
    if http == HTTP_TOO_MANY:
        return Outcome.RATE_LIMITED
    if code is not None and code in CODE_OUTCOMES:
        return CODE_OUTCOMES[code]
    if http == HTTP_UNAUTHORIZED:
        return Outcome.AUTH
    return Outcome.REJECTED


def clean(text: str) -> str:
    """``text`` safe to show: secrets redacted, signatures and query strings cut, capped."""
    text = _QUERY.sub("?…", _SIGNATURE.sub(r"\1…", text))
    text = redact(text)
    return text if len(text) <= _MAX_MSG else text[:_MAX_MSG] + "…"


class BinanceError(Exception):
    """Binance answered a request with an error: HTTP status, Binance code (0 if none),
    message and :attr:`outcome`. Not a ``VenueError`` (which promises nothing is
    ambiguous): check ``outcome`` before treating it as a refusal."""

    def __init__(self, http: int, code: int | None, msg: str, path: str = "") -> None:
        self.http = http
        self.code = 0 if code is None else code
        self.msg = clean(msg)
        self.path = path.split("?", 1)[0]
        self.outcome = classify(http, code)
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}HTTP {http} {self.code} {self.msg}".rstrip())

    def __repr__(self) -> str:
        return f"BinanceError(http={self.http}, code={self.code}, msg={self.msg!r})"
