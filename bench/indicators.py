"""Updates per second of SMA, EMA and RollingStd against an inline running-sum SMA.

The baseline is the cheapest honest way to get the same SMA in Python: a bare
loop over the values keeping a ring buffer and a running sum, with no method
call. Each indicator is timed on the same stream (a random walk of int ticks
around a BTC price) through its bound ``update``; every round times all four,
and the figures are medians over the rounds. ``ratio`` is the indicator's time
over the baseline's (how many times the baseline's cost per update).

    .venv/bin/python bench/indicators.py [--values 1000000] [--window 100] [--runs 5]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence

from engine.core.indicators import EMA
from engine.core.indicators import SMA
from engine.core.indicators import RollingStd


def btc_walk(count: int, seed: int = 7) -> list[int]:
    """``count`` int prices stepping by -2..2 ticks from 600,000."""
    rng = random.Random(seed)
    steps = rng.choices((-2, -1, 0, 1, 2), weights=(1, 2, 3, 2, 1), k=count)
    out, p = [], 600_000
    for s in steps:
        p += s
        out.append(p)
    return out


def baseline_sma(xs: Sequence[int], n: int) -> float:
    """The same SMA inline: ring buffer, running int sum, mean per value."""
    buf = [0] * n
    s = 0
    i = 0
    v = 0.0
    for x in xs:
        s += x - buf[i]
        buf[i] = x
        i += 1
        if i == n:
            i = 0
        v = s / n
    return v


def run_indicator(update: Callable[[float], float], xs: Sequence[int]) -> None:
    for x in xs:
        update(x)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--values", type=int, default=1_000_000)
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    xs, n = btc_walk(args.values), args.window

    cases: dict[str, Callable[[], object]] = {
        "baseline": lambda: baseline_sma(xs, n),
        "sma": lambda: run_indicator(SMA(n).update, xs),
        "ema": lambda: run_indicator(EMA(n).update, xs),
        "rolling_std": lambda: run_indicator(RollingStd(n).update, xs),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, fn in cases.items():
            samples[name].append(timed(fn))
    secs = {name: statistics.median(ts) for name, ts in samples.items()}

    print(
        f"{args.values:,} int values, window {n}, median of {args.runs} runs, "
        f"Python {platform.python_version()}"
    )
    print(f"{'':12} {'updates/s':>14} {'ns/update':>10} {'ratio':>7}")
    figures: dict[str, object] = {
        "values": args.values,
        "window": n,
        "runs": args.runs,
        "python": platform.python_version(),
    }
    for name, s in secs.items():
        ups = args.values / s
        ratio = s / secs["baseline"]
        print(f"{name:12} {ups:14,.0f} {s / args.values * 1e9:10.1f} {ratio:7.2f}")
        figures[f"{name}_updates_per_s"] = round(ups)
        if name != "baseline":
            figures[f"{name}_ratio"] = round(ratio, 3)
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
