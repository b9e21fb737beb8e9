"""No secret in any output: ``scalpbot run`` with recognisable fake secrets, then a grep.

The Done-when of issue 10 turned into a test. The bot runs as a real process
(``scalpbot run``, Alpaca adapter) against a real ``scalpbot sim-venue`` process
that checks the same fake key pair, with Telegram in webhook mode against the
tests' fake Bot API (in this process), ``log.level = debug``, in text and in
JSON log format. It goes through start-up (Telegram down at first), commands
(viewer reads, admin reads, a stranger's refused commands, commands with bad
arguments, a confirmed /kill that fails against a venue answering 500), a
Telegram outage (5xx on every method, then the server closed and back), a venue
outage (the venue stopped, then back with every REST call answering 500 and
every websocket dropped each second) and shutdown. Then each secret, as written
and in its URL-encoded, form-encoded, JSON-escaped and base64 forms (at every
byte alignment, so a secret inside a base64 blob such as a Basic header is found
too), is looked for in:

* every line the bot and the venue wrote (stdout and stderr);
* every file the run left (the SQLite store with its -wal/-shm, the venue's
  state file, anything else in the run's directory);
* ``/healthz``, ``/readyz``, ``/status``, ``/metrics`` and the webhook route
  (bodies and headers), read after start-up, during the venue outage and
  just before shutdown;
* every request the fake Telegram received: method path, query, headers and
  body. The two places Telegram's protocol needs a secret are left out: the
  token in the URL path's ``/bot<token>/`` prefix, and ``secret_token`` in the
  body of ``setWebhook``. The test asserts the token is in the path of each
  request exactly once and nowhere else.

Zero hits are required. Every hit is listed with where it was and around what.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TypeVar
from urllib.parse import quote
from urllib.parse import quote_plus

import aiohttp
import pytest
from aiohttp import streams
from aiohttp import web

from tests.acceptance.conftest import HOST
from tests.acceptance.conftest import REPO
from tests.acceptance.conftest import SCALPBOT
from tests.acceptance.conftest import free_port
from tests.acceptance.conftest import get_json
from tests.kit.bot_config import BUSY_STRATEGY
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.wait import async_poller
from tests.kit.wait import poller

T = TypeVar("T")

ADMIN, TRADER, VIEWER, STRANGER = 111, 222, 333, 444
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

TOKEN = "7391825460:AAHleakTOKENq8Zx3Kp0Lm2Nw5Rt7Yb9Dc"
WEBHOOK_SECRET = "LeakWebhookSecret_q8Zx-4Kp7Tn2Rm"
KEY_ID = "PKLEAKKEYIDq7Zx3Wv9Hs"
VENUE_SECRET = "LeakVenueSecret+q7/Zx3Wk9Rp2Tn5Ym8Hd"
DB_PASSWORD = "LeakPgPassword9Qx7Zv3Lc"
HTTP_TOKEN = "LeakHttpBearerToken7Qx9Zv3Wk2"
BEARER = {"Authorization": f"Bearer {HTTP_TOKEN}"}
SECRETS = {
    "venue key id": KEY_ID,
    "venue secret": VENUE_SECRET,
    "bot token": TOKEN,
    "webhook secret": WEBHOOK_SECRET,
    "database password": DB_PASSWORD,
    "http bearer token": HTTP_TOKEN,
}


# -- the forms a secret can take in an output ----------------------------------------------


def forms(secret: str) -> dict[str, str]:
    """``secret`` as written, URL- and form-encoded, JSON-escaped, and the part of its
    base64 (standard and URL-safe) that is the same wherever it sits in a blob."""
    out = {
        "plain": secret,
        "url-encoded": quote(secret, safe=""),
        "form-encoded": quote_plus(secret),
        "json-escaped": secret.replace("/", "\\/"),
    }
    raw = secret.encode()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        first = -(-8 * offset // 6)  # the first character made of the secret's bits only
        last = (8 * offset + 8 * len(raw) - 6) // 6
        part = encoded[first : last + 1]
        out[f"base64@{offset}"] = part
        out[f"base64url@{offset}"] = part.replace("+", "-").replace("/", "_")
    unique: dict[str, str] = {}
    for name, value in out.items():
        if value not in unique.values():
            unique[name] = value
    return unique


NEEDLES = [
    (name, form, value.encode()) for name, s in SECRETS.items() for form, value in forms(s).items()
]


@dataclass
class Leaks:
    """Every hit: where, which secret, in which form, and the text around it."""

    hits: list[str] = field(default_factory=list)
    looked_at: list[str] = field(default_factory=list)

    def scan(self, where: str, data: bytes | str, skip: frozenset[str] = frozenset()) -> None:
        blob = data.encode() if isinstance(data, str) else data
        self.looked_at.append(f"{where} ({len(blob)} bytes)")
        for name, form, needle in NEEDLES:
            if name in skip:
                continue
            start = blob.find(needle)
            count = blob.count(needle)
            if start < 0:
                continue
            line = blob.count(b"\n", 0, start) + 1
            around = blob[max(0, start - 120) : start + len(needle) + 60]
            text = around.decode("utf-8", "backslashreplace").replace("\n", "\\n")
            self.hits.append(f"{where} line {line}: {name} ({form}) x{count}: ...{text}...")

    def report(self) -> str:
        return "\n".join(self.hits)


# -- processes ----------------------------------------------------------------------------------


class Proc:
    """One child process with its own environment; stdout and stderr kept apart."""

    def __init__(self, name: str, argv: list[str], directory: Path, env: dict[str, str]) -> None:
        self.name = name
        self.stdout = directory / f"{name}.stdout"
        self.stderr = directory / f"{name}.stderr"
        with open(self.stdout, "ab") as out, open(self.stderr, "ab") as err:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=REPO
            )

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        assert self.returncode is None, f"{self.name} exited early ({self.returncode})"
        os.kill(self.proc.pid, sig)

    async def exited(self, timeout: float) -> int:
        await until(lambda: self.returncode is not None, timeout, f"{self.name} to exit")
        rc = self.returncode
        assert rc is not None
        return rc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def tail(self, lines: int = 12) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


def base_env() -> dict[str, str]:
    """This environment without any configuration or secret of ours."""
    drop = ("SCALPBOT", "APCA_", "TELEGRAM_", "PG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PYTHONUNBUFFERED"] = "1"
    return env


until = poller(every=0.05)
until_async = async_poller(every=0.05)


# -- the fake Telegram, recording the raw requests ----------------------------------------------


@dataclass
class RawRequest:
    method: str
    path: str  # the raw path with the query string
    headers: list[tuple[str, str]]
    body: bytes


class RecordingTelegram(FakeTelegram):
    """The shared fake Bot API, also keeping every request as it arrived on the wire."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.raw: list[RawRequest] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.raw.append(
            RawRequest(request.method, request.raw_path, list(request.headers.items()), body)
        )
        # Multipart parsing reads the stream itself: give the fake's parser the body again.
        again = streams.StreamReader(request.protocol, 2**16, loop=asyncio.get_running_loop())
        again.feed_data(body)
        again.feed_eof()
        request._payload = again  # type: ignore[attr-defined]
        return await super()._handle(request)


