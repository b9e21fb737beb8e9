"""Format detection, open_source and merge."""

from __future__ import annotations

import itertools
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from engine.model import Instrument
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay import DataError
from engine.replay import Format
from engine.replay import detect_format
from engine.replay import merge
from engine.replay import open_source
from engine.replay.canonical import COLUMNS
from engine.replay.canonical import MAGIC
from engine.replay.csv_normalised import QUOTES_HEADER
from engine.replay.csv_normalised import TRADES_HEADER
from engine.replay.instruments import KNOWN_INSTRUMENTS
from tests.engine.replay.support import DATA
from tests.engine.replay.support import write_text

USDM = KNOWN_INSTRUMENTS[0].instrument


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("binance_usdm_btcusdt_20240808_quotes.csv", Format.QUOTES_CSV),
        ("binance_usdm_btcusdt_20240808_trades.csv", Format.TRADES_CSV),
        ("binance_usdm_btcusdt_20240808_depth.csv.gz", Format.DEPTH_CSV),
        ("raw/usdm_btcusdt_20240808.gz", Format.BINANCE_RAW),
        ("raw/spot_btcusdt_20240809.gz", Format.BINANCE_RAW),
        ("raw/truefx_usdjpy-ticks.csv", Format.TRUEFX_CSV),
    ],
)
def test_detect_format_of_the_real_files(name: str, fmt: Format) -> None:
    assert detect_format(DATA / name) is fmt


def test_open_source_infers_the_instrument() -> None:
    source = open_source(DATA / "binance_usdm_btcusdt_20240808_trades.csv")
    assert source.instruments == [USDM]
    assert source.format is Format.TRADES_CSV
    assert sum(1 for _ in source) == 21_313
    assert not source.rejects
    fx = open_source(DATA / "raw" / "truefx_usdjpy-ticks.csv")
    assert [i.venue for i in fx.instruments] == ["TRUEFX"]
    assert sum(1 for _ in fx) == 999
    assert fx.rejects.counts == {"locked": 1}


def test_each_iteration_rereads_and_resets_the_counter() -> None:
    fx = open_source(DATA / "raw" / "truefx_usdjpy-ticks.csv")
    first, second = list(fx), list(fx)
    assert first == second
    assert fx.rejects.counts == {"locked": 1}


def test_symbol_renames_and_instrument_overrides(tmp_path: Path) -> None:
    renamed = open_source(DATA / "binance_usdm_btcusdt_20240808_trades.csv", symbol="BTC-PERP")
    assert renamed.instruments[0].symbol == "BTC-PERP"
    assert next(iter(renamed)).symbol == "BTC-PERP"
    plain = shutil.copy(DATA / "raw" / "truefx_usdjpy-ticks.csv", tmp_path / "ticks.csv")
    with pytest.raises(DataError, match="matches no known one"):
        open_source(plain)
    coarse = Instrument(
        symbol=Symbol("JPY"), price_increment=Decimal("0.01"), size_increment=Decimal(1)
    )
    source = open_source(plain, instrument=coarse)
    assert sum(1 for _ in source) < 1000
    assert source.rejects["off_grid"] > 0


