"""The kill switch, driven through the control API of a runtime trading a real
simulated venue (both in this process, over loopback sockets).

(a) Holding positions and resting limit orders, ``kill`` leaves the venue with no
working order and no position, says so, and nothing trades afterwards.
(b) With a venue that fails every REST call, ``kill`` cannot confirm anything and
says exactly that (never success); once the venue answers again, a second
``kill`` finishes the job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

from engine.control import KillResult
from engine.core.strategies import MicroMomentumParams
from engine.core.trader import TraderConfig
from engine.core.trading_core import TradingCore
from engine.model import OrderType
from engine.model import TradingState
from engine.model.events import AuditRecord
from engine.runtime.app import Runtime
from engine.runtime.options import RuntimeOptions
from engine.venues.sim import FaultConfig
from engine.venues.sim import SimVenue
from tests.acceptance.conftest import VenueTruth
from tests.acceptance.conftest import eventually
from tests.acceptance.conftest import venue_truth
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until


def holding_options(venue: SimVenue, tmp_path: Path) -> RuntimeOptions:
    """Limit entries that rest at the touch, and exits far away: the bot builds up
    positions while other entries keep working."""
    return options(
        venue,
        tmp_path,
        strategy_params=MicroMomentumParams(
            time_stop_s=600.0, cooldown_s=0.2, take_profit_ticks=500, stop_loss_ticks=500
        ),
        order=TraderConfig(qty=Decimal(0), type="limit", entry_timeout_s=600.0),
    )


async def holding(venue: SimVenue) -> VenueTruth:
    """Wait until the venue shows a position and a resting limit order of ours.

    The in-process venue's own books are looked at first (one look is atomic on the
    loop, and cheap), and only then is the venue read through the API, with its
    market held still: a full read that must not change while it is taken rarely
    succeeds while a loaded machine trades 200 quotes a second, so polling with it
    alone could miss the moment."""

    def exposed_now() -> bool:
        account = venue.account
        resting = any(o.order_type is OrderType.LIMIT for o in account.open_orders())
        symbols = {o.symbol for o in account.orders.values()}
        return resting and any(account.position_lots(s) for s in symbols)

    async def exposed() -> VenueTruth | None:
        if not exposed_now():
            return None
        # Hold the market still while the API read is taken: on a loaded machine the
        # remaining entries could all fill meanwhile, and with a position in every
        # symbol no entry rests again (the wait timed out so, with positions held).
        venue.pause_market()
        try:
            truth = await venue_truth(venue.url)
        finally:
            venue.resume_market()
        resting = [c for c in truth.open_orders if truth.orders[c].order_type is OrderType.LIMIT]
        return truth if truth.positions and resting else None

    return await eventually(exposed, 60, "a position and a resting limit order", every=0.1)


async def quotes_go_by(core: TradingCore, n: int, what: str) -> None:
    """Wait for ``n`` more quotes across the core's symbols: the market moves on."""

    def seen() -> int:
        return sum(core.market(s).quotes for s in core.symbols)

    start = seen()
    await until(lambda: seen() > start + n, 20, what)


@asynccontextmanager
async def holding_runtime(venue: SimVenue, tmp_path: Path) -> AsyncIterator[Runtime]:
    """A runtime trading ``venue`` with :func:`holding_options`, once it holds a position
    and a resting order; the venue's faults are cleared and the runtime stopped after."""
    run = Running(Runtime(holding_options(venue, tmp_path)))
    rt = await run.ready()
    try:
        await holding(venue)
        yield rt
    finally:
        venue.set_faults(FaultConfig())
        assert await run.stop() == 0


async def stays_flat(rt: Runtime, venue: SimVenue, after: VenueTruth) -> None:
    """Halted stays halted: the bot's own books come to agree that it is flat (what
    the venue closed by itself is learnt at the next reconciliation), the market
    moves on, and nothing new reaches the venue (no phantom exit of a position the
    venue already closed)."""
    core = rt.core
    assert core is not None

    def flat_here() -> bool:
        return not any(core.portfolio.position_qty(s) for s in core.symbols)

    await until(flat_here, 20, "the bot to see itself flat")
    await quotes_go_by(core, 1000, "a thousand more quotes")
    later = await venue_truth(venue.url)
    new = sorted(set(later.orders) - set(after.orders))
    assert not new and later.positions == {}, f"after the kill: {new} {later.positions}"
    assert flat_here(), {s: core.portfolio.position_qty(s) for s in core.symbols}


async def audits(rt: Runtime) -> list[AuditRecord]:
    assert rt._reader is not None and rt._writer is not None
    await rt._writer.flush()
    return [a for a in await rt._reader.audit(100) if a.action == "kill"]


async def test_kill_cancels_every_working_order_and_flattens(sim_venue: SimVenue, tmp_path: Path):
    venue = sim_venue
    async with holding_runtime(venue, tmp_path) as rt:
        assert rt.control is not None and rt.core is not None
        result: KillResult = await rt.control.kill("test")
        after = await venue_truth(venue.url)
        assert result.ok, result
        assert result.leftover_orders == [] and result.leftover_positions == [], result
        assert result.cancelled >= 1, result  # the orders working when it was called
        assert after.open_orders == [] and after.positions == {}, after
        assert rt.core.state is TradingState.HALTED

        await stays_flat(rt, venue, after)
        [audit] = await audits(rt)
        assert audit.actor == "test" and audit.outcome.startswith("ok"), audit


async def test_kill_never_claims_success_it_could_not_verify(sim_venue: SimVenue, tmp_path: Path):
    venue = sim_venue
    async with holding_runtime(venue, tmp_path) as rt:
        assert rt.control is not None and rt.core is not None
        venue.set_faults(FaultConfig(rest_5xx=1.0))  # every REST call now fails
        result = await rt.control.kill("test")
        assert not result.ok, result
        assert rt.core.state is TradingState.HALTED
        # Nothing could be listed, so nothing is claimed: both lists say "unverified"
        # and a note says why.
        assert result.leftover_orders == ["unverified"], result
        assert result.leftover_positions == ["unverified"], result
        assert any("could not verify with the venue" in n for n in result.notes), result
        [audit] = await audits(rt)
        assert audit.outcome.startswith("refused") and "unverified" in audit.outcome, audit

        venue.set_faults(FaultConfig())  # the venue recovers: a second kill finishes
        again = await rt.control.kill("test")
        after = await venue_truth(venue.url)
        assert again.ok, again
        assert after.open_orders == [] and after.positions == {}, after
        await stays_flat(rt, venue, after)
