"""The order path's HTTP/1.1 client: the parser (Hypothesis) and the pool on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvloop
from hypothesis import given
from hypothesis import strategies as st

from engine.venues.http1 import Http1Pool
from engine.venues.http1 import Http1ProtocolError
from engine.venues.http1 import HttpResponse
from engine.venues.http1 import _Parser
from engine.venues.http1 import request_head
from tests.engine.venues.raw_http import RawHttpServer
from tests.engine.venues.raw_http import hang_up
from tests.engine.venues.raw_http import response
from tests.engine.venues.raw_http import send
from tests.kit.tls import self_signed
from tests.kit.tls import server_context
from tests.kit.wait import poller


def post(body: bytes = b'{"a":1}', target: str = "/v2/orders") -> bytes:
    head = request_head("POST", target, "venue", {"Content-Type": "application/json"})
    return head + b"%d\r\n\r\n" % len(body) + body


until = poller(3.0, every=0.002)


# -- the parser ----------------------------------------------------------------------------

token = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
    lambda t: t not in ("content-length", "transfer-encoding", "connection")
)
header_value = st.text("abcXYZ019 ;=/.-", max_size=20).map(str.strip)


@given(
    status=st.integers(200, 599).filter(lambda s: s not in (204, 304)),
    headers=st.dictionaries(token, header_value, max_size=5),
    body=st.binary(max_size=300),
    framing=st.sampled_from(["length", "chunked", "close"]),
    interim=st.booleans(),
    cuts=st.lists(st.integers(1, 40), max_size=30),
)
def test_any_response_split_anyhow_parses_back(
    status: int,
    headers: dict[str, str],
    body: bytes,
    framing: str,
    interim: bool,
    cuts: list[int],
) -> None:
    data = response(status, body, headers, chunked=framing == "chunked", length=framing != "close")
    if interim:
        data = b"HTTP/1.1 100 Continue\r\n\r\n" + data
    parser, got, i = _Parser(), [], 0
    for n in [*cuts, len(data)]:
        piece, i = data[i : i + n], i + n
        resp = parser.feed(piece)
        if resp is not None:
            got.append(resp)
    if framing == "close":
        assert not got
        resp = parser.eof()
        assert resp is not None
        got.append(resp)
    assert len(got) == 1
    assert (got[0].status, got[0].body) == (status, body)
    assert {k: v for k, v in got[0].headers.items() if k in headers} == headers
    assert parser.keep is (framing != "close")


def test_two_responses_in_one_read_are_read_one_after_the_other() -> None:
    parser = _Parser()
    first = parser.feed(response(201, b"one") + response(200, b"two", chunked=True))
    assert first == HttpResponse(201, {"content-length": "3"}, b"one")
    second = parser.feed(b"")
    assert second is not None and second.body == b"two"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"SMTP 220 hello\r\n\r\n", "bad status line"),
        (b"HTTP/1.1 2x0 OK\r\n\r\n", "bad status line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "bad header line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "not followed"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70_000, "head too large"),
    ],
)
def test_garbage_is_a_protocol_error_naming_what_is_wrong(data: bytes, reason: str) -> None:
    with pytest.raises(Http1ProtocolError, match=reason):
        _Parser().feed(data)


def test_a_connection_close_or_http_1_0_answer_is_not_kept() -> None:
    p = _Parser()
    assert p.feed(response(200, b"x", close=True)) is not None and not p.keep
    p = _Parser()
    assert p.feed(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") is not None and not p.keep
    p = _Parser()
    assert p.feed(b"HTTP/1.1 204 No Content\r\n\r\n") is not None and p.keep


# -- the pool ---------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[RawHttpServer]:
    s = RawHttpServer().start()
    yield s
    s.stop()


@pytest.fixture
async def pool(server: RawHttpServer) -> AsyncIterator[Http1Pool]:
    p = Http1Pool(server.url(), size=2, max_size=4, connect_timeout_s=2)
    await p.warm()
    yield p
    await p.close()


async def test_a_warm_request_is_on_the_wire_before_request_returns(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    fut = pool.request(post(b'{"id":"sb-1"}'), 2.0)
    # No await since request(): the loop cannot have run a write for us, yet the
    # server thread has the whole request.
    assert server.wait_requests(1, timeout=3.0)
    assert server.requests[0].endswith(b'{"id":"sb-1"}')
    assert server.requests[0].startswith(b"POST /v2/orders HTTP/1.1\r\nHost: venue\r\n")
    assert b"Content-Length: 13\r\n" in server.requests[0]
    resp = await fut
    assert (resp.status, resp.body) == (200, b'{"ok":true}')
    assert pool.cold_requests == 0


async def test_connections_are_kept_alive_and_reused(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    for i in range(5):
        assert (await pool.request(post(b"%d" % i), 2.0)).status == 200
    # the two warmed ones, plus one opened so that two stay idle while one is busy
    assert pool.connects == 3 and pool.cold_requests == 0
    await until(lambda: server.connections == 3)  # (the accept thread may lag)
    assert len(server.requests) == 5


async def test_concurrent_requests_get_their_own_answers(server: RawHttpServer) -> None:
    def echo(sock: object) -> bool:
        body = server.requests[-1].rpartition(b"\r\n\r\n")[2]
        sock.sendall(response(200, body))  # type: ignore[attr-defined]
        return True

    server.default = echo
    p = Http1Pool(server.url(), size=1, max_size=4)
    await p.warm()
    try:
        futs = [p.request(post(b"req-%d" % i), 2.0) for i in range(6)]
        answers = [r.body for r in await asyncio.gather(*futs)]
        assert answers == [b"req-%d" % i for i in range(6)]
        assert p.cold_requests == 5  # one was warm; the rest opened connections
    finally:
        await p.close()


async def test_a_server_side_close_is_noticed_and_the_pool_refilled(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    await until(lambda: server.connections == 2)  # both accepted on the server side
    server.close_all()
    await until(lambda: pool.connects == 4 and pool.idle_count == 2)
    assert (await pool.request(post(), 2.0)).status == 200
    assert pool.cold_requests == 0


async def test_closed_before_the_answer_is_a_connection_error(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    server.script.append(hang_up)
    with pytest.raises(ConnectionResetError, match="before the full response"):
        await pool.request(post(), 2.0)
    assert len(server.requests) == 1  # sent once, never again


async def test_no_answer_in_time_is_a_timeout_and_that_connection_is_dropped(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    server.script.append(lambda sock: True)  # read it, never answer
    with pytest.raises(TimeoutError):
        await pool.request(post(), 0.05)
    server.script.append(send(response(200, b"late")))
    assert (await pool.request(post(), 2.0)).body == b"late"  # another connection
    assert len(server.requests) == 2


async def test_close_delimited_chunked_and_connection_close_answers(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    server.script += [
        send(response(200, b"chunks of it", chunked=True)),
        send(response(200, b"until close", length=False), keep=False),
        send(response(422, b'{"message":"no"}', close=True), keep=False),
    ]
    assert (await pool.request(post(), 2.0)).body == b"chunks of it"
    assert (await pool.request(post(), 2.0)).body == b"until close"
    resp = await pool.request(post(), 2.0)
    assert (resp.status, resp.headers["connection"]) == (422, "close")


async def test_unsolicited_bytes_retire_an_idle_connection(
    server: RawHttpServer, pool: Http1Pool
) -> None:
    server.script.append(send(response(200, b"a") + response(408, b"bye")))
    assert (await pool.request(post(), 2.0)).body == b"a"
    # The connection holding the stray 408 is closed, never answers the next request.
    assert (await pool.request(post(), 2.0)).body == b'{"ok":true}'


async def test_an_idle_connection_past_max_idle_is_not_used(server: RawHttpServer) -> None:
    now = [0.0]
    p = Http1Pool(server.url(), size=1, max_idle_s=30, monotonic=lambda: now[0])
    await p.warm()
    try:
        now[0] = 31.0
        assert (await p.request(post(), 2.0)).status == 200
        assert p.cold_requests == 1 and p.connects >= 2  # (a top-up may race the cold one)
    finally:
        await p.close()


async def test_a_closed_pool_refuses_and_an_unreachable_origin_fails_to_warm() -> None:
    p = Http1Pool("http://127.0.0.1:9", connect_timeout_s=1)  # discard port: nothing listens
    with pytest.raises(ConnectionError, match=r"cannot connect to 127\.0\.0\.1:9"):
        await p.warm()
    await p.close()
    with pytest.raises(ConnectionError, match="closed"):
        p.request(post(), 1.0)


def test_the_same_under_uvloop(server: RawHttpServer) -> None:
    """``scalpbot run`` runs on uvloop, whose transports differ from asyncio's."""

    async def scenario() -> None:
        p = Http1Pool(server.url(), size=1)
        await p.warm()
        try:
            fut = p.request(post(b"uv"), 2.0)
            assert server.wait_requests(1)  # on the wire before any await
            assert (await fut).status == 200
            server.script.append(hang_up)
            with pytest.raises(ConnectionResetError):
                await p.request(post(), 2.0)
            server.script.append(lambda sock: True)
            with pytest.raises(TimeoutError):
                await p.request(post(), 0.05)
            assert (await p.request(post(), 2.0)).status == 200
        finally:
            await p.close()

    uvloop.run(scenario())


