"""scalpbot / Trading: equity, P&L, positions, fills, win rate, breakers."""

from __future__ import annotations

from monitoring.dashboards.table import Board
from monitoring.dashboards.table import Gauge
from monitoring.dashboards.table import Row
from monitoring.dashboards.table import Series
from monitoring.dashboards.table import Stat
from monitoring.grafana import LOSS_STEPS
from monitoring.grafana import OK_TRIPPED
from monitoring.grafana import RATE
from monitoring.grafana import SIGNED
from monitoring.grafana import SYM
from monitoring.grafana import VEN
from monitoring.grafana import thresholds


def win_rate(window: str) -> str:
    """Closed round trips won over all closed, over ``window``."""
    wins = f'sum(increase(scalpbot_round_trips_total{{{SYM}, result="win"}}[{window}]))'
    return f"{wins} / sum(increase(scalpbot_round_trips_total{{{SYM}}}[{window}]))"


BOARD = Board(
    "scalpbot-trading",
    "scalpbot / Trading",
    "Equity, P&L, positions, fills, win rate and breakers.",
    [
        Row("Account"),
        Stat(
            "Equity",
            4,
            [(f"sum by (instance) (scalpbot_equity{{{VEN}}})", "{{instance}}")],
            h=5,
            decimals=2,
            description="Cash plus marked positions, in the account's quote currency.",
        ),
        Stat(
            "Day P&L",
            4,
            [(f"sum by (instance) (scalpbot_day_pnl{{{VEN}}})", "{{instance}}")],
            h=5,
            decimals=2,
            steps=SIGNED,
            description="Equity change since the start of the trading day.",
        ),
        Gauge(
            "Daily loss limit used",
            4,
            [(f"max by (instance) (scalpbot_daily_loss_used_ratio{{{VEN}}})", "{{instance}}")],
            h=5,
            unit="percentunit",
            steps=LOSS_STEPS,
            minimum=0,
            maximum=1,
            description="Today's loss over the daily loss limit; the breaker trips at 100%.",
        ),
        Stat(
            "Drawdown",
            4,
            [(f"max by (instance) (scalpbot_drawdown_ratio{{{VEN}}})", "{{instance}}")],
            h=5,
            unit="percentunit",
            steps=thresholds((None, "green"), (0.01, "orange"), (0.03, "red")),
            description="Equity below its high-water mark, as a fraction of it.",
        ),
        Stat(
            "Trading state",
            4,
            [(f"scalpbot_trading_state{{{VEN}}} == 1", "{{instance}}: {{state}}")],
            h=5,
            options={"textMode": "name", "colorMode": "none"},
            description="The global state: active, paused, reducing or halted.",
        ),
        Stat(
            "Breakers",
            4,
            [(f"scalpbot_breaker_tripped{{{VEN}}}", "{{breaker}}")],
            h=5,
            mappings=OK_TRIPPED,
            steps=thresholds((None, "green"), (1, "red")),
            options={"textMode": "value_and_name"},
            description="Latched breakers block new entries until a person resets them.",
        ),
        Row("Equity and P&L"),
        Series(
            "Equity and high-water mark",
            12,
            [
                (f"sum by (instance) (scalpbot_equity{{{VEN}}})", "equity {{instance}}"),
                (f"sum by (instance) (scalpbot_high_water_mark{{{VEN}}})", "hwm {{instance}}"),
            ],
            decimals=2,
        ),
        Series(
            "P&L",
            12,
            [
                (f"sum by (instance) (scalpbot_day_pnl{{{VEN}}})", "day {{instance}}"),
                (f"sum by (instance) (scalpbot_realized_pnl{{{VEN}}})", "realized {{instance}}"),
                (
                    f"sum by (instance) (scalpbot_unrealized_pnl{{{VEN}}})",
                    "unrealized {{instance}}",
                ),
                (f"sum by (instance) (scalpbot_fees_paid{{{VEN}}})", "fees {{instance}}"),
            ],
            decimals=2,
            description="Realized and unrealized P&L of this run's book, the day's P&L, fees.",
        ),
        Row("Positions"),
        Series(
            "Position by symbol",
            8,
            [(f"sum by (symbol) (scalpbot_position_quantity{{{SYM}}})", "{{symbol}}")],
            description="Signed position in instrument units.",
        ),
        Series(
            "Exposure",
            8,
            [
                (f"sum by (symbol) (scalpbot_position_exposure{{{SYM}}})", "{{symbol}}"),
                (f"sum(scalpbot_gross_exposure{{{VEN}}})", "gross"),
            ],
            decimals=2,
            description="Signed marked value per symbol, and the gross (absolute) total.",
        ),
        Series(
            "Unrealized P&L by symbol",
            8,
            [(f"sum by (symbol) (scalpbot_position_unrealized_pnl{{{SYM}}})", "{{symbol}}")],
            decimals=2,
        ),
        Row("Trades"),
        Series(
            "Fills per minute",
            8,
            [
                (
                    f"sum by (symbol, side) (rate(scalpbot_fills_total{{{SYM}}}[{RATE}])) * 60",
                    "{{symbol}} {{side}}",
                )
            ],
        ),
        Series(
            "Win rate (1h rolling)",
            8,
            [(win_rate("1h"), "win rate")],
            unit="percentunit",
            minimum=0,
            maximum=1,
            description="Round trips closed with a positive net P&L, over all closed.",
        ),
        Stat(
            "Win rate (time range)",
            4,
            [(win_rate("$__range"), "win rate")],
            unit="percentunit",
            steps=thresholds((None, "red"), (0.4, "orange"), (0.5, "green")),
        ),
        Stat(
            "Round trips (time range)",
            4,
            [
                (
                    f"sum by (result) (increase(scalpbot_round_trips_total{{{SYM}}}[$__range]))",
                    "{{result}}",
                )
            ],
            decimals=0,
            options={"textMode": "value_and_name", "colorMode": "none"},
        ),
        Stat(
            "Symbol states",
            24,
            [(f"scalpbot_symbol_trading_state{{{SYM}}} == 1", "{{symbol}}: {{state}}")],
            h=4,
            options={"textMode": "name", "colorMode": "none"},
            description="Each symbol's effective trading state.",
        ),
    ],
)
