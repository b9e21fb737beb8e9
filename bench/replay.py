"""Replay benchmark: the full stack on the USD-M quotes file with sma_cross 10/50/0.01.

Prints ticks per second of the whole core (market state, strategy, trader, risk
gate, order manager, paper fills, portfolio), the median of RUNS runs, next to a
baseline measured in the same run: a bare Python loop computing only the
crossover on the same mids. Also gives ticks per second with the file parsed
inside the timing, and times the whole ``scalpbot backtest`` process.
Ends with one JSON line of the figures.

    python bench/replay.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "binance_usdm_btcusdt_20240808_quotes.csv"
sys.path.insert(0, str(ROOT))

from engine.backtest.config import build_config  # noqa: E402
from engine.backtest.runner import run  # noqa: E402
from engine.replay import open_source  # noqa: E402

SETS = ["fast=10", "slow=50", "band=0.01", "order.type=market"]


def bare_crossover(mids: list[float]) -> tuple[int, float]:
    """The baseline: just the crossover, floats, deques, no objects."""
    start = time.perf_counter()
    f: deque[float] = deque(maxlen=10)
    s: deque[float] = deque(maxlen=50)
    sf = ss = 0.0
    sig = n = 0
    for m in mids:
        if len(f) == 10:
            sf -= f[0]
        if len(s) == 50:
            ss -= s[0]
        f.append(m)
        s.append(m)
        sf += m
        ss += m
        if len(s) < 50:
            continue
        d = sf / 10 - ss / 50
        new = 1 if d > 0.01 else (-1 if d < -0.01 else sig)
        if new != sig:
            n += 1
            sig = new
    return n, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    source = open_source(DATA)
    events = list(source)
    instruments = list(source.instruments)
    inst = instruments[0]
    mids = [float(inst.price(q.bid + q.ask)) / 2 for q in events]  # type: ignore[union-attr]
    config = build_config("sma_cross", SETS)

    full, with_reading, bare = [], [], []
    signals = bare_signals = 0
    for _ in range(args.runs):
        result = run(config, instruments, events)
        full.append(result.ticks_per_second)
        start = time.perf_counter()
        run(config, instruments, open_source(DATA))
        with_reading.append(len(events) / (time.perf_counter() - start))
        signals = result.summary["signals"]
        bare_signals, secs = bare_crossover(mids)
        bare.append(len(mids) / secs)

    whole = []
    cmd = [
        sys.executable,
        "-m",
        "engine.cli",
        "backtest",
        "--data",
        str(DATA),
        "--strategy",
        "sma_cross",
        "--json",
    ] + [a for s in SETS for a in ("--set", s)]
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        whole.append(time.perf_counter() - start)

    tps = statistics.median(full)
    tps_read = statistics.median(with_reading)
    base = statistics.median(bare)
    figures = {
        "ticks": len(events),
        "signals": signals,
        "baseline_signals": bare_signals,
        "ticks_per_second": round(tps),
        "baseline_ticks_per_second": round(base),
        "ratio_to_baseline": round(tps / base, 4),
        "ticks_per_second_with_reading": round(tps_read),
        "whole_process_seconds": round(statistics.median(whole), 3),
        "runs": args.runs,
    }
    print(f"full stack     {tps:>12,.0f} ticks/s  (median of {args.runs}; {signals} signals)")
    print(f"with reading   {tps_read:>12,.0f} ticks/s  (parsing the CSV inside the timing)")
    print(f"bare crossover {base:>12,.0f} ticks/s  (baseline, same run; {bare_signals} signals)")
    print(f"ratio          {tps / base:>12.3f}")
    print(
        f"whole process  {figures['whole_process_seconds']:>12.3f} s   (scalpbot backtest --json)"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
