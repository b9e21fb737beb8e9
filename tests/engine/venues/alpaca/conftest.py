"""Fixtures for the Alpaca adapter tests: the fake server, instruments, a recording sink."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal

from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.venues.base import VenueOrder
from tests.kit.fake_alpaca import FakeAlpaca  # noqa: F401 - fake: the fixture
from tests.kit.fake_alpaca import fake  # noqa: F401 - fake: the fixture
from tests.kit.wait import poller


def equity(symbol: str, tick: str = "0.01", lot: str = "1") -> Instrument:
    return Instrument(
        symbol=Symbol(symbol),
        price_increment=Decimal(tick),
        size_increment=Decimal(lot),
        venue="ALPACA",
    )


INSTRUMENTS = {Symbol(s): equity(s) for s in ("AAPL", "AMD", "SPY")}


until = poller(3.0, every=0.002)


def backoff(initial_s: float = 0.01, max_s: float = 0.05) -> dict[str, float]:
    """Reconnect backoff settings for a config; the default is the quick one tests use."""
    return {"backoff_initial_s": initial_s, "backoff_max_s": max_s}


class Sink:
    """Records everything a market-data adapter delivers."""

    def __init__(self) -> None:
        self.quotes: list[tuple[Symbol, int, int, int, int, int]] = []
        self.trades: list[tuple[Symbol, int, int, int, Side]] = []
        self.feed: list[FeedEvent] = []
        self.errors: list[str] = []

    def on_quote(self, symbol: Symbol, ts: int, bid: int, bs: int, ask: int, asz: int) -> None:
        self.quotes.append((symbol, ts, bid, bs, ask, asz))

    def on_trade(self, symbol: Symbol, ts: int, price: int, size: int, aggressor: Side) -> None:
        self.trades.append((symbol, ts, price, size, aggressor))

    def on_feed(self, event: FeedEvent) -> None:
        self.feed.append(event)

    def on_decode_error(self, reason: str) -> None:
        self.errors.append(reason)

    def states(self, symbol: str = "") -> list[FeedState]:
        return [e.state for e in self.feed if e.symbol == symbol]


class Updates:
    """Records what the trade_updates stream delivers."""

    def __init__(self) -> None:
        self.reports: list[ExecutionReport] = []
        self.feed: list[FeedEvent] = []
        self.recovered: list[list[VenueOrder]] = []

    def on_report(self, report: ExecutionReport) -> None:
        self.reports.append(report)

    def on_feed(self, event: FeedEvent) -> None:
        self.feed.append(event)

    def on_recovered(self, orders: list[VenueOrder]) -> None:
        self.recovered.append(orders)


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a streaming task and wait for it (re-raising anything but the cancel);
    a task that already ended was awaited by its test."""
    if task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
