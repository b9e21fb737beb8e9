"""The runtime's HTTP endpoints on the engine's loop: /healthz, /readyz, /status.

Binds to 127.0.0.1 by default. Routes can be added by others (the metrics
exporter adds /metrics) through ``HttpServer.app`` before ``start``.

With a bearer token (``SCALPBOT_HTTP_TOKEN`` or ``http.token_file``), every
request, to every route including those added by plugins and unknown paths,
must carry ``Authorization: Bearer <token>``; anything else gets 401 and learns
nothing. The comparison takes the same time whatever the guess. One exception: a
route whose handler carries ``self_authenticated = True`` checks its own secret
(the Telegram webhook checks Telegram's secret-token header, and Telegram cannot
send a bearer token), so the token is not asked of it. Without a token
the endpoints are open, as they always were on loopback; bound beyond loopback
without one, :meth:`HttpServer.start` logs a loud warning.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable
from collections.abc import Callable

import msgspec
from aiohttp import web

from engine.config.load import HTTP_TOKEN_VAR as TOKEN_VAR
from engine.config.schema import is_loopback
from engine.config.secret import SecretStr
from engine.control import Control

log = logging.getLogger("scalpbot.runtime.http")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    def __init__(
        self,
        control: Control,
        host: str = "127.0.0.1",
        port: int = 9108,
        *,
        token: SecretStr | None = None,
    ) -> None:
        self.control = control
        self.host = host
        self.port = port
        self._digest = None if token is None else _digest(token.get_secret_value())
        self.app = web.Application(middlewares=[self._authenticate])
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/readyz", self._readyz)
        self.app.router.add_get("/status", self._status)
        self._runner: web.AppRunner | None = None
        self.refused = 0  # requests without the right token

    @property
    def requires_token(self) -> bool:
        return self._digest is not None

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
        if not self.requires_token and not is_loopback(self.host):
            log.warning(
                "INSECURE: HTTP on %s:%d beyond loopback with NO authentication: anyone who "
                "can reach it reads /status and /metrics (equity, positions, user ids). "
                "Set %s or http.token_file to require a bearer token",
                self.host,
                self.port,
                TOKEN_VAR,
            )
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self._digest is None or _self_authenticated(request):
            return await handler(request)
        scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
        ok = hmac.compare_digest(_digest(given.strip()), self._digest)
        if not ok or scheme.lower() != "bearer":
            self.refused += 1
            return web.json_response(
                {"error": "unauthorized: send Authorization: Bearer <token>"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="scalpbot"'},
            )
        return await handler(request)

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


def _digest(value: str) -> bytes:
    """Compared as fixed-length digests, so neither a guess's content nor its length
    changes how long the comparison takes."""
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def _self_authenticated(request: web.Request) -> bool:
    """True for a matched route whose handler checks its own secret."""
    route_handler = request.match_info.handler
    return getattr(route_handler, "self_authenticated", False) is True
