"""Latency histograms of the live path (observed per order, never per tick)."""

from engine.model.histogram import LATENCY_BUCKETS_S, Histogram

__all__ = ["LATENCY_BUCKETS_S", "Histogram"]
