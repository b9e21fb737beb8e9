"""Serving a fake on loopback: one aiohttp application on a free (or given) port."""

from __future__ import annotations

from typing import Any
from typing import ClassVar
from typing import Self

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


class Served:
    """A fake HTTP server on a free loopback port: a subclass adds its routes in
    ``add_routes``; ``await start()`` returns its ``url``, ``await stop()`` stops it,
    ``async with`` does both. ``runner_options``: more AppRunner arguments."""

    runner_options: ClassVar[dict[str, Any]] = {}
    url: str = ""
    _runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application()
        self.add_routes(app)
        self._runner, port = await serve(app, **self.runner_options)
        self.url = f"http://{HOST}:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
