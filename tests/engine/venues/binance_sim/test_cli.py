"""``scalpbot sim-venue --protocol binance-usdm`` as a real process: one startup line naming
the URL and the keys file (never the secret), signed orders with the pair from that file,
``/sim/identity`` says binance-usdm, a non-loopback address is refused in one line, and
SIGTERM exits 0.

Requests are signed here from Binance's documented algorithm (hex HMAC-SHA256 of the
query string plus the form body, as sent), not with the project's signing code.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

import aiohttp
import msgspec
import pytest

from tests.engine.venues.binance_sim.support import CAPTURE
from tests.engine.venues.binance_sim.support import REPO

START_S = 30.0  # a deadline for a failure to show, not a claim about speed


def _env() -> dict[str, str]:
    """No SCALPBOT_* variable: the pair comes from the keys file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALPBOT")}
    return env | {"PYTHONUNBUFFERED": "1"}


async def _start(*argv: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "engine.cli", "sim-venue", "--protocol", "binance-usdm", *argv,
        cwd=REPO, env=_env(), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture
async def venue(tmp_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, str, Path]]:
    """The running process, the first line it printed, and its keys file."""
    keys = tmp_path / "sim.keys"
    proc = await _start("--listen", "127.0.0.1:0", "--keys-file", str(keys), "--data", str(CAPTURE))
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), START_S)).decode()
        yield proc, line, keys
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def _signed(secret: str, params: dict[str, str]) -> str:
    """``k=v&...&timestamp=now&signature=hex(HMAC-SHA256(secret, query))``."""
    query = urlencode(
        {**params, "timestamp": str(time.time_ns() // 1_000_000)}, quote_via=quote, safe=""
    )
    digest = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={digest}"


async def _call(
    http: aiohttp.ClientSession, method: str, url: str, api_key: str, *, body: str = ""
) -> tuple[int, Any]:
    headers = {"X-MBX-APIKEY": api_key}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    async with http.request(method, url, data=body.encode() or None, headers=headers) as r:
        return r.status, msgspec.json.decode(await r.read())


async def test_signed_orders_with_the_pair_from_the_keys_file_then_sigterm(
    venue: tuple[asyncio.subprocess.Process, str, Path],
) -> None:
    proc, line, keys = venue
    assert line.startswith("scalpbot sim-venue: binance-usdm listening on http://127.0.0.1:")
    assert f"made in {keys} (0600)" in line
    assert keys.stat().st_mode & 0o777 == 0o600
    api_key, secret = keys.read_text().split()
    assert secret not in line and api_key not in line
    url = line.split(" listening on ", 1)[1].split()[0]
    async with aiohttp.ClientSession() as http:
        async with http.get(url + "/sim/identity") as r:
            assert (r.status, (await r.json())["wire"]) == (200, "binance-usdm")
        async with http.get(url + "/fapi/v1/depth?symbol=BTCUSDT&limit=5") as r:
            best_bid = (await r.json())["bids"][0][0]
        order = {
            "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": "0.002", "price": best_bid, "newClientOrderId": "cli-1",
        }  # fmt: skip
        # POST with the parameters in the form body (signed over the body, as sent).
        status, placed = await _call(
            http, "POST", url + "/fapi/v1/order", api_key, body=_signed(secret, order)
        )
        assert (status, placed["clientOrderId"], placed["status"]) == (200, "cli-1", "NEW")
        query = _signed(secret, {"symbol": "BTCUSDT"})
        status, open_orders = await _call(http, "GET", f"{url}/fapi/v1/openOrders?{query}", api_key)
        assert status == 200
        assert [o["clientOrderId"] for o in open_orders] == ["cli-1"]
        wrong = _signed(secret + "x", {"symbol": "BTCUSDT"})
        status, refused = await _call(http, "GET", f"{url}/fapi/v1/openOrders?{wrong}", api_key)
        assert (status, refused["code"]) == (400, -1022)
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), START_S) == 0


async def test_the_pair_is_reused_from_the_keys_file(tmp_path: Path) -> None:
    keys = tmp_path / "sim.keys"
    keys.write_text("SIMKEYREUSED\nsecret-from-the-file\n")
    keys.chmod(0o600)
    proc = await _start("--listen", "127.0.0.1:0", "--keys-file", str(keys), "--data", str(CAPTURE))
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), START_S)).decode()
        assert f"read from {keys} (0600)" in line
        assert "secret-from-the-file" not in line
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), START_S) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--listen", "0.0.0.0:8765"], "refusing to listen on 0.0.0.0: the simulated Binance"),
        (["--listen", "10.1.2.3:8765"], "refusing to listen on 10.1.2.3: the simulated Binance"),
        (["--fault", "rest_5xx=0.1"], "--fault is for --protocol alpaca only"),
        (["--state", "s.json"], "--state is for --protocol alpaca only"),
    ],
)
async def test_refusals_are_one_line(argv: list[str], message: str, tmp_path: Path) -> None:
    keys = tmp_path / "sim.keys"
    proc = await _start(*argv, "--keys-file", str(keys))
    out, err = await asyncio.wait_for(proc.communicate(), START_S)
    assert proc.returncode == 2
    assert out == b""
    text = err.decode()
    assert text.startswith(f"scalpbot sim-venue: {message}") and text.count("\n") == 1
    assert not keys.exists()  # refused before any key pair is made
