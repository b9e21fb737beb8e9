"""One server-side websocket with its own sender task and an ordered outbox.

Producers never await: they append to the outbox and wake the sender. A
control frame is an item of its own; data elements appended while the sender
is busy accumulate into one data item, so whatever is pending when the sender
wakes goes out as one frame (a batched array).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
from aiohttp import WSCloseCode
from aiohttp import WSMsgType
from aiohttp import web

log = logging.getLogger(__name__)

FrameOf = Callable[[list[bytes]], bytes]


class Connection:
    """A websocket, its outbox and sender; ``text`` picks TEXT or BINARY frames."""

    __slots__ = (
        "_close_code",
        "_close_message",
        "_closing",
        "_frame_of",
        "_opcode",
        "_outbox",
        "_sender",
        "_wake",
        "frames",
        "messages",
        "msgpack",
        "pending",
        "ws",
    )

    def __init__(self, ws: web.WebSocketResponse, *, msgpack: bool, text: bool, frame_of: FrameOf):
        self.ws = ws
        self.msgpack = msgpack
        self._opcode = WSMsgType.TEXT if text else WSMsgType.BINARY
        self._frame_of = frame_of
        self._outbox: list[bytes | list[bytes]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._close_code: int = WSCloseCode.OK
        self._close_message = b""
        self.pending = 0  # data elements waiting in the outbox
        self.frames = 0
        self.messages = 0
        self._sender = asyncio.get_running_loop().create_task(
            self._send_loop(), name="sim-ws-sender"
        )

    @property
    def closing(self) -> bool:
        return self._closing or self.ws.closed

    def decode(self, kind: WSMsgType, raw: Any) -> Any:
        """A client's message: msgpack for a binary frame on a msgpack connection, else
        JSON; ``None`` when it cannot be parsed."""
        try:
            if kind is WSMsgType.BINARY and self.msgpack:
                return msgspec.msgpack.decode(raw)
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return None

    def control(self, frame: bytes) -> None:
        """Queue a complete frame (sent alone, in order)."""
        if not self._closing:
            self._outbox.append(frame)
            self._wake.set()

    def data(self, parts: list[bytes]) -> None:
        """Queue data elements; they join any data still pending into one frame."""
        if self._closing or not parts:
            return
        box = self._outbox
        if box and isinstance(box[-1], list):
            box[-1].extend(parts)
        else:
            box.append(list(parts))
        self.pending += len(parts)
        self._wake.set()

    def close_after_flush(self, code: int = WSCloseCode.OK, message: bytes = b"") -> None:
        """Send what is queued, then close."""
        if not self._closing:
            self._closing = True
            self._close_code = code
            self._close_message = message
            self._wake.set()

    def discard_data(self) -> None:
        """Drop queued data (keeps control frames)."""
        self._outbox = [item for item in self._outbox if isinstance(item, bytes)]
        self.pending = 0

    async def abort(self, code: int = WSCloseCode.GOING_AWAY, message: bytes = b"") -> None:
        """Close now, dropping whatever is queued."""
        self._closing = True
        self._outbox.clear()
        self._sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._sender
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message)

    async def finish(self) -> None:
        """Stop the sender once the receive side is done (the handler's cleanup)."""
        if not self._sender.done():
            self._sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._sender

    async def _send_loop(self) -> None:
        ws = self.ws
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                items, self._outbox = self._outbox, []
                self.pending = 0
                for item in items:
                    if isinstance(item, bytes):
                        await ws.send_frame(item, self._opcode)
                    else:
                        await ws.send_frame(self._frame_of(item), self._opcode)
                        self.messages += len(item)
                    self.frames += 1
                if self._closing and not self._outbox:
                    await ws.close(code=self._close_code, message=self._close_message)
                    return
        except (ConnectionError, RuntimeError) as exc:
            log.debug("sim websocket send failed: %s", exc)
            self._closing = True
            with contextlib.suppress(Exception):
                await ws.close(code=WSCloseCode.GOING_AWAY)


async def drop_all(conns: Iterable[Connection]) -> None:
    """Abort every connection at once (clients must reconnect)."""
    await asyncio.gather(*(c.abort(WSCloseCode.GOING_AWAY, b"sim: stream dropped") for c in conns))


@dataclass(slots=True, eq=False)
class Peer:
    """A client on one of the venue's websockets: its connection, authenticated or not."""

    conn: Connection
    authed: bool = False
