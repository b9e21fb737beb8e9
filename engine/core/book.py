"""An L2 order book rebuilt from snapshots and diffs."""

from __future__ import annotations

from engine.model import BookLevel
from engine.model import BookUpdate

MAX_PENDING = 10_000


class Book:
    """Price (ticks) -> size (lots) per side, with sorted views on demand.

    Diffs follow Binance's rules. Before a snapshot they are buffered (up to
    ``MAX_PENDING``); when it comes, buffered and later diffs not newer than the
    snapshot are dropped, and the first applied diff
    must straddle it (``U <= lastUpdateId + 1`` and ``u >= lastUpdateId``).
    Later diffs must continue the last one: ``pu == u`` of the previous diff
    where the venue sends ``pu`` (USD-M futures), else ``U == u + 1`` (spot).
    A gap marks the book unsynced and is counted in ``gaps``; diffs are then
    ignored until the next snapshot.
    """

    __slots__ = (
        "_asks",
        "_bids",
        "_dirty",
        "_first",
        "_pending",
        "_sorted_asks",
        "_sorted_bids",
        "gaps",
        "last_id",
        "synced",
    )

    def __init__(self) -> None:
        self._bids: dict[int, int] = {}
        self._asks: dict[int, int] = {}
        self._sorted_bids: list[tuple[int, int]] = []
        self._sorted_asks: list[tuple[int, int]] = []
        self._dirty = False
        self._first = False
        self._pending: list[BookUpdate] = []
        self.last_id = 0
        self.synced = False
        self.gaps = 0

    def apply(self, update: BookUpdate) -> bool:
        """Apply a snapshot or diff; False when it was not applicable (stale, gap, unsynced)."""
        if update.is_snapshot:
            self._bids = {lv.price: lv.size for lv in update.bids if lv.size > 0}
            self._asks = {lv.price: lv.size for lv in update.asks if lv.size > 0}
            self.last_id = update.last_id
            self.synced = True
            self._first = True
            self._dirty = True
            pending, self._pending = self._pending, []
            for diff in pending:
                if diff.last_id > self.last_id:
                    self.apply(diff)
            return True
        if not self.synced:
            if len(self._pending) < MAX_PENDING:
                self._pending.append(update)
            return False
        last = self.last_id
        if update.last_id and last:
            if update.last_id < last or (update.last_id == last and not self._first):
                return False
            if self._first:
                ok = update.first_id <= last + 1
            elif update.prev_id:
                ok = update.prev_id == last
            else:
                ok = update.first_id == last + 1
            if not ok:
                self.synced = False
                self.gaps += 1
                return False
        self._first = False
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
