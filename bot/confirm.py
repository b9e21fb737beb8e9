"""Two-step confirmation: a nonce per request, answerable once, by its requester, in time.

:meth:`Confirmations.press` is synchronous: the check and the state change happen
without an ``await`` in between, so two presses of the same button (or of
*Confirm* and *Cancel*) can never both win, even with updates handled
concurrently.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import Enum
from typing import Any

from bot.outbox import Buttons

PREFIX = "cf"


class Verdict(Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    NOT_YOURS = "not_yours"
    USED = "used"  # already confirmed or cancelled
    UNKNOWN = "unknown"  # never issued (or issued before a restart)


ANSWERS = {
    Verdict.CONFIRMED: "Working…",
    Verdict.CANCELLED: "Cancelled.",
    Verdict.EXPIRED: "Expired: nothing was done.",
    Verdict.NOT_YOURS: "Only the user who asked can answer this.",
    Verdict.USED: "Already answered.",
    Verdict.UNKNOWN: "Unknown or expired confirmation: nothing was done.",
}


@dataclass(slots=True)
class Pending:
    nonce: str
    user_id: int
    chat_id: int
    command: str
    args: Mapping[str, Any]
    raw_args: str
    expires_at: float
    message_id: int | None = field(default=None)

    def attach(self, message_id: int) -> None:
        """Remember the prompt's message id (the outbox calls this once it is sent)."""
        self.message_id = message_id

    @property
    def label(self) -> str:
        return f"/{self.command}{' ' + self.raw_args if self.raw_args else ''}"


class Confirmations:
    """Open requests by nonce, and a bounded memory of answered ones."""

    def __init__(
        self, ttl_s: float, clock: Callable[[], float] = time.monotonic, remember: int = 1000
    ) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._open: dict[str, Pending] = {}
        self._done: OrderedDict[str, Verdict] = OrderedDict()
        self._remember = remember

    def open(
        self, user_id: int, chat_id: int, command: str, args: Mapping[str, Any], raw_args: str
    ) -> Pending:
        nonce = secrets.token_urlsafe(9)
        pending = Pending(
            nonce, user_id, chat_id, command, dict(args), raw_args, self._clock() + self.ttl_s
        )
        self._open[nonce] = pending
        return pending

    def press(
        self, nonce: str, user_id: int, chat_id: int, yes: bool
    ) -> tuple[Verdict, Pending | None]:
        """Decide a button press; at most one press per nonce gets CONFIRMED or CANCELLED."""
        pending = self._open.get(nonce)
        if pending is None:
            return self._done.get(nonce, Verdict.UNKNOWN), None
        if pending.user_id != user_id or pending.chat_id != chat_id:
            return Verdict.NOT_YOURS, pending
        del self._open[nonce]
        if self._clock() > pending.expires_at:
            self._finish(nonce, Verdict.EXPIRED)
            return Verdict.EXPIRED, pending
        self._finish(nonce, Verdict.USED)
        return (Verdict.CONFIRMED if yes else Verdict.CANCELLED), pending

    def sweep(self) -> list[Pending]:
        """Remove and return every request past its expiry."""
        now = self._clock()
        gone = [p for p in self._open.values() if now > p.expires_at]
        for p in gone:
            del self._open[p.nonce]
            self._finish(p.nonce, Verdict.EXPIRED)
        return gone

    @property
    def open_count(self) -> int:
        return len(self._open)

    def _finish(self, nonce: str, verdict: Verdict) -> None:
        self._done[nonce] = verdict
        while len(self._done) > self._remember:
            self._done.popitem(last=False)


def buttons(pending: Pending) -> Buttons:
    """Confirm / Cancel; callback data ``cf:<nonce>:y|n`` (well under 64 bytes)."""
    return (
        (
            ("✅ Confirm", f"{PREFIX}:{pending.nonce}:y"),
            ("✖️ Cancel", f"{PREFIX}:{pending.nonce}:n"),
        ),
    )


def parse_data(data: str) -> tuple[str, bool] | None:
    """(nonce, yes) from callback data, or None when it is not ours."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[2] not in ("y", "n") or not parts[1]:
        return None
    return parts[1], parts[2] == "y"