def test_raw_capture_with_an_explicit_instrument_checks_its_symbol() -> None:
    other = Instrument(
        symbol=Symbol("ETHUSDT"), price_increment=Decimal("0.1"), size_increment=Decimal("0.001")
    )
    source = open_source(DATA / "raw" / "usdm_btcusdt_20240808.gz", instrument=other)
    events = list(source)
    assert len(events) == 1  # only the REST snapshot carries no symbol
    assert source.rejects.counts == {"unknown_symbol": 93_953}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ":1: empty file"),
        ("\n", ":1: blank first line"),
        ("timestamp,bid\n", ":1: unrecognised data format, first line 'timestamp,bid'"),
    ],
)
def test_unusable_files(tmp_path: Path, text: str, message: str) -> None:
    path = write_text(tmp_path / "usdm_btcusdt.csv", text)
    with pytest.raises(DataError, match=message):
        open_source(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        open_source(tmp_path / "binance_usdm_btcusdt_quotes.csv")
    assert str(info.value) == (
        f"{tmp_path / 'binance_usdm_btcusdt_quotes.csv'}: cannot open: No such file or directory"
    )


def test_canonical_source(tmp_path: Path) -> None:
    text = (
        f"{MAGIC}\n# instrument symbol=A tick=0.1 lot=1\n# instrument symbol=B tick=1 lot=1\n"
        f"{COLUMNS}\n1,A,quote,1.0,1,1.1,1,,,,\n2,B,trade,,,,,5,1,buy,\n"
    )
    path = write_text(tmp_path / "anything.csv", text)
    both = open_source(path)
    assert both.format is Format.CANONICAL
    assert [i.symbol for i in both.instruments] == ["A", "B"]
    assert [e.symbol for e in both] == ["A", "B"]
    only_b = open_source(path, symbol="B")
    assert [i.symbol for i in only_b.instruments] == ["B"]
    assert list(only_b) == [Trade(Symbol("B"), 2, 5, 1, Side.BUY)]
    with pytest.raises(DataError, match="symbol 'C' is not declared"):
        open_source(path, symbol="C")
    finer = Instrument(
        symbol=Symbol("A"), price_increment=Decimal("0.01"), size_increment=Decimal(1)
    )
    assert next(iter(open_source(path, instrument=finer))) == Quote(Symbol("A"), 1, 100, 1, 110, 1)


def quotes_file(path: Path, rows: list[tuple[int, str]]) -> Path:
    lines = [QUOTES_HEADER] + [f"{ts},,0,{bid},1.000,61900.0,1.000" for ts, bid in rows]
    return write_text(path, "\n".join(lines) + "\n")


def test_merge_orders_by_time_and_keeps_source_order_on_ties(tmp_path: Path) -> None:
    a = quotes_file(
        tmp_path / "a_usdm_btcusdt.csv", [(1, "61800.1"), (3, "61800.1"), (3, "61800.2")]
    )
    b = quotes_file(tmp_path / "b_usdm_btcusdt.csv", [(2, "61800.3"), (3, "61800.3"), (4, "x")])
    trades = write_text(
        tmp_path / "usdm_btcusdt_trades.csv", f"{TRADES_HEADER}\n3,,9,61800.5,0.001,0\n"
    )
    merged = merge([open_source(a), open_source(b), open_source(trades)])
    events = list(merged)
    assert [(e.ts, e.price if isinstance(e, Trade) else getattr(e, "bid", 0)) for e in events] == [
        (1, 618001),
        (2, 618003),
        (3, 618001),
        (3, 618002),
        (3, 618003),
        (3, 618005),
    ]
    assert merged.instruments == [USDM]
    assert merged.rejects.counts == {"malformed": 1}


def test_merge_refuses_one_symbol_for_two_instruments() -> None:
    usdm = open_source(DATA / "binance_usdm_btcusdt_20240808_quotes.csv")
    spot = open_source(DATA / "binance_spot_btcusdt_20240809_quotes.csv")
    with pytest.raises(DataError, match="symbol BTCUSDT means two instruments"):
        merge([usdm, spot])
    spot = open_source(DATA / "binance_spot_btcusdt_20240809_quotes.csv", symbol="BTCUSDT-SPOT")
    assert [i.symbol for i in merge([usdm, spot]).instruments] == ["BTCUSDT", "BTCUSDT-SPOT"]


def test_merge_real_quotes_and_trades() -> None:
    merged = merge(
        [
            open_source(DATA / "binance_usdm_btcusdt_20240808_quotes.csv"),
            open_source(DATA / "binance_usdm_btcusdt_20240808_trades.csv"),
        ]
    )
    events = list(merged)
    assert len(events) == 66_089 + 21_313
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(events))
