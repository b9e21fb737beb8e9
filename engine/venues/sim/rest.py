"""Trading REST v2 of the simulated venue (protocols.md 1.3).

Every ``/v2`` request except a websocket upgrade needs ``APCA-API-KEY-ID`` and
``APCA-API-SECRET-KEY``; a missing or wrong pair gets 401
``{"code":40110000,"message":"request is not authorized"}``. REST faults are
applied after authentication (see :mod:`engine.venues.sim.faults`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import KW_ONLY
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiohttp import web

from engine.model import Side
from engine.model import Symbol
from engine.venues.sim.accounts import Account
from engine.venues.sim.errors import ApiError
from engine.venues.sim.errors import not_found
from engine.venues.sim.errors import unprocessable
from engine.venues.sim.faults import FaultInjector
from engine.venues.sim.ids import asset_id
from engine.venues.sim.params import decimal_param
from engine.venues.sim.params import int_param
from engine.venues.sim.params import json_body
from engine.venues.sim.params import order_request
from engine.venues.sim.params import time_param
from engine.venues.sim.params import units_param
from engine.venues.sim.protocol import JSON_ENCODER
from engine.venues.sim.protocol import error_body
from engine.venues.sim.protocol import rfc3339
from engine.venues.sim.renderers import account_object
from engine.venues.sim.renderers import asset_object
from engine.venues.sim.renderers import position_object

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Clock = Callable[[], int]

_MUTATING = frozenset({"POST", "DELETE", "PATCH", "PUT"})


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=JSON_ENCODER.encode(body), status=status, content_type="application/json"
    )


def error_response(status: int, code: int, message: str, **headers: str) -> web.Response:
    return web.Response(
        body=error_body(code, message),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


@dataclass(eq=False)
class RestApi:
    """The REST handlers and the auth-and-faults middleware."""

    account: Account
    faults: FaultInjector
    _: KW_ONLY
    key: str = field(repr=False)
    secret: str = field(repr=False)
    clock: Clock
    stopping: asyncio.Event
    requests: int = field(default=0, init=False)
    created: int = field(init=False)

    def __post_init__(self) -> None:
        self.created = self.clock()

    def routes(self) -> list[web.RouteDef]:
        """Fixed ``/v2`` routes (register them before the ``/v2/{feed}`` websocket route)."""
        return [
            web.post("/v2/orders", self.post_order),
            web.get("/v2/orders", self.list_orders),
            web.delete("/v2/orders", self.cancel_all),
            web.get("/v2/orders:by_client_order_id", self.order_by_client_id),
            web.get("/v2/orders/{order_id}", self.get_order),
            web.delete("/v2/orders/{order_id}", self.cancel_order),
            web.get("/v2/positions", self.list_positions),
            web.delete("/v2/positions", self.close_all),
            web.get("/v2/positions/{symbol}", self.get_position),
            web.delete("/v2/positions/{symbol}", self.close_position),
            web.get("/v2/account", self.get_account),
            web.get("/v2/assets", self.list_assets),
            web.get("/v2/assets/{symbol}", self.get_asset),
            web.get("/v2/clock", self.get_clock),
        ]

    # -- middleware -------------------------------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Authenticate ``/v2`` REST calls, inject REST faults, render ApiError bodies."""
        if not request.path.startswith("/v2/") or is_websocket(request):
            return await handler(request)
        self.requests += 1
        headers = request.headers
        if (
            headers.get("APCA-API-KEY-ID") != self.key
            or headers.get("APCA-API-SECRET-KEY") != self.secret
        ):
            return error_response(401, 40110000, "request is not authorized")
        fault = self.faults.rest_fault()
        if fault == "none":
            return await self._run(request, handler)
        counters = self.faults.counters
        if fault == "429":
            counters.rest_429 += 1
            return self._too_many()
        after = request.method in _MUTATING and self.faults.after_execution()
        if after:
            await self._run(request, handler)
        if fault == "5xx":
            if after:
                counters.rest_5xx_after += 1
            else:
                counters.rest_5xx_before += 1
            return error_response(500, 50010000, "internal server error")
        if after:
            counters.rest_timeout_after += 1
        else:
            counters.rest_timeout_before += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), self.faults.config.rest_hang)
        return error_response(504, 50410000, "gateway timeout")

    async def _run(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)

    def _too_many(self) -> web.Response:
        retry = self.faults.config.retry_after
        reset = int(time.time()) + retry
        return error_response(
            429,
            42910000,
            "rate limit exceeded",
            **{
                "Retry-After": str(retry),
                "X-Ratelimit-Limit": "200",
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset": str(reset),
            },
        )

    # -- orders ---------------------------------------------------------------------

    async def post_order(self, request: web.Request) -> web.Response:
        order = order_request(await json_body(request), self.account.units)
        return json_response(self.account.submit(order, self.clock()))

    async def list_orders(self, request: web.Request) -> web.Response:
        q = request.query
        status = q.get("status", "open")
        if status not in ("open", "closed", "all"):
            raise unprocessable("invalid status")
        limit = int_param(q.get("limit"), "limit", 50, 1, 500)
        direction = q.get("direction", "desc")
        if direction not in ("asc", "desc"):
            raise unprocessable("invalid direction")
        after = time_param(q.get("after"), "after")
        until = time_param(q.get("until"), "until")
        symbols = set(filter(None, q.get("symbols", "").split(",")))
        side = q.get("side")
        records = [
            r
            for r in self.account.orders.values()
            if (status == "all" or r.is_open == (status == "open"))
            and (after is None or r.created_at > after)
            and (until is None or r.created_at < until)
            and (not symbols or r.symbol in symbols)
            and (side is None or (side == "buy") == (r.side is Side.BUY))
        ]
        records.sort(key=lambda r: r.created_at, reverse=direction == "desc")
        return json_response([self.account.render(r) for r in records[:limit]])

    async def get_order(self, request: web.Request) -> web.Response:
        rec = self.account.orders.get(request.match_info["order_id"])
        if rec is None:
            raise not_found("order not found")
        return json_response(self.account.render(rec))

    async def order_by_client_id(self, request: web.Request) -> web.Response:
        coid = request.query.get("client_order_id")
        if not coid:
            raise unprocessable("client_order_id is required")
        rec = self.account.by_client.get(coid)
        if rec is None:
            raise not_found("order not found")
        return json_response(self.account.render(rec))

    async def cancel_order(self, request: web.Request) -> web.Response:
        self.account.cancel(request.match_info["order_id"], self.clock())
        return web.Response(status=204)

    async def cancel_all(self, request: web.Request) -> web.Response:
        recs = self.account.cancel_all(self.clock())
        body = [{"id": r.id, "status": 200, "body": self.account.render(r)} for r in recs]
        return json_response(body, status=207)

    # -- positions, account, assets, clock -----------------------------------------

    def _symbol(self, text: str) -> str:
        if Symbol(text) in self.account.units:
            return text
        for symbol in self.account.units:
            if asset_id(symbol) == text:
                return symbol
        return text

    async def list_positions(self, request: web.Request) -> web.Response:
        account = self.account
        symbols = sorted(s for s in account.units if account.position_lots(s))
        return json_response([position_object(account, s) for s in symbols])

    async def get_position(self, request: web.Request) -> web.Response:
        symbol = self._symbol(request.match_info["symbol"])
        if Symbol(symbol) not in self.account.units or not self.account.position_lots(symbol):
            raise not_found("position does not exist")
        return json_response(position_object(self.account, symbol))

    async def close_position(self, request: web.Request) -> web.Response:
        symbol = self._symbol(request.match_info["symbol"])
        units = self.account.units.get(Symbol(symbol))
        if units is None:
            raise not_found("position does not exist")
        inst = units.instrument
        qty_text = request.query.get("qty")
        pct_text = request.query.get("percentage")
        qty = units_param(qty_text, "qty", inst.lots, inst.size_increment) if qty_text else None
        pct = decimal_param(pct_text, "percentage") if pct_text else None
        if pct is not None and not 0 < pct <= 100:
            raise unprocessable("percentage must be in (0, 100]")
        return json_response(self.account.close_position(symbol, self.clock(), qty, pct))

    async def close_all(self, request: web.Request) -> web.Response:
        account = self.account
        now = self.clock()
        if request.query.get("cancel_orders", "false").lower() == "true":
            account.cancel_all(now)
        out: list[dict[str, Any]] = []
        for symbol in sorted(s for s in account.units if account.position_lots(s)):
            try:
                order = account.close_position(symbol, now)
                out.append({"symbol": symbol, "status": 200, "body": order})
            except ApiError as exc:
                body = {"code": exc.code, "message": exc.message}
                out.append({"symbol": symbol, "status": exc.status, "body": body})
        return json_response(out, status=207)

    async def get_account(self, request: web.Request) -> web.Response:
        return json_response(account_object(self.account, self.created))

    async def list_assets(self, request: web.Request) -> web.Response:
        wanted = request.query.get("asset_class")
        account = self.account
        assets = [
            asset_object(u, account.asset_classes[s])
            for s, u in account.units.items()
            if wanted is None or account.asset_classes[s] == wanted
        ]
        return json_response(assets)

    async def get_asset(self, request: web.Request) -> web.Response:
        symbol = self._symbol(request.match_info["symbol"])
        units = self.account.units.get(Symbol(symbol))
        if units is None:
            raise not_found("asset not found")
        return json_response(asset_object(units, self.account.asset_classes[symbol]))

    async def get_clock(self, request: web.Request) -> web.Response:
        now = self.clock()
        tomorrow = rfc3339(now + 86_400_000_000_000)
        return json_response(
            {
                "timestamp": rfc3339(now),
                "is_open": True,
                "next_open": tomorrow,
                "next_close": tomorrow,
            }
        )
