"""Changes to try in the bot of ``bench/tick_to_trade.py`` before making them for real.

``tick_to_trade.py --try NAME[,NAME...]`` applies them by monkeypatching inside
the bot process only; nothing here is production code, and the table says which
were on. Each is the smallest stand-in for a change the bench suggests:

- ``gc_freeze``: ``gc.collect(); gc.freeze()`` once the runtime is ready, so
  start-up objects (SQLAlchemy, aiohttp, the instruments) leave the collector.
- ``no_store``: the store writer drops everything (an upper bound for moving
  persistence off the event loop; not a change to make as such).
- ``quiet_log``: log level WARNING instead of INFO (no per-fill log line).
- ``defer_publish``: ``LiveEngine._drain`` publishes events with ``call_soon``
  after spawning the submit tasks, so the submit runs first.
- ``raw_post``: POST /v2/orders written by hand on kept-alive connections
  (HTTP/1.1, Content-Length answers only) instead of through aiohttp's client.
- ``sync_submit``: ``raw_post``, and the request is written inside
  ``on_quote`` (in ``_drain``) on an idle connection; the submit task only
  awaits the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import msgspec

NAMES = (
    "gc_freeze",
    "no_store",
    "quiet_log",
    "defer_publish",
    "raw_post",
    "sync_submit",
    "exporter",  # serve /metrics (the metrics plugin) and scrape it every second
    "gc_threshold",  # fewer, larger young collections: gc.set_threshold(50_000, 50, 1000)
)
clock = time.perf_counter_ns
_LENGTH = re.compile(rb"(?i)content-length:\s*(\d+)")

Records = dict[str, tuple[int, ...]]


class Stamps:
    """The bot's timing context (see ``_ttt_child.py``) for experiments that write."""

    def __init__(
        self,
        records: Records,
        frame: ContextVar[int],
        tick: ContextVar[tuple[int, int]],
        submit: ContextVar[tuple[str, int] | None],
    ) -> None:
        self.records = records
        self.frame = frame
        self.tick = tick
        self.submit = submit


def before_start(names: list[str], stamps: Stamps) -> None:
    """Apply the experiments that patch classes (before the runtime is built)."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise SystemExit(f"unknown experiment(s) {sorted(unknown)}; known: {', '.join(NAMES)}")
    if "no_store" in names:
        from engine.store.writer import StoreWriter

        StoreWriter.submit = lambda self, item: True  # type: ignore[method-assign]
    if "defer_publish" in names:
        _defer_publish()
    if "raw_post" in names or "sync_submit" in names:
        write_now = _raw_post(stamps)
        if "sync_submit" in names:
            _sync_submit(write_now, stamps)


def after_ready(names: list[str]) -> None:
    if "gc_threshold" in names:
        gc.set_threshold(50_000, 50, 1000)
    if "gc_freeze" in names:
        gc.collect()
        gc.freeze()


def log_level(names: list[str]) -> str:
    return "warning" if "quiet_log" in names else "info"


def _defer_publish() -> None:
    from engine.model.commands import SubmitOrder
    from engine.runtime.live import LiveEngine

    def _drain(self: LiveEngine) -> None:
        core = self.core
        commands = list(core.outbox)
        core.outbox.clear()
        for cmd in commands:
            if isinstance(cmd, SubmitOrder):
                cid = cmd.order.client_order_id
                self.spawn(self._submit(cmd.order, self._tick_t0), f"submit {cid}")
            else:
                self.spawn(self._cancel(cmd.client_order_id), f"cancel {cmd.client_order_id}")
        if core.events:
            events = list(core.events)
            core.events.clear()
            if commands:
                asyncio.get_running_loop().call_soon(self.bus.publish_all, events)
            else:
                self.bus.publish_all(events)

    LiveEngine._drain = _drain  # type: ignore[method-assign]


class _Conn(asyncio.Protocol):
    """One kept-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        w = self.waiter
        end = self.buf.find(b"\r\n\r\n")
        if w is None or w.done() or end < 0:
            return
        m = _LENGTH.search(self.buf, 0, end)
        n = int(m.group(1)) if m else 0
        if len(self.buf) < end + 4 + n:
            return
        status, body = int(self.buf[9:12]), bytes(self.buf[end + 4 : end + 4 + n])
        del self.buf[: end + 4 + n]
        w.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))


