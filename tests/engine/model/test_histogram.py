"""The bucket counter uses Prometheus ``le`` semantics."""

from __future__ import annotations

from engine.model.histogram import Histogram as Buckets


def test_observations_land_in_the_first_bucket_at_or_above_them() -> None:
    b = Buckets((-1.0, 0.0, 1.0))
    for v in (-5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 7.0):
        b.observe(v)
    assert b.cumulative() == [(-1.0, 2), (0.0, 4), (1.0, 6), (float("inf"), 7)]
    assert b.count == 7 and b.sum == 2.0
