"""The canonical CSV: writer and reader round trips, header rules, bad rows, properties."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay.canonical import COLUMNS
from engine.replay.canonical import MAGIC
from engine.replay.canonical import CanonicalWriter
from engine.replay.canonical import read_canonical
from engine.replay.canonical import read_canonical_header
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import DataError
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.truefx import read_truefx
from tests.engine.replay.support import DATA
from tests.engine.replay.support import write_text

USDM = KNOWN_INSTRUMENTS[0].instrument
USDJPY = KNOWN_INSTRUMENTS[2].instrument
QUARTERS = Instrument(
    symbol=Symbol("ES-FUT"), price_increment=Decimal("0.25"), size_increment=Decimal("1")
)
HEADER = f"""{MAGIC}
# recorded by a test
# instrument symbol=BTCUSDT tick=0.1 lot=0.001 venue=BINANCE_USDM
# instrument symbol=USD/JPY tick=0.001 lot=1
{COLUMNS}
"""


def test_real_data_round_trips(tmp_path: Path) -> None:
    quotes = read_quotes(DATA / "binance_usdm_btcusdt_20240808_quotes.csv", USDM)
    trades = read_trades(DATA / "binance_usdm_btcusdt_20240808_trades.csv", USDM)
    fx = list(read_truefx(DATA / "raw" / "truefx_usdjpy-ticks.csv", USDJPY))
    binance: list[Quote | Trade] = [*quotes, *trades]
    events = [*fx, *sorted(binance, key=lambda e: e.ts)]  # 2013, then 2024
    path = tmp_path / "session.csv.gz"
    with CanonicalWriter(path, [USDM, USDJPY], comments=["round trip"]) as writer:
        assert writer.write_all(events) == len(events)
    header = read_canonical_header(path)
    assert header.instruments == (USDM, USDJPY)
    assert header.comments == ("round trip",)
    rejects = RejectCounter()
    assert list(read_canonical(path, rejects)) == events
    assert not rejects


def test_layout_is_as_documented() -> None:
    out = io.StringIO()
    with CanonicalWriter(out, [USDM]) as writer:
        writer.write(Quote(USDM.symbol, 1, 618002, 2507, 618003, 2510))
        writer.write(Trade(USDM.symbol, 2, 618003, 6, Side.BUY, "5266583935"))
        writer.write(Trade(USDM.symbol, 3, 618002, 1, Side.SELL))
    assert out.getvalue() == (
        f"{MAGIC}\n"
        "# instrument symbol=BTCUSDT tick=0.1 lot=0.001 venue=BINANCE_USDM min_lots=1\n"
        f"{COLUMNS}\n"
        "1,BTCUSDT,quote,61800.2,2.507,61800.3,2.510,,,,\n"
        "2,BTCUSDT,trade,,,,,61800.3,0.006,buy,5266583935\n"
        "3,BTCUSDT,trade,,,,,61800.2,0.001,sell,\n"
    )
    assert not out.closed  # a stream passed in stays open


def test_writer_refuses_what_it_cannot_write() -> None:
    writer = CanonicalWriter(io.StringIO(), [USDM])
    with pytest.raises(ValueError, match="no declared instrument"):
        writer.write(Quote(Symbol("ETHUSDT"), 1, 1, 1, 2, 1))
    with pytest.raises(ValueError, match="unquoted"):
        writer.write(Trade(USDM.symbol, 1, 1, 1, Side.BUY, "a,b"))
    with pytest.raises(ValueError, match="unquoted"):
        writer.write(Trade(USDM.symbol, 1, 1, 1, Side.BUY, "a\nb"))
    with pytest.raises(TypeError):
        writer.write(BookUpdate(USDM.symbol, 1, (), ()))
    bad = Instrument(symbol=Symbol("A B"), price_increment=Decimal(1), size_increment=Decimal(1))
    with pytest.raises(ValueError, match="'A B' is empty or has"):
        CanonicalWriter(io.StringIO(), [bad])
    with pytest.raises(ValueError, match="twice"):
        CanonicalWriter(io.StringIO(), [USDM, USDM])


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("5,ETHUSDT,quote,1.0,1,1.1,1,,,,", "unknown_symbol"),
        ("5,BTCUSDT,quote,61800.2,1.000,61800.3,1.000,61800.2,,,", "malformed"),
        ("5,BTCUSDT,trade,61800.2,,,,61800.2,0.001,buy,1", "malformed"),
        ("5,BTCUSDT,trade,,,,,61800.2,0.001,both,1", "malformed"),
        ("5,BTCUSDT,book,,,,,61800.2,0.001,buy,1", "malformed"),
        ("5,BTCUSDT,quote,61800.2,1.000,61800.3,1.000,,,", "malformed"),
        ("5,BTCUSDT,quote,61800.4,1.000,61800.3,1.000,,,,", "crossed"),
        ("5,BTCUSDT,quote,61800.3,1.000,61800.3,1.000,,,,", "locked"),
        ("5,BTCUSDT,trade,,,,,61800.25,0.001,buy,1", "off_grid"),
        ("5,BTCUSDT,trade,,,,,61800.2,0,buy,1", "bad_size"),
        ("5,USD/JPY,quote,86.655,0,inf,0,,,,", "not_finite"),
        ("1,USD/JPY,quote,86.655,0,86.7,0,,,,", "time_backwards"),
    ],
)
def test_bad_rows(tmp_path: Path, row: str, reason: str) -> None:
    first = "2,USD/JPY,quote,86.655,0,86.728,0,,,,"
    last = "9,BTCUSDT,trade,,,,,61800.2,0.001,sell,42"
    path = write_text(tmp_path / "c.csv", f"{HEADER}{first}\n{row}\n{last}\n")
    rejects = RejectCounter()
    assert [e.ts for e in read_canonical(path, rejects)] == [2, 9]
    assert rejects.counts == {reason: 1}
    assert rejects.first_line == {reason: 7}


def test_symbol_filter_skips_other_declared_symbols_without_counting(tmp_path: Path) -> None:
    rows = [
        "2,USD/JPY,quote,86.655,0,86.728,0,,,,",
        "3,BTCUSDT,trade,,,,,61800.2,0.001,sell,42",
        "4,ETHUSDT,trade,,,,,1.0,1,sell,43",
    ]
    path = write_text(tmp_path / "c.csv", HEADER + "\n".join(rows) + "\n")
    rejects = RejectCounter()
    assert [e.symbol for e in read_canonical(path, rejects, symbol="BTCUSDT")] == ["BTCUSDT"]
    assert rejects.counts == {"unknown_symbol": 1}


def test_instruments_can_be_supplied(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "c.csv", f"{MAGIC}\n{COLUMNS}\n1,ES-FUT,quote,10.25,1,10.5,2,,,,\n"
    )
    assert read_canonical_header(path).instruments == ()
    events = list(read_canonical(path, instruments={"ES-FUT": QUARTERS}))
    assert events == [Quote(QUARTERS.symbol, 1, 41, 1, 42, 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ":1: empty file"),
        (f"{COLUMNS}\n", ":1: expected '# scalpbot-market-data v1'"),
        ("# scalpbot-market-data v2\n", ":1: expected"),
        (f"{MAGIC}\n", ":2: missing the column line"),
        (f"{MAGIC}\n# instrument symbol=X tick=0.1\n{COLUMNS}\n", ":2: .*missing \\['lot'\\]"),
        (f"{MAGIC}\n# instrument symbol=X tick=1 lot=1 fee=2\n", ":2: .*unknown \\['fee'\\]"),
        (f"{MAGIC}\n# instrument symbol=X tick=abc lot=1\n", ":2: bad instrument declaration"),
        (f"{MAGIC}\n# instrument symbol=X tick=inf lot=1\n", ":2: bad instrument declaration"),
        (f"{MAGIC}\n# instrument symbol=X tick=1 tick=2 lot=1\n", ":2: .*a key given twice"),
        (f"{MAGIC}\n# instrument symbol=X tick=1e-6 lot=1e-6\n", ":2: .*finer than the money"),
        (
            f"{MAGIC}\n# instrument symbol=X tick=1 lot=1\n# instrument symbol=X tick=1 lot=1\n",
            ":3: instrument X declared twice",
        ),
        (f"{MAGIC}\nts,symbol\n", ":2: expected 'ts_ns,symbol"),
    ],
)
def test_bad_headers(tmp_path: Path, text: str, message: str) -> None:
    path = write_text(tmp_path / "c.csv", text)
    with pytest.raises(DataError, match=message) as info:
        list(read_canonical(path))
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_cut_off_last_row(tmp_path: Path) -> None:
    path = write_text(tmp_path / "c.csv", f"{HEADER}2,USD/JPY,quote,86.655,0,86.7")
    with pytest.raises(DataError, match=r"c.csv:6: truncated file"):
        list(read_canonical(path))


# -- properties ----------------------------------------------------------------------

INSTRUMENTS = [USDM, USDJPY, QUARTERS]
TRADE_IDS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters=",\r\n"), max_size=12
)


@st.composite
def event_lists(draw: st.DrawFn) -> list[Quote | Trade]:
    ts = draw(st.integers(min_value=0, max_value=2**62))
    events: list[Quote | Trade] = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        ts += draw(st.integers(min_value=0, max_value=10**6))
        symbol = draw(st.sampled_from(INSTRUMENTS)).symbol
        price = draw(st.integers(min_value=1, max_value=10**12))
        size = draw(st.integers(min_value=0, max_value=10**12))
        if draw(st.booleans()):
            ask = price + draw(st.integers(min_value=1, max_value=100))
            events.append(Quote(symbol, ts, price, size, ask, draw(st.integers(0, 10**6))))
        else:
            side = draw(st.sampled_from(Side))
            events.append(Trade(symbol, ts, price, size + 1, side, draw(TRADE_IDS)))
    return events


TMP_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@TMP_SETTINGS
@given(event_lists(), st.booleans())
def test_any_valid_events_round_trip(
    tmp_path: Path, events: list[Quote | Trade], compress: bool
) -> None:
    path = tmp_path / ("e.csv.gz" if compress else "e.csv")
    with CanonicalWriter(path, INSTRUMENTS) as writer:
        writer.write_all(events)
    rejects = RejectCounter()
    assert list(read_canonical(path, rejects)) == events
    assert not rejects


WORDS = ("BTCUSDT", "USD/JPY", "ES-FUT", "quote", "trade", "buy", "sell", "", "x")
NUMBERS = ("1", "2", "0", "-1", "nan", "61800.2", "61800.3", "86.655", "10.25", "1e400", "0.001")
FIELDS = st.sampled_from(WORDS) | st.sampled_from(NUMBERS)
GARBAGE_LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n")),
    st.lists(FIELDS, min_size=9, max_size=12).map(",".join),
)


@TMP_SETTINGS
@given(st.lists(GARBAGE_LINE, max_size=15))
def test_garbage_never_escapes(tmp_path: Path, lines: list[str]) -> None:
    path = write_text(tmp_path / "g.csv", HEADER + "".join(f"{x}\n" for x in lines))
    rejects = RejectCounter()
    events = list(read_canonical(path, rejects))
    for e in events:
        if isinstance(e, Quote):
            assert 0 < e.bid < e.ask and e.bid_size >= 0 and e.ask_size >= 0
        else:
            assert e.price > 0 and e.size > 0
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(events))
    assert len(events) + rejects.total == sum(1 for x in lines if x.strip())
