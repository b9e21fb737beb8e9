"""Bad input to ``scalpbot backtest``: one line naming the culprit, exit status 2."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from engine.cli import main

HEADER = "ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\n"


def run_err(capsys, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def quotes(tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / "binance_usdm_btcusdt_sample_quotes.csv"
    with (data_dir / "binance_usdm_btcusdt_20240808_quotes.csv").open() as src:
        path.write_text("".join(next(src) for _ in range(400)))
    return path


@pytest.mark.parametrize(
    ("sets", "named"),
    [
        (["fats=10"], "fats"),
        (["fast=ten"], "fast"),
        (["fast=60"], "fast"),
        (["risk.max_spread=3"], "risk.max_spread"),
        (["risk.max_spread_bps=-1"], "max_spread_bps"),
        (["order.type=stop"], "order.type"),
        (["nosuch.key=1"], "nosuch.key"),
        (["noequals"], "noequals"),
        (["paper.maker_fee=abc"], "paper.maker_fee"),
    ],
)
def test_a_bad_set_names_the_key(capsys, quotes: Path, sets: list[str], named: str):
    argv = ["backtest", "--data", str(quotes), "--strategy", "sma_cross"]
    for s in sets:
        argv += ["--set", s]
    line = run_err(capsys, argv)
    assert named in line


def test_unknown_strategy(capsys, quotes: Path):
    line = run_err(capsys, ["backtest", "--data", str(quotes), "--strategy", "nope"])
    assert "nope" in line and "sma_cross" in line


def test_missing_file_is_named(capsys, tmp_path: Path):
    missing = tmp_path / "binance_usdm_btcusdt_none_quotes.csv"
    line = run_err(capsys, ["backtest", "--data", str(missing), "--strategy", "sma_cross"])
    assert str(missing.name) in line


def test_truncated_gzip_is_named(capsys, tmp_path: Path, data_dir: Path):
    raw = (data_dir / "raw" / "usdm_btcusdt_20240808.gz").read_bytes()
    cut = tmp_path / "usdm_btcusdt_20240808.gz"
    cut.write_bytes(raw[: len(raw) // 50])
    line = run_err(capsys, ["backtest", "--data", str(cut), "--strategy", "sma_cross"])
    assert cut.name in line


def test_truncated_csv_is_named_with_its_line(capsys, quotes: Path):
    text = quotes.read_text()
    quotes.write_text(text[: len(text) - 30])  # cut inside the last row
    line = run_err(capsys, ["backtest", "--data", str(quotes), "--strategy", "sma_cross"])
    assert quotes.name in line
    assert "400" in line or "line" in line


def test_malformed_rows_are_counted_and_skipped_never_traded(capsys, quotes: Path):
    lines = quotes.read_text().splitlines(keepends=True)
    bad = [
        "1723161255100000000,1,1,nan,1.0,61800.3,1.0\n",
        "1723161255100000001,1,1,61800.2,1.0,61800.1,1.0\n",  # crossed
        "1723161255100000002,1,1,0,1.0,61800.3,1.0\n",  # zero price
        "1723161255100000003,1,1,-5,1.0,61800.3,1.0\n",  # negative price
        "garbage\n",
        "1000,1,1,61800.2,1.0,61800.3,1.0\n",  # time going backwards
    ]
    quotes.write_text("".join(lines[:200] + bad + lines[200:]))
    code = main(["backtest", "--data", str(quotes), "--strategy", "sma_cross", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    import json

    m = json.loads(out)
    assert m["ticks"] == 399
    assert sum(m["rejected_rows"].values()) == len(bad)


def test_gzip_of_garbage_is_refused_with_the_file_and_line(capsys, tmp_path: Path):
    path = tmp_path / "usdm_btcusdt_20240808.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("this is not a capture\n")
    line = run_err(capsys, ["backtest", "--data", str(path), "--strategy", "sma_cross"])
    assert f"{path.name}:1:" in line
