"""Typed identifiers and the injectable id factory."""

from __future__ import annotations

from typing import NewType

Symbol = NewType("Symbol", str)
ClientOrderId = NewType("ClientOrderId", str)
VenueOrderId = NewType("VenueOrderId", str)
ExecutionId = NewType("ExecutionId", str)
StrategyId = NewType("StrategyId", str)


class IdFactory:
    """Deterministic client order ids: ``<prefix>-<run>-<sequence>``.

    The run tag makes ids unique across restarts (the live shell passes a fresh
    one, e.g. a timestamp); the sequence makes them unique within a run.
    """

    __slots__ = ("_prefix", "_seq")

    def __init__(self, prefix: str = "sb", run: str = "0", start: int = 0) -> None:
        if not prefix or "-" in prefix:
            raise ValueError(f"id prefix must be non-empty without '-': {prefix!r}")
        self._prefix = f"{prefix}-{run}-"
        self._seq = start

    def next_client_order_id(self) -> ClientOrderId:
        self._seq += 1
        return ClientOrderId(f"{self._prefix}{self._seq}")

    @property
    def issued(self) -> int:
        return self._seq
