"""The trade_updates websocket (``/stream``) of the simulated venue.

protocols.md 1.4: JSON in **binary** frames (msgpack when the client connects
with ``Content-Type: application/msgpack``); ``authenticate`` gets an
``authorization`` answer (``authorized`` or ``unauthorized``); ``listen``
replaces the set of streams and is answered with ``listening``. A message that
cannot be parsed, or an unknown action, gets
``{"stream":"listening","data":{"error":"invalid syntax"}}``.

Faults (``updates_delay_ms``, ``updates_duplicate``, ``updates_reorder``) act
on the single event sequence, so every listener sees the same faulty order.
A reordered event is held back until the next event has been sent (or at most
:data:`REORDER_HOLD` seconds when no next event comes).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType
from aiohttp import web

from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.connection import Connection
from engine.venues.sim.connection import Peer
from engine.venues.sim.connection import drop_all
from engine.venues.sim.faults import FaultInjector
from engine.venues.sim.protocol import JSON_ENCODER
from engine.venues.sim.protocol import MSGPACK_CONTENT_TYPE
from engine.venues.sim.protocol import MSGPACK_ENCODER

REORDER_HOLD = 0.05
"""Longest a reordered event waits for a successor before it is sent anyway (s)."""


@dataclass(slots=True, eq=False)
class _Listener(Peer):
    listening: bool = False


def _single(parts: list[bytes]) -> bytes:  # pragma: no cover - updates are control frames
    return b"".join(parts)


class UpdatesHub:
    """trade_updates connections and the (possibly faulty) event pump."""

    def __init__(self, config: SimVenueConfig, faults: FaultInjector) -> None:
        self.config = config
        self.faults = faults
        self.listeners: set[_Listener] = set()
        self._queue: deque[tuple[float, dict[str, Any]]] = deque()
        self._held: dict[str, Any] | None = None
        self._held_since = 0.0
        self._wake = asyncio.Event()
        self.published = 0
        self.delivered = 0

    # -- connections -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The websocket handler for ``/stream``."""
        ws = web.WebSocketResponse(compress=self.config.ws_compress, timeout=2.0)
        await ws.prepare(request)
        msgpack = request.headers.get("Content-Type", "").startswith(MSGPACK_CONTENT_TYPE)
        conn = Connection(ws, msgpack=msgpack, text=False, frame_of=_single)
        listener = _Listener(conn)
        self.listeners.add(listener)
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY) and not conn.closing:
                    self._on_message(listener, msg.type, msg.data)
        finally:
            self.listeners.discard(listener)
            await conn.finish()
        return ws

    def _send(self, conn: Connection, message: dict[str, Any]) -> None:
        conn.control(
            MSGPACK_ENCODER.encode(message) if conn.msgpack else JSON_ENCODER.encode(message)
        )

    def _on_message(self, listener: _Listener, kind: WSMsgType, raw: Any) -> None:
        conn = listener.conn
        message = conn.decode(kind, raw)
        if not isinstance(message, dict):
            self._invalid(conn)
            return
        action = message.get("action")
        data = message.get("data")
        data = data if isinstance(data, dict) else {}
        if action in ("authenticate", "auth"):
            key = data.get("key_id", message.get("key"))
            secret = data.get("secret_key", message.get("secret"))
            ok = key == self.config.key and secret == self.config.secret
            listener.authed = listener.authed or ok
            status = "authorized" if ok else "unauthorized"
            self._send(
                conn, {"stream": "authorization", "data": {"status": status, "action": action}}
            )
        elif action == "listen":
            streams = data.get("streams")
            if not isinstance(streams, list) or not all(isinstance(s, str) for s in streams):
                self._invalid(conn)
            elif not listener.authed:
                reply = {"status": "unauthorized", "action": "listen"}
                self._send(conn, {"stream": "authorization", "data": reply})
            else:
                listener.listening = "trade_updates" in streams
                known = ["trade_updates"] if listener.listening else []
                self._send(conn, {"stream": "listening", "data": {"streams": known}})
        else:
            self._invalid(conn)

    def _invalid(self, conn: Connection) -> None:
        self._send(conn, {"stream": "listening", "data": {"error": "invalid syntax"}})

    async def drop_all(self) -> None:
        """Close every trade_updates connection now."""
        await drop_all([listener.conn for listener in self.listeners])

    # -- events --------------------------------------------------------------------

    def publish(self, message: dict[str, Any]) -> None:
        """Send one trade_updates message to every listener (through the faults)."""
        self.published += 1
        c = self.faults.config
        faulty = c.updates_delay_ms or c.updates_duplicate or c.updates_reorder
        if not faulty and not self._queue and self._held is None:
            self._deliver(message)
            return
        due = time.monotonic() + c.updates_delay_ms / 1000
        if c.updates_delay_ms:
            self.faults.counters.updates_delayed += 1
        self._queue.append((due, message))
        self._wake.set()

    def _deliver(self, message: dict[str, Any]) -> None:
        self.delivered += 1
        frames: dict[bool, bytes] = {}
        for listener in self.listeners:
            if not listener.listening:
                continue
            conn = listener.conn
            frame = frames.get(conn.msgpack)
            if frame is None:
                encode = MSGPACK_ENCODER.encode if conn.msgpack else JSON_ENCODER.encode
                frame = frames[conn.msgpack] = encode(message)
            conn.control(frame)

    async def run(self) -> None:
        """The pump for delayed, duplicated and reordered events (runs until cancelled)."""
        faults = self.faults
        while True:
            timeout = None
            if self._queue:
                timeout = max(self._queue[0][0] - time.monotonic(), 0.0)
            if self._held is not None:
                hold = max(self._held_since + REORDER_HOLD - time.monotonic(), 0.0)
                timeout = hold if timeout is None else min(timeout, hold)
            if timeout is None or timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
                self._wake.clear()
            now = time.monotonic()
            while self._queue and self._queue[0][0] <= now:
                _, message = self._queue.popleft()
                if self._held is None and faults.reorder_update():
                    faults.counters.updates_reordered += 1
                    self._held, self._held_since = message, now
                    continue
                self._deliver(message)
                if faults.duplicate_update():
                    faults.counters.updates_duplicated += 1
                    self._deliver(message)
                if self._held is not None:
                    self._deliver(self._held)
                    self._held = None
            if self._held is not None and now - self._held_since >= REORDER_HOLD:
                self._deliver(self._held)
                self._held = None

    def stats(self) -> dict[str, Any]:
        return {
            "connections": len(self.listeners),
            "listening": sum(1 for x in self.listeners if x.listening),
            "published": self.published,
            "delivered": self.delivered,
        }
