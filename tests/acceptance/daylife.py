"""What the day-in-the-life test needs beyond ``conftest``: one fake wall clock for
every child, children started with an environment of their own, the bot's
configuration (sessions, Telegram), an operator typing into the fake Telegram,
and readers of the venue and the store.

The clock is Debian's libfaketime (package ``faketime``; scripts/test.sh installs
it): ``LD_PRELOAD`` with ``FAKETIME="+N"`` shifts the wall clock of a child by a
whole number of seconds, the same ``N`` for the venue and the bot, so their
timestamps agree with each other and only the test (which runs on the real
clock) adds ``N`` itself. The monotonic clock is left alone
(``FAKETIME_DONT_FAKE_MONOTONIC``), so event loops, timeouts and backoffs run as
usual. Nothing is sped up or stepped: the midnight the test crosses is a real
one, a few seconds away in the configured zone.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from tests.acceptance.conftest import HOST
from tests.acceptance.conftest import REPO
from tests.acceptance.conftest import SCALPBOT
from tests.acceptance.conftest import SIM_KEY
from tests.acceptance.conftest import SIM_SECRET
from tests.acceptance.conftest import BotRun
from tests.acceptance.conftest import Child
from tests.acceptance.conftest import Children
from tests.acceptance.conftest import Venue
from tests.acceptance.conftest import child_env
from tests.acceptance.conftest import eventually
from tests.acceptance.conftest import free_port
from tests.acceptance.conftest import start_venue as start_sim_venue
from tests.kit.fake_telegram import FakeTelegram
from tests.kit.fake_telegram import plain_text

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
HEADERS = {"APCA-API-KEY-ID": SIM_KEY, "APCA-API-SECRET-KEY": SIM_SECRET}


# -- the clock ------------------------------------------------------------------------------


class FakeClock:
    """The children's wall clock: this process's clock plus ``offset_s`` seconds."""

    def __init__(self, zone: ZoneInfo, offset_s: int) -> None:
        self.zone = zone
        self.offset_s = offset_s

    @classmethod
    def before_midnight(cls, zone: ZoneInfo, lead_s: float) -> FakeClock:
        """A clock that shows ``lead_s`` seconds (rounded up) before a midnight in ``zone``."""
        now = time.time()
        local = datetime.fromtimestamp(now + lead_s + 1, zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
        return cls(zone, math.ceil(midnight.timestamp() - lead_s - now))

    def now_ns(self) -> int:
        return time.time_ns() + self.offset_s * 1_000_000_000

    def local(self, ns: int | None = None) -> datetime:
        ns = self.now_ns() if ns is None else ns
        return datetime.fromtimestamp(ns / 1e9, self.zone)

    def next_midnight(self) -> datetime:
        return datetime.combine(
            self.local().date() + timedelta(days=1), datetime.min.time(), self.zone
        )

    @staticmethod
    def ns(moment: datetime) -> int:
        return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000

    def seconds_to(self, moment: datetime) -> float:
        return (self.ns(moment) - self.now_ns()) / 1e9

    async def until(self, moment: datetime) -> None:
        """Return once the children's clock shows ``moment`` (a wait for a time of day,
        polled on the real clock: the fake one moves at the same rate)."""
        while (left := self.seconds_to(moment)) > 0:
            await asyncio.sleep(min(left, 0.05))

    def env(self) -> dict[str, str]:
        return {
            "LD_PRELOAD": str(LIBFAKETIME),
            "FAKETIME": f"{self.offset_s:+d}",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "NO_FAKE_STAT": "1",
        }

    def check_in_a_child(self) -> None:
        """Fail early, and say why, unless a Python child sees exactly this clock."""
        assert LIBFAKETIME.exists(), (
            f"{LIBFAKETIME} is missing: install Debian's faketime package "
            "(apt-get install faketime; scripts/test.sh does it)"
        )
        probe = (
            "import time, datetime, zoneinfo, json;"
            f"z = zoneinfo.ZoneInfo({str(self.zone)!r});"
            "print(json.dumps([time.time_ns(), datetime.datetime.now(z).isoformat()]))"
        )
        before = self.now_ns()
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
        after = self.now_ns()
        seen_ns, seen_local = json.loads(out)
        assert before - 10**8 <= seen_ns <= after + 10**8, (
            f"libfaketime did not shift the child's clock: it saw {seen_ns}, "
            f"expected {before}..{after} (FAKETIME={self.env()['FAKETIME']})"
        )
        local = datetime.fromisoformat(seen_local)
        assert abs((local - self.local(seen_ns)).total_seconds()) < 0.1, seen_local


# -- children with their own environment -------------------------------------------------


def spawn(children: Children, name: str, argv: list[str], env: Mapping[str, str]) -> Child:
    return children.spawn(name, argv, env)  # killed with the others when the test ends


async def start_venue(
    children: Children, tmp_path: Path, clock: FakeClock, *, seed: int, quote_rate: float
) -> Venue:
    env = clock.env()
    return await start_sim_venue(children, tmp_path, seed=seed, quote_rate=quote_rate, env=env)


def start_bot(
    children: Children,
    name: str,
    config: Path,
    venue_url: str,
    db_url: str,
    env: Mapping[str, str],
) -> BotRun:
    port = free_port()
    argv = [
        SCALPBOT, "run", "--config", str(config), "--venue-url", venue_url,
        "--db", db_url, "--http", f"{HOST}:{port}",
    ]  # fmt: skip
    return BotRun(spawn(children, name, argv, env), port)


# -- the bot's configuration --------------------------------------------------------------------


def write_bot_config(path: Path, text: str) -> Path:
    path.write_text(text)
    out = subprocess.run(
        [SCALPBOT, "check-config", str(path), "--no-secrets"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 0, f"the test's configuration is refused: {out.stdout}{out.stderr}"
    return path


# -- the operator, in Telegram -------------------------------------------------------------


class Operator:
    """One allow-listed user typing commands into the fake Telegram. Messages are dated
    on the children's clock, as Telegram would date them for the bot."""

    def __init__(self, fake: FakeTelegram, clock: FakeClock, uid: int) -> None:
        self.fake = fake
        self.clock = clock
        self.uid = uid

    async def connected(self, polls_before: int, bot: BotRun) -> None:
        """Wait for the bot (started after ``polls_before`` getUpdates) to poll."""

        async def polling() -> bool:
            return self.fake.count("getupdates") > polls_before

        await eventually(polling, 30, f"{bot.child.name} to poll Telegram", child=bot.child)

    async def ask(self, text: str, timeout: float = 15.0) -> dict[str, Any]:
        """Send ``text``; the bot's first message quoting it."""
        message = self.fake.command(self.uid, text, age_s=-self.clock.offset_s)

        async def replied() -> dict[str, Any] | None:
            replies = self.fake.replies_to(message)
            return replies[0] if replies else None

        return await eventually(replied, timeout, f"a reply to {text}")

    async def prompt(self, text: str) -> dict[str, Any]:
        """Send ``text``, a command that asks for confirmation; its prompt."""
        prompt = await self.ask(text)
        markup = prompt.get("reply_markup") or {}
        assert markup.get("inline_keyboard"), (
            f"{text}: expected a confirmation prompt, got {prompt.get('text')!r}"
        )
        return prompt

    async def confirm(self, prompt: dict[str, Any], done: str, timeout: float) -> str:
        """Press *Confirm* under ``prompt``; its text once the bot has edited the outcome
        (containing ``done``) into it."""
        button = prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        self.fake.press(self.uid, prompt, button)

        async def outcome() -> str | None:
            shown = plain_text(str(self.fake.current(prompt).get("text", "")), "HTML")
            return shown if done in shown else None

        try:
            return await eventually(outcome, timeout, f"an outcome with {done!r}")
        except AssertionError as exc:
            shown = plain_text(str(self.fake.current(prompt).get("text", "")), "HTML")
            calls = [(c.method, c.status) for c in self.fake.calls[-8:]]
            raise AssertionError(f"{exc}; the prompt shows {shown!r}; last calls {calls}") from None


