"""The one skeleton of the line-oriented readers: open, check the start, walk lines, count bad rows.

A format is a :class:`Layout` (how to open the file, text or bytes, and how its
rows begin: a fixed header line, or a first row of a known shape) and a parser:
a ``parse`` function from one line to one event that raises any of
``ROW_ERRORS`` (a :class:`RowError` with its reason, or a plain parse error,
counted as malformed) for a bad row. :func:`read_lines` does the rest the same
way for every format: an event before the epoch is ``malformed`` and one that
goes back in time is ``time_backwards`` (so ``parse`` need not check times), bad
rows are counted by reason (blank lines are skipped without counting; a bad last
line with no line break means the file is truncated), and an I/O failure
part-way ends the read with :class:`DataError` naming the line. Formats whose
events span several lines (the depth CSV) walk :func:`numbered_rows` instead and
group the rows themselves.

``parse`` is called once a line, so it is where the time goes: a closure over
the instrument's unit caches keeps the walk within a few per cent of a loop
written out per format (bench/replay.py measures the whole path).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic
from typing import TypeVar

from engine.model import BookUpdate
from engine.model import Quote
from engine.model import Trade
from engine.replay.errors import ROW_ERRORS
from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.errors import RowError
from engine.replay.errors import reason_of
from engine.replay.files import IO_ERRORS
from engine.replay.files import Pathish
from engine.replay.files import describe
from engine.replay.files import expect_header
from engine.replay.files import numbered_lines
from engine.replay.files import open_text
from engine.replay.files import reject_line

Line = TypeVar("Line", str, bytes)
Event = TypeVar("Event", bound=Quote | Trade | BookUpdate)

Opener = Callable[[Pathish], AbstractContextManager[Iterator[Line]]]
"""Opens a file for reading lines (``files.open_text`` or ``files.open_bytes``)."""
Begin = Callable[[Pathish, Iterator[Line]], tuple[int, Iterator[Line]]]
"""Checks how an opened file starts (DataError if wrong); gives the first row's number, the rows."""


@dataclass(frozen=True, slots=True)
class Layout(Generic[Line]):
    """How a line-oriented file is opened and where its rows begin."""

    open: Opener[Line]
    begin: Begin[Line]


def header_layout(header: str) -> Layout[str]:
    """A UTF-8 text file (plain or gzip) whose first line is exactly ``header``."""

    def begin(path: Pathish, fh: Iterator[str]) -> tuple[int, Iterator[str]]:
        expect_header(path, fh, header)
        return 2, fh

    return Layout(open_text, begin)


def read_lines(
    path: Pathish,
    layout: Layout[Line],
    parser: Callable[[], Callable[[Line], Event]],
    rejects: RejectCounter | None = None,
) -> Iterator[Event]:
    """The events of a file in file order, one a line; bad rows skipped and counted.

    ``parser()`` makes the line parser when reading starts (nothing runs before the
    first event is asked for, as with any generator).
    """
    rejects = RejectCounter() if rejects is None else rejects
    parse = parser()
    last_ts = 0
    lineno = 1
    with layout.open(path) as fh:
        try:
            start, rows = layout.begin(path, fh)
            for lineno, line in enumerate(rows, start):
                try:
                    event = parse(line)
                    ts = event.ts
                    if ts < last_ts:  # last_ts >= 0, so a negative time lands here too
                        raise RowError(Reason.MALFORMED if ts < 0 else Reason.TIME_BACKWARDS)
                except ROW_ERRORS as exc:
                    text = line if isinstance(line, str) else line.decode("utf-8", "replace")
                    reject_line(path, rejects, reason_of(exc), lineno, text)
                    continue
                last_ts = ts
                yield event
        except IO_ERRORS as exc:
            raise DataError(path, lineno + 1, describe(exc)) from exc


def numbered_rows(path: Pathish, layout: Layout[str]) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every row of a text file, for formats that group rows."""
    with layout.open(path) as fh:
        start, rows = layout.begin(path, fh)
        yield from numbered_lines(path, rows, start)
