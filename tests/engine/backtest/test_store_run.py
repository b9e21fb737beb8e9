"""A backtest can write its run to the store (a real SQLite file)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from engine.cli import main
from engine.model import OrderStatus
from engine.store import StoreReader
from engine.store import create_store_engine

QUOTES = "binance_usdm_btcusdt_20240808_quotes.csv"


async def _read(url: str) -> tuple[int, list, int]:
    engine = create_store_engine(url)
    try:
        reader = StoreReader(engine)
        filled = await reader.orders(OrderStatus.FILLED, limit=1000)
        fills = await reader.recent_fills(1000)
        ids = await reader.all_client_order_ids()
        return len(filled), fills, len(ids)
    finally:
        await engine.dispose()


def test_backtest_stores_its_orders_and_fills(data_dir: Path, tmp_path: Path, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}"
    argv = ["backtest", "--data", str(data_dir / QUOTES), "--strategy", "sma_cross", "--json"]
    assert main([*argv, "--db", url]) == 0
    summary = json.loads(capsys.readouterr().out)
    filled, fills, ids = asyncio.run(_read(url))
    assert filled == summary["orders"] == 199
    assert len(fills) == summary["fills"]
    # A second run into the same database keeps its own ids: nothing is overwritten.
    assert main([*argv, "--db", url]) == 0
    capsys.readouterr()
    filled2, fills2, ids2 = asyncio.run(_read(url))
    assert len(fills2) == 2 * len(fills)
    assert ids2 == 2 * ids
    assert filled2 == 2 * filled
