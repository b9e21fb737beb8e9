"""Equity and drawdown as a PNG (matplotlib's Agg backend, no pyplot, no display).

:func:`equity_png` is CPU work: call it through ``asyncio.to_thread`` so the
event loop (and trading) never waits for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from decimal import Decimal

Point = tuple[int, Decimal, Decimal]  # (ts ns, equity, drawdown)


def equity_png(points: Sequence[Point], title: str) -> bytes:
    """Two panels: equity over time, and drawdown below it (as a negative area)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 (lazy heavy import)
    from matplotlib.figure import Figure  # noqa: PLC0415 (lazy heavy import)

    times = [datetime.fromtimestamp(ts / 1e9, UTC) for ts, _, _ in points]
    equity = [float(e) for _, e, _ in points]
    drawdown = [-float(d) for _, _, d in points]
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot(times, equity, color="#1f77b4", linewidth=1.2)
    top.set_title(title, fontsize=10)
    top.set_ylabel("equity")
    top.grid(alpha=0.3)
    bottom.fill_between(times, drawdown, 0, color="#d62728", alpha=0.4, step="post")
    bottom.set_ylabel("drawdown")
    bottom.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
