"""A small protocol-faithful Alpaca on loopback, for the adapter's edge cases.

One aiohttp server: the market data stream v2 (``/v2/{feed}``), trading REST v2
(``/v2/orders``, ``/v2/positions``, ``/v2/account``, ``/v2/assets``; in
:mod:`.fake_alpaca_trading`) and the trade_updates websocket (``/stream``), as in
reference/protocols.md §1 and the
§7 checklist: ``connected`` on open, auth, full-set subscription replies,
batched arrays, JSON text or msgpack binary frames (Timestamp extensions),
406 for a second data session, numbers as strings, ``{code, message}`` errors,
207 multi-status answers, trade_updates in binary frames. Tests script faults
per route (status, timeout, reset) and push data and events by hand.
It shares no code with the adapter.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from typing import Any
from typing import ClassVar

import msgspec
import pytest
from aiohttp import WSMsgType
from aiohttp import web

from tests.kit.fake_alpaca_trading import KEY
from tests.kit.fake_alpaca_trading import SECRET
from tests.kit.fake_alpaca_trading import FakeTrading
from tests.kit.fake_alpaca_trading import Fault
from tests.kit.fake_alpaca_trading import ns_of
from tests.kit.fake_alpaca_trading import rfc3339
from tests.kit.serve import Served

__all__ = ["KEY", "SECRET", "T0", "FakeAlpaca", "Fault", "fake", "ns_of", "rfc3339"]

T0 = 1_700_000_000_000_000_000


def msgpack_ts(ns: int) -> msgspec.msgpack.Ext:
    sec, nanos = divmod(ns, 10**9)
    return msgspec.msgpack.Ext(-1, struct.pack(">IQ", nanos, sec))


async def actions(ws: web.WebSocketResponse) -> AsyncIterator[dict[str, Any]]:
    """The client's messages (JSON text or msgpack binary frames) until it closes."""
    async for msg in ws:
        if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            return
        if msg.type is WSMsgType.BINARY:
            yield msgspec.msgpack.decode(msg.data)
        else:
            yield msgspec.json.decode(msg.data)


class FakeAlpaca(FakeTrading, Served):
    """Start with ``await fake.start()``; ``fake.url`` is the base for everything."""

    runner_options: ClassVar[dict[str, Any]] = {"shutdown_timeout": 0.1}

    def __init__(self) -> None:
        super().__init__()
        # market data
        self.data_conns: list[tuple[web.WebSocketResponse, bool]] = []  # (ws, msgpack)
        self.data_connects = 0
        self.data_actions: list[dict[str, Any]] = []
        self.data_auth_ok = True
        self.data_refuse: list[int] = []  # error codes for the next connections (e.g. 406)
        # trade_updates
        self.update_conns: list[tuple[web.WebSocketResponse, Any]] = []  # (ws, encoder)
        self.update_connects = 0
        self.update_actions: list[dict[str, Any]] = []
        self.updates_auth_ok = True

    # -- lifecycle ------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/stream", self._updates)
        super().add_routes(app)  # the trading REST routes
        app.router.add_get("/v2/{feed}", self._data)

    async def stop(self) -> None:
        await self.drop_data()
        await self.drop_updates()
        await super().stop()

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
        async for action in actions(ws):
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

    # -- trade_updates --------------------------------------------------------------------

    async def _updates(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.update_connects += 1
        binary = request.headers.get("Content-Type", "") == "application/msgpack"
        pack = msgspec.msgpack.encode if binary else msgspec.json.encode
        async for action in actions(ws):
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


@pytest.fixture
async def fake() -> AsyncIterator[FakeAlpaca]:
    """A started fake Alpaca, stopped after the test (import it where a test wants it)."""
    async with FakeAlpaca() as server:
        yield server
