"""Every replay reader over every real data file and a set of malformed files, pinned.

Each case records what a reader gives: the number of events and a hash of their
sequence, the rejected rows (count and first line by reason) and the error that
ended the read, if any. The expected values were captured on the readers before
they shared one line-reading skeleton (issue 11), so any change of behaviour shows
here. To print the table afresh: ``python -m tests.engine.replay.test_readers_golden``.
"""

# ruff: noqa: E501  (the expected table: one case a line)

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import msgspec

from engine.model import Instrument
from engine.model import MarketEvent
from engine.replay.binance_raw import read_binance_raw
from engine.replay.canonical import read_canonical
from engine.replay.csv_normalised import read_depth
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.instruments import infer_instrument
from engine.replay.truefx import read_truefx

USDM = KNOWN_INSTRUMENTS[0].instrument
SPOT = KNOWN_INSTRUMENTS[1].instrument
USDJPY = KNOWN_INSTRUMENTS[2].instrument

_Read = Callable[[Path, Instrument, RejectCounter], Iterator[MarketEvent]]
READERS: dict[str, _Read] = {
    "quotes": read_quotes,
    "trades": read_trades,
    "depth": read_depth,
    "truefx": read_truefx,
    "binance_raw": read_binance_raw,
    "canonical": lambda path, inst, rejects: read_canonical(path, rejects),
}

Outcome = tuple[int, str, dict[str, int], dict[str, int], str | None]
"""Events, hash of their sequence, reject counts, first reject lines, error (type: message)."""


def outcome(read: _Read, path: Path, instrument: Instrument, root: Path) -> Outcome:
    rejects = RejectCounter()
    digest = hashlib.sha256()
    n = 0
    error = None
    encode = msgspec.msgpack.encode
    try:
        for event in read(path, instrument, rejects):
            digest.update(encode(event))
            n += 1
    except Exception as exc:  # every way a read can end is part of the behaviour pinned
        error = f"{type(exc).__name__}: {str(exc).replace(str(root), '<root>')}"
    return n, digest.hexdigest()[:16], dict(rejects.counts), dict(rejects.first_line), error


# -- real files ----------------------------------------------------------------------


