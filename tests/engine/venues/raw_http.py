"""A loopback HTTP/1.1 server in its own thread whose answers are scripted byte for byte.

It runs outside the test's event loop on purpose: a test can block the loop and
still see what the client has already written to the socket. Each request is
read whole (head and ``Content-Length`` body) and recorded; the next scripted
action answers it (by default a 200 with a small JSON body).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable

Action = Callable[[socket.socket], bool]  # answer one request; False closes the connection


def response(
    status: int = 200,
    body: bytes = b'{"ok":true}',
    headers: dict[str, str] | None = None,
    *,
    chunked: bool = False,
    close: bool = False,
    length: bool = True,
) -> bytes:
    """Bytes of one response: Content-Length, chunked (in 3-byte chunks) or, with
    ``length=False``, delimited by the connection closing."""
    lines = [f"HTTP/1.1 {status} X"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if close or not length:
        lines.append("Connection: close")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        parts = [body[i : i + 3] for i in range(0, len(body), 3)]
        payload = b"".join(b"%x\r\n%b\r\n" % (len(part), part) for part in parts)
        payload += b"0\r\n\r\n"
    else:
        if length:
            lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def send(data: bytes, keep: bool = True) -> Action:
    def act(sock: socket.socket) -> bool:
        sock.sendall(data)
        return keep

    return act


def hang_up(sock: socket.socket) -> bool:
    """Close without answering."""
    return False


class RawHttpServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._tls = tls
        self.requests: list[bytes] = []
        self.connections = 0
        self.script: list[Action] = []
        self.default: Action = send(response())
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    def url(self, host: str = "127.0.0.1") -> str:
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    def start(self) -> RawHttpServer:
        t = threading.Thread(target=self._accept, name="raw-http", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept() (close alone does not)
        self._listener.close()
        self.close_all()
        for t in self._threads:
            t.join(2)

    def close_all(self) -> None:
        """Close every open connection from the server side (as an idle timeout would)."""
        for s in list(self._socks):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
                s.close()

    def wait_requests(self, n: int, timeout: float = 3.0) -> bool:
        """Block the calling thread until ``n`` requests arrived (False on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self._socks.append(sock)
            self.connections += 1
            t = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_side=True)
                self._socks.append(sock)
            buf = b""
            while not self._stop.is_set():
                request, buf = _read_request(sock, buf)
                if request is None:
                    return
                with self._cond:
                    self.requests.append(request)
                    self._cond.notify_all()
                action = self.script.pop(0) if self.script else self.default
                if not action(sock):
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()


def _read_request(sock: socket.socket, buf: bytes) -> tuple[bytes | None, bytes]:
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]
