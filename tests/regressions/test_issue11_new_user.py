"""Issue 11, "found as a new user": ``scalpbot run --venue-url URL`` with no configuration
trades what the venue at URL offers, and what a person reads is in the instrument's units.

Real parts: ``scalpbot sim-venue --data`` (Binance BTCUSDT quotes from ../shared/data) and
``scalpbot run`` as child processes on loopback, in a scratch directory (so the venue's
keys file and the bot's store are made there, as for a new user), the project's Alpaca
adapter to place an order of our own at the venue.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import TypeVar

import aiohttp
import pytest

from engine.model import ClientOrderId
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model.instrument import amount
from engine.model.instrument import price_text
from engine.runtime import reconcile
from engine.venues.base import VenueOrder
from tests.kit.wait import until_async

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
QUOTES = REPO.parent / "shared" / "data" / "binance_spot_btcusdt_20240809_quotes.csv"
BTC = Instrument(
    symbol=Symbol("BTCUSD"), price_increment=Decimal("0.01"), size_increment=Decimal("0.00001")
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env() -> dict[str, str]:
    """No configuration of ours: no SCALPBOT_* or APCA_* variable at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCALPBOT", "APCA_"))}
    return env | {"PYTHONUNBUFFERED": "1"}


class _Proc:
    def __init__(self, cwd: Path, name: str, *argv: str) -> None:
        self.log = cwd / f"{name}.log"
        self._out = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "engine.cli", *argv],
            cwd=cwd,
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    async def alive_and(self, found: Callable[[], T | None]) -> T | None:
        assert self.proc.poll() is None, f"exited ({self.proc.returncode}):\n{self.text()}"
        return found()

    async def exited(self, timeout: float) -> int:
        async def code() -> int | None:
            rc = self.proc.poll()
            return None if rc is None else rc + 1000

        return await until_async(code, timeout, "the process to exit") - 1000

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()


@pytest.fixture
def procs() -> Iterator[list[_Proc]]:
    started: list[_Proc] = []
    try:
        yield started
    finally:
        for p in started:
            p.stop()


async def _json(http: aiohttp.ClientSession, url: str, **headers: str) -> Any:
    try:
        async with http.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=3)) as r:
            return await r.json() if r.status == 200 else None
    except (aiohttp.ClientError, TimeoutError):
        return None


async def test_run_with_a_venue_url_and_no_configuration_trades_what_that_venue_offers(
    tmp_path: Path, procs: list[_Proc]
) -> None:
    """Before: "could not load instruments from the venue: SIMEQ: Alpaca knows no such
    asset" (the runtime asked for the embedded simulator's default set). Now the venue
    lists its assets (BTCUSDT here), the bot trades it, and its shutdown speaks in BTC."""
    from engine.venues.sim.keys import read_keys

    venue = _Proc(tmp_path, "venue", "sim-venue", "--listen", "127.0.0.1:0", "--data", str(QUOTES))
    procs.append(venue)
    found = await until_async(
        lambda: venue.alive_and(lambda: re.search(r"listening on (http://\S+)", venue.text())),
        60,
        "the venue to listen",
    )
    url = found.group(1)
    http_port = _free_port()
    bot = _Proc(tmp_path, "bot", "run", "--venue-url", url, "--http", f"127.0.0.1:{http_port}")
    procs.append(bot)

    async with aiohttp.ClientSession() as http:

        async def ready() -> Any:
            assert bot.proc.poll() is None, f"the bot exited:\n{bot.text()}"
            return await _json(http, f"http://127.0.0.1:{http_port}/readyz")

        await until_async(ready, 60, "the bot to be ready")
        assert "1 symbols" in bot.text(), bot.text()

        async def traded() -> Any:
            assert bot.proc.poll() is None, f"the bot exited:\n{bot.text()}"
            stats = await _json(http, f"{url}/sim/stats")
            return stats if stats and stats["fills"] > 0 else None

        stats = await until_async(traded, 120, "the bot's first fill at the venue")
        assert stats["market"]["symbols"] == ["BTCUSDT"]
        assert re.search(r"fill BTCUSDT (buy|sell) 0\.\d+ @ ", bot.text()), bot.text()

    # An order of our own (through the venue's REST API, with the pair `scalpbot sim-venue`
    # made in the directory), so that the venue surely holds a position at shutdown.
    pair = read_keys(str(tmp_path / "var" / "sim-venue.keys"))
    assert pair is not None
    auth = {"APCA-API-KEY-ID": pair[0], "APCA-API-SECRET-KEY": pair[1]}
    body = {
        "symbol": "BTCUSDT", "qty": "0.001", "side": "buy", "type": "market",
        "time_in_force": "gtc", "client_order_id": "issue11-own-1",
    }  # fmt: skip
    async with aiohttp.ClientSession(headers=auth) as http:
        async with http.post(f"{url}/v2/orders", json=body) as resp:
            assert resp.status == 200, await resp.text()

        async def own_fill() -> Any:
            got = await _json(
                http, f"{url}/v2/orders:by_client_order_id?client_order_id=issue11-own-1"
            )
            return got if got and got["status"] == "filled" else None

        await until_async(own_fill, 30, "our own order to fill")

    bot.proc.send_signal(signal.SIGINT)
    assert await bot.exited(60) == 0, bot.text()
    line = next(x for x in bot.text().splitlines() if "positions held at the venue" in x)
    held = re.search(r"positions held at the venue: (\d+(?:\.\d+)?) BTCUSDT$", line)
    assert held is not None and "lot" not in line, line
    assert abs(Decimal(held.group(1)) - Decimal("0.001")) < Decimal("0.0005"), line


