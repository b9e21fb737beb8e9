"""What can go wrong reading market data: fatal file errors and counted row rejections.

A file that cannot be read as a whole (missing, empty, wrong header, corrupt or
truncated) raises :class:`DataError`. A single bad row is never fatal: it is
skipped and counted by reason in a :class:`RejectCounter`.
"""

from __future__ import annotations

from enum import StrEnum
from os import PathLike


class DataError(ValueError):
    """A data file that cannot be used; the message is one line naming the file and line."""

    def __init__(self, path: str | PathLike[str], line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = " ".join(problem.split())
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {self.problem}")


class Reason(StrEnum):
    """Why a row was rejected."""

    MALFORMED = "malformed"
    """Wrong column count, a field that is not a number, an unknown kind or side."""
    NOT_FINITE = "not_finite"
    """NaN or infinity."""
    BAD_PRICE = "bad_price"
    """A price of zero or below."""
    BAD_SIZE = "bad_size"
    """A negative size, or a trade of size zero."""
    OFF_GRID = "off_grid"
    """A price or size that is not a whole number of ticks or lots."""
    OUT_OF_RANGE = "out_of_range"
    """A number too large to be a price or size (2**53 units or more)."""
    CROSSED = "crossed"
    """A quote (or book snapshot) whose bid is above its ask."""
    LOCKED = "locked"
    """A quote whose bid equals its ask."""
    TIME_BACKWARDS = "time_backwards"
    """A timestamp earlier than the previous event accepted from the same source."""
    UNKNOWN_SYMBOL = "unknown_symbol"
    """A row for a symbol the source has no instrument for."""
    UNSUPPORTED = "unsupported"
    """A well-formed message of a kind the reader does not turn into events."""


ROW_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, OverflowError, KeyError)
"""What parsing one row may raise (RowError is a ValueError); any of them rejects the row."""


class RowError(ValueError):
    """Raised inside a reader when one row must be rejected (never escapes a reader)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class RejectCounter:
    """Rejected rows by reason, with the line number of the first example of each."""

    __slots__ = ("counts", "first_line")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.first_line: dict[str, int] = {}

    def add(self, reason: Reason | str, line: int) -> None:
        """Count one rejection; ``line`` is the 1-based line number in the file."""
        key = str(reason)
        n = self.counts.get(key, 0)
        if n == 0:
            self.first_line[key] = line
        self.counts[key] = n + 1

    def __getitem__(self, reason: Reason | str) -> int:
        return self.counts.get(str(reason), 0)

    @property
    def total(self) -> int:
        """All rejections, whatever the reason."""
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return bool(self.counts)

    def clear(self) -> None:
        self.counts.clear()
        self.first_line.clear()

    def update(self, other: RejectCounter) -> None:
        """Add another counter's counts (keeping this one's first lines where it has them)."""
        for key, n in other.counts.items():
            if key not in self.counts:
                self.first_line[key] = other.first_line[key]
            self.counts[key] = self.counts.get(key, 0) + n

    def summary(self) -> str:
        """One line, e.g. ``crossed=2 (first line 17), locked=1 (first line 943)``."""
        if not self.counts:
            return "no rejected rows"
        return ", ".join(
            f"{key}={n} (first line {self.first_line[key]})"
            for key, n in sorted(self.counts.items())
        )

    def __repr__(self) -> str:
        return f"RejectCounter({self.summary()})"


def reason_of(exc: Exception) -> Reason:
    """The rejection reason for an exception raised while parsing a row."""
    return exc.reason if isinstance(exc, RowError) else Reason.MALFORMED


def quote_problem(ts: int, bid: int, bid_size: int, ask: int, ask_size: int) -> Reason:
    """Why a parsed quote is invalid (called only once the fast check has failed)."""
    if ts < 0:
        return Reason.MALFORMED
    if bid <= 0 or ask <= 0:
        return Reason.BAD_PRICE
    if bid_size < 0 or ask_size < 0:
        return Reason.BAD_SIZE
    if bid > ask:
        return Reason.CROSSED
    if bid == ask:
        return Reason.LOCKED
    return Reason.TIME_BACKWARDS


def trade_problem(ts: int, price: int, size: int) -> Reason:
    """Why a parsed trade is invalid (called only once the fast check has failed)."""
    if ts < 0:
        return Reason.MALFORMED
    if price <= 0:
        return Reason.BAD_PRICE
    if size <= 0:
        return Reason.BAD_SIZE
    return Reason.TIME_BACKWARDS


def snapshot_problem(best_bid: int, best_ask: int) -> Reason | None:
    """Why a book snapshot with these best prices is invalid, if it is."""
    if best_bid > best_ask:
        return Reason.CROSSED
    if best_bid == best_ask:
        return Reason.LOCKED
    return None
