"""The outbox: priorities, flood limits, coalescing, retry_after, retries, drops, counters."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from collections.abc import Callable

import pytest

from bot.outbox import Job
from bot.outbox import Outbox
from bot.outbox import Priority
from bot.outbox import RejectedError
from bot.outbox import SendError
from bot.outbox import ThrottledError
from bot.outbox import TransientError
from bot.outbox import UnreachableError
from bot.settings import RateLimits
from tests.bot.conftest import wait_for

FAST = RateLimits(1000, 1000, 1000, 1000, 1000)


class FakeSender:
    def __init__(self) -> None:
        self.calls: list[tuple[float, str, int, str]] = []  # (time, kind, chat, text)
        self.errors: list[SendError] = []

    def _record(self, kind: str, chat: int, text: str) -> int:
        self.calls.append((time.monotonic(), kind, chat, text))
        if self.errors:
            raise self.errors.pop(0)
        return len(self.calls)

    async def send_text(self, chat_id: int, text: str, buttons: object, reply_to: object) -> int:
        return self._record("text", chat_id, text)

    async def send_photo(self, chat_id: int, photo: bytes, caption: str, reply_to: object) -> int:
        return self._record("photo", chat_id, caption)

    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: object) -> None:
        self._record(f"edit {message_id}", chat_id, text)

    def texts(self, chat: int | None = None) -> list[str]:
        return [t for _, k, c, t in self.calls if chat in (None, c)]


@pytest.fixture
async def running() -> AsyncIterator[Callable[..., tuple[Outbox, FakeSender]]]:
    tasks: list[asyncio.Task[None]] = []

    def start(
        limits: RateLimits = FAST, online: bool = True, **kw: object
    ) -> tuple[Outbox, FakeSender]:
        outbox = Outbox(limits, backoff_s=(0.02, 0.1), **kw)  # type: ignore[arg-type]
        sender = FakeSender()
        if online:
            outbox.attach(sender)
        tasks.append(asyncio.get_running_loop().create_task(outbox.run()))
        return outbox, sender

    yield start
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def alert(chat: int, text: str, priority: Priority = Priority.FILL, **kw: object) -> Job:
    return Job(chat, priority, text, coalesce=True, **kw)  # type: ignore[arg-type]


async def test_critical_goes_before_replies_before_fills_before_info(running) -> None:
    outbox, sender = running(online=False)
    outbox.put(Job(4, Priority.INFO, "info"))
    outbox.put(Job(3, Priority.FILL, "fill"))
    outbox.put(Job(2, Priority.REPLY, "reply"))
    outbox.put(Job(1, Priority.CRITICAL, "critical"))
    outbox.attach(sender)
    await wait_for(lambda: len(sender.calls) == 4)
    assert sender.texts() == ["critical", "reply", "fill", "info"]


async def test_pending_alerts_for_a_chat_merge_critical_first(running) -> None:
    outbox, sender = running(online=False)
    outbox.put(alert(1, "fill a"))
    outbox.put(alert(1, "stale b", Priority.INFO))
    outbox.put(alert(1, "breaker c", Priority.CRITICAL))
    outbox.put(Job(1, Priority.REPLY, "a reply is never merged"))
    outbox.attach(sender)
    await wait_for(lambda: len(sender.calls) == 2)
    assert sender.texts() == ["breaker c\nfill a\nstale b", "a reply is never merged"]


async def test_a_burst_of_200_fills_becomes_one_message(running) -> None:
    outbox, sender = running(online=False)
    for i in range(200):
        outbox.put(
            alert(1, f"🟢 BUY 1 <b>AAPL</b> @ {100 + i / 100:.2f} · entry #{i}", kind="fill")
        )
    outbox.attach(sender)
    await wait_for(lambda: sender.calls and outbox.depth == 0)
    await asyncio.sleep(0.05)
    assert len(sender.calls) == 1
    text = sender.texts()[0]
    shown = text.count("BUY")
    more = int(text.rsplit("… and ", 1)[1].split()[0])
    assert shown + more == 200 and len(text) <= 4000
    assert outbox.stats() == {
        "outbox_depth": 0.0, "sent_total": 1.0, "failed_total": 0.0, "dropped_total": 0.0
    }  # fmt: skip


async def test_a_newer_alert_with_the_same_key_replaces_an_unsent_one(running) -> None:
    outbox, sender = running(online=False)
    outbox.put(alert(1, "feed down", Priority.CRITICAL, key="feed:md"))
    outbox.put(alert(1, "other", Priority.CRITICAL))
    outbox.put(alert(1, "feed back after 2 s", Priority.CRITICAL, key="feed:md"))
    outbox.attach(sender)
    await wait_for(lambda: sender.calls)
    assert sender.texts() == ["feed back after 2 s\nother"]


async def test_retry_after_is_honoured_and_nothing_is_lost(running) -> None:
    outbox, sender = running()
    sender.errors = [ThrottledError(0.3)]
    outbox.put(Job(1, Priority.REPLY, "one"))
    outbox.put(Job(2, Priority.REPLY, "two"))
    await wait_for(lambda: len(sender.calls) == 3)
    (t0, _, _, first), (t1, _, _, again), (t2, _, _, other) = sender.calls
    assert first == again == "one" and other == "two"
    assert t1 - t0 >= 0.29 and t2 - t0 >= 0.29  # the pause holds every chat
    assert outbox.counts.throttled == 1 and outbox.stats()["sent_total"] == 2


async def test_5xx_and_timeouts_are_retried_with_backoff(running) -> None:
    outbox, sender = running()
    sender.errors = [TransientError("500"), TransientError("502"), TransientError("timed out")]
    outbox.put(Job(1, Priority.CRITICAL, "important"))
    await wait_for(lambda: len(sender.calls) == 4)
    times = [t for t, *_ in sender.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.015 and gaps[1] >= 0.035 and gaps[2] >= 0.075  # doubling
    assert outbox.counts.retried == 3 and outbox.stats()["failed_total"] == 0


async def test_past_the_age_limit_messages_are_dropped_and_counted(running) -> None:
    now = [1000.0]
    outbox, sender = running(online=False, max_age_s=60, clock=lambda: now[0])
    outbox.put(alert(1, "old"))
    now[0] += 61
    outbox.put(alert(1, "new"))
    outbox.attach(sender)
    await wait_for(lambda: sender.calls)
    assert sender.texts() == ["new"] and outbox.stats()["dropped_total"] == 1


async def test_a_chat_that_refuses_is_given_up_others_go_on(running) -> None:
    outbox, sender = running(online=False)
    sender.errors = [UnreachableError("blocked")]
    outbox.put(Job(5, Priority.CRITICAL, "a"))
    outbox.put(Job(5, Priority.REPLY, "b"))
    outbox.put(Job(6, Priority.REPLY, "c"))
    outbox.attach(sender)
    await wait_for(lambda: len(sender.calls) == 2)
    assert sender.texts(6) == ["c"] and outbox.stats()["failed_total"] == 2
    outbox.put(alert(5, "not tried for a while"))
    assert outbox.depth == 0 and outbox.stats()["failed_total"] == 3
    outbox.put(Job(5, Priority.REPLY, "they wrote to us again"))
    await wait_for(lambda: sender.texts(5)[-1] == "they wrote to us again")


async def test_a_rejected_message_is_counted_and_the_next_one_sent(running) -> None:
    outbox, sender = running()
    sender.errors = [RejectedError("bad html")]
    outbox.put(Job(5, Priority.REPLY, "bad"))
    outbox.put(Job(5, Priority.REPLY, "good"))
    await wait_for(lambda: len(sender.calls) == 2)
    assert outbox.stats()["failed_total"] == 1 and outbox.stats()["sent_total"] == 1


async def test_one_message_per_chat_per_interval_after_a_small_burst(running) -> None:
    outbox, sender = running(RateLimits(1000, chat_per_s=20, chat_burst=2))
    for i in range(6):
        outbox.put(Job(1, Priority.REPLY, f"r{i}"))
    await wait_for(lambda: len(sender.calls) == 6)
    times = [t for t, *_ in sender.calls]
    assert times[1] - times[0] < 0.03  # the burst
    assert all(b - a >= 0.04 for a, b in itertools.pairwise(times[2:]))
    assert times[-1] - times[0] >= 0.18


async def test_groups_are_slower_and_the_overall_limit_holds(running) -> None:
    outbox, sender = running(RateLimits(5, 1000, 1000, group_per_s=10, group_burst=1))
    for chat in range(1, 11):
        outbox.put(Job(chat, Priority.REPLY, "x"))
    for _ in range(3):
        outbox.put(Job(-100, Priority.REPLY, "g"))
    await wait_for(lambda: len(sender.calls) == 13, 10)
    times = sorted(t for t, *_ in sender.calls)
    window = [t for t in times if t - times[0] < 0.99]
    assert len(window) <= 5 + 5  # burst of 5, then 5 a second
    group = [t for t, _, c, _ in sender.calls if c == -100]
    assert all(b - a >= 0.09 for a, b in itertools.pairwise(group))


async def test_long_texts_are_split_edits_and_photos_pass_through(running) -> None:
    outbox, sender = running()
    seen: list[int] = []
    outbox.put(Job(1, Priority.REPLY, "\n".join(["line " * 20] * 200), on_sent=seen.append))
    outbox.put(Job(1, Priority.REPLY, "edited", edit_id=42))
    outbox.put(Job(1, Priority.REPLY, "caption", photo=b"png"))
    await wait_for(lambda: outbox.depth == 0 and len(sender.calls) >= 5)
    kinds = [k for _, k, _, _ in sender.calls]
    assert kinds.count("text") >= 3 and "edit 42" in kinds and "photo" in kinds
    assert all(len(t) <= 4000 for t in sender.texts())
    assert seen == [1]


async def test_overflow_sheds_the_least_urgent_and_flush_waits(running) -> None:
    outbox, sender = running(online=False, max_pending=10)
    for i in range(15):
        outbox.put(Job(1, Priority.INFO, f"i{i}"))
    outbox.put(Job(1, Priority.CRITICAL, "keep"))
    assert outbox.depth == 10 and outbox.stats()["dropped_total"] == 6
    outbox.attach(sender)
    assert await outbox.flush(5)
    assert sender.texts()[0] == "keep"
