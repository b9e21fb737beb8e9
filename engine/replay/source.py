"""Opening any supported data file as a source of events, and merging sources in time order."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from enum import StrEnum
from functools import partial
from operator import attrgetter
from typing import Protocol

import msgspec

from engine.model import Instrument
from engine.model import MarketEvent
from engine.model import Symbol
from engine.replay.binance_raw import read_binance_raw
from engine.replay.canonical import read_canonical
from engine.replay.canonical import read_canonical_header
from engine.replay.csv_normalised import DEPTH_HEADER
from engine.replay.csv_normalised import QUOTES_HEADER
from engine.replay.csv_normalised import TRADES_HEADER
from engine.replay.csv_normalised import read_depth
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import DataError
from engine.replay.errors import RejectCounter
from engine.replay.files import Pathish
from engine.replay.files import clip
from engine.replay.files import first_line
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.instruments import infer_instrument
from engine.replay.truefx import TRUEFX_HEADER
from engine.replay.truefx import read_truefx


class Format(StrEnum):
    """The file formats :func:`open_source` recognises (see docs/data-formats.md)."""

    QUOTES_CSV = "quotes_csv"
    TRADES_CSV = "trades_csv"
    DEPTH_CSV = "depth_csv"
    BINANCE_RAW = "binance_raw"
    TRUEFX_CSV = "truefx_csv"
    CANONICAL = "canonical"


_BY_HEADER = {
    QUOTES_HEADER: Format.QUOTES_CSV,
    TRADES_HEADER: Format.TRADES_CSV,
    DEPTH_HEADER: Format.DEPTH_CSV,
    TRUEFX_HEADER: Format.TRUEFX_CSV,
}
_RAW_LINE = re.compile(r"\d+ \{")
_Reader = Callable[[Pathish, Instrument, RejectCounter | None], Iterator[MarketEvent]]
_SINGLE_READERS: dict[Format, _Reader] = {
    Format.QUOTES_CSV: read_quotes,
    Format.TRADES_CSV: read_trades,
    Format.DEPTH_CSV: read_depth,
    Format.TRUEFX_CSV: read_truefx,
}


def detect_format(path: Pathish) -> Format:
    """The format of a file, from its first line (gzip is recognised by content)."""
    line = first_line(path)
    if line in _BY_HEADER:
        return _BY_HEADER[line]
    if line.startswith("# scalpbot-market-data"):
        return Format.CANONICAL
    if _RAW_LINE.match(line):
        return Format.BINANCE_RAW
    raise DataError(path, 1, f"unrecognised data format, first line {clip(line)!r}")


class EventSource(Protocol):
    """Anything the replay loop can read: instruments, events in time order, rejections."""

    @property
    def instruments(self) -> list[Instrument]: ...

    @property
    def rejects(self) -> RejectCounter: ...

    def __iter__(self) -> Iterator[MarketEvent]: ...


class Source:
    """One data file. Each iteration re-reads it from the start and resets :attr:`rejects`."""

    __slots__ = ("_read", "format", "instruments", "path", "rejects")

    def __init__(
        self,
        path: Pathish,
        format: Format,
        instruments: list[Instrument],
        read: Callable[[RejectCounter], Iterator[MarketEvent]],
    ) -> None:
        self.path = str(path)
        self.format = format
        self.instruments = instruments
        self.rejects = RejectCounter()
        self._read = read

    def __iter__(self) -> Iterator[MarketEvent]:
        self.rejects.clear()
        return self._read(self.rejects)

    def __repr__(self) -> str:
        symbols = ",".join(i.symbol for i in self.instruments)
        return f"Source({self.path!r}, {self.format.value}, [{symbols}])"


def open_source(
    path: Pathish, instrument: Instrument | None = None, symbol: str | None = None
) -> Source:
    """Open a data file of any supported format, checking its header now.

    Single-instrument formats use ``instrument`` or else the known instrument
    the file name matches (``KNOWN_INSTRUMENTS``); ``symbol`` renames it. For a
    canonical file, ``instrument`` replaces (or adds) the declaration of its
    symbol and ``symbol`` keeps only that symbol's events. Raises DataError.
    """
    fmt = detect_format(path)
    if fmt is Format.CANONICAL:
        return _open_canonical(path, instrument, symbol)
    wire_symbol: str | None = instrument.symbol if instrument is not None else None
    if instrument is None:
        known = infer_instrument(path)
        if known is None:
            names = "; ".join("+".join(sorted(k.tokens)) for k in KNOWN_INSTRUMENTS)
            problem = f"no instrument given and the file name matches no known one ({names})"
            raise DataError(path, None, problem)
        instrument, wire_symbol = known.instrument, known.wire_symbol
    if symbol is not None:
        instrument = msgspec.structs.replace(instrument, symbol=Symbol(symbol))
    read: Callable[[RejectCounter], Iterator[MarketEvent]]
    if fmt is Format.BINANCE_RAW:
        read = partial(read_binance_raw, path, instrument, wire_symbol=wire_symbol)
    else:
        read = partial(_SINGLE_READERS[fmt], path, instrument)
    return Source(path, fmt, [instrument], read)


def _open_canonical(path: Pathish, instrument: Instrument | None, symbol: str | None) -> Source:
    declared: dict[str, Instrument] = {i.symbol: i for i in read_canonical_header(path).instruments}
    if instrument is not None:
        declared[instrument.symbol] = instrument
    if symbol is not None and symbol not in declared:
        raise DataError(path, None, f"symbol {symbol!r} is not declared (have {sorted(declared)})")
    instruments = [declared[symbol]] if symbol is not None else list(declared.values())
    read = partial(read_canonical, path, instruments=declared, symbol=symbol)
    return Source(path, Format.CANONICAL, instruments, read)


class MergedSource:
    """Several sources as one stream in time order (ties keep the sources' order)."""

    __slots__ = ("instruments", "sources")

    def __init__(self, sources: Iterable[EventSource]) -> None:
        self.sources = tuple(sources)
        by_symbol: dict[str, Instrument] = {}
        for source in self.sources:
            for inst in source.instruments:
                seen = by_symbol.setdefault(inst.symbol, inst)
                if seen != inst:
                    raise DataError(
                        getattr(source, "path", "<source>"),
                        None,
                        f"symbol {inst.symbol} means two instruments ({_describe(seen)} and "
                        f"{_describe(inst)}): give one of the sources another symbol",
                    )
        self.instruments = list(by_symbol.values())

    @property
    def rejects(self) -> RejectCounter:
        """The sources' rejections added up (first lines are those of the first source)."""
        total = RejectCounter()
        for source in self.sources:
            total.update(source.rejects)
        return total

    def __iter__(self) -> Iterator[MarketEvent]:
        return heapq.merge(*self.sources, key=attrgetter("ts"))


def _describe(inst: Instrument) -> str:
    return f"{inst.venue} tick {inst.price_increment} lot {inst.size_increment}"


def merge(sources: Iterable[EventSource]) -> MergedSource:
    """Merge sources by event time; events with equal times keep the order of ``sources``."""
    return MergedSource(sources)
