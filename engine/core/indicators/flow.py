"""Order-flow signals: OFI from quotes, trade-flow imbalance, book imbalance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.core.indicators.window import Window
from engine.model import Side

if TYPE_CHECKING:
    from engine.core.book import Book
    from engine.core.market_state import MarketState


class OrderFlowImbalance(Window):
    """Order-flow imbalance of Cont, Kukanov & Stoikov (2014), summed over ``n`` events.

    Each top-of-book update after the first is one event with contribution
    ``e = 1[b ≥ b'] q_b - 1[b ≤ b'] q_b' - 1[a ≤ a'] q_a + 1[a ≥ a'] q_a'`` where
    ``b, q_b, a, q_a`` are the new bid, bid size, ask, ask size and primes the
    previous ones. ``value`` is the (exact int) sum of the last ``n`` events'
    ``e``; ``last`` is the latest ``e``. The first quote only sets the
    reference. ``ready`` once ``n`` events are in the window.
    """

    __slots__ = (
        "_ask",
        "_ask_size",
        "_bid",
        "_bid_size",
        "_buf",
        "_has_prev",
        "last",
        "value",
    )

    def __init__(self, n: int) -> None:
        super().__init__(n, "OFI window")
        self._buf = [0] * n
        self._has_prev = False
        self._bid = self._bid_size = self._ask = self._ask_size = 0
        self.last = 0
        self.value = 0

    def update(self, bid: int, bid_size: int, ask: int, ask_size: int) -> int:
        """Take the new top of book; return the windowed OFI (lots)."""
        if not self._has_prev:
            self._has_prev = True
        else:
            pb = self._bid
            pa = self._ask
            e = 0
            if bid >= pb:
                e += bid_size
            if bid <= pb:
                e -= self._bid_size
            if ask <= pa:
                e -= ask_size
            if ask >= pa:
                e += self._ask_size
            self.last = e
            i = self._i
            if self.ready:
                self.value += e - self._buf[i]
            else:
                self.value += e
                self._count += 1
                if self._count == self._n:
                    self.ready = True
            self._buf[i] = e
            i += 1
            self._i = 0 if i == self._n else i
        self._bid = bid
        self._bid_size = bid_size
        self._ask = ask
        self._ask_size = ask_size
        return self.value

    def update_state(self, state: MarketState) -> int:
        """:meth:`update` from a market state's top of book."""
        return self.update(state.bid, state.bid_size, state.ask, state.ask_size)

    def reset(self) -> None:
        self._restart()
        self._has_prev = False
        self.last = 0
        self.value = 0


class TradeFlowImbalance(Window):
    """Signed aggressor volume over the last ``n`` trades.

    ``value = Σ side·size`` (buys +, sells −, exact int lots), ``volume = Σ size``
    and ``ratio = value / volume`` in [-1, 1] (0.0 without volume). ``ready``
    once ``n`` trades are in the window.
    """

    __slots__ = ("_abs", "_signed", "value", "volume")

    def __init__(self, n: int) -> None:
        super().__init__(n, "trade-flow window")
        self._signed = [0] * n
        self._abs = [0] * n
        self.value = 0
        self.volume = 0

    @property
    def ratio(self) -> float:
        return self.value / self.volume if self.volume else 0.0

    def update(self, size: int, aggressor: Side) -> int:
        """Add a trade of ``size`` lots taken by ``aggressor``; return the signed sum."""
        signed = size if aggressor is Side.BUY else -size
        i = self._i
        if self.ready:
            self.value += signed - self._signed[i]
            self.volume += size - self._abs[i]
        else:
            self.value += signed
            self.volume += size
            self._count += 1
            if self._count == self._n:
                self.ready = True
        self._signed[i] = signed
        self._abs[i] = size
        i += 1
        self._i = 0 if i == self._n else i
        return self.value

    def reset(self) -> None:
        self._restart()
        self.value = 0
        self.volume = 0


class BookImbalance:
    """Depth imbalance ``(B - A) / (B + A)`` in [-1, 1], O(levels) per update.

    ``B`` and ``A`` are the summed sizes of the best ``levels`` bid and ask
    levels of a :class:`~engine.core.book.Book` (fewer if the book is thinner),
    or the top-of-book sizes via :meth:`update_top`. ``value`` is 0.0 and
    ``ready`` False when ``B + A`` is 0.
    """

    __slots__ = ("ask_depth", "bid_depth", "levels", "ready", "value")

    def __init__(self, levels: int = 5) -> None:
        if levels < 1:
            raise ValueError(f"levels must be >= 1, got {levels}")
        self.levels = levels
        self.bid_depth = 0
        self.ask_depth = 0
        self.value = 0.0
        self.ready = False

    def update(self, book: Book) -> float:
        """Recompute from the best ``levels`` of each side of ``book``."""
        return self.update_top(_depth(book.bids(), self.levels), _depth(book.asks(), self.levels))

    def update_top(self, bid_size: int, ask_size: int) -> float:
        """Compute from two sizes (top of book, or depths summed elsewhere)."""
        self.bid_depth = bid_size
        self.ask_depth = ask_size
        total = bid_size + ask_size
        if total > 0:
            self.value = (bid_size - ask_size) / total
            self.ready = True
        else:
            self.value = 0.0
            self.ready = False
        return self.value

    def update_state(self, state: MarketState) -> float:
        """From the state's book when it has one, else from its top of book."""
        book = state.book
        if book is not None and book.synced:
            return self.update(book)
        return self.update_top(state.bid_size, state.ask_size)

    def reset(self) -> None:
        self.bid_depth = 0
        self.ask_depth = 0
        self.value = 0.0
        self.ready = False


def _depth(side: list[tuple[int, int]], levels: int) -> int:
    """Summed size of the first ``levels`` entries, without slicing."""
    total = 0
    for _, size in side:
        total += size
        levels -= 1
        if not levels:
            break
    return total
