"""Market-data readers for replay: recorded files in, model events out (docs/data-formats.md).

``open_source(path)`` recognises the format and the instrument, and iterates the
file's events in file order; ``merge(sources)`` interleaves several by time.
Bad rows are skipped and counted in ``source.rejects``; an unusable file raises
:class:`DataError` with a one-line message naming the file and line.
"""

from engine.replay.binance_raw import read_binance_raw
from engine.replay.canonical import CanonicalHeader
from engine.replay.canonical import CanonicalWriter
from engine.replay.canonical import read_canonical
from engine.replay.canonical import read_canonical_header
from engine.replay.csv_normalised import read_depth
from engine.replay.csv_normalised import read_quotes
from engine.replay.csv_normalised import read_trades
from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.instruments import Grid
from engine.replay.instruments import KnownInstrument
from engine.replay.instruments import infer_instrument
from engine.replay.source import EventSource
from engine.replay.source import Format
from engine.replay.source import MergedSource
from engine.replay.source import Source
from engine.replay.source import detect_format
from engine.replay.source import merge
from engine.replay.source import open_source
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
