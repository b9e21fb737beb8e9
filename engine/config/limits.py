"""The one validation path for risk limits changed at run time (chat, HTTP) or restored
from the store at start-up.

The configuration sets the bounds (docs/configuration.md, "Changing limits at run
time"): a change may tighten a limit but never loosen it beyond the configured
value, never switch off (0) a limit the configuration switches on, and the
result passes the same checks as the configuration itself (``RiskLimits``'
own validation and :func:`engine.config.safety.check_risk`). At start-up the
configuration wins over any stored override outside those bounds.

Which way is "tighter" depends on the limit: :data:`DIRECTIONS` says it for
every field of :class:`~engine.core.risk.RiskLimits`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import msgspec

from engine.config.errors import ConfigError
from engine.config.safety import check_risk
from engine.core.risk import RiskLimits
from engine.core.risk.limits import limit_problem


class Safer(Enum):
    """Which values of a limit are safer than others."""

    LOWER = "lower is safer"
    LOWER_OFF = "lower is safer, 0 switches it off"
    HIGHER = "higher is safer"
    HIGHER_OFF = "higher is safer, 0 switches it off"
    HIGHER_LATCH = "higher is safer, 0 latches until reset (safest)"
    FIXED = "set by the configuration only"


# Every field of RiskLimits, and which way is safer (a test keeps this table complete).
DIRECTIONS: dict[str, Safer] = {
    "max_order_notional": Safer.LOWER_OFF,
    "max_position_notional": Safer.LOWER_OFF,
    "max_gross_exposure": Safer.LOWER_OFF,
    "max_order_qty": Safer.LOWER_OFF,
    "max_spread_bps": Safer.LOWER_OFF,
    "price_collar_bps": Safer.LOWER_OFF,
    "max_orders_per_window_symbol": Safer.LOWER_OFF,
    "max_orders_per_window_total": Safer.LOWER_OFF,
    "rate_window_ms": Safer.HIGHER,  # the same count of orders over a longer window
    "max_quote_age_ms": Safer.LOWER_OFF,
    "duplicate_window_ms": Safer.HIGHER_OFF,  # duplicates denied over a longer window
    "daily_loss_limit": Safer.LOWER_OFF,
    "max_drawdown": Safer.LOWER_OFF,
    "max_consecutive_losses": Safer.LOWER_OFF,
    "loss_cooldown_s": Safer.HIGHER_LATCH,  # how long a loss streak blocks entries
    "breaker_confirmations": Safer.LOWER,  # checks over the limit before a trip
    "warn_fractions": Safer.FIXED,  # announcements only
}

Number = Decimal | int | float


def _rank(safer: Safer, value: Number) -> tuple[int, Number]:
    """Smaller rank = safer (compared exactly: tier first, then the signed value)."""
    if safer is Safer.LOWER:
        return (0, value)
    if safer is Safer.LOWER_OFF:
        return (1, 0) if value == 0 else (0, value)
    if safer is Safer.HIGHER:
        return (0, -value)
    if safer is Safer.HIGHER_OFF:
        return (1, 0) if value == 0 else (0, -value)
    return (-1, 0) if value == 0 else (0, -value)  # HIGHER_LATCH: 0 latches, the safest


MAX_TEXT = 32  # characters of a value as typed (or stored)
EXPONENTS = (-9, 15)  # a value's leading digit: from nanos up to 10**15


def _parse(name: str, kind: type, raw: object) -> Number:
    """``raw`` as a number of ``kind``; bounded in size BEFORE anything expands it
    (``1e300000000`` would otherwise take seconds and hundreds of MB to format)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        long = raw.bit_length() > 64  # (its text is slow to make)
    else:
        long = isinstance(raw, (str, float, Decimal)) and len(str(raw)) > MAX_TEXT
    if long:
        raise ValueError(f"bad value for {name}: longer than {MAX_TEXT} characters")
    try:
        value: Number = msgspec.convert(raw, kind, strict=False)
    except (msgspec.ValidationError, ArithmeticError, ValueError) as exc:
        raise ValueError(f"bad value for {name}: {' '.join(str(exc).split())}") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"bad value for {name}: {raw} is not a finite number")
        if value and not EXPONENTS[0] <= value.adjusted() <= EXPONENTS[1]:
            raise ValueError(f"bad value for {name}: {raw} is out of range")
        value = Decimal(format(value, "f"))
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"bad value for {name}: {raw} is not a finite number")
    elif value and not 10.0 ** EXPONENTS[0] <= abs(value) < 10.0 ** (EXPONENTS[1] + 1):
        raise ValueError(f"bad value for {name}: {raw} is out of range")
    return value


