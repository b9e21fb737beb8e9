"""scalpbot / Execution quality: latency percentiles, slippage, orders, rejections."""

from __future__ import annotations

from monitoring.dashboards.table import BarGauge
from monitoring.dashboards.table import Board
from monitoring.dashboards.table import Row
from monitoring.dashboards.table import Series
from monitoring.grafana import RATE
from monitoring.grafana import SYM
from monitoring.grafana import VEN
from monitoring.grafana import quantiles

BOARD = Board(
    "scalpbot-execution",
    "scalpbot / Execution quality",
    "Latency percentiles, slippage, order outcomes and rejections.",
    [
        Row("Latency"),
        Series(
            "Tick to trade",
            8,
            quantiles(f"scalpbot_tick_to_trade_seconds_bucket{{{VEN}}}"),
            unit="s",
            description="From a market data message entering the engine to the submit call "
            "it caused.",
        ),
        Series(
            "Submit to acknowledgement",
            8,
            quantiles(f"scalpbot_order_submit_to_ack_seconds_bucket{{{VEN}}}"),
            unit="s",
            description="From the submit call to the venue's acknowledgement.",
        ),
        Series(
            "Acknowledgement to fill",
            8,
            quantiles(f"scalpbot_order_ack_to_fill_seconds_bucket{{{VEN}}}"),
            unit="s",
            description="From the venue's acknowledgement to the order's first fill.",
        ),
        Row("Slippage"),
        Series(
            "Slippage against the decision mid",
            12,
            quantiles(f"scalpbot_fill_slippage_bps_bucket{{{SYM}}}", "symbol", (0.5, 0.9)),
            description="Fill price against the mid when the order was decided, in basis "
            "points; positive costs the bot.",
        ),
        BarGauge(
            "Slippage distribution (time range, cumulative)",
            12,
            [
                (
                    f"sum by (le) (increase(scalpbot_fill_slippage_bps_bucket{{{SYM}}}[$__range]))",
                    "≤ {{le}} bps",
                )
            ],
            instant=True,
            decimals=0,
            options={"displayMode": "basic", "orientation": "horizontal"},
        ),
        Row("Orders"),
        Series(
            "Orders submitted per minute",
            8,
            [
                (
                    f"sum by (side, type) (rate(scalpbot_orders_submitted_total{{{SYM}}}[{RATE}]))"
                    " * 60",
                    "{{side}} {{type}}",
                )
            ],
        ),
        Series(
            "Order outcomes per minute",
            8,
            [
                (
                    f"sum by (outcome) (rate(scalpbot_orders_closed_total{{{SYM}}}[{RATE}])) * 60",
                    "{{outcome}}",
                )
            ],
        ),
        Series(
            "Fill ratio and maker share",
            8,
            [
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
            ],
            unit="percentunit",
            minimum=0,
            maximum=1,
        ),
        Series(
            "Rejections per minute by reason",
            12,
            [
                (
                    f"sum by (source, reason) (rate(scalpbot_rejections_total{{{SYM}}}[{RATE}]))"
                    " * 60",
                    "{{source}} {{reason}}",
                )
            ],
            description="Denied by the risk gate (source risk) or rejected by the venue.",
        ),
        Series(
            "Rejection ratio",
            12,
            [
                (
                    f"sum(rate(scalpbot_rejections_total{{{SYM}}}[{RATE}]))"
                    f" / sum(rate(scalpbot_order_intents_total{{{SYM}}}[{RATE}]))",
                    "rejected / intents",
                )
            ],
            unit="percentunit",
            minimum=0,
            description="Risk denials and venue rejections over every intent at the risk gate.",
        ),
        Series(
            "Venue calls in flight and ambiguous submits",
            24,
            [
                (f"sum(scalpbot_pending_venue_calls{{{VEN}}})", "in flight"),
                (
                    f"sum(increase(scalpbot_orders_ambiguous_total{{{SYM}}}[{RATE}]))",
                    "ambiguous submits",
                ),
                (f"sum(increase(scalpbot_order_errors_total{{{VEN}}}[{RATE}]))", "refused reports"),
            ],
        ),
    ],
)
