"""Bounds on what a user can make the bot do: commands per user, and refusal audit rows.

:class:`CommandBudget` is a token bucket per allow-listed user: a burst, then a
steady rate (a /chart costs CPU, and nobody types faster than that).
:class:`RefusalAudit` writes the first refusal of a user at once and folds the
rest of a window into one summary row, the window doubling while the refusals
keep coming, so a stranger's thousand commands cost a handful of rows and never
push real records out of ``/audit``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

AuditFn = Callable[[str, str, str, str], None]  # actor, action, args, outcome
MAX_ACTIONS_SHOWN = 5


class CommandBudget:
    """``per_minute`` commands a minute per user, after a burst of ``burst``."""

    def __init__(
        self, per_minute: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._burst = max(burst, 1.0)
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, at)

    def take(self, user_id: int) -> float:
        """0 when the user may run a command now (one is spent), else seconds to wait."""
        now = self._clock()
        tokens, at = self._buckets.get(user_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        if tokens >= 1.0:
            self._buckets[user_id] = (tokens - 1.0, now)
            return 0.0
        self._buckets[user_id] = (tokens, now)
        return (1.0 - tokens) / self._rate


@dataclass(slots=True)
class _Window:
    start: float
    length: float
    count: int = 0
    reason: str = ""
    actions: list[str] = field(default_factory=list)


class RefusalAudit:
    """Refusal audit rows, aggregated per user (and for a crowd of new users).

    A user's first refusal is written as it is and opens a window of ``window_s``;
    later refusals in the window are counted, and when it ends one summary row
    says how many there were. A window that had refusals is followed by one twice
    as long (up to ``max_window_s``); a quiet one closes. At most ``new_per_window``
    users get a row of their own per ``window_s``; past that, refusals from further
    users are one summary row (actor ``tg:*``). :meth:`flush` writes what is due.
    """

    def __init__(
        self,
        audit: AuditFn,
        window_s: float = 60.0,
        *,
        max_window_s: float = 3600.0,
        new_per_window: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._audit = audit
        self._window = window_s
        self._max_window = max(max_window_s, window_s)
        self._new_per_window = new_per_window
        self._clock = clock
        self._users: dict[int, _Window] = {}
        self._crowd = _Window(clock(), window_s)
        self._crowd_new = 0
        self._crowd_users: set[int] = set()

    def refused(self, user_id: int, action: str, reason: str) -> None:
        now = self._clock()
        self.flush(now)
        window = self._users.get(user_id)
        if window is not None:
            self._count(window, action, reason)
            return
        if self._crowd_new >= self._new_per_window:
            self._count(self._crowd, action, reason)
            if len(self._crowd_users) < 100_000:
                self._crowd_users.add(user_id)
            return
        self._crowd_new += 1
        self._audit(f"tg:{user_id}", action, "", f"refused: {reason}")
        self._users[user_id] = _Window(now, self._window)

    def flush(self, now: float | None = None) -> None:
        """Write the summary of every window that has ended."""
        now = self._clock() if now is None else now
        for user_id, window in list(self._users.items()):
            if now - window.start < window.length:
                continue
            if window.count:
                self._summary(f"tg:{user_id}", window, "")
                length = min(window.length * 2, self._max_window)
                self._users[user_id] = _Window(now, length)
            else:
                del self._users[user_id]
        crowd = self._crowd
        if now - crowd.start >= crowd.length:
            if crowd.count:
                self._summary("tg:*", crowd, f" from {len(self._crowd_users)} more users")
            self._crowd = _Window(now, self._window)
            self._crowd_new = 0
            self._crowd_users.clear()

    @staticmethod
    def _count(window: _Window, action: str, reason: str) -> None:
        window.count += 1
        window.reason = reason
        if action not in window.actions and len(window.actions) < MAX_ACTIONS_SHOWN:
            window.actions.append(action)

    def _summary(self, actor: str, window: _Window, who: str) -> None:
        actions = ", ".join(window.actions)
        outcome = (
            f"refused: {window.count} more{who} in {window.length:.0f} s, not audited one by"
            f" one (last: {window.reason})"
        )
        self._audit(actor, actions, "", outcome)
