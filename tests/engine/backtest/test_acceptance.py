"""The backtest against the peers' reference figure, and its determinism."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import main

USDM_QUOTES = "binance_usdm_btcusdt_20240808_quotes.csv"


def data(*paths: Path) -> list[str]:
    """``--data`` for each file, in order."""
    return [arg for path in paths for arg in ("--data", str(path))]


def sets(*assignments: str) -> list[str]:
    """``--set`` for each ``key=value``, in order."""
    return [arg for assignment in assignments for arg in ("--set", assignment)]


SMA = ["--strategy", "sma_cross", *sets("fast=10", "slow=50", "band=0.01")]


def run_json(capsys, *args: str) -> dict:
    assert main(["backtest", *args, "--json"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return json.loads(lines[0])


def test_sma_cross_gives_the_199_signals_of_nautilus_and_hftbacktest(data_dir: Path, capsys):
    m = run_json(capsys, *data(data_dir / USDM_QUOTES), *SMA)
    assert m["ticks"] == 66_089
    assert m["signals"] == 199
    # One market order per signal change, each filled in full.
    assert m["orders"] == 199
    assert m["fills"] == 199
    assert m["round_trips"] == 198
    assert m["rejections"] == {}
    assert m["rejected_rows"] == {}


def test_same_inputs_give_a_byte_identical_summary(data_dir: Path, tmp_path: Path, capsys):
    args = [
        *data(data_dir / USDM_QUOTES),
        *SMA,
        *sets(
            "paper.taker_fee=0.0004", "paper.latency_in_ns=2000000", "paper.latency_out_ns=1000000"
        ),
    ]
    assert main(["backtest", *args, "--report", str(tmp_path / "a")]) == 0
    assert main(["backtest", *args, "--report", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    a = (tmp_path / "a" / "summary.json").read_bytes()
    b = (tmp_path / "b" / "summary.json").read_bytes()
    assert a == b
    for name in ("trades.csv", "equity.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    summary = json.loads(a)
    assert summary["metrics"]["fees"] > 0
    assert "ticks_per_second" not in summary["metrics"]


def test_report_files_are_complete_and_consistent(data_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "report"
    args = [*data(data_dir / USDM_QUOTES), *SMA, "--set", "paper.taker_fee=0.0004"]
    assert main(["backtest", *args, "--report", str(out)]) == 0
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    metrics = summary["metrics"]
    assert summary["params"]["set"]["fast"] == "10"
    trades = (out / "trades.csv").read_text().splitlines()
    assert trades[0].startswith("entry_ts_ns,exit_ts_ns,symbol,side,qty")
    assert len(trades) - 1 == metrics["round_trips"]
    pnl = sum(float(line.split(",")[7]) for line in trades[1:])
    # Every trip is closed except the last open position, so trip P&L is the
    # net P&L less the open position's marked P&L and its entry fee.
    assert abs(pnl - metrics["net_pnl"]) < 10
    equity = (out / "equity.csv").read_text().splitlines()
    assert equity[0] == "ts_ns,equity,drawdown"
    assert len(equity) > 300  # one sample per simulated second over ~344 s
    png = (out / "equity.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 10_000


def test_readable_summary_names_the_key_figures(data_dir: Path, capsys):
    assert main(["backtest", *data(data_dir / USDM_QUOTES), *SMA]) == 0
    out = capsys.readouterr().out
    for word in ("signals", "round trips", "net P&L", "profit factor", "sharpe", "ticks/s"):
        assert word in out
    assert "199" in out


def test_two_files_merge_in_time_order(data_dir: Path, capsys):
    trades = data_dir / "binance_usdm_btcusdt_20240808_trades.csv"
    m = run_json(capsys, *data(data_dir / USDM_QUOTES, trades), *SMA)
    assert m["ticks"] == 66_089 + 21_313
    # Trades do not move sma_cross, which runs on quotes only.
    assert m["signals"] == 199


def test_micro_momentum_trades_and_exits(data_dir: Path, capsys):
    m = run_json(
        capsys,
        *data(data_dir / USDM_QUOTES),
        "--strategy",
        "micro_momentum",
        *sets(
            "take_profit_ticks=2",
            "stop_loss_ticks=2",
            "time_stop_s=5",
            "cooldown_s=1",
            "paper.taker_fee=0.0004",
        ),
    )
    assert m["round_trips"] > 10
    assert m["fills"] == 2 * m["round_trips"] or m["fills"] == 2 * m["round_trips"] + 1
    assert m["fees"] > 0
    assert m["avg_time_in_trade_s"] <= 5.5
