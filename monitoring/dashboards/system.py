"""scalpbot / System: feed health, event loop, store, Telegram outbox, reconciliation."""

from __future__ import annotations

from monitoring.dashboards.table import Board
from monitoring.dashboards.table import Row
from monitoring.dashboards.table import Series
from monitoring.dashboards.table import Stat
from monitoring.grafana import PROC
from monitoring.grafana import RATE
from monitoring.grafana import SYM
from monitoring.grafana import UP_DOWN
from monitoring.grafana import VEN
from monitoring.grafana import YES_NO
from monitoring.grafana import quantiles
from monitoring.grafana import thresholds

_UP = thresholds((None, "red"), (1, "green"))
_ANY_RED = thresholds((None, "green"), (1, "red"))


def per_minute(metric: str, selector: str = PROC) -> str:
    """The summed rate of a counter, per minute."""
    return f"sum(rate({metric}{{{selector}}}[{RATE}])) * 60"


BOARD = Board(
    "scalpbot-system",
    "scalpbot / System",
    "Feed health, reconnects, event loop lag, store, Telegram outbox, reconciliation.",
    [
        Row("Health"),
        *(
            Stat(title, 4, [(expr, "{{instance}}")], h=4, mappings=maps, steps=_UP)
            for title, expr, maps in (
                ("Scrape", f"up{{{PROC}}}", UP_DOWN),
                ("Ready", f"scalpbot_ready{{{VEN}}}", YES_NO),
                ("Feed connected", f"scalpbot_feed_connected{{{VEN}}}", YES_NO),
                ("Last reconciliation OK", f"scalpbot_reconcile_ok{{{VEN}}}", YES_NO),
            )
        ),
        Stat(
            "Stale symbols",
            4,
            [(f"sum(scalpbot_symbol_stale{{{SYM}}})", "stale")],
            h=4,
            steps=_ANY_RED,
        ),
        Stat(
            "Since last reconciliation",
            4,
            [
                (
                    f"time() - max by (instance) "
                    f"(scalpbot_last_reconcile_timestamp_seconds{{{VEN}}})",
                    "{{instance}}",
                )
            ],
            h=4,
            unit="s",
            steps=thresholds((None, "green"), (120, "orange"), (600, "red")),
        ),
        Row("Market data"),
        Series(
            "Ticks per second",
            12,
            [
                (
                    f"sum by (symbol, kind) (rate(scalpbot_market_ticks_total{{{SYM}}}[{RATE}]))",
                    "{{symbol}} {{kind}}",
                )
            ],
        ),
        Series(
            "Last tick age",
            12,
            [(f"max by (symbol) (scalpbot_last_tick_age_seconds{{{SYM}}})", "{{symbol}}")],
            unit="s",
        ),
        Series(
            "Reconnects",
            8,
            [(f"sum(increase(scalpbot_feed_reconnects_total{{{VEN}}}[{RATE}]))", "reconnects")],
        ),
        Series(
            "Dropped market data by reason",
            16,
            [
                (
                    f"sum by (reason) (rate(scalpbot_feed_decode_errors_total{{{VEN}}}[{RATE}]))",
                    "decode {{reason}}",
                ),
                (
                    f"sum by (reason) (rate(scalpbot_feed_sanity_rejects_total{{{VEN}}}[{RATE}]))",
                    "sanity {{reason}}",
                ),
            ],
            unit="reqps",
        ),
        Row("Process"),
        Series(
            "Event loop lag",
            8,
            [
                *quantiles(f"scalpbot_event_loop_lag_seconds_bucket{{{PROC}}}", qs=(0.5, 0.99)),
                (f"max(scalpbot_event_loop_lag_last_seconds{{{PROC}}})", "last"),
            ],
            unit="s",
            description="How late the loop wakes a 100 ms timer: anything blocking the loop.",
        ),
        Series(
            "CPU",
            8,
            [(f"rate(process_cpu_seconds_total{{{PROC}}}[{RATE}])", "{{instance}}")],
            unit="percentunit",
        ),
        Series(
            "Memory",
            8,
            [(f"process_resident_memory_bytes{{{PROC}}}", "{{instance}}")],
            unit="bytes",
        ),
        Series(
            "Engine events",
            24,
            [
                (f"sum(rate(scalpbot_events_published_total{{{PROC}}}[{RATE}]))", "published/s"),
                (
                    f"sum(increase(scalpbot_event_subscriber_failures_total{{{PROC}}}[{RATE}]))",
                    "subscriber failures",
                ),
                (
                    "sum by (section) "
                    f"(increase(scalpbot_exporter_errors_total{{{PROC}}}[{RATE}]))",
                    "exporter {{section}}",
                ),
            ],
        ),
        Row("Store"),
        Series("Store queue", 8, [(f"sum(scalpbot_store_queued_rows{{{PROC}}})", "queued rows")]),
        Series(
            "Store writes",
            8,
            [
                (f"sum(rate(scalpbot_store_rows_written_total{{{PROC}}}[{RATE}]))", "rows/s"),
                (f"sum(increase(scalpbot_store_write_errors_total{{{PROC}}}[{RATE}]))", "errors"),
            ],
        ),
        Series(
            "Last batch commit",
            8,
            [(f"max(scalpbot_store_last_batch_duration_seconds{{{PROC}}})", "duration")],
            unit="s",
        ),
        Row("Telegram and reconciliation"),
        Series(
            "Telegram outbox", 6, [(f"sum(scalpbot_telegram_outbox_depth{{{PROC}}})", "waiting")]
        ),
        Series(
            "Telegram messages per minute",
            6,
            [
                (per_minute(f"scalpbot_telegram_messages_{k}_total"), k)
                for k in ("sent", "failed", "dropped")
            ],
        ),
        Series(
            "Reconciliations per minute",
            6,
            [(per_minute("scalpbot_reconcile_runs_total", VEN), "runs")],
        ),
        Series(
            "Discrepancies by kind",
            6,
            [
                (
                    "sum by (kind) "
                    f"(increase(scalpbot_reconcile_discrepancies_total{{{VEN}}}[{RATE}]))",
                    "{{kind}}",
                )
            ],
            description="What the venue knew that the bot did not (adopted, recovered...).",
        ),
    ],
)
