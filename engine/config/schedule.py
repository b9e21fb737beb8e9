"""The ``[schedule]`` section: trading sessions and housekeeping times.

Validation errors are raised as ``ValueError("<field>: <message>")`` so the
loader can name the full key (``schedule.sessions[0].close``).
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

import msgspec

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS: tuple[Day, ...] = DAYS[:5]
ALL_SYMBOLS = "*"

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def parse_hhmm(text: str) -> time:
    """``"09:30"`` -> ``time(9, 30)``; ValueError for anything but 00:00..23:59."""
    match = _HHMM.match(text)
    if match is None:
        raise ValueError(f"must be HH:MM between 00:00 and 23:59 (got {text!r})")
    return time(int(match.group(1)), int(match.group(2)))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ValueError when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known IANA time zone") from None


class SessionConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One trading window, ``open`` inclusive to ``close`` exclusive, local time."""

    name: str
    open: str
    close: str
    symbols: tuple[str, ...] = (ALL_SYMBOLS,)
    days: tuple[Day, ...] = WEEKDAYS

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"name: must be letters, digits, '_', '-' or '.' (got {self.name!r})")
        for field in ("open", "close"):
            try:
                parse_hhmm(getattr(self, field))
            except ValueError as exc:
                raise ValueError(f"{field}: {exc}") from None
        if self.close_minute <= self.open_minute:
            raise ValueError(
                f"close: must be after open in session {self.name!r} "
                f"({self.close} <= {self.open}); split a window that crosses midnight in two"
            )
        if not self.symbols or any(not s for s in self.symbols):
            raise ValueError('symbols: must list symbols, or be ["*"] for all')
        if ALL_SYMBOLS in self.symbols and len(self.symbols) > 1:
            raise ValueError('symbols: "*" must stand alone')
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("symbols: lists a symbol twice")
        if not self.days or len(set(self.days)) != len(self.days):
            raise ValueError("days: must list each day at most once, and at least one")

    @property
    def open_time(self) -> time:
        return parse_hhmm(self.open)

    @property
    def close_time(self) -> time:
        return parse_hhmm(self.close)

    @property
    def open_minute(self) -> int:
        """Minutes after local midnight."""
        return _minutes(parse_hhmm(self.open))

    @property
    def close_minute(self) -> int:
        return _minutes(parse_hhmm(self.close))

    def trades(self, symbol: str) -> bool:
        return self.symbols == (ALL_SYMBOLS,) or symbol in self.symbols


class ScheduleConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """When to trade and when to run housekeeping; all times in ``timezone``.

    No sessions means trading is never gated by time (e.g. a 24/7 market); the
    daily reset then runs at local midnight.
    """

    timezone: str = "UTC"
    sessions: tuple[SessionConfig, ...] = ()
    flatten_before_close_min: int = 5  # 0 = no pre-close flatten
    reconcile_interval_s: float = 60.0
    equity_snapshot_s: float = 60.0  # 0 = off
    digest_time: str = ""  # "HH:MM"; "" = no daily digest

    def __post_init__(self) -> None:
        try:
            zone_of(self.timezone)
        except ValueError as exc:
            raise ValueError(f"timezone: {exc}") from None
        names = [s.name for s in self.sessions]
        if len(set(names)) != len(names):
            raise ValueError("sessions: two sessions have the same name")
        if self.flatten_before_close_min < 0:
            raise ValueError("flatten_before_close_min: must not be negative")
        for s in self.sessions:
            if self.flatten_before_close_min >= s.close_minute - s.open_minute:
                raise ValueError(
                    f"flatten_before_close_min: {self.flatten_before_close_min} is not shorter "
                    f"than session {s.name!r} ({s.open}-{s.close})"
                )
        if not self.reconcile_interval_s > 0:
            raise ValueError("reconcile_interval_s: must be positive")
        if not self.equity_snapshot_s >= 0:
            raise ValueError("equity_snapshot_s: must not be negative (0 = off)")
        if self.digest_time:
            try:
                parse_hhmm(self.digest_time)
            except ValueError as exc:
                raise ValueError(f"digest_time: {exc}") from None
        clash = _overlap(self.sessions)
        if clash:
            raise ValueError(f"sessions: {clash}")

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)


def _overlap(sessions: tuple[SessionConfig, ...]) -> str:
    """A description of two sessions open at once for a common symbol, or ''."""
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            days = [d for d in DAYS if d in a.days and d in b.days]
            if not days or a.close_minute <= b.open_minute or b.close_minute <= a.open_minute:
                continue
            if ALL_SYMBOLS in a.symbols or ALL_SYMBOLS in b.symbols:
                common = ALL_SYMBOLS
            else:
                common = ",".join(sorted(set(a.symbols) & set(b.symbols)))
            if common:
                return (
                    f"{a.name!r} and {b.name!r} overlap on {days[0]} for {common}; "
                    "closing one would flatten the other"
                )
    return ""