# -- reading the venue and the store -------------------------------------------------------


async def venue_positions(http: aiohttp.ClientSession, url: str) -> dict[str, Decimal]:
    async with http.get(f"{url}/v2/positions", headers=HEADERS) as resp:
        assert resp.status == 200, await resp.text()
        return {p["symbol"]: Decimal(p["qty"]) for p in await resp.json() if Decimal(p["qty"])}


async def venue_open_orders(http: aiohttp.ClientSession, url: str) -> list[str]:
    async with http.get(f"{url}/v2/orders?status=open", headers=HEADERS) as resp:
        assert resp.status == 200, await resp.text()
        return [o["client_order_id"] for o in await resp.json()]


async def metric(http: aiohttp.ClientSession, base: str, name: str) -> float:
    """The sum of every series of ``name`` on the bot's /metrics (0 when absent)."""
    async with http.get(f"{base}/metrics") as resp:
        assert resp.status == 200, await resp.text()
        text = await resp.text()
    total = 0.0
    for line in text.splitlines():
        if line.startswith((name + "{", name + " ")):
            total += float(line.rsplit(" ", 1)[1])
    return total


def bot_positions(status: Mapping[str, Any]) -> dict[str, Decimal]:
    mine = {s["symbol"]: Decimal(str(s["position"])) for s in status["symbols"]}
    return {s: q for s, q in mine.items() if q}


def symbol_state(status: Mapping[str, Any], symbol: str) -> str:
    (state,) = [s["state"] for s in status["symbols"] if s["symbol"] == symbol]
    return str(state)


def day_start(status: Mapping[str, Any]) -> Decimal:
    """The equity the bot's trading day started from, as /status shows it."""
    return Decimal(str(status["equity"])) - Decimal(str(status["day_pnl"]))