# -- the run ---------------------------------------------------------------------------------


@dataclass
class World:
    tmp: Path
    fake: RecordingTelegram
    http: aiohttp.ClientSession
    venue_port: int = 0
    bot_port: int = 0
    venue: Proc | None = None
    bot: Proc | None = None
    procs: list[Proc] = field(default_factory=list)
    responses: list[tuple[str, bytes]] = field(default_factory=list)  # (where, headers + body)

    @property
    def venue_url(self) -> str:
        return f"http://{HOST}:{self.venue_port}"

    @property
    def bot_url(self) -> str:
        return f"http://{HOST}:{self.bot_port}"

    @property
    def hook_url(self) -> str:
        return f"{self.bot_url}/telegram/hook-7c1f"

    def start_venue(self, faults: dict[str, float]) -> Proc:
        argv = [
            SCALPBOT, "sim-venue", "--listen", f"{HOST}:{self.venue_port}", "--seed", "5",
            "--quote-rate", "100", "--state", str(self.tmp / "venue-state.json"),
        ]  # fmt: skip
        for name, value in faults.items():
            argv += ["--fault", f"{name}={value}"]
        env = base_env() | {"SCALPBOT_SIM_KEY": KEY_ID, "SCALPBOT_SIM_SECRET": VENUE_SECRET}
        self.venue = Proc(f"venue{len(self.procs)}", argv, self.tmp, env)
        self.procs.append(self.venue)
        return self.venue

    async def venue_up(self) -> dict[str, Any]:
        venue = self.venue
        assert venue is not None

        async def stats() -> dict[str, Any] | None:
            assert venue.returncode is None, f"the venue exited:\n{venue.tail()}"
            body: dict[str, Any] | None = await get_json(self.http, f"{self.venue_url}/sim/stats")
            return body

        return await until_async(stats, 30, "the venue")

    async def faults(self) -> dict[str, Any]:
        body = await get_json(self.http, f"{self.venue_url}/sim/faults")
        return body or {}

    def start_bot(self, log_json: bool) -> Proc:
        config = self.tmp / "bot.toml"
        config.write_text(bot_toml(self, log_json))
        env = base_env() | {
            "APCA_API_KEY_ID": KEY_ID,
            "APCA_API_SECRET_KEY": VENUE_SECRET,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.fake.url,
            "TELEGRAM_WEBHOOK_URL": self.hook_url,
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PGPASSWORD": DB_PASSWORD,
            "SCALPBOT_HTTP_TOKEN": HTTP_TOKEN,
            "PTB_TIMEDELTA": "true",
        }
        argv = [SCALPBOT, "run", "--config", str(config)]
        self.bot = Proc("bot", argv, self.tmp, env)
        self.procs.append(self.bot)
        return self.bot

    def alive(self) -> None:
        bot = self.bot
        assert bot is not None and bot.returncode is None, (
            f"the bot exited ({bot and bot.returncode}):\n{bot and bot.tail()}"
        )

    async def ready(self) -> None:
        async def ready() -> Any:
            self.alive()
            try:
                async with self.http.get(f"{self.bot_url}/readyz", headers=BEARER) as resp:
                    return resp.status == 200
            except aiohttp.ClientError:
                return False

        await until_async(ready, 60, "the bot's /readyz")

    # -- Telegram through the webhook --

    async def deliver(self, update: dict[str, Any]) -> None:
        """POST ``update`` to the bot's webhook route, as Telegram would, until accepted."""

        async def post() -> bool:
            self.alive()
            try:
                async with self.http.post(
                    self.hook_url,
                    json=update,
                    # Only Telegram's secret header, as Telegram sends it: the webhook
                    # route checks that itself; the server's bearer token is not asked.
                    headers={SECRET_HEADER: WEBHOOK_SECRET},
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as resp:
                    return resp.status == 200
            except (aiohttp.ClientError, TimeoutError):
                return False

        await until_async(post, 30, f"the webhook to take {update}")

    async def say(self, uid: int, text: str) -> dict[str, Any]:
        """``uid`` sends ``text`` in its private chat; the injected message."""
        message = self.fake.command(uid, text)
        update = self.fake._updates.pop()  # webhook mode: delivered by us, never polled
        assert update["message"] is message
        await self.deliver(update)
        return message

    async def answered(self, message: dict[str, Any], timeout: float = 120) -> list[dict[str, Any]]:
        """What the bot sent quoting ``message``, once it has sent something."""

        def replies() -> list[dict[str, Any]]:
            self.alive()
            return self.fake.replies_to(message)

        got: list[dict[str, Any]] = await until(replies, timeout, f"a reply to {message['text']}")
        return got

    async def ask(self, uid: int, text: str) -> list[dict[str, Any]]:
        return await self.answered(await self.say(uid, text))

    async def press_confirm(self, uid: int, prompt: dict[str, Any]) -> None:
        (row, *_) = prompt["reply_markup"]["inline_keyboard"]
        self.fake.press(uid, prompt, row[0]["callback_data"])
        await self.deliver(self.fake._updates.pop())

    # -- HTTP endpoints --

    async def snapshot(self, when: str) -> None:
        """Every documented endpoint of the bot's HTTP server: headers and body."""
        paths = ("/healthz", "/readyz", "/status", "/metrics", "/no-such-endpoint")
        requests = [("GET", p, auth) for p in paths for auth in ({}, BEARER)]
        requests += [
            ("GET", "/telegram/hook-7c1f", BEARER),
            ("POST", "/telegram/hook-7c1f", {}),
            ("POST", "/telegram/hook-7c1f", {SECRET_HEADER: "wrong"}),
            ("GET", "/status", {"Authorization": "Bearer wrong-token-of-some-length"}),
        ]
        for method, path, headers in requests:
            token = headers.get("Authorization") == BEARER["Authorization"]
            auth = " with the token" if token else ""
            where = f"HTTP {method} {path}{auth} {when}"
            try:
                async with self.http.request(
                    method,
                    self.bot_url + path,
                    headers=headers,
                    data=b"{}" if method == "POST" else None,
                    timeout=aiohttp.ClientTimeout(total=10),
                ) as resp:
                    body = await resp.read()
                    head = "".join(f"{k}: {v}\n" for k, v in resp.headers.items())
                    self.responses.append((where, f"{resp.status}\n{head}\n".encode() + body))
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.responses.append((where, f"no answer: {exc!r}".encode()))


def bot_toml(w: World, log_json: bool) -> str:
    db = w.tmp / "bot.db"
    return f"""
[venue]
kind = "alpaca"
url = "{w.venue_url}"
data_url = "ws://{HOST}:{w.venue_port}/v2/iex"
allow_live = true
timeout_s = 2.0

{BUSY_STRATEGY}
[risk]
daily_loss_limit = 1000
max_order_notional = 10000
max_quote_age_ms = 5000
max_orders_per_window_total = 20

[store]
url = "sqlite+aiosqlite:///{db}"

[http]
listen = "{HOST}:{w.bot_port}"

[log]
level = "debug"
json = {"true" if log_json else "false"}
status_interval_s = 2.0

[schedule]
reconcile_interval_s = 1.0
equity_snapshot_s = 1.0

[shutdown]
timeout_s = 5.0

[telegram]
enabled = true
allowed_users = [
  {{id = {ADMIN}, role = "admin"}},
  {{id = {TRADER}, role = "trader"}},
  {{id = {VIEWER}, role = "viewer"}},
]
"""


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake = RecordingTelegram(token=TOKEN)
    await fake.start()
    async with aiohttp.ClientSession() as http:
        w = World(tmp_path, fake, http, venue_port=free_port(), bot_port=free_port())
        try:
            yield w
        finally:
            for proc in w.procs:
                proc.kill()
            await fake.stop()


def outputs(w: World) -> Iterator[tuple[str, Path]]:
    for proc in w.procs:
        yield f"{proc.name} stdout", proc.stdout
        yield f"{proc.name} stderr", proc.stderr


def test_the_grep_finds_every_form_of_a_secret() -> None:
    """The scanner itself: a secret inside a Basic header, a query string, a form body or
    an escaped JSON string is found, whatever the bytes around it."""
    for prefix in ("", "k", "ke", "key"):
        basic = base64.b64encode(f"{prefix}:{VENUE_SECRET}:x".encode()).decode()
        urlsafe = base64.urlsafe_b64encode(f"{prefix}{TOKEN}".encode()).decode()
        for blob in (
            f"Authorization: Basic {basic}",
            f"GET /x?{prefix}={quote(VENUE_SECRET, safe='')}",
            f"{prefix}={quote_plus(VENUE_SECRET)}&a=1",
            json.dumps({prefix: VENUE_SECRET}).replace("/", "\\/"),
            f"blob {urlsafe}",
        ):
            leaks = Leaks()
            leaks.scan("sample", blob)
            assert leaks.hits, blob
    leaks = Leaks()
    leaks.scan("sample", "nothing secret here: *** and ********** only")
    assert not leaks.hits


# -- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize("log_json", [False, True], ids=["text-log", "json-log"])
async def test_no_secret_in_any_output(world: World, log_json: bool) -> None:
    """The Done-when demonstration: start-up, commands, Telegram and venue outages with
    tracebacks at debug level, shutdown; then no secret in any log line, endpoint, file
    or message to Telegram (see the module docstring for the list)."""
    w, fake = world, world.fake
    try:
        await run_the_day(w, log_json)
    finally:
        for proc in reversed(w.procs):
            if proc.returncode is None:
                print(f"----- {proc.name} still running at the end:\n{proc.tail()}")

    # It really ran: the process knew every secret and used the Telegram ones.
    assert fake.webhook.get("secret_token") == WEBHOOK_SECRET, fake.webhook
    bot_log = w.bot.output() if w.bot else ""
    assert ("DEBUG" in bot_log) or ('"debug"' in bot_log), "no debug line was logged"

    read = [where for where, body in w.responses if body.startswith(b"200")]
    for path in ("/status", "/metrics"):
        assert any(f"GET {path} with the token" in where for where in read), (path, read)

    leaks = Leaks()
    for where, path in outputs(w):
        leaks.scan(where, path.read_bytes())
    logged = {p for _, p in outputs(w)}
    for path in sorted(w.tmp.rglob("*")):
        if path.is_file() and path not in logged:
            leaks.scan(f"file {path.relative_to(w.tmp)}", path.read_bytes())
    for where, body in w.responses:
        leaks.scan(where, body)
    scan_telegram(leaks, fake)

    assert any("bot.db" in seen for seen in leaks.looked_at), leaks.looked_at
    assert any("venue-state.json" in seen for seen in leaks.looked_at), leaks.looked_at
    if leaks.hits:
        pytest.fail(
            f"{len(leaks.hits)} secret(s) found in the outputs (logs in {w.tmp}):\n"
            f"{leaks.report()}",
            pytrace=False,
        )


async def run_the_day(w: World, log_json: bool) -> None:
    fake = w.fake
    # -- start-up, with Telegram answering 502 to the first getMe calls
    w.start_venue({})
    await w.venue_up()
    fake.fail("getMe", 502, times=2)
    w.start_bot(log_json)
    await w.ready()
    await until(lambda: fake.webhook.get("url"), 60, "setWebhook")
    await w.snapshot("after start-up")

    # -- commands: reads, a stranger, bad arguments, a change (spread over three users:
    # each may send only so many commands a minute)
    for uid, text in (
        (ADMIN, "/help"), (ADMIN, "/status"), (ADMIN, "/limits"), (ADMIN, "/audit 20"),
        (TRADER, "/pnl"), (TRADER, "/pnl week"), (TRADER, "/positions"), (TRADER, "/orders"),
        (VIEWER, "/trades 5"), (VIEWER, "/health"), (VIEWER, "/whoami"), (VIEWER, "/alerts on"),
    ):  # fmt: skip
        await w.ask(uid, text)
    await w.say(STRANGER, "/status")
    await until(lambda: fake.to_chat(STRANGER), 60, "the stranger's refusal")
    await w.say(STRANGER, "/kill")
    for uid, text in (
        (VIEWER, "/trades abc"), (VIEWER, "/pause all"), (TRADER, "/resize all 1000"),
        (TRADER, "/pause NOSUCH"), (ADMIN, "/setlimit daily_loss_limit banana"),
        (ADMIN, "/setlimit no_such 1"), (ADMIN, "/setlimit daily_loss_limit 0"),
    ):  # fmt: skip
        await w.ask(uid, text)
    await w.say(VIEWER, "/frobnicate")
    await w.ask(TRADER, "/pause all")

    # -- Telegram outage: 5xx on every method, then the server gone, then back
    fault = fake.fail("*", 502)
    during_5xx = await w.say(VIEWER, "/status")
    await until(lambda: fake.count("sendmessage", 502) > 0, 30, "a send answered 502")
    fake._faults.remove(fault)
    fault = fake.fail("*", 500)
    await until(lambda: fake.count("sendmessage", 500) > 0, 30, "a send answered 500")
    await fake.stop()
    mark = len(w.bot.output()) if w.bot else 0
    await w.say(VIEWER, "/positions")
    await w.say(TRADER, "/limits")
    await until(lambda: telegram_failure_logged(w, mark), 60, "the bot to log a failed send")
    fake.clear_faults()
    await fake.start()  # the same port
    await w.ask(VIEWER, "/status")  # back: answered (the outage's replies may be given up)
    assert during_5xx

    # -- venue outage: stopped, then back answering 500 to every REST call and dropping
    # every websocket each second; a /kill confirmed meanwhile fails against it
    assert w.venue is not None
    w.venue.signal(signal.SIGTERM)
    await w.venue.exited(30)
    await w.ask(ADMIN, "/status")
    w.start_venue({"rest_5xx": 1.0, "drop_stream_every": 1.0})
    await w.venue_up()

    async def faults_fired() -> bool:
        c = (await w.faults()).get("counters", {})
        fired = c.get("rest_5xx_before", 0) + c.get("rest_5xx_after", 0)
        return fired >= 5 and c.get("stream_drops", 0) >= 2

    await until_async(faults_fired, 60, "REST 500s and stream drops at the venue")
    await w.snapshot("during the venue outage")
    for uid, text in ((ADMIN, "/status"), (ADMIN, "/positions"), (VIEWER, "/health"),
                      (VIEWER, "/orders")):  # fmt: skip
        await w.ask(uid, text)
    kill = await w.say(TRADER, "/kill")
    (prompt, *_) = await w.answered(kill)
    await w.press_confirm(TRADER, prompt)
    await until(lambda: fake.answers, 30, "the button press answered")

    # -- shutdown
    await w.snapshot("before shutdown")
    assert w.bot is not None
    w.bot.signal(signal.SIGTERM)
    code = await w.bot.exited(90)
    assert code in (0, 1), f"the bot exited with {code}:\n{w.bot.tail()}"
    w.venue.signal(signal.SIGTERM)
    await w.venue.exited(30)


def telegram_failure_logged(w: World, mark: int) -> bool:
    """The bot has logged a line about Telegram since the server closed (any wording)."""
    assert w.bot is not None
    w.alive()
    return "telegram" in w.bot.output()[mark:].lower()


def scan_telegram(leaks: Leaks, fake: RecordingTelegram) -> None:
    """Every request the fake Bot API received, minus the token's place in the path and
    ``secret_token`` in setWebhook's body."""
    prefixes = (f"/bot{TOKEN}/", f"/bot{quote(TOKEN, safe='')}/", f"/bot{quote(TOKEN)}/")
    assert fake.raw, "the fake Telegram received nothing"
    for i, req in enumerate(fake.raw):
        prefix = next((p for p in prefixes if req.path.startswith(p)), None)
        assert prefix is not None, f"request {i} is not /bot<token>/<method>: {req.path[:40]}"
        method = req.path[len(prefix) :]
        where = f"telegram request {i} {req.method} {method.split('?')[0]}"
        leaks.scan(f"{where} path", method)
        leaks.scan(f"{where} headers", "".join(f"{k}: {v}\n" for k, v in req.headers))
        body = req.body
        if method.lower().startswith("setwebhook"):
            assert body.count(WEBHOOK_SECRET.encode()) <= 1, "setWebhook sent the secret twice"
            body = body.replace(WEBHOOK_SECRET.encode(), b"", 1)
        leaks.scan(f"{where} body", body)
    for i, call in enumerate(fake.calls):
        params = dict(call.params)
        if call.method == "setwebhook":
            params.pop("secret_token", None)
        text = json.dumps(params, default=repr, ensure_ascii=False)
        leaks.scan(f"telegram call {i} {call.method} params", text)
