"""The read-only views control needs of the layers above it.

``engine.control`` sits below ``engine.runtime`` (the import-linter layers
contract): it never imports the runtime. What it reads of the runtime and of the
live engine is written here as Protocols; the runtime's objects satisfy them
structurally (nothing subclasses them) and the runtime passes them in.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from typing import Protocol

from engine.control.results import TradeView
from engine.model import ExecutionReport
from engine.model import Symbol
from engine.model.events import AuditRecord
from engine.model.histogram import Histogram
from engine.model.portfolio import AccountSnapshot

SaveState = Callable[[str, Any, str], Awaitable[None]]
"""Persist ``(key, value, actor)`` so that it survives a restart."""


class RuntimeView(Protocol):
    """What the control API reads of the runtime around the core."""

    ready: bool
    run_id: str
    venue_name: str
    reconnects: int
    last_reconcile_ts: int
    last_reconcile_ok: bool

    def store_stats(self) -> tuple[int, int, int]:
        """(queued, rows written, write errors) of the store writer."""
        ...

    def store_last_batch_s(self) -> float: ...

    def store_writable(self) -> bool:
        """False while the store writer is retrying a failed batch."""
        ...

    async def audit(self, n: int) -> list[AuditRecord]:
        """The newest ``n`` audit records, newest first."""
        ...

    def reconcile_runs(self) -> int: ...

    async def fills_since(self, ts: int) -> list[TradeView]: ...

    async def equity_since(self, ts: int) -> list[tuple[int, Decimal, Decimal]]:
        """Stored equity snapshots: (ts, equity, drawdown), oldest first."""
        ...

    async def account_at(self, ts: int) -> AccountSnapshot | None:
        """The last stored equity snapshot at or before ``ts`` (None: none that old)."""
        ...

    async def reconcile_now(self) -> None:
        """Reconcile the bot's orders, fills and positions with the venue now (what the
        periodic reconciliation does); raises when the venue cannot be read."""
        ...


class GateCounts(Protocol):
    """The sanity gate's counters of dropped ticks, by reason."""

    @property
    def rejects(self) -> Mapping[str, int]: ...


class LiveView(Protocol):
    """What control reads of the live engine (``engine.runtime.live.LiveEngine``),
    and the two things it asks of it."""

    @property
    def feed_connected(self) -> bool: ...

    @property
    def last_tick_ns(self) -> Mapping[Symbol, int]:
        """The local time of each symbol's last accepted quote."""
        ...

    @property
    def decode_errors(self) -> Mapping[str, int]: ...

    @property
    def gate(self) -> GateCounts: ...

    @property
    def tick_to_trade(self) -> Histogram: ...

    @property
    def submit_to_ack(self) -> Histogram: ...

    @property
    def ack_to_fill(self) -> Histogram: ...

    @property
    def pending_tasks(self) -> int:
        """Submits in progress and their resolution."""
        ...

    def apply(self, reports: list[ExecutionReport]) -> None:
        """Act on the core's state (``apply([])`` after control changed it)."""
        ...

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no submit is in progress (True) or ``timeout`` passes."""
        ...
