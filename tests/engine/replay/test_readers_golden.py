"""Every replay reader over every real data file and a set of malformed files, pinned.

Each case records what a reader gives: the number of events and a hash of their
sequence, the rejected rows (count and first line by reason) and the error that
ended the read, if any. The expected values were captured on the readers before
they shared one line-reading skeleton (issue 11), so any change of behaviour shows
here. The table is data, in ``readers_golden.json`` beside this file; to capture it afresh:
``python -m tests.engine.replay.test_readers_golden > tests/engine/replay/readers_golden.json``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
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


def ticker(ts: object, b: str = "61800.2", s: str = "BTCUSDT") -> str:
    """A captured bookTicker line (ask 61800.3) received at ``ts``."""
    return f"{ts} " + _TICKER.format(s=s, b=b, a="61800.3")


def trade(
    ts: object, t: int, p: str = "61800.3", q: str = "0.006", m: str = "false", s: str = "BTCUSDT"
) -> str:
    """A captured trade line received at ``ts``."""
    return f"{ts} " + _TRADE.format(s=s, t=t, p=p, q=q, m=m)


def diff(ts: object, pu: str, b: str) -> str:
    """A captured depth update line received at ``ts``."""
    return f"{ts} " + _DIFF.format(pu=pu, b=b)


RAW_ROWS = "".join(
    line + "\n"
    for line in (
        ticker(100),
        trade(101, 7),
        trade(102, 8, m="true"),
        diff(103, pu='"pu":10,', b='[["61800.1","0"]]'),
        diff(104, pu="", b='[["61800.1","2"]]'),
        '105 {"lastUpdateId":10,"bids":[["61800.1","1"]],"asks":[["61800.2","1"]]}',
        '106 {"lastUpdateId":11,"bids":[["61800.3","1"]],"asks":[["61800.2","1"]]}',
        '107 {"lastUpdateId":12,"bids":[["61800.2","1"]],"asks":[["61800.2","1"]]}',
        '108 {"lastUpdateId":0,"bids":[],"asks":[]}',
        '109 {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}}',
        ticker(110, s="ETHUSDT"),
        ticker(111, b="61800.4"),
        ticker(112, b="61800.3"),
        ticker(113, b="0"),
        ticker(114, b="61800.25"),
        trade(115, 9, q="0"),
        trade(116, 10, p="-1"),
        trade(117, 11, s="XRPUSDT"),
        diff(118, pu="", b='[["0","2"]]'),
        diff(119, pu="", b='[["61800.1","-2"]]'),
        "120 {not json",
        '121 {"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT"}}',
        ticker(50),
        ticker(-3),
        ticker("x"),
        "",
        "   ",
        ticker(122) + "\r",
        trade(123, 12),
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

GOLDEN = Path(__file__).with_name("readers_golden.json")
"""The pinned outcomes, one case a line: ``"<reader> <file> [inferred|other]": [events,
hash, reject counts, first reject lines, error]``."""


def golden_line(key: str, value: Outcome) -> str:
    return f"  {json.dumps(key)}: {json.dumps(list(value))}"


EXPECTED: dict[str, Outcome] = {
    key: tuple(value)  # type: ignore[misc]
    for key, value in json.loads(GOLDEN.read_text(encoding="utf-8")).items()
}


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


def _capture() -> None:  # pragma: no cover - prints the table, the text of GOLDEN
    import tempfile

    from tests.engine.replay.support import DATA

    with tempfile.TemporaryDirectory() as tmp:
        table = real_outcomes(DATA) | malformed_outcomes(Path(tmp), DATA)
    lines = ",\n".join(golden_line(key, value) for key, value in table.items())
    print("{\n" + lines + "\n}")


if __name__ == "__main__":
    _capture()
