"""Issue 10, item 5 and the remote-HTTP Low: credentials never follow a redirect,
and the runtime's HTTP server can require a bearer token.

Item 5 was demonstrated on loopback: the Alpaca REST base answered every call with
a 302 to a second server (another port, so another origin) and that server
received ``APCA-API-KEY-ID`` and ``APCA-API-SECRET-KEY``. Here the first server
redirects everything (REST calls and websocket upgrades) to a protocol-faithful
fake Alpaca on another port that would happily authenticate whoever reaches it;
it must never be reached, and each call fails with an error that says "redirect"
and names no secret. The https -> http downgrade (from reading) is the same
redirect from a TLS origin to a plain one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import shutil
import ssl
import time
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from engine.config import ConfigError
from engine.config import SecretStr
from engine.config import load_config
from engine.config.secret import redact
from engine.core.trader import TraderConfig
from engine.model import ClientOrderId
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.runtime.app import Runtime
from engine.runtime.cli import options_from_config
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca import AlpacaMarketData
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.base import SubmitOutcome
from engine.venues.base import VenueError
from engine.venues.sim import SimVenue
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.engine.runtime.live_rig import GET_BY_CID
from tests.engine.runtime.live_rig import LiveRig
from tests.engine.runtime.live_rig import until as until_true
from tests.engine.venues.alpaca.conftest import INSTRUMENTS
from tests.engine.venues.alpaca.conftest import Sink
from tests.engine.venues.alpaca.conftest import Updates
from tests.kit.fake_alpaca import KEY
from tests.kit.fake_alpaca import SECRET
from tests.kit.fake_alpaca import FakeAlpaca
from tests.kit.fake_alpaca import Fault
from tests.kit.sim import started_sim
from tests.kit.tls import self_signed
from tests.kit.tls import server_context
from tests.monitoring.tools import PROMETHEUS_DIR
from tests.monitoring.tools import eventually
from tests.monitoring.tools import free_port
from tests.monitoring.tools import process
from tests.monitoring.tools import run as run_tool
from tests.monitoring.tools import tool

TOKEN = "123456:TELEGRAM-token-never-leaks"


class Elsewhere(FakeAlpaca):
    """The other origin: a fake Alpaca that records every REST request's headers."""

    def __init__(self) -> None:
        super().__init__()
        self.rest_headers: list[dict[str, str]] = []

    def _authorized(self, request: web.Request) -> bool:
        self.rest_headers.append(dict(request.headers))
        return super()._authorized(request)

    def reached(self) -> bool:
        """Anything at all arrived: a REST call or a websocket connection."""
        return bool(self.requests or self.rest_headers or self.data_connects)

    def reached_updates(self) -> bool:
        return self.update_connects > 0 or bool(self.update_actions)


class Redirector:
    """Answers every request (websocket upgrades too) with ``status`` and a Location
    on ``target`` with the same path and query."""

    def __init__(self, target: str, status: int = 302, tls: ssl.SSLContext | None = None) -> None:
        self.target = target.rstrip("/")
        self.status = status
        self.tls = tls
        self.seen: list[tuple[str, str]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _any(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.method, request.path))
        return web.Response(status=self.status, headers={"Location": self.target + request.path_qs})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.tls)
        await site.start()
        scheme = "https" if self.tls else "http"
        host = "localhost" if self.tls else "127.0.0.1"
        self.url = f"{scheme}://{host}:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def elsewhere() -> AsyncIterator[Elsewhere]:
    async with Elsewhere() as server:
        yield server


@pytest.fixture
def status() -> int:
    """The redirect status (tests parametrize it)."""
    return 302


@pytest.fixture
async def redirector(elsewhere: Elsewhere, status: int) -> AsyncIterator[Redirector]:
    server = Redirector(elsewhere.url, status)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def tls_redirector(
    certificate: tuple[Path, Path], elsewhere: Elsewhere
) -> AsyncIterator[Redirector]:
    server = Redirector(elsewhere.url, 302, tls=server_context(certificate))
    await server.start()
    yield server
    await server.stop()


def assert_clean(exc: BaseException) -> None:
    """The error says what happened and names neither key."""
    text = f"{type(exc).__name__}: {exc}"
    assert "redirect" in text.lower(), text
    assert KEY not in text and SECRET not in text, text


