"""Serving a fake on loopback: one aiohttp application on a free (or given) port."""

from __future__ import annotations

from typing import Any

from aiohttp import web

HOST = "127.0.0.1"


async def serve(app: web.Application, port: int = 0, **runner: Any) -> tuple[web.AppRunner, int]:
    """Start ``app`` on ``HOST:port`` (0: a free port) with no access log; returns its
    runner (``await runner.cleanup()`` stops it) and the port it listens on.
    ``runner``: more AppRunner arguments (e.g. ``shutdown_timeout``)."""
    app_runner = web.AppRunner(app, access_log=None, **runner)
    await app_runner.setup()
    await web.TCPSite(app_runner, HOST, port).start()
    return app_runner, app_runner.addresses[0][1]
