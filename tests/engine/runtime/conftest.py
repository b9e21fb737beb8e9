"""A real simulated venue on loopback and a runtime pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.config.schema import default_risk
from engine.core.strategies import MicroMomentumParams
from engine.core.trader import TraderConfig
from engine.model import Order
from engine.runtime.app import Runtime
from engine.runtime.options import RuntimeOptions
from engine.venues.base import SubmitOutcome
from engine.venues.base import SubmitResult
from engine.venues.sim import SimVenue
from tests.kit.sim import started_sim
from tests.kit.wait import until
from tests.kit.wait import until_async

__all__ = ["RecordingVenue", "Running", "options", "started_sim", "until", "until_async"]


@pytest.fixture
async def venue(tmp_path: Path) -> AsyncIterator[SimVenue]:
    async with started_sim(tmp_path, 7, 200.0) as sim:
        yield sim


class RecordingVenue:
    """The order half of the venue port: records what the engine writes, accepts it."""

    def __init__(self) -> None:
        self.orders: list[Order] = []

    def begin_submit(self, order: Order) -> Awaitable[SubmitResult]:
        self.orders.append(order)
        fut: asyncio.Future[SubmitResult] = asyncio.get_running_loop().create_future()
        fut.set_result(SubmitResult(SubmitOutcome.ACCEPTED))
        return fut

    async def cancel(self, client_order_id: Any) -> bool:
        return True

    async def query_order(self, client_order_id: Any) -> None:
        return None


def options(venue: SimVenue, tmp_path: Path, **changes: object) -> RuntimeOptions:
    base = RuntimeOptions().replace_flat(
        venue_kind="sim",
        venue_url=venue.url,
        strategy="micro_momentum",
        strategy_params=MicroMomentumParams(
            time_stop_s=1.0, cooldown_s=0.2, take_profit_ticks=2, stop_loss_ticks=2
        ),
        order=TraderConfig(qty=Decimal(0)),
        risk=default_risk(),
        store_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        http_port=0,
        status_interval_s=3600,
        reconcile_interval_s=1.0,
        equity_snapshot_s=1.0,
        shutdown_timeout_s=5.0,
    )
    return base.replace_flat(**changes)


class Running:
    """A runtime running as a task, with helpers to wait for it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.task = asyncio.get_running_loop().create_task(runtime.run())

    async def ready(self) -> Runtime:
        await until(lambda: self.runtime.ready or self.task.done(), 20, "runtime ready")
        assert not self.task.done(), self.task.result()
        return self.runtime

    async def stop(self) -> int:
        self.runtime.request_stop()
        return await asyncio.wait_for(self.task, 30)

    async def crash(self) -> None:
        """Stop without the orderly shutdown (as close to a kill as a task can get)."""
        self.runtime.ready = False
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