def execution(url: str, session: aiohttp.ClientSession | None = None, **kw: Any) -> AlpacaExecution:
    opts: dict[str, Any] = {
        "timeout_s": 2.0,
        "retry_backoff_s": 0.01,
        "backoff_initial_s": 0.01,
        "backoff_max_s": 0.05,
    } | kw
    config = ExecutionConfig(url, KEY, SECRET, **opts)
    return AlpacaExecution(config, dict(INSTRUMENTS), session=session, rng=random.Random(3))


REST_CALLS: dict[str, Callable[[AlpacaExecution], Awaitable[object]]] = {
    "account": lambda ex: ex.account(),
    "positions": lambda ex: ex.positions(),
    "list_orders": lambda ex: ex.list_orders("all"),
    "cancel_all": lambda ex: ex.cancel_all(),
    "close_all": lambda ex: ex.close_all_positions(),
    "instruments": lambda ex: ex.instruments([Symbol("AAPL")]),
}


# -- item 5: REST -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "call"),
    [(status, "account") for status in (301, 302, 303, 307, 308)]
    + [(307, call) for call in sorted(REST_CALLS) if call != "account"],
)
async def test_item_05_rest_key_headers_never_follow_a_redirect_to_another_origin(
    redirector: Redirector, elsewhere: Elsewhere, status: int, call: str
) -> None:
    """The demonstration: the REST base answers with a redirect to another port; that
    server must never see the key headers (nor any request), and the call fails with
    a clear error naming no secret."""
    ex = execution(redirector.url)
    try:
        with pytest.raises(VenueError) as info:
            await REST_CALLS[call](ex)
    finally:
        await ex.close()
    assert redirector.seen, "the call never reached the configured origin"
    assert not any(
        "APCA-API-KEY-ID" in h or "APCA-API-SECRET-KEY" in h for h in elsewhere.rest_headers
    )
    assert not elsewhere.reached()
    assert_clean(info.value)


async def test_item_05_https_to_http_downgrade_is_refused(
    tls_redirector: Redirector, elsewhere: Elsewhere, certificate: tuple[Path, Path]
) -> None:
    """From reading: an https REST base redirecting to plain http would send the keys
    in clear. The TLS origin is trusted; its 302 to http:// must still not be followed."""
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust))
    ex = execution(tls_redirector.url, session=session)
    try:
        with pytest.raises(VenueError) as info:
            await ex.account()
    finally:
        await ex.close()
        await session.close()
    assert tls_redirector.seen == [("GET", "/v2/account")]
    assert not elsewhere.reached()
    assert_clean(info.value)


def redirect_order(cid: str, symbol: str = "AAPL", price: int = 10000) -> Order:
    return Order(
        ClientOrderId(cid),
        Symbol(symbol),
        Side.BUY,
        1,
        OrderType.LIMIT,
        TimeInForce.DAY,
        price,
        OrderStatus.NEW,
        0,
        0.0,
        1,
        1,
    )


@pytest.mark.parametrize("status", [302, 303, 307])
async def test_item_05_a_submit_answered_with_a_redirect_is_in_doubt_and_not_followed(
    redirector: Redirector, elsewhere: Elsewhere, status: int
) -> None:
    """The order path (its own HTTP/1.1 client) must not follow either, and nothing
    reaches the other origin. A redirect does not say the order was not placed, so
    the submit is in doubt (never a final rejection), its reason says "redirect", and
    the look-up by client order id (redirected too) refuses to follow as well."""
    ex = execution(redirector.url)
    try:
        result = await ex.submit(redirect_order("sb-redirect-1"))
        with pytest.raises(VenueError) as info:
            await ex.query_order(ClientOrderId("sb-redirect-1"))
    finally:
        await ex.close()
    assert result.outcome is SubmitOutcome.AMBIGUOUS
    assert "redirect" in (result.reason or "").lower()
    assert KEY not in (result.reason or "") and SECRET not in (result.reason or "")
    assert_clean(info.value)
    assert [m for m, _ in redirector.seen] == ["POST", "GET"]
    assert not elsewhere.reached()


