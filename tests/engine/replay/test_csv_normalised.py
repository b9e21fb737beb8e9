"""The normalised Binance CSV readers: real files, bad rows, truncation, and properties."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay.csv_normalised import DEPTH_HEADER
from engine.replay.csv_normalised import QUOTES_HEADER
from engine.replay.csv_normalised import TRADES_HEADER
from engine.replay.csv_normalised import read_depth
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import DataError
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.instruments import Grid
from tests.engine.replay.support import DATA
from tests.engine.replay.support import write_text

USDM = KNOWN_INSTRUMENTS[0].instrument
SPOT = KNOWN_INSTRUMENTS[1].instrument
SYM = USDM.symbol
T = TypeVar("T")
TMP_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_clean(read: Callable[..., Iterator[T]], name: str) -> list[T]:
    """Everything ``read`` yields from the USD-M file ``name``; the file has no bad row."""
    rejects = RejectCounter()
    rows = list(read(DATA / name, USDM, rejects))
    assert not rejects
    return rows


@pytest.fixture(scope="module")
def usdm_quotes() -> list[Quote]:
    return read_clean(read_quotes, "binance_usdm_btcusdt_20240808_quotes.csv")


@pytest.fixture(scope="module")
def usdm_depth() -> list[BookUpdate]:
    return read_clean(read_depth, "binance_usdm_btcusdt_20240808_depth.csv.gz")


# -- the real files ------------------------------------------------------------------


def test_usdm_quotes(usdm_quotes: list[Quote]) -> None:
    assert len(usdm_quotes) == 66_089
    assert usdm_quotes[0] == Quote(SYM, 1723161255088169167, 618002, 2507, 618003, 2510)
    assert usdm_quotes[-1] == Quote(SYM, 1723161599439160683, 616597, 1486, 616598, 981)


def test_spot_quotes_eight_decimals_lie_on_the_cent_grid() -> None:
    rejects = RejectCounter()
    quotes = list(read_quotes(DATA / "binance_spot_btcusdt_20240809_quotes.csv", SPOT, rejects))
    assert not rejects
    assert len(quotes) == 45_134
    assert quotes[0] == Quote(SPOT.symbol, 1723161600001692584, 6168599, 125869, 6168600, 244816)
    assert quotes[-1] == Quote(SPOT.symbol, 1723161904524703633, 6160201, 167177, 6160202, 266795)


def test_usdm_trades() -> None:
    rejects = RejectCounter()
    trades = list(read_trades(DATA / "binance_usdm_btcusdt_20240808_trades.csv", USDM, rejects))
    assert not rejects
    assert len(trades) == 21_313
    assert trades[0] == Trade(SYM, 1723161255088176367, 618003, 6, Side.BUY, "5266583935")
    assert trades[-1] == Trade(SYM, 1723161598372181179, 616598, 76, Side.BUY, "5266605247")


def test_spot_trades_is_buyer_maker_means_seller_aggressed() -> None:
    trades = list(read_trades(DATA / "binance_spot_btcusdt_20240809_trades.csv", SPOT))
    assert len(trades) == 10_147
    assert trades[0] == Trade(
        SPOT.symbol, 1723161600164378285, 6168599, 17, Side.SELL, "3735693016"
    )
    assert trades[-1].price == 6160202 and trades[-1].size == 536


def test_usdm_depth_messages(usdm_depth: list[BookUpdate]) -> None:
    snapshots = [u for u in usdm_depth if u.is_snapshot]
    assert len(usdm_depth) == 6_552
    assert len(snapshots) == 1
    assert sum(len(u.bids) + len(u.asks) for u in usdm_depth) == 445_521
    first = usdm_depth[0]
    assert (first.ts, first.first_id, first.last_id, first.prev_id) == (
        1723161255030314667,
        5123107832006,
        5123107837557,
        5123107831937,
    )
    assert (len(first.bids), len(first.asks)) == (53, 29)
    assert first.bids[0] == BookLevel(587102, 14)
    assert first.bids[2] == BookLevel(615109, 0)  # qty 0.000 removes the level
    snap = snapshots[0]
    assert (snap.first_id, snap.last_id, snap.prev_id) == (0, 5123107852948, 0)
    assert (len(snap.bids), len(snap.asks), snap.bids[0]) == (1000, 1000, BookLevel(618002, 2909))
    last = usdm_depth[-1]
    assert (last.ts, last.first_id, last.last_id, last.prev_id) == (
        1723161599833492584,
        5123135475514,
        5123135475514,
        5123135221461,
    )
    assert last.bids == (BookLevel(616317, 283), BookLevel(616326, 0))


# -- bad rows --------------------------------------------------------------------------

GOOD = "1000,,1,61800.2,1.000,61800.3,2.000"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1001,,1,61800.2,1.000,61800.3", "malformed"),
        ("1001,,1,61800.2,1.000,61800.3,2.000,9", "malformed"),
        ("x1001,,1,61800.2,1.000,61800.3,2.000", "malformed"),
        ("1001,,1,abc,1.000,61800.3,2.000", "malformed"),
        ("1001,,1,,1.000,61800.3,2.000", "malformed"),
        ("-1,,1,61800.2,1.000,61800.3,2.000", "malformed"),
        ("1001,,1,NaN,1.000,61800.3,2.000", "not_finite"),
        ("1001,,1,61800.2,inf,61800.3,2.000", "not_finite"),
        ("1001,,1,0,1.000,61800.3,2.000", "bad_price"),
        ("1001,,1,-61800.2,1.000,61800.3,2.000", "bad_price"),
        ("1001,,1,61800.2,-1.000,61800.3,2.000", "bad_size"),
        ("1001,,1,61800.4,1.000,61800.3,2.000", "crossed"),
        ("1001,,1,61800.3,1.000,61800.3,2.000", "locked"),
        ("1001,,1,61800.25,1.000,61800.3,2.000", "off_grid"),
        ("1001,,1,61800.2,1.0005,61800.3,2.000", "off_grid"),
        ("1001,,1,61800.2,1e300,61800.3,2.000", "out_of_range"),
        ("999,,1,61800.2,1.000,61800.3,2.000", "time_backwards"),
    ],
)
def test_bad_quote_rows_are_counted_and_skipped(tmp_path: Path, row: str, reason: str) -> None:
    later = "1002,,1,61800.1,1.000,61800.3,0"
    path = write_text(tmp_path / "q.csv", f"{QUOTES_HEADER}\n{GOOD}\n{row}\n{later}\n")
    rejects = RejectCounter()
    quotes = list(read_quotes(path, USDM, rejects))
    assert [q.ts for q in quotes] == [1000, 1002]
    assert rejects.counts == {reason: 1}
    assert rejects.first_line == {reason: 3}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1001,,7,61800.2,0.000,0", "bad_size"),
        ("1001,,7,61800.2,0.001,2", "malformed"),
        ("1001,,7,0.0,0.001,1", "bad_price"),
        ("1001,,7,61800.2,0.001", "malformed"),
        ("999,,7,61800.2,0.001,1", "time_backwards"),
    ],
)
def test_bad_trade_rows(tmp_path: Path, row: str, reason: str) -> None:
    path = write_text(tmp_path / "t.csv", f"{TRADES_HEADER}\n1000,,6,61800.2,0.001,true\n{row}\n")
    rejects = RejectCounter()
    trades = list(read_trades(path, USDM, rejects))
    assert trades == [Trade(SYM, 1000, 618002, 1, Side.SELL, "6")]
    assert rejects.counts == {reason: 1}


def test_blank_lines_and_crlf_are_tolerated(tmp_path: Path) -> None:
    text = f"{QUOTES_HEADER}\r\n{GOOD}\r\n\r\n{GOOD}\r\n"
    rejects = RejectCounter()
    assert len(list(read_quotes(write_text(tmp_path / "q.csv", text), USDM, rejects))) == 2
    assert not rejects


def test_a_cut_off_last_line_is_a_truncated_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "q.csv", f"{QUOTES_HEADER}\n{GOOD}\n1001,,1,61800.2,1.0")
    with pytest.raises(DataError) as info:
        list(read_quotes(path, USDM))
    assert str(info.value) == f"{path}:3: truncated file: the last line is cut off (malformed)"


def test_a_complete_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    path = write_text(tmp_path / "q.csv", f"{QUOTES_HEADER}\n{GOOD}\n{GOOD}")
    assert len(list(read_quotes(path, USDM))) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ":1: empty file"),
        ("ts,bid,ask\n1,2,3\n", ":1: wrong header: expected"),
        (TRADES_HEADER + "\n", ":1: wrong header"),
    ],
)
def test_bad_files_raise(tmp_path: Path, text: str, message: str) -> None:
    path = write_text(tmp_path / "q.csv", text)
    with pytest.raises(DataError, match=message) as info:
        list(read_quotes(path, USDM))
    assert str(info.value).startswith(str(path))


def test_header_only_file_has_no_events(tmp_path: Path) -> None:
    assert list(read_quotes(write_text(tmp_path / "q.csv", QUOTES_HEADER + "\n"), USDM)) == []


def test_truncated_depth_gzip(tmp_path: Path) -> None:
    whole = (DATA / "binance_usdm_btcusdt_20240808_depth.csv.gz").read_bytes()
    path = tmp_path / "depth.csv.gz"
    path.write_bytes(whole[:200_000])
    with pytest.raises(DataError, match="truncated compressed file") as info:
        list(read_depth(path, USDM))
    assert str(info.value).startswith(f"{path}:")


def test_missing_file_raises_on_first_read(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="No such file"):
        list(read_trades(tmp_path / "absent.csv", USDM))


# -- depth grouping ------------------------------------------------------------------


def depth_row(ts: int, ids: str, side: str, price: str, qty: str, kind: str = "update") -> str:
    return f"{ts},,{kind},{ids},{side},{price},{qty}"


def test_depth_groups_rows_and_drops_a_message_with_a_bad_row(tmp_path: Path) -> None:
    rows = [
        depth_row(1, ",9,", "b", "100.0", "1.000", "snapshot"),
        depth_row(1, ",9,", "a", "100.1", "1.000", "snapshot"),
        depth_row(2, "8,10,7", "b", "100.0", "0.000"),
        depth_row(2, "8,10,7", "a", "100.05", "1.000"),  # off grid: the whole message goes
        depth_row(2, "8,10,7", "a", "100.2", "1.000"),
        depth_row(3, "11,12,10", "a", "100.2", "3.000"),
        "3,,update,11,12,10,a",  # cannot be split: charged to message 11-12
        depth_row(4, "13,13,12", "x", "100.2", "3.000"),
        depth_row(5, "14,14,13", "a", "100.2", "3.000", "bogus"),
        depth_row(6, "15,15,14", "b", "100.3", "1.000"),
    ]
    path = write_text(tmp_path / "d.csv", DEPTH_HEADER + "\n" + "\n".join(rows) + "\n")
    rejects = RejectCounter()
    updates = list(read_depth(path, USDM, rejects))
    assert updates == [
        BookUpdate(SYM, 1, (BookLevel(1000, 1000),), (BookLevel(1001, 1000),), True, 0, 9, 0),
        BookUpdate(SYM, 6, (BookLevel(1003, 1000),), (), False, 15, 15, 14),
    ]
    assert rejects.counts == {"off_grid": 1, "malformed": 3}
    assert rejects.first_line == {"off_grid": 5, "malformed": 8}


def test_crossed_depth_snapshot_is_rejected(tmp_path: Path) -> None:
    rows = [
        depth_row(1, ",9,", "b", "100.2", "1.000", "snapshot"),
        depth_row(1, ",9,", "a", "100.1", "1.000", "snapshot"),
    ]
    path = write_text(tmp_path / "d.csv", DEPTH_HEADER + "\n" + "\n".join(rows) + "\n")
    rejects = RejectCounter()
    assert list(read_depth(path, USDM, rejects)) == []
    assert rejects.counts == {"crossed": 1}


# -- properties ----------------------------------------------------------------------

PRICE = Grid(USDM.price_increment)
SIZE = Grid(USDM.size_increment)


@st.composite
def quote_lists(draw: st.DrawFn) -> list[Quote]:
    n = draw(st.integers(min_value=0, max_value=30))
    ts = draw(st.integers(min_value=0, max_value=2**62))
    quotes = []
    for _ in range(n):
        ts += draw(st.integers(min_value=0, max_value=10**9))
        bid = draw(st.integers(min_value=1, max_value=10**9))
        ask = bid + draw(st.integers(min_value=1, max_value=1000))
        sizes = st.integers(min_value=0, max_value=10**9)
        quotes.append(Quote(SYM, ts, bid, draw(sizes), ask, draw(sizes)))
    return quotes


def padded(text: str, pad: int) -> str:
    return text + "0" * pad


@TMP_SETTINGS
@given(quote_lists(), st.integers(min_value=0, max_value=7))
def test_quotes_round_trip(tmp_path: Path, quotes: list[Quote], pad: int) -> None:
    """Any valid quotes written as Binance prints them (maybe zero-padded) read back exactly."""
    lines = [QUOTES_HEADER]
    for i, q in enumerate(quotes):
        prices = [padded(PRICE.format(p), pad) for p in (q.bid, q.ask)]
        sizes = [padded(SIZE.format(s), pad) for s in (q.bid_size, q.ask_size)]
        lines.append(f"{q.ts},,{i},{prices[0]},{sizes[0]},{prices[1]},{sizes[1]}")
    path = write_text(tmp_path / "q.csv", "\n".join(lines) + "\n")
    rejects = RejectCounter()
    assert list(read_quotes(path, USDM, rejects)) == quotes
    assert not rejects


@TMP_SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**9), st.booleans()), max_size=20)
)
def test_trades_round_trip(tmp_path: Path, rows: list[tuple[int, int, bool]]) -> None:
    trades = [
        Trade(SYM, 5 * i, price, size, Side.SELL if maker else Side.BUY, str(i))
        for i, (price, size, maker) in enumerate((p + 1, s, m) for p, s, m in rows)
    ]
    lines = [TRADES_HEADER] + [
        f"{t.ts},,{t.trade_id},{PRICE.format(t.price)},{SIZE.format(t.size)},"
        f"{int(t.aggressor is Side.SELL)}"
        for t in trades
    ]
    path = write_text(tmp_path / "t.csv", "\n".join(lines) + "\n")
    assert list(read_trades(path, USDM)) == trades


GARBAGE_LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n")),
    st.lists(
        st.sampled_from(["1", "0", "-1", "61800.2", "61800.3", "nan", "", "1e9", "0.001", "x"]),
        min_size=5,
        max_size=8,
    ).map(",".join),
    st.lists(st.integers(0, 99), min_size=7, max_size=7).map(lambda v: ",".join(map(str, v))),
)


def assert_valid_quotes(quotes: list[Quote]) -> None:
    for q in quotes:
        assert 0 < q.bid < q.ask
        assert q.bid_size >= 0 and q.ask_size >= 0
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(quotes))


@TMP_SETTINGS
@given(st.lists(GARBAGE_LINE, max_size=15))
def test_garbage_never_escapes_and_is_accounted_for(tmp_path: Path, lines: list[str]) -> None:
    path = write_text(tmp_path / "q.csv", QUOTES_HEADER + "\n" + "".join(f"{x}\n" for x in lines))
    rejects = RejectCounter()
    quotes = list(read_quotes(path, USDM, rejects))
    assert_valid_quotes(quotes)
    assert len(quotes) + rejects.total == sum(1 for x in lines if x.strip())


@TMP_SETTINGS
@given(st.lists(GARBAGE_LINE, max_size=10), GARBAGE_LINE)
def test_garbage_with_a_cut_off_last_line(tmp_path: Path, lines: list[str], last: str) -> None:
    text = QUOTES_HEADER + "\n" + "".join(f"{x}\n" for x in lines) + last
    path = write_text(tmp_path / "q.csv", text)
    try:
        quotes = list(read_quotes(path, USDM))
    except DataError as exc:
        assert str(exc).startswith(f"{path}:")
        assert "\n" not in str(exc)
    else:
        assert_valid_quotes(quotes)


@TMP_SETTINGS
@given(st.lists(GARBAGE_LINE, max_size=15))
def test_depth_garbage_yields_only_valid_updates(tmp_path: Path, lines: list[str]) -> None:
    path = write_text(tmp_path / "d.csv", DEPTH_HEADER + "\n" + "".join(f"{x}\n" for x in lines))
    updates = list(read_depth(path, USDM))
    for u in updates:
        assert all(lv.price > 0 and lv.size >= 0 for lv in u.bids + u.asks)
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(updates))


def test_other_instruments_use_their_own_grid(tmp_path: Path) -> None:
    cents = Instrument(
        symbol=Symbol("X"), price_increment=Decimal("0.25"), size_increment=Decimal("1")
    )
    path = write_text(
        tmp_path / "q.csv", f"{QUOTES_HEADER}\n1,,1,10.25,3,10.50,4\n2,,1,10.3,3,11,4\n"
    )
    rejects = RejectCounter()
    assert list(read_quotes(path, cents, rejects)) == [Quote(Symbol("X"), 1, 41, 3, 42, 4)]
    assert rejects.counts == {"off_grid": 1}