def _shown(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def check_change(base: RiskLimits, name: str, raw: object) -> Number:
    """The value ``raw`` converted for limit ``name``, if the configuration's bounds
    allow it; else ValueError with a one-line reason."""
    safer = DIRECTIONS.get(name)
    if safer is None or name not in RiskLimits.__struct_fields__:
        raise ValueError(f"unknown limit '{name}'")
    if safer is Safer.FIXED:
        raise ValueError(f"{name} is {safer.value}")
    configured = getattr(base, name)
    value = _parse(name, type(configured), raw)
    if value < 0:
        raise ValueError(f"bad value for {name}: must not be negative")
    problem = limit_problem(name, value)  # what RiskLimits itself refuses
    if problem is not None:
        raise ValueError(f"bad value for {name}: {problem}")
    if _rank(safer, value) <= _rank(safer, configured):
        return value
    if value == 0 and safer in (Safer.LOWER_OFF, Safer.HIGHER_OFF):
        why = "0 would switch off"
    else:
        why = f"{_shown(value)} would loosen"
    raise ValueError(
        f"{why} {name}, which the configuration sets to {_shown(configured)} "
        f"({safer.value}): only a tighter value is allowed"
    )


def _validated(limits: dict[str, Any], venue_kind: str) -> RiskLimits:
    """The limits built and checked as the configuration's are (ValueError, one line)."""
    try:
        new = msgspec.convert(limits, RiskLimits)
        check_risk(new, venue_kind)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    except (msgspec.ValidationError, ValueError) as exc:
        raise ValueError(" ".join(str(exc).split())) from None
    return new


def override(
    base: RiskLimits, current: RiskLimits, name: str, value: str, *, venue_kind: str = "sim"
) -> RiskLimits:
    """``current`` with limit ``name`` set to ``value`` (text, as typed in chat), checked
    against the configured ``base``; raises ValueError with a one-line reason."""
    parsed = check_change(base, name, value)
    fields = msgspec.structs.asdict(current)
    fields[name] = parsed
    return _validated(fields, venue_kind)


def restore(
    base: RiskLimits, stored: object, *, venue_kind: str = "sim"
) -> tuple[RiskLimits, list[str]]:
    """The limits to run with: ``base`` (the configuration) with each stored override
    that is inside its bounds. Returns them and one note per override kept or refused
    (stored data of the wrong shape is refused whole: the configured limits)."""
    if not isinstance(stored, Mapping):
        kind = type(stored).__name__
        return base, [f"stored limits refused ({kind}, not a table): configured limits kept"]
    fields = msgspec.structs.asdict(base)
    notes: list[str] = []
    for name, raw in stored.items():
        if not isinstance(name, str):
            notes.append("a stored limit without a name, ignored")
            continue
        configured = getattr(base, name, None)
        if name not in DIRECTIONS or name not in fields:
            notes.append(f"{name}: no such limit any more, ignored")
            continue
        if DIRECTIONS[name] is Safer.FIXED:
            continue  # the configuration's value, always
        try:
            value = check_change(base, name, raw)
        except ValueError as exc:
            notes.append(f"{name}: stored override refused ({exc}); configured value kept")
            continue
        if value != configured:
            fields[name] = value
            notes.append(f"{name} = {_shown(value)} (configured {_shown(configured)})")
    try:
        return _validated(fields, venue_kind), notes
    except ValueError as exc:
        notes.append(f"stored overrides refused together ({exc}): configured limits kept")
        return base, notes


def overrides(base: RiskLimits, limits: RiskLimits) -> dict[str, Any]:
    """What differs from the configuration, as plain data (what is worth storing)."""
    out = {}
    for name in RiskLimits.__struct_fields__:
        value = getattr(limits, name)
        if value != getattr(base, name):
            out[name] = msgspec.to_builtins(value)
    return out


__all__ = ["DIRECTIONS", "Safer", "check_change", "override", "overrides", "restore"]
