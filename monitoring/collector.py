"""The scrape-time collector: one ``Control.snapshot()`` per scrape, nothing on the hot path.

Each section reads its part and builds metric families from the specs in
:mod:`monitoring.metrics`. A section that fails is counted in
``scalpbot_exporter_errors_total{section}`` and left out; the rest of the
scrape is still served.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TypeVar

from prometheus_client.core import CounterMetricFamily
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.core import InfoMetricFamily
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from engine.bus import EventBus
from engine.control import HistogramView
from engine.control import TelemetrySnapshot
from engine.model import TradingState
from monitoring import metrics as m
from monitoring.event_counts import EventCounts
from monitoring.loop_lag import LoopLag

log = logging.getLogger("scalpbot.metrics")

T = TypeVar("T")
Stats = Callable[[], Mapping[str, Mapping[str, float]]]
STATES = tuple(s.value for s in TradingState)
SECTIONS = ("market", "trading", "latency", "account", "reconcile", "store", "events",
            "process", "telegram")  # fmt: skip


Scalar = CounterMetricFamily | GaugeMetricFamily


def scalar(spec: m.Spec) -> Scalar:
    """An empty counter or gauge family for ``spec`` (``_total`` is added back on output)."""
    if spec.kind == "counter":
        return CounterMetricFamily(spec.name, spec.help, labels=list(spec.labels))
    assert spec.kind == "gauge", spec
    return GaugeMetricFamily(spec.name, spec.help, labels=list(spec.labels))


def histogram(spec: m.Spec) -> HistogramMetricFamily:
    assert spec.kind == "histogram", spec
    return HistogramMetricFamily(spec.name, spec.help, labels=list(spec.labels))


def one(spec: m.Spec, value: float, *labels: str) -> Metric:
    fam = scalar(spec)
    fam.add_metric(list(labels), value)
    return fam


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(float(bound))


def _buckets(pairs: Iterable[tuple[float, int]]) -> list[tuple[str, float]]:
    return [(_le(bound), float(count)) for bound, count in pairs]


def _histogram(spec: m.Spec, view: HistogramView, *labels: str) -> Metric:
    fam = histogram(spec)
    fam.add_metric(list(labels), _buckets(view.buckets), view.sum)
    return fam


@dataclass(eq=False, repr=False)
class ScalpbotCollector(Collector):
    """Turns the control snapshot, the event counts and the loop lag into metrics."""

    snapshot: Callable[[], TelemetrySnapshot]
    counts: EventCounts
    lag: LoopLag
    bus: EventBus
    stats: Stats
    info: Mapping[str, str]
    errors: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("snapshot", *SECTIONS), 0), init=False
    )

    _venue: str = field(init=False)

    def __post_init__(self) -> None:
        self.info = dict(self.info)
        self._venue = self.counts.venue

    def collect(self) -> Iterator[Metric]:
        yield self._build_info()
        snap = self._guard("snapshot", self.snapshot)
        sections: list[tuple[str, Callable[[], Iterable[Metric]]]] = [
            ("events", self._events),
            ("process", self._process),
            ("telegram", self._telegram),
        ]
        if snap is not None:
            sections[:0] = [
                ("market", lambda: self._market(snap)),
                ("trading", lambda: self._trading(snap)),
                ("latency", lambda: self._latency(snap)),
                ("account", lambda: self._account(snap)),
                ("reconcile", lambda: self._reconcile(snap)),
                ("store", lambda: self._store(snap)),
            ]
        for name, build in sections:
            yield from self._section(name, build)
        errors = scalar(m.EXPORTER_ERRORS)
        for name, n in self.errors.items():
            errors.add_metric([name], n)
        yield errors

    def _guard(self, section: str, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except Exception:
            self._failed(section)
            return None

    def _section(self, section: str, build: Callable[[], Iterable[Metric]]) -> Iterator[Metric]:
        """The section's families, each yielded as soon as it is built (a scrape is
        encoded in slices between them); a failure ends the section, counted."""
        try:
            yield from build()
        except Exception:
            self._failed(section)

    def _failed(self, section: str) -> None:
        if not self.errors.get(section):
            log.exception("metrics: reading %s failed (logged once)", section)
        self.errors[section] = self.errors.get(section, 0) + 1

    # -- sections ---------------------------------------------------------------------

    def _build_info(self) -> Metric:
        fam = InfoMetricFamily(m.BUILD_INFO.name.removesuffix("_info"), m.BUILD_INFO.help)
        info = {k: str(self.info.get(k, "")) for k in m.BUILD_INFO.labels}
        fam.add_metric([], info)
        return fam

    def _market(self, snap: TelemetrySnapshot) -> Iterator[Metric]:
        v = self._venue
        ticks, age, stale = scalar(m.MARKET_TICKS), scalar(m.LAST_TICK_AGE), scalar(m.SYMBOL_STALE)
        for s in snap.symbols:
            ticks.add_metric([v, s.symbol, "quote"], s.quotes)
            ticks.add_metric([v, s.symbol, "trade"], s.trades)
        yield ticks
        for s in snap.symbols:
            if s.last_tick_age_s is not None:
                age.add_metric([v, s.symbol], max(s.last_tick_age_s, 0.0))
        yield age
        for s in snap.symbols:
            stale.add_metric([v, s.symbol], float(s.stale))
        yield stale
        decode, sanity = scalar(m.DECODE_ERRORS), scalar(m.SANITY_REJECTS)
        for fam, known, seen in (
            (decode, m.DECODE_REASONS, snap.decode_errors),
            (sanity, m.SANITY_REASONS, snap.sanity_rejects),
        ):
            for reason in sorted({*known, *seen}):
                fam.add_metric([v, reason], seen.get(reason, 0))
        yield one(m.FEED_CONNECTED, float(snap.feed_connected), v)
        yield one(m.FEED_RECONNECTS, snap.reconnects, v)
        yield decode
        yield sanity

    def _trading(self, snap: TelemetrySnapshot) -> Iterator[Metric]:
        v = self._venue
        yield one(m.READY, float(snap.ready), v)
        state, per_symbol = scalar(m.TRADING_STATE), scalar(m.SYMBOL_TRADING_STATE)
        for name in STATES:
            state.add_metric([v, name], float(snap.state == name))
        yield state
        for s in snap.symbols:
            for name in STATES:
                per_symbol.add_metric([v, s.symbol, name], float(s.state == name))
        yield per_symbol
        breakers = scalar(m.BREAKER_TRIPPED)
        latched = set(snap.breakers)
        for name in sorted({*m.BREAKERS, *latched}):
            breakers.add_metric([v, name], float(name in latched))
        yield breakers
        yield one(m.PENDING_VENUE_CALLS, snap.pending_venue_calls, v)

    def _latency(self, snap: TelemetrySnapshot) -> list[Metric]:
        v = self._venue
        return [
            _histogram(m.TICK_TO_TRADE, snap.tick_to_trade, v),
            _histogram(m.SUBMIT_TO_ACK, snap.submit_to_ack, v),
            _histogram(m.ACK_TO_FILL, snap.ack_to_fill, v),
        ]

    def _account(self, snap: TelemetrySnapshot) -> Iterator[Metric]:
        v = self._venue
        for spec, attr in (
            (m.POSITION, "position"),
            (m.POSITION_EXPOSURE, "exposure"),
            (m.POSITION_UNREALIZED, "unrealized_pnl"),
        ):
            fam = scalar(spec)
            for s in snap.symbols:
                fam.add_metric([v, s.symbol], getattr(s, attr))
            yield fam
        hwm, limit = snap.high_water_mark, snap.daily_loss_limit
        dd_ratio = snap.drawdown / hwm if hwm > 0 else 0.0
        used = max(-snap.day_pnl, 0.0) / limit if limit > 0 else 0.0
        yield from [
            one(m.GROSS_EXPOSURE, snap.gross_exposure, v),
            one(m.EQUITY, snap.equity, v),
            one(m.CASH, snap.cash, v),
            one(m.REALIZED_PNL, snap.realized_pnl, v),
            one(m.UNREALIZED_PNL, snap.unrealized_pnl, v),
            one(m.DAY_PNL, snap.day_pnl, v),
            one(m.FEES, snap.fees, v),
            one(m.DRAWDOWN, snap.drawdown, v),
            one(m.DRAWDOWN_RATIO, max(dd_ratio, 0.0), v),
            one(m.HIGH_WATER_MARK, hwm, v),
            one(m.DAILY_LOSS_LIMIT, limit, v),
            one(m.DAILY_LOSS_USED, used, v),
        ]

    def _reconcile(self, snap: TelemetrySnapshot) -> list[Metric]:
        v = self._venue
        return [
            one(m.RECONCILE_RUNS, snap.reconcile_runs, v),
            one(m.RECONCILE_OK, float(snap.reconcile_ok), v),
            one(m.LAST_RECONCILE, snap.last_reconcile_ts / 1e9, v),
        ]

    def _store(self, snap: TelemetrySnapshot) -> list[Metric]:
        return [
            one(m.STORE_QUEUE, snap.store_queue),
            one(m.STORE_ROWS, snap.store_rows_written),
            one(m.STORE_ERRORS, snap.store_errors),
            one(m.STORE_BATCH, snap.store_last_batch_s),
        ]

    def _events(self) -> Iterator[Metric]:
        for spec, counter in list(self.counts.counts.items()):
            fam = scalar(spec)
            for labels, n in sorted(counter.items()):
                fam.add_metric(list(labels), n)
            yield fam
        slippage = histogram(m.SLIPPAGE)
        for symbol, hist in sorted(self.counts.slippage.items()):
            # No sum: negative buckets make it a non-monotonic value (OpenMetrics).
            slippage.add_metric([self._venue, symbol], _buckets(hist.cumulative()), None)
        yield slippage

    def _process(self) -> list[Metric]:
        lag = histogram(m.LOOP_LAG)
        lag.add_metric([], _buckets(self.lag.hist.cumulative()), self.lag.hist.sum)
        return [
            lag,
            one(m.LOOP_LAG_LAST, self.lag.last),
            one(m.EVENTS_PUBLISHED, self.bus.published),
            one(m.SUBSCRIBER_FAILURES, sum(self.bus.failures.values())),
        ]

    def _telegram(self) -> list[Metric]:
        board = self.stats()
        tg = board.get("telegram", {})
        return [
            one(m.TELEGRAM_OUTBOX, float(tg.get("outbox_depth", 0))),
            one(m.TELEGRAM_SENT, float(tg.get("sent_total", 0))),
            one(m.TELEGRAM_FAILED, float(tg.get("failed_total", 0))),
            one(m.TELEGRAM_DROPPED, float(tg.get("dropped_total", 0))),
        ]