class SeeOther:
    """A proxy in front of the venue: passes every request on, but answers a placed
    order's ``POST /v2/orders`` with 303 See Other to the order's URL."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.url = ""
        self.redirected = 0
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def _any(self, request: web.Request) -> web.StreamResponse:
        assert self._http is not None
        body = await request.read()
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        async with self._http.request(
            request.method,
            self.upstream + request.rel_url.path_qs,
            data=body or None,
            headers=headers,
            allow_redirects=False,
        ) as resp:
            raw = await resp.read()
            if request.method == "POST" and request.path == "/v2/orders" and resp.status < 300:
                self.redirected += 1
                oid = msgspec.json.decode(raw)["id"]
                return web.Response(status=303, headers={"Location": f"/v2/orders/{oid}"})
            kind = resp.headers.get("Content-Type", "application/json")
            return web.Response(status=resp.status, body=raw, headers={"Content-Type": kind})

    async def start(self) -> str:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()


async def test_review_an_order_answered_with_a_redirect_is_in_doubt_not_rejected(
    venue: SimVenue, caplog: pytest.LogCaptureFixture
) -> None:
    """The review's demonstration (R1): the real simulated venue behind a proxy that
    passes ``POST /v2/orders`` on and answers 303 See Other. The adapter called the
    submit REJECTED (final: the slot freed, the order could be sent again, a later
    fill refused) while the order was working at the venue. Now the submit is in
    doubt, the log says once and loudly that the venue URL redirects, and the
    look-up by client order id (what the runtime's resolution asks) finds the order
    the venue placed."""
    caplog.set_level(logging.INFO)
    proxy = SeeOther(venue.url)
    await proxy.start()
    ex = AlpacaExecution(ExecutionConfig(proxy.url, "sim-key", "sim-secret", timeout_s=3.0))
    try:
        symbol = venue.config.symbols[0].symbol
        (instrument,) = await ex.instruments([Symbol(symbol)])
        results = [
            await ex.submit(redirect_order(f"rv-303-{i}", instrument.symbol, 100)) for i in (1, 2)
        ]
        found = [await ex.query_order(ClientOrderId(f"rv-303-{i}")) for i in (1, 2)]
    finally:
        await ex.close()
        await proxy.stop()
    assert proxy.redirected == 2
    for result in results:
        assert result.outcome is SubmitOutcome.AMBIGUOUS, result
        assert "redirect" in (result.reason or "").lower()
    for venue_order in found:
        assert venue_order is not None, "the venue placed the order"
        assert venue_order.status in (OrderStatus.ACCEPTED, OrderStatus.FILLED), venue_order
    loud = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and "redirect" in r.getMessage().lower()
    ]
    assert len(loud) == 1, loud
    assert "sim-secret" not in caplog.text and "sim-key" not in caplog.text


async def test_review_a_redirected_order_stays_unknown_while_its_look_up_redirects_too() -> None:
    """The review's fail-safe (R1), through LiveEngine: the venue places the order and
    answers 303; the look-ups by client order id are redirected as well. The order is
    UNKNOWN (in doubt), never REJECTED, so its slot is not freed; once the venue
    answers the look-up, the order is what the venue says (working)."""
    fake = FakeAlpaca()
    await fake.start()
    rig = LiveRig(
        fake,
        order=TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=60.0),
        live_options={"resolve_delays": (0.05, 0.05)},
    )
    try:
        await rig.start()
        fake.faults["POST /v2/orders"] = [
            Fault(then_normal=True, status=303, headers={"Location": "/v2/orders/elsewhere"})
        ]
        fake.faults[GET_BY_CID] = [
            Fault(status=302, headers={"Location": "/elsewhere"}) for _ in range(2)
        ]
        await rig.quote(100.00, 100.02, signal=1)
        await until_true(rig.sent, 5, "the entry")
        cid = rig.sent()[0]
        await until_true(lambda: not fake.faults[GET_BY_CID], 5, "the resolution's look-ups")
        await until_true(lambda: rig.live.pending_tasks == 0, 5, "the resolution to end")
        assert rig.venue_status(cid) in ("new", "accepted"), "the venue placed it"
        assert rig.core.orders.status(cid) is OrderStatus.UNKNOWN
        assert fake.count("GET", "/v2/orders:by_client_order_id") == 2  # never followed
        await rig.live.resolve(cid)  # as the periodic reconciliation asks again
        assert rig.core.orders.status(cid) is OrderStatus.ACCEPTED
    finally:
        await rig.close()
        await fake.stop()


# -- item 5: websockets -----------------------------------------------------------------


async def ended_or_reached(task: asyncio.Task[None], reached: Callable[[], bool]) -> None:
    """Poll until the stream task ended or the other origin was reached (5 s deadline)."""
    deadline = time.monotonic() + 5
    while not task.done() and not reached():
        assert time.monotonic() < deadline, "the stream neither failed nor went elsewhere"
        await asyncio.sleep(0.005)


async def finish(task: asyncio.Task[None]) -> BaseException | None:
    if not task.done():
        task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        return None
    except Exception as exc:
        return exc
    return None


@pytest.mark.parametrize("status", [302, 307])
async def test_item_05_market_data_stream_never_follows_a_redirect(
    redirector: Redirector, elsewhere: Elsewhere, status: int
) -> None:
    """The data websocket's upgrade answered with a redirect: following it would send
    the auth action (key and secret) to the other origin. The stream must stop with a
    clear error instead of connecting there (or reconnecting forever)."""
    ws_url = "ws" + redirector.url[4:] + "/v2/iex"
    feed = AlpacaMarketData(
        DataConfig(ws_url, KEY, SECRET, backoff_initial_s=0.01, backoff_max_s=0.05),
        INSTRUMENTS,
        rng=random.Random(1),
    )
    task = asyncio.create_task(feed.run([Symbol("AAPL")], Sink()))
    await ended_or_reached(task, elsewhere.reached)
    exc = await finish(task)
    assert not elsewhere.data_actions, "the auth action went to another origin"
    assert elsewhere.data_connects == 0
    assert exc is not None, "the stream did not fail"
    assert_clean(exc)


@pytest.mark.parametrize("status", [302, 307])
async def test_item_05_trade_updates_stream_never_follows_a_redirect(
    redirector: Redirector, elsewhere: Elsewhere, status: int
) -> None:
    """The same for trade_updates: its authenticate action carries the key pair."""
    ex = execution(redirector.url)
    rec = Updates()
    task = asyncio.create_task(ex.run_updates(rec.on_report, rec.on_feed, rec.on_recovered))
    try:
        await ended_or_reached(task, elsewhere.reached_updates)
        exc = await finish(task)
    finally:
        await ex.close()
    assert not elsewhere.update_actions, "the authenticate action went to another origin"
    assert elsewhere.update_connects == 0
    assert exc is not None, "the stream did not fail"
    assert_clean(exc)


async def test_item_05_telegram_client_does_not_follow_redirects(
    redirector: Redirector, elsewhere: Elsewhere
) -> None:
    """The other HTTP client the process makes: python-telegram-bot (httpx), whose
    URLs carry the token. A redirect from the Bot API must not be followed."""
    request = HTTPXRequest()
    bot = Bot(TOKEN, base_url=redirector.url + "/bot", request=request)
    try:
        with pytest.raises(TelegramError) as info:
            await bot.get_me()
    finally:
        await request.shutdown()
    assert TOKEN not in str(info.value)
    assert redirector.seen
    assert not elsewhere.reached()


# -- Low: allow_remote = true with no authentication ------------------------------------

HTTP_TOKEN = "http-TOKEN-0123456789abcdef-never-shown"
ENDPOINTS = ("/healthz", "/readyz", "/status", "/metrics", "/no-such-endpoint")


@pytest.fixture
async def venue(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with started_sim(tmp_path, 23, 50.0) as sim:
        yield sim


@contextlib.asynccontextmanager
async def runtime(venue: SimVenue, tmp_path: Path, **changes: Any) -> AsyncIterator[str]:
    """A runtime (with the default plugins, so /metrics is there) serving HTTP; yields
    its loopback base URL."""
    run = Running(Runtime(options(venue, tmp_path, **changes)))
    try:
        rt = await run.ready()
        await until(lambda: rt.http_port not in (None, 0), 5, "the HTTP server")
        yield f"http://127.0.0.1:{rt.http_port}"
    finally:
        assert await run.stop() == 0


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, body, WWW-Authenticate) of GET ``url``."""
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as r:
        return r.status, await r.text(), r.headers.get("WWW-Authenticate", "")


def insecure_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "NO authentication" in r.getMessage()
    ]


