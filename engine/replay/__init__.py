"""Market-data readers for replay: recorded files in, model events out (docs/data-formats.md).

``open_source(path)`` recognises the format and the instrument, and iterates the
file's events in file order; ``merge(sources)`` interleaves several by time.
Bad rows are skipped and counted in ``source.rejects``; an unusable file raises
:class:`DataError` with a one-line message naming the file and line.
"""

from engine.replay.binance_raw import read_binance_raw
from engine.replay.canonical import (
    CanonicalHeader,
    CanonicalWriter,
    read_canonical,
    read_canonical_header,
)
from engine.replay.csv_normalised import read_depth, read_quotes, read_trades
from engine.replay.errors import DataError, Reason, RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS, Grid, KnownInstrument, infer_instrument
from engine.replay.source import (
    EventSource,
    Format,
    MergedSource,
    Source,
    detect_format,
    merge,
    open_source,
)
from engine.replay.truefx import read_truefx

__all__ = [
    "KNOWN_INSTRUMENTS",
    "CanonicalHeader",
    "CanonicalWriter",
    "DataError",
    "EventSource",
    "Format",
    "Grid",
    "KnownInstrument",
    "MergedSource",
    "Reason",
    "RejectCounter",
    "Source",
    "detect_format",
    "infer_instrument",
    "merge",
    "open_source",
    "read_binance_raw",
    "read_canonical",
    "read_canonical_header",
    "read_depth",
    "read_quotes",
    "read_trades",
    "read_truefx",
]
