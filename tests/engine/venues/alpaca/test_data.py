"""AlpacaMarketData against the fake Alpaca over real loopback sockets."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import Any

import pytest

from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedState
from engine.venues.alpaca import AlpacaAuthError
from engine.venues.alpaca import AlpacaMarketData
from engine.venues.alpaca import AlpacaStreamError
from engine.venues.alpaca import DataConfig
from tests.engine.venues.alpaca.conftest import INSTRUMENTS
from tests.engine.venues.alpaca.conftest import Sink
from tests.engine.venues.alpaca.conftest import backoff
from tests.engine.venues.alpaca.conftest import stop
from tests.engine.venues.alpaca.conftest import until
from tests.kit.fake_alpaca import KEY
from tests.kit.fake_alpaca import SECRET
from tests.kit.fake_alpaca import T0
from tests.kit.fake_alpaca import FakeAlpaca

SYMS = [Symbol("AAPL"), Symbol("AMD")]
C = FeedState.CONNECTED
D = FeedState.DISCONNECTED

Start = Callable[..., "asyncio.Future[Any]"]


@pytest.fixture
async def stream(fake: FakeAlpaca) -> AsyncIterator[Callable[..., Any]]:
    """Start a market-data adapter on the fake: ``feed, sink, task = await stream(**kw)``."""
    tasks: list[asyncio.Task[None]] = []

    async def start(**kw: Any) -> tuple[AlpacaMarketData, Sink, asyncio.Task[None]]:
        opts: dict[str, Any] = {"stale_after_s": 5.0, "heartbeat_s": 5.0, **backoff()} | kw
        rng = opts.pop("rng", random.Random(7))
        feed = AlpacaMarketData(DataConfig(fake.url, KEY, SECRET, **opts), INSTRUMENTS, rng=rng)
        sink = Sink()
        task = asyncio.create_task(feed.run(SYMS, sink))
        tasks.append(task)
        return feed, sink, task

    yield start
    for task in tasks:
        await stop(task)


async def connected(fake: FakeAlpaca, sink: Sink, n: int = 1) -> None:
    await until(lambda: sink.states().count(C) >= n and fake.data_conns, what="connected")


async def test_handshake_auth_and_subscribe(fake: FakeAlpaca, stream: Any) -> None:
    feed, sink, _ = await stream()
    await connected(fake, sink)
    auth, sub = fake.data_actions
    assert auth == {"action": "auth", "key": KEY, "secret": SECRET}
    assert sub == {"action": "subscribe", "quotes": SYMS, "trades": SYMS}
    assert feed.subscribed == (sorted(SYMS), sorted(SYMS))
    assert feed.url == fake.url.replace("http", "ws") + "/v2/iex"
    assert sink.feed[0].feed == "market_data"


@pytest.mark.parametrize("encoding", ["json", "msgpack"])
async def test_quotes_and_trades_arrive_as_ints(
    fake: FakeAlpaca, stream: Any, encoding: str
) -> None:
    _, sink, _ = await stream(encoding=encoding)
    await connected(fake, sink)
    await fake.push(
        [
            fake.quote("AAPL", 187.66, 187.68, 1, 4, ts=T0 + 335_689_322),
            fake.quote("AMD", 87.5, 87.51, 300, 200, ts=T0 + 2),
            fake.trade("AAPL", 187.68, 5, ts=T0 + 3),
            fake.trade("AAPL", 187.66, 2, ts=T0 + 4),
        ]
    )
    await until(lambda: len(sink.trades) == 2)
    assert sink.quotes == [
        ("AAPL", T0 + 335_689_322, 18766, 1, 18768, 4),
        ("AMD", T0 + 2, 8750, 300, 8751, 200),
    ]
    assert sink.trades == [
        ("AAPL", T0 + 3, 18768, 5, Side.BUY),
        ("AAPL", T0 + 4, 18766, 2, Side.SELL),
    ]
    assert sink.errors == []
    assert all(type(v) is int for q in sink.quotes for v in q[1:])


async def test_bad_messages_are_dropped_and_counted(fake: FakeAlpaca, stream: Any) -> None:
    feed, sink, _ = await stream()
    await connected(fake, sink)
    good = fake.quote("AAPL", 10.0, 10.01)
    await fake.push(
        [
            fake.quote("MSFT", 10.0, 10.01),  # not subscribed
            fake.quote("AAPL", 10.005, 10.01),  # off the 0.01 grid
            fake.quote("AAPL", 10.02, 10.01),  # crossed
            fake.quote("AAPL", 0, 10.01),  # one-sided
            fake.quote("AAPL", 10.0, 10.01, bs=-1),  # negative size
            fake.quote("AAPL", 10.0, 10.01) | {"t": "yesterday"},
            {"T": "q", "S": "AAPL", "bp": "10.0"},  # malformed
            {"T": "zz", "S": "AAPL"},  # unknown type
            good,
        ]
    )
    await fake.push_raw("[{not json")
    await fake.push([fake.quote("AMD", 1.0, 1.01)])
    await until(lambda: len(sink.quotes) == 2)
    assert [q[0] for q in sink.quotes] == ["AAPL", "AMD"]
    assert sorted(sink.errors) == sorted(
        [
            "unknown_symbol",
            "off_grid",
            "crossed",
            "bad_price",
            "bad_size",
            "bad_timestamp",
            "malformed_message",
            "unknown_type",
            "malformed_frame",
        ]
    )
    assert sum(feed.counters.decode_errors.values()) == 9
    assert feed.counters.frames >= 2
    assert feed.specs["AAPL"].quotes == 1


async def test_reconnects_with_backoff_and_resubscribes(fake: FakeAlpaca, stream: Any) -> None:
    feed, sink, _ = await stream(backoff_initial_s=0.02, backoff_max_s=0.1)
    await connected(fake, sink)
    for n in (2, 3):
        t0 = time.monotonic()
        await fake.drop_data()
        await connected(fake, sink, n)
        assert time.monotonic() - t0 < 1.0
    assert sink.states() == [C, D, C, D, C]
    assert fake.data_connects == 3
    subs = [a for a in fake.data_actions if a["action"] == "subscribe"]
    assert len(subs) == 3 and all(a["quotes"] == SYMS for a in subs)
    assert feed.counters.reconnects == 2 and feed.counters.connects == 3
    await fake.push([fake.quote("AAPL", 1.0, 1.01)])
    await until(lambda: sink.quotes)  # data flows on the new connection
    # the first quote after a reconnect makes its symbol FRESH again
    await until(lambda: sink.states("AAPL") == [FeedState.FRESH])


async def test_backoff_draws_full_jitter_from_the_injected_rng(fake: FakeAlpaca) -> None:
    feed = AlpacaMarketData(
        DataConfig(fake.url, KEY, SECRET, backoff_initial_s=0.1, backoff_max_s=0.4),
        INSTRUMENTS,
        rng=random.Random(3),
    )
    delays = [feed.backoff.next() for _ in range(6)]
    expect_rng = random.Random(3)
    caps = [0.1, 0.2, 0.4, 0.4, 0.4, 0.4]
    assert delays == [expect_rng.uniform(0, cap) for cap in caps]
    assert all(0 <= d <= cap for d, cap in zip(delays, caps, strict=True))


async def test_stale_watchdog_then_fresh(fake: FakeAlpaca, stream: Any) -> None:
    feed, sink, _ = await stream(stale_after_s=0.2)
    await connected(fake, sink)
    t0 = time.monotonic()
    deadline = t0 + 3.0
    while not sink.states("AAPL") and time.monotonic() < deadline:
        await fake.push([fake.quote("AMD", 1.0, 1.01)])  # AMD keeps quoting; AAPL is quiet
        await asyncio.sleep(0.01)  # pacing the source, not waiting for an outcome
    assert time.monotonic() - t0 >= 0.2
    assert sink.states("AAPL") == [FeedState.STALE]
    assert sink.states("AMD") == []
    await fake.push([fake.quote("AAPL", 1.0, 1.01)])
    await until(lambda: sink.states("AAPL") == [FeedState.STALE, FeedState.FRESH])
    assert feed.counters.stale == 1


async def test_connection_limit_406_waits_longer(fake: FakeAlpaca, stream: Any) -> None:
    fake.data_refuse = [406]
    _, sink, _ = await stream(backoff_initial_s=0.01, backoff_max_s=0.3)
    t0 = time.monotonic()
    await connected(fake, sink)
    assert time.monotonic() - t0 >= 0.15  # at least half of backoff_max_s
    assert fake.data_connects == 2
    assert sink.states() == [C]


async def test_second_session_gets_406_from_the_venue(fake: FakeAlpaca, stream: Any) -> None:
    _, sink1, _ = await stream()
    await connected(fake, sink1)
    feed2, sink2, _ = await stream(backoff_max_s=5.0)
    await until(lambda: feed2.counters.reconnects >= 1)
    assert sink2.states() == []  # never connected, and waiting out the long backoff
    assert fake.data_connects == 2


async def test_auth_failure_raises_and_does_not_spin(
    fake: FakeAlpaca, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    feed = AlpacaMarketData(
        DataConfig(fake.url, KEY, "wrong-" + SECRET), INSTRUMENTS, rng=random.Random(1)
    )
    with pytest.raises(AlpacaAuthError) as info:
        await asyncio.wait_for(feed.run(SYMS, Sink()), 3)
    assert info.value.code == 402
    assert fake.data_connects == 1
    assert SECRET not in str(info.value) + repr(info.value) + repr(feed) + caplog.text


@pytest.mark.parametrize("code", [405, 409])
async def test_refusals_retrying_cannot_fix_are_raised(
    fake: FakeAlpaca, stream: Any, code: int
) -> None:
    fake.data_refuse = [code]
    _, _, task = await stream()
    with pytest.raises(AlpacaStreamError):
        await asyncio.wait_for(task, 3)
    assert fake.data_connects == 1


async def test_slow_client_407_reconnects(fake: FakeAlpaca, stream: Any) -> None:
    fake.data_refuse = [407]
    _, sink, _ = await stream()
    await connected(fake, sink)
    assert fake.data_connects == 2


async def test_unknown_symbol_in_run_fails_closed(fake: FakeAlpaca) -> None:
    feed = AlpacaMarketData(DataConfig(fake.url, KEY, SECRET), INSTRUMENTS)
    with pytest.raises(ValueError, match="TSLA"):
        await feed.run([Symbol("TSLA")], Sink())


async def test_secret_never_logged(
    fake: FakeAlpaca, stream: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    feed, sink, _ = await stream()
    await connected(fake, sink)
    await fake.drop_data()
    await connected(fake, sink, 2)
    assert SECRET not in caplog.text + repr(feed)
    assert "reconnecting" in caplog.text
