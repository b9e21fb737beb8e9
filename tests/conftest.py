"""Shared fixtures: where the real market data lives."""

from __future__ import annotations

import os
from pathlib import Path

# python-telegram-bot 22: use timedelta values (its future default) so building a
# RetryAfter raises no deprecation warning, which this suite treats as an error.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    assert DATA.is_dir(), f"market data not found at {DATA} (../shared/data beside the repo)"
    return DATA
