"""Synchronous read-outs of the running bot: the metrics snapshot and the health report.

Pure reads of the core, the live engine and the runtime views (nothing here
changes anything or awaits anything); ``Control.snapshot`` and ``Control.health``
return them.
"""

from __future__ import annotations

from engine.bus import EventBus
from engine.control.results import HealthReport
from engine.control.results import HistogramView
from engine.control.results import SymbolTelemetry
from engine.control.results import TelemetrySnapshot
from engine.control.views import LiveView
from engine.control.views import RuntimeView
from engine.core.trading_core import TradingCore
from engine.model import money_to_float
from engine.model.histogram import Histogram


def telemetry_snapshot(
    core: TradingCore, live: LiveView, rt: RuntimeView, now: int
) -> TelemetrySnapshot:
    """Everything the metrics exporter needs, read at scrape time (``now`` in ns)."""
    pf = core.portfolio
    symbols = []
    for sym in core.symbols:
        market = core.market(sym)
        pos = pf.position(sym)
        inst = core.instruments[sym]
        last = live.last_tick_ns.get(sym, 0)
        symbols.append(
            SymbolTelemetry(
                sym,
                market.quotes,
                market.trades,
                max(0.0, (now - last) / 1e9) if last else None,  # FEED: a clock step back
                core.is_stale(sym),
                core.trading_state(sym).value,
                float(inst.qty(pos.qty)),
                money_to_float(pos.qty * pos.mark2 * inst.money_per_tick_lot // 2),
                money_to_float(pos.unrealized_pnl),
            )
        )
    queued, written, errors = rt.store_stats()
    return TelemetrySnapshot(
        venue=rt.venue_name,
        ready=rt.ready,
        feed_connected=live.feed_connected,
        reconnects=rt.reconnects,
        decode_errors=dict(live.decode_errors),
        sanity_rejects=dict(live.gate.rejects),
        symbols=symbols,
        state=core.state.value,
        breakers=list(core.breakers.latched),
        equity=money_to_float(pf.equity),
        cash=money_to_float(pf.cash),
        realized_pnl=money_to_float(pf.realized),
        unrealized_pnl=money_to_float(pf.unrealized),
        day_pnl=money_to_float(pf.day_pnl),
        drawdown=money_to_float(pf.drawdown),
        high_water_mark=money_to_float(pf.high_water_mark),
        gross_exposure=money_to_float(pf.gross_exposure),
        fees=money_to_float(pf.fees),
        tick_to_trade=_hist(live.tick_to_trade),
        submit_to_ack=_hist(live.submit_to_ack),
        ack_to_fill=_hist(live.ack_to_fill),
        store_queue=queued,
        store_rows_written=written,
        store_errors=errors,
        store_last_batch_s=rt.store_last_batch_s(),
        reconcile_runs=rt.reconcile_runs(),
        reconcile_ok=rt.last_reconcile_ok,
        last_reconcile_ts=rt.last_reconcile_ts,
        pending_venue_calls=live.pending_tasks,
        daily_loss_limit=float(core.risk.limits.daily_loss_limit),
    )


def health_report(
    core: TradingCore, live: LiveView, rt: RuntimeView, bus: EventBus, now: int
) -> HealthReport:
    """Readiness, feed, store and reconciliation health (``now`` in ns)."""
    queued, written, errors = rt.store_stats()
    minute_ago = now - 60_000_000_000
    recent = sum(1 for o in core.orders.all_orders() if o.created_ts >= minute_ago)
    return HealthReport(
        ready=rt.ready,
        feed_connected=live.feed_connected,
        stale_symbols=[s for s in core.symbols if core.is_stale(s)],
        reconnects=rt.reconnects,
        decode_errors=dict(live.decode_errors),
        sanity_rejects=dict(live.gate.rejects),
        orders_last_minute=recent,
        pending_venue_calls=live.pending_tasks,
        store_queue=queued,
        store_rows_written=written,
        store_errors=errors,
        store_writable=rt.store_writable(),
        last_reconcile_ts=rt.last_reconcile_ts,
        last_reconcile_ok=rt.last_reconcile_ok,
        event_subscriber_failures=dict(bus.failures),
    )


def _hist(h: Histogram) -> HistogramView:
    return HistogramView(h.cumulative(), h.sum, h.count)
