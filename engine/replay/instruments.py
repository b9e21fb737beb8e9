"""Known instruments, inference from file names, and fast exact decimal-to-units parsing.

:class:`Grid` turns a decimal string into whole ticks or lots. Its fast path is
``round(float(s) * 10**d)``, accepted only when that is provably exact (see
:meth:`Grid.parse`); anything else goes through an exact integer path. So the
result is always what :meth:`Instrument.ticks` would give, at float speed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation
from os import PathLike
from pathlib import Path

import msgspec

from engine.model import Instrument
from engine.model import Symbol
from engine.replay.errors import Reason
from engine.replay.errors import RowError

MAX_UNITS = 2**53
"""Prices and sizes of this many ticks or lots or more are rejected as out of range."""

_FAST_LIMIT = 1e15
_REL_TOLERANCE = 5e-16


class Grid:
    """Exact conversion between decimal strings and whole multiples of one increment."""

    __slots__ = ("_digits", "_scale", "_step", "increment")

    def __init__(self, increment: Decimal) -> None:
        if not increment.is_finite() or increment <= 0:
            raise ValueError(f"increment must be positive, not {increment}")
        exponent = increment.as_tuple().exponent
        assert isinstance(exponent, int)
        self.increment = increment
        self._digits = max(0, -exponent)
        self._step = int(increment.scaleb(self._digits))
        # 10**d is an exact float up to d = 22; past 15 decimals use the exact path only.
        self._scale = float(10**self._digits) if self._digits <= 15 else 0.0

    def parse(self, s: str) -> int:
        """Whole increments in ``s``; raises :class:`RowError` or ``ValueError`` if none.

        Fast path: with ``x = float(s) * 10**d`` (d = the increment's decimals),
        accept ``round(x)`` when ``s`` has at most 15 characters (so at most 15
        significant digits), ``0 < x < 1e15`` and ``|x - round(x)| <= 5e-16 * x``.
        Float error is below ``2.3e-16 * x``, while a string of at most 15
        significant digits that is off the ``10**-d`` grid lies at least
        ``1e-15 * x`` from every integer: the test separates the two cases, so an
        accepted result is exact. Everything else (zero, negatives, long strings,
        exponents that underflow, off-grid values) takes the exact path.
        """
        x = float(s) * self._scale
        if 0.0 < x < _FAST_LIMIT and len(s) <= 15:
            r = round(x)
            if abs(x - r) <= x * _REL_TOLERANCE:
                if self._step == 1:
                    return r
                q, rem = divmod(r, self._step)
                if rem:
                    raise RowError(Reason.OFF_GRID)
                return q
        return self.parse_exact(s)

    def parse_exact(self, s: str) -> int:
        """The exact path of :meth:`parse`, by integer arithmetic on the decimal digits."""
        try:
            d = Decimal(s)
        except (InvalidOperation, ValueError, TypeError):
            raise RowError(Reason.MALFORMED) from None
        if not d.is_finite():
            raise RowError(Reason.NOT_FINITE)
        sign, digits, exponent = d.as_tuple()
        if not any(digits):
            return 0
        assert isinstance(exponent, int)
        if d.adjusted() > 30:
            raise RowError(Reason.OUT_OF_RANGE)
        if d.adjusted() < -self._digits:
            raise RowError(Reason.OFF_GRID)  # non-zero and smaller than 10**-d
        n = int("".join(map(str, digits)))
        shift = exponent + self._digits
        m: int
        if shift >= 0:
            m = n * 10**shift
        else:
            m, rem = divmod(n, 10**-shift)
            if rem:
                raise RowError(Reason.OFF_GRID)
        if self._step != 1:
            m, rem = divmod(m, self._step)
            if rem:
                raise RowError(Reason.OFF_GRID)
        if m >= MAX_UNITS:
            raise RowError(Reason.OUT_OF_RANGE)
        return -m if sign else m

    def format(self, units: int) -> str:
        """The plain decimal string of ``units`` increments (no exponent, exact)."""
        m = units * self._step
        if self._digits == 0:
            return str(m)
        q, r = divmod(abs(m), 10**self._digits)
        sign = "-" if m < 0 else ""
        return f"{sign}{q}.{r:0{self._digits}d}"


class UnitCache(dict[str, int]):
    """``cache[s]`` is ``grid.parse(s)``, memoised: market data repeats its strings a lot.

    Most prices and many sizes recur, so a dict hit (tens of ns) replaces most
    parses. The cache empties itself when it reaches ``limit`` entries.
    """

    __slots__ = ("_limit", "_parse")

    def __init__(self, grid: Grid, limit: int = 1 << 16) -> None:
        super().__init__()
        self._parse = grid.parse
        self._limit = limit

    def __missing__(self, key: str) -> int:
        value = self._parse(key)
        if len(self) >= self._limit:
            self.clear()
        self[key] = value
        return value


def grids(instrument: Instrument) -> tuple[Grid, Grid]:
    """The price and size grids of an instrument."""
    return Grid(instrument.price_increment), Grid(instrument.size_increment)


def unit_caches(instrument: Instrument) -> tuple[UnitCache, UnitCache]:
    """Fresh memoising parsers for an instrument's prices and sizes."""
    price, size = grids(instrument)
    return UnitCache(price), UnitCache(size)


class KnownInstrument(msgspec.Struct, frozen=True):
    """A built-in instrument and the file-name tokens that identify its data."""

    tokens: frozenset[str]
    instrument: Instrument
    wire_symbol: str
    """The symbol as the venue spells it inside its own messages."""


def _known(
    tokens: str, venue: str, symbol: str, price_increment: str, size_increment: str
) -> KnownInstrument:
    """A table row: space-separated file-name tokens; the wire symbol is the symbol."""
    instrument = Instrument(
        symbol=Symbol(symbol),
        price_increment=Decimal(price_increment),
        size_increment=Decimal(size_increment),
        venue=venue,
    )
    return KnownInstrument(frozenset(tokens.split()), instrument, symbol)


KNOWN_INSTRUMENTS: tuple[KnownInstrument, ...] = (
    _known("usdm btcusdt", "BINANCE_USDM", "BTCUSDT", "0.1", "0.001"),
    _known("spot btcusdt", "BINANCE_SPOT", "BTCUSDT", "0.01", "0.00001"),
    _known("truefx usdjpy", "TRUEFX", "USD/JPY", "0.001", "1"),
)
"""Instruments recognised from file names: every token must appear in the name."""

_TOKEN = re.compile(r"[a-z0-9]+")


def infer_instrument(path: str | PathLike[str]) -> KnownInstrument | None:
    """The known instrument whose tokens all appear in the file name, if exactly one does."""
    tokens = set(_TOKEN.findall(Path(path).name.lower()))
    found = [k for k in KNOWN_INSTRUMENTS if k.tokens <= tokens]
    return found[0] if len(found) == 1 else None
