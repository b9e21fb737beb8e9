"""scalpbot / Execution quality: latency percentiles, slippage, orders, rejections."""

from __future__ import annotations

from monitoring.grafana import (
    JSON,
    RATE,
    SYM,
    VEN,
    Layout,
    dashboard,
    panel,
    quantiles,
    target,
    targets,
)


def build() -> JSON:
    lay = Layout()
    lay.row("Latency")
    for title, metric, text in (
        (
            "Tick to trade",
            "scalpbot_tick_to_trade_seconds_bucket",
            "From a market data message entering the engine to the submit call it caused.",
        ),
        (
            "Submit to acknowledgement",
            "scalpbot_order_submit_to_ack_seconds_bucket",
            "From the submit call to the venue's acknowledgement.",
        ),
        (
            "Acknowledgement to fill",
            "scalpbot_order_ack_to_fill_seconds_bucket",
            "From the venue's acknowledgement to the order's first fill.",
        ),
    ):
        lay.add(
            panel("timeseries", title, quantiles(f"{metric}{{{VEN}}}"), unit="s", description=text),
            8,
        )
    lay.row("Slippage")
    lay.add(
        panel(
            "timeseries",
            "Slippage against the decision mid",
            quantiles(f"scalpbot_fill_slippage_bps_bucket{{{SYM}}}", "symbol", (0.5, 0.9)),
            description="Fill price against the mid when the order was decided, in basis "
            "points; positive costs the bot.",
        ),
        12,
    )
    lay.add(
        panel(
            "bargauge",
            "Slippage distribution (time range, cumulative)",
            [
                target(
                    f"sum by (le) (increase(scalpbot_fill_slippage_bps_bucket{{{SYM}}}[$__range]))",
                    "≤ {{le}} bps",
                    instant=True,
                )
            ],
            decimals=0,
            options={"displayMode": "basic", "orientation": "horizontal"},
        ),
        12,
    )
    lay.row("Orders")
    lay.add(
        panel(
            "timeseries",
            "Orders submitted per minute",
            [
                target(
                    "sum by (side, type) "
                    f"(rate(scalpbot_orders_submitted_total{{{SYM}}}[{RATE}])) * 60",
                    "{{side}} {{type}}",
                )
            ],
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Order outcomes per minute",
            [
                target(
                    f"sum by (outcome) (rate(scalpbot_orders_closed_total{{{SYM}}}[{RATE}])) * 60",
                    "{{outcome}}",
                )
            ],
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Fill ratio and maker share",
            targets(
                (
                    f'sum(rate(scalpbot_orders_closed_total{{{SYM}, outcome="filled"}}[{RATE}]))'
                    f" / sum(rate(scalpbot_orders_closed_total{{{SYM}}}[{RATE}]))",
                    "filled / closed",
                ),
                (
                    f'sum(rate(scalpbot_fills_total{{{SYM}, liquidity="maker"}}[{RATE}]))'
                    f" / sum(rate(scalpbot_fills_total{{{SYM}}}[{RATE}]))",
                    "maker fills",
                ),
            ),
            unit="percentunit",
            minimum=0,
            maximum=1,
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Rejections per minute by reason",
            [
                target(
                    "sum by (source, reason) "
                    f"(rate(scalpbot_rejections_total{{{SYM}}}[{RATE}])) * 60",
                    "{{source}} {{reason}}",
                )
            ],
            description="Denied by the risk gate (source risk) or rejected by the venue.",
        ),
        12,
    )
    lay.add(
        panel(
            "timeseries",
            "Rejection ratio",
            [
                target(
                    f"sum(rate(scalpbot_rejections_total{{{SYM}}}[{RATE}]))"
                    f" / sum(rate(scalpbot_order_intents_total{{{SYM}}}[{RATE}]))",
                    "rejected / intents",
                )
            ],
            unit="percentunit",
            minimum=0,
            description="Risk denials and venue rejections over every intent at the risk gate.",
        ),
        12,
    )
    lay.add(
        panel(
            "timeseries",
            "Venue calls in flight and ambiguous submits",
            targets(
                (f"sum(scalpbot_pending_venue_calls{{{VEN}}})", "in flight"),
                (
                    f"sum(increase(scalpbot_orders_ambiguous_total{{{SYM}}}[{RATE}]))",
                    "ambiguous submits",
                ),
                (
                    f"sum(increase(scalpbot_order_errors_total{{{VEN}}}[{RATE}]))",
                    "refused reports",
                ),
            ),
        ),
        24,
    )
    return dashboard(
        "scalpbot-execution",
        "scalpbot / Execution quality",
        "Latency percentiles, slippage, order outcomes and rejections.",
        lay,
    )
