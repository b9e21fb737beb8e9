"""scalpbot / Trading: equity, P&L, positions, fills, win rate, breakers."""

from __future__ import annotations

from monitoring.grafana import (
    JSON,
    LOSS_STEPS,
    OK_TRIPPED,
    RATE,
    SIGNED,
    SYM,
    VEN,
    Layout,
    dashboard,
    panel,
    target,
    targets,
    thresholds,
)


def build() -> JSON:
    lay = Layout()
    lay.row("Account")
    lay.add(
        panel(
            "stat",
            "Equity",
            [target(f"sum by (instance) (scalpbot_equity{{{VEN}}})", "{{instance}}")],
            decimals=2,
            description="Cash plus marked positions, in the account's quote currency.",
        ),
        4,
        5,
    )
    lay.add(
        panel(
            "stat",
            "Day P&L",
            [target(f"sum by (instance) (scalpbot_day_pnl{{{VEN}}})", "{{instance}}")],
            decimals=2,
            steps=SIGNED,
            description="Equity change since the start of the trading day.",
        ),
        4,
        5,
    )
    lay.add(
        panel(
            "gauge",
            "Daily loss limit used",
            [
                target(
                    f"max by (instance) (scalpbot_daily_loss_used_ratio{{{VEN}}})", "{{instance}}"
                )
            ],
            unit="percentunit",
            steps=LOSS_STEPS,
            minimum=0,
            maximum=1,
            description="Today's loss over the daily loss limit; the breaker trips at 100%.",
        ),
        4,
        5,
    )
    lay.add(
        panel(
            "stat",
            "Drawdown",
            [target(f"max by (instance) (scalpbot_drawdown_ratio{{{VEN}}})", "{{instance}}")],
            unit="percentunit",
            steps=thresholds((None, "green"), (0.01, "orange"), (0.03, "red")),
            description="Equity below its high-water mark, as a fraction of it.",
        ),
        4,
        5,
    )
    lay.add(
        panel(
            "stat",
            "Trading state",
            [target(f"scalpbot_trading_state{{{VEN}}} == 1", "{{instance}}: {{state}}")],
            options={"textMode": "name", "colorMode": "none"},
            description="The global state: active, paused, reducing or halted.",
        ),
        4,
        5,
    )
    lay.add(
        panel(
            "stat",
            "Breakers",
            [target(f"scalpbot_breaker_tripped{{{VEN}}}", "{{breaker}}")],
            mappings=OK_TRIPPED,
            steps=thresholds((None, "green"), (1, "red")),
            options={"textMode": "value_and_name"},
            description="Latched breakers block new entries until a person resets them.",
        ),
        4,
        5,
    )
    lay.row("Equity and P&L")
    lay.add(
        panel(
            "timeseries",
            "Equity and high-water mark",
            targets(
                (f"sum by (instance) (scalpbot_equity{{{VEN}}})", "equity {{instance}}"),
                (f"sum by (instance) (scalpbot_high_water_mark{{{VEN}}})", "hwm {{instance}}"),
            ),
            decimals=2,
        ),
        12,
    )
    lay.add(
        panel(
            "timeseries",
            "P&L",
            targets(
                (f"sum by (instance) (scalpbot_day_pnl{{{VEN}}})", "day {{instance}}"),
                (f"sum by (instance) (scalpbot_realized_pnl{{{VEN}}})", "realized {{instance}}"),
                (
                    f"sum by (instance) (scalpbot_unrealized_pnl{{{VEN}}})",
                    "unrealized {{instance}}",
                ),
                (f"sum by (instance) (scalpbot_fees_paid{{{VEN}}})", "fees {{instance}}"),
            ),
            decimals=2,
            description="Realized and unrealized P&L of this run's book, the day's P&L, fees.",
        ),
        12,
    )
    lay.row("Positions")
    lay.add(
        panel(
            "timeseries",
            "Position by symbol",
            [target(f"sum by (symbol) (scalpbot_position_quantity{{{SYM}}})", "{{symbol}}")],
            description="Signed position in instrument units.",
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Exposure",
            targets(
                (f"sum by (symbol) (scalpbot_position_exposure{{{SYM}}})", "{{symbol}}"),
                (f"sum(scalpbot_gross_exposure{{{VEN}}})", "gross"),
            ),
            decimals=2,
            description="Signed marked value per symbol, and the gross (absolute) total.",
        ),
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Unrealized P&L by symbol",
            [target(f"sum by (symbol) (scalpbot_position_unrealized_pnl{{{SYM}}})", "{{symbol}}")],
            decimals=2,
        ),
        8,
    )
    lay.row("Trades")
    lay.add(
        panel(
            "timeseries",
            "Fills per minute",
            [
                target(
                    f"sum by (symbol, side) (rate(scalpbot_fills_total{{{SYM}}}[{RATE}])) * 60",
                    "{{symbol}} {{side}}",
                )
            ],
        ),
        8,
    )

    def win_rate(window: str) -> str:
        wins = f'sum(increase(scalpbot_round_trips_total{{{SYM}, result="win"}}[{window}]))'
        return f"{wins} / sum(increase(scalpbot_round_trips_total{{{SYM}}}[{window}]))"

    lay.add(
        panel(
            "timeseries",
            "Win rate (1h rolling)",
            [target(win_rate("1h"), "win rate")],
            unit="percentunit",
            minimum=0,
            maximum=1,
            description="Round trips closed with a positive net P&L, over all closed.",
        ),
        8,
    )
    lay.add(
        panel(
            "stat",
            "Win rate (time range)",
            [target(win_rate("$__range"), "win rate")],
            unit="percentunit",
            steps=thresholds((None, "red"), (0.4, "orange"), (0.5, "green")),
        ),
        4,
    )
    lay.add(
        panel(
            "stat",
            "Round trips (time range)",
            [
                target(
                    f"sum by (result) (increase(scalpbot_round_trips_total{{{SYM}}}[$__range]))",
                    "{{result}}",
                )
            ],
            decimals=0,
            options={"textMode": "value_and_name", "colorMode": "none"},
        ),
        4,
    )
    lay.add(
        panel(
            "stat",
            "Symbol states",
            [
                target(
                    f"scalpbot_symbol_trading_state{{{SYM}}} == 1",
                    "{{symbol}}: {{state}}",
                )
            ],
            options={"textMode": "name", "colorMode": "none"},
            description="Each symbol's effective trading state.",
        ),
        24,
        4,
    )
    return dashboard(
        "scalpbot-trading",
        "scalpbot / Trading",
        "Equity, P&L, positions, fills, win rate and breakers.",
        lay,
    )
