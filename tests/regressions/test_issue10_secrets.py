"""Issue 10, secrets: every secret the process knows is redacted from every log line
(item 2's redaction half, item 3), secret files are refused when others may read them,
the embedded simulator's credentials are random, reprs hide secrets, the files the bot
writes are private, and the monitoring recipe keeps the token off command lines.

Real parts: ``scalpbot run`` as a child process with debug logging, the real
python-telegram-bot client against the tests' fake Bot API on loopback, the runtime's
own log handler, real SQLite files and the real simulated venue.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest

from tests.bot.conftest import fake  # noqa: F401 - fixtures
from tests.bot.conftest import make_bot  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_env  # noqa: F401 - fixtures
from tests.engine.runtime.conftest import venue  # noqa: F401 - fixture
from tests.kit.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
TOKEN = "7654321:AAF-tok3n-Zq9xWv8uT7sR6qP5oN4"
HOOK_SECRET = "whsec-Kp4Lm7Nq2Rs9Tv3Wx6Yz8-Ab5Cd"  # 32+ of A-Z a-z 0-9 _ -
USER = 111


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _poll(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = await check() if asyncio.iscoroutinefunction(check) else check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _run_bot_in_webhook_mode(tmp_path: Path, json_lines: bool) -> str:
    """``scalpbot run`` with log.level = debug, Telegram in webhook mode against the fake
    Bot API; returns everything it wrote once it has set the webhook and stopped."""
    fake = FakeTelegram(token=TOKEN)  # noqa: F811 - its own, not the fixture
    await fake.start()
    port = _free_port()
    config = tmp_path / "bot.toml"
    config.write_text(
        "[store]\n"
        f'url = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        "[http]\n"
        f'listen = "127.0.0.1:{port}"\n'
        "[log]\n"
        f'level = "debug"\njson = {"true" if json_lines else "false"}\n'
        "[telegram]\nenabled = true\n"
        f'allowed_users = [{{id = {USER}, role = "admin"}}]\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCALPBOT", "APCA_"))}
    env.update(
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg/hook",
        TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET,
    )
    for var in ("TELEGRAM_ALLOWED_USERS", "TELEGRAM_WEBHOOK_URL_", "PTB_TIMEDELTA"):
        env.pop(var, None)
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "engine.cli", "run", "--config", str(config),
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT,
            env=env, cwd=str(tmp_path),
        )  # fmt: skip
        try:
            await _poll(
                lambda: fake.webhook.get("url") or proc.returncode is not None,
                60,
                "setWebhook",
            )
            assert fake.webhook.get("secret_token") == HOOK_SECRET, log.read_text()
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/tg/hook"
                async with http.post(
                    url, json={}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                ) as r:
                    assert r.status == 403
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), 60)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await fake.stop()
    return log.read_text(errors="replace")


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
async def test_item_02_debug_log_never_shows_the_webhook_secret_or_the_token(
    tmp_path: Path, json_lines: bool
) -> None:
    """Demonstration: ``scalpbot run`` at log.level = debug with a Telegram webhook logged
    python-telegram-bot's ``Calling Bot API endpoint `setWebhook` with parameters
    {..., 'secret_token': ...}``: whoever read the log could forge updates."""
    text = await _run_bot_in_webhook_mode(tmp_path, json_lines)
    assert "setWebhook" in text, text[-4000:]  # PTB's debug lines were written
    assert HOOK_SECRET not in text, [x for x in text.splitlines() if HOOK_SECRET in x]
    assert TOKEN not in text, [x for x in text.splitlines() if TOKEN in x]


# -- every secret the process knows is registered; the whole record is redacted ------------


@pytest.fixture
def root_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The runtime's own log set-up writing to a buffer: ``setup(json_lines)`` -> buffer."""
    from engine.runtime.logs import setup_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    out = io.StringIO()

    def setup(json_lines: bool = False) -> io.StringIO:
        monkeypatch.setattr(sys, "stderr", out)  # pytest's capture swaps it before the call
        setup_logging("debug", json_lines, [])
        return out

    try:
        yield setup
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def _log_from_third_parties(secret: str) -> None:
    """A secret in the message, the traceback and an ``extra`` field of records from the
    loggers of python-telegram-bot, httpx, aiohttp and asyncio (and ours)."""
    for name in ("telegram.ext.ExtBot", "httpx", "aiohttp.client", "asyncio", "scalpbot.x"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        try:
            try:
                raise KeyError({"url": f"https://h/bot{secret}/getMe"})
            except KeyError as inner:
                raise ConnectionError(f"refused {secret}") from inner
        except ConnectionError:
            logger.exception(
                "call failed %s", {"secret_token": secret},
                extra={"url": f"https://h/?t={secret}", "params": {"k": secret}},
            )  # fmt: skip
        logger.debug("stack", stack_info=True, extra={"detail": [secret]})


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
def test_item_03_the_whole_record_is_redacted_for_every_logger(
    root_log: Any, json_lines: bool
) -> None:
    """Demonstration (issue 10 item 3): a token in an exception's traceback, or in an
    ``extra`` field in JSON mode, passed through the redactor."""
    from engine.config import load_config

    load_config(None, {"APCA_API_KEY_ID": "unused", "TELEGRAM_BOT_TOKEN": "unused-token"})
    token = "5550001:AAE-item3-token-in-traceback"
    from engine.config.secret import SecretStr

    SecretStr(token)  # loaded the way the config loads every secret
    out = root_log(json_lines)
    _log_from_third_parties(token)
    text = out.getvalue()
    assert "ConnectionError" in text and "KeyError" in text, text  # tracebacks written
    assert "aiohttp.client" in text and "asyncio" in text
    if json_lines:
        records = [json.loads(line) for line in text.splitlines()]
        assert any("params" in r and "url" in r for r in records)
    assert token not in text, [x for x in text.splitlines() if token in x]


def test_item_02_every_loaded_secret_is_redacted_even_percent_encoded(
    root_log: Any, tmp_path: Path
) -> None:
    """Demonstration: secrets the process knows but nobody handed to the redactor (the
    webhook secret, the database password in PGPASSWORD or a DSN, a plugin's secret, the
    venue keys in the runtime options) and a token percent-encoded in a URL were logged
    as they are."""
    from sqlalchemy.exc import ArgumentError

    from engine.config import load_config
    from engine.runtime.options import RuntimeOptions
    from engine.store import create_store_engine

    out = root_log(False)
    pg = "pg-Pa55word-Xq7"
    hook = "whsec-only-in-env-Zr81"
    load_config(None, {"PGPASSWORD": pg, "TELEGRAM_WEBHOOK_SECRET": hook})
    dsn_password = "dsn-pw-Tt4Uu5"
    with pytest.raises(ArgumentError) as refused:  # SQLite takes no password; PostgreSQL would
        create_store_engine(f"sqlite+aiosqlite://user:{dsn_password}@/{tmp_path / 'x.db'}")
    logging.getLogger("scalpbot.store").debug("store failed: %s", refused.value)
    plugin = "plugin-secret-Yy6Ww2"
    key, secret = "AKOPTIONSKEY77", "options-secret-Vv9"
    RuntimeOptions().replace_flat(
        key=key, secret=secret, plugin_secrets={"weather": {"api_key": plugin}}
    )
    token = "7000001:AAH-percent/encoded+token"
    from engine.config.secret import SecretStr

    SecretStr(token)
    from urllib.parse import quote
    from urllib.parse import quote_plus

    log = logging.getLogger("httpx")
    log.setLevel(logging.DEBUG)
    for value in (pg, hook, dsn_password, plugin, key, secret):
        log.warning("value %s", value)
    log.warning("GET https://api.telegram.org/bot%s/getMe", quote(token, safe=""))
    log.warning("POST body token=%s", quote_plus(token))
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(token, safe=""))
    log.warning("lower-case escapes %s", lower)
    text = out.getvalue()
    assert text.count("***") >= 10 and "store failed" in text, text
    for value in (pg, hook, dsn_password, plugin, key, secret, token):
        assert value not in text, text
    for encoded in (quote(token, safe=""), quote_plus(token), quote(token)):
        assert encoded not in text, text
    assert "7000001" not in text, text


