"""A runtime on a real simulated venue with only the metrics plugin (and a stand-in
for the Telegram plugin's published numbers), and helpers to scrape it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.control import PluginContext
from engine.runtime.app import Runtime
from engine.venues.sim import SimVenue
from monitoring.plugin import MetricsPlugin
from monitoring.plugin import create
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.kit.sim import started_sim

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class TelegramStandIn:
    """Publishes numbers under "telegram" as the real Telegram plugin does."""

    name = "telegram"

    def __init__(self) -> None:
        self.numbers = {
            "outbox_depth": 3.0,
            "sent_total": 7.0,
            "failed_total": 1.0,
            "dropped_total": 2.0,
        }

    async def start(self, ctx: PluginContext) -> None:
        ctx.publish_stats("telegram", lambda: dict(self.numbers))

    async def stop(self) -> None:
        pass


@pytest.fixture
def telegram() -> TelegramStandIn:
    return TelegramStandIn()


@pytest.fixture
def only_our_plugins(monkeypatch: pytest.MonkeyPatch, telegram: TelegramStandIn) -> Iterator[None]:
    """The runtime finds plugins by entry point; here: metrics and the stand-in only."""
    found = [("metrics", lambda: create), ("telegram", lambda: lambda: telegram)]
    monkeypatch.setattr("engine.control.plugins.discover", lambda enabled: found)
    yield


@pytest.fixture
async def venue(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with started_sim(tmp_path, 11, 100.0) as sim:
        yield sim


class Bot:
    """A running runtime and its /metrics URL."""

    def __init__(self, run: Running, runtime: Runtime) -> None:
        self.run = run
        self.runtime = runtime
        self.url = f"http://127.0.0.1:{runtime.http_port}"

    @property
    def plugin(self) -> MetricsPlugin:
        found = [p for p in self.runtime._plugins if isinstance(p, MetricsPlugin)]
        assert len(found) == 1, self.runtime._plugins
        return found[0]

    async def scrape(self, accept: str = "") -> tuple[str, str]:
        """(content type, body) of GET /metrics."""
        headers = {"Accept": accept} if accept else {}
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{self.url}/metrics", headers=headers) as r,
        ):
            assert r.status == 200, await r.text()
            return r.headers["Content-Type"], await r.text()

    async def samples(self) -> Samples:
        _, text = await self.scrape()
        return parse(text)


def parse(text: str) -> Samples:
    out: Samples = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    """The one sample named ``name`` whose labels include ``labels``."""
    hits = [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls)]
    assert len(hits) == 1, f"{name}{labels}: {len(hits)} samples"
    return hits[0]


async def start_bot(venue: SimVenue, tmp_path: Path, **changes: Any) -> Bot:
    opts = options(venue, tmp_path, stale_after_s=1.0, **changes)
    run = Running(Runtime(opts))
    rt = await run.ready()
    await until(lambda: rt.http_port not in (None, 0), 5, "the HTTP server")
    return Bot(run, rt)


@pytest.fixture
async def bot(venue: SimVenue, tmp_path: Path, only_our_plugins: None) -> AsyncIterator[Bot]:
    started = await start_bot(venue, tmp_path)
    try:
        yield started
    finally:
        assert await started.run.stop() == 0
