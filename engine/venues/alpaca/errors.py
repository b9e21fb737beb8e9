"""What can go wrong talking to Alpaca, as exceptions (no secret ever in a message)."""

from __future__ import annotations

from engine.venues.base import VenueError

FATAL_STREAM_CODES = {
    400: "invalid syntax",
    402: "auth failed",
    405: "symbol limit exceeded",
    409: "insufficient subscription",
}
CONNECTION_LIMIT = 406


class AlpacaStreamError(VenueError):
    """A stream refused us in a way reconnecting cannot fix: stop, loudly."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"Alpaca stream error {code}: {msg}")
        self.code = code


class AlpacaAuthError(AlpacaStreamError):
    """The credentials were refused (fail closed: never retried)."""


class ReconnectError(Exception):
    """A stream connection ended in a way worth reconnecting after."""


class ConnectionLimitError(ReconnectError):
    """406 connection limit exceeded: another session holds the slot (long backoff)."""


class AlpacaHttpError(VenueError):
    """Alpaca answered with an error status (message from its ``{code, message}`` body)."""

    def __init__(self, method: str, path: str, status: int, code: int, message: str) -> None:
        super().__init__(f"{method} {path}: HTTP {status} {code or ''} {message}".rstrip())
        self.status = status
        self.code = code
        self.message = message


class AlpacaRedirectError(VenueError):
    """The configured Alpaca URL answered with a redirect. Never followed: every
    request carries the key pair (REST headers, or the first websocket frame), so
    following could hand it to another origin, or downgrade https to http. Not
    retried: it is a wrong URL or a hostile server, not a passing fault."""


class AlpacaUnavailableError(VenueError):
    """No usable answer after the retries (timeouts, connection errors, 5xx, 429)."""


def stream_error(code: int, msg: str) -> Exception:
    """The exception for an ``{"T":"error"}`` message of the data stream."""
    if code == 402:
        return AlpacaAuthError(code, msg or "auth failed")
    if code in FATAL_STREAM_CODES:
        return AlpacaStreamError(code, msg or FATAL_STREAM_CODES[code])
    if code == CONNECTION_LIMIT:
        return ConnectionLimitError(f"{code} {msg or 'connection limit exceeded'}")
    return ReconnectError(f"error {code} {msg}")
