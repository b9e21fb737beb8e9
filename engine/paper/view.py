"""What the paper venue reads of the market: a structural protocol.

:class:`engine.core.market_state.MarketState` satisfies it without importing
anything from here; tests may use any plain object with these attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class DepthView(Protocol):
    """L2 depth, best-first ``(price ticks, size lots)``; ``n`` = 0 means all levels."""

    def bids(self, n: int = 0) -> Sequence[tuple[int, int]]: ...

    def asks(self, n: int = 0) -> Sequence[tuple[int, int]]: ...


class MarketView(Protocol):
    """Top of book for one symbol (ticks and lots; a size of 0 means unknown,
    a price of 0 means no quote on that side), with optional depth."""

    @property
    def bid(self) -> int: ...

    @property
    def ask(self) -> int: ...

    @property
    def bid_size(self) -> int: ...

    @property
    def ask_size(self) -> int: ...

    @property
    def book(self) -> DepthView | None: ...
