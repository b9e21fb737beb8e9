"""Serving ``/metrics`` without stalling the event loop that trades.

prometheus-client renders a whole registry in one synchronous call. With 200
symbols that is thousands of samples and tens of milliseconds during which no
tick is processed and no order is sent (measured by ``bench/tick_to_trade.py
--try exporter``). Here the handler:

- walks the registry's families one at a time (the scalpbot collector builds
  each family only when asked, after taking its one snapshot at the start, so
  a scrape is as consistent as before; counters read later in the same scrape
  can only be newer);
- writes the text format 0.0.4 exactly as ``generate_latest`` does, but keeps
  each sample's ``name{labels}`` prefix between scrapes (:class:`Encoder`);
- gives the loop back whenever it has worked for ``slice_s``.

Only the text format 0.0.4 is served, whatever the scraper prefers: every
Prometheus reads it (a scraper's Accept lists it as a fallback), and scalpbot
uses nothing OpenMetrics adds (exemplars, ``_created``). The response is
gzip-compressed by aiohttp when the scraper accepts it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from collections.abc import Iterator

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.openmetrics.exposition import UNDERSCORES
from prometheus_client.openmetrics.exposition import escape_label_name
from prometheus_client.openmetrics.exposition import escape_metric_name
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

SLICE_S = 0.0002  # the longest the handler works before letting the loop run
SAMPLES_PER_PIECE = 100  # ~0.1 ms of encoding
_OPENMETRICS_ONLY = ("_created", "_gsum", "_gcount")
_TYPES = {"info": "gauge", "stateset": "gauge", "gaugehistogram": "histogram", "unknown": "untyped"}
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")


class _Just(Collector):
    """A collector of exactly one family, for ``generate_latest``."""

    __slots__ = ("metric",)

    def __init__(self, metric: Metric) -> None:
        self.metric = metric

    def collect(self) -> Iterable[Metric]:
        return (self.metric,)


class Encoder:
    """The text format 0.0.4 as ``generate_latest`` writes it, several times faster:
    each sample's ``name{labels} `` prefix is built once and kept (the label sets
    of a running bot hardly change). Families it does not cover (timestamps,
    OpenMetrics ``_created`` samples, names that need escaping) go to
    ``generate_latest`` whole."""

    MAX_PREFIXES = 100_000

    def __init__(self) -> None:
        self._prefixes: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}

    def family(self, metric: Metric) -> Iterator[str]:
        """The family's text, in pieces of at most ``SAMPLES_PER_PIECE`` samples."""
        if not _plain(metric):
            yield generate_latest(_Just(metric)).decode()
            return
        name, kind = metric.name, metric.type
        if kind == "counter":
            name += "_total"
        elif kind == "info":
            name += "_info"
        doc = metric.documentation.replace("\\", r"\\").replace("\n", r"\n")
        head = f"# HELP {name} {doc}\n# TYPE {name} {_TYPES.get(kind, kind)}\n"
        samples = metric.samples
        prefixes = self._prefixes
        if len(prefixes) > self.MAX_PREFIXES:
            prefixes.clear()
        for i in range(0, max(len(samples), 1), SAMPLES_PER_PIECE):
            lines = [head] if i == 0 else []
            for sample in samples[i : i + SAMPLES_PER_PIECE]:
                key = (sample.name, tuple(sample.labels.items()))
                prefix = prefixes.get(key)
                if prefix is None:
                    prefix = prefixes[key] = _prefix(sample.name, sample.labels)
                lines.append(f"{prefix}{_number(sample.value)}\n")
            yield "".join(lines)


def _plain(metric: Metric) -> bool:
    """Nothing ``generate_latest`` would move, stamp or escape in this family."""
    if not _NAME.match(metric.name):
        return False
    return not any(
        s.timestamp is not None or s.name.endswith(_OPENMETRICS_ONLY) for s in metric.samples
    )


def _prefix(name: str, labels: dict[str, str]) -> str:
    """``name{k="v",...} `` (names escaped as ``generate_latest`` escapes them)."""
    name = escape_metric_name(name, UNDERSCORES)
    if not labels:
        return f"{name} "
    text = ",".join(
        f'{escape_label_name(k, UNDERSCORES)}="{_escape(v)}"' for k, v in sorted(labels.items())
    )
    return f"{name}{{{text}}} "


def _number(value: float) -> str:
    text: str = floatToGoString(value)  # type: ignore[no-untyped-call]
    return text


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


async def render(registry: Collector, encoder: Encoder, slice_s: float = SLICE_S) -> bytes:
    """``generate_latest(registry)``, byte for byte, giving the loop back every ``slice_s``."""
    clock = time.perf_counter
    out: list[str] = []
    started = clock()
    families = iter(registry.collect())
    while True:
        metric = next(families, None)  # builds the next family (the first takes the snapshot)
        if metric is None:
            break
        pieces = encoder.family(metric)
        while True:
            if clock() - started > slice_s:
                await asyncio.sleep(0)
                started = clock()
            text = next(pieces, None)
            if text is None:
                break
            out.append(text)
    return "".join(out).encode()


def handler(registry: Collector, slice_s: float = SLICE_S) -> Handler:
    """An aiohttp GET handler serving ``registry`` in slices (see the module docstring)."""
    encoder = Encoder()

    async def metrics(request: web.Request) -> web.StreamResponse:
        body = await render(registry, encoder, slice_s)
        response = web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})
        response.enable_compression()
        return response

    return metrics
