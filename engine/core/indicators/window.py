"""Bookkeeping shared by the indicators over a window of the last ``n`` values."""

from __future__ import annotations


class Window:
    """Window size ``n``, values seen so far ``count`` (``n`` once ready), ring index.

    A slotted base: subclasses add their own ``__slots__`` and read and write these
    attributes directly in ``update`` (plain slot access, no call). ``_i`` is the
    ring buffer's next position for the indicators that keep one.
    """

    __slots__ = ("_count", "_i", "_n", "ready")

    def __init__(self, n: int, what: str) -> None:
        if n < 1:
            raise ValueError(f"{what} must be >= 1, got {n}")
        self._n = n
        self._i = 0
        self._count = 0
        self.ready = False

    @property
    def n(self) -> int:
        return self._n

    @property
    def count(self) -> int:
        """Values currently in the window (``n`` once ready)."""
        return self._count

    def _restart(self) -> None:
        """Empty the window (the subclass's ``reset`` clears its own sums)."""
        self._i = 0
        self._count = 0
        self.ready = False
