"""The sliced /metrics encoder: prometheus-client's bytes, with the loop given back."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.core import InfoMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from engine.control import SymbolTelemetry
from monitoring.exposition import SAMPLES_PER_PIECE
from monitoring.exposition import Encoder
from monitoring.exposition import render
from tests.monitoring.test_collector import registry
from tests.monitoring.test_collector import snapshot

label_value = st.text(max_size=12)  # any unicode, quotes, backslashes, newlines
number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**18), 10**18))


class Families(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> list[Metric]:
        return self.families


@st.composite
def families(draw: st.DrawFn) -> list[Metric]:
    out: list[Metric] = []
    for i in range(draw(st.integers(1, 4))):
        doc = draw(st.text(max_size=20))
        kind = draw(st.sampled_from(["counter", "gauge", "histogram", "info"]))
        name = f"m{i}_{kind}"
        rows = draw(st.lists(st.tuples(label_value, label_value, number), max_size=130))
        if kind == "counter":
            c = CounterMetricFamily(name, doc, labels=["a", "b"])
            for a, b, v in rows:
                c.add_metric([a, b], abs(v))  # (NaN stays NaN)
            out.append(c)
        elif kind == "gauge":
            g = GaugeMetricFamily(name, doc, labels=["b", "a"])  # unsorted label names
            for a, b, v in rows:
                g.add_metric([b, a], v)
            out.append(g)
        elif kind == "histogram":
            h = HistogramMetricFamily(name, doc, labels=["s"])
            for a, _b, _v in rows[:5]:
                h.add_metric([a], [("0.001", 1.0), ("+Inf", 2.0)], 0.5)
            out.append(h)
        else:
            f = InfoMetricFamily(name, doc)
            f.add_metric([], {"version": draw(label_value)})
            out.append(f)
    return out


@given(families())
def test_the_encoder_writes_exactly_what_generate_latest_writes(fams: list[Metric]) -> None:
    expected = generate_latest(Families(fams))
    encoder = Encoder()
    for _ in range(2):  # the second time from the kept prefixes
        got = asyncio.run(render(Families(fams), encoder, slice_s=0))
        assert got == expected


def test_a_real_scrape_is_byte_identical_and_gives_the_loop_back() -> None:
    """The scalpbot collector for 200 symbols: same bytes as prometheus-client, and
    the loop runs other tasks in between (no timing: slice_s=0 yields every piece)."""
    symbols = [
        SymbolTelemetry(f"S{i:03d}", 100, 20, 0.25, False, "active", 0.5, 30000.0, 12.5)
        for i in range(200)
    ]
    reg, _ = registry(lambda: snapshot(symbols=symbols))
    expected = generate_latest(reg)

    async def scrape() -> tuple[bytes, int]:
        turns = 0
        done = False

        async def other_work() -> None:
            nonlocal turns
            while not done:
                turns += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(other_work())
        body = await render(reg, Encoder(), slice_s=0)
        done = True
        await task
        return body, turns

    body, turns = asyncio.run(scrape())
    assert body == expected
    lines = body.count(b"\n")
    assert lines > 2000
    assert turns >= lines // SAMPLES_PER_PIECE  # at least once per piece


def test_families_it_does_not_cover_go_to_prometheus_client_whole() -> None:
    c = CounterMetricFamily("with_created", "c", labels=["a"], created=123.0)
    c.add_metric(["x"], 1.0, created=5.0)
    g = GaugeMetricFamily("stamped", "g", labels=["a"])
    g.add_metric(["y"], 2.0, timestamp=1700000000.5)
    reg = CollectorRegistry(auto_describe=False)
    reg.register(Families([c, g]))
    assert asyncio.run(render(reg, Encoder())) == generate_latest(reg)