def test_urls_it_accepts() -> None:
    assert Http1Pool("https://paper-api.alpaca.markets").origin.host_header == (
        "paper-api.alpaca.markets"
    )
    assert Http1Pool("http://h:8080/prefix/").origin.path == "/prefix"
    with pytest.raises(ValueError, match="http"):
        Http1Pool("ws://h:1")


# -- TLS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[RawHttpServer]:
    s = RawHttpServer(tls=server_context(certificate)).start()
    yield s
    s.stop()


async def test_https_with_a_trusted_certificate(
    tls_server: RawHttpServer, certificate: tuple[Path, Path]
) -> None:
    import ssl

    ctx = ssl.create_default_context(cafile=str(certificate[0]))
    p = Http1Pool(tls_server.url("localhost"), size=1, ssl_context=ctx)
    await p.warm()
    try:
        fut = p.request(post(b"secret order"), 2.0)
        assert tls_server.wait_requests(1)
        assert (await fut).status == 200
        assert tls_server.requests[0].endswith(b"secret order")
    finally:
        await p.close()


async def test_https_refuses_a_certificate_it_cannot_verify(tls_server: RawHttpServer) -> None:
    p = Http1Pool(tls_server.url("localhost"), size=1)  # system trust store only
    try:
        with pytest.raises(ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            await p.warm()
        assert tls_server.requests == []
    finally:
        await p.close()
