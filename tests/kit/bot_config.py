"""Pieces of a bot config file (TOML text) that the end-to-end tests share."""

from __future__ import annotations

BUSY_STRATEGY = """\
[strategy]
name = "micro_momentum"

[strategy.params]
time_stop_s = 1.0
cooldown_s = 0.2
take_profit_ticks = 2
stop_loss_ticks = 2
"""
"""Micro momentum quick to enter and to exit: a run trades within seconds."""
