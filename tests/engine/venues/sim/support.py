"""Helpers for the simulated-venue tests: plain aiohttp clients of the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import msgspec

from engine.venues.sim import DEFAULT_KEY
from engine.venues.sim import DEFAULT_SECRET
from engine.venues.sim import SimVenue
from tests.kit.wait import poller

REPO = Path(__file__).resolve().parents[4]
DATA = REPO / ".." / "shared" / "data"
"""The project's real market data (../shared/data from the repository root)."""

HEADERS = {"APCA-API-KEY-ID": DEFAULT_KEY, "APCA-API-SECRET-KEY": DEFAULT_SECRET}
MSGPACK = {"Content-Type": "application/msgpack"}


eventually = poller(3.0, every=0.005)


class Rest:
    """A tiny REST client: ``(status, decoded body, response headers)``."""

    def __init__(self, session: aiohttp.ClientSession, venue: SimVenue) -> None:
        self.session = session
        self.venue = venue

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 5.0,
    ) -> tuple[int, Any, Any]:
        async with self.session.request(
            method,
            self.venue.url + path,
            json=json,
            params=params,
            headers=HEADERS if headers is None else headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as resp:
            raw = await resp.read()
            body = msgspec.json.decode(raw) if raw else None
            return resp.status, body, resp.headers

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        status, body, _ = await self.call("GET", path, **kw)
        return status, body

    async def post(self, path: str, body: Any, **kw: Any) -> tuple[int, Any]:
        status, body, _ = await self.call("POST", path, json=body, **kw)
        return status, body

    async def delete(self, path: str, **kw: Any) -> tuple[int, Any]:
        status, body, _ = await self.call("DELETE", path, **kw)
        return status, body

    async def order(
        self, symbol: str = "SIMEQ", qty: str = "1", side: str = "buy", **kw: Any
    ) -> tuple[int, Any]:
        """POST a market day order (``kw`` adds or replaces fields); returns (status, body)."""
        body: dict[str, Any] = {"symbol": symbol, "qty": qty, "side": side, "type": "market"}
        body["time_in_force"] = "day"
        body.update(kw)
        return await self.post("/v2/orders", body)


class _StreamClient:
    """A websocket connection to the sim that sends JSON text frames, or msgpack ones."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, msgpack: bool) -> None:
        self.ws = ws
        self.msgpack = msgpack

    async def send(self, message: dict[str, Any]) -> None:
        if self.msgpack:
            await self.ws.send_bytes(msgspec.msgpack.encode(message))
        else:
            await self.ws.send_str(msgspec.json.encode(message).decode())

    async def close(self) -> None:
        await self.ws.close()


class DataClient(_StreamClient):
    """A market data stream v2 connection (JSON text frames, or msgpack)."""

    @classmethod
    async def connect(
        cls, session: aiohttp.ClientSession, venue: SimVenue, *, msgpack: bool = False, **kw: Any
    ) -> DataClient:
        ws = await session.ws_connect(
            venue.data_url("iex"), headers=MSGPACK if msgpack else None, **kw
        )
        return cls(ws, msgpack)

    async def recv(self, timeout: float = 3.0) -> list[dict[str, Any]]:
        msg = await self.ws.receive(timeout=timeout)
        if msg.type is aiohttp.WSMsgType.TEXT:
            assert not self.msgpack
            decoded = msgspec.json.decode(msg.data)
        elif msg.type is aiohttp.WSMsgType.BINARY:
            assert self.msgpack
            decoded = msgspec.msgpack.decode(msg.data)
        else:
            raise ConnectionError(f"websocket ended: {msg.type.name}")
        assert isinstance(decoded, list)
        return decoded

    @classmethod
    async def ready(
        cls, session: aiohttp.ClientSession, venue: SimVenue, *, msgpack: bool = False
    ) -> DataClient:
        """A connection through the handshake: connected and authenticated."""
        client = await cls.connect(session, venue, msgpack=msgpack)
        await client.handshake()
        return client

    async def handshake(self) -> None:
        assert await self.recv() == [{"T": "success", "msg": "connected"}]
        await self.send({"action": "auth", "key": DEFAULT_KEY, "secret": DEFAULT_SECRET})
        assert await self.recv() == [{"T": "success", "msg": "authenticated"}]

    async def data(self, timeout: float = 3.0) -> list[dict[str, Any]]:
        """The next frame that carries market data (skipping none)."""
        frame = await self.recv(timeout)
        assert all(m["T"] in ("q", "t", "b") for m in frame), frame
        return frame


class UpdatesClient(_StreamClient):
    """A trade_updates connection that authenticates and listens."""

    @classmethod
    async def connect(
        cls, session: aiohttp.ClientSession, venue: SimVenue, *, msgpack: bool = False
    ) -> UpdatesClient:
        ws = await session.ws_connect(venue.stream_url, headers=MSGPACK if msgpack else None)
        return cls(ws, msgpack)

    @classmethod
    async def listening(
        cls, session: aiohttp.ClientSession, venue: SimVenue, *, msgpack: bool = False
    ) -> UpdatesClient:
        client = await cls.connect(session, venue, msgpack=msgpack)
        auth = {"key_id": DEFAULT_KEY, "secret_key": DEFAULT_SECRET}
        await client.send({"action": "authenticate", "data": auth})
        assert (await client.recv())["data"]["status"] == "authorized"
        await client.send({"action": "listen", "data": {"streams": ["trade_updates"]}})
        assert await client.recv() == {
            "stream": "listening",
            "data": {"streams": ["trade_updates"]},
        }
        return client

    async def recv(self, timeout: float = 3.0) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=timeout)
        if msg.type is not aiohttp.WSMsgType.BINARY:
            raise ConnectionError(f"expected a binary frame, got {msg.type.name}")
        decoded = (
            msgspec.msgpack.decode(msg.data) if self.msgpack else msgspec.json.decode(msg.data)
        )
        assert isinstance(decoded, dict)
        return decoded

    async def event(self, timeout: float = 3.0) -> dict[str, Any]:
        """The ``data`` of the next trade_updates message."""
        message = await self.recv(timeout)
        assert message["stream"] == "trade_updates", message
        data = message["data"]
        assert isinstance(data, dict)
        return data

    async def events(self, n: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        return [await self.event(timeout) for _ in range(n)]
