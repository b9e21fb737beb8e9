"""Running totals of a paper venue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, eq=False)
class PaperCounters:
    """Running totals (read them; the venue updates them)."""

    accepted: int = 0
    cancel_rejected: int = 0
    cancel_requests: int = 0
    cancelled: int = 0
    expired: int = 0
    fees: int = 0
    filled_lots: int = 0
    fills: int = 0
    rejected: int = 0
    submitted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}