def real_files(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*") if p.is_file())


def instruments_for(path: Path) -> dict[str, Instrument]:
    """The instrument the file name implies, and another one (off-grid rows, other symbols)."""
    known = infer_instrument(path)
    inferred = USDM if known is None else known.instrument
    return {"inferred": inferred, "other": SPOT if inferred == USDM else USDM}


def real_outcomes(data: Path) -> dict[str, Outcome]:
    out = {}
    for path in real_files(data):
        for which, instrument in instruments_for(path).items():
            for name, read in READERS.items():
                key = f"{name} {path.relative_to(data)} {which}"
                out[key] = outcome(read, path, instrument, data)
    return out


# -- malformed files -----------------------------------------------------------------

Q_HEAD = "ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\n"
T_HEAD = "ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\n"
D_HEAD = (
    "ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\n"
)
F_HEAD = "timestamp,bid,ask\n"

QUOTE_ROWS = (
    "100,1,1,61800.2,2.507,61800.3,2.510\n"
    "101,1,1,61800.2,2.507,61800.3\n"  # too few columns
    "102,1,1,abc,2.507,61800.3,2.510\n"
    "103,1,1,nan,2.507,61800.3,2.510\n"
    "104,1,1,inf,2.507,61800.3,2.510\n"
    "105,1,1,-1,2.507,61800.3,2.510\n"
    "106,1,1,0,2.507,61800.3,2.510\n"
    "107,1,1,61800.2,-2.507,61800.3,2.510\n"
    "108,1,1,61800.25,2.507,61800.3,2.510\n"  # off grid
    "109,1,1,1e300,2.507,1e301,2.510\n"
    "110,1,1,61800.4,2.507,61800.3,2.510\n"  # crossed
    "111,1,1,61800.3,2.507,61800.3,2.510\n"  # locked
    "\n"
    "   \n"
    "99,1,1,61800.2,2.507,61800.3,2.510\n"  # backwards
    "-5,1,1,61800.2,2.507,61800.3,2.510\n"
    "x,1,1,61800.2,2.507,61800.3,2.510\n"
    "112,1,1,61800.2,2.507,61800.3,2.510\r\n"
    "113,,,61800.2,0,61800.3,0\n"
    "114,1,1,61800.2,2.507,61800.3,2.510,9\n"
    "115,1,1,61800.1,1.000,61800.2,1.000\n"
)
TRADE_ROWS = (
    "100,1,7,61800.3,0.006,0\n"
    "101,1,8,61800.3,0.006,1\n"
    "102,1,9,61800.3,0.006,true\n"
    "103,1,10,61800.3,0.006,false\n"
    "104,1,11,61800.3,0.006,x\n"
    "105,1,12,61800.3,0,0\n"
    "106,1,13,61800.3,-1,0\n"
    "107,1,14,0,0.006,0\n"
    "108,1,15,61800.35,0.006,0\n"
    "109,1,16,61800.3,0.006\n"
    "50,1,17,61800.3,0.006,0\n"
    "-1,1,18,61800.3,0.006,0\n"
    "\n"
    "110,1,19,61800.3,0.0065,1\r\n"
    "111,1,20,61800.3,0.006,1\n"
)
DEPTH_ROWS = (
    "100,1,snapshot,,10,,b,61800.1,1.0\n"
    "100,1,snapshot,,10,,a,61800.2,1.0\n"
    "101,1,update,11,12,10,b,61800.1,0\n"
    "101,1,update,11,12,10,a,61800.3,2.5\n"
    "102,1,update,13,14,12,b,61800.0,1\n"
    "102,1,update,13,14,12,x,61800.0,1\n"  # unknown side: message dropped
    "103,1,update,15,16,14,b,abc,1\n"
    "104,1,update,17,18,16,b,61800.0,-1\n"
    "105,1,update,19,20,18,b,0,1\n"
    "106,1,weird,21,22,20,b,61800.0,1\n"
    "107,1,snapshot,,30,,b,61800.5,1\n"
    "107,1,snapshot,,30,,a,61800.5,1\n"  # locked snapshot
    "108,1,snapshot,,31,,b,61800.6,1\n"
    "108,1,snapshot,,31,,a,61800.5,1\n"  # crossed snapshot
    "50,1,update,32,33,31,b,61800.0,1\n"  # backwards
    "garbage\n"
    "109,1,update,34,35,33,b,61800.0,1\n"
    "109,1,update,34,35,33,b,61800.05,1\n"  # off grid
    "\n"
    "110,1,update,36,37,35,a,61801.0,1\r\n"
    "-1,1,update,38,39,37,a,61801.0,1\n"
    "x,1,update,40,41,39,a,61801.0,1\n"
    "111,1,update,x,43,41,a,61801.0,1\n"
    "112,1,update,44,45,43,a,61801.0,1\n"
    "only,two\n"
    "113,1,update,46,47,45,a,61801.0,1\n"
)
TRUEFX_ROWS = (
    "2013-01-01 22:00:00.295000+00:00,86.655,86.728\n"
    "2013-01-01 22:00:01+00:00,86.655,86.728\n"
    "2013-01-01T23:00:02.000001+01:00,86.655,86.728\n"
    "2013-01-01 22:00:03,86.655,86.728\n"
    "2013-01-01 22:00:04+00:00,86.728,86.655\n"
    "2013-01-01 22:00:05+00:00,86.655,86.655\n"
    "2013-01-01 22:00:06+00:00,0,86.655\n"
    "2013-01-01 22:00:07+00:00,86.6555,86.728\n"
    "not a time,86.655,86.728\n"
    "2013-01-01 22:00:08+00:00,86.655\n"
    "2013-01-01 21:00:00+00:00,86.655,86.728\n"
    "1960-01-01 00:00:00+00:00,86.655,86.728\n"
    "\n"
    "2013-01-01 22:00:09+00:00,86.655,86.728\r\n"
    "2013-01-01 22:00:10+00:00,86.655,86.728\n"
)
_TICKER = (
    '{{"stream":"btcusdt@bookTicker","data":{{"e":"bookTicker","s":"{s}",'
    '"b":"{b}","B":"2.507","a":"{a}","A":"2.510"}}}}'
)
_TRADE = (
    '{{"stream":"btcusdt@trade","data":{{"e":"trade","s":"{s}","t":{t},'
    '"p":"{p}","q":"{q}","m":{m}}}}}'
)
_DIFF = (
    '{{"stream":"btcusdt@depth@0ms","data":{{"e":"depthUpdate","s":"BTCUSDT",'
    '"U":11,"u":12,{pu}"b":{b},"a":[["61800.3","1.0"]]}}}}'
)
RAW_ROWS = "".join(
    line + "\n"
    for line in (
        "100 " + _TICKER.format(s="BTCUSDT", b="61800.2", a="61800.3"),
        "101 " + _TRADE.format(s="BTCUSDT", t=7, p="61800.3", q="0.006", m="false"),
        "102 " + _TRADE.format(s="BTCUSDT", t=8, p="61800.3", q="0.006", m="true"),
        "103 " + _DIFF.format(pu='"pu":10,', b='[["61800.1","0"]]'),
        "104 " + _DIFF.format(pu="", b='[["61800.1","2"]]'),
        '105 {"lastUpdateId":10,"bids":[["61800.1","1"]],"asks":[["61800.2","1"]]}',
        '106 {"lastUpdateId":11,"bids":[["61800.3","1"]],"asks":[["61800.2","1"]]}',
        '107 {"lastUpdateId":12,"bids":[["61800.2","1"]],"asks":[["61800.2","1"]]}',
        '108 {"lastUpdateId":0,"bids":[],"asks":[]}',
        '109 {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}}',
        "110 " + _TICKER.format(s="ETHUSDT", b="61800.2", a="61800.3"),
        "111 " + _TICKER.format(s="BTCUSDT", b="61800.4", a="61800.3"),
        "112 " + _TICKER.format(s="BTCUSDT", b="61800.3", a="61800.3"),
        "113 " + _TICKER.format(s="BTCUSDT", b="0", a="61800.3"),
        "114 " + _TICKER.format(s="BTCUSDT", b="61800.25", a="61800.3"),
        "115 " + _TRADE.format(s="BTCUSDT", t=9, p="61800.3", q="0", m="false"),
        "116 " + _TRADE.format(s="BTCUSDT", t=10, p="-1", q="0.006", m="false"),
        "117 " + _TRADE.format(s="XRPUSDT", t=11, p="61800.3", q="0.006", m="false"),
        "118 " + _DIFF.format(pu="", b='[["0","2"]]'),
        "119 " + _DIFF.format(pu="", b='[["61800.1","-2"]]'),
        "120 {not json",
        '121 {"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT"}}',
        "50 " + _TICKER.format(s="BTCUSDT", b="61800.2", a="61800.3"),
        "-3 " + _TICKER.format(s="BTCUSDT", b="61800.2", a="61800.3"),
        "x " + _TICKER.format(s="BTCUSDT", b="61800.2", a="61800.3"),
        "",
        "   ",
        "122 " + _TICKER.format(s="BTCUSDT", b="61800.2", a="61800.3") + "\r",
        "123 " + _TRADE.format(s="BTCUSDT", t=12, p="61800.3", q="0.006", m="false"),
    )
)
CANONICAL_TEXT = (
    "# scalpbot-market-data v1\n"
    "# instrument symbol=BTCUSDT tick=0.1 lot=0.001 venue=BINANCE_USDM\n"
    "ts_ns,symbol,kind,bid,bid_size,ask,ask_size,price,size,aggressor,trade_id\n"
    "100,BTCUSDT,quote,61800.2,2.507,61800.3,2.510,,,,\n"
    "101,BTCUSDT,trade,,,,,61800.3,0.006,buy,5\n"
    "102,ETHUSDT,trade,,,,,61800.3,0.006,buy,6\n"
    "103,BTCUSDT,quote,61800.4,2.507,61800.3,2.510,,,,\n"
    "50,BTCUSDT,trade,,,,,61800.3,0.006,sell,7\n"
    "104,BTCUSDT,bar,,,,,61800.3,0.006,sell,7\n"
)

FORMATS = {
    "quotes": Q_HEAD + QUOTE_ROWS,
    "trades": T_HEAD + TRADE_ROWS,
    "depth": D_HEAD + DEPTH_ROWS,
    "truefx": F_HEAD + TRUEFX_ROWS,
    "binance_raw": RAW_ROWS,
    "canonical": CANONICAL_TEXT,
}


def malformed_files(tmp: Path) -> dict[str, tuple[bytes, Instrument]]:
    """Name -> (file contents, instrument) for each format's broken variants."""
    files: dict[str, tuple[bytes, Instrument]] = {}
    for fmt, text in FORMATS.items():
        inst = USDJPY if fmt == "truefx" else USDM
        raw = text.encode()
        packed = gzip.compress(raw, mtime=0)
        first, _, rest = text.partition("\n")
        files.update(
            {
                f"{fmt}/rows": (raw, inst),
                f"{fmt}/gzip": (packed, inst),
                f"{fmt}/bom": ("\ufeff".encode() + raw, inst),
                f"{fmt}/crlf": (text.replace("\n", "\r\n").encode(), inst),
                f"{fmt}/cut_good_last_line": (raw + raw.splitlines()[-1], inst),
                f"{fmt}/cut_bad_last_line": (raw + b"1,2,3", inst),
                f"{fmt}/header_only": ((first + "\n").encode(), inst),
                f"{fmt}/header_no_newline": (first.encode(), inst),
                f"{fmt}/wrong_header": (("x" + first + "\n" + rest).encode(), inst),
                f"{fmt}/not_utf8_row": (
                    raw + b"\xff\xfe,1,2\n" + raw.splitlines()[-1] + b"\n",
                    inst,
                ),
                f"{fmt}/gzip_truncated": (packed[: len(packed) * 2 // 3], inst),
                f"{fmt}/gzip_no_trailer": (packed[:-8], inst),
                f"{fmt}/blank_first_line": (b"\n" + raw, inst),
            }
        )
    files["any/empty"] = (b"", USDM)
    files["any/gzip_empty"] = (gzip.compress(b"", mtime=0), USDM)
    files["any/gzip_garbage"] = (b"\x1f\x8b" + b"garbage" * 20, USDM)
    files["any/not_utf8_header"] = (b"\xff\xfe\xfd\n1,2,3\n", USDM)
    files["any/binary"] = (bytes(range(256)) * 4, USDM)
    return files


def real_cuts(data: Path) -> dict[str, tuple[bytes, Instrument]]:
    """Real files cut short or damaged part-way through."""
    depth = (data / "binance_usdm_btcusdt_20240808_depth.csv.gz").read_bytes()
    raw = (data / "raw" / "spot_btcusdt_20240809.gz").read_bytes()
    quotes = (data / "binance_usdm_btcusdt_20240808_quotes.csv").read_bytes()
    trades = (data / "binance_spot_btcusdt_20240809_trades.csv").read_bytes()
    truefx = (data / "raw" / "truefx_usdjpy-ticks.csv").read_bytes()
    mid = len(quotes) // 2
    return {
        "cut/depth_gz": (depth[:200_000], USDM),
        "cut/raw_gz": (raw[:300_000], SPOT),
        "cut/quotes_mid_line": (quotes[: mid + 17], USDM),
        "cut/quotes_flipped_byte": (quotes[:mid] + b"\xff" + quotes[mid + 1 :], USDM),
        "cut/trades_spliced": (trades[:50_000] + trades[1_000:60_000], SPOT),
        "cut/truefx_reversed": (
            b"\n".join([truefx.splitlines()[0], *truefx.splitlines()[:0:-1]]) + b"\n",
            USDJPY,
        ),
    }


def malformed_outcomes(tmp: Path, data: Path) -> dict[str, Outcome]:
    out = {}
    cases = malformed_files(tmp) | real_cuts(data)
    for name, (content, instrument) in cases.items():
        path = tmp / name.replace("/", "__")
        path.write_bytes(content)
        for reader, read in READERS.items():
            out[f"{reader} {name}"] = outcome(read, path, instrument, tmp)
    for reader, read in READERS.items():
        out[f"{reader} any/missing"] = outcome(read, tmp / "missing.csv", USDM, tmp)
        out[f"{reader} any/directory"] = outcome(read, tmp, USDM, tmp)
    return out


# -- the expected values, captured before the readers shared a skeleton ---------------

# fmt: off
EXPECTED: dict[str, Outcome] = {
    'quotes SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'trades SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'depth SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'truefx SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'timestamp,bid,ask', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'binance_raw SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: not a '<ns> <json>' Binance capture: 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'canonical SHA256SUMS inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: expected '# scalpbot-market-data v1', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'quotes SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'trades SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'depth SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'truefx SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: wrong header: expected 'timestamp,bid,ask', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'binance_raw SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: not a '<ns> <json>' Binance capture: 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'canonical SHA256SUMS other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SHA256SUMS:1: expected '# scalpbot-market-data v1', found 'a6a79144ea5860227299bd04acb35b556c1fdd293e0df41fad7a8a585...'"),
    'quotes SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# Real market data for tests and benchmarks'"),
    'trades SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# Real market data for tests and benchmarks'"),
    'depth SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# Real market data for tests and benchmarks'"),
    'truefx SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'timestamp,bid,ask', found '# Real market data for tests and benchmarks'"),
    'binance_raw SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: not a '<ns> <json>' Binance capture: '# Real market data for tests and benchmarks'"),
    'canonical SOURCES.md inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: expected '# scalpbot-market-data v1', found '# Real market data for tests and benchmarks'"),
    'quotes SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# Real market data for tests and benchmarks'"),
    'trades SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# Real market data for tests and benchmarks'"),
    'depth SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# Real market data for tests and benchmarks'"),
    'truefx SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: wrong header: expected 'timestamp,bid,ask', found '# Real market data for tests and benchmarks'"),
    'binance_raw SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: not a '<ns> <json>' Binance capture: '# Real market data for tests and benchmarks'"),
    'canonical SOURCES.md other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/SOURCES.md:1: expected '# scalpbot-market-data v1', found '# Real market data for tests and benchmarks'"),
    'quotes binance_spot_btcusdt_20240809_quotes.csv inferred': (45134, '63d73f4e8b7872db', {}, {}, None),
    'trades binance_spot_btcusdt_20240809_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth binance_spot_btcusdt_20240809_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx binance_spot_btcusdt_20240809_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw binance_spot_btcusdt_20240809_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical binance_spot_btcusdt_20240809_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {'off_grid': 45134}, {'off_grid': 2}, None),
    'trades binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical binance_spot_btcusdt_20240809_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_quotes.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes binance_spot_btcusdt_20240809_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades binance_spot_btcusdt_20240809_trades.csv inferred': (10147, 'e446e04f986e7bab', {}, {}, None),
    'depth binance_spot_btcusdt_20240809_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx binance_spot_btcusdt_20240809_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw binance_spot_btcusdt_20240809_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical binance_spot_btcusdt_20240809_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes binance_spot_btcusdt_20240809_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades binance_spot_btcusdt_20240809_trades.csv other': (100, 'd31d9bf8b273d1b3', {'off_grid': 10047}, {'off_grid': 2}, None),
    'depth binance_spot_btcusdt_20240809_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx binance_spot_btcusdt_20240809_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw binance_spot_btcusdt_20240809_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical binance_spot_btcusdt_20240809_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_spot_btcusdt_20240809_trades.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (6552, '2d9a5e8aef47b0cf', {}, {}, None),
    'truefx binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical binance_usdm_btcusdt_20240808_depth.csv.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes binance_usdm_btcusdt_20240808_depth.csv.gz other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades binance_usdm_btcusdt_20240808_depth.csv.gz other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth binance_usdm_btcusdt_20240808_depth.csv.gz other': (6552, '36208d27fdbf1d7a', {}, {}, None),
    'truefx binance_usdm_btcusdt_20240808_depth.csv.gz other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw binance_usdm_btcusdt_20240808_depth.csv.gz other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical binance_usdm_btcusdt_20240808_depth.csv.gz other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_depth.csv.gz:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes binance_usdm_btcusdt_20240808_quotes.csv inferred': (66089, '095accb7aa00929f', {}, {}, None),
    'trades binance_usdm_btcusdt_20240808_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth binance_usdm_btcusdt_20240808_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx binance_usdm_btcusdt_20240808_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw binance_usdm_btcusdt_20240808_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical binance_usdm_btcusdt_20240808_quotes.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes binance_usdm_btcusdt_20240808_quotes.csv other': (66089, 'f699c6a9829c7033', {}, {}, None),
    'trades binance_usdm_btcusdt_20240808_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth binance_usdm_btcusdt_20240808_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx binance_usdm_btcusdt_20240808_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw binance_usdm_btcusdt_20240808_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical binance_usdm_btcusdt_20240808_quotes.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_quotes.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes binance_usdm_btcusdt_20240808_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades binance_usdm_btcusdt_20240808_trades.csv inferred': (21313, '0f59385d5e9abc42', {}, {}, None),
    'depth binance_usdm_btcusdt_20240808_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx binance_usdm_btcusdt_20240808_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw binance_usdm_btcusdt_20240808_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical binance_usdm_btcusdt_20240808_trades.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes binance_usdm_btcusdt_20240808_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades binance_usdm_btcusdt_20240808_trades.csv other': (21313, '0e23514307b8a6a0', {}, {}, None),
    'depth binance_usdm_btcusdt_20240808_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx binance_usdm_btcusdt_20240808_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw binance_usdm_btcusdt_20240808_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical binance_usdm_btcusdt_20240808_trades.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_usdm_btcusdt_20240808_trades.csv:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'trades raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'depth raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'truefx raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'timestamp,bid,ask', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'binance_raw raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: not a '<ns> <json>' Binance capture: 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'canonical raw/binance_btcusdt-depth-snap.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: expected '# scalpbot-market-data v1', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'quotes raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'trades raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'depth raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'truefx raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: wrong header: expected 'timestamp,bid,ask', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'binance_raw raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: not a '<ns> <json>' Binance capture: 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'canonical raw/binance_btcusdt-depth-snap.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-snap.csv:1: expected '# scalpbot-market-data v1', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'quotes raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'trades raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'depth raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'truefx raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'timestamp,bid,ask', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'binance_raw raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: not a '<ns> <json>' Binance capture: 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'canonical raw/binance_btcusdt-depth-update.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: expected '# scalpbot-market-data v1', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'quotes raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'trades raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'depth raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'truefx raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: wrong header: expected 'timestamp,bid,ask', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'binance_raw raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: not a '<ns> <json>' Binance capture: 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'canonical raw/binance_btcusdt-depth-update.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/binance_btcusdt-depth-update.csv:1: expected '# scalpbot-market-data v1', found 'symbol,timestamp,first_update_id,last_update_id,side,upda...'"),
    'quotes raw/spot_btcusdt_20240809.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'trades raw/spot_btcusdt_20240809.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'depth raw/spot_btcusdt_20240809.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'truefx raw/spot_btcusdt_20240809.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'timestamp,bid,ask\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'binance_raw raw/spot_btcusdt_20240809.gz inferred': (58321, 'bf56c33c1f485946', {'off_grid': 4}, {'off_grid': 5580}, None),
    'canonical raw/spot_btcusdt_20240809.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: expected \'# scalpbot-market-data v1\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'quotes raw/spot_btcusdt_20240809.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'trades raw/spot_btcusdt_20240809.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'depth raw/spot_btcusdt_20240809.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'truefx raw/spot_btcusdt_20240809.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: wrong header: expected \'timestamp,bid,ask\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'binance_raw raw/spot_btcusdt_20240809.gz other': (101, 'a65f25fbd2058fe2', {'off_grid': 58224}, {'off_grid': 1}, None),
    'canonical raw/spot_btcusdt_20240809.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/spot_btcusdt_20240809.gz:1: expected \'# scalpbot-market-data v1\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'quotes raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'trades raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'depth raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'truefx raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'binance_raw raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'canonical raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'quotes raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'trades raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'depth raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'truefx raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'binance_raw raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'canonical raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,asks[0].price,a...'"),
    'quotes raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'trades raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'depth raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'truefx raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'binance_raw raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'canonical raw/tardis_bitmex_trades_XBTUSD.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'quotes raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'trades raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'depth raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'truefx raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'binance_raw raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'canonical raw/tardis_bitmex_trades_XBTUSD.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_bitmex_trades_XBTUSD.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,id,side,price,a...'"),
    'quotes raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'trades raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'depth raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'truefx raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'binance_raw raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'canonical raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'quotes raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'trades raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'depth raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'truefx raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: wrong header: expected 'timestamp,bid,ask', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'binance_raw raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: not a '<ns> <json>' Binance capture: 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'canonical raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv:1: expected '# scalpbot-market-data v1', found 'exchange,symbol,timestamp,local_timestamp,is_snapshot,sid...'"),
    'quotes raw/truefx_usdjpy-ticks.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades raw/truefx_usdjpy-ticks.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth raw/truefx_usdjpy-ticks.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx raw/truefx_usdjpy-ticks.csv inferred': (999, '48b70140522ecbf6', {'locked': 1}, {'locked': 943}, None),
    'binance_raw raw/truefx_usdjpy-ticks.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical raw/truefx_usdjpy-ticks.csv inferred': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {'off_grid': 1000}, {'off_grid': 2}, None),
    'binance_raw raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical raw/truefx_usdjpy-ticks.csv other': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/raw/truefx_usdjpy-ticks.csv:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes raw/usdm_btcusdt_20240808.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'trades raw/usdm_btcusdt_20240808.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'depth raw/usdm_btcusdt_20240808.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'truefx raw/usdm_btcusdt_20240808.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'timestamp,bid,ask\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'binance_raw raw/usdm_btcusdt_20240808.gz inferred': (93954, 'c57d86314908b35d', {}, {}, None),
    'canonical raw/usdm_btcusdt_20240808.gz inferred': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: expected \'# scalpbot-market-data v1\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'quotes raw/usdm_btcusdt_20240808.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'trades raw/usdm_btcusdt_20240808.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'depth raw/usdm_btcusdt_20240808.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'truefx raw/usdm_btcusdt_20240808.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: wrong header: expected \'timestamp,bid,ask\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'binance_raw raw/usdm_btcusdt_20240808.gz other': (93954, 'b424cc414d5dfec8', {}, {}, None),
    'canonical raw/usdm_btcusdt_20240808.gz other': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/raw/usdm_btcusdt_20240808.gz:1: expected \'# scalpbot-market-data v1\', found \'1723161255030314667 {"stream":"btcusdt@depth@0ms","data":...\''),
    'quotes quotes/rows': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, None),
    'trades quotes/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__rows:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__rows:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__rows:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/gzip': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, None),
    'trades quotes/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/bom': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, None),
    'trades quotes/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '\\ufeffts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '\\ufeffts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__bom:1: wrong header: expected 'timestamp,bid,ask', found '\\ufeffts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__bom:1: not a '<ns> <json>' Binance capture: '\\ufeffts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__bom:1: expected '# scalpbot-market-data v1', found '\\ufeffts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/crlf': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, None),
    'trades quotes/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__crlf:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__crlf:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__crlf:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/cut_good_last_line': (5, '867ceacd9c070213', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, None),
    'trades quotes/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_good_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_good_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_good_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/cut_bad_last_line': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, 'DataError: <root>/quotes__cut_bad_last_line:23: truncated file: the last line is cut off (malformed)'),
    'trades quotes/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_bad_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_bad_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__cut_bad_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'trades quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_only:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_only:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_only:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'trades quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_no_newline:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_no_newline:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__header_no_newline:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'trades quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: wrong header: expected 'timestamp,bid,ask', found 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: not a '<ns> <json>' Binance capture: 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__wrong_header:1: expected '# scalpbot-market-data v1', found 'xts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/quotes__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 704 of the line)'),
    'trades quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/quotes__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 704 of the line)'),
    'depth quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/quotes__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 704 of the line)'),
    'truefx quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/quotes__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 704 of the line)'),
    'binance_raw quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__not_utf8_row:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/quotes__not_utf8_row: not UTF-8 text (invalid start byte at byte 704 of the line)'),
    'quotes quotes/gzip_truncated': (1, 'a431c12dbdc43af5', {'malformed': 2, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9}, 'DataError: <root>/quotes__gzip_truncated:10: truncated compressed file (ended before the end-of-stream marker)'),
    'trades quotes/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_truncated:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_truncated:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_truncated:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/gzip_no_trailer': (4, 'b50c4120f90afab6', {'malformed': 5, 'not_finite': 2, 'bad_price': 2, 'bad_size': 1, 'off_grid': 1, 'out_of_range': 1, 'crossed': 1, 'locked': 1, 'time_backwards': 1}, {'malformed': 3, 'not_finite': 5, 'bad_price': 7, 'bad_size': 9, 'off_grid': 10, 'out_of_range': 11, 'crossed': 12, 'locked': 13, 'time_backwards': 16}, 'DataError: <root>/quotes__gzip_no_trailer:23: truncated compressed file (ended before the end-of-stream marker)'),
    'trades quotes/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth quotes/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx quotes/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_no_trailer:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw quotes/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_no_trailer:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical quotes/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__gzip_no_trailer:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical quotes/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/quotes__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes trades/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/rows': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, None),
    'depth trades/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__rows:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__rows:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__rows:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/gzip': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, None),
    'depth trades/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '\\ufeffts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/bom': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, None),
    'depth trades/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '\\ufeffts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__bom:1: wrong header: expected 'timestamp,bid,ask', found '\\ufeffts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__bom:1: not a '<ns> <json>' Binance capture: '\\ufeffts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__bom:1: expected '# scalpbot-market-data v1', found '\\ufeffts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/crlf': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, None),
    'depth trades/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__crlf:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__crlf:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__crlf:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/cut_good_last_line': (6, 'e4923d68db52af63', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, None),
    'depth trades/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_good_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_good_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_good_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/cut_bad_last_line': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, 'DataError: <root>/trades__cut_bad_last_line:17: truncated file: the last line is cut off (malformed)'),
    'depth trades/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_bad_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_bad_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__cut_bad_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'depth trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_only:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_only:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_only:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'depth trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_no_newline:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_no_newline:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__header_no_newline:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'depth trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: wrong header: expected 'timestamp,bid,ask', found 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: not a '<ns> <json>' Binance capture: 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__wrong_header:1: expected '# scalpbot-market-data v1', found 'xts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/trades__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 398 of the line)'),
    'trades trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/trades__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 398 of the line)'),
    'depth trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/trades__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 398 of the line)'),
    'truefx trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/trades__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 398 of the line)'),
    'binance_raw trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__not_utf8_row:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/trades__not_utf8_row: not UTF-8 text (invalid start byte at byte 398 of the line)'),
    'quotes trades/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/gzip_truncated': (4, 'd9d414932f5eadea', {}, {}, 'DataError: <root>/trades__gzip_truncated:6: truncated compressed file (ended before the end-of-stream marker)'),
    'depth trades/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_truncated:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_truncated:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_truncated:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades trades/gzip_no_trailer': (5, 'd1aebd1f24b46104', {'malformed': 3, 'bad_size': 2, 'bad_price': 1, 'off_grid': 2, 'time_backwards': 1}, {'malformed': 6, 'bad_size': 7, 'bad_price': 9, 'off_grid': 10, 'time_backwards': 12}, 'DataError: <root>/trades__gzip_no_trailer:17: truncated compressed file (ended before the end-of-stream marker)'),
    'depth trades/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx trades/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_no_trailer:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw trades/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_no_trailer:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical trades/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__gzip_no_trailer:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical trades/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/trades__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes depth/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/rows': (4, 'bc4bf9515d98553f', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, None),
    'truefx depth/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__rows:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__rows:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__rows:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/gzip': (4, 'bc4bf9515d98553f', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, None),
    'truefx depth/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '\\ufeffts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'trades depth/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '\\ufeffts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'depth depth/bom': (4, 'bc4bf9515d98553f', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, None),
    'truefx depth/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__bom:1: wrong header: expected 'timestamp,bid,ask', found '\\ufeffts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'binance_raw depth/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__bom:1: not a '<ns> <json>' Binance capture: '\\ufeffts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'canonical depth/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__bom:1: expected '# scalpbot-market-data v1', found '\\ufeffts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'quotes depth/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/crlf': (4, 'bc4bf9515d98553f', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, None),
    'truefx depth/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__crlf:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__crlf:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__crlf:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/cut_good_last_line': (4, '38ce9e558e18b45f', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, None),
    'truefx depth/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_good_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_good_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_good_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/cut_bad_last_line': (3, '38582250d66cc719', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, 'DataError: <root>/depth__cut_bad_last_line:28: truncated file: the last line is cut off (malformed)'),
    'truefx depth/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_bad_last_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_bad_last_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__cut_bad_last_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'truefx depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_only:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_only:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_only:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'truefx depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_no_newline:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_no_newline:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__header_no_newline:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'trades depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'depth depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'truefx depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: wrong header: expected 'timestamp,bid,ask', found 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'binance_raw depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: not a '<ns> <json>' Binance capture: 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'canonical depth/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__wrong_header:1: expected '# scalpbot-market-data v1', found 'xts_local_ns,ts_exch_ms,kind,first_update_id,last_update_...'"),
    'quotes depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/depth__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 870 of the line)'),
    'trades depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/depth__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 870 of the line)'),
    'depth depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/depth__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 870 of the line)'),
    'truefx depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/depth__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 870 of the line)'),
    'binance_raw depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__not_utf8_row:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/depth__not_utf8_row: not UTF-8 text (invalid start byte at byte 870 of the line)'),
    'quotes depth/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/gzip_truncated': (2, 'cf0bc6e05a69386d', {'malformed': 3, 'bad_size': 1, 'bad_price': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10}, 'DataError: <root>/depth__gzip_truncated:14: truncated compressed file (ended before the end-of-stream marker)'),
    'truefx depth/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_truncated:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_truncated:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_truncated:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades depth/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth depth/gzip_no_trailer': (3, '38582250d66cc719', {'malformed': 8, 'bad_size': 1, 'bad_price': 1, 'locked': 1, 'crossed': 1, 'off_grid': 1}, {'malformed': 7, 'bad_size': 9, 'bad_price': 10, 'locked': 12, 'crossed': 14, 'off_grid': 19}, 'DataError: <root>/depth__gzip_no_trailer:28: truncated compressed file (ended before the end-of-stream marker)'),
    'truefx depth/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_no_trailer:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw depth/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_no_trailer:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical depth/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__gzip_no_trailer:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical depth/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/depth__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes truefx/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/rows': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, None),
    'binance_raw truefx/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__rows:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__rows:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/gzip': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, None),
    'binance_raw truefx/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '\\ufefftimestamp,bid,ask'"),
    'trades truefx/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '\\ufefftimestamp,bid,ask'"),
    'depth truefx/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '\\ufefftimestamp,bid,ask'"),
    'truefx truefx/bom': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, None),
    'binance_raw truefx/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__bom:1: not a '<ns> <json>' Binance capture: '\\ufefftimestamp,bid,ask'"),
    'canonical truefx/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__bom:1: expected '# scalpbot-market-data v1', found '\\ufefftimestamp,bid,ask'"),
    'quotes truefx/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/crlf': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, None),
    'binance_raw truefx/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__crlf:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__crlf:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/cut_good_last_line': (7, '377d87a6dd5a90dc', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, None),
    'binance_raw truefx/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_good_last_line:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_good_last_line:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/cut_bad_last_line': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, 'DataError: <root>/truefx__cut_bad_last_line:17: truncated file: the last line is cut off (malformed)'),
    'binance_raw truefx/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_bad_last_line:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__cut_bad_last_line:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'binance_raw truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_only:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_only:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, None),
    'binance_raw truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_no_newline:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__header_no_newline:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'xtimestamp,bid,ask'"),
    'trades truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'xtimestamp,bid,ask'"),
    'depth truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'xtimestamp,bid,ask'"),
    'truefx truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: wrong header: expected 'timestamp,bid,ask', found 'xtimestamp,bid,ask'"),
    'binance_raw truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: not a '<ns> <json>' Binance capture: 'xtimestamp,bid,ask'"),
    'canonical truefx/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__wrong_header:1: expected '# scalpbot-market-data v1', found 'xtimestamp,bid,ask'"),
    'quotes truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/truefx__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 562 of the line)'),
    'trades truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/truefx__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 562 of the line)'),
    'depth truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/truefx__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 562 of the line)'),
    'truefx truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/truefx__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 562 of the line)'),
    'binance_raw truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__not_utf8_row:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/truefx__not_utf8_row: not UTF-8 text (invalid start byte at byte 562 of the line)'),
    'quotes truefx/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/gzip_truncated': (4, '171a51c0aba76ddf', {}, {}, 'DataError: <root>/truefx__gzip_truncated:6: truncated compressed file (ended before the end-of-stream marker)'),
    'binance_raw truefx/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_truncated:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_truncated:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades truefx/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth truefx/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx truefx/gzip_no_trailer': (6, 'ea5362f170b02132', {'crossed': 1, 'locked': 1, 'bad_price': 1, 'off_grid': 1, 'malformed': 3, 'time_backwards': 1}, {'crossed': 6, 'locked': 7, 'bad_price': 8, 'off_grid': 9, 'malformed': 10, 'time_backwards': 12}, 'DataError: <root>/truefx__gzip_no_trailer:17: truncated compressed file (ended before the end-of-stream marker)'),
    'binance_raw truefx/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_no_trailer:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical truefx/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__gzip_no_trailer:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical truefx/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/truefx__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes binance_raw/rows': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__rows:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/rows': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__rows:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/rows': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__rows:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/rows': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__rows:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/rows': (8, '5801018507d3f505', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, None),
    'canonical binance_raw/rows': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__rows:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/gzip': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/gzip': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/gzip': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/gzip': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/gzip': (8, '5801018507d3f505', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, None),
    'canonical binance_raw/gzip': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'trades binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'depth binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'truefx binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: wrong header: expected \'timestamp,bid,ask\', found \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'binance_raw binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: not a \'<ns> <json>\' Binance capture: \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'canonical binance_raw/bom': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__bom:1: expected \'# scalpbot-market-data v1\', found \'\\ufeff100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'quotes binance_raw/crlf': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__crlf:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/crlf': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__crlf:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/crlf': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__crlf:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/crlf': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__crlf:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/crlf': (8, '5801018507d3f505', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, None),
    'canonical binance_raw/crlf': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__crlf:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_good_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_good_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_good_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_good_last_line:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/cut_good_last_line': (9, '437f1032595b5a13', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, None),
    'canonical binance_raw/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_good_last_line:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_bad_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_bad_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_bad_last_line:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_bad_last_line:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/cut_bad_last_line': (8, '5801018507d3f505', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, 'DataError: <root>/binance_raw__cut_bad_last_line:30: truncated file: the last line is cut off (malformed)'),
    'canonical binance_raw/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__cut_bad_last_line:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/header_only': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_only:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/header_only': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_only:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/header_only': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_only:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/header_only': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_only:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/header_only': (1, 'a431c12dbdc43af5', {}, {}, None),
    'canonical binance_raw/header_only': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_only:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_no_newline:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_no_newline:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_no_newline:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_no_newline:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/header_no_newline': (1, 'a431c12dbdc43af5', {}, {}, None),
    'canonical binance_raw/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__header_no_newline:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'trades binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'depth binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'truefx binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: wrong header: expected \'timestamp,bid,ask\', found \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'binance_raw binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: not a \'<ns> <json>\' Binance capture: \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'canonical binance_raw/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__wrong_header:1: expected \'# scalpbot-market-data v1\', found \'x100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTick...\''),
    'quotes binance_raw/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 2861 of the line)'),
    'trades binance_raw/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 2861 of the line)'),
    'depth binance_raw/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 2861 of the line)'),
    'truefx binance_raw/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 2861 of the line)'),
    'binance_raw binance_raw/not_utf8_row': (9, '437f1032595b5a13', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 5, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, None),
    'canonical binance_raw/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__not_utf8_row: not UTF-8 text (invalid start byte at byte 2861 of the line)'),
    'quotes binance_raw/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_truncated:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_truncated:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_truncated:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_truncated:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/gzip_truncated': (6, '1c57ecb8096f751e', {'crossed': 1, 'locked': 1, 'unsupported': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9}, 'DataError: <root>/binance_raw__gzip_truncated:10: truncated compressed file (ended before the end-of-stream marker)'),
    'canonical binance_raw/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_truncated:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_no_trailer:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'trades binance_raw/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_no_trailer:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'depth binance_raw/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_no_trailer:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'truefx binance_raw/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_no_trailer:1: wrong header: expected \'timestamp,bid,ask\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'binance_raw binance_raw/gzip_no_trailer': (8, '5801018507d3f505', {'crossed': 2, 'locked': 2, 'unsupported': 2, 'unknown_symbol': 2, 'bad_price': 3, 'off_grid': 1, 'bad_size': 2, 'malformed': 4, 'time_backwards': 1}, {'crossed': 7, 'locked': 8, 'unsupported': 9, 'unknown_symbol': 11, 'bad_price': 14, 'off_grid': 15, 'bad_size': 16, 'malformed': 21, 'time_backwards': 23}, 'DataError: <root>/binance_raw__gzip_no_trailer:30: truncated compressed file (ended before the end-of-stream marker)'),
    'canonical binance_raw/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/binance_raw__gzip_no_trailer:1: expected \'# scalpbot-market-data v1\', found \'100 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicke...\''),
    'quotes binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical binance_raw/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/binance_raw__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes canonical/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__rows:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__rows:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/rows': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__rows:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/rows': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, None),
    'quotes canonical/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/gzip': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/gzip': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, None),
    'quotes canonical/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '\\ufeff# scalpbot-market-data v1'"),
    'trades canonical/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '\\ufeff# scalpbot-market-data v1'"),
    'depth canonical/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__bom:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '\\ufeff# scalpbot-market-data v1'"),
    'truefx canonical/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__bom:1: wrong header: expected 'timestamp,bid,ask', found '\\ufeff# scalpbot-market-data v1'"),
    'binance_raw canonical/bom': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__bom:1: not a '<ns> <json>' Binance capture: '\\ufeff# scalpbot-market-data v1'"),
    'canonical canonical/bom': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, None),
    'quotes canonical/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__crlf:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__crlf:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/crlf': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__crlf:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/crlf': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, None),
    'quotes canonical/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_good_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_good_last_line:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/cut_good_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_good_last_line:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/cut_good_last_line': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, 'DataError: <root>/canonical__cut_good_last_line:10: truncated file: the last line is cut off (malformed)'),
    'quotes canonical/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_bad_last_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_bad_last_line:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/cut_bad_last_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__cut_bad_last_line:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/cut_bad_last_line': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, 'DataError: <root>/canonical__cut_bad_last_line:10: truncated file: the last line is cut off (malformed)'),
    'quotes canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/header_only': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_only:2: missing the column line 'ts_ns,symbol,kind,bid,bid_size,ask,ask_size,price,size,aggressor,trade_id'"),
    'quotes canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/header_no_newline': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__header_no_newline:2: missing the column line 'ts_ns,symbol,kind,bid,bid_size,ask,ask_size,price,size,aggressor,trade_id'"),
    'quotes canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'x# scalpbot-market-data v1'"),
    'trades canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'x# scalpbot-market-data v1'"),
    'depth canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'x# scalpbot-market-data v1'"),
    'truefx canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: wrong header: expected 'timestamp,bid,ask', found 'x# scalpbot-market-data v1'"),
    'binance_raw canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: not a '<ns> <json>' Binance capture: 'x# scalpbot-market-data v1'"),
    'canonical canonical/wrong_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__wrong_header:1: expected '# scalpbot-market-data v1', found 'x# scalpbot-market-data v1'"),
    'quotes canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 433 of the line)'),
    'trades canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 433 of the line)'),
    'depth canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 433 of the line)'),
    'truefx canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__not_utf8_row:1: not UTF-8 text (invalid start byte at byte 433 of the line)'),
    'binance_raw canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__not_utf8_row:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/not_utf8_row': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__not_utf8_row: not UTF-8 text (invalid start byte at byte 433 of the line)'),
    'quotes canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_truncated:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_truncated:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_truncated:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/gzip_truncated': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/canonical__gzip_truncated: truncated compressed file (ended before the end-of-stream marker)'),
    'quotes canonical/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found '# scalpbot-market-data v1'"),
    'trades canonical/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found '# scalpbot-market-data v1'"),
    'depth canonical/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_no_trailer:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found '# scalpbot-market-data v1'"),
    'truefx canonical/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_no_trailer:1: wrong header: expected 'timestamp,bid,ask', found '# scalpbot-market-data v1'"),
    'binance_raw canonical/gzip_no_trailer': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__gzip_no_trailer:1: not a '<ns> <json>' Binance capture: '# scalpbot-market-data v1'"),
    'canonical canonical/gzip_no_trailer': (2, '3484dbdba7d9fd98', {'unknown_symbol': 1, 'crossed': 1, 'time_backwards': 1, 'malformed': 1}, {'unknown_symbol': 6, 'crossed': 7, 'time_backwards': 8, 'malformed': 9}, 'DataError: <root>/canonical__gzip_no_trailer:10: truncated compressed file (ended before the end-of-stream marker)'),
    'quotes canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found ''"),
    'trades canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found ''"),
    'depth canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found ''"),
    'truefx canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: wrong header: expected 'timestamp,bid,ask', found ''"),
    'binance_raw canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: not a '<ns> <json>' Binance capture: ''"),
    'canonical canonical/blank_first_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/canonical__blank_first_line:1: expected '# scalpbot-market-data v1', found ''"),
    'quotes any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'trades any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'depth any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'truefx any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'binance_raw any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'canonical any/empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__empty:1: empty file'),
    'quotes any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'trades any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'depth any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'truefx any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'binance_raw any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'canonical any/gzip_empty': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_empty:1: empty file'),
    'quotes any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage:1: BadGzipFile: Unknown compression method'),
    'trades any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage:1: BadGzipFile: Unknown compression method'),
    'depth any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage:1: BadGzipFile: Unknown compression method'),
    'truefx any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage:1: BadGzipFile: Unknown compression method'),
    'binance_raw any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage:2: BadGzipFile: Unknown compression method'),
    'canonical any/gzip_garbage': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__gzip_garbage: BadGzipFile: Unknown compression method'),
    'quotes any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__not_utf8_header:1: not UTF-8 text (invalid start byte at byte 0 of the line)'),
    'trades any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__not_utf8_header:1: not UTF-8 text (invalid start byte at byte 0 of the line)'),
    'depth any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__not_utf8_header:1: not UTF-8 text (invalid start byte at byte 0 of the line)'),
    'truefx any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__not_utf8_header:1: not UTF-8 text (invalid start byte at byte 0 of the line)'),
    'binance_raw any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/any__not_utf8_header:1: not a '<ns> <json>' Binance capture: '���'"),
    'canonical any/not_utf8_header': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__not_utf8_header: not UTF-8 text (invalid start byte at byte 0 of the line)'),
    'quotes any/binary': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__binary:1: not UTF-8 text (invalid start byte at byte 128 of the line)'),
    'trades any/binary': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__binary:1: not UTF-8 text (invalid start byte at byte 128 of the line)'),
    'depth any/binary': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__binary:1: not UTF-8 text (invalid start byte at byte 128 of the line)'),
    'truefx any/binary': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__binary:1: not UTF-8 text (invalid start byte at byte 128 of the line)'),
    'binance_raw any/binary': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/any__binary:1: not a '<ns> <json>' Binance capture: '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t'"),
    'canonical any/binary': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/any__binary: not UTF-8 text (invalid start byte at byte 128 of the line)'),
    'quotes cut/depth_gz': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__depth_gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'trades cut/depth_gz': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__depth_gz:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'depth cut/depth_gz': (522, '81fad71f319b4248', {}, {}, 'DataError: <root>/cut__depth_gz:33791: truncated compressed file (ended before the end-of-stream marker)'),
    'truefx cut/depth_gz': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__depth_gz:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'binance_raw cut/depth_gz': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__depth_gz:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'canonical cut/depth_gz': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__depth_gz:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_i...'"),
    'quotes cut/raw_gz': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/cut__raw_gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'trades cut/raw_gz': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/cut__raw_gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'depth cut/raw_gz': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/cut__raw_gz:1: wrong header: expected \'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'truefx cut/raw_gz': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/cut__raw_gz:1: wrong header: expected \'timestamp,bid,ask\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'binance_raw cut/raw_gz': (10381, '351b04d4dfd029bd', {'off_grid': 2}, {'off_grid': 5580}, 'DataError: <root>/cut__raw_gz:10384: truncated compressed file (ended before the end-of-stream marker)'),
    'canonical cut/raw_gz': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/cut__raw_gz:1: expected \'# scalpbot-market-data v1\', found \'1723161600001658384 {"stream":"btcusdt@depth@100ms","data...\''),
    'quotes cut/quotes_mid_line': (33036, '4bce8ba2b5021b09', {}, {}, 'DataError: <root>/cut__quotes_mid_line:33038: truncated file: the last line is cut off (malformed)'),
    'trades cut/quotes_mid_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_mid_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth cut/quotes_mid_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_mid_line:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx cut/quotes_mid_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_mid_line:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw cut/quotes_mid_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_mid_line:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical cut/quotes_mid_line': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_mid_line:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes cut/quotes_flipped_byte': (33010, 'c0cf53bf8b2e313a', {}, {}, 'DataError: <root>/cut__quotes_flipped_byte:33012: not UTF-8 text (invalid start byte at byte 2030 of the line)'),
    'trades cut/quotes_flipped_byte': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_flipped_byte:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'depth cut/quotes_flipped_byte': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_flipped_byte:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'truefx cut/quotes_flipped_byte': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_flipped_byte:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'binance_raw cut/quotes_flipped_byte': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_flipped_byte:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'canonical cut/quotes_flipped_byte': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__quotes_flipped_byte:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty'"),
    'quotes cut/trades_spliced': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__trades_spliced:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'trades cut/trades_spliced': (811, '3fe1c7bbb2319cd6', {'malformed': 1, 'time_backwards': 660}, {'malformed': 676, 'time_backwards': 677}, 'DataError: <root>/cut__trades_spliced:1474: truncated file: the last line is cut off (malformed)'),
    'depth cut/trades_spliced': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__trades_spliced:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'truefx cut/trades_spliced': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__trades_spliced:1: wrong header: expected 'timestamp,bid,ask', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'binance_raw cut/trades_spliced': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__trades_spliced:1: not a '<ns> <json>' Binance capture: 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'canonical cut/trades_spliced': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__trades_spliced:1: expected '# scalpbot-market-data v1', found 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker'"),
    'quotes cut/truefx_reversed': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__truefx_reversed:1: wrong header: expected 'ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty', found 'timestamp,bid,ask'"),
    'trades cut/truefx_reversed': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__truefx_reversed:1: wrong header: expected 'ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker', found 'timestamp,bid,ask'"),
    'depth cut/truefx_reversed': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__truefx_reversed:1: wrong header: expected 'ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty', found 'timestamp,bid,ask'"),
    'truefx cut/truefx_reversed': (1, 'c2d7c19cd5255168', {'time_backwards': 998, 'locked': 1}, {'time_backwards': 3, 'locked': 60}, None),
    'binance_raw cut/truefx_reversed': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__truefx_reversed:1: not a '<ns> <json>' Binance capture: 'timestamp,bid,ask'"),
    'canonical cut/truefx_reversed': (0, 'e3b0c44298fc1c14', {}, {}, "DataError: <root>/cut__truefx_reversed:1: expected '# scalpbot-market-data v1', found 'timestamp,bid,ask'"),
    'quotes any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'quotes any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
    'trades any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'trades any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
    'depth any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'depth any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
    'truefx any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'truefx any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
    'binance_raw any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'binance_raw any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
    'canonical any/missing': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>/missing.csv: cannot open: No such file or directory'),
    'canonical any/directory': (0, 'e3b0c44298fc1c14', {}, {}, 'DataError: <root>: cannot open: Is a directory'),
}
# fmt: on


def test_every_reader_on_every_real_file(data_dir: Path) -> None:
    got = real_outcomes(data_dir)
    expected = {k: v for k, v in EXPECTED.items() if k in got}
    assert len(expected) == len(got)
    assert got == expected


def test_every_reader_on_malformed_files(tmp_path: Path, data_dir: Path) -> None:
    got = malformed_outcomes(tmp_path, data_dir)
    expected = {k: v for k, v in EXPECTED.items() if k in got}
    assert len(expected) == len(got)
    assert got == expected


def _capture() -> None:  # pragma: no cover - prints the table pasted into EXPECTED
    import tempfile

    from tests.engine.replay.support import DATA

    with tempfile.TemporaryDirectory() as tmp:
        table = real_outcomes(DATA) | malformed_outcomes(Path(tmp), DATA)
    for key, value in table.items():
        print(f"    {key!r}: {value!r},")


if __name__ == "__main__":
    _capture()
