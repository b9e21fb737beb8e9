"""A small HTTP/1.1 client for the order path: a request written from the caller's stack.

Why it exists: aiohttp's client builds and writes a request over several
awaits and task hops. Measured by ``bench/tick_to_trade.py`` that was ~140 us at
p50 and, behind whatever else the loop had queued, milliseconds at p99, for an
order the core had decided on in ~35 us. :meth:`Http1Pool.request` instead
writes the whole request to an idle kept-alive connection *before it returns*,
and hands back a future for the response.

Scope, deliberately small: one origin (``http://`` or ``https://`` with the
default TLS context and hostname check), one request per connection at a time
(no pipelining), requests with a ``Content-Length`` body, responses delimited by
``Content-Length``, chunked transfer coding or the connection closing; 1xx
interim responses skipped. Anything else the server sends is a protocol error.

Failures never retry (the caller decides; an order submit must not be sent
twice): a connection that closes before the full response, a timeout, or an
unreadable response fails the future with an ``OSError`` (``ConnectionError``,
``TimeoutError``, :class:`Http1ProtocolError`) and that connection is dropped.
The pool keeps ``size`` connections open and warm in the background, recycles
connections idle longer than ``max_idle_s`` (servers close idle keep-alive
connections, and a request racing that close is lost), and opens extra
connections, up to ``max_size``, when all are busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any
from typing import cast
from urllib.parse import urlsplit

import msgspec

log = logging.getLogger("scalpbot.venues.http1")

MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024


class Http1ProtocolError(OSError):
    """The server's bytes are not an HTTP/1.1 response we can read."""


class HttpResponse(msgspec.Struct, frozen=True):
    status: int
    headers: dict[str, str]  # names lower-cased; a repeated header keeps its last value
    body: bytes


