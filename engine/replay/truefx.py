"""Reader for TrueFX quotes as ``timestamp,bid,ask`` CSV (nautilus_trader's test-data layout).

Timestamps are ISO-8601 with an optional fraction and a UTC offset, e.g.
``2013-01-01 22:00:00.295000+00:00``; one without an offset is taken as UTC
(TrueFX publishes in UTC). TrueFX gives no sizes: quotes carry size 0 (unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from functools import partial

from engine.model import Instrument
from engine.model import Quote
from engine.replay.errors import RejectCounter
from engine.replay.errors import RowError
from engine.replay.errors import quote_problem
from engine.replay.files import Pathish
from engine.replay.instruments import unit_caches
from engine.replay.lines import header_layout
from engine.replay.lines import read_lines

TRUEFX_HEADER = "timestamp,bid,ask"
TRUEFX_LAYOUT = header_layout(TRUEFX_HEADER)

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
    return read_lines(path, TRUEFX_LAYOUT, partial(_quote_parser, instrument), rejects)


def _quote_parser(instrument: Instrument) -> Callable[[str], Quote]:
    price, _ = unit_caches(instrument)
    symbol = instrument.symbol

    def parse(line: str) -> Quote:
        stamp, b, a = line.rstrip("\r\n").split(",")
        ts = parse_timestamp_ns(stamp)
        bid = price[b]
        ask = price[a]
        if 0 < bid < ask:
            return Quote(symbol, ts, bid, 0, ask, 0)
        raise RowError(quote_problem(ts, bid, 0, ask, 0))

    return parse
