"""Conformance: Alpaca's official Python SDK (alpaca-py) against ``scalpbot sim-venue``.

The simulator speaks Alpaca's wire protocol, so the SDK's own models are the judge: its
TradingClient places, lists, fetches by client order id and cancels orders, is refused a
duplicate client order id, and reads the assets and positions (it rejected the equities'
exchange "IEX" before issue 11); its StockDataStream receives quotes and its TradingStream
trade updates. Real parts only: ``scalpbot sim-venue`` as a child process on loopback, the
SDK's own HTTP and websocket clients (each stream's blocking ``run()`` in a thread, stopped
with its ``stop()``). Every wait is a deadline, never a sleep.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import NamedTuple
from typing import Protocol

import pytest

with warnings.catch_warnings():  # the SDK's streams import websockets.legacy (deprecated)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"websockets\.")
    from alpaca.common.exceptions import APIError
    from alpaca.data.live import StockDataStream
    from alpaca.trading.client import TradingClient
    from alpaca.trading.enums import AssetClass
    from alpaca.trading.enums import AssetExchange
    from alpaca.trading.enums import OrderSide
    from alpaca.trading.enums import OrderStatus
    from alpaca.trading.enums import QueryOrderStatus
    from alpaca.trading.enums import TimeInForce
    from alpaca.trading.requests import GetOrdersRequest
    from alpaca.trading.requests import LimitOrderRequest
    from alpaca.trading.requests import MarketOrderRequest
    from alpaca.trading.stream import TradingStream

# The SDK's websocket clients are websockets' legacy ones: their deprecation is the SDK's.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets")

KEY = "ConformanceKey1"
SECRET = "conformance-secret-" + "x" * 24


class Venue(NamedTuple):
    url: str
    ws: str


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venue]:
    """``scalpbot sim-venue`` (its default synthetic market) on a free loopback port."""
    cwd = tmp_path_factory.mktemp("sim-venue")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCALPBOT", "APCA_"))}
    env |= {"SCALPBOT_SIM_KEY": KEY, "SCALPBOT_SIM_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    log = cwd / "venue.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "sim-venue", "--listen", "127.0.0.1:0"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = _until(lambda: _listening(proc, log), 60, "sim-venue to listen")
            # A market order needs a book: wait until every symbol has had a few quotes.
            _until(lambda: _stats(url)["market"]["events"] >= 100, 30, "the first quotes")
            yield Venue(url, "ws" + url.removeprefix("http"))
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _listening(proc: subprocess.Popen[bytes], log: Path) -> str | None:
    text = log.read_text(errors="replace")
    assert proc.poll() is None, f"sim-venue exited ({proc.returncode}):\n{text}"
    found = re.search(r"listening on (http://\S+)", text)
    return found.group(1) if found else None


def _stats(url: str) -> Any:
    with urllib.request.urlopen(f"{url}/sim/stats", timeout=5) as resp:
        return json.load(resp)


def _until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        threading.Event().wait(0.05)  # a poll interval, not a wait for the condition


@pytest.fixture
def client(venue: Venue) -> TradingClient:
    return TradingClient(KEY, SECRET, paper=True, url_override=venue.url)


def _equity_and_crypto(client: TradingClient) -> tuple[str, str]:
    assets = client.get_all_assets()
    equities = [a.symbol for a in assets if a.asset_class is AssetClass.US_EQUITY]
    crypto = [a.symbol for a in assets if a.asset_class is AssetClass.CRYPTO]
    assert equities, assets
    return equities[0], crypto[0] if crypto else ""


def test_assets_parse_in_the_sdk_with_real_exchanges(client: TradingClient) -> None:
    assets = client.get_all_assets()
    assert assets and all(a.tradable for a in assets)
    for a in assets:
        assert isinstance(a.exchange, AssetExchange), a
        expected = AssetExchange.CRYPTO if a.asset_class is AssetClass.CRYPTO else None
        assert expected is None or a.exchange is expected, a
    one = client.get_asset(assets[0].symbol)
    assert one.symbol == assets[0].symbol and one.id == assets[0].id
    account = client.get_account()
    assert account.status is not None and float(account.equity or 0) > 0


def test_orders_place_list_get_cancel_and_refuse_a_duplicate(client: TradingClient) -> None:
    symbol, _ = _equity_and_crypto(client)
    far_below = 1.0  # below any simulated price: the buy rests
    cid = f"conf-{time.time_ns()}"
    request = LimitOrderRequest(
        symbol=symbol,
        qty=1,
        side=OrderSide.BUY,
        time_in_force=TimeInForce.DAY,
        limit_price=far_below,
        client_order_id=cid,
    )
    placed = client.submit_order(request)
    assert placed.client_order_id == cid and placed.symbol == symbol

    listed = client.get_orders(GetOrdersRequest(status=QueryOrderStatus.OPEN))
    assert cid in {o.client_order_id for o in listed}
    got = client.get_order_by_client_id(cid)
    assert got.id == placed.id

    with pytest.raises(APIError) as refused:
        client.submit_order(request)  # the same client order id again
    assert refused.value.status_code == 422, refused.value

    client.cancel_order_by_id(placed.id)
    cancelled = _until(
        lambda: (o := client.get_order_by_client_id(cid)).status is OrderStatus.CANCELED and o,
        10,
        "the cancel",
    )
    assert cancelled.id == placed.id


def test_positions_parse_in_the_sdk(client: TradingClient) -> None:
    symbol, _ = _equity_and_crypto(client)
    cid = f"conf-pos-{time.time_ns()}"
    client.submit_order(
        MarketOrderRequest(
            symbol=symbol, qty=1, side=OrderSide.BUY, time_in_force=TimeInForce.DAY,
            client_order_id=cid,
        )
    )  # fmt: skip
    _until(lambda: client.get_order_by_client_id(cid).status is OrderStatus.FILLED, 10, "the fill")
    positions = client.get_all_positions()
    mine = [p for p in positions if p.symbol == symbol]
    assert mine and float(mine[0].qty) >= 1, positions
    assert isinstance(mine[0].exchange, AssetExchange)
    assert client.get_open_position(symbol).symbol == symbol


class _Stream(Protocol):
    def run(self) -> None: ...
    def stop(self) -> None: ...


def _receive(stream: _Stream, got: threading.Event, timeout: float, what: str) -> None:
    runner = threading.Thread(target=stream.run, name=what, daemon=True)
    runner.start()
    try:
        assert got.wait(timeout), f"no {what} within {timeout}s"
    finally:
        _until(lambda: getattr(stream, "_loop", None) is not None, 10, f"{what} loop")
        stream.stop()
        runner.join(20)
    assert not runner.is_alive(), f"{what} did not stop"


def test_stock_data_stream_receives_quotes(venue: Venue, client: TradingClient) -> None:
    symbol, _ = _equity_and_crypto(client)
    stream = StockDataStream(KEY, SECRET, url_override=f"{venue.ws}/v2/iex")
    quotes: list[Any] = []
    got = threading.Event()

    async def on_quote(q: Any) -> None:
        quotes.append(q)
        got.set()

    stream.subscribe_quotes(on_quote, symbol)
    _receive(stream, got, 30, "quote")
    q = quotes[0]
    assert q.symbol == symbol and q.bid_price > 0 and q.ask_price >= q.bid_price


def test_trading_stream_receives_trade_updates(venue: Venue, client: TradingClient) -> None:
    symbol, _ = _equity_and_crypto(client)
    stream = TradingStream(KEY, SECRET, paper=True, url_override=f"{venue.ws}/stream")
    prefix = f"conf-upd-{time.time_ns()}"
    updates: list[Any] = []
    got = threading.Event()

    async def on_update(u: Any) -> None:
        if u.order.client_order_id.startswith(prefix):
            updates.append(u)
            if u.event == "fill":
                got.set()

    stream.subscribe_trade_updates(on_update)
    runner = threading.Thread(target=stream.run, name="trade_updates", daemon=True)
    runner.start()
    placed: list[float] = []

    def seen() -> bool:
        # An order placed before the stream's listen took effect is never announced on
        # it: place another (a new client order id) each second until one is.
        if not got.is_set() and (not placed or time.monotonic() - placed[-1] > 1.0):
            placed.append(time.monotonic())
            client.submit_order(
                MarketOrderRequest(
                    symbol=symbol, qty=1, side=OrderSide.BUY, time_in_force=TimeInForce.DAY,
                    client_order_id=f"{prefix}-{len(placed)}",
                )
            )  # fmt: skip
        return got.is_set()

    try:
        _until(lambda: getattr(stream, "_running", False), 20, "trade_updates to connect")
        _until(seen, 30, "a trade update of our order")
    finally:
        _until(lambda: getattr(stream, "_loop", None) is not None, 10, "trade_updates loop")
        stream.stop()
        runner.join(20)
    fill = next(u for u in updates if u.event == "fill")
    assert fill.order.symbol == symbol and fill.order.status is OrderStatus.FILLED
    assert float(fill.order.filled_qty or 0) == 1
