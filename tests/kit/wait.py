"""Waiting without sleeps: poll a condition until it holds, failing at a deadline.

A deadline is how long a test is willing to wait for a failure to show, never a claim
about speed. ``every`` is the pause between polls; folders that poll tighter bind it
with :func:`functools.partial`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


async def until(
    check: Callable[[], Any], timeout: float = 10.0, what: str = "", *, every: float = 0.02
) -> Any:
    """Poll ``check`` until it returns something truthy (returned); fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(every)
    return value


async def until_async(
    check: Callable[[], Awaitable[Any]],
    timeout: float = 10.0,
    what: str = "",
    *,
    every: float = 0.05,
) -> Any:
    """``until`` for a coroutine check."""
    deadline = time.monotonic() + timeout
    while not (value := await check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(every)
    return value