def test_person_facing_text_is_in_the_instruments_units() -> None:
    """ "positions held at the venue: BTCUSD 1 lots" for 0.001 BTC: every line a
    person reads (shutdown, reconciliation alerts) says the quantity in the instrument's units."""
    assert amount(BTC, BTC.symbol, 100) == "0.001 BTCUSD"
    assert amount(BTC, BTC.symbol, -100_000) == "-1 BTCUSD"
    assert amount(None, "XYZ", 1) == "1 lot of XYZ"
    assert price_text(BTC, 6_166_200) == "61662"

    venue = VenueOrder(
        ClientOrderId("elsewhere-1"), VenueOrderId("v-1"), BTC.symbol, Side.BUY, 100, 100,
        6_166_200.0, OrderStatus.FILLED, OrderType.MARKET, TimeInForce.GTC, 0, 1, 1,
    )  # fmt: skip
    plan = reconcile.plan({}, [venue], 10, {BTC.symbol: BTC})
    (adopted, *_) = plan.discrepancies
    assert "filled 0.001 BTCUSD of 0.001 BTCUSD" in adopted.detail, adopted.detail
    fills = reconcile.announce_fills(plan, lambda cid: None, 10, {BTC.symbol: BTC})
    assert fills and all("lot" not in d.detail for d in fills), fills
    assert "venue filled 0.001 BTCUSD" in fills[0].detail, fills[0].detail

    # The risk gate's denials (logged and stored as RiskDenied): units and money, not
    # lots and nano units.
    from engine.core.risk.checks import RiskContext
    from engine.core.risk.checks import check_max_notional
    from engine.core.risk.checks import check_max_qty

    ctx = RiskContext()
    ctx.instrument, ctx.money_per_tick_lot = BTC, BTC.money_per_tick_lot
    ctx.max_qty_lots, ctx.max_notional = 100, 50 * 10**9
    big = OrderIntent(BTC.symbol, Side.BUY, 200, OrderType.LIMIT, price=6_166_200)
    denied = check_max_qty(big, ctx)
    assert denied is not None and denied.detail == "0.002 BTCUSD > 0.001 BTCUSD", denied
    denied = check_max_notional(big, ctx)
    assert denied is not None and denied.detail == "order notional 123.324 > 50", denied


@pytest.mark.parametrize("documented", [True, False], ids=["SCALPBOT_SIM_KEY", "alias"])
def test_one_name_for_the_sim_key_pair_both_processes_read_it_and_its_alias(
    documented: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``sim-venue`` read SCALPBOT_SIM_KEY/SECRET and the bot sim.key/sim.secret
    (SCALPBOT__SIM__KEY): the pair has one documented name, SCALPBOT_SIM_KEY/SECRET, and
    both processes accept the other spelling as an alias."""
    import argparse

    from engine.config import load_config
    from engine.runtime.cli import options_from_config
    from engine.venues.sim.cli import add_parser
    from engine.venues.sim.cli import build_config

    key, secret = "AliasKey1", "alias-secret-" + "s" * 24
    for var in ("SCALPBOT_SIM_KEY", "SCALPBOT_SIM_SECRET", "SCALPBOT__SIM__KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("SCALPBOT__SIM__SECRET", raising=False)
    env = (
        {"SCALPBOT_SIM_KEY": key, "SCALPBOT_SIM_SECRET": secret}
        if documented
        else {"SCALPBOT__SIM__KEY": key, "SCALPBOT__SIM__SECRET": secret}
    )
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.chdir(tmp_path)  # no keys file anywhere

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    config, _, _ = build_config(parser.parse_args(["sim-venue", "--listen", "127.0.0.1:0"]))
    assert (config.key, config.secret) == (key, secret)
    assert not (tmp_path / "var").exists()

    opts = options_from_config(load_config(None, env, venue_url="http://127.0.0.1:1"))
    assert (opts.venue.key, opts.venue.secret) == (key, secret)
