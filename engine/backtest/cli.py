"""``scalpbot backtest``: replay recorded ticks through the core and report."""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import TextIO

from engine.backtest.config import build_config
from engine.backtest.report import summary_json
from engine.backtest.report import write_report
from engine.backtest.runner import BacktestResult
from engine.backtest.runner import run
from engine.core.params import ParamError
from engine.model.events import EngineEvent
from engine.replay import DataError
from engine.replay import merge
from engine.replay import open_source

EXIT_USAGE = 2


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "backtest",
        help="replay recorded ticks through the trading core",
        description="Replay recorded ticks through the same core the live bot runs, "
        "with a simulated clock and the paper fill model.",
    )
    p.add_argument(
        "--data",
        action="append",
        required=True,
        metavar="FILE",
        help="a data file (repeat to merge several in time order)",
    )
    p.add_argument("--strategy", required=True, help="sma_cross or micro_momentum")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="sets",
        help="a strategy parameter, or order.*, risk.*, paper.*, account.*",
    )
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    p.add_argument(
        "--report",
        metavar="DIR",
        type=Path,
        help="write trades.csv, equity.csv, summary.json and equity.png",
    )
    p.add_argument("--db", metavar="URL", help="also store the run (SQLAlchemy URL)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        config = build_config(args.strategy, args.sets)
        sources = [open_source(Path(f)) for f in args.data]
    except (ParamError, DataError) as exc:
        print(f"scalpbot backtest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    instruments = _instruments(sources)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() and not args.json else None
    stored: list[EngineEvent] = []
    run_tag = _run_tag() if args.db else "0"
    try:
        result = run(
            config,
            instruments,
            merge(sources),
            rejected_rows=lambda: _rejected(sources),
            progress=progress,
            sink=stored.extend if args.db else None,
            run_tag=run_tag,
        )
    except (DataError, ParamError) as exc:  # ParamError: the core refused the configuration
        if progress:
            progress.done()
        print(f"scalpbot backtest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if progress:
        progress.done()
    if args.report:
        by_symbol = {i.symbol: i for i in instruments}
        params = {
            "strategy": config.strategy,
            "data": [Path(f).name for f in args.data],
            "set": dict(sorted(config.raw.items())),
        }
        write_report(args.report, result.summary, result.metrics, by_symbol, params)
    if args.db:
        params = {
            "strategy": config.strategy,
            "data": [str(f) for f in args.data],
            "set": config.raw,
        }
        rows = asyncio.run(_store(args.db, run_tag, params, result, stored))
        print(f"stored run {run_tag} ({rows} rows)", file=sys.stderr)
    timing = {
        "ticks_per_second": round(result.ticks_per_second, 1),
        "elapsed_seconds": round(result.elapsed_s, 6),
    }
    if args.json:
        sys.stdout.write(json.dumps({**result.summary, **timing}, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render(result.summary, timing))
    return 0


def _instruments(sources: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for src in sources:
        for inst in src.instruments:
            seen.setdefault(inst.symbol, inst)
    return list(seen.values())


def _rejected(sources: list[Any]) -> dict[str, int]:
    total: dict[str, int] = {}
    for src in sources:
        for reason, count in src.rejects.counts.items():
            total[str(reason)] = total.get(str(reason), 0) + count
    return total


def _run_tag() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + secrets.token_hex(3)


async def _store(
    url: str,
    run_id: str,
    params: dict[str, Any],
    result: BacktestResult,
    events: list[EngineEvent],
) -> int:
    from engine.store import create_store_engine  # noqa: PLC0415 (sqlalchemy only with --db)
    from engine.store import migrate  # noqa: PLC0415 (sqlalchemy only with --db)
    from engine.store import write_run  # noqa: PLC0415 (sqlalchemy only with --db)

    engine = create_store_engine(url)
    try:
        await migrate(engine)
        return await write_run(
            engine,
            run_id=run_id,
            kind="backtest",
            started_ts=result.summary["first_ts"],
            ended_ts=result.summary["last_ts"],
            items=events,
            params=params,
            summary=result.summary,
        )
    finally:
        await engine.dispose()


def render(summary: dict[str, Any], timing: dict[str, float]) -> str:
    """A readable summary for the terminal."""
    s = summary

    def when(ts: int) -> str:
        return datetime.fromtimestamp(ts / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")

    pf = s["profit_factor"]
    lines = [
        f"backtest  {s['strategy']}   {when(s['first_ts'])} -> {when(s['last_ts'])} UTC"
        if s["first_ts"]
        else f"backtest  {s['strategy']}   (no ticks)",
        "",
        f"  ticks         {s['ticks']:>12,}    signals     {s['signals']:>10,}",
        f"  orders        {s['orders']:>12,}    fills       {s['fills']:>10,}",
        f"  round trips   {s['round_trips']:>12,}    win rate    {s['win_rate'] * 100:>9.1f}%",
        "",
        f"  net P&L       {s['net_pnl']:>12.4f}    gross P&L   {s['gross_pnl']:>10.4f}",
        f"  fees          {s['fees']:>12.4f}    max DD      {s['max_drawdown']:>10.4f}",
        f"  profit factor {('-' if pf is None else f'{pf:.3f}'):>12}    expectancy  "
        f"{s['expectancy']:>10.4f}",
        f"  avg win       {s['avg_win']:>12.4f}    avg loss    {s['avg_loss']:>10.4f}",
        f"  sharpe (ann.) {s['sharpe']:>12.2f}    avg trade   {s['avg_time_in_trade_s']:>9.2f}s",
        f"  avg MAE       {s['avg_mae']:>12.4f}    worst MAE   {s['worst_mae']:>10.4f}",
        f"  avg MFE       {s['avg_mfe']:>12.4f}    worst MFE   {s['worst_mfe']:>10.4f}",
        f"  avg slippage  {s['avg_slippage_ticks']:>9.2f} tk    "
        f"            {s['avg_slippage_bps']:>7.3f} bps",
    ]
    if s["rejections"]:
        lines.append("  rejections    " + ", ".join(f"{k} {v}" for k, v in s["rejections"].items()))
    if s["rejected_rows"]:
        lines.append(
            "  bad rows      " + ", ".join(f"{k} {v}" for k, v in s["rejected_rows"].items())
        )
    lines.append(
        f"\n  {timing['ticks_per_second']:,.0f} ticks/s ({timing['elapsed_seconds']:.3f} s)"
    )
    return "\n".join(lines) + "\n"


class _Progress:
    """A one-line progress display on a terminal, refreshed at most 5 times a second."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._start = time.perf_counter()
        self._last = 0.0
        self._shown = False

    def __call__(self, ticks: int, ts: int) -> None:
        now = time.perf_counter()
        if now - self._last < 0.2:
            return
        self._last = now
        rate = ticks / (now - self._start) if now > self._start else 0.0
        when = datetime.fromtimestamp(ts / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
        self._out.write(f"\r  replaying {when}  {ticks:>12,} ticks  {rate:>10,.0f}/s")
        self._out.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self._out.write("\r" + " " * 70 + "\r")
            self._out.flush()


__all__ = ["add_parser", "main", "render", "summary_json"]
