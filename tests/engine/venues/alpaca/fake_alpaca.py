"""A small protocol-faithful Alpaca on loopback, for the adapter's edge cases.

One aiohttp server: the market data stream v2 (``/v2/{feed}``), trading REST v2
(``/v2/orders``, ``/v2/positions``, ``/v2/account``, ``/v2/assets``) and the
trade_updates websocket (``/stream``), as in reference/protocols.md §1 and the
§7 checklist: ``connected`` on open, auth, full-set subscription replies,
batched arrays, JSON text or msgpack binary frames (Timestamp extensions),
406 for a second data session, numbers as strings, ``{code, message}`` errors,
207 multi-status answers, trade_updates in binary frames. Tests script faults
per route (status, timeout, reset) and push data and events by hand.
It shares no code with the adapter.
"""

from __future__ import annotations

import asyncio
import struct
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from aiohttp import WSMsgType, web

KEY = "AKFAKEKEY123"
SECRET = "sEcReT-must-never-leak-0xC0FFEE"
T0 = 1_700_000_000_000_000_000


def rfc3339(ns: int) -> str:
    whole = datetime.fromtimestamp(ns // 10**9, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{ns % 10**9:09d}Z"


def ns_of(text: str) -> int:
    head, _, frac = text.rstrip("Z").partition(".")
    dt = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return int(dt.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def msgpack_ts(ns: int) -> msgspec.msgpack.Ext:
    sec, nanos = divmod(ns, 10**9)
    return msgspec.msgpack.Ext(-1, struct.pack(">IQ", nanos, sec))


@dataclass
class Fault:
    """What a scripted route does instead of its normal answer (once)."""

    status: int = 0  # answer with this status and ``body``
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep first (longer than the client's timeout: a timeout)
    reset: bool = False  # close the connection without an answer
    then_normal: bool = False  # do the normal work first (e.g. create the order), then fail


class FakeAlpaca:
    """Start with ``await fake.start()``; ``fake.url`` is the base for everything."""

    def __init__(self) -> None:
        self.url = ""
        self._last_ns = 0
        self._runner: web.AppRunner | None = None
        # market data
        self.data_conns: list[tuple[web.WebSocketResponse, bool]] = []  # (ws, msgpack)
        self.data_connects = 0
        self.data_actions: list[dict[str, Any]] = []
        self.data_auth_ok = True
        self.data_refuse: list[int] = []  # error codes for the next connections (e.g. 406)
        # trading
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
        # trade_updates
        self.update_conns: list[tuple[web.WebSocketResponse, Any]] = []  # (ws, encoder)
        self.update_connects = 0
        self.update_actions: list[dict[str, Any]] = []
        self.updates_auth_ok = True

    # -- lifecycle ------------------------------------------------------------------

    def now(self) -> int:
        """Venue time: the wall clock, strictly increasing."""
        self._last_ns = max(time.time_ns(), self._last_ns + 1)
        return self._last_ns

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/stream", self._updates)
        app.router.add_route("*", "/v2/orders", self._orders)
        app.router.add_get("/v2/orders:by_client_order_id", self._by_client_id)
        app.router.add_delete("/v2/orders/{id}", self._cancel)
        app.router.add_route("*", "/v2/positions", self._positions)
        app.router.add_get("/v2/account", self._account)
        app.router.add_get("/v2/assets/{symbol}", self._asset)
        app.router.add_get("/v2/{feed}", self._data)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        await self.drop_data()
        await self.drop_updates()
        if self._runner is not None:
            await self._runner.cleanup()

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _, _ in self.requests if m == method and p == path)

    # -- market data ------------------------------------------------------------------

    async def _data(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        binary = request.headers.get("Content-Type", "") == "application/msgpack"
        self.data_connects += 1
        send = self._data_sender(ws, binary)
        await send([{"T": "success", "msg": "connected"}])
        if self.data_refuse:
            await send([{"T": "error", "code": self.data_refuse.pop(0), "msg": "refused"}])
            await ws.close()
            return ws
        if self.data_conns:
            await send([{"T": "error", "code": 406, "msg": "connection limit exceeded"}])
            await ws.close()
            return ws
        authed = False
        subs: dict[str, set[str]] = {"trades": set(), "quotes": set(), "bars": set()}
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            action = (
                msgspec.msgpack.decode(msg.data)
                if msg.type is WSMsgType.BINARY
                else msgspec.json.decode(msg.data)
            )
            self.data_actions.append(action)
            if action.get("action") == "auth":
                if (
                    action.get("key") == KEY
                    and action.get("secret") == SECRET
                    and self.data_auth_ok
                ):
                    authed = True
                    self.data_conns.append((ws, binary))
                    await send([{"T": "success", "msg": "authenticated"}])
                else:
                    await send([{"T": "error", "code": 402, "msg": "auth failed"}])
                    await ws.close()
            elif not authed:
                await send([{"T": "error", "code": 401, "msg": "not authenticated"}])
            elif action.get("action") == "subscribe":
                for ch, chosen in subs.items():
                    chosen.update(action.get(ch, []))
                await send([{"T": "subscription"} | {ch: sorted(v) for ch, v in subs.items()}])
        self.data_conns = [(w, b) for w, b in self.data_conns if w is not ws]
        return ws

    @staticmethod
    def _data_sender(ws: web.WebSocketResponse, binary: bool) -> Any:
        async def send(msgs: list[dict[str, Any]]) -> None:
            if binary:
                await ws.send_bytes(
                    msgspec.msgpack.encode(
                        [
                            m
                            | (
                                {"t": msgpack_ts(ns_of(m["t"]))}
                                if isinstance(m.get("t"), str)
                                else {}
                            )
                            for m in msgs
                        ]
                    )
                )
            else:
                await ws.send_str(msgspec.json.encode(msgs).decode())

        return send

    async def push(self, msgs: list[dict[str, Any]]) -> None:
        """One batched frame of data messages to every data connection."""
        for ws, binary in list(self.data_conns):
            await self._data_sender(ws, binary)(msgs)

    async def push_raw(self, frame: str) -> None:
        for ws, _ in list(self.data_conns):
            await ws.send_str(frame)

    async def drop_data(self) -> None:
        for ws, _ in list(self.data_conns):
            await ws.close()
        self.data_conns.clear()

    def quote(
        self, symbol: str, bp: Any, ap: Any, bs: Any = 1, asz: Any = 2, ts: int | None = None
    ) -> dict[str, Any]:
        return {
            "T": "q",
            "S": symbol,
            "bx": "V",
            "bp": bp,
            "bs": bs,
            "ax": "V",
            "ap": ap,
            "as": asz,
            "t": rfc3339(ts if ts is not None else self.now()),
            "c": ["R"],
            "z": "C",
        }

    def trade(self, symbol: str, p: Any, s: Any, ts: int | None = None) -> dict[str, Any]:
        return {
            "T": "t",
            "S": symbol,
            "i": 96921,
            "x": "V",
            "p": p,
            "s": s,
            "t": rfc3339(ts if ts is not None else self.now()),
            "c": ["@"],
            "z": "C",
        }

    # -- trading REST -------------------------------------------------------------------

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
            "id": oid,
            "client_order_id": cid,
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
            "filled_at": None,
            "expired_at": None,
            "canceled_at": None,
            "failed_at": None,
            "replaced_at": None,
            "replaced_by": None,
            "replaces": None,
            "asset_id": "a-" + symbol,
            "symbol": symbol,
            "asset_class": "us_equity",
            "notional": None,
            "qty": qty,
            "filled_qty": "0",
            "filled_avg_price": None,
            "order_class": "",
            "order_type": type_,
            "type": type_,
            "side": side,
            "time_in_force": tif,
            "limit_price": limit_price,
            "stop_price": None,
            "status": status,
            "extended_hours": False,
            "legs": None,
            "trail_percent": None,
            "trail_price": None,
            "hwm": None,
        }
        self.orders[oid] = order
        return order

    def touch(self, order: dict[str, Any], **changes: Any) -> dict[str, Any]:
        order.update(changes, updated_at=rfc3339(self.now()))
        return order

    async def _by_client_id(self, request: web.Request) -> web.StreamResponse:
        scripted = await self._scripted(request, None)
        if scripted is not None:
            return scripted
        cid = request.query.get("client_order_id")
        for o in self.orders.values():
            if o["client_order_id"] == cid:
                return web.json_response(o)
        return web.json_response({"code": 40410000, "message": "order not found"}, status=404)

    async def _cancel(self, request: web.Request) -> web.StreamResponse:
        scripted = await self._scripted(request, None)
        if scripted is not None:
            return scripted
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return web.json_response({"code": 40410000, "message": "order not found"}, status=404)
        if not _open(order):
            return web.json_response(
                {"code": 42210000, "message": "order is not cancelable"}, status=422
            )
        self.touch(order, status="canceled")
        return web.Response(status=204)

    async def _positions(self, request: web.Request) -> web.StreamResponse:
        scripted = await self._scripted(request, None)
        if scripted is not None:
            return scripted
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
        return await self._scripted(request, None) or web.json_response(self.account)

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        scripted = await self._scripted(request, None)
        if scripted is not None:
            return scripted
        asset = self.assets.get(request.match_info["symbol"])
        if asset is None:
            return web.json_response({"code": 40410000, "message": "asset not found"}, status=404)
        return web.json_response(asset)

    # -- trade_updates --------------------------------------------------------------------

    async def _updates(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.update_connects += 1
        binary = request.headers.get("Content-Type", "") == "application/msgpack"
        pack = msgspec.msgpack.encode if binary else msgspec.json.encode
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            action = (
                msgspec.msgpack.decode(msg.data)
                if msg.type is WSMsgType.BINARY
                else msgspec.json.decode(msg.data)
            )
            self.update_actions.append(action)
            if action.get("action") == "authenticate":
                data = action.get("data", {})
                ok = (
                    data.get("key_id") == KEY
                    and data.get("secret_key") == SECRET
                    and self.updates_auth_ok
                )
                await ws.send_bytes(
                    pack(
                        {
                            "stream": "authorization",
                            "data": {
                                "status": "authorized" if ok else "unauthorized",
                                "action": "authenticate",
                            },
                        }
                    )
                )
                if not ok:
                    await ws.close()
            elif action.get("action") == "listen":
                streams = action.get("data", {}).get("streams", [])
                await ws.send_bytes(pack({"stream": "listening", "data": {"streams": streams}}))
                self.update_conns.append((ws, pack))
        self.update_conns = [(w, p) for w, p in self.update_conns if w is not ws]
        return ws

    async def push_update(self, event: str, order: dict[str, Any], **extra: Any) -> None:
        """A trade_updates event (binary frame, JSON) for ``order`` as it is now."""
        data = {"event": event, "order": dict(order)} | extra
        if event in ("fill", "partial_fill"):
            data.setdefault("timestamp", order["updated_at"])
        for ws, pack in list(self.update_conns):
            await ws.send_bytes(pack({"stream": "trade_updates", "data": data}))

    async def drop_updates(self) -> None:
        for ws, _ in list(self.update_conns):
            await ws.close()
        self.update_conns.clear()


def _open(order: dict[str, Any]) -> bool:
    return order["status"] in (
        "new",
        "accepted",
        "partially_filled",
        "pending_new",
        "pending_cancel",
    )
