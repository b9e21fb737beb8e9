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
from collections.abc import Callable
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any
from typing import NamedTuple

import msgspec

from engine.config.errors import ConfigError
from engine.config.safety import check_risk
from engine.config.safety import magnitude_problem
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
        finite = value.is_finite()
    else:
        finite = not isinstance(value, float) or math.isfinite(value)
    if not finite:
        raise ValueError(f"bad value for {name}: {raw} is not a finite number")
    problem = magnitude_problem(value)  # the same range the configuration has
    if problem is not None:
        raise ValueError(f"bad value for {name}: {raw} {problem}")
    return Decimal(format(value, "f")) if isinstance(value, Decimal) else value


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


class Restored(NamedTuple):
    """What the start-up restore decided: the limits to run with, one note per stored
    override kept or refused (for the log), and why each limit not simply at its
    configured value is what it is (for ``/limits``)."""

    limits: RiskLimits
    notes: list[str]
    why: dict[str, str]


def restore(
    base: RiskLimits, stored: object, *, venue_kind: str = "sim"
) -> tuple[RiskLimits, list[str]]:
    """The limits to run with: ``base`` (the configuration) with each stored override
    that is inside its bounds. Returns them and one note per override kept or refused
    (stored data of the wrong shape is refused whole: the configured limits)."""
    restored = restore_detail(base, stored, venue_kind=venue_kind)
    return restored.limits, restored.notes


def restore_detail(
    base: RiskLimits,
    stored: object,
    *,
    venue_kind: str = "sim",
    check: Callable[[RiskLimits], None] | None = None,
) -> Restored:
    """:func:`restore`, with why each limit has the value it starts with. ``check`` is
    what a change from chat must also pass (the core's: e.g. a quantity limit below one
    lot); it raises ValueError."""
    if not isinstance(stored, Mapping):
        kind = type(stored).__name__
        return Restored(
            base, [f"stored limits refused ({kind}, not a table): configured limits kept"], {}
        )
    fields = msgspec.structs.asdict(base)
    notes: list[str] = []
    why: dict[str, str] = {}
    kept: list[str] = []
    for name, raw in stored.items():
        if not isinstance(name, str):
            notes.append("a stored limit without a name, ignored")
            continue
        configured = getattr(base, name, None)
        if name not in DIRECTIONS or name not in fields:
            notes.append(f"{name[:MAX_TEXT]}: no such limit any more, ignored")
            continue
        if DIRECTIONS[name] is Safer.FIXED:
            continue  # the configuration's value, always
        try:
            value = check_change(base, name, raw)
            if check is not None and value != configured:
                check(msgspec.structs.replace(base, **{name: value}))
        except ValueError as exc:
            notes.append(f"{name}: stored override refused ({exc}); configured value kept")
            why[name] = f"configured; the stored override was refused at start-up: {exc}"
            continue
        if value != configured:
            fields[name] = value
            notes.append(f"{name} = {_shown(value)} (configured {_shown(configured)})")
            why[name] = f"stored override kept at start-up: {_tighter(base, name)}"
            kept.append(name)
    try:
        return Restored(_validated(fields, venue_kind), notes, why)
    except ValueError as exc:
        notes.append(f"stored overrides refused together ({exc}): configured limits kept")
        reason = f"configured; the stored overrides were refused together at start-up: {exc}"
        return Restored(base, notes, {**why, **dict.fromkeys(kept, reason)})


def set_reason(base: RiskLimits, name: str, value: object, actor: str) -> str | None:
    """Why limit ``name`` is ``value`` after ``actor`` set it (None: the configured value)."""
    if value == getattr(base, name):
        return None
    return f"set by {actor}: {_tighter(base, name)}"


class Provenance:
    """Why each limit that is not simply its configured value is what it is: kept or
    refused at start-up, or set at run time and by whom (what ``/limits`` shows)."""

    def __init__(self, base: RiskLimits, venue_kind: str = "sim") -> None:
        self._base = base
        self._venue_kind = venue_kind
        self._why: dict[str, str] = {}

    def restored(self, stored: object, check: Callable[[RiskLimits], None] | None) -> None:
        """The start-up restore of ``stored`` (the same decision the runtime made)."""
        kind = self._venue_kind
        self._why = restore_detail(self._base, stored, venue_kind=kind, check=check).why

    def changed(self, name: str, value: object, actor: str) -> None:
        why = set_reason(self._base, name, value, actor)
        if why is None:
            self._why.pop(name, None)
        else:
            self._why[name] = why

    def reasons(self) -> dict[str, str]:
        return dict(self._why)


def _tighter(base: RiskLimits, name: str) -> str:
    return f"tighter than the configured {_shown(getattr(base, name))}, the bound"


def overrides(base: RiskLimits, limits: RiskLimits) -> dict[str, Any]:
    """What differs from the configuration, as plain data (what is worth storing)."""
    out = {}
    for name in RiskLimits.__struct_fields__:
        value = getattr(limits, name)
        if value != getattr(base, name):
            out[name] = msgspec.to_builtins(value)
    return out


__all__ = [
    "DIRECTIONS",
    "Provenance",
    "Restored",
    "Safer",
    "check_change",
    "override",
    "overrides",
    "restore",
    "restore_detail",
    "set_reason",
]
