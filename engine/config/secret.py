"""A string that never shows itself: secrets held in the configuration."""

from __future__ import annotations

import hmac
from typing import NoReturn

MASK = "**********"

_LOADED: set[str] = set()


REDACTED = "***"
MIN_REDACTED_LEN = 4  # shorter values would mangle ordinary text and reveal little


def loaded_secrets() -> frozenset[str]:
    """Every secret value this process has loaded into a :class:`SecretStr` (the log
    redactor reads it, so a secret is redacted from the moment it is loaded)."""
    return frozenset(_LOADED)


def redact(text: str, extra: frozenset[str] = frozenset()) -> str:
    """``text`` with every loaded secret (and any in ``extra``) replaced by ``***``,
    longest first (for logs, chat replies and error messages)."""
    secrets = loaded_secrets() | extra
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= MIN_REDACTED_LEN and secret in text:
            text = text.replace(secret, REDACTED)
    return text


class SecretStr:
    """A secret value whose ``repr``, ``str`` and format are masked.

    Read the value only where it is used (a header, a login call) with
    :meth:`get_secret_value`; never log or store it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret must be a string")
        self._value = value
        if value:
            _LOADED.add(value)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretStr('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretStr):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((SecretStr, self._value))

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a SecretStr is not picklable")
