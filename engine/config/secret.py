"""A string that never shows itself: secrets held in the configuration."""

from __future__ import annotations

import hmac
from typing import NoReturn

MASK = "**********"


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
