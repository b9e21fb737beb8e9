"""The sanity gate: malformed market data is counted by reason and dropped."""

from __future__ import annotations

from collections import Counter

from engine.model import Symbol


class SanityGate:
    """Checks each decoded tick before the core sees it.

    Rejects non-positive prices or negative sizes (``bad_price``/``bad_size``),
    crossed (bid > ask) and locked (bid == ask) quotes, and timestamps older
    than the symbol's last tick (``time_backwards``). Counts live in ``rejects``.
    """

    __slots__ = ("_last_ts", "rejects")

    def __init__(self, symbols: list[Symbol]) -> None:
        self._last_ts: dict[Symbol, int] = dict.fromkeys(symbols, 0)
        self.rejects: Counter[str] = Counter()

    def quote(
        self, symbol: Symbol, ts: int, bid: int, bid_size: int, ask: int, ask_size: int
    ) -> bool:
        last = self._last_ts.get(symbol)
        if last is None:
            self.rejects["unknown_symbol"] += 1
            return False
        if bid <= 0 or ask <= 0:
            self.rejects["bad_price"] += 1
            return False
        if bid >= ask:
            self.rejects["crossed" if bid > ask else "locked"] += 1
            return False
        if bid_size < 0 or ask_size < 0:
            self.rejects["bad_size"] += 1
            return False
        if ts < last:
            self.rejects["time_backwards"] += 1
            return False
        self._last_ts[symbol] = ts
        return True

    def trade(self, symbol: Symbol, ts: int, price: int, size: int) -> bool:
        last = self._last_ts.get(symbol)
        if last is None:
            self.rejects["unknown_symbol"] += 1
            return False
        if price <= 0:
            self.rejects["bad_price"] += 1
            return False
        if size <= 0:
            self.rejects["bad_size"] += 1
            return False
        if ts < last:
            self.rejects["time_backwards"] += 1
            return False
        self._last_ts[symbol] = ts
        return True
