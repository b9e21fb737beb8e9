"""Seeded fault injection for the simulated venue.

Every fault is switched on by name with ``--fault NAME=VALUE`` (see
:data:`FAULT_HELP`). Decisions come from random generators seeded with the
venue's seed, one per kind of decision, so a run with the same seed and the
same requests injects the same faults, and enabling one fault never shifts
the draws of another. Counters are served on ``GET /sim/faults``.

REST (every authenticated ``/v2`` request; websocket upgrades excluded): one
uniform draw ``u`` per request; ``u < rest_429`` answers 429 (``Retry-After``
and ``X-Ratelimit-Limit/Remaining/Reset``), ``u < rest_429 + rest_5xx``
answers 500, ``u < rest_429 + rest_5xx + rest_timeout`` hangs ``rest_hang``
seconds (longer than any client timeout; cut short when the venue stops) and
then answers 504. For a mutating request (POST, DELETE) a 5xx or a timeout
then draws a fair coin: *before* means the request was not executed at all,
*after* means it was executed (the order exists and trades, the cancel
happened) and only the answer is lost. GET requests fail *before*.

``reject``: the order is accepted (200, status ``accepted``) and then
rejected by the venue: a ``rejected`` trade_updates event, status
``rejected``, ``failed_at`` set; it never reaches the matching engine and its
client order id stays used.

``updates_delay_ms``, ``updates_duplicate``, ``updates_reorder``: act on the
single trade_updates sequence (see :mod:`engine.venues.sim.updates`): each
event is delayed; sent twice in a row (same ``execution_id``); or held back
and sent right after the next event.

``drop_stream_every``: every S seconds every websocket (market data and
trade_updates) is closed with code 1001; clients must reconnect, and events
of the gap are only available from REST. ``stall_every``/``stall_for``: every
``stall_every`` seconds, market data is not sent for ``stall_for`` seconds
(it is dropped, not queued) while connections stay up and orders keep
filling against the market the clients cannot see.
"""

from __future__ import annotations

import random
from typing import Literal

import msgspec

RestFault = Literal["none", "429", "5xx", "timeout"]

_PROBABILITIES = (
    "rest_5xx",
    "rest_timeout",
    "rest_429",
    "updates_duplicate",
    "updates_reorder",
    "reject",
)
_SECONDS = ("drop_stream_every", "stall_every", "stall_for", "rest_hang", "updates_delay_ms")

FAULT_HELP: dict[str, str] = {
    "drop_stream_every": "S: close every websocket (data and trade_updates) every S seconds",
    "stall_every": "S: every S seconds stop sending market data (connections stay up)",
    "stall_for": "S: how long each stall lasts (needs stall_every)",
    "rest_5xx": "P: probability a REST request gets 500 (mutating ones: half after executing)",
    "rest_timeout": "P: probability a REST request hangs rest_hang seconds (then 504)",
    "rest_hang": "S: how long a timed-out REST request hangs (default 30)",
    "rest_429": "P: probability a REST request gets 429 with Retry-After and X-Ratelimit-*",
    "retry_after": "S: the Retry-After of an injected 429, whole seconds (default 1)",
    "updates_delay_ms": "MS: delay every trade_updates event by MS milliseconds",
    "updates_duplicate": "P: probability a trade_updates event is sent twice",
    "updates_reorder": "P: probability a trade_updates event is held back behind the next one",
    "reject": "P: probability an accepted order is then rejected (a 'rejected' event)",
}


class FaultConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Which faults are on; all zero (off) by default. See :data:`FAULT_HELP`."""

    drop_stream_every: float = 0.0
    stall_every: float = 0.0
    stall_for: float = 0.0
    rest_5xx: float = 0.0
    rest_timeout: float = 0.0
    rest_hang: float = 30.0
    rest_429: float = 0.0
    retry_after: int = 1
    updates_delay_ms: float = 0.0
    updates_duplicate: float = 0.0
    updates_reorder: float = 0.0
    reject: float = 0.0

    def __post_init__(self) -> None:
        for name in _PROBABILITIES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault {name}={value}: must be a probability from 0 to 1")
        for name in _SECONDS:
            value = getattr(self, name)
            if not 0.0 <= value < 1e9:
                raise ValueError(f"fault {name}={value}: must be a non-negative number")
        if self.rest_hang <= 0:
            raise ValueError(f"fault rest_hang={self.rest_hang}: must be positive")
        if self.retry_after < 1:
            raise ValueError(f"fault retry_after={self.retry_after}: must be at least 1")
        if (self.stall_every > 0) != (self.stall_for > 0):
            raise ValueError("faults stall_every and stall_for must be given together")
        if self.stall_every and self.stall_for >= self.stall_every:
            raise ValueError(
                f"fault stall_for={self.stall_for} must be shorter than "
                f"stall_every={self.stall_every}"
            )
        total = self.rest_5xx + self.rest_timeout + self.rest_429
        if total > 1.0:
            raise ValueError(f"faults rest_5xx + rest_timeout + rest_429 = {total:g} exceeds 1")


def parse_faults(pairs: list[str], base: FaultConfig | None = None) -> FaultConfig:
    """``["rest_5xx=0.1", ...]`` -> a validated :class:`FaultConfig`.

    Raises ``ValueError`` with a one-line message naming the offending pair
    (unknown name, missing ``=``, or a bad value).
    """
    values: dict[str, object] = msgspec.structs.asdict(base or FaultConfig())
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"--fault expects NAME=VALUE (got {pair!r})")
        if name not in FAULT_HELP:
            raise ValueError(f"unknown fault {name!r} (known: {', '.join(sorted(FAULT_HELP))})")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"fault {name}={text!r}: not a number") from None
        if name == "retry_after":
            if number != int(number):
                raise ValueError(f"fault retry_after={text}: must be whole seconds")
            values[name] = int(number)
        else:
            values[name] = number
    return FaultConfig(**values)  # type: ignore[arg-type]


class FaultCounters(msgspec.Struct):
    """How often each fault fired (exposed on ``GET /sim/faults``)."""

    rest_429: int = 0
    rest_5xx_before: int = 0
    rest_5xx_after: int = 0
    rest_timeout_before: int = 0
    rest_timeout_after: int = 0
    rejects: int = 0
    updates_delayed: int = 0
    updates_duplicated: int = 0
    updates_reordered: int = 0
    stream_drops: int = 0
    stalls: int = 0
    stalled_messages: int = 0


class FaultInjector:
    """Seeded decisions for the configured faults, with counters."""

    def __init__(self, config: FaultConfig, seed: int) -> None:
        self.config = config
        self.counters = FaultCounters()
        self._rest = random.Random(f"{seed}:rest")
        self._side = random.Random(f"{seed}:rest-side")
        self._reject = random.Random(f"{seed}:reject")
        self._updates = random.Random(f"{seed}:updates")

    def rest_fault(self) -> RestFault:
        """The fault for one REST request (draws only when a REST fault is on)."""
        c = self.config
        if not (c.rest_429 or c.rest_5xx or c.rest_timeout):
            return "none"
        u = self._rest.random()
        if u < c.rest_429:
            return "429"
        if u < c.rest_429 + c.rest_5xx:
            return "5xx"
        if u < c.rest_429 + c.rest_5xx + c.rest_timeout:
            return "timeout"
        return "none"

    def after_execution(self) -> bool:
        """For a 5xx or timeout on a mutating request: True = fail after executing it."""
        return self._side.random() < 0.5

    def should_reject(self) -> bool:
        """True when an accepted order is to be rejected by the venue."""
        p = self.config.reject
        if p and self._reject.random() < p:
            self.counters.rejects += 1
            return True
        return False

    def duplicate_update(self) -> bool:
        p = self.config.updates_duplicate
        return bool(p) and self._updates.random() < p

    def reorder_update(self) -> bool:
        p = self.config.updates_reorder
        return bool(p) and self._updates.random() < p

    def snapshot(self) -> dict[str, object]:
        """Configuration and counters as one JSON-able dict."""
        return {
            "config": msgspec.structs.asdict(self.config),
            "counters": msgspec.structs.asdict(self.counters),
        }
