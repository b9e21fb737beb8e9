"""scalpbot / System: feed health, event loop, store, Telegram outbox, reconciliation."""

from __future__ import annotations

from monitoring.grafana import (
    JSON,
    PROC,
    RATE,
    SYM,
    UP_DOWN,
    VEN,
    YES_NO,
    Layout,
    dashboard,
    panel,
    quantiles,
    target,
    targets,
    thresholds,
)


def build() -> JSON:
    lay = Layout()
    lay.row("Health")
    for title, expr, maps in (
        ("Scrape", f"up{{{PROC}}}", UP_DOWN),
        ("Ready", f"scalpbot_ready{{{VEN}}}", YES_NO),
        ("Feed connected", f"scalpbot_feed_connected{{{VEN}}}", YES_NO),
        ("Last reconciliation OK", f"scalpbot_reconcile_ok{{{VEN}}}", YES_NO),
    ):
        lay.add(
            panel(
                "stat",
                title,
                [target(expr, "{{instance}}")],
                mappings=maps,
                steps=thresholds((None, "red"), (1, "green")),
            ),
            4,
            4,
        )
    lay.add(
        panel(
            "stat",
            "Stale symbols",
            [target(f"sum(scalpbot_symbol_stale{{{SYM}}})", "stale")],
            steps=thresholds((None, "green"), (1, "red")),
        ),
        4,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Since last reconciliation",
            [
                target(
                    f"time() - max by (instance) "
                    f"(scalpbot_last_reconcile_timestamp_seconds{{{VEN}}})",
                    "{{instance}}",
                )
            ],
            unit="s",
            steps=thresholds((None, "green"), (120, "orange"), (600, "red")),
        ),
        4,
        4,
    )
    lay.row("Market data")
    lay.add(
        panel(
            "timeseries",
            "Ticks per second",
            [
                target(
                    f"sum by (symbol, kind) (rate(scalpbot_market_ticks_total{{{SYM}}}[{RATE}]))",
                    "{{symbol}} {{kind}}",
                )
            ],
        ),
        12,
    )
    lay.add(
        panel(
            "timeseries",
            "Last tick age",
            [target(f"max by (symbol) (scalpbot_last_tick_age_seconds{{{SYM}}})", "{{symbol}}")],
            unit="s",
        ),
        12,
    )
    lay.add(
        panel(
            "timeseries",
            "Reconnects",
            [
                target(
                    f"sum(increase(scalpbot_feed_reconnects_total{{{VEN}}}[{RATE}]))", "reconnects"
                )
            ],
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Dropped market data by reason",
            targets(
                (
                    f"sum by (reason) (rate(scalpbot_feed_decode_errors_total{{{VEN}}}[{RATE}]))",
                    "decode {{reason}}",
                ),
                (
                    f"sum by (reason) (rate(scalpbot_feed_sanity_rejects_total{{{VEN}}}[{RATE}]))",
                    "sanity {{reason}}",
                ),
            ),
            unit="reqps",
        ),
        16,
    )
    lay.row("Process")
    lay.add(
        panel(
            "timeseries",
            "Event loop lag",
            [
                *quantiles(f"scalpbot_event_loop_lag_seconds_bucket{{{PROC}}}", qs=(0.5, 0.99)),
                target(f"max(scalpbot_event_loop_lag_last_seconds{{{PROC}}})", "last", "C"),
            ],
            unit="s",
            description="How late the loop wakes a 100 ms timer: anything blocking the loop.",
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "CPU",
            [target(f"rate(process_cpu_seconds_total{{{PROC}}}[{RATE}])", "{{instance}}")],
            unit="percentunit",
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Memory",
            [target(f"process_resident_memory_bytes{{{PROC}}}", "{{instance}}")],
            unit="bytes",
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Engine events",
            targets(
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
            ),
        ),
        24,
    )
    lay.row("Store")
    lay.add(
        panel(
            "timeseries",
            "Store queue",
            [target(f"sum(scalpbot_store_queued_rows{{{PROC}}})", "queued rows")],
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Store writes",
            targets(
                (f"sum(rate(scalpbot_store_rows_written_total{{{PROC}}}[{RATE}]))", "rows/s"),
                (
                    f"sum(increase(scalpbot_store_write_errors_total{{{PROC}}}[{RATE}]))",
                    "errors",
                ),
            ),
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Last batch commit",
            [target(f"max(scalpbot_store_last_batch_duration_seconds{{{PROC}}})", "duration")],
            unit="s",
        ),
        8,
    )
    lay.row("Telegram and reconciliation")
    lay.add(
        panel(
            "timeseries",
            "Telegram outbox",
            [target(f"sum(scalpbot_telegram_outbox_depth{{{PROC}}})", "waiting")],
        ),
        6,
    )
    lay.add(
        panel(
            "timeseries",
            "Telegram messages per minute",
            targets(
                *(
                    (
                        f"sum(rate(scalpbot_telegram_messages_{k}_total{{{PROC}}}[{RATE}])) * 60",
                        k,
                    )
                    for k in ("sent", "failed", "dropped")
                )
            ),
        ),
        6,
    )
    lay.add(
        panel(
            "timeseries",
            "Reconciliations per minute",
            [
                target(
                    f"sum(rate(scalpbot_reconcile_runs_total{{{VEN}}}[{RATE}])) * 60",
                    "runs",
                )
            ],
        ),
        6,
    )
    lay.add(
        panel(
            "timeseries",
            "Discrepancies by kind",
            [
                target(
                    "sum by (kind) "
                    f"(increase(scalpbot_reconcile_discrepancies_total{{{VEN}}}[{RATE}]))",
                    "{{kind}}",
                )
            ],
            description="What the venue knew that the bot did not (adopted, recovered...).",
        ),
        6,
    )
    return dashboard(
        "scalpbot-system",
        "scalpbot / System",
        "Feed health, reconnects, event loop lag, store, Telegram outbox, reconciliation.",
        lay,
    )
