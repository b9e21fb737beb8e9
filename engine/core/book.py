"""An L2 order book rebuilt from snapshots and diffs."""

from __future__ import annotations

from engine.model import BookLevel, BookUpdate


class BookGapError(ValueError):
    """A depth diff does not follow the previous one: the book must be resynced."""


class Book:
    """Price (ticks) -> size (lots) per side, with sorted views on demand.

    Diffs follow Binance's rules: before a snapshot they are ignored; after it,
    diffs whose ``last_id`` is not newer than the snapshot are dropped, and a
    diff whose ``prev_id`` does not continue the last applied one is a gap.
    """

    __slots__ = ("_asks", "_bids", "_dirty", "_sorted_asks", "_sorted_bids", "last_id", "synced")

    def __init__(self) -> None:
        self._bids: dict[int, int] = {}
        self._asks: dict[int, int] = {}
        self._sorted_bids: list[tuple[int, int]] = []
        self._sorted_asks: list[tuple[int, int]] = []
        self._dirty = False
        self.last_id = 0
        self.synced = False

    def apply(self, update: BookUpdate) -> bool:
        """Apply a snapshot or diff; return False when it was not applicable yet."""
        if update.is_snapshot:
            self._bids = {lv.price: lv.size for lv in update.bids if lv.size > 0}
            self._asks = {lv.price: lv.size for lv in update.asks if lv.size > 0}
            self.last_id = update.last_id
            self.synced = True
            self._dirty = True
            return True
        if not self.synced:
            return False
        if update.last_id and update.last_id <= self.last_id:
            return False
        if update.prev_id and self.last_id and update.prev_id != self.last_id:
            # Binance USD-M: pu must equal the previous u. The first diff after a
            # snapshot only needs to straddle it.
            if not (update.first_id <= self.last_id + 1 <= update.last_id):
                self.synced = False
                raise BookGapError(
                    f"{update.symbol}: depth gap (prev {update.prev_id}, have {self.last_id})"
                )
        _merge(self._bids, update.bids)
        _merge(self._asks, update.asks)
        if update.last_id:
            self.last_id = update.last_id
        self._dirty = True
        return True

    def bids(self, n: int = 0) -> list[tuple[int, int]]:
        """Best-first bid levels as (price, size); ``n`` = 0 means all."""
        self._sort()
        return self._sorted_bids[:n] if n else self._sorted_bids

    def asks(self, n: int = 0) -> list[tuple[int, int]]:
        self._sort()
        return self._sorted_asks[:n] if n else self._sorted_asks

    def levels(self) -> tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]]:
        return (
            tuple(BookLevel(p, s) for p, s in self.bids()),
            tuple(BookLevel(p, s) for p, s in self.asks()),
        )

    def _sort(self) -> None:
        if self._dirty:
            self._sorted_bids = sorted(self._bids.items(), reverse=True)
            self._sorted_asks = sorted(self._asks.items())
            self._dirty = False


def _merge(side: dict[int, int], levels: tuple[BookLevel, ...]) -> None:
    for lv in levels:
        if lv.size > 0:
            side[lv.price] = lv.size
        else:
            side.pop(lv.price, None)
