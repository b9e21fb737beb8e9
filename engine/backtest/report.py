"""Write a backtest's report: trades.csv, equity.csv, summary.json, equity.png."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from engine.backtest.metrics import Metrics
from engine.model import Instrument
from engine.model import money_to_decimal


def summary_json(summary: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, fixed separators, newline-terminated."""
    return json.dumps(summary, sort_keys=True, indent=2) + "\n"


def write_report(
    directory: Path,
    summary: dict[str, Any],
    metrics: Metrics,
    instruments: dict[str, Instrument],
    params: dict[str, Any],
) -> list[Path]:
    """Write every report file into ``directory`` (created); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [
        _write_trades(directory / "trades.csv", metrics, instruments),
        _write_equity(directory / "equity.csv", metrics),
        directory / "summary.json",
        _write_chart(directory / "equity.png", metrics, summary),
    ]
    body = {"params": params, "metrics": summary}
    (directory / "summary.json").write_text(summary_json(body), encoding="utf-8")
    return paths


def _write_trades(path: Path, metrics: Metrics, instruments: dict[str, Instrument]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "entry_ts_ns",
                "exit_ts_ns",
                "symbol",
                "side",
                "qty",
                "entry_price",
                "exit_price",
                "pnl",
                "fees",
                "mae",
                "mfe",
                "duration_s",
            ]
        )
        for t in metrics.trips:
            inst = instruments[t.symbol]
            w.writerow(
                [
                    t.entry_ts,
                    t.ts,
                    t.symbol,
                    "long" if t.qty > 0 else "short",
                    inst.qty(abs(t.qty)),
                    inst.price(t.entry_price),
                    inst.price(t.exit_price),
                    money_to_decimal(t.pnl),
                    money_to_decimal(t.fees),
                    money_to_decimal(t.mae),
                    money_to_decimal(t.mfe),
                    f"{(t.ts - t.entry_ts) / 1e9:.3f}",
                ]
            )
    return path


def _write_equity(path: Path, metrics: Metrics) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ts_ns", "equity", "drawdown"])
        for ts, equity, dd in metrics.equity:
            w.writerow([ts, money_to_decimal(equity), money_to_decimal(dd)])
    return path


def _write_chart(path: Path, metrics: Metrics, summary: dict[str, Any]) -> Path:
    import matplotlib  # noqa: PLC0415 (lazy heavy import, only with a chart)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415 (after use("Agg"))

    eq = metrics.equity
    t0 = eq[0][0] if eq else 0
    xs = [(ts - t0) / 60e9 for ts, _, _ in eq]
    equity = [e / 1e9 for _, e, _ in eq]
    dd = [-d / 1e9 for _, _, d in eq]
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(9, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax1.plot(xs, equity, color="#1f77b4", linewidth=1.2)
    ax1.set_ylabel("equity")
    ax1.set_title(
        f"{summary.get('strategy', '')}: net P&L {summary.get('net_pnl', 0):.4f}, "
        f"{summary.get('round_trips', 0)} round trips"
    )
    ax1.grid(alpha=0.3)
    ax1.ticklabel_format(useOffset=False, style="plain", axis="y")
    ax2.fill_between(xs, dd, 0, color="#d62728", alpha=0.4, step="post")
    ax2.set_ylabel("drawdown")
    ax2.set_xlabel("minutes from start")
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return path