async def test_item_02_the_bots_own_secrets_are_registered_when_loaded(
    root_log: Any, tmp_path: Path
) -> None:
    """Demonstration: the Telegram plugin's settings (token from its environment, webhook
    secret generated when unset) were never registered with the redactor."""
    from bot.settings import load_settings

    raw = {"enabled": True, "allowed_users": [{"id": USER, "role": "admin"}]}
    env = {"TELEGRAM_BOT_TOKEN": "6000002:AAG-plugin-env-token",
           "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook"}  # fmt: skip
    settings = load_settings(raw, None, env)
    assert settings is not None and settings.webhook is not None
    out = root_log(False)
    logging.getLogger("telegram.ext.ExtBot").warning(
        "params %s", {"secret_token": settings.webhook.secret_token, "t": settings.token}
    )
    text = out.getvalue()
    assert settings.webhook.secret_token not in text and settings.token not in text, text


# -- Low: secret files refused when group/world readable --------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_low_secret_files_readable_by_others_are_refused(tmp_path: Path, mode: int) -> None:
    """Demonstration: a 0666 token file was read like any other. Like ssh with a private
    key, a secret file that its group or others can access is refused; the error names
    the file, never its content."""
    from engine.config import load_config

    content = "8000003:AAJ-token-in-a-file"
    token_file = tmp_path / "secrets" / "token"
    token_file.parent.mkdir(mode=0o700)
    token_file.write_text(content + "\n")
    token_file.chmod(mode)
    config = _refused_everywhere(token_file, content, "chmod 600")
    token_file.chmod(0o600)
    loaded = load_config(config, {})
    assert loaded.secrets.telegram_token is not None
    assert loaded.secrets.telegram_token.get_secret_value() == content


