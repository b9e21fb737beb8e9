"""The equity chart is a PNG drawn off the event loop."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.chart import equity_png


async def test_equity_and_drawdown_png() -> None:
    t0 = 1_700_000_000 * 10**9
    points = [
        (t0 + i * 60 * 10**9, Decimal(100_000 + (i % 7) * 3), Decimal(i % 4)) for i in range(120)
    ]
    png = await asyncio.to_thread(equity_png, points, "equity · last day")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
