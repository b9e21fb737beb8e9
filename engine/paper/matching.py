"""Pure matching rules: what a taking order gets now, and when a resting order fills.

Prices are ticks, sizes lots. ``side`` is always the side of *our* order. The
paper venue's own orders never match each other; they meet only the external
market described by a :class:`~engine.paper.view.MarketView`.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.model import Side
from engine.paper.view import MarketView

Fills = list[tuple[int, int]]
"""(price ticks, lots) per execution, in execution order."""

NO_LIMIT = 0
"""``limit`` value meaning a market order (no price bound)."""


def opposite_levels(view: MarketView, side: Side) -> Sequence[tuple[int, int]]:
    """Liquidity a ``side`` order would take, best-first.

    Depth is trusted when the view has a book with levels on that side;
    otherwise the top of book is one level whose size may be 0 (unknown).
    Empty when there is no quote on that side.
    """
    book = view.book
    if side is Side.BUY:
        if book is not None:
            levels = book.asks()
            if levels:
                return levels
        return [(view.ask, view.ask_size)] if view.ask > 0 else []
    if book is not None:
        levels = book.bids()
        if levels:
            return levels
    return [(view.bid, view.bid_size)] if view.bid > 0 else []


def would_take(view: MarketView, side: Side, limit: int) -> bool:
    """True when a limit order at ``limit`` is marketable on arrival."""
    levels = opposite_levels(view, side)
    if not levels:
        return False
    best = levels[0][0]
    return best <= limit if side is Side.BUY else best >= limit


def take(
    view: MarketView,
    side: Side,
    qty: int,
    *,
    limit: int = NO_LIMIT,
    slippage: int = 0,
    walk: bool = True,
) -> Fills:
    """Fills a taking order of ``qty`` lots gets from the view right now.

    Levels are consumed best-first while their price is within ``limit``
    (:data:`NO_LIMIT` for a market order). A level of unknown size (0) fills all
    that remains. Past the last displayed level, ``walk`` continues at
    successively worse ticks, each as deep as the last level, still within the
    limit; without ``walk`` the fills stop there. Each fill price is moved
    ``slippage`` ticks against the taker but never past the limit, and a sell
    never fills below one tick. The total may be less than ``qty``.
    """
    levels = opposite_levels(view, side)
    if not levels or qty <= 0:
        return []
    sign = int(side)
    fills: Fills = []
    remaining = qty
    last_price, last_size = levels[0]
    for price, size in levels:
        if limit and (price - limit) * sign > 0:
            return _slip(fills, sign, slippage, limit)
        if size <= 0:
            fills.append((price, remaining))
            return _slip(fills, sign, slippage, limit)
        lots = size if size < remaining else remaining
        fills.append((price, lots))
        remaining -= lots
        if not remaining:
            return _slip(fills, sign, slippage, limit)
        last_price, last_size = price, size
    if walk:
        price = last_price
        while remaining:
            price += sign
            if (limit and (price - limit) * sign > 0) or price <= 0:
                break
            lots = last_size if last_size < remaining else remaining
            fills.append((price, lots))
            remaining -= lots
    return _slip(fills, sign, slippage, limit)


def _slip(fills: Fills, sign: int, slippage: int, limit: int) -> Fills:
    if not slippage:
        return fills
    out: Fills = []
    for price, lots in fills:
        p = price + sign * slippage
        if limit and (p - limit) * sign > 0:
            p = limit
        out.append((max(p, 1), lots))
    return out


def quote_crosses(view: MarketView, side: Side, limit: int, on_touch: bool) -> bool:
    """True when the opposite quote reaches a resting order at ``limit``.

    By default the quote must cross strictly beyond the limit (a buy at 100
    fills when the ask is 99); with ``on_touch`` reaching it is enough.
    """
    if side is Side.BUY:
        ask = view.ask
        return ask > 0 and (ask <= limit if on_touch else ask < limit)
    bid = view.bid
    return bid > 0 and (bid >= limit if on_touch else bid > limit)


def trade_fill(
    side: Side,
    limit: int,
    remaining: int,
    *,
    price: int,
    size: int,
    aggressor: Side,
    on_touch: bool,
) -> int:
    """Lots a resting order at ``limit`` fills on a print of ``size`` at ``price``.

    A print strictly through the limit fills the whole remainder (everything at
    the limit traded first). With ``on_touch``, a print at the limit by an
    aggressor on the other side fills up to its size (all when unknown, 0).
    """
    through = price < limit if side is Side.BUY else price > limit
    if through:
        return remaining
    if on_touch and price == limit and aggressor is not side:
        return remaining if size <= 0 or size >= remaining else size
    return 0
