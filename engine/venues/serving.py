"""Serving a simulated venue on loopback: one listener, and one run until a signal.

Both simulators (Alpaca's wire in ``engine.venues.sim``, Binance's in
``engine.venues.binance_sim``) listen the same way and run as their own process the
same way; this module is that one way. It imports nothing of either simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from typing import Protocol
from typing import TypeVar

from aiohttp import web


class Servable(Protocol):
    """A venue that listens on ``host:port`` (0: any free port) and stops cleanly."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int: ...

    async def stop(self) -> None: ...


V = TypeVar("V", bound=Servable)


async def listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str, int]:
    """Start ``app`` on ``host:port``; returns the runner, the host to reach it by (a
    wildcard address is reached on 127.0.0.1) and the port it listens on."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    reach = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return runner, reach, int(runner.addresses[0][1])


async def serve_until_signal(
    venue: V, host: str, port: int, on_ready: Callable[[V], None] | None = None
) -> None:
    """Run ``venue`` until SIGINT or SIGTERM (or cancellation), then stop it cleanly;
    ``on_ready`` is called once it listens (e.g. to print the URL)."""
    await venue.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        if on_ready is not None:
            on_ready(venue)
        await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await venue.stop()
