"""Reader for TrueFX quotes as ``timestamp,bid,ask`` CSV (nautilus_trader's test-data layout).

Timestamps are ISO-8601 with an optional fraction and a UTC offset, e.g.
``2013-01-01 22:00:00.295000+00:00``; one without an offset is taken as UTC
(TrueFX publishes in UTC). TrueFX gives no sizes: quotes carry size 0 (unknown).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from engine.model import Instrument, Quote
from engine.replay.errors import ROW_ERRORS, DataError, RejectCounter, quote_problem, reason_of
from engine.replay.files import (
    IO_ERRORS,
    Pathish,
    describe,
    expect_header,
    open_text,
    reject_line,
)
from engine.replay.instruments import unit_caches

TRUEFX_HEADER = "timestamp,bid,ask"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def parse_timestamp_ns(text: str) -> int:
    """Nanoseconds since the epoch of an ISO-8601 time (microsecond precision at most)."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH) // _MICROSECOND * 1000


def read_truefx(
    path: Pathish, instrument: Instrument, rejects: RejectCounter | None = None
) -> Iterator[Quote]:
    """Quotes from a TrueFX ``timestamp,bid,ask`` file, with sizes 0."""
    rejects = RejectCounter() if rejects is None else rejects
    price, _ = unit_caches(instrument)
    symbol = instrument.symbol
    last_ts = 0
    lineno = 1
    with open_text(path) as fh:
        try:
            expect_header(path, fh, TRUEFX_HEADER)
            for lineno, line in enumerate(fh, 2):
                try:
                    stamp, b, a = line.rstrip("\r\n").split(",")
                    ts = parse_timestamp_ns(stamp)
                    bid = price[b]
                    ask = price[a]
                except ROW_ERRORS as exc:
                    reject_line(path, rejects, reason_of(exc), lineno, line)
                    continue
                if 0 < bid < ask and ts >= last_ts:
                    last_ts = ts
                    yield Quote(symbol, ts, bid, 0, ask, 0)
                else:
                    reject_line(path, rejects, quote_problem(ts, bid, 0, ask, 0), lineno, line)
        except IO_ERRORS as exc:
            raise DataError(path, lineno + 1, describe(exc)) from exc
