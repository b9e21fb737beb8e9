"""The trading REST v2 half of the fake Alpaca (see :mod:`.fake_alpaca`).

Orders, positions, the account and assets as Alpaca renders them (numbers as
strings, nulls for unset), ``{code, message}`` errors, 207 multi-status for
cancel-all and close-all, and per-route scripted faults.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

KEY = "AKFAKEKEY123"
SECRET = "sEcReT-must-never-leak-0xC0FFEE"


def rfc3339(ns: int) -> str:
    whole = datetime.fromtimestamp(ns // 10**9, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{ns % 10**9:09d}Z"


def ns_of(text: str) -> int:
    head, _, frac = text.rstrip("Z").partition(".")
    dt = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return int(dt.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def not_found(what: str) -> web.Response:
    """Alpaca's 404 for an unknown ``what`` (order, asset)."""
    return web.json_response({"code": 40410000, "message": f"{what} not found"}, status=404)


@dataclass
class Fault:
    """What a scripted route does instead of its normal answer (once)."""

    status: int = 0  # answer with this status and ``body``
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep first (longer than the client's timeout: a timeout)
    reset: bool = False  # close the connection without an answer
    then_normal: bool = False  # do the normal work first (e.g. create the order), then fail


_NEW_ORDER: dict[str, Any] = {
    "filled_at": None,
    "expired_at": None,
    "canceled_at": None,
    "failed_at": None,
    "replaced_at": None,
    "replaced_by": None,
    "replaces": None,
    "asset_class": "us_equity",
    "notional": None,
    "filled_qty": "0",
    "filled_avg_price": None,
    "order_class": "",
    "stop_price": None,
    "extended_hours": False,
    "legs": None,
    "trail_percent": None,
    "trail_price": None,
    "hwm": None,
}
"""What every order the fake creates starts with (a simple order, nothing filled yet)."""


class FakeTrading:
    """REST state and handlers; :class:`FakeAlpaca` adds the websockets and the server."""

    def __init__(self) -> None:
        self._last_ns = 0
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.orders: dict[str, dict[str, Any]] = {}
        self.positions: list[dict[str, Any]] = []
        self.account = {
            "id": "acc-1",
            "account_number": "PA1",
            "status": "ACTIVE",
            "currency": "USD",
            "cash": "100000.5",
            "equity": "100250.25",
            "buying_power": "200000",
            "portfolio_value": "100250.25",
        }
        self.assets: dict[str, dict[str, Any]] = {}

    def now(self) -> int:
        """Venue time: the wall clock, strictly increasing."""
        self._last_ns = max(time.time_ns(), self._last_ns + 1)
        return self._last_ns

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _, _ in self.requests if m == method and p == path)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/v2/orders", self._orders)
        app.router.add_get("/v2/orders:by_client_order_id", self._scriptable(self._by_client_id))
        app.router.add_delete("/v2/orders/{id}", self._scriptable(self._cancel))
        app.router.add_route("*", "/v2/positions", self._scriptable(self._positions))
        app.router.add_get("/v2/account", self._scriptable(self._account))
        app.router.add_get("/v2/assets/{symbol}", self._scriptable(self._asset))

    def _scriptable(self, handler: Handler) -> Handler:
        """``handler`` for a route without a body, behind the route's scripted faults."""

        async def answer(request: web.Request) -> web.StreamResponse:
            scripted = await self._scripted(request, None)
            return await handler(request) if scripted is None else scripted

        return answer

    def _authorized(self, request: web.Request) -> bool:
        return (
            request.headers.get("APCA-API-KEY-ID") == KEY
            and request.headers.get("APCA-API-SECRET-KEY") == SECRET
        )

    async def _scripted(self, request: web.Request, body: Any) -> web.StreamResponse | None:
        self.requests.append((request.method, request.path, dict(request.query), body))
        if not self._authorized(request):
            return web.json_response(
                {"code": 40110000, "message": "request is not authorized"}, status=401
            )
        queue = self.faults.get(f"{request.method} {request.path}")
        if not queue:
            return None
        fault = queue.pop(0)
        if fault.then_normal:
            await self._normal(request, body)
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.reset:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        return web.json_response(fault.body, status=fault.status, headers=fault.headers)

    async def _normal(self, request: web.Request, body: Any) -> web.StreamResponse:
        if request.method == "POST":
            return self._create(body)
        return web.Response(status=500)

    async def _orders(self, request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.method == "POST" else None
        scripted = await self._scripted(request, body)
        if scripted is not None:
            return scripted
        if request.method == "POST":
            assert isinstance(body, dict)
            return self._create(body)
        if request.method == "DELETE":
            out = []
            for o in self.orders.values():
                if o["status"] in ("new", "accepted", "partially_filled"):
                    o["status"] = "pending_cancel"
                    out.append({"id": o["id"], "status": 200, "body": o})
            return web.json_response(out, status=207)
        status = request.query.get("status", "open")
        after = request.query.get("after")
        rows = [
            o
            for o in self.orders.values()
            if (status == "all" or (status == "open") == _open(o))
            and (after is None or ns_of(o["submitted_at"]) > ns_of(after))
        ]
        rows.sort(key=lambda o: o["submitted_at"], reverse=request.query.get("direction") != "asc")
        return web.json_response(rows[: int(request.query.get("limit", "50"))])

    def _create(self, body: dict[str, Any]) -> web.Response:
        cid = body["client_order_id"]
        if any(o["client_order_id"] == cid for o in self.orders.values()):
            return web.json_response(
                {"code": 40010001, "message": "client_order_id must be unique"}, status=422
            )
        order = self.make_order(
            cid,
            body["symbol"],
            body["side"],
            body["qty"],
            body["type"],
            body.get("limit_price"),
            body["time_in_force"],
        )
        return web.json_response(order)

    def make_order(
        self,
        cid: str,
        symbol: str,
        side: str = "buy",
        qty: str = "1",
        type_: str = "limit",
        limit_price: str | None = "100.00",
        tif: str = "day",
        status: str = "new",
    ) -> dict[str, Any]:
        now = rfc3339(self.now())
        oid = f"ord-{len(self.orders) + 1:04d}"
        order = {
            **_NEW_ORDER,
            "id": oid,
            "client_order_id": cid,
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
            "asset_id": "a-" + symbol,
            "symbol": symbol,
            "qty": qty,
            "order_type": type_,
            "type": type_,
            "side": side,
            "time_in_force": tif,
            "limit_price": limit_price,
            "status": status,
        }
        self.orders[oid] = order
        return order

    def touch(self, order: dict[str, Any], **changes: Any) -> dict[str, Any]:
        order.update(changes, updated_at=rfc3339(self.now()))
        return order

    async def _by_client_id(self, request: web.Request) -> web.StreamResponse:
        cid = request.query.get("client_order_id")
        for o in self.orders.values():
            if o["client_order_id"] == cid:
                return web.json_response(o)
        return not_found("order")

    async def _cancel(self, request: web.Request) -> web.StreamResponse:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return not_found("order")
        if not _open(order):
            return web.json_response(
                {"code": 42210000, "message": "order is not cancelable"}, status=422
            )
        self.touch(order, status="canceled")
        return web.Response(status=204)

    async def _positions(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            return web.json_response(self.positions)
        out = []
        for p in self.positions:
            if p.get("_refuse"):
                out.append(
                    {
                        "symbol": p["symbol"],
                        "status": 403,
                        "body": {"code": 40310000, "message": p["_refuse"]},
                    }
                )
            else:
                side = "sell" if p["side"] == "long" else "buy"
                o = self.make_order(
                    f"close-{p['symbol']}", p["symbol"], side, p["qty"].lstrip("-"), "market", None
                )
                out.append({"symbol": p["symbol"], "status": 200, "body": o})
        return web.json_response(out, status=207)

    async def _account(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.account)

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        asset = self.assets.get(request.match_info["symbol"])
        if asset is None:
            return not_found("asset")
        return web.json_response(asset)


def _open(order: dict[str, Any]) -> bool:
    return order["status"] in (
        "new",
        "accepted",
        "partially_filled",
        "pending_new",
        "pending_cancel",
    )
