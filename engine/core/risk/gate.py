"""The one risk choke point: every intent passes ``RiskGate.check``."""

from __future__ import annotations

from collections import Counter
from collections import deque
from collections.abc import Iterable

from engine.core.risk.checks import DEFAULT_CHECKS
from engine.core.risk.checks import Check
from engine.core.risk.checks import Denial
from engine.core.risk.checks import Quotes
from engine.core.risk.checks import RiskContext
from engine.core.risk.limits import RiskLimits
from engine.core.risk.limits import money
from engine.model import Instrument
from engine.model import OrderIntent
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TradingState


def check_limits(limits: RiskLimits, instruments: Iterable[Instrument]) -> None:
    """Refuse limits that cannot mean what they say for these instruments.

    Raises ValueError (one line, naming the key and the symbol): a
    ``max_order_qty`` below one lot would round to 0, which means "no limit".
    """
    if not limits.max_order_qty:
        return
    for inst in instruments:
        if limits.max_order_qty < inst.size_increment:
            raise ValueError(
                f"risk.max_order_qty {limits.max_order_qty:f} is below one lot of {inst.symbol} "
                f"({inst.size_increment:f}): set 0 (no limit) or at least one lot"
            )


class _SymbolRisk:
    __slots__ = ("instrument", "last_intents", "max_qty_lots", "mpl", "rate")

    def __init__(self, instrument: Instrument, limits: RiskLimits) -> None:
        self.instrument = instrument
        self.mpl = instrument.money_per_tick_lot
        lots = int(limits.max_order_qty / instrument.size_increment)
        # Below one lot rounds to 0, which would mean "no limit": fail closed (-1).
        self.max_qty_lots = lots if lots or not limits.max_order_qty else -1
        self.rate: deque[int] = deque()
        self.last_intents: dict[tuple[Side, int, OrderType, int], int] = {}


class RiskGate:
    """Runs the checks in order; approved intents count toward rate limits.

    Denials are counted by reason code in ``denials``. Limits can be replaced at
    run time (``set_limits``); rate windows and counts are kept. A
    ``max_order_qty`` below one lot of a symbol denies every opening order of
    it (``QTY_LIMIT_BELOW_LOT``); ``check_limits`` refuses such limits up front.
    """

    def __init__(
        self,
        limits: RiskLimits,
        instruments: list[Instrument],
        checks: tuple[Check, ...] = DEFAULT_CHECKS,
    ) -> None:
        self._checks = checks
        self._ctx = RiskContext()
        self._total_rate: deque[int] = deque()
        self._instruments = {i.symbol: i for i in instruments}
        self.denials: Counter[str] = Counter()
        self.approved = 0
        self.limits = limits
        self._symbols: dict[Symbol, _SymbolRisk] = {}
        self.set_limits(limits)

    def set_limits(self, limits: RiskLimits) -> None:
        self.limits = limits
        old = self._symbols
        self._symbols = {}
        for sym, inst in self._instruments.items():
            sr = _SymbolRisk(inst, limits)
            if sym in old:
                sr.rate = old[sym].rate
                sr.last_intents = old[sym].last_intents
            self._symbols[sym] = sr
        c = self._ctx
        c.max_notional = money(limits.max_order_notional)
        c.max_position = money(limits.max_position_notional)
        c.max_gross = money(limits.max_gross_exposure)
        c.max_spread_bps = limits.max_spread_bps
        c.price_collar_bps = limits.price_collar_bps
        c.max_quote_age_ns = limits.max_quote_age_ms * 1_000_000
        c.rate_window_ns = limits.rate_window_ms * 1_000_000
        c.max_rate_symbol = limits.max_orders_per_window_symbol
        c.max_rate_total = limits.max_orders_per_window_total
        c.dup_window_ns = limits.duplicate_window_ms * 1_000_000

    def check(  # noqa: PLR0913 (hot path: no per-call struct)
        self,
        intent: OrderIntent,
        now: int,
        quotes: Quotes | None,
        position: int,
        gross_exposure: int,
        trading_state: TradingState,
        breaker_latched: str = "",
        feed_stale: bool = False,
        count_denial: bool = True,
    ) -> Denial | None:
        """Return the first denial, or None after recording the approval.

        ``count_denial=False`` leaves a denial out of ``denials`` (an attempt the
        caller falls back from, such as a reversal tried whole)."""
        sr = self._symbols.get(intent.symbol)
        if sr is None:
            self.denials["UNKNOWN_SYMBOL"] += 1
            return Denial("UNKNOWN_SYMBOL", f"{intent.symbol} is not configured")
        c = self._ctx
        c.now = now
        c.quotes = quotes
        c.position = position
        c.gross_exposure = gross_exposure
        c.trading_state = trading_state
        c.breaker_latched = breaker_latched
        c.feed_stale = feed_stale
        c.money_per_tick_lot = sr.mpl
        c.instrument = sr.instrument
        c.max_qty_lots = sr.max_qty_lots
        c.rate_symbol = sr.rate
        c.rate_total = self._total_rate
        c.last_intents = sr.last_intents
        for check in self._checks:
            denial = check(intent, c)
            if denial is not None:
                if count_denial:
                    self.denials[denial.reason] += 1
                return denial
        sr.rate.append(now)
        self._total_rate.append(now)
        if c.dup_window_ns:
            sr.last_intents[(intent.side, intent.qty, intent.order_type, intent.price)] = now
        self.approved += 1
        return None