# -- Low: the embedded simulator's key pair is random --------------------------------------


async def test_low_embedded_simulator_gets_a_random_key_pair(tmp_path: Path) -> None:
    """Demonstration: with no ``sim.key``/``sim.secret`` the embedded venue always took
    ``sim-key``/``sim-secret`` although the docs promise a random pair per run."""
    from engine.config import load_config
    from engine.runtime.app import Runtime
    from engine.runtime.cli import options_from_config
    from engine.venues.sim import DEFAULT_KEY
    from engine.venues.sim import DEFAULT_SECRET
    from tests.engine.runtime.conftest import Running

    config = tmp_path / "bot.toml"
    config.write_text(
        f'[store]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[http]\nlisten = "127.0.0.1:0"\n'
    )
    first = options_from_config(load_config(config, {}))
    second = options_from_config(load_config(config, {}))
    assert {first.venue.key, first.venue.secret}.isdisjoint({DEFAULT_KEY, DEFAULT_SECRET})
    assert (first.venue.key, first.venue.secret) != (second.venue.key, second.venue.secret)
    assert len(first.venue.secret) >= 32
    run = Running(Runtime(first.replace_flat(load_plugins=False, http_port=None)))
    rt = await run.ready()  # the bot trades its embedded venue with the random pair
    try:
        assert rt._sim is not None
        async with aiohttp.ClientSession() as http:
            default = {"APCA-API-KEY-ID": DEFAULT_KEY, "APCA-API-SECRET-KEY": DEFAULT_SECRET}
            async with http.get(f"{rt._sim.url}/v2/account", headers=default) as r:
                assert r.status in (401, 403)
            own = {"APCA-API-KEY-ID": first.venue.key, "APCA-API-SECRET-KEY": first.venue.secret}
            async with http.get(f"{rt._sim.url}/v2/account", headers=own) as r:
                assert r.status == 200
    finally:
        assert await run.stop() == 0


# -- Low: reprs hide secrets ---------------------------------------------------------------


def test_low_no_options_or_config_type_shows_a_secret_in_its_repr(tmp_path: Path) -> None:
    """Demonstration: ``repr(RuntimeOptions)`` showed the Alpaca secret and the token (and
    SimVenueConfig its key and secret, Credentials its key id)."""
    from bot.settings import load_settings
    from engine.config import load_config
    from engine.control import PluginContext
    from engine.runtime.cli import options_from_config
    from engine.runtime.cli import sim_config
    from engine.runtime.options import RuntimeOptions
    from engine.venues.alpaca.config import Credentials

    key, secret, token = "AKREPRKEYID123", "repr-secret-Qw3Er4", "9000004:AAK-repr-token"
    env = {"APCA_API_KEY_ID": key, "APCA_API_SECRET_KEY": secret, "TELEGRAM_BOT_TOKEN": token,
           "SCALPBOT__VENUE__KIND": "alpaca"}  # fmt: skip
    path = tmp_path / "c.toml"
    path.write_text('[telegram]\nenabled = true\nallowed_users = [{id = 1, role = "admin"}]\n')
    config = load_config(path, env)
    options = options_from_config(config)
    sim_options = options_from_config(load_config(None, {}))
    assert sim_options.venue.sim is not None
    settings = load_settings(msgspec.to_builtins(config.telegram), token, {})
    ctx = PluginContext(None, None, None, {}, {"telegram_token": token}, None, {}, {})  # type: ignore[arg-type]
    shown = [
        config, options, options.replace_flat(key=key),
        RuntimeOptions().replace_flat(
            key=key, secret=secret, plugin_secrets={"telegram": {"token": token}}
        ),
        sim_config(load_config(None, {})), sim_options, Credentials(key, secret), settings, ctx,
    ]  # fmt: skip
    for thing in shown:
        for text in (repr(thing), str(thing), f"{thing}"):
            for value in (key, secret, token, sim_options.venue.key, sim_options.venue.secret):
                assert value not in text, (type(thing).__name__, text)


# -- Low: the files the bot writes are private ---------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644 unless the code says otherwise
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):04o}"


