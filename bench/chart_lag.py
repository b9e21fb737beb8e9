"""Event-loop lag while a user spams /chart, against the same bot left alone (baseline).

One process, one event loop, as in production: the simulated venue, the real
runtime trading it, the Telegram plugin (python-telegram-bot) polling the tests'
fake Bot API on loopback. A probe task asks to wake every 5 ms and records how
late it woke (the lag a tick would see). Three phases of ``--seconds`` each, a
fresh plugin for each, measured in the same run:

- baseline: nobody sends anything;
- spammed: a viewer sends /chart every ``--every-ms`` with the shipped per-user
  command budget (a burst of 10, then 20 a minute); charts are drawn one at a time
  in a worker thread;
- unlimited: the same spam with the budget lifted (what the limit buys).

The lag that is left comes from the drawing thread holding the GIL: it lasts
while a chart is drawn (the burst), then falls back to the baseline.

Prints p50/p99/max lag per phase, each phase's ratio to the baseline, the charts
drawn and refused, and ends with one JSON line.

    .venv/bin/python bench/chart_lag.py [--seconds 5] [--every-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.plugin import TelegramPlugin
from engine.runtime.app import Runtime
from tests.bot.conftest import FAST
from tests.bot.conftest import TOKEN
from tests.bot.conftest import VIEWER
from tests.bot.conftest import context_for
from tests.bot.conftest import telegram_settings
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import started_sim
from tests.engine.runtime.conftest import until_async
from tests.kit.fake_telegram import FakeTelegram

PROBE_S = 0.005


async def probe(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(PROBE_S)
        lags.append(max(0.0, loop.time() - t0 - PROBE_S))


def summary(lags: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in lags)
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 3),
        "max_ms": round(ms[-1], 3),
        "samples": len(ms),
    }


async def phase(
    rt: Runtime, fake: FakeTelegram, seconds: float, every_s: float | None, budget: dict[str, Any]
) -> dict[str, Any]:
    plugin = TelegramPlugin()
    settings = telegram_settings(rate_limits=FAST, **budget)
    await plugin.start(context_for(rt, settings))
    assert plugin.telegram is not None
    await asyncio.wait_for(plugin.telegram.connected.wait(), 10)
    photos = len(fake.photos)
    sent = 0
    lags: list[float] = []
    stop = asyncio.Event()
    task = asyncio.get_running_loop().create_task(probe(lags, stop))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if every_s is None:
            await asyncio.sleep(0.05)
            continue
        fake.command(VIEWER, "/chart day")
        sent += 1
        await asyncio.sleep(every_s)
    stop.set()
    await task
    drawn = len(fake.photos) - photos
    await asyncio.wait_for(plugin.stop(), 15)
    return {**summary(lags), "chart_commands": sent, "charts_drawn": drawn}


async def main(seconds: float, every_ms: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with started_sim(Path(tmp), 7, 200.0) as venue:
            fake = FakeTelegram(token=TOKEN)
            await fake.start()
            os.environ["TELEGRAM_API_URL"] = fake.url
            os.environ["PTB_TIMEDELTA"] = "true"
            opts = options(venue, Path(tmp), load_plugins=False, http_port=None)
            run = Running(Runtime(opts))
            rt = await run.ready()
            assert rt.control is not None
            control = rt.control

            async def history() -> bool:
                return len(await control.equity_history("day")) >= 2

            await until_async(history, 20, "equity history for a chart")
            shipped = {"commands_per_minute": 20, "command_burst": 10}
            unlimited = {"commands_per_minute": 1e9, "command_burst": 1e9}
            every = every_ms / 1000
            results = {
                "baseline": await phase(rt, fake, seconds, None, shipped),
                "spammed": await phase(rt, fake, seconds, every, shipped),
                "unlimited": await phase(rt, fake, seconds, every, unlimited),
            }
            await run.stop()
            await fake.stop()
    return results


def report(results: dict[str, Any], seconds: float, every_ms: float) -> None:
    base = results["baseline"]
    print(f"event-loop lag, {seconds:g} s per phase, /chart every {every_ms:g} ms when spammed")
    print(f"{'phase':<10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'x p99':>7} charts drawn")
    for name, r in results.items():
        ratio = r["p99_ms"] / base["p99_ms"] if base["p99_ms"] else float("inf")
        r["p99_ratio_to_baseline"] = round(ratio, 2)
        r["p50_ratio_to_baseline"] = (
            round(r["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
        )
        charts = f"{r['charts_drawn']}/{r['chart_commands']}" if r["chart_commands"] else "-"
        print(
            f"{name:<10} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['max_ms']:>8.3f}"
            f" {ratio:>7.2f} {charts}"
        )
    print(json.dumps({"bench": "chart_lag", "seconds": seconds, "every_ms": every_ms, **results}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--every-ms", type=float, default=50.0)
    args = parser.parse_args()
    report(asyncio.run(main(args.seconds, args.every_ms)), args.seconds, args.every_ms)
