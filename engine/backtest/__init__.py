"""Backtests: replay recorded ticks through the core with paper fills."""
