"""A bucket counter (Prometheus ``le`` semantics), cheap enough for the event loop.

Shared by the runtime's latency telemetry and the metrics exporter; mutable, so
it is a tool of the vocabulary rather than a value type.
"""

from __future__ import annotations

from bisect import bisect_left

LATENCY_BUCKETS_S: tuple[float, ...] = (
    25e-6,
    50e-6,
    100e-6,
    250e-6,
    500e-6,
    1e-3,
    2.5e-3,
    5e-3,
    10e-3,
    25e-3,
    50e-3,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
)


class Histogram:
    """Cumulative-ready bucket counts in seconds (Prometheus ``le`` semantics)."""

    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BUCKETS_S) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last is +Inf
        self.sum = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.bounds, seconds)] += 1
        self.sum += seconds
        self.count += 1

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, cumulative count) pairs, ending with (+inf, count)."""
        out, running = [], 0
        for bound, n in zip((*self.bounds, float("inf")), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out

    def quantile(self, q: float) -> float:
        """An upper-bound estimate of the ``q`` quantile (the bucket's bound)."""
        if not self.count:
            return 0.0
        target = q * self.count
        for bound, cum in self.cumulative():
            if cum >= target:
                return bound
        return float("inf")
