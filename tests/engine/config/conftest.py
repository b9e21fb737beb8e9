"""Helpers for config tests: write a TOML file, load it with a given environment."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path

import pytest

from engine.config import Config
from engine.config import load_config

ALPACA_ENV = {"APCA_API_KEY_ID": "AKTESTKEYID0001", "APCA_API_SECRET_KEY": "sEcReT-value-42"}


def alpaca(venue: str = "", risk: str = "") -> str:
    """An Alpaca config with every limit a real venue needs, plus extra lines."""
    return (
        f'[venue]\nkind = "alpaca"\n{venue}\n'
        "[risk]\ndaily_loss_limit = 500\nmax_order_notional = 2000\n"
        f"max_quote_age_ms = 3000\nmax_orders_per_window_total = 10\n{risk}\n"
    )


ALPACA_RISK = alpaca()

Load = Callable[..., Config]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    def _write(text: str) -> Path:
        path = tmp_path / "scalpbot.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(write: Callable[[str], Path]) -> Load:
    """Load TOML text (None = no file) with an explicit environment (default empty)."""

    def _load(text: str | None = None, env: Mapping[str, str] | None = None, **kw: bool) -> Config:
        path = write(text) if text is not None else None
        return load_config(path, env or {}, **kw)

    return _load
