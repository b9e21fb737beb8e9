"""The simulated market, for now a static book (slice E replaces it with a capture replay).

:func:`load_static_book` reads a raw USD-M capture with
:func:`engine.replay.read_binance_raw` up to its first REST depth snapshot and
keeps it; a capture with no snapshot (in its first ``max_events``) gives a
one-level book from its first bookTicker. :class:`StaticBook` is the paper venue's
:class:`~engine.paper.MarketView` (and its own depth) and renders
``GET /fapi/v1/depth`` answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Quote
from engine.model import Symbol
from engine.model.instrument import plain
from engine.replay import DataError
from engine.replay import read_binance_raw

Levels = list[tuple[int, int]]

BTCUSDT = Instrument(
    symbol=Symbol("BTCUSDT"),
    price_increment=Decimal("0.1"),
    size_increment=Decimal("0.001"),
    venue="BINANCESIM",
)


class StaticBook:
    """A book that does not move: best-first ``(ticks, lots)`` per side, plus ids and times."""

    __slots__ = ("_asks", "_bids", "event_ms", "instrument", "last_update_id")

    def __init__(
        self, instrument: Instrument, bids: Levels, asks: Levels, last_update_id: int, event_ms: int
    ) -> None:
        self.instrument = instrument
        self._bids = sorted(((p, q) for p, q in bids if q > 0), reverse=True)
        self._asks = sorted((p, q) for p, q in asks if q > 0)
        self.last_update_id = last_update_id
        self.event_ms = event_ms

    # -- MarketView / DepthView ----------------------------------------------------
    @property
    def bid(self) -> int:
        return self._bids[0][0] if self._bids else 0

    @property
    def ask(self) -> int:
        return self._asks[0][0] if self._asks else 0

    @property
    def bid_size(self) -> int:
        return self._bids[0][1] if self._bids else 0

    @property
    def ask_size(self) -> int:
        return self._asks[0][1] if self._asks else 0

    @property
    def book(self) -> StaticBook:
        return self

    def bids(self, n: int = 0) -> Sequence[tuple[int, int]]:
        return self._bids[:n] if n else self._bids

    def asks(self, n: int = 0) -> Sequence[tuple[int, int]]:
        return self._asks[:n] if n else self._asks

    # -- wire ------------------------------------------------------------------------
    def depth_body(self, limit: int) -> dict[str, object]:
        """``GET /fapi/v1/depth``: ``{lastUpdateId, E, T, bids, asks}``, numbers as text."""
        ins = self.instrument
        return {
            "lastUpdateId": self.last_update_id,
            "E": self.event_ms,
            "T": self.event_ms,
            "bids": [[_text(ins.price(p)), _text(ins.qty(q))] for p, q in self._bids[:limit]],
            "asks": [[_text(ins.price(p)), _text(ins.qty(q))] for p, q in self._asks[:limit]],
        }


def _text(value: Decimal) -> str:
    return plain(value) if value else "0"


def load_static_book(
    path: str, instrument: Instrument = BTCUSDT, max_events: int = 100_000
) -> StaticBook:
    """The capture's first depth snapshot as a static book, read within ``max_events``
    events; without one, a one-level book from the first bookTicker."""
    first: Quote | None = None
    for n, event in enumerate(read_binance_raw(path, instrument)):
        if isinstance(event, BookUpdate) and event.is_snapshot:
            bids = [(lv.price, lv.size) for lv in event.bids]
            asks = [(lv.price, lv.size) for lv in event.asks]
            return StaticBook(instrument, bids, asks, event.last_id, event.ts // 1_000_000)
        if first is None and isinstance(event, Quote):
            first = event
        if n >= max_events:
            break
    if first is None:
        raise DataError(path, None, "no depth snapshot or bookTicker in the capture")
    bids, asks = [(first.bid, first.bid_size)], [(first.ask, first.ask_size)]
    return StaticBook(instrument, bids, asks, 1, first.ts // 1_000_000)
