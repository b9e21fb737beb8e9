"""Keeping label values few and tidy, whatever text the engine or a venue sends."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")
MAX_LEN = 48
OTHER = "other"


def tidy(text: str, empty: str = "unspecified") -> str:
    """A short label value: runs of other characters become ``_``, cut at 48."""
    value = _UNSAFE.sub("_", text.strip()).strip("_")[:MAX_LEN]
    return value or empty


class BoundedValues:
    """Admit at most ``limit`` distinct values; later newcomers become ``other``.

    Reason codes from the engine are a short fixed set; a venue's rejection
    message is free text, and must not grow a series per message.
    """

    __slots__ = ("_limit", "_seen")

    def __init__(self, limit: int = 32) -> None:
        self._limit = limit
        self._seen: set[str] = set()

    def __call__(self, text: str) -> str:
        value = tidy(text)
        if value in self._seen:
            return value
        if len(self._seen) >= self._limit:
            return OTHER
        self._seen.add(value)
        return value