async def test_low_a_bearer_token_is_required_on_every_endpoint(
    venue: SimVenue, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The demonstration: with allow_remote the server bound 0.0.0.0 and /status and
    /metrics answered anyone. With a token set, every endpoint (the runtime's, the
    metrics plugin's, an unknown path) answers 401 without it, with a wrong one, with
    another scheme; with it, exactly what it answered before. No start-up warning."""
    caplog.set_level(logging.INFO)
    token = SecretStr(HTTP_TOKEN)
    async with runtime(venue, tmp_path, http_host="0.0.0.0", http_token=token) as base:
        wrong = [
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer " + HTTP_TOKEN[:-1]},
            {"Authorization": "Bearer " + HTTP_TOKEN + "x"},
            {"Authorization": "Basic " + HTTP_TOKEN},
            {"Authorization": HTTP_TOKEN},
            {"X-Token": HTTP_TOKEN},
        ]
        for path in ENDPOINTS:
            for headers in wrong:
                status, body, challenge = await get(base + path, headers)
                assert status == 401, (path, headers, status)
                assert challenge.lower().startswith("bearer"), challenge
                assert HTTP_TOKEN not in body
            good = {"Authorization": f"Bearer {HTTP_TOKEN}"}
            status, body, _ = await get(base + path, good)
            expected = {"/no-such-endpoint": 404, "/readyz": status if status == 503 else 200}
            assert status == expected.get(path, 200), (path, status, body)
            assert HTTP_TOKEN not in body
        status, _, _ = await get(base + "/status", {"authorization": f"bearer {HTTP_TOKEN}"})
        assert status == 200, "the scheme is case-insensitive (RFC 9110)"
    assert not insecure_warnings(caplog)
    assert HTTP_TOKEN not in caplog.text


async def test_low_remote_without_a_token_warns_loudly_and_stays_open(
    venue: SimVenue, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bound beyond loopback without a token: unchanged behaviour (open endpoints,
    documented and stable), but a loud warning at start-up that names the fix."""
    caplog.set_level(logging.INFO)
    async with runtime(venue, tmp_path, http_host="0.0.0.0") as base:
        for path in ("/healthz", "/status", "/metrics"):
            status, _, _ = await get(base + path)
            assert status == 200, path
    (warning,) = insecure_warnings(caplog)
    assert "SCALPBOT_HTTP_TOKEN" in warning and "http.token_file" in warning


async def test_low_loopback_without_a_token_is_unchanged(
    venue: SimVenue, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The default (127.0.0.1, no token): every documented endpoint answers as before,
    without any header, and nothing is warned about."""
    caplog.set_level(logging.INFO)
    async with runtime(venue, tmp_path) as base:
        for path in ("/healthz", "/status", "/metrics"):
            status, _, _ = await get(base + path)
            assert status == 200, path
        status, body, _ = await get(base + "/readyz")
        assert status in (200, 503) and "ready" in body
    assert not insecure_warnings(caplog)


def write_secret(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def test_low_the_http_token_comes_from_the_environment_or_a_file_never_toml(
    tmp_path: Path,
) -> None:
    """The token is a secret like the others: from SCALPBOT_HTTP_TOKEN or
    http.token_file (private to the bot's user), refused in TOML, hidden from every
    repr and registered with the redactor; too short a token is refused. No error
    message echoes it."""
    config = load_config(None, {"SCALPBOT_HTTP_TOKEN": HTTP_TOKEN})
    assert config.secrets.http_token == SecretStr(HTTP_TOKEN)
    opts = options_from_config(config)
    assert opts.http.token == SecretStr(HTTP_TOKEN)
    assert HTTP_TOKEN not in repr(opts) and HTTP_TOKEN not in repr(config)
    assert HTTP_TOKEN not in redact(f"Authorization: Bearer {HTTP_TOKEN}")

    file = write_secret(tmp_path / "token", HTTP_TOKEN)
    toml = tmp_path / "c.toml"
    toml.write_text(f'[http]\ntoken_file = "{file}"\n', encoding="utf-8")
    assert load_config(toml, {}).secrets.http_token == SecretStr(HTTP_TOKEN)
    assert load_config(None, {}).secrets.http_token is None  # the default: none

    refused = {
        "in TOML": (f'[http]\ntoken = "{HTTP_TOKEN}"\n', {}),
        "file and variable": (
            f'[http]\ntoken_file = "{file}"\n',
            {"SCALPBOT_HTTP_TOKEN": "x" * 20},
        ),
        "short": ("", {"SCALPBOT_HTTP_TOKEN": "short-token"}),
        "spaces": ("", {"SCALPBOT_HTTP_TOKEN": "a token with spaces in it"}),
    }
    readable = write_secret(tmp_path / "open-token", HTTP_TOKEN, 0o644)
    refused["readable file"] = (f'[http]\ntoken_file = "{readable}"\n', {})
    for what, (text, env) in refused.items():
        toml.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(toml, env)
        assert HTTP_TOKEN not in str(info.value) and "short-token" not in str(info.value), what


async def test_low_prometheus_sends_the_token_from_its_credentials_file(
    venue: SimVenue, tmp_path: Path
) -> None:
    """The shipped scrape config, its authorization block uncommented as the comment
    says and pointed at a token file, makes the real Prometheus scrape a scalpbot that
    requires the token (up == 1); the same config without the block cannot (up == 0)."""
    text = (PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8")
    block = (
        "    # authorization:\n"
        "    #   type: Bearer\n"
        "    #   credentials_file: /etc/prometheus/scalpbot-http-token\n"
    )
    assert block in text, "prometheus.yml no longer has the commented authorization block"
    token_file = write_secret(tmp_path / "scalpbot-http-token", HTTP_TOKEN)
    enabled = block.replace("    # ", "    ").replace(
        "/etc/prometheus/scalpbot-http-token", str(token_file)
    )
    token = SecretStr(HTTP_TOKEN)
    async with runtime(venue, tmp_path, http_token=token) as base:
        port = int(base.rsplit(":", 1)[1])
        for job, config_text, up in (
            ("with", text.replace(block, enabled), 1),
            ("without", text, 0),
        ):
            await scrape_once(tmp_path / job, config_text, port, up)


async def scrape_once(directory: Path, text: str, bot_port: int, up: int) -> None:
    """Run Prometheus on ``text`` (fast, scraping ``bot_port``) until ``up{job="scalpbot"}``
    has a value, and check it is ``up``."""
    prom_port = free_port()
    changes = {
        "scrape_interval: 15s": "scrape_interval: 1s",
        "scrape_timeout: 10s": "scrape_timeout: 1s",
        "scrape_interval: 5s": "scrape_interval: 1s",
        "scrape_timeout: 4s": "scrape_timeout: 1s",
        '"127.0.0.1:9108"': f'"127.0.0.1:{bot_port}"',
        '"127.0.0.1:9090"': f'"127.0.0.1:{prom_port}"',
    }
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir()
    shutil.copytree(PROMETHEUS_DIR / "rules", directory / "rules")
    config = directory / "prometheus.yml"
    config.write_text(text, encoding="utf-8")
    checked = run_tool(tool("promtool"), "check", "config", config)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    args = [
        tool("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={directory / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{prom_port}",
        "--log.level=warn",
    ]
    query = f"http://127.0.0.1:{prom_port}/api/v1/query"
    with process(args, directory / "prometheus.log") as proc:
        async with aiohttp.ClientSession() as http:

            async def value() -> float | None:
                assert proc.poll() is None, (directory / "prometheus.log").read_text()
                try:
                    async with http.get(query, params={"query": 'up{job="scalpbot"}'}) as r:
                        result = (await r.json())["data"]["result"] if r.status == 200 else []
                except aiohttp.ClientError:
                    return None
                return float(result[0]["value"][1]) if result else None

            assert await eventually(value, 30, "a scrape of scalpbot") == up
