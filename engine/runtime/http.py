"""The runtime's HTTP endpoints on the engine's loop: /healthz, /readyz, /status.

Binds to 127.0.0.1 by default. Routes can be added by others (the metrics
exporter adds /metrics) through ``HttpServer.app`` before ``start``.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from engine.control import Control


class HttpServer:
    def __init__(self, control: Control, host: str = "127.0.0.1", port: int = 9108) -> None:
        self.control = control
        self.host = host
        self.port = port
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/readyz", self._readyz)
        self.app.router.add_get("/status", self._status)
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Start serving; returns the bound port (useful with port 0)."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def _readyz(self, _: web.Request) -> web.Response:
        health = await self.control.health()
        ready = (
            health.ready
            and health.feed_connected
            and health.last_reconcile_ok
            and health.store_writable
        )
        body = {
            "ready": ready,
            "reconciled": health.last_reconcile_ok,
            "feed_connected": health.feed_connected,
            "store_writable": health.store_writable,
            "stale_symbols": health.stale_symbols,
        }
        return web.json_response(body, status=200 if ready else 503)

    async def _status(self, _: web.Request) -> web.Response:
        status = await self.control.status()
        return web.Response(body=msgspec.json.encode(status), content_type="application/json")
