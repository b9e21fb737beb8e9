"""The raw Binance capture reader: real captures, agreement with the CSVs, bad lines."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import msgspec
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import MarketEvent
from engine.model import Quote
from engine.model import Side
from engine.model import Trade
from engine.replay.binance_raw import read_binance_raw
from engine.replay.csv_normalised import read_depth
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import DataError
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from tests.engine.replay.support import DATA
from tests.engine.replay.support import write_text

USDM = KNOWN_INSTRUMENTS[0].instrument
SPOT = KNOWN_INSTRUMENTS[1].instrument
SYM = USDM.symbol


@pytest.fixture(scope="module")
def usdm_raw() -> list[Quote | Trade | BookUpdate]:
    rejects = RejectCounter()
    events = list(read_binance_raw(DATA / "raw" / "usdm_btcusdt_20240808.gz", USDM, rejects))
    assert not rejects
    return events


E = TypeVar("E", Quote, Trade, BookUpdate)


def of_type(events: Sequence[MarketEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


def test_usdm_capture_counts(usdm_raw: list[Quote | Trade | BookUpdate]) -> None:
    assert len(of_type(usdm_raw, Quote)) == 66_089
    assert len(of_type(usdm_raw, Trade)) == 21_313
    books = of_type(usdm_raw, BookUpdate)
    assert sum(1 for b in books if not b.is_snapshot) == 6_551
    snapshots = [b for b in books if b.is_snapshot]
    assert len(snapshots) == 1
    assert usdm_raw.index(snapshots[0]) == 54  # line 55
    assert usdm_raw[0] == read_first_depth_diff()


def read_first_depth_diff() -> BookUpdate:
    return next(iter(read_depth(DATA / "binance_usdm_btcusdt_20240808_depth.csv.gz", USDM)))


def test_usdm_capture_agrees_with_the_normalised_csvs(
    usdm_raw: list[Quote | Trade | BookUpdate],
) -> None:
    quotes = list(read_quotes(DATA / "binance_usdm_btcusdt_20240808_quotes.csv", USDM))
    trades = list(read_trades(DATA / "binance_usdm_btcusdt_20240808_trades.csv", USDM))
    depth = list(read_depth(DATA / "binance_usdm_btcusdt_20240808_depth.csv.gz", USDM))
    assert of_type(usdm_raw, Quote) == quotes
    assert of_type(usdm_raw, Trade) == trades
    assert of_type(usdm_raw, BookUpdate) == depth


def test_spot_capture() -> None:
    """Spot: no ``pu`` in diffs, no snapshot; four diffs carry legacy 1e-8 quantities."""
    rejects = RejectCounter()
    events = list(read_binance_raw(DATA / "raw" / "spot_btcusdt_20240809.gz", SPOT, rejects))
    quotes = of_type(events, Quote)
    assert len(quotes) == 45_134
    assert len(of_type(events, Trade)) == 10_147
    diffs = of_type(events, BookUpdate)
    assert len(diffs) == 3_044 - 4
    assert all(d.prev_id == 0 and not d.is_snapshot for d in diffs)
    assert rejects.counts == {"off_grid": 4}
    assert rejects.first_line == {"off_grid": 5580}
    assert quotes == list(read_quotes(DATA / "binance_spot_btcusdt_20240809_quotes.csv", SPOT))


# -- small captures ------------------------------------------------------------------


def ticker(u: int, b: str, a: str, s: str = "BTCUSDT") -> str:
    data = {"e": "bookTicker", "u": u, "s": s, "b": b, "B": "1.000", "a": a, "A": "2.000"}
    return json.dumps({"stream": "btcusdt@bookTicker", "data": data})


def trade(t: int, p: str, q: str, m: bool) -> str:
    data = {"e": "trade", "E": 1, "T": 1, "s": "BTCUSDT", "t": t, "p": p, "q": q, "m": m}
    return json.dumps({"stream": "btcusdt@trade", "data": data})


def diff(first: int, last: int, prev: int, bids: list[list[str]]) -> str:
    data = {"e": "depthUpdate", "s": "BTCUSDT", "U": first, "u": last, "pu": prev, "b": bids}
    return json.dumps({"stream": "btcusdt@depth@0ms", "data": {**data, "a": []}})


def test_each_message_kind(tmp_path: Path) -> None:
    snapshot = json.dumps({"lastUpdateId": 9, "bids": [["100.0", "1.000"]], "asks": []})
    lines = [
        f"10 {ticker(1, '100.0', '100.1')}",
        f"11 {trade(7, '100.1', '0.002', False)}",
        f"12 {trade(8, '100.0', '0.003', True)}",
        f"13 {diff(5, 10, 4, [['100.0', '0.000']])}",
        f"14 {snapshot}",
    ]
    path = write_text(tmp_path / "cap", "\n".join(lines) + "\n", compress=True)
    assert list(read_binance_raw(path, USDM)) == [
        Quote(SYM, 10, 1000, 1000, 1001, 2000),
        Trade(SYM, 11, 1001, 2, Side.BUY, "7"),
        Trade(SYM, 12, 1000, 3, Side.SELL, "8"),
        BookUpdate(SYM, 13, (BookLevel(1000, 0),), (), False, 5, 10, 4),
        BookUpdate(SYM, 14, (BookLevel(1000, 1000),), (), True, 0, 9, 0),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("20", "malformed"),
        ("x20 {}", "malformed"),
        ("20 {not json", "malformed"),
        ('20 {"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT"}}', "malformed"),
        (f"20 {ticker(2, '100.2', '100.1')}", "crossed"),
        (f"20 {ticker(2, '100.1', '100.1')}", "locked"),
        (f"20 {ticker(2, '100.05', '100.1')}", "off_grid"),
        (f"20 {ticker(2, 'NaN', '100.1')}", "not_finite"),
        (f"20 {ticker(2, '100.0', '100.1', s='ETHUSDT')}", "unknown_symbol"),
        (f"20 {trade(9, '100.0', '0', False)}", "bad_size"),
        (f"20 {diff(1, 2, 0, [['-1.0', '1.000']])}", "bad_price"),
        (f"20 {diff(1, 2, 0, [['1.0', '-1.000']])}", "bad_size"),
        ('20 {"stream":"btcusdt@aggTrade","data":{}}', "unsupported"),
        ('20 {"result":null,"id":1}', "unsupported"),
        (f"5 {ticker(2, '100.0', '100.1')}", "time_backwards"),
    ],
)
def test_bad_lines_are_counted(tmp_path: Path, line: str, reason: str) -> None:
    good = f"10 {ticker(1, '100.0', '100.1')}"
    path = write_text(tmp_path / "cap.txt", f"{good}\n{line}\n{good}\n")
    rejects = RejectCounter()
    assert len(list(read_binance_raw(path, USDM, rejects))) == 2
    assert rejects.counts == {reason: 1}
    assert rejects.first_line == {reason: 2}


def test_wire_symbol_can_differ_from_ours(tmp_path: Path) -> None:
    path = write_text(tmp_path / "cap.txt", f"10 {ticker(1, '100.0', '100.1')}\n")
    renamed = msgspec.structs.replace(USDM, symbol="BTC-PERP")
    (quote,) = read_binance_raw(path, renamed, wire_symbol="BTCUSDT")
    assert quote.symbol == "BTC-PERP"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", ":1: empty file"), ("ts_local_ns,bid\n", ":1: not a '<ns> <json>' Binance capture")],
)
def test_not_a_capture(tmp_path: Path, text: str, message: str) -> None:
    path = write_text(tmp_path / "cap.txt", text)
    with pytest.raises(DataError, match=message):
        list(read_binance_raw(path, USDM))


def test_cut_off_last_line(tmp_path: Path) -> None:
    good = f"10 {ticker(1, '100.0', '100.1')}"
    path = write_text(tmp_path / "cap.txt", f"{good}\n{good[:40]}")
    with pytest.raises(DataError, match=r"cap.txt:2: truncated file"):
        list(read_binance_raw(path, USDM))


def test_truncated_gzip_capture(tmp_path: Path) -> None:
    whole = (DATA / "raw" / "usdm_btcusdt_20240808.gz").read_bytes()
    path = tmp_path / "usdm_btcusdt.gz"
    path.write_bytes(whole[:300_000])
    with pytest.raises(DataError, match="truncated compressed file") as info:
        list(read_binance_raw(path, USDM))
    assert str(info.value).startswith(f"{path}:")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["1.0", "0"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["s", "b", "a", "B", "A", "p", "q", "m", "t", "U", "u", "pu", "e"]),
            inner,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@st.composite
def capture_lines(draw: st.DrawFn) -> str:
    stream = draw(st.sampled_from(["btcusdt@bookTicker", "btcusdt@trade", "btcusdt@depth", "x"]))
    body = json.dumps({"stream": stream, "data": draw(JSONISH)})
    junk = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"))
    return draw(st.sampled_from(["", "1 ", "-1 ", "99999999999999999999 "])) + draw(
        st.sampled_from([body, draw(junk)])
    )


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(capture_lines(), max_size=12))
def test_garbage_never_escapes(tmp_path: Path, lines: list[str]) -> None:
    path = write_text(tmp_path / "cap.txt", "1 {}\n" + "".join(f"{x}\n" for x in lines))
    rejects = RejectCounter()
    events = list(read_binance_raw(path, USDM, rejects))
    for e in events:
        if isinstance(e, Quote):
            assert 0 < e.bid < e.ask
        elif isinstance(e, Trade):
            assert e.price > 0 and e.size > 0
        else:
            assert isinstance(e, BookUpdate)
            assert all(lv.price > 0 and lv.size >= 0 for lv in e.bids + e.asks)
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(events))
    assert len(events) + rejects.total == 1 + sum(1 for x in lines if x.strip())
