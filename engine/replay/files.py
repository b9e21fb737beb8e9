"""Opening data files (plain or gzip) and turning I/O failures into :class:`DataError`."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from io import BufferedReader
from os import PathLike
from typing import IO

from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter

GZIP_MAGIC = b"\x1f\x8b"

IO_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error, UnicodeDecodeError)
"""Exceptions that mean the file itself is unreadable (gzip's errors are OSError/EOFError)."""

Pathish = str | PathLike[str]


def describe(exc: BaseException) -> str:
    """A one-line description of an I/O failure."""
    if isinstance(exc, EOFError):
        return "truncated compressed file (ended before the end-of-stream marker)"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start} of the line)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


def is_gzip(path: Pathish) -> bool:
    """True when the file starts with the gzip magic bytes; DataError if it cannot be opened."""
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == GZIP_MAGIC
    except OSError as exc:
        raise DataError(path, None, f"cannot open: {describe(exc)}") from exc


def open_text(path: Pathish) -> IO[str]:
    """Open a UTF-8 text file (line endings kept), decompressing gzip by content."""
    try:
        if is_gzip(path):
            return gzip.open(path, "rt", encoding="utf-8", newline="")
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise DataError(path, None, f"cannot open: {describe(exc)}") from exc


def open_bytes(path: Pathish) -> gzip.GzipFile | BufferedReader:
    """Open a file for reading bytes, decompressing gzip by content."""
    try:
        if is_gzip(path):
            return gzip.open(path, "rb")
        return open(path, "rb")
    except OSError as exc:
        raise DataError(path, None, f"cannot open: {describe(exc)}") from exc


def first_line(path: Pathish) -> str:
    """The first line without its line ending; DataError if the file is empty or unreadable."""
    with open_text(path) as fh:
        try:
            line = fh.readline()
        except IO_ERRORS as exc:
            raise DataError(path, 1, describe(exc)) from exc
    if not line.strip():
        raise DataError(path, 1, "empty file" if not line else "blank first line")
    return line.rstrip("\r\n").lstrip("\ufeff")


def reject_line(
    path: Pathish, rejects: RejectCounter, reason: Reason, lineno: int, line: str
) -> None:
    """Count a rejected line. Blank lines are ignored without counting; a rejected line
    with no line break can only be the last one, cut off: the file is truncated."""
    if not line.strip():
        return
    if not line.endswith(("\n", "\r")):
        raise DataError(path, lineno, f"truncated file: the last line is cut off ({reason})")
    rejects.add(reason, lineno)


def clip(text: str, limit: int = 60) -> str:
    """``text`` without its line ending, cut to ``limit`` characters for an error message."""
    text = text.rstrip("\r\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def numbered_lines(path: Pathish, fh: Iterator[str], start: int) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` pairs from ``start``; I/O failures become DataError."""
    lineno = start - 1
    try:
        for lineno, line in enumerate(fh, start):
            yield lineno, line
    except IO_ERRORS as exc:
        raise DataError(path, lineno + 1, describe(exc)) from exc


def expect_header(path: Pathish, fh: Iterator[str], expected: str) -> None:
    """Read the first line; DataError unless it is exactly ``expected``."""
    try:
        line = next(fh, "")
    except IO_ERRORS as exc:
        raise DataError(path, 1, describe(exc)) from exc
    if not line:
        raise DataError(path, 1, "empty file")
    if line.rstrip("\r\n").lstrip("\ufeff") != expected:
        raise DataError(path, 1, f"wrong header: expected {expected!r}, found {clip(line)!r}")