class Origin(msgspec.Struct, frozen=True):
    scheme: str
    host: str
    port: int
    path: str  # the base URL's path prefix, without a trailing slash

    @classmethod
    def parse(cls, base_url: str) -> Origin:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http(s)://host[:port] URL, got {base_url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def request_head(method: str, target: str, host: str, headers: dict[str, str]) -> bytes:
    """The request line and headers up to (not including) the Content-Length value."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\nContent-Length: ").encode("latin-1")


class _Parser:
    """Incremental reader of one HTTP/1.1 response at a time."""

    __slots__ = ("_body", "_buf", "_chunk_left", "_mode", "_need", "headers", "keep", "status")

    def __init__(self) -> None:
        self._buf = bytearray()
        self.reset()

    def reset(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.keep = True
        self._mode = "head"  # head | length | chunk_size | chunk_data | chunk_end | trailer | close
        self._need = 0
        self._chunk_left = 0
        self._body = bytearray()

    @property
    def idle(self) -> bool:
        return self._mode == "head" and not self._buf and not self.status

    def feed(self, data: bytes) -> HttpResponse | None:
        """Add bytes; the response once complete (leftover bytes stay buffered)."""
        self._buf += data
        while True:
            mode = self._mode
            if mode == "head":
                if not self._head():
                    return None
            elif mode == "length":
                if len(self._buf) < self._need:
                    return None
                self._body += self._buf[: self._need]
                del self._buf[: self._need]
                return self._done()
            elif mode == "close":
                self._body += self._buf
                self._buf.clear()
                if len(self._body) > MAX_BODY:
                    raise Http1ProtocolError("response body too large")
                return None
            elif not self._chunked():
                return None
            if self._mode == "done":
                return self._done()

    def eof(self) -> HttpResponse | None:
        """The connection closed: the response if it was close-delimited."""
        if self._mode == "close":
            self.keep = False
            return self._done()
        return None

    def _head(self) -> bool:
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buf) > MAX_HEAD:
                raise Http1ProtocolError("response head too large")
            return False
        head = bytes(self._buf[:end]).decode("latin-1")
        del self._buf[: end + 4]
        line, *fields = head.split("\r\n")
        version, _, rest = line.partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise Http1ProtocolError(f"bad status line {line[:40]!r}")
        status = int(code)
        headers: dict[str, str] = {}
        for field in fields:
            name, sep, value = field.partition(":")
            if not sep or not name or name != name.strip():
                raise Http1ProtocolError(f"bad header line {field[:40]!r}")
            headers[name.lower()] = value.strip()
        if 100 <= status < 200:
            return True  # interim response: read the next head
        self.status, self.headers = status, headers
        conn = headers.get("connection", "").lower()
        self.keep = "close" not in conn and (version == "HTTP/1.1" or "keep-alive" in conn)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._mode = "chunk_size"
        elif "content-length" in headers:
            length = headers["content-length"]
            if not length.isdigit() or int(length) > MAX_BODY:
                raise Http1ProtocolError(f"bad Content-Length {length[:20]!r}")
            self._mode, self._need = "length", int(length)
        elif status in (204, 304):
            self._mode, self._need = "length", 0
        else:
            self._mode, self.keep = "close", False
        return True

    def _chunked(self) -> bool:
        """Advance through chunked framing; False when more bytes are needed."""
        buf = self._buf
        if self._mode == "chunk_data":
            n = min(self._chunk_left, len(buf))
            self._body += buf[:n]
            del buf[:n]
            self._chunk_left -= n
            if self._chunk_left:
                return False
            self._mode = "chunk_end"
            return True
        end = buf.find(b"\r\n")
        if end < 0:
            if len(buf) > MAX_HEAD:
                raise Http1ProtocolError("chunk framing line too long")
            return False
        line = bytes(buf[:end])
        del buf[: end + 2]
        if self._mode == "chunk_end":
            if line:
                raise Http1ProtocolError("chunk not followed by CRLF")
            self._mode = "chunk_size"
        elif self._mode == "chunk_size":
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise Http1ProtocolError(f"bad chunk size {size_text[:20]!r}") from None
            if size < 0 or len(self._body) + size > MAX_BODY:
                raise Http1ProtocolError("response body too large")
            self._chunk_left = size
            self._mode = "chunk_data" if size else "trailer"
        elif not line:  # trailer section ends with an empty line
            self._mode = "done"
        return True

    def _done(self) -> HttpResponse:
        resp = HttpResponse(self.status, self.headers, bytes(self._body))
        keep = self.keep
        self.reset()
        self.keep = keep
        return resp


class _Conn(asyncio.Protocol):
    """One connection; at most one request in flight."""

    def __init__(self, pool: Http1Pool) -> None:
        self._pool = pool
        self._parser = _Parser()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[HttpResponse] | None = None
        self.idle_since = time.monotonic()
        self.closed = False
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def send(self, data: bytes, waiter: asyncio.Future[HttpResponse], timeout_s: float) -> None:
        assert self.transport is not None
        self.waiter = waiter
        self._timer = waiter.get_loop().call_later(timeout_s, self._expire)
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        if self.waiter is None:
            # Unsolicited bytes (e.g. a 408 before the server closes): not reusable.
            self.close()
            return
        try:
            resp = self._parser.feed(data)
        except Http1ProtocolError as exc:
            self._fail(exc)
            return
        if resp is not None:
            self._finish(resp)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            resp = self._parser.eof()
            if resp is not None:
                self._finish(resp)
            else:
                self._fail(ConnectionResetError("connection closed before the full response"))
        self._pool._lost(self)

    def _finish(self, resp: HttpResponse) -> None:
        waiter = self._clear()
        if waiter is not None and not waiter.done():
            waiter.set_result(resp)
        if self._parser.keep and self._parser.idle and not self.closed:
            # (bytes beyond the answer mean the stream is out of step: never reuse)
            self.idle_since = time.monotonic()
            self._pool._release(self)
        else:
            self.close()

    def _fail(self, exc: OSError) -> None:
        waiter = self._clear()
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.close()

    def _expire(self) -> None:
        self._timer = None
        self._fail(TimeoutError("no response within the timeout"))

    def _clear(self) -> asyncio.Future[HttpResponse] | None:
        waiter, self.waiter = self.waiter, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        return waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class Http1Pool:
    """Kept-alive connections to one origin; see the module docstring."""

    def __init__(
        self,
        base_url: str,
        *,
        size: int = 2,
        max_size: int = 8,
        connect_timeout_s: float = 5.0,
        max_idle_s: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= size <= max_size:
            raise ValueError("need 1 <= size <= max_size")
        self.origin = Origin.parse(base_url)
        self.size = size
        self.max_size = max_size
        self.connect_timeout_s = connect_timeout_s
        self.max_idle_s = max_idle_s
        self._ssl: ssl.SSLContext | None = None
        if self.origin.scheme == "https":
            self._ssl = ssl_context or ssl.create_default_context()
        self._monotonic = monotonic
        self._idle: list[_Conn] = []
        self._open: set[_Conn] = set()
        self._connecting = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        self._maintainer: asyncio.TimerHandle | None = None
        self.connects = 0
        self.cold_requests = 0  # requests that had to wait for a new connection

    def __repr__(self) -> str:
        o = self.origin
        return f"Http1Pool({o.scheme}://{o.host_header}, open={len(self._open)})"

    @property
    def idle_count(self) -> int:
        return len(self._idle)

    async def warm(self) -> None:
        """Open ``size`` connections now (raises if the first cannot be opened) and keep
        them open from then on."""
        while len(self._idle) + self._connecting < self.size:
            self._release(await self._connect())
        self._schedule_maintenance()

    def request(self, data: bytes, timeout_s: float) -> asyncio.Future[HttpResponse]:
        """Send ``data`` (a whole request) now on an idle connection, or as soon as a
        new one is open; the future gives the response or fails with an OSError."""
        if self._closed:
            raise ConnectionError("HTTP connection pool is closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[HttpResponse] = loop.create_future()
        conn = self._checkout()
        if conn is not None:
            conn.send(data, waiter, timeout_s)
            return waiter
        self.cold_requests += 1
        self._spawn(self._send_cold(data, waiter, timeout_s))
        return waiter

    async def close(self) -> None:
        self._closed = True
        if self._maintainer is not None:
            self._maintainer.cancel()
        for task in list(self._tasks):
            task.cancel()
        for conn in list(self._open):
            conn.close()
        self._idle.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- internals ------------------------------------------------------------------------

    def _checkout(self) -> _Conn | None:
        stale_before = self._monotonic() - self.max_idle_s
        while self._idle:
            conn = self._idle.pop()
            if conn.closed or conn.transport is None or conn.transport.is_closing():
                continue
            if conn.idle_since < stale_before:
                conn.close()  # may have been closed by the server meanwhile
                continue
            self._top_up()
            return conn
        self._top_up()
        return None

    async def _send_cold(
        self, data: bytes, waiter: asyncio.Future[HttpResponse], timeout_s: float
    ) -> None:
        try:
            conn = await self._connect()
        except OSError as exc:
            if not waiter.done():
                waiter.set_exception(exc)
            return
        if waiter.done():  # the caller gave up
            self._release(conn)
            return
        conn.send(data, waiter, timeout_s)

    async def _connect(self, counted: bool = False) -> _Conn:
        loop = asyncio.get_running_loop()
        o = self.origin
        if not counted:
            self._connecting += 1
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                _, conn = await loop.create_connection(
                    lambda: _Conn(self),
                    o.host,
                    o.port,
                    ssl=self._ssl,
                    server_hostname=o.host if self._ssl else None,
                )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            raise ConnectionError(f"cannot connect to {o.host_header}: {exc}") from None
        finally:
            self._connecting -= 1
        self.connects += 1
        self._open.add(conn)
        return conn

    def _release(self, conn: _Conn) -> None:
        if self._closed or conn.closed or len(self._idle) >= self.max_size:
            conn.close()
            return
        conn.idle_since = self._monotonic()
        self._idle.append(conn)

    def _lost(self, conn: _Conn) -> None:
        self._open.discard(conn)
        with contextlib.suppress(ValueError):
            self._idle.remove(conn)
        if not self._closed:
            self._top_up()

    def _top_up(self) -> None:
        """Open connections in the background until ``size`` are idle (or opening),
        at most ``max_size`` in all."""
        if self._closed or self._maintainer is None:
            return  # not warmed: connect on demand only
        missing = min(
            self.size - (len(self._idle) + self._connecting),
            self.max_size - (len(self._open) + self._connecting),
        )
        for _ in range(max(0, missing)):
            self._connecting += 1  # counted from now, not from when the task first runs
            self._spawn(self._connect_idle())

    async def _connect_idle(self) -> None:
        try:
            self._release(await self._connect(counted=True))
        except ConnectionError as exc:
            log.warning("order connection: %s (retrying on the next maintenance)", exc)

    def _schedule_maintenance(self) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        self._maintainer = loop.call_later(max(0.05, self.max_idle_s / 2), self._maintain)

    def _maintain(self) -> None:
        """Recycle connections about to go stale, then refill the pool."""
        soon = self._monotonic() - self.max_idle_s / 2
        for conn in [c for c in self._idle if c.idle_since < soon]:
            self._idle.remove(conn)
            conn.close()
        self._top_up()
        self._schedule_maintenance()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro, name="http1-connect")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
