"""Waiting without sleeps: poll a condition until it holds, failing at a deadline.

A deadline is how long a test is willing to wait for a failure to show, never a claim
about speed. ``until``/``until_async`` poll with the usual defaults; a folder that wants
other ones makes its own with ``poller(timeout, every)``/``async_poller(timeout, every)``
(``every``: the pause between polls).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any

Until = Callable[..., Coroutine[Any, Any, Any]]


def _timed_out(timeout: float, what: object) -> AssertionError:
    return AssertionError(f"timed out after {timeout}s waiting for {what}")


def poller(timeout: float = 10.0, every: float = 0.02) -> Until:
    """``await until(check, timeout, what)``: poll ``check`` until it returns something
    truthy (returned); fail after ``timeout`` seconds."""
    default = timeout

    async def until(check: Callable[[], Any], timeout: float = default, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while not (value := check()):
            if time.monotonic() > deadline:
                raise _timed_out(timeout, what or check)
            await asyncio.sleep(every)
        return value

    return until


def async_poller(timeout: float = 10.0, every: float = 0.05) -> Until:
    """``poller`` for a coroutine check."""
    default = timeout

    async def until_async(
        check: Callable[[], Awaitable[Any]], timeout: float = default, what: str = ""
    ) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := await check()):
            if time.monotonic() > deadline:
                raise _timed_out(timeout, what or check)
            await asyncio.sleep(every)
        return value

    return until_async


until = poller()
until_async = async_poller()