async def test_low_store_and_simulator_state_files_are_created_0600(
    tmp_path: Path, open_umask: None
) -> None:
    """Demonstration: under umask 022 the SQLite store, its -wal/-shm files and the
    simulated venue's state file were created 0644 (orders, fills, P&L for anyone)."""
    from engine.runtime.app import Runtime
    from tests.engine.runtime.conftest import Running
    from tests.engine.runtime.conftest import options
    from tests.engine.runtime.conftest import started_sim
    from tests.engine.runtime.conftest import until

    async with started_sim(tmp_path, 7, 200.0) as sim:
        run = Running(Runtime(options(sim, tmp_path, load_plugins=False, http_port=None)))
        await run.ready()
        db = tmp_path / "bot.db"
        files = [db, db.with_name("bot.db-wal"), db.with_name("bot.db-shm"),
                 tmp_path / "venue.json"]  # fmt: skip
        await until(lambda: all(f.exists() for f in files), 20, "the store and state files")
        try:
            assert {f.name: _mode(f) for f in files} == {f.name: "0600" for f in files}
        finally:
            assert await run.stop() == 0
    assert _mode(tmp_path / "venue.json") == "0600"


def test_low_an_existing_store_file_is_made_private(tmp_path: Path) -> None:
    """An old store created 0644 (before this fix) is taken back to 0600 when opened,
    with its -wal/-shm files."""
    from engine.store import create_store_engine

    db = tmp_path / "old.db"
    for f in (db, db.with_name("old.db-wal"), db.with_name("old.db-shm")):
        f.write_bytes(b"")
        f.chmod(0o644)
    create_store_engine(f"sqlite+aiosqlite:///{db}").sync_engine.dispose()
    for f in (db, db.with_name("old.db-wal"), db.with_name("old.db-shm")):
        assert _mode(f) == "0600", f


# -- Low: the Alertmanager recipe keeps the token off command lines ------------------------


