"""Pre-trade checks: small pure functions ``(intent, ctx) -> Denial | None``.

Each names its reason code. The gate runs them in order and the first denial
wins. Checks that only guard new exposure skip intents that reduce a position
(the order-rate and duplicate checks too: the trader bounds a run of exits; the
price collar checks limit orders only, and closing orders are market);
the per-order size limits (``max_order_qty``, ``max_order_notional``) measure
the whole order, so a reversal larger than them is denied whole and the trader
sends it as close (never blocked by them) then open (checked on its own).

``check_venue_filters`` denies the orders the venue itself would refuse (its
``Instrument.filters``), so a refusal is named here instead of coming back as a
venue reject, plus one rule of its own for new exposure: an entry (an order that
does not reduce the position) is denied VENUE_LOT_SIZE when the position it would
leave, in absolute lots, is over the market-order maximum (``market_max_lots``),
because that position could not then be closed by one market order. A reducing
order is denied only for what the venue would reject: a USD-M close larger than
the market-order maximum (which the entry rule keeps from arising for positions
the gate built) and, on spot, an exit under the minimum notional (dust; Binance
has no reduce-only exemption there): the check names that refusal, and what to
do with dust is left to the venue adapter slice. It returns at once for an
instrument without filters (every venue but Binance).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

import msgspec

from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import TradingState
from engine.model.instrument import MULTIPLIER_SCALE
from engine.model.instrument import VenueFilters
from engine.model.instrument import amount
from engine.model.instrument import money_to_decimal
from engine.model.instrument import plain


class Denial(msgspec.Struct, frozen=True):
    reason: str
    detail: str


class Quotes(Protocol):
    """What the checks read of the market (``MarketState`` satisfies it)."""

    bid: int
    ask: int
    mid2: int
    quote_ts: int


@dataclass(slots=True, eq=False)
class RiskContext:
    """Everything the checks may read; the gate fills it before each intent."""

    now: int = 0
    quotes: Quotes | None = None
    position: int = 0
    gross_exposure: int = 0
    money_per_tick_lot: int = 1
    instrument: Instrument | None = None  # its venue filters; the details a person reads
    trading_state: TradingState = TradingState.ACTIVE
    breaker_latched: str = ""
    feed_stale: bool = False
    max_qty_lots: int = 0
    max_notional: int = 0
    max_position: int = 0
    max_gross: int = 0
    max_spread_bps: float = 0.0
    price_collar_bps: float = 0.0
    max_quote_age_ns: int = 0
    rate_window_ns: int = 1
    max_rate_symbol: int = 0
    max_rate_total: int = 0
    rate_symbol: deque[int] = field(default_factory=deque)
    rate_total: deque[int] = field(default_factory=deque)
    dup_window_ns: int = 0
    last_intents: dict[tuple[Side, int, OrderType, int], int] = field(default_factory=dict)


Check = Callable[[OrderIntent, RiskContext], "Denial | None"]


def _qty(ctx: RiskContext, intent: OrderIntent, lots: int) -> str:
    return amount(ctx.instrument, intent.symbol, lots)


def _money(nanos: int) -> str:
    return plain(money_to_decimal(nanos))


def opens_exposure(intent: OrderIntent, position: int) -> bool:
    """True when the intent opens, increases or flips a position."""
    new = position + intent.qty * intent.side
    if new == 0:
        return False
    return abs(new) > abs(position) or (new > 0) != (position > 0)


def _ref_price2(intent: OrderIntent, ctx: RiskContext) -> int:
    """Twice the price the order is expected to trade at, in ticks."""
    if intent.order_type is not OrderType.MARKET and intent.price:
        return intent.price * 2
    q = ctx.quotes
    if q is None:
        return 0
    return 2 * (q.ask if intent.side is Side.BUY else q.bid)


def check_trading_state(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    state = ctx.trading_state
    if state is TradingState.ACTIVE and not ctx.breaker_latched:
        return None
    if not opens_exposure(intent, ctx.position):
        return None
    if ctx.breaker_latched:
        return Denial("BREAKER_LATCHED", f"{ctx.breaker_latched} breaker is latched")
    return Denial("TRADING_STATE", f"trading state is {state.value}: no new exposure")


def check_quote(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    q = ctx.quotes
    if q is None or q.mid2 <= 0:
        return Denial("NO_QUOTE", "no quote for the symbol yet")
    if ctx.max_quote_age_ns and opens_exposure(intent, ctx.position):
        age = ctx.now - q.quote_ts
        if age > ctx.max_quote_age_ns:
            return Denial("QUOTE_STALE", f"last quote {age / 1e6:.0f} ms old")
    return None


def check_feed(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    if ctx.feed_stale and opens_exposure(intent, ctx.position):
        return Denial("FEED_STALE", "market data for the symbol is stale or disconnected")
    return None


def check_max_qty(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    """An order that opens exposure against ``max_order_qty``; a limit below one lot
    of the symbol (``max_qty_lots`` < 0) denies all of them instead of meaning "no limit"."""
    if intent.qty <= 0:
        return Denial("QTY_INVALID", f"quantity {_qty(ctx, intent, intent.qty)}")
    limit = ctx.max_qty_lots
    if not limit or not opens_exposure(intent, ctx.position):
        return None
    if limit < 0:
        return Denial("QTY_LIMIT_BELOW_LOT", "risk.max_order_qty is below one lot of the symbol")
    if intent.qty > limit:
        detail = f"{_qty(ctx, intent, intent.qty)} > {_qty(ctx, intent, limit)}"
        return Denial("QTY_EXCEEDS_MAX", detail)
    return None


def check_max_notional(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    if not ctx.max_notional or not opens_exposure(intent, ctx.position):
        return None
    notional = intent.qty * _ref_price2(intent, ctx) * ctx.money_per_tick_lot // 2
    if notional > ctx.max_notional:
        detail = f"order notional {_money(notional)} > {_money(ctx.max_notional)}"
        return Denial("NOTIONAL_EXCEEDS_MAX", detail)
    return None


def check_max_position(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    if not ctx.max_position or not opens_exposure(intent, ctx.position):
        return None
    new = ctx.position + intent.qty * intent.side
    value = abs(new) * _ref_price2(intent, ctx) * ctx.money_per_tick_lot // 2
    if value > ctx.max_position:
        detail = f"position value {_money(value)} > {_money(ctx.max_position)}"
        return Denial("POSITION_EXCEEDS_MAX", detail)
    return None


def check_gross_exposure(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    if not ctx.max_gross or not opens_exposure(intent, ctx.position):
        return None
    price2 = _ref_price2(intent, ctx)
    mpl = ctx.money_per_tick_lot
    old = abs(ctx.position) * price2 * mpl // 2
    new = abs(ctx.position + intent.qty * intent.side) * price2 * mpl // 2
    gross = ctx.gross_exposure - old + new
    if gross > ctx.max_gross:
        detail = f"gross exposure {_money(gross)} > {_money(ctx.max_gross)}"
        return Denial("GROSS_EXPOSURE_EXCEEDS_MAX", detail)
    return None


def check_spread(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    q = ctx.quotes
    if not ctx.max_spread_bps or q is None or not opens_exposure(intent, ctx.position):
        return None
    bps = (q.ask - q.bid) * 20_000 / q.mid2
    if bps > ctx.max_spread_bps:
        return Denial("SPREAD_TOO_WIDE", f"spread {bps:.2f} bps > {ctx.max_spread_bps}")
    return None


def check_price_collar(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    q = ctx.quotes
    if not ctx.price_collar_bps or q is None or intent.order_type is OrderType.MARKET:
        return None
    off = abs(intent.price * 2 - q.mid2) * 10_000 / q.mid2
    if off > ctx.price_collar_bps:
        return Denial("PRICE_OUTSIDE_COLLAR", f"limit {off:.1f} bps from mid")
    return None


def check_order_rate(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    horizon = ctx.now - ctx.rate_window_ns
    for window in (ctx.rate_symbol, ctx.rate_total):
        while window and window[0] <= horizon:
            window.popleft()
    # A position-reducing order is never blocked by a limit meant for new exposure
    # (DESIGN.md): a runaway of exits is bounded by the trader instead (at most one
    # closing order per symbol, and a failed one is retried after order.exit_retry_s).
    if not opens_exposure(intent, ctx.position):
        return None
    if ctx.max_rate_symbol and len(ctx.rate_symbol) >= ctx.max_rate_symbol:
        return Denial("ORDER_RATE_SYMBOL", f"{ctx.max_rate_symbol} orders in the window")
    if ctx.max_rate_total and len(ctx.rate_total) >= ctx.max_rate_total:
        return Denial("ORDER_RATE_TOTAL", f"{ctx.max_rate_total} orders in the window")
    return None


def check_duplicate(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    if not ctx.dup_window_ns or not opens_exposure(intent, ctx.position):
        return None  # a reducing order is bounded by the trader (see check_order_rate)
    last = ctx.last_intents.get((intent.side, intent.qty, intent.order_type, intent.price))
    if last is not None and ctx.now - last < ctx.dup_window_ns:
        return Denial("DUPLICATE_INTENT", "same order within the duplicate window")
    return None


def check_venue_filters(intent: OrderIntent, ctx: RiskContext) -> Denial | None:
    """The venue's own order rules (``Instrument.filters``): lot size, price filter,
    percent price (against the mid) and notional, and an entry may not leave a position
    over the market-order maximum; None when the instrument has none."""
    inst = ctx.instrument
    if inst is None or inst.filters is None:
        return None
    return _venue_denial(intent, ctx, inst.filters)


def _venue_denial(intent: OrderIntent, ctx: RiskContext, f: VenueFilters) -> Denial | None:
    qty = intent.qty
    market = intent.order_type is OrderType.MARKET
    over = f.max_lots and qty > f.max_lots
    if market and not over:
        over = f.market_max_lots and qty > f.market_max_lots
    if qty < f.min_lots or (market and qty < f.market_min_lots) or over:
        return Denial("VENUE_LOT_SIZE", _lot_detail(intent, ctx, f, market))
    top = f.market_max_lots  # every position allowed must close in one market order
    if top and abs(ctx.position + qty * intent.side) > top and opens_exposure(intent, ctx.position):
        return Denial("VENUE_LOT_SIZE", _close_detail(intent, ctx, top))
    q = ctx.quotes
    mid2 = q.mid2 if q is not None else 0
    if market:
        price2 = mid2
    else:
        price = intent.price
        price2 = price * 2
        if price < f.min_price or (f.max_price and price > f.max_price):
            return Denial("VENUE_PRICE_FILTER", _price_detail(ctx, intent, f))
        buy = intent.side is Side.BUY
        up = f.buy_up if buy else f.sell_up
        down = f.buy_down if buy else f.sell_down
        scaled = price2 * MULTIPLIER_SCALE
        if mid2 and ((up and scaled > mid2 * up) or scaled < mid2 * down):
            detail = f"limit {_price(ctx, price)} is outside the venue's band around the mid"
            return Denial("VENUE_PERCENT_PRICE", f"{detail} {_price(ctx, mid2 / 2)}")
    if not price2:
        return None
    notional2 = qty * price2 * ctx.money_per_tick_lot
    exempt = f.reduce_only_exempt and intent.reduce_only
    if not exempt and notional2 < 2 * f.min_notional and (f.min_notional_market or not market):
        detail = f"notional {_money(notional2 // 2)} < venue minimum {_money(f.min_notional)}"
        return Denial("VENUE_MIN_NOTIONAL", detail)
    if f.max_notional and notional2 > 2 * f.max_notional and (f.max_notional_market or not market):
        detail = f"notional {_money(notional2 // 2)} > venue maximum {_money(f.max_notional)}"
        return Denial("VENUE_MAX_NOTIONAL", detail)
    return None


def _price(ctx: RiskContext, ticks: int | float) -> str:
    inst = ctx.instrument
    return plain(inst.price(ticks)) if inst is not None else f"{ticks:g} ticks"


def _lot_detail(intent: OrderIntent, ctx: RiskContext, f: VenueFilters, market: bool) -> str:
    lo = max(f.min_lots, f.market_min_lots if market else 0)
    his = [x for x in (f.max_lots, f.market_max_lots if market else 0) if x]
    hi = _qty(ctx, intent, min(his)) if his else "any"
    text = f"quantity {_qty(ctx, intent, intent.qty)} is outside the venue's lot size"
    return f"{text} ({_qty(ctx, intent, lo)} to {hi})"


def _close_detail(intent: OrderIntent, ctx: RiskContext, top: int) -> str:
    new = _qty(ctx, intent, ctx.position + intent.qty * intent.side)
    limit = _qty(ctx, intent, top)
    text = f"position {new} after the order is over the venue's market-order maximum {limit}"
    return f"{text}: it could not be closed in one market order"


def _price_detail(ctx: RiskContext, intent: OrderIntent, f: VenueFilters) -> str:
    hi = _price(ctx, f.max_price) if f.max_price else "any"
    lo = _price(ctx, f.min_price)
    return f"limit {_price(ctx, intent.price)} is outside the venue's prices ({lo} to {hi})"


DEFAULT_CHECKS: tuple[Check, ...] = (
    check_trading_state,
    check_quote,
    check_feed,
    check_max_qty,
    check_duplicate,
    check_order_rate,
    check_spread,
    check_price_collar,
    check_venue_filters,
    check_max_notional,
    check_max_position,
    check_gross_exposure,
)
