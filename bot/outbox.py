"""The outbox: the one task that sends to Telegram, so Telegram can never slow trading.

Everything the bot says is queued here as a :class:`Job`; :meth:`Outbox.put` is
synchronous and cheap. The task sends in priority order (critical alerts, then
command replies, then fills, then info), under token buckets that respect the
Bot API's flood limits (overall, per chat, per group). Pending alerts for a chat
are coalesced into one message when they queue up; an overflow of fill alerts
is summarised in a line. ``retry_after`` pauses sending; 5xx and network errors
are retried with backoff; nothing is dropped except past an age limit or for a
chat that refuses messages, and every drop is counted.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from enum import IntEnum
from typing import Protocol

from bot.render import SAFE_MESSAGE
from bot.render import split_message
from bot.settings import RateLimits
from engine.control import redact_secrets

log = logging.getLogger("scalpbot.telegram.outbox")

Buttons = tuple[tuple[tuple[str, str], ...], ...]
"""An inline keyboard: rows of (label, callback data)."""


class Priority(IntEnum):
    CRITICAL = 0
    REPLY = 1
    FILL = 2
    INFO = 3


class SendError(Exception):
    """A send failed; the subclass says what to do about it."""


class ThrottledError(SendError):
    """429: wait ``retry_after`` seconds, then send again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:g} s")
        self.retry_after = retry_after


class TransientError(SendError):
    """5xx, a time-out or a network error: send again after a backoff."""


class UnreachableError(SendError):
    """403 or an unknown chat: the chat will not take messages now."""


class RejectedError(SendError):
    """400: this message can never be sent as it is."""


class Sender(Protocol):
    async def send_text(
        self, chat_id: int, text: str, buttons: Buttons | None, reply_to: int | None
    ) -> int:
        """Send and return the message id."""
        ...

    async def send_photo(
        self, chat_id: int, photo: bytes, caption: str, reply_to: int | None
    ) -> int: ...

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Buttons | None
    ) -> None:
        """Edit; an unchanged message is not an error."""
        ...


@dataclass(slots=True)
class Job:
    chat_id: int
    priority: Priority
    text: str = ""
    photo: bytes | None = None
    buttons: Buttons | None = None
    edit_id: int | None = None  # edit this message instead of sending a new one
    reply_to: int | None = None  # the command message this answers
    key: str = ""  # an unsent job with the same key in the same chat is replaced
    kind: str = ""  # "fill" overflow is summarised in one line
    coalesce: bool = False  # alerts: may be merged with other pending alerts
    on_sent: Callable[[int], None] | None = None
    created: float = 0.0
    seq: int = 0

    def order(self) -> tuple[int, int]:
        return (self.priority, self.seq)


class Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def ready_at(self, now: float) -> float:
        self._refill(now)
        return now if self.tokens >= 1 else now + (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.burst


@dataclass(slots=True)
class Counters:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    throttled: int = 0
    retried: int = 0
    coalesced: int = 0
    by_chat: dict[int, int] = field(default_factory=dict)


MERGE_BUDGET = SAFE_MESSAGE - 100


class Outbox:
    """Queue and send; run :meth:`run` as one task, feed it with :meth:`put`."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        max_age_s: float = 900.0,
        max_pending: int = 20_000,
        backoff_s: tuple[float, float] = (0.5, 30.0),
        pull: Callable[[], Iterable[Job]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = limits
        self._max_age = max_age_s
        self._max_pending = max_pending
        self._backoff_min, self._backoff_max = backoff_s
        self.pull = pull
        self._clock = clock
        self._sender: Sender | None = None
        self._queues: dict[int, list[Job]] = {}
        self._buckets: dict[int, Bucket] = {}
        self._global = Bucket(limits.global_per_s, limits.global_per_s, clock())
        self._wake = asyncio.Event()
        self._paused_until = 0.0
        self._backoff = 0.0
        self._seq = 0
        self._depth = 0
        self._sending = False
        self._last_sweep = 0.0
        self._last_warning: dict[str, float] = {}
        self._refusing: dict[int, float] = {}  # chat -> until when alerts are not tried
        self.refusing_s = 600.0
        self.counts = Counters()

    # -- feeding (synchronous, cheap) -----------------------------------------------

    def attach(self, sender: Sender | None) -> None:
        """Start (or stop, with None) sending through ``sender``."""
        self._sender = sender
        self._wake.set()

    @property
    def online(self) -> bool:
        return self._sender is not None

    def wake(self) -> None:
        self._wake.set()

    def put(self, job: Job) -> None:
        """Queue ``job`` (a long text becomes several messages, in order). No secret the
        process has loaded is ever sent: any in the text is replaced by ``***``."""
        clean = redact_secrets(job.text) if job.text else job.text
        if clean != job.text:
            job = replace(job, text=clean)
        if job.text and len(job.text) > SAFE_MESSAGE and job.photo is None:
            parts = split_message(job.text)
            self._put_one(replace(job, text=parts[0]))
            for part in parts[1:]:
                self._put_one(Job(job.chat_id, job.priority, part, coalesce=False))
            return
        self._put_one(job)

    def _put_one(self, job: Job) -> None:
        job.created = job.created or self._clock()
        if job.chat_id in self._refusing:
            if job.priority is Priority.REPLY:  # the user wrote to us: reachable again
                del self._refusing[job.chat_id]
            elif job.created < self._refusing[job.chat_id]:
                self.counts.failed += 1
                return
        self._seq += 1
        job.seq = self._seq
        queue = self._queues.setdefault(job.chat_id, [])
        if job.key:
            for i, old in enumerate(queue):
                if old.key == job.key:
                    job.seq = min(job.seq, old.seq)
                    job.priority = min(job.priority, old.priority)
                    del queue[i]
                    self._depth -= 1
                    self.counts.coalesced += 1
                    break
        bisect.insort(queue, job, key=Job.order)
        self._depth += 1
        if self._depth > self._max_pending:
            self._shed()
        self._wake.set()

    def _shed(self) -> None:
        """Over the cap: drop the newest job of the least urgent kind."""
        worst = max((q[-1] for q in self._queues.values() if q), key=lambda j: (j.priority, j.seq))
        self._queues[worst.chat_id].pop()
        self._depth -= 1
        self.counts.dropped += 1

    # -- reading -----------------------------------------------------------------------

    @property
    def depth(self) -> int:
        return self._depth

    def stats(self) -> dict[str, float]:
        c = self.counts
        return {
            "outbox_depth": float(self._depth),
            "sent_total": float(c.sent),
            "failed_total": float(c.failed),
            "dropped_total": float(c.dropped),
        }

    async def flush(self, timeout: float) -> bool:
        """Wait until everything queued is sent (True) or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while self._depth or self._sending:
            if time.monotonic() > deadline or not self.online:
                return False
            await asyncio.sleep(0.02)
        return True

    # -- the task ----------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            self._wake.clear()
            if self.pull is not None:
                for job in self.pull():
                    self.put(job)
                self._wake.clear()
            now = self._clock()
            self._sweep(now)
            delay = self._next_delay(now)
            if delay is None:
                await self._wake.wait()
                continue
            if delay > 0:
                await self._sleep(delay)
                continue
            await self._send_next(now)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def _next_delay(self, now: float) -> float | None:
        """Seconds until something can be sent (0: now), or None when idle."""
        if self._sender is None or not self._depth:
            return None
        if now < self._paused_until:
            return self._paused_until - now
        ready = min(
            (self._bucket(chat, now).ready_at(now) for chat, q in self._queues.items() if q),
            default=None,
        )
        if ready is None:
            return None
        return max(ready, self._global.ready_at(now)) - now

    def _bucket(self, chat_id: int, now: float) -> Bucket:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            lim = self._limits
            rate, burst = (
                (lim.group_per_s, lim.group_burst)
                if chat_id < 0
                else (lim.chat_per_s, lim.chat_burst)
            )
            bucket = self._buckets[chat_id] = Bucket(rate, burst, now)
        return bucket

    def _pick(self, now: float) -> int | None:
        """The chat whose most urgent job is the most urgent among chats ready now."""
        best: tuple[tuple[int, int], int] | None = None
        for chat, queue in self._queues.items():
            if queue and self._bucket(chat, now).ready_at(now) <= now:
                head = queue[0].order()
                if best is None or head < best[0]:
                    best = (head, chat)
        return None if best is None else best[1]

    async def _send_next(self, now: float) -> None:
        chat = self._pick(now)
        sender = self._sender
        if chat is None or sender is None:
            return
        jobs, text = self._take(chat)
        self._bucket(chat, now).take(now)
        self._global.take(now)
        self._sending = True
        try:
            message_id = await self._deliver(sender, jobs[0], text)
        except ThrottledError as exc:
            self.counts.throttled += 1
            self._paused_until = self._clock() + exc.retry_after
            self._requeue(jobs)
            self._warn("429", "telegram flood limit: pausing sends for %.1f s", exc.retry_after)
        except TransientError as exc:
            self.counts.retried += 1
            self._backoff = min(self._backoff_max, self._backoff * 2 or self._backoff_min)
            self._paused_until = self._clock() + self._backoff
            self._requeue(jobs)
            self._warn("5xx", "telegram send failed (%s): retrying in %.1f s", exc, self._backoff)
        except UnreachableError as exc:
            self._give_up(jobs, f"chat {chat} unreachable: {exc}")
            self._refusing[chat] = self._clock() + self.refusing_s
            rest = self._queues.pop(chat, [])
            self._depth -= len(rest)
            self._give_up(rest, "")
        except RejectedError as exc:
            self._give_up(jobs, f"message to chat {chat} rejected: {exc}")
        else:
            self._backoff = 0.0
            self.counts.sent += 1
            self.counts.by_chat[chat] = self.counts.by_chat.get(chat, 0) + 1
            for job in jobs:
                if job.on_sent is not None and message_id:
                    job.on_sent(message_id)
        finally:
            self._sending = False

    async def _deliver(self, sender: Sender, head: Job, text: str) -> int:
        if head.edit_id is not None:
            await sender.edit_text(head.chat_id, head.edit_id, text, head.buttons)
            return head.edit_id
        if head.photo is not None:
            return await sender.send_photo(head.chat_id, head.photo, text, head.reply_to)
        return await sender.send_text(head.chat_id, text, head.buttons, head.reply_to)

    def _take(self, chat: int) -> tuple[list[Job], str]:
        """Pop the next message's jobs: the head alone, or the head and other alerts merged."""
        queue = self._queues[chat]
        head = queue[0]
        if not head.coalesce:
            queue.pop(0)
            self._depth -= 1
            return [head], head.text
        merged: list[Job] = []
        overflow: list[Job] = []
        size = 0
        for job in queue:
            if not job.coalesce:
                continue
            if not merged or size + len(job.text) + 1 <= MERGE_BUDGET:
                merged.append(job)
                size += len(job.text) + 1
            elif job.kind == "fill":
                overflow.append(job)
        taken = {id(j) for j in merged} | {id(j) for j in overflow}
        self._queues[chat] = [j for j in queue if id(j) not in taken]
        self._depth -= len(taken)
        self.counts.coalesced += len(taken) - 1
        text = "\n".join(j.text for j in merged)
        if overflow:
            text += f"\n… and {len(overflow)} more fills (see /trades)"
        return merged + overflow, text

    def _warn(self, kind: str, message: str, *args: object) -> None:
        """Log a send problem at most every 30 s per kind (an outage is one story)."""
        now = self._clock()
        if now - self._last_warning.get(kind, -1e18) >= 30.0:
            self._last_warning[kind] = now
            c = self.counts
            log.warning(
                message + " [throttled %d, retried %d, queued %d]",
                *args,
                c.throttled,
                c.retried,
                self._depth,
            )

    def _requeue(self, jobs: list[Job]) -> None:
        for job in jobs:
            queue = self._queues.setdefault(job.chat_id, [])
            bisect.insort(queue, job, key=Job.order)
            self._depth += 1

    def _give_up(self, jobs: list[Job], why: str) -> None:
        if not jobs:
            return
        self.counts.failed += len(jobs)
        if why:
            log.warning("telegram: %s (%d message(s) given up)", why, len(jobs))

    def _sweep(self, now: float) -> None:
        """Drop what has waited past the age limit (at most once a second)."""
        if now - self._last_sweep < 1.0:
            return
        self._last_sweep = now
        oldest = now - self._max_age
        for chat, queue in list(self._queues.items()):
            kept = [j for j in queue if j.created >= oldest]
            stale = len(queue) - len(kept)
            if stale:
                self.counts.dropped += stale
                self._depth -= stale
                log.warning("telegram: dropped %d message(s) past the age limit", stale)
            if kept:
                self._queues[chat] = kept
            else:
                del self._queues[chat]
                bucket = self._buckets.get(chat)
                if bucket is not None and bucket.full(now) and len(self._buckets) > 256:
                    del self._buckets[chat]