def _recipe() -> list[str]:
    """docs/monitoring.md's Alertmanager install recipe, up to its ``install`` line."""
    text = (REPO / "docs" / "monitoring.md").read_text()
    section = text.split("## Alertmanager (Telegram)", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines: list[str] = []
    for line in block.splitlines():
        lines.append(line)
        if "install " in line:
            break
    return lines


def test_low_alertmanager_recipe_never_puts_the_token_on_a_command_line(
    tmp_path: Path,
) -> None:
    """Demonstration: docs/monitoring.md filled Alertmanager's token in with
    ``sed -e "s|...|${TOKEN}|"``, so it sat in sed's argv (``ps``, /proc/*/cmdline).
    The documented recipe is run with every command on PATH replaced by a shim that
    records its argv: none holds the token, and the result is a valid config."""
    token = "1234567:AAL-alertmanager-token_Zx9"
    token_file = tmp_path / "alertmanager-telegram.token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    out = tmp_path / "alertmanager.yml"
    script = "\n".join(_recipe())
    script = script.replace("sudo ", "").replace(
        "/etc/scalpbot/alertmanager-telegram.token", str(token_file)
    )
    script = script.replace("<your chat id>", "-100200300")
    script = re.sub(r"install .*/dev/stdin \S+", f"install -m 0600 /dev/stdin {out}", script)
    shims, argv_log = tmp_path / "shims", tmp_path / "argv.log"
    shims.mkdir()
    shim = tmp_path / "shim"
    real_path = os.environ.get("PATH", "/usr/bin:/bin")
    shim.write_text(
        "#!/bin/bash\n"
        'printf "%s\\n" "${0##*/} $*" >> "$ARGV_LOG"\n'
        'PATH="$REAL_PATH" exec "${0##*/}" "$@"\n'
    )
    shim.chmod(0o755)
    for directory in real_path.split(":"):
        if os.path.isdir(directory):
            for name in os.listdir(directory):
                if not (shims / name).exists() and os.access(Path(directory, name), os.X_OK):
                    (shims / name).symlink_to(shim)
    env = {"PATH": str(shims), "REAL_PATH": real_path, "ARGV_LOG": str(argv_log),
           "HOME": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        ["/bin/bash", "-e", "-o", "pipefail", "-c", script],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rendered = out.read_text()
    assert f"bot_token: {token}" in rendered and "chat_id: -100200300" in rendered
    assert "REPLACE_WITH_TELEGRAM_BOT_TOKEN" not in rendered.split("global:", 1)[1]
    argv = argv_log.read_text()
    assert "install" in argv  # the shims saw the commands
    assert token not in argv, argv
    checked = subprocess.run(
        ["amtool", "check-config", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- the security review (REVIEW-security.md) --------------------------------------------

REVIEW_USERS = [{"id": USER, "role": "admin"}]
HOOK_URL = "https://bot.example.org/tg/hook"
TELEGRAM_ALPHABET = re.compile(r"[A-Za-z0-9_-]{32,256}")


@pytest.mark.parametrize(
    "value",
    ["q7", "a" * 31, "abcd" * 7 + "Zz9", "x" * 32 + "!", "spaces are not allowed " * 2, "y" * 257],
    ids=["2", "31", "31-mixed", "bad-char", "space", "257"],
)
def test_review_a_short_or_malformed_webhook_secret_is_refused(value: str) -> None:
    """The review's demonstration (finding 1): ``TELEGRAM_WEBHOOK_SECRET=q7`` was taken; the
    redactor skips values under 4 characters, so python-telegram-bot's debug line logged
    ``'secret_token': 'q7'``, and 4,096 guesses in 0.5 s over Telegram's alphabet found it.
    A configured secret must be 32 to 256 characters of A-Z a-z 0-9 _ -; the error names
    the variable, never the value."""
    from bot.settings import SettingsError
    from bot.settings import load_settings

    env = {"TELEGRAM_WEBHOOK_URL": HOOK_URL, "TELEGRAM_WEBHOOK_SECRET": value}
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET") as refused:
        load_settings({"enabled": True, "allowed_users": REVIEW_USERS}, TOKEN, env)
    assert value not in str(refused.value)
    assert "32" in str(refused.value)


def test_review_a_long_webhook_secret_is_taken_and_a_generated_one_is_as_strong() -> None:
    """What must keep working: a 32-character secret from Telegram's alphabet, and with no
    secret set, a generated one that meets the same rule."""
    from bot.settings import load_settings

    good = "Ab0_-" * 6 + "Zz"
    raw = {"enabled": True, "allowed_users": REVIEW_USERS}
    env = {"TELEGRAM_WEBHOOK_URL": HOOK_URL, "TELEGRAM_WEBHOOK_SECRET": good}
    s = load_settings(raw, TOKEN, env)
    assert s is not None and s.webhook is not None and s.webhook.secret_token == good
    for _ in range(20):
        s = load_settings(raw, TOKEN, {"TELEGRAM_WEBHOOK_URL": HOOK_URL})
        assert s is not None and s.webhook is not None
        assert TELEGRAM_ALPHABET.fullmatch(s.webhook.secret_token), len(s.webhook.secret_token)


@pytest.mark.parametrize("value", ["q", "q7", "q7z"])
def test_review_a_secret_too_short_to_redact_is_refused_not_skipped(value: str) -> None:
    """The review's demonstration (finding 1): ``register()`` silently skipped a secret
    shorter than the redactor's minimum, so it was "registered" yet logged in clear. A
    configured secret that short is refused wherever it is loaded (the bot token, the
    venue keys, any credential variable), the error naming the variable, not the value."""
    from bot.settings import SettingsError
    from bot.settings import load_settings
    from engine.config import ConfigError
    from engine.config import load_config
    from engine.config.secret import SecretStr
    from engine.config.secret import register

    with pytest.raises(ValueError):
        register(value)
    with pytest.raises(ValueError):
        SecretStr(value)
    for var in ("TELEGRAM_BOT_TOKEN", "APCA_API_SECRET_KEY", "PGPASSWORD"):
        with pytest.raises(ConfigError, match=var) as refused:
            load_config(None, {var: value})
        assert f"'{value}'" not in str(refused.value) and f" {value} " not in str(refused.value)
    raw = {"enabled": True, "allowed_users": REVIEW_USERS}
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(raw, None, {"TELEGRAM_BOT_TOKEN": value})
    with pytest.raises(SettingsError, match="token"):
        load_settings(raw, value, {})
    register("")  # nothing configured is not a short secret


@pytest.mark.parametrize(
    "url",
    [
        "http://foo.localhost:8081",  # the review's demonstration: resolved through DNS here
        "http://localhost.:8081",
        "http://api.localhost",
        "http://ip6-localhost:8081",
        "http://127.0.0.1.nip.io",
        "http://[::ffff:127.0.0.1]:8081",
        "http://0.0.0.0:8081",
    ],
)
def test_review_only_loopback_literals_and_localhost_count_as_loopback(url: str) -> None:
    """The review's demonstration (finding 3): ``http://foo.localhost`` and
    ``http://localhost.`` passed the Bot API URL check as loopback, but this host
    resolves them through DNS (``getent hosts foo.localhost`` fails), so a DNS answer
    decided where the token went in clear. One definition of loopback for the whole
    project: an IP literal in 127.0.0.0/8, ``::1``, or exactly ``localhost``."""
    from urllib.parse import urlsplit

    from bot.settings import SettingsError
    from bot.settings import load_settings
    from engine.config.schema import is_loopback

    raw = {"enabled": True, "allowed_users": REVIEW_USERS}
    for env in ({"TELEGRAM_API_URL": url}, {"TELEGRAM_WEBHOOK_URL": url + "/hook"}):
        with pytest.raises(SettingsError, match="loopback"):
            load_settings(raw, TOKEN, env)
    assert not is_loopback(urlsplit(url).hostname or "")


@pytest.mark.parametrize(
    "url", ["http://localhost:8081", "http://127.0.0.1:8081", "http://127.8.9.10", "http://[::1]:8081",
            "http://LOCALHOST:8081", "https://api.telegram.org", "https://foo.localhost"],
)  # fmt: skip
def test_review_loopback_literals_and_localhost_still_pass(url: str) -> None:
    """What must keep working: a local Bot API server over http on a loopback literal or
    ``localhost``, and any https URL."""
    from urllib.parse import urlsplit

    from bot.settings import load_settings
    from engine.config.schema import is_loopback

    raw = {"enabled": True, "allowed_users": REVIEW_USERS}
    s = load_settings(raw, TOKEN, {"TELEGRAM_API_URL": url})
    assert s is not None and s.api_url == url
    if url.startswith("http:"):
        assert is_loopback(urlsplit(url).hostname or "")


REVIEW_HOOK_SECRET = "review-hook-secret-0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def hook_url(
    make_bot: Any,  # noqa: F811
    fake: FakeTelegram,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[str]:
    """The Telegram plugin in webhook mode on a real runtime, its route on loopback."""
    from tests.bot.conftest import webhook_plugin

    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", HOOK_URL)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", REVIEW_HOOK_SECRET)
    bot = await make_bot({"enabled": False})
    async with webhook_plugin(bot) as (_, url):
        yield url


async def test_review_repeated_wrong_webhook_secrets_are_counted_and_logged(
    hook_url: str,
    fake: FakeTelegram,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The review's demonstration (finding 1): the webhook route answered 4,096 wrong
    secrets in 0.5 s with no count and no log line. Wrong secrets are still refused (403),
    and now counted: one warning when they start, then at most one line a minute with the
    count, never the guessed value; a right secret still gets through."""
    from tests.bot.conftest import ADMIN
    from tests.bot.conftest import wait_for

    caplog.set_level(logging.INFO)
    guesses = [f"guess-{i:04d}" for i in range(200)]
    async with aiohttp.ClientSession() as http:
        for guess in guesses:
            async with http.post(hook_url, json={}, headers={SECRET_HEADER: guess}) as r:
                assert r.status == 403
        async with http.post(hook_url, json={}) as r:
            assert r.status == 403
        lines = [r.getMessage() for r in caplog.records if "webhook" in r.getMessage()]
        refusals = [x for x in lines if "refused" in x]
        assert refusals and len(refusals) <= 2, lines
        assert any(
            r.levelno == logging.WARNING for r in caplog.records if "refused" in r.getMessage()
        )
        assert not any(g in x for g in guesses for x in lines)
        message = fake.command(ADMIN, "/whoami")
        headers = {SECRET_HEADER: REVIEW_HOOK_SECRET}
        async with http.post(
            hook_url, json={"update_id": 5, "message": message}, headers=headers
        ) as r:
            assert r.status == 200
    await wait_for(lambda: fake.replies_to(message), what="the reply")


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"update_id": 1, "message": 5}', b"5", b'"x"', b"null", b'{"update_id": "x"}',
     b'{"update_id": 1, "callback_query": []}', b"\xff\xfe"],
    ids=["list", "message-int", "int", "string", "null", "id-string", "callback-list", "binary"],
)  # fmt: skip
async def test_review_a_malformed_webhook_body_is_a_400_without_a_traceback(
    hook_url: str,
    fake: FakeTelegram,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    """The review's demonstration (finding 6): with the right secret, a body of ``[]`` or
    ``{"update_id":1,"message":5}`` raised ``AttributeError`` in the route: HTTP 500 and an
    ``ERROR aiohttp.server`` traceback. A body that is not an update is answered 400, with
    no traceback, and the bot keeps taking updates."""
    from tests.bot.conftest import ADMIN
    from tests.bot.conftest import wait_for

    headers = {SECRET_HEADER: REVIEW_HOOK_SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        async with http.post(hook_url, data=body, headers=headers) as r:
            assert r.status == 400
        message = fake.command(ADMIN, "/whoami")
        update = {"update_id": 6, "message": message}
        async with http.post(hook_url, json=update, headers=headers) as r:
            assert r.status == 200
    await wait_for(lambda: fake.replies_to(message), what="the reply")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


# -- Review findings 2, 4, 5 and the escaped forms (secret files, sim venues) -----------------


def _secret_file(directory: Path, content: str, owner: int | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "token"
    path.write_text(content + "\n")
    path.chmod(0o600)
    if owner is not None:
        os.chown(path, owner, owner)
    return path


def _refused_everywhere(path: Path, content: str, why: str) -> Path:
    """Both readers (config loader, bot settings) refuse the token file ``path`` with a
    message naming it and saying ``why``, never its content; returns the config written."""
    from bot.settings import SettingsError
    from bot.settings import load_settings
    from engine.config import ConfigError
    from engine.config import load_config

    config = path.parent.parent / f"bot-{path.parent.name}.toml"
    config.write_text(
        f'[telegram]\nenabled = true\ntoken_file = "{path}"\n'
        f'allowed_users = [{{id = {USER}, role = "admin"}}]\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config, {})
    message = str(caught.value)
    assert str(path) in message and why in message and content not in message, message
    raw = {"enabled": True, "token_file": str(path),
           "allowed_users": [{"id": USER, "role": "admin"}]}  # fmt: skip
    with pytest.raises(SettingsError) as refused:
        load_settings(raw, None, {})
    assert str(path) in str(refused.value) and content not in str(refused.value)
    return config


def test_review_secret_files_owned_by_others_or_in_writable_dirs_are_refused(
    tmp_path: Path,
) -> None:
    """Demonstration (review finding 2, /tmp/rev/perm.py): a 0600 token file owned by
    ``nobody``, a hard link to it, and a 0600 file in a 0777 directory were all accepted
    (only the mode bits were checked); whoever owns the file or can write its directory
    could swap the bot token or the venue keys. Like ssh: the file (symlinks resolved)
    must be a regular file owned by us or root, in a directory that others cannot write
    (unless it is sticky). Both readers (config loader and bot settings) refuse it."""
    nobody = 65534
    content = "8000004:AAJ-token-owned-by-nobody"
    owned = _secret_file(tmp_path / "owned", content, owner=nobody)
    _refused_everywhere(owned, content, "owned by")
    linked_dir = tmp_path / "linked"
    linked_dir.mkdir()
    (linked_dir / "token").hardlink_to(owned)
    _refused_everywhere(linked_dir / "token", content, "owned by")
    open_dir = tmp_path / "open"
    mine = _secret_file(open_dir, "8000005:AAJ-token-in-an-open-dir")
    open_dir.chmod(0o777)
    _refused_everywhere(mine, "8000005:AAJ-token-in-an-open-dir", "writable")
    link_dir = tmp_path / "symlink"
    link_dir.mkdir()
    (link_dir / "token").symlink_to(mine)  # resolved: the target's directory counts
    _refused_everywhere(link_dir / "token", "8000005:AAJ-token-in-an-open-dir", "writable")

    from engine.config.secret import read_secret_file

    open_dir.chmod(0o1777)  # sticky, like /tmp: others cannot replace our file
    assert read_secret_file(mine) == "8000005:AAJ-token-in-an-open-dir"
    assert read_secret_file(link_dir / "token") == "8000005:AAJ-token-in-an-open-dir"
    open_dir.chmod(0o755)
    assert read_secret_file(mine) == "8000005:AAJ-token-in-an-open-dir"


class _NotASimulator:
    """A loopback HTTP server that is not the simulator (a proxy to a live account,
    say): it records every request and answers 404."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []

    async def __aenter__(self) -> str:
        from aiohttp import web

        async def any_path(request: web.Request) -> web.Response:
            self.paths.append(request.path)
            self.headers.append(dict(request.headers))
            return web.json_response({"message": "not found"}, status=404)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", any_path)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()


def _child_env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.setdefault("PYTHONPATH", str(REPO))
    return env | extra


async def test_review_a_sim_venue_by_url_must_prove_it_is_the_simulator(tmp_path: Path) -> None:
    """Demonstration (review finding 4, /tmp/rev/url.py): ``scalpbot run --venue-url
    http://127.0.0.1:9000`` takes ``kind = "sim"``, which is never live: no allow_live,
    limits may be 0, and the bot trades whatever answers there (a proxy adding live
    keys, say). Now the venue must prove it is the simulator before anything else is
    sent to it, and a sim URL off loopback must be https."""
    from engine.config import ConfigError
    from engine.config import load_config

    server = _NotASimulator()
    async with server as url:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "engine.cli", "run", "--venue-url", url,
            "--db", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "--http", "127.0.0.1:0",
            cwd=tmp_path, env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), 60)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        text = out.decode()
        assert proc.returncode != 0, text
        assert "is not the scalpbot simulator" in text, text
        assert not [p for p in server.paths if p.startswith("/v2")], (server.paths, text)
        assert not [h for h in server.headers if "APCA-API-SECRET-KEY" in h], server.paths

    for remote in ("http://203.0.113.5:9000", "ws://sim.example.net:9000"):
        with pytest.raises(ConfigError, match=r"https|wss"):
            load_config(None, {}, venue_url=remote)
    load_config(None, {}, venue_url="https://sim.example.net:9000")  # https is fine


async def _sim_venue(cwd: Path, *argv: str, **env: str) -> tuple[Any, str, str]:
    """``scalpbot sim-venue`` on a free loopback port; (process, url, what it printed
    until it listened)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "engine.cli", "sim-venue", "--listen", "127.0.0.1:0", *argv,
        cwd=cwd, env=_child_env(PYTHONUNBUFFERED="1", **env),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + 60
    while "listening on " not in seen:
        line = await asyncio.wait_for(proc.stdout.readline(), deadline - time.monotonic())
        assert line, f"sim-venue exited:\n{seen}"
        seen += line.decode()
    url = re.search(r"listening on (http://\S+)", seen)
    assert url is not None, seen
    return proc, url.group(1), seen


async def _status(url: str, key: str, secret: str) -> int:
    headers = {"APCA-API-KEY-ID": key, "APCA-API-SECRET-KEY": secret}
    async with aiohttp.ClientSession() as http, http.get(f"{url}/v2/account", headers=headers) as r:
        return r.status


async def _stop(proc: Any) -> str:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    rest = await proc.stdout.read()
    return str(rest.decode())


async def test_review_standalone_sim_venue_keeps_its_secret_off_argv_and_has_no_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Demonstration (review finding 5): ``scalpbot sim-venue --secret S`` put the secret
    in /proc/PID/cmdline, and with nothing set it accepted ``sim-key``/``sim-secret``.
    Now, with nothing set, it makes a random pair, writes it 0600 to
    var/sim-venue.keys and prints the path (never the values); ``scalpbot run
    --venue-url`` from the same directory reads that file. ``--secret`` still works but
    warns that other users can read it."""
    from engine.config import load_config
    from engine.runtime.cli import options_from_config
    from engine.venues.sim import DEFAULT_KEY
    from engine.venues.sim import DEFAULT_SECRET

    proc, url, seen = await _sim_venue(tmp_path)
    try:
        keys = tmp_path / "var" / "sim-venue.keys"
        assert str(Path("var") / "sim-venue.keys") in seen, seen
        assert stat.S_IMODE(keys.stat().st_mode) == 0o600
        key, secret = keys.read_text().split()
        assert len(secret) >= 32 and secret not in seen and key not in seen
        assert await _status(url, DEFAULT_KEY, DEFAULT_SECRET) in (401, 403)
        assert await _status(url, key, secret) == 200
        monkeypatch.chdir(tmp_path)  # `scalpbot run --venue-url URL` from the same directory
        for var in ("SCALPBOT_SIM_KEY", "SCALPBOT_SIM_SECRET"):
            monkeypatch.delenv(var, raising=False)
        opts = options_from_config(load_config(None, {}, venue_url=url))
        assert (opts.venue.key, opts.venue.secret) == (key, secret)
    finally:
        seen += await _stop(proc)
    assert secret not in seen

    # A restart keeps the same pair (the bot need not be told again).
    proc, url, seen = await _sim_venue(tmp_path)
    try:
        assert await _status(url, key, secret) == 200
    finally:
        await _stop(proc)

    # From the environment: nothing written, nothing printed.
    other = tmp_path / "other"
    other.mkdir()
    env_secret = "EnvSimSecret-" + "k" * 24
    proc, url, seen = await _sim_venue(
        other, SCALPBOT_SIM_KEY="EnvSimKey1", SCALPBOT_SIM_SECRET=env_secret
    )
    try:
        assert await _status(url, "EnvSimKey1", env_secret) == 200
        assert not (other / "var").exists() and env_secret not in seen
    finally:
        await _stop(proc)

    # --secret on the command line: still works, but loudly deprecated.
    argv_secret = "CmdlineSimSecret42"
    proc, url, seen = await _sim_venue(other, "--key", "ArgvKey", "--secret", argv_secret)
    try:
        assert "--secret" in seen and "SCALPBOT_SIM_SECRET" in seen and "other users" in seen
        assert await _status(url, "ArgvKey", argv_secret) == 200
    finally:
        await _stop(proc)


def test_review_escaped_forms_of_a_secret_are_redacted() -> None:
    """Demonstration (review, info; /tmp/rev/redact.py): a secret holding ``'``, ``\\``
    or ``"`` logged inside a repr or JSON shows up escaped, and only the raw and
    percent-encoded forms were redacted."""
    from engine.config.secret import SecretStr
    from engine.config.secret import redact

    value = "Qx7'sec\\ret\"quote-9Zk"
    SecretStr(value)
    for shown in (repr(value), repr(value.encode()), json.dumps(value), json.dumps({"s": value}),
                  repr({"s": value}), json.dumps(value, ensure_ascii=False)):  # fmt: skip
        text = redact(f"payload {shown} end")
        assert "sec" not in text and "quote-9Zk" not in text, text
