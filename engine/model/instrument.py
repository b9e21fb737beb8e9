"""Instruments and the exact integer units the core computes in.

Prices are integers in ticks of the instrument's ``price_increment``, quantities
integers in lots of its ``size_increment``, and money integers in nano units of
the quote currency (:data:`MONEY_SCALE`). Decimals appear only at the edges.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN
from decimal import Decimal
from decimal import InvalidOperation
from typing import Literal

import msgspec

from engine.model.ids import Symbol

MONEY_SCALE = 10**9
"""Money is held as integer nano units of the quote currency."""

_MONEY_QUANTUM = Decimal(1).scaleb(-9)


def money_to_decimal(nanos: int) -> Decimal:
    """Exact decimal value of an integer money amount."""
    return Decimal(nanos).scaleb(-9)


def decimal_to_money(value: Decimal | str | int) -> int:
    """Integer nano units for a decimal amount (rounded half-even below a nano)."""
    d = Decimal(value)
    return int((d * MONEY_SCALE).to_integral_value(rounding=ROUND_HALF_EVEN))


def money_to_float(nanos: int) -> float:
    return nanos / MONEY_SCALE


class OffGridError(ValueError):
    """A price or size that is not a whole number of ticks or lots."""


MULTIPLIER_SCALE = 10**9
"""Percent-price multipliers are held as integer billionths (``1.05`` is 1_050_000_000)."""


class VenueFilters(msgspec.Struct, frozen=True, kw_only=True):
    """A venue's per-order rules in the core's units; 0 switches a rule off.

    Prices are ticks, quantities lots, notionals nanos and multipliers billionths
    (:data:`MULTIPLIER_SCALE`) of the reference price ``ref`` (the core uses the mid).
    Lot limits apply to every order, the ``market_*`` ones to market orders as well.
    A percent-price bound is per side (``buy_up`` is the highest buy price over the
    reference); a market order has no price and skips it. ``min_notional_market`` /
    ``max_notional_market`` say whether a notional bound applies to market orders
    (their notional is taken at the reference). With ``reduce_only_exempt`` a
    reduce-only order skips the minimum notional (Binance USD-M); no other rule
    spares an exit. ``market_max_lots`` also bounds the position an entry may leave,
    so that every position the gate allows closes in one market order.
    """

    min_price: int = 0
    max_price: int = 0
    min_lots: int = 0
    max_lots: int = 0
    market_min_lots: int = 0
    market_max_lots: int = 0
    min_notional: int = 0
    max_notional: int = 0
    min_notional_market: bool = True
    max_notional_market: bool = True
    reduce_only_exempt: bool = False
    buy_up: int = 0
    buy_down: int = 0
    sell_up: int = 0
    sell_down: int = 0
    max_num_orders: int = 0
    ref: Literal["mark", "avg", "last"] = "mark"


class Instrument(msgspec.Struct, frozen=True, kw_only=True):
    """A tradable symbol with its venue precision.

    ``filters`` holds the venue's order rules the risk gate enforces; None (every
    venue without such rules) means the gate checks none.
    """

    symbol: Symbol
    price_increment: Decimal
    size_increment: Decimal
    venue: str = "SIM"
    min_lots: int = 1
    filters: VenueFilters | None = None

    def __post_init__(self) -> None:
        if self.price_increment <= 0 or self.size_increment <= 0:
            raise ValueError(f"{self.symbol}: increments must be positive")
        unit = self.price_increment * self.size_increment * MONEY_SCALE
        if unit != unit.to_integral_value():
            raise ValueError(
                f"{self.symbol}: tick x lot = {self.price_increment * self.size_increment} "
                "is finer than the money unit (1e-9)"
            )

    # -- conversions (edges only; the hot path works in ticks and lots) --------

    @property
    def money_per_tick_lot(self) -> int:
        """Nano units of money in one tick times one lot."""
        return int(self.price_increment * self.size_increment * MONEY_SCALE)

    @property
    def ticks_per_unit(self) -> float:
        """Ticks in one unit of price, as a float multiplier for fast parsing."""
        return float(1 / self.price_increment)

    @property
    def lots_per_unit(self) -> float:
        return float(1 / self.size_increment)

    def ticks(self, price: Decimal | str | int) -> int:
        """Exact ticks for a price; raises :class:`OffGridError` off the tick grid."""
        return _to_units(price, self.price_increment, self.symbol, "price")

    def lots(self, qty: Decimal | str | int) -> int:
        """Exact lots for a quantity; raises :class:`OffGridError` off the lot grid."""
        return _to_units(qty, self.size_increment, self.symbol, "quantity")

    def price(self, ticks: int | float) -> Decimal:
        """Decimal price of a tick count (a float gives an average price)."""
        if isinstance(ticks, int):
            return ticks * self.price_increment
        return (Decimal(repr(ticks)) * self.price_increment).quantize(self.price_increment / 10_000)

    def qty(self, lots: int) -> Decimal:
        return lots * self.size_increment

    def notional(self, ticks: int, lots: int) -> int:
        """Money (nanos) of ``lots`` at ``ticks``."""
        return ticks * lots * self.money_per_tick_lot


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros (``0.001``, ``10``, ``187.25``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount(instrument: Instrument | None, symbol: str, lots: int) -> str:
    """``lots`` of ``symbol`` as a person reads it, in the instrument's units
    (``0.001 BTCUSD``, ``-5 AAPL``); ``3 lots of XYZ`` when the instrument is unknown."""
    if instrument is None:
        return f"{lots} lot{'' if abs(lots) == 1 else 's'} of {symbol}"
    return f"{plain(instrument.qty(lots))} {symbol}"


def price_text(instrument: Instrument | None, ticks: int | float) -> str:
    """A tick count as a price (``61662``), or ``N ticks`` when the instrument is unknown."""
    if instrument is None:
        return f"{ticks:g} ticks"
    return plain(instrument.price(ticks))


def _to_units(value: Decimal | str | int, increment: Decimal, symbol: str, what: str) -> int:
    try:
        d = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise OffGridError(f"{symbol}: {what} {value!r} is not a number") from exc
    if not d.is_finite():
        raise OffGridError(f"{symbol}: {what} {value!r} is not finite")
    units = d / increment
    whole = units.to_integral_value()
    if units != whole:
        raise OffGridError(f"{symbol}: {what} {value} is not a multiple of {increment}")
    return int(whole)
