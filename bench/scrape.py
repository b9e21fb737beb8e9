"""One /metrics scrape of a 200-symbol bot: the sliced encoder against prometheus-client.

Builds the exporter's real registry (the scalpbot collector, with event counts
for every symbol, plus the process, platform and GC collectors) around a fixed
200-symbol snapshot, then times, in the same run:

- baseline: ``generate_latest(registry)``, one synchronous call, as
  ``prometheus_client``'s aiohttp handler serves it;
- ours: ``monitoring.exposition.render`` (same bytes), its total work and its
  longest stretch without giving the event loop back (what a tick can wait).

    .venv/bin/python bench/scrape.py [--symbols 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client import GCCollector
from prometheus_client import PlatformCollector
from prometheus_client import ProcessCollector
from prometheus_client import generate_latest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bus import EventBus
from engine.control import HistogramView
from engine.control import SymbolTelemetry
from engine.control import TelemetrySnapshot
from monitoring.collector import ScalpbotCollector
from monitoring.event_counts import EventCounts
from monitoring.exposition import Encoder
from monitoring.exposition import render
from monitoring.loop_lag import LoopLag

INF = float("inf")


def registry(n: int) -> CollectorRegistry:
    symbols = [
        SymbolTelemetry(f"S{i:03d}", 1000 + i, 20, 0.25, False, "active", 1.0, 3e4, 12.5)
        for i in range(n)
    ]
    hist = HistogramView([(0.0001, 3), (0.001, 4), (INF, 5)], 0.01, 5)
    snap = TelemetrySnapshot(
        venue="sim", ready=True, feed_connected=True, reconnects=0, decode_errors={},
        sanity_rejects={}, symbols=symbols, state="active", breakers=[], equity=1e5,
        cash=7e4, realized_pnl=0.0, unrealized_pnl=0.0, day_pnl=0.0, drawdown=0.0,
        high_water_mark=1e5, gross_exposure=3e4, fees=0.0, tick_to_trade=hist,
        submit_to_ack=hist, ack_to_fill=hist, store_queue=0, store_rows_written=0,
        store_errors=0, store_last_batch_s=0.0, reconcile_runs=1, reconcile_ok=True,
        last_reconcile_ts=0, pending_venue_calls=0, daily_loss_limit=1e3,
    )  # fmt: skip
    counts = EventCounts("sim", [s.symbol for s in symbols])
    info = {"version": "bench", "run_id": "bench", "venue": "sim", "config_hash": "0"}
    reg = CollectorRegistry(auto_describe=False)
    reg.register(ScalpbotCollector(lambda: snap, counts, LoopLag(), EventBus(), dict, info))
    ProcessCollector(registry=reg)
    PlatformCollector(registry=reg)
    GCCollector(registry=reg)
    return reg


async def ours(reg: CollectorRegistry, encoder: Encoder) -> tuple[float, float, bytes]:
    """(total seconds, longest stretch without a loop turn, body)."""
    gaps: list[float] = []
    done = False

    async def ticker() -> None:
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    t = time.perf_counter()
    body = await render(reg, encoder)
    total = time.perf_counter() - t
    done = True
    await task
    return total, max(gaps), body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    reg = registry(args.symbols)
    gc.collect()
    gc.freeze()  # as the runtime does once it is ready
    encoder = Encoder()
    base, total, stall = [], [], []
    body = b""
    for _ in range(args.repeat):
        t = time.perf_counter()
        body = generate_latest(reg)
        base.append(time.perf_counter() - t)
        s, g, _ = asyncio.run(ours(reg, encoder))
        total.append(s)
        stall.append(g)
    lines = body.count(b"\n")
    fig = {
        "bench": "scrape",
        "symbols": args.symbols,
        "lines": lines,
        "bytes": len(body),
        "baseline_generate_latest_ms": round(statistics.median(base) * 1e3, 2),
        "ours_total_ms": round(statistics.median(total) * 1e3, 2),
        "ours_longest_stall_ms": round(statistics.median(stall) * 1e3, 3),
    }
    fig["total_over_baseline"] = round(fig["ours_total_ms"] / fig["baseline_generate_latest_ms"], 3)
    fig["stall_over_baseline"] = round(
        fig["ours_longest_stall_ms"] / fig["baseline_generate_latest_ms"], 3
    )
    print(
        f"one scrape, {args.symbols} symbols, {lines:,} lines, {len(body):,} bytes; "
        f"median of {args.repeat}"
    )
    rows = (
        ("baseline generate_latest (holds the loop)", "baseline_generate_latest_ms", ""),
        ("sliced render, total work", "ours_total_ms", "total_over_baseline"),
        ("sliced render, longest hold of the loop", "ours_longest_stall_ms", "stall_over_baseline"),
    )
    for label, key, ratio in rows:
        extra = f"  ({fig[ratio]:.3f}x baseline)" if ratio else ""
        print(f"  {label:<45}{fig[key]:>9.3f} ms{extra}")
    print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
