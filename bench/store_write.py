"""Store writer throughput: batched commits against one commit per row.

Writes FillApplied/OrderUpdated events (one row each) through StoreWriter into
a fresh, migrated SQLite file (WAL, synchronous=NORMAL): 50,000 events with
batches of 1,000, and 2,000 events with batches of 1 (one commit per row, the
baseline). Each figure is the median of --runs runs. The last line is JSON.

    .venv/bin/python bench/store_write.py [--events 50000] [--baseline-events 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import Fill
from engine.model import LiquiditySide
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model.events import FillApplied
from engine.model.events import OrderUpdated
from engine.store import StoreItem
from engine.store import StoreWriter
from engine.store import create_store_engine
from engine.store import migrate
from engine.store import sqlite_url

T0 = 1_700_000_000_000_000_000
SYMBOL = Symbol("BTCUSDT")


def make_events(n: int) -> list[StoreItem]:
    """``n`` events, each one row: a filled order, then its fill, alternately."""
    events: list[StoreItem] = []
    for i in range(n):
        cid = ClientOrderId(f"sb-bench-{i // 2}")
        ts = T0 + i * 1_000
        if i % 2 == 0:
            order = Order(
                client_order_id=cid,
                symbol=SYMBOL,
                side=Side.BUY,
                qty=5,
                order_type=OrderType.LIMIT,
                tif=TimeInForce.IOC,
                price=6_500_000 + i % 97,
                status=OrderStatus.FILLED,
                filled_qty=5,
                avg_fill_price=6_500_000.0,
                created_ts=ts,
                updated_ts=ts,
            )
            events.append(OrderUpdated(ts, order, ReportKind.FILL))
        else:
            fill = Fill(
                client_order_id=cid,
                exec_id=ExecutionId(f"x-{i}"),
                symbol=SYMBOL,
                side=Side.BUY,
                qty=5,
                price=6_500_000 + i % 97,
                fee=1_500,
                liquidity=LiquiditySide.TAKER,
                ts=ts,
            )
            events.append(FillApplied(ts, fill, realized_pnl=-3_000, position_qty=5 * (i // 2)))
    return events


async def one_run(n: int, batch_size: int) -> tuple[float, float]:
    """Rows per second through the writer, and mean ns per ``submit`` call."""
    events = make_events(n)
    with tempfile.TemporaryDirectory() as tmp:
        url = sqlite_url(Path(tmp) / "bench.db")
        await migrate(url)
        engine = create_store_engine(url)
        try:
            writer = StoreWriter(engine, batch_size=batch_size, max_delay=0.005, max_queue=n)
            writer.start()
            started = time.perf_counter()
            for event in events:
                writer.submit(event)
            submitted = time.perf_counter()
            await writer.flush()
            elapsed = time.perf_counter() - started
            await writer.close()
            stats = writer.stats()
            if stats.rows_written != n or stats.write_errors or stats.dropped:
                raise RuntimeError(f"bench run lost rows: {stats}")
        finally:
            await engine.dispose()
    return n / elapsed, (submitted - started) / n * 1e9


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--baseline-events", type=int, default=2_000)
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    batched = [await one_run(args.events, args.batch_size) for _ in range(args.runs)]
    per_commit = [await one_run(args.baseline_events, 1) for _ in range(args.runs)]
    batched_rps = statistics.median(r for r, _ in batched)
    per_commit_rps = statistics.median(r for r, _ in per_commit)
    submit_ns = statistics.median(s for _, s in batched)
    ratio = batched_rps / per_commit_rps

    print(f"runs per figure: {args.runs} (median)")
    print(
        f"batch size 1 (one commit per row), {args.baseline_events} rows: "
        f"{per_commit_rps:,.0f} rows/s"
    )
    print(f"batch size {args.batch_size}, {args.events} rows: {batched_rps:,.0f} rows/s")
    print(f"ratio batched / per-commit: {ratio:.1f}x")
    print(f"submit() cost on the hot path: {submit_ns:.0f} ns/event")
    summary = {
        "rows_per_second_batched": round(batched_rps),
        "rows_per_second_per_commit": round(per_commit_rps),
        "ratio": round(ratio, 1),
        "submit_ns_per_event": round(submit_ns),
        "batch_size": args.batch_size,
        "events_batched": args.events,
        "events_per_commit": args.baseline_events,
        "runs": args.runs,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
