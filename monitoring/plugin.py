"""The metrics plugin: ``/metrics`` on the runtime's HTTP server.

Found by the runtime through the ``scalpbot.plugins`` entry point
``metrics = "monitoring.plugin:create"`` when ``plugins.enabled`` names it (the
default). Its context carries only its own settings (``[plugins.settings.metrics]``)
and no secret. Each plugin instance has its own
``CollectorRegistry`` (several runtimes may share a process, e.g. in tests),
holding the scalpbot collector and the standard process, platform and GC
collectors. Nothing is measured on the hot path: the snapshot is read at scrape
time, the bus subscriber only increments counters, and a timer task samples the
event loop's lag. A scrape is rendered in slices that give the loop back (see
:mod:`monitoring.exposition`).
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry
from prometheus_client import GCCollector
from prometheus_client import PlatformCollector
from prometheus_client import ProcessCollector

from engine.control import PluginContext
from monitoring.collector import ScalpbotCollector
from monitoring.event_counts import EventCounts
from monitoring.exposition import handler
from monitoring.loop_lag import LoopLag

log = logging.getLogger("scalpbot.metrics")

SUBSCRIBER = "metrics"
PATH = "/metrics"
SETTINGS = frozenset({"loop_lag_interval_s"})  # [plugins.settings.metrics]; it has no secret


class MetricsPlugin:
    """Serves the exporter's registry at ``/metrics``; see the module docstring."""

    name = "metrics"

    def __init__(self, *, loop_lag_interval_s: float = 0.1) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.lag = LoopLag(loop_lag_interval_s)
        self.counts: EventCounts | None = None
        self.collector: ScalpbotCollector | None = None
        self._ctx: PluginContext | None = None

    async def start(self, ctx: PluginContext) -> None:
        if ctx.http_app is None:
            log.info("no HTTP server (--http not given): /metrics is not served")
            return
        unknown = sorted(set(ctx.settings) - SETTINGS)
        if unknown:
            raise ValueError(f"plugins.settings.metrics: unknown key(s) {', '.join(unknown)}")
        if "loop_lag_interval_s" in ctx.settings:
            self.lag = LoopLag(float(ctx.settings["loop_lag_interval_s"]))
        symbols = [s.symbol for s in ctx.control.snapshot().symbols]
        self.counts = EventCounts(ctx.info.get("venue", ""), symbols)
        self.collector = ScalpbotCollector(
            ctx.control.snapshot, self.counts, self.lag, ctx.bus, ctx.stats, ctx.info
        )
        self.registry.register(self.collector)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        ctx.http_app.router.add_get(PATH, handler(self.registry))
        ctx.bus.subscribe(SUBSCRIBER, self.counts)
        self.lag.start()
        self._ctx = ctx

    async def stop(self) -> None:
        await self.lag.stop()
        if self._ctx is not None:
            self._ctx.bus.unsubscribe(SUBSCRIBER)
            self._ctx = None


def create() -> MetricsPlugin:
    """The entry point's zero-argument factory."""
    return MetricsPlugin()
