"""scalpbot's own market-data CSV: several symbols, quotes and trades, instruments declared inline.

Layout (full description in docs/data-formats.md)::

    # scalpbot-market-data v1
    # instrument symbol=BTCUSDT tick=0.1 lot=0.001 venue=BINANCE_USDM
    ts_ns,symbol,kind,bid,bid_size,ask,ask_size,price,size,aggressor,trade_id
    1723161255088169167,BTCUSDT,quote,61800.2,2.507,61800.3,2.510,,,,
    1723161255088176367,BTCUSDT,trade,,,,,61800.3,0.006,buy,5266583935

No field is ever quoted: symbols and venues may not contain commas, quotes, '#',
'=' or whitespace, and trade ids may not contain commas or line breaks. A ``.gz``
path is written gzip-compressed; reading recognises gzip by content.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from decimal import Decimal
from os import PathLike
from types import TracebackType
from typing import IO

import msgspec

from engine.model import Instrument
from engine.model import MarketEvent
from engine.model import Quote
from engine.model import Side
from engine.model import Symbol
from engine.model import Trade
from engine.replay.errors import ROW_ERRORS
from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.errors import RowError
from engine.replay.errors import quote_problem
from engine.replay.errors import reason_of
from engine.replay.errors import trade_problem
from engine.replay.files import IO_ERRORS
from engine.replay.files import Pathish
from engine.replay.files import clip
from engine.replay.files import describe
from engine.replay.files import numbered_lines
from engine.replay.files import open_text
from engine.replay.files import reject_line
from engine.replay.instruments import UnitCache
from engine.replay.instruments import grids
from engine.replay.instruments import unit_caches

MAGIC = "# scalpbot-market-data v1"
COLUMNS = "ts_ns,symbol,kind,bid,bid_size,ask,ask_size,price,size,aggressor,trade_id"
_FORBIDDEN = frozenset(",\"'#= \t\r\n")
_TRADE_ID_FORBIDDEN = frozenset(",\r\n")
_AGGRESSOR = {"buy": Side.BUY, "sell": Side.SELL}
_AGGRESSOR_NAME = {Side.BUY: "buy", Side.SELL: "sell"}


class CanonicalHeader(msgspec.Struct, frozen=True):
    """What precedes the rows: declared instruments, free comments, and the line count."""

    instruments: tuple[Instrument, ...]
    comments: tuple[str, ...]
    lines: int


def read_canonical_header(path: Pathish) -> CanonicalHeader:
    """Parse the header of a canonical file; DataError if it is missing or invalid."""
    with open_text(path) as fh:
        try:
            return _read_header(path, fh)
        except IO_ERRORS as exc:
            raise DataError(path, None, describe(exc)) from exc


def _read_header(path: Pathish, fh: IO[str]) -> CanonicalHeader:
    first = fh.readline()
    if not first:
        raise DataError(path, 1, "empty file")
    if first.rstrip("\r\n").lstrip("\ufeff") != MAGIC:
        raise DataError(path, 1, f"expected {MAGIC!r}, found {clip(first)!r}")
    instruments: dict[str, Instrument] = {}
    comments: list[str] = []
    lineno = 1
    while True:
        line = fh.readline()
        lineno += 1
        text = line.rstrip("\r\n")
        if not line:
            raise DataError(path, lineno, f"missing the column line {COLUMNS!r}")
        if text == COLUMNS:
            return CanonicalHeader(tuple(instruments.values()), tuple(comments), lineno)
        if not text.startswith("#"):
            raise DataError(path, lineno, f"expected {COLUMNS!r}, found {clip(text)!r}")
        words = text[1:].split()
        if words[:1] == ["instrument"]:
            inst = _parse_instrument(path, lineno, words[1:])
            if inst.symbol in instruments:
                raise DataError(path, lineno, f"instrument {inst.symbol} declared twice")
            instruments[inst.symbol] = inst
        else:
            comments.append(text[1:].strip())


def _parse_instrument(path: Pathish, lineno: int, words: list[str]) -> Instrument:
    fields = dict(word.partition("=")[::2] for word in words)
    unknown = set(fields) - {"symbol", "tick", "lot", "venue", "min_lots"}
    missing = {"symbol", "tick", "lot"} - set(fields)
    if unknown or missing or len(fields) != len(words):
        problem = (
            f"unknown {sorted(unknown)}"
            if unknown
            else f"missing {sorted(missing)}"
            if missing
            else "a key given twice"
        )
        raise DataError(path, lineno, f"bad instrument declaration: {problem}")
    try:
        inst = Instrument(
            symbol=check_symbol(fields["symbol"]),
            price_increment=Decimal(fields["tick"]),
            size_increment=Decimal(fields["lot"]),
            venue=check_symbol(fields.get("venue", "SIM")),
            min_lots=int(fields.get("min_lots", "1")),
        )
        grids(inst)  # finite, positive increments
    except (ValueError, ArithmeticError) as exc:
        raise DataError(path, lineno, f"bad instrument declaration: {exc}") from exc
    return inst


def check_symbol(name: str) -> Symbol:
    """A symbol (or venue) name, if it can be written unquoted in a canonical file.

    Raises ValueError when it is empty or has a comma, quote, '#', '=' or whitespace.
    """
    if not name or _FORBIDDEN.intersection(name) or name != "".join(name.split()):
        raise ValueError(f"name {name!r} is empty or has a comma, quote, '#', '=' or space")
    return Symbol(name)


_Parsers = tuple[Symbol, UnitCache, UnitCache]


def read_canonical(
    path: Pathish,
    rejects: RejectCounter | None = None,
    instruments: Mapping[str, Instrument] | None = None,
    symbol: str | None = None,
) -> Iterator[Quote | Trade]:
    """Quotes and trades from a canonical file, in file order.

    ``instruments`` replaces the declared instruments when given (by symbol).
    With ``symbol``, rows of other declared symbols are skipped without counting;
    rows of undeclared symbols are always counted as ``unknown_symbol``.
    """
    rejects = RejectCounter() if rejects is None else rejects
    with open_text(path) as fh:
        try:
            header = _read_header(path, fh)
        except IO_ERRORS as exc:
            raise DataError(path, None, describe(exc)) from exc
        declared = instruments or {i.symbol: i for i in header.instruments}
        table: dict[str, _Parsers] = {
            sym: (inst.symbol, *unit_caches(inst))
            for sym, inst in declared.items()
            if symbol in (None, sym)
        }
        skipped = frozenset(declared) - frozenset(table)
        yield from _rows(path, numbered_lines(path, fh, header.lines + 1), table, skipped, rejects)


def _rows(
    path: Pathish,
    lines: Iterable[tuple[int, str]],
    table: dict[str, _Parsers],
    skipped: frozenset[str],
    rejects: RejectCounter,
) -> Iterator[Quote | Trade]:
    last_ts = 0
    aggressor_of = _AGGRESSOR
    for lineno, line in lines:
        try:
            ts_s, sym, kind, b, bq, a, aq, p, q, agg, trade_id = line.rstrip("\r\n").split(",")
            parsers = table.get(sym)
            if parsers is None:
                if sym in skipped:
                    continue
                raise RowError(Reason.UNKNOWN_SYMBOL)
            symbol, price, size = parsers
            ts = int(ts_s)
            if kind == "quote":
                if p or q or agg or trade_id:
                    raise RowError(Reason.MALFORMED)
                bid, ask, bid_size, ask_size = price[b], price[a], size[bq], size[aq]
                if 0 < bid < ask and bid_size >= 0 and ask_size >= 0 and ts >= last_ts:
                    last_ts = ts
                    yield Quote(symbol, ts, bid, bid_size, ask, ask_size)
                    continue
                raise RowError(quote_problem(ts, bid, bid_size, ask, ask_size))
            if kind != "trade" or b or bq or a or aq:
                raise RowError(Reason.MALFORMED)
            px, qty, aggressor = price[p], size[q], aggressor_of[agg]
            if px > 0 and qty > 0 and ts >= last_ts:
                last_ts = ts
                yield Trade(symbol, ts, px, qty, aggressor, trade_id)
                continue
            raise RowError(trade_problem(ts, px, qty))
        except ROW_ERRORS as exc:
            reject_line(path, rejects, reason_of(exc), lineno, line)


class CanonicalWriter:
    """Writes quotes and trades as a canonical CSV; gzip-compressed when the path ends in .gz.

    Every event's symbol must be among the declared instruments. Lines are
    written whole; call :meth:`flush` to push them to the file, :meth:`close`
    (or leave the ``with`` block) at the end. A stream passed in is not closed.
    """

    def __init__(
        self,
        target: Pathish | IO[str],
        instruments: Iterable[Instrument],
        comments: Iterable[str] = (),
    ) -> None:
        self._formats: dict[str, tuple[Callable[[int], str], Callable[[int], str]]] = {}
        lines = [MAGIC]
        for comment in comments:
            if "\n" in comment or "\r" in comment or comment.startswith("instrument"):
                raise ValueError(f"bad comment {comment!r}")
            lines.append(f"# {comment}")
        for inst in instruments:
            check_symbol(inst.symbol)
            check_symbol(inst.venue)
            if inst.symbol in self._formats:
                raise ValueError(f"instrument {inst.symbol} given twice")
            price, size = grids(inst)
            self._formats[inst.symbol] = (price.format, size.format)
            lines.append(
                f"# instrument symbol={inst.symbol} tick={inst.price_increment} "
                f"lot={inst.size_increment} venue={inst.venue} min_lots={inst.min_lots}"
            )
        lines.append(COLUMNS)
        self._fh: IO[str]
        if not isinstance(target, str | PathLike):
            self._fh = target
            self._owned = False
        elif str(target).endswith(".gz"):
            self._fh = gzip.open(target, "wt", encoding="utf-8", newline="")  # noqa: SIM115
            self._owned = True
        else:
            self._fh = open(target, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._owned = True
        self._fh.write("\n".join(lines) + "\n")

    def write(self, event: MarketEvent) -> None:
        """Append one quote or trade; TypeError for other events, ValueError for bad ones."""
        formats = self._formats.get(event.symbol)
        if formats is None:
            raise ValueError(f"symbol {event.symbol!r} has no declared instrument")
        pf, sf = formats
        if isinstance(event, Quote):
            self._fh.write(
                f"{event.ts},{event.symbol},quote,{pf(event.bid)},{sf(event.bid_size)},"
                f"{pf(event.ask)},{sf(event.ask_size)},,,,\n"
            )
        elif isinstance(event, Trade):
            if _TRADE_ID_FORBIDDEN.intersection(event.trade_id):
                raise ValueError(f"trade id {event.trade_id!r} cannot be written unquoted")
            self._fh.write(
                f"{event.ts},{event.symbol},trade,,,,,{pf(event.price)},{sf(event.size)},"
                f"{_AGGRESSOR_NAME[event.aggressor]},{event.trade_id}\n"
            )
        else:
            raise TypeError(f"the canonical format holds quotes and trades, not {event!r}")

    def write_all(self, events: Iterable[MarketEvent]) -> int:
        """Write every event; returns how many were written."""
        n = 0
        for event in events:
            self.write(event)
            n += 1
        return n

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        """Flush, and close the file if this writer opened it."""
        if self._owned:
            self._fh.close()
        else:
            self._fh.flush()

    def __enter__(self) -> CanonicalWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
