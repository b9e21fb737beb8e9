"""Every metric the exporter serves: name, type, help and labels, in one table.

Names follow Prometheus conventions: the ``scalpbot_`` prefix, base units
(seconds, ratios; money is in the account's quote currency), ``_total`` on
counters, ``_info`` for build metadata. Labels are bounded: ``venue`` (one per
process), ``symbol`` (the configured set), and short reason codes; never order
ids. ``venue`` is on everything about the market or the account; process
internals (event loop, store, Telegram) carry none.

The collector (:mod:`monitoring.collector`) builds each family from its spec
here, so the table, the exposition and docs/monitoring.md cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["counter", "gauge", "histogram", "info"]


@dataclass(frozen=True, slots=True)
class Spec:
    """One metric family as exposed (counters with ``_total``, info with ``_info``)."""

    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()


V = ("venue",)
VS = ("venue", "symbol")

# -- market data -------------------------------------------------------------------
MARKET_TICKS = Spec(
    "scalpbot_market_ticks_total",
    "counter",
    "Market data messages accepted by the sanity gate (kind: quote or trade).",
    (*VS, "kind"),
)
LAST_TICK_AGE = Spec(
    "scalpbot_last_tick_age_seconds",
    "gauge",
    "Seconds since the symbol's last accepted quote (absent before the first).",
    VS,
)
SYMBOL_STALE = Spec(
    "scalpbot_symbol_stale",
    "gauge",
    "1 while the symbol's market data is stale or the feed is down (entries blocked).",
    VS,
)
FEED_CONNECTED = Spec(
    "scalpbot_feed_connected", "gauge", "1 while the market data stream is connected.", V
)
FEED_RECONNECTS = Spec(
    "scalpbot_feed_reconnects_total", "counter", "Venue stream disconnections (any stream).", V
)
DECODE_ERRORS = Spec(
    "scalpbot_feed_decode_errors_total",
    "counter",
    "Market data messages dropped because they did not decode, by reason.",
    (*V, "reason"),
)
SANITY_REJECTS = Spec(
    "scalpbot_feed_sanity_rejects_total",
    "counter",
    "Market data dropped by the sanity gate (bad price, crossed, time backwards...).",
    (*V, "reason"),
)

# -- trading state -----------------------------------------------------------------
READY = Spec(
    "scalpbot_ready", "gauge", "1 once start-up reconciliation passed and trading may run.", V
)
TRADING_STATE = Spec(
    "scalpbot_trading_state",
    "gauge",
    "Global trading state, one-hot (active, paused, reducing, halted).",
    (*V, "state"),
)
SYMBOL_TRADING_STATE = Spec(
    "scalpbot_symbol_trading_state",
    "gauge",
    "Effective trading state of each symbol, one-hot.",
    (*VS, "state"),
)
BREAKER_TRIPPED = Spec(
    "scalpbot_breaker_tripped", "gauge", "1 while the breaker is latched.", (*V, "breaker")
)
BREAKER_TRIPS = Spec("scalpbot_breaker_trips_total", "counter", "Breaker trips.", (*V, "breaker"))
BREAKER_WARNINGS = Spec(
    "scalpbot_breaker_warnings_total",
    "counter",
    "Breaker warnings (a warning fraction of the limit was crossed).",
    (*V, "breaker"),
)

# -- orders and fills (counted from engine events) -----------------------------------
ORDER_INTENTS = Spec(
    "scalpbot_order_intents_total",
    "counter",
    "Order intents at the risk gate, by decision (approved: sent; denied).",
    (*VS, "decision"),
)
ORDERS_SUBMITTED = Spec(
    "scalpbot_orders_submitted_total",
    "counter",
    "Orders that passed the risk gate and were sent to the venue.",
    (*VS, "side", "type"),
)
ORDERS_CLOSED = Spec(
    "scalpbot_orders_closed_total",
    "counter",
    "Orders that reached a final state (outcome: filled, cancelled, rejected, expired).",
    (*VS, "side", "type", "outcome"),
)
ORDERS_AMBIGUOUS = Spec(
    "scalpbot_orders_ambiguous_total",
    "counter",
    "Submits whose outcome was unknown (timeout, dropped connection, 5xx) until resolved.",
    VS,
)
REJECTIONS = Spec(
    "scalpbot_rejections_total",
    "counter",
    "Order intents refused, by source (risk: the pre-trade gate; venue) and reason.",
    (*VS, "source", "reason"),
)
ORDER_ERRORS = Spec(
    "scalpbot_order_errors_total",
    "counter",
    "Execution reports the order manager refused to apply (impossible transitions...).",
    (*V, "reason"),
)
FILLS = Spec(
    "scalpbot_fills_total",
    "counter",
    "Fills booked to the portfolio (liquidity: maker or taker).",
    (*VS, "side", "liquidity"),
)
SLIPPAGE = Spec(
    "scalpbot_fill_slippage_bps",
    "histogram",
    "Fill price against the mid when the order was decided, in basis points; positive "
    "is worse for the bot. Negative buckets, so no _sum/_count (OpenMetrics).",
    VS,
)
ROUND_TRIPS = Spec(
    "scalpbot_round_trips_total",
    "counter",
    "Positions closed back to flat, by result (win: net P&L > 0, else loss).",
    (*VS, "result"),
)
PENDING_VENUE_CALLS = Spec(
    "scalpbot_pending_venue_calls", "gauge", "Submits and cancels in flight to the venue.", V
)

# -- latency (the engine's own histograms, read at scrape time) ----------------------
TICK_TO_TRADE = Spec(
    "scalpbot_tick_to_trade_seconds",
    "histogram",
    "From a market data message entering the engine to the submit call it caused.",
    V,
)
SUBMIT_TO_ACK = Spec(
    "scalpbot_order_submit_to_ack_seconds",
    "histogram",
    "From the submit call to the venue's acknowledgement.",
    V,
)
ACK_TO_FILL = Spec(
    "scalpbot_order_ack_to_fill_seconds",
    "histogram",
    "From the venue's acknowledgement to the order's first fill.",
    V,
)

# -- account (quote currency) --------------------------------------------------------
POSITION = Spec("scalpbot_position_quantity", "gauge", "Signed position in instrument units.", VS)
POSITION_EXPOSURE = Spec(
    "scalpbot_position_exposure", "gauge", "Signed marked value of the position.", VS
)
POSITION_UNREALIZED = Spec(
    "scalpbot_position_unrealized_pnl", "gauge", "Unrealized P&L of the position.", VS
)
GROSS_EXPOSURE = Spec(
    "scalpbot_gross_exposure", "gauge", "Sum of the absolute marked position values.", V
)
EQUITY = Spec("scalpbot_equity", "gauge", "Account equity: cash plus marked positions.", V)
CASH = Spec("scalpbot_cash", "gauge", "Account cash.", V)
REALIZED_PNL = Spec("scalpbot_realized_pnl", "gauge", "Realized P&L of the book.", V)
UNREALIZED_PNL = Spec("scalpbot_unrealized_pnl", "gauge", "Unrealized P&L, all positions.", V)
DAY_PNL = Spec("scalpbot_day_pnl", "gauge", "Equity change since the start of the trading day.", V)
FEES = Spec("scalpbot_fees_paid", "gauge", "Fees paid (negative when rebates dominate).", V)
DRAWDOWN = Spec("scalpbot_drawdown", "gauge", "Equity below its high-water mark.", V)
DRAWDOWN_RATIO = Spec(
    "scalpbot_drawdown_ratio", "gauge", "Drawdown as a fraction of the high-water mark.", V
)
HIGH_WATER_MARK = Spec("scalpbot_high_water_mark", "gauge", "Equity high-water mark.", V)
DAILY_LOSS_LIMIT = Spec(
    "scalpbot_daily_loss_limit", "gauge", "The daily loss limit (0: disabled).", V
)
DAILY_LOSS_USED = Spec(
    "scalpbot_daily_loss_used_ratio",
    "gauge",
    "Today's loss as a fraction of the daily loss limit (0 with no loss or no limit).",
    V,
)

# -- reconciliation ----------------------------------------------------------------
RECONCILE_RUNS = Spec(
    "scalpbot_reconcile_runs_total", "counter", "Reconciliations with the venue.", V
)
RECONCILE_OK = Spec("scalpbot_reconcile_ok", "gauge", "1 if the last reconciliation succeeded.", V)
LAST_RECONCILE = Spec(
    "scalpbot_last_reconcile_timestamp_seconds",
    "gauge",
    "When the last successful reconciliation finished (Unix time; 0: never).",
    V,
)
DISCREPANCIES = Spec(
    "scalpbot_reconcile_discrepancies_total",
    "counter",
    "Things the venue knew that the bot did not (adopted orders, recovered fills...).",
    (*V, "kind"),
)

# -- process internals --------------------------------------------------------------
LOOP_LAG = Spec(
    "scalpbot_event_loop_lag_seconds",
    "histogram",
    "How late the event loop woke a periodic timer (scheduling lag).",
)
LOOP_LAG_LAST = Spec(
    "scalpbot_event_loop_lag_last_seconds", "gauge", "The most recent event loop lag."
)
STORE_QUEUE = Spec(
    "scalpbot_store_queued_rows", "gauge", "Rows waiting for the store writer's next batch."
)
STORE_ROWS = Spec("scalpbot_store_rows_written_total", "counter", "Rows committed to the store.")
STORE_ERRORS = Spec(
    "scalpbot_store_write_errors_total", "counter", "Failed store batch writes (retried)."
)
STORE_BATCH = Spec(
    "scalpbot_store_last_batch_duration_seconds",
    "gauge",
    "How long the store writer's last batch commit took.",
)
EVENTS_PUBLISHED = Spec(
    "scalpbot_events_published_total", "counter", "Engine events published on the bus."
)
SUBSCRIBER_FAILURES = Spec(
    "scalpbot_event_subscriber_failures_total",
    "counter",
    "Event subscribers that raised (all subscribers; /health names them).",
)
TELEGRAM_OUTBOX = Spec(
    "scalpbot_telegram_outbox_depth",
    "gauge",
    "Messages waiting in the Telegram outbox (0 without the Telegram plugin).",
)
TELEGRAM_SENT = Spec(
    "scalpbot_telegram_messages_sent_total", "counter", "Telegram messages delivered."
)
TELEGRAM_FAILED = Spec(
    "scalpbot_telegram_messages_failed_total",
    "counter",
    "Telegram send attempts that failed.",
)
TELEGRAM_DROPPED = Spec(
    "scalpbot_telegram_messages_dropped_total",
    "counter",
    "Telegram messages dropped (outbox full, expired or coalesced away).",
)
EXPORTER_ERRORS = Spec(
    "scalpbot_exporter_errors_total",
    "counter",
    "Sections of a scrape that failed to read (the rest of the scrape is still served).",
    ("section",),
)
BUILD_INFO = Spec(
    "scalpbot_build_info",
    "info",
    "Version, configuration hash, run id and venue of this process.",
    ("version", "config_hash", "run_id", "venue"),
)

ALL: tuple[Spec, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Spec))

# -- buckets and known label values ----------------------------------------------------

SLIPPAGE_BUCKETS_BPS: tuple[float, ...] = (
    -20.0, -10.0, -5.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0,
)  # fmt: skip
LOOP_LAG_BUCKETS_S: tuple[float, ...] = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
)  # fmt: skip

# Label values known when this was written, exported as 0 from the start so that
# rates, ratios and dashboards have a series before the first event. Values the
# engine adds later still appear, from their first occurrence.
BREAKERS = ("daily_loss", "drawdown", "loss_streak")
DISCREPANCY_KINDS = (
    "fill_excess",
    "fill_recovered",
    "order_adopted",
    "order_missing",
    "position_adjusted",
    "position_unknown_symbol",
)
DECODE_REASONS = (
    "bad_price",
    "bad_size",
    "bad_timestamp",
    "crossed",
    "malformed_frame",
    "malformed_message",
    "off_grid",
    "unknown_symbol",
    "unknown_type",
)
SANITY_REASONS = (
    "bad_price",
    "bad_size",
    "crossed",
    "future_ts",
    "locked",
    "no_reference",
    "past_ts",
    "price_band",
    "time_backwards",
    "unknown_symbol",
)
ORDER_OUTCOMES = ("filled", "cancelled", "rejected", "expired")
ROUND_TRIP_RESULTS = ("win", "loss")
DECISIONS = ("approved", "denied")
LIQUIDITY = ("maker", "taker")
ORDER_ERROR_REASONS = (
    "bad_fill",
    "fill_on_terminal",
    "fill_without_exec_id",
    "overfill",
    "transition",
    "unknown_order",
)
