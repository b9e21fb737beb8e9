"""Memory soak: RSS growth per 100,000 filled orders, bounded window vs unbounded.

Drives N orders (default 300,000, ten a second of simulated time: 8 h 20 min)
through the real TradingCore (order manager, portfolio) and AlpacaExecution's
venue-id map, each order created, acknowledged and filled with its own execution
id, and the venue id recorded the way a submit answer arriving after the
stream's end-of-order event records it. Each variant runs in a fresh child
process (RSS never shrinks, so they cannot share one): "bounded" is the code as
shipped, "unbounded" the same code with every window set to infinity (what
the code did before issue 10). RSS is read from /proc after a warm-up of
20,000 orders and then every 100,000.

    .venv/bin/python bench/memory_soak.py [--orders N]

The last line is one JSON object with the figures and the ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARMUP = 20_000
STEP_NS = 100_000_000  # ten orders a second
PER = 100_000


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(variant: str, n: int) -> dict[str, object]:  # noqa: PLR0915 - one import a line, inside: the parent stays engine-free
    from engine.core.orders import OrderManager
    from engine.core.risk import RiskLimits
    from engine.core.strategies import SmaCross
    from engine.core.strategies import SmaCrossParams
    from engine.core.trader import TraderConfig
    from engine.core.trading_core import TradingCore
    from engine.model import ExecutionId
    from engine.model import ExecutionReport
    from engine.model import IdFactory
    from engine.model import Instrument
    from engine.model import OrderIntent
    from engine.model import OrderType
    from engine.model import ReportKind
    from engine.model import Side
    from engine.model import Symbol
    from engine.model import TimeInForce
    from engine.model import VenueOrderId
    from engine.venues.alpaca.config import ExecutionConfig
    from engine.venues.alpaca.execution import AlpacaExecution

    sym = Symbol("BTCUSD")
    inst = Instrument(symbol=sym, price_increment=Decimal("0.01"), size_increment=Decimal(1))
    ids = IdFactory("sb", "20240601T120000123456")
    core = TradingCore(
        [inst], SmaCross, SmaCrossParams(), TraderConfig(), RiskLimits(), ids, 10**15
    )
    inf = math.inf
    if variant == "unbounded":
        core.orders = OrderManager(
            ids, core.events, window_s=inf, window_orders=inf, max_finished=inf
        )
        execution = AlpacaExecution(
            ExecutionConfig("http://127.0.0.1:9", "k", "s", venue_ids_kept=inf)
        )
    else:
        execution = AlpacaExecution(ExecutionConfig("http://127.0.0.1:9", "k", "s"))
    venue_ids = execution.venue_ids
    t0 = 1_717_243_200 * 10**9

    def one(i: int) -> None:
        ts = t0 + i * STEP_NS
        side = Side.BUY if i % 2 == 0 else Side.SELL
        price = 6_500_000 + i % 101
        intent = OrderIntent(sym, side, 1, OrderType.LIMIT, TimeInForce.IOC, price)
        cid = core.orders.create(intent, ts).client_order_id
        vid = VenueOrderId(f"{i:08x}-5f1e-4c2b-9d3a-{i:012x}")  # an Alpaca order id
        core.on_report(ExecutionReport(cid, ReportKind.ACCEPTED, ts + 1, venue_order_id=vid))
        core.on_report(
            ExecutionReport(
                cid,
                ReportKind.FILL,
                ts + 2,
                exec_id=ExecutionId(f"{i:08x}-a1b2-4c3d-8e9f-{i:012x}"),
                venue_order_id=vid,
                last_qty=1,
                last_price=price,
                cum_qty=1,
                fee=25,
            )
        )
        venue_ids[cid] = vid  # the submit answer, after the stream's "fill" event
        core.events.clear()  # the shell drains them to the store writer
        core.outbox.clear()

    for i in range(WARMUP):
        one(i)
    gc.collect()
    base = rss_bytes()
    points = []
    for i in range(WARMUP, WARMUP + n):
        one(i)
        done = i - WARMUP + 1
        if done % PER == 0 or done == n:
            gc.collect()
            points.append((done, rss_bytes() - base))
    growth = points[-1][1]
    return {
        "variant": variant,
        "orders": n,
        "rss_base_mb": round(base / 2**20, 1),
        "rss_growth_mb": round(growth / 2**20, 2),
        "growth_per_100k_mb": round(growth / 2**20 * PER / n, 2),
        "bytes_per_order": round(growth / n, 1),
        "orders_in_memory": len(core.orders),
        "venue_ids": len(venue_ids),
        "points": [(d, round(g / 2**20, 2)) for d, g in points],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--child", choices=["bounded", "unbounded"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.orders)))
        return
    results = {}
    for variant in ("unbounded", "bounded"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", variant, "--orders", str(args.orders)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[variant] = r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{variant:>9}: {r['orders']:,} orders, RSS +{r['rss_growth_mb']} MB "
            f"({r['growth_per_100k_mb']} MB per 100,000 orders, {r['bytes_per_order']} B/order); "
            f"{r['orders_in_memory']:,} orders and {r['venue_ids']:,} venue ids held; "
            f"RSS growth at each 100,000: {r['points']}"
        )
    before = results["unbounded"]["growth_per_100k_mb"]
    after = results["bounded"]["growth_per_100k_mb"]
    ratio = round(before / after, 1) if after > 0 else None
    hours = round((args.orders + WARMUP) * STEP_NS / 1e9 / 3600, 2)
    print(
        f"RSS growth per 100,000 orders: unbounded {before} MB, bounded {after} MB "
        f"(ratio {ratio if ratio is not None else 'inf: no growth'}), "
        f"{hours} h of orders at 10/s"
    )
    print(
        json.dumps(
            {
                "bench": "memory_soak",
                "orders": args.orders,
                "hours_at_10_per_s": hours,
                "unbounded_growth_per_100k_mb": before,
                "bounded_growth_per_100k_mb": after,
                "unbounded_bytes_per_order": results["unbounded"]["bytes_per_order"],
                "bounded_bytes_per_order": results["bounded"]["bytes_per_order"],
                "bounded_orders_in_memory": results["bounded"]["orders_in_memory"],
                "bounded_venue_ids": results["bounded"]["venue_ids"],
                "ratio": ratio,
            }
        )
    )


if __name__ == "__main__":
    main()
