"""Read-only commands (viewer): status, P&L, positions, orders, trades, chart, health, limits."""

from __future__ import annotations

import asyncio
import weakref

from bot import render
from bot.chart import equity_png
from bot.registry import Arg
from bot.registry import Call
from bot.registry import Command
from bot.registry import Reply
from bot.settings import Role

# Charts are drawn one at a time (per event loop): a worker thread drawing one still
# competes with the loop for the GIL, and several at once multiply that (bench/chart_lag.py).
_DRAWING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _one_at_a_time() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _DRAWING.get(loop)
    if gate is None:
        gate = _DRAWING[loop] = asyncio.Semaphore(1)
    return gate


async def status(call: Call) -> Reply:
    return Reply(render.render_status(await call.svc.control.status()))


async def pnl(call: Call) -> Reply:
    return Reply(render.render_pnl(await call.svc.control.pnl(call.args["period"])))


async def positions(call: Call) -> Reply:
    return Reply(render.render_positions(await call.svc.control.positions()))


async def orders(call: Call) -> Reply:
    return Reply(render.render_orders(await call.svc.control.orders()))


async def trades(call: Call) -> Reply:
    return Reply(render.render_trades(await call.svc.control.trades(call.args["n"])))


async def chart(call: Call) -> Reply:
    period = call.args["period"]
    points = await call.svc.control.equity_history(period)
    if len(points) < 2:
        return Reply("Not enough equity history yet for a chart.")
    async with _one_at_a_time():
        png = await asyncio.to_thread(equity_png, points, f"equity and drawdown · last {period}")
    last = points[-1]
    caption = f"Equity {render.money(last[1])} · drawdown {render.money(last[2])} · last {period}"
    return Reply(caption, photo=png)


async def health(call: Call) -> Reply:
    report = await call.svc.control.health()
    return Reply(render.render_health(report, call.svc.telegram_stats()))


async def limits(call: Call) -> Reply:
    control = call.svc.control
    return Reply(render.render_limits(await control.limits(), await control.limit_reasons()))


V = Role.VIEWER
COMMANDS = (
    Command("status", V, "Trading state, feed, equity, day P&L, symbols, breakers", status),
    Command(
        "pnl",
        V,
        "P&L for the day, week or month",
        pnl,
        (Arg("period", "choice", ("day", "week", "month"), default="day"),),
    ),
    Command("positions", V, "Open positions", positions),
    Command("orders", V, "Working orders", orders),
    Command(
        "trades",
        V,
        "Last n fills (default 10)",
        trades,
        (Arg("n", "int", default=10, low=1, high=50),),
    ),
    Command(
        "chart",
        V,
        "Equity and drawdown chart",
        chart,
        (Arg("period", "choice", ("day", "week"), default="day"),),
    ),
    Command("health", V, "Feeds, store, reconciliation, Telegram outbox", health),
    Command("limits", V, "Risk limits in force", limits),
)