def _raw_post(stamps: Stamps) -> Callable[[Any, dict[str, object], tuple[int, int, int]], None]:
    from engine.venues.alpaca.rest import Response, Rest

    aiohttp_send = Rest.send
    idle: list[_Conn] = []
    present: dict[str, tuple[_Conn, asyncio.Future[tuple[int, bytes]]]] = {}

    def request(rest: Rest, body: dict[str, object]) -> bytes:
        data = msgspec.json.encode(body)
        head = "".join(f"{k}: {v}\r\n" for k, v in rest._headers.items())
        host = rest.base.split("//", 1)[1]
        return (
            f"POST /v2/orders HTTP/1.1\r\nHost: {host}\r\n{head}"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data

    def write_now(rest: Rest, body: dict[str, object], early: tuple[int, int, int]) -> None:
        """Write the request now on an idle connection, if there is one."""
        if not idle or idle[-1].transport.is_closing():
            return
        conn = idle.pop()
        w = conn.waiter = asyncio.get_running_loop().create_future()
        req = request(rest, body)
        t = clock()
        conn.transport.write(req)
        cid = str(body["client_order_id"])
        stamps.records[cid] = (*early, t, t, clock())
        present[cid] = (conn, w)

    async def send(
        self: Rest, method: str, path: str, *, params: Any = None, json: Any = None
    ) -> Response:
        if method != "POST" or path != "/v2/orders":
            return await aiohttp_send(self, method, path, params=params, json=json)
        loop = asyncio.get_running_loop()
        self.requests += 1
        sent = present.pop(json["client_order_id"], None)
        if sent is None:
            req = request(self, json)
            conn = idle.pop() if idle else None
            if conn is None or conn.transport.is_closing():
                host, port = self.base.split("//", 1)[1].rsplit(":", 1)
                _, conn = await loop.create_connection(_Conn, host, int(port))
            w = conn.waiter = loop.create_future()
            sub = stamps.submit.get()
            t = clock()
            conn.transport.write(req)
            if sub is not None:
                tick, spawned = stamps.tick.get()
                stamps.records[sub[0]] = (stamps.frame.get(), tick, spawned, sub[1], t, clock())
        else:
            conn, w = sent
        timer = loop.call_later(self._timeout.total or 5.0, _expire, w)
        try:
            status, raw = await w
        finally:
            timer.cancel()
        conn.waiter = None
        idle.append(conn)
        return Response(status, raw, None)

    Rest.send = send  # type: ignore[method-assign]
    return write_now


def _expire(w: asyncio.Future[Any]) -> None:
    with contextlib.suppress(asyncio.InvalidStateError):
        w.set_exception(TimeoutError())


def _sync_submit(
    write_now: Callable[[Any, dict[str, object], tuple[int, int, int]], None], stamps: Stamps
) -> None:
    from engine.model.commands import SubmitOrder
    from engine.runtime.live import LiveEngine
    from engine.venues.alpaca.mapping import order_body

    drain = LiveEngine._drain

    def _drain(self: LiveEngine) -> None:
        execution: Any = self.execution
        for cmd in self.core.outbox:
            if isinstance(cmd, SubmitOrder):
                ins = execution._instruments.get(cmd.order.symbol)
                if ins is not None and execution.rest.blocked_for() <= 0:
                    early = (stamps.frame.get(), self._tick_t0, clock())
                    write_now(execution.rest, order_body(cmd.order, ins), early)
        drain(self)

    LiveEngine._drain = _drain  # type: ignore[method-assign]
