"""Backtest metrics, gathered from engine events as they happen.

Every key of :meth:`Metrics.summary` is documented in docs/backtest.md.
Money is reported in the quote currency, exact to the nano before rounding to
float for JSON; nothing here depends on wall-clock time, so the summary of the
same inputs is byte-identical run after run.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import TYPE_CHECKING
from typing import Any

from engine.model import OrderStatus
from engine.model import Side
from engine.model import money_to_float
from engine.model.events import EngineEvent
from engine.model.events import FillApplied
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import RiskDenied
from engine.model.events import RoundTripClosed

if TYPE_CHECKING:
    from engine.core.portfolio import Portfolio

_SECONDS_PER_YEAR = 365 * 86_400


class Metrics:
    """Accumulates fills, round trips, denials, rejections, slippage and equity samples."""

    def __init__(self, sample_ns: int = 1_000_000_000) -> None:
        self.sample_ns = sample_ns
        self.orders = 0
        self.fills = 0
        self.fill_qty = 0
        self.trips: list[RoundTripClosed] = []
        self.rejections: Counter[str] = Counter()
        self.order_errors: Counter[str] = Counter()
        self._decision: dict[str, int] = {}
        self._slip_ticks_sum = 0.0
        self._slip_bps_sum = 0.0
        self._slip_n = 0
        self.equity: list[tuple[int, int, int]] = []  # (ts, equity, drawdown) per sample

    def on_events(self, events: list[EngineEvent]) -> None:
        for ev in events:
            if isinstance(ev, FillApplied):
                self._on_fill(ev)
            elif isinstance(ev, RoundTripClosed):
                self.trips.append(ev)
            elif isinstance(ev, OrderSubmitted):
                self.orders += 1
                self._decision[ev.order.client_order_id] = ev.order.decision_mid2
            elif isinstance(ev, OrderUpdated):
                if ev.order.status is OrderStatus.REJECTED:
                    self.rejections["VENUE_REJECTED"] += 1
            elif isinstance(ev, RiskDenied):
                self.rejections[ev.reason] += 1
            elif isinstance(ev, OrderError):
                self.order_errors[ev.reason] += 1

    def _on_fill(self, ev: FillApplied) -> None:
        fill = ev.fill
        self.fills += 1
        self.fill_qty += fill.qty
        mid2 = self._decision.get(fill.client_order_id, 0)
        if mid2:
            worse = (fill.price * 2 - mid2) * (1 if fill.side is Side.BUY else -1) / 2
            self._slip_ticks_sum += worse * fill.qty
            self._slip_bps_sum += worse * 20_000 / mid2 * fill.qty
            self._slip_n += fill.qty

    def sample(self, ts: int, equity: int, drawdown: int) -> None:
        self.equity.append((ts, equity, drawdown))

    def summary(
        self,
        portfolio: Portfolio,
        *,
        ticks: int,
        signals: int,
        first_ts: int,
        last_ts: int,
        rejected_rows: dict[str, int],
    ) -> dict[str, Any]:
        """The metrics as a JSON-ready dict (money in quote currency); cash, equity,
        fees and drawdown are the ``portfolio``'s at the end of the run."""
        start_cash = portfolio.start_cash
        final_equity = portfolio.equity
        fees = portfolio.fees
        max_drawdown = portfolio.max_drawdown
        trips = self.trips
        wins = [t.pnl for t in trips if t.pnl > 0]
        losses = [t.pnl for t in trips if t.pnl <= 0]
        net = final_equity - start_cash
        gross_win = sum(wins)
        gross_loss = -sum(losses)
        n = len(trips)
        return {
            "ticks": ticks,
            "signals": signals,
            "orders": self.orders,
            "fills": self.fills,
            "round_trips": n,
            "gross_pnl": _m(net + fees),
            "fees": _m(fees),
            "net_pnl": _m(net),
            "start_equity": _m(start_cash),
            "final_equity": _m(final_equity),
            "return_pct": _r(net * 100 / start_cash),
            "win_rate": _r(len(wins) / n) if n else 0.0,
            "avg_win": _m(gross_win // len(wins)) if wins else 0.0,
            "avg_loss": _m(-gross_loss // len(losses)) if losses else 0.0,
            "profit_factor": _r(gross_win / gross_loss) if gross_loss else None,
            "expectancy": _m(sum(t.pnl for t in trips) // n) if n else 0.0,
            "sharpe": _r(self._sharpe()),
            "max_drawdown": _m(max_drawdown),
            "max_drawdown_pct": _r(max_drawdown * 100 / start_cash),
            "avg_time_in_trade_s": _r(sum(t.ts - t.entry_ts for t in trips) / n / 1e9)
            if n
            else 0.0,
            "avg_mae": _m(sum(t.mae for t in trips) // n) if n else 0.0,
            "worst_mae": _m(min(t.mae for t in trips)) if n else 0.0,
            "avg_mfe": _m(sum(t.mfe for t in trips) // n) if n else 0.0,
            "worst_mfe": _m(min(t.mfe for t in trips)) if n else 0.0,
            "avg_slippage_ticks": _r(self._slip_ticks_sum / self._slip_n) if self._slip_n else 0.0,
            "avg_slippage_bps": _r(self._slip_bps_sum / self._slip_n) if self._slip_n else 0.0,
            "rejections": dict(sorted(self.rejections.items())),
            "order_errors": dict(sorted(self.order_errors.items())),
            "rejected_rows": dict(sorted(rejected_rows.items())),
            "first_ts": first_ts,
            "last_ts": last_ts,
            "duration_s": _r((last_ts - first_ts) / 1e9) if last_ts else 0.0,
        }

    def _sharpe(self) -> float:
        """Annualised Sharpe of per-sample returns of equity (no risk-free rate)."""
        eq = self.equity
        if len(eq) < 3:
            return 0.0
        rets = [(b[1] - a[1]) / a[1] for a, b in itertools.pairwise(eq) if a[1]]
        mean = sum(rets) / len(rets)
        var = sum((r - mean) ** 2 for r in rets) / (len(rets) - 1)
        if var <= 0:
            return 0.0
        periods = _SECONDS_PER_YEAR * 1e9 / self.sample_ns
        return mean / math.sqrt(var) * math.sqrt(periods)


def _m(nanos: int) -> float:
    return round(money_to_float(nanos), 9)


def _r(x: float) -> float:
    return round(x, 6)
