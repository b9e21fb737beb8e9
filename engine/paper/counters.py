"""Running totals of a paper venue."""

from __future__ import annotations


class PaperCounters:
    """Running totals (read them; the venue updates them)."""

    __slots__ = (
        "accepted",
        "cancel_rejected",
        "cancel_requests",
        "cancelled",
        "expired",
        "fees",
        "filled_lots",
        "fills",
        "rejected",
        "submitted",
    )

    def __init__(self) -> None:
        self.submitted = 0
        self.cancel_requests = 0
        self.accepted = 0
        self.rejected = 0
        self.fills = 0
        self.filled_lots = 0
        self.fees = 0
        self.cancelled = 0
        self.expired = 0
        self.cancel_rejected = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}
