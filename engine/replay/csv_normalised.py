"""Readers for the normalised Binance CSVs of quotes, trades and depth (docs/data-formats.md).

Each reader is a generator of model events in file order. Bad rows are skipped
and counted in ``rejects``; a file that cannot be read raises :class:`DataError`
(the line-reading skeleton is engine.replay.lines; each format here is its header
and a parse function).
Plain and gzip-compressed files are both accepted (gzip is recognised by content).
The files are plain comma-separated values without quoting, so a row is split on
commas directly (about twice as fast as the csv module).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from functools import partial

from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay.errors import ROW_ERRORS
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.errors import RowError
from engine.replay.errors import quote_problem
from engine.replay.errors import reason_of
from engine.replay.errors import snapshot_problem
from engine.replay.errors import trade_problem
from engine.replay.files import Pathish
from engine.replay.files import reject_line
from engine.replay.instruments import UnitCache
from engine.replay.instruments import unit_caches
from engine.replay.lines import header_layout
from engine.replay.lines import numbered_rows
from engine.replay.lines import read_lines

QUOTES_HEADER = "ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty"
TRADES_HEADER = "ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker"
DEPTH_HEADER = (
    "ts_local_ns,ts_exch_ms,kind,first_update_id,last_update_id,prev_update_id,side,price,qty"
)

AGGRESSOR_OF_BUYER_MAKER = {"1": Side.SELL, "0": Side.BUY, "true": Side.SELL, "false": Side.BUY}
"""``is_buyer_maker`` -> aggressor: when the buyer made the market, the seller took it."""

_Bad = tuple[Reason, int, str]
"""A rejection: reason, line number and the line itself."""


QUOTES_LAYOUT = header_layout(QUOTES_HEADER)
TRADES_LAYOUT = header_layout(TRADES_HEADER)
DEPTH_LAYOUT = header_layout(DEPTH_HEADER)


def read_quotes(
    path: Pathish, instrument: Instrument, rejects: RejectCounter | None = None
) -> Iterator[Quote]:
    """Quotes from a ``ts_local_ns,ts_exch_ms,update_id,bid,bid_qty,ask,ask_qty`` file.

    The event time is ``ts_local_ns``; ``ts_exch_ms`` and ``update_id`` are not used.
    """
    return read_lines(path, QUOTES_LAYOUT, partial(_quote_parser, instrument), rejects)


def _quote_parser(instrument: Instrument) -> Callable[[str], Quote]:
    price, size = unit_caches(instrument)
    symbol = instrument.symbol

    def parse(line: str) -> Quote:
        ts_s, _, _, b, bq, a, aq = line.rstrip("\r\n").split(",")
        ts = int(ts_s)
        bid = price[b]
        ask = price[a]
        bid_size = size[bq]
        ask_size = size[aq]
        if 0 < bid < ask and bid_size >= 0 and ask_size >= 0:
            return Quote(symbol, ts, bid, bid_size, ask, ask_size)
        raise RowError(quote_problem(ts, bid, bid_size, ask, ask_size))

    return parse


def read_trades(
    path: Pathish, instrument: Instrument, rejects: RejectCounter | None = None
) -> Iterator[Trade]:
    """Trades from a ``ts_local_ns,ts_exch_ms,trade_id,price,qty,is_buyer_maker`` file.

    ``is_buyer_maker`` is ``1``/``0`` (or ``true``/``false``); 1 makes the seller the aggressor.
    """
    return read_lines(path, TRADES_LAYOUT, partial(_trade_parser, instrument), rejects)


def _trade_parser(instrument: Instrument) -> Callable[[str], Trade]:
    price, size = unit_caches(instrument)
    symbol = instrument.symbol
    aggressor_of = AGGRESSOR_OF_BUYER_MAKER

    def parse(line: str) -> Trade:
        ts_s, _, trade_id, p, q, m = line.rstrip("\r\n").split(",")
        ts = int(ts_s)
        px = price[p]
        qty = size[q]
        aggressor = aggressor_of[m]
        if px > 0 and qty > 0:
            return Trade(symbol, ts, px, qty, aggressor, trade_id)
        raise RowError(trade_problem(ts, px, qty))

    return parse


def read_depth(
    path: Pathish, instrument: Instrument, rejects: RejectCounter | None = None
) -> Iterator[BookUpdate]:
    """Book updates from the depth CSV, one per message (consecutive rows sharing ts and ids).

    A ``snapshot`` message has empty first/prev ids (read as 0). A message with any
    bad row is dropped whole and counted once, under the reason and line of its
    first bad row; a row that cannot be split is charged to the message it follows.
    """
    rejects = RejectCounter() if rejects is None else rejects
    price, size = unit_caches(instrument)
    symbol = instrument.symbol
    last_ts = 0
    for message in _messages(numbered_rows(path, DEPTH_LAYOUT)):
        event = _message(symbol, price, size, message, last_ts)
        if isinstance(event, BookUpdate):
            last_ts = event.ts
            yield event
        else:
            reject_line(path, rejects, *event)


_Row = tuple[str, str, str, int, str]
"""One depth row: side, price, qty, line number, line."""
_Message = tuple[str | None, int, list[_Row], _Bad | None]
"""One depth message: the fields before side,price,qty, first line, rows, first unsplittable row."""


def _messages(lines: Iterable[tuple[int, str]]) -> Iterator[_Message]:
    """Group consecutive rows that share the fields before side,price,qty."""
    head: str | None = None
    start = 0
    rows: list[_Row] = []
    bad: _Bad | None = None
    for lineno, line in lines:
        fields = line.rstrip("\r\n").rsplit(",", 3)
        if len(fields) != 4 or (fields[0] != head and fields[0].count(",") != 5):
            if line.strip() and bad is None:
                bad = (Reason.MALFORMED, lineno, line)
            continue
        row_head, side, p, q = fields
        if row_head != head:
            if head is not None or bad is not None:
                yield head, start, rows, bad
            head, start, rows, bad = row_head, lineno, [], None
        rows.append((side, p, q, lineno, line))
    if head is not None or bad is not None:
        yield head, start, rows, bad


def _message(
    symbol: Symbol, price: UnitCache, size: UnitCache, message: _Message, last_ts: int
) -> BookUpdate | _Bad:
    """One message as a BookUpdate, or why it is dropped."""
    head, start, rows, bad = message
    if bad is not None:
        return bad
    assert head is not None
    bids: list[BookLevel] = []
    asks: list[BookLevel] = []
    for side, p, q, lineno, line in rows:
        try:
            level = BookLevel(price[p], size[q])
        except ROW_ERRORS as exc:
            return (reason_of(exc), lineno, line)
        if level.price <= 0 or level.size < 0:
            return (Reason.BAD_PRICE if level.price <= 0 else Reason.BAD_SIZE, lineno, line)
        if side == "b":
            bids.append(level)
        elif side == "a":
            asks.append(level)
        else:
            return (Reason.MALFORMED, lineno, line)
    try:
        ts_s, _, kind, first, last, prev = head.split(",")
        if kind not in ("update", "snapshot"):
            raise RowError(Reason.MALFORMED)
        ts = int(ts_s)
        event = BookUpdate(
            symbol,
            ts,
            tuple(bids),
            tuple(asks),
            kind == "snapshot",
            int(first or 0),
            int(last or 0),
            int(prev or 0),
        )
    except ROW_ERRORS as exc:
        return (reason_of(exc), start, head + "\n")
    if ts < 0:
        return (Reason.MALFORMED, start, head + "\n")
    if event.is_snapshot and bids and asks:
        problem = snapshot_problem(max(lv.price for lv in bids), min(lv.price for lv in asks))
        if problem is not None:
            return (problem, start, head + "\n")
    if ts < last_ts:
        return (Reason.TIME_BACKWARDS, start, head + "\n")
    return event
