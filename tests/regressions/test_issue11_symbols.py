"""Issue 11, found on the way: an empty ``strategy.symbols`` ("every symbol the venue
offers") asks the venue at URL what it offers. Against a real venue that is thousands of
assets, each a subscription and a risk budget: the bot must refuse to start and say
which key to set, not trade them all. A simulator's few symbols are still taken.

Real parts: the simulated venue on loopback and the runtime in this process.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from engine.runtime.app import MAX_OFFERED_SYMBOLS
from engine.runtime.app import Runtime
from engine.venues.sim import SimVenueConfig
from engine.venues.sim.config import synthetic_symbols
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.kit.sim import running_sim


async def test_review_an_empty_symbol_list_refuses_a_venue_offering_too_many(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The venue lists more symbols than a person could mean by "all": the start-up is
    refused with exit code 1, naming strategy.symbols and the count, and no order goes
    out."""
    config = msgspec.structs.replace(
        SimVenueConfig(),
        seed=3,
        quote_rate=50.0,
        symbols=synthetic_symbols(MAX_OFFERED_SYMBOLS + 1),
    )
    async with running_sim(config) as venue:
        # The simulator speaks Alpaca's API: as kind "alpaca" it stands for a real account.
        runtime = Runtime(options(venue, tmp_path, symbols=(), venue_kind="alpaca"))
        assert await runtime.run() == 1
        assert not venue.account.orders
    refusal = [r.getMessage() for r in caplog.records if "strategy.symbols" in r.getMessage()]
    assert refusal and f"offers {MAX_OFFERED_SYMBOLS + 1}" in refusal[0], caplog.text


@pytest.mark.parametrize(
    ("kind", "offered"),
    [("alpaca", MAX_OFFERED_SYMBOLS), ("sim", MAX_OFFERED_SYMBOLS + 10)],
)
async def test_review_an_empty_symbol_list_takes_what_may_be_taken_unnamed(
    tmp_path: Path, kind: str, offered: int
) -> None:
    """A real venue listing exactly as many as may be taken unnamed, or a simulator
    listing more (the count its operator chose in sim.symbols): the bot trades them all."""
    config = msgspec.structs.replace(
        SimVenueConfig(), seed=3, quote_rate=50.0, symbols=synthetic_symbols(offered)
    )
    async with running_sim(config) as venue:
        run = Running(Runtime(options(venue, tmp_path, symbols=(), venue_kind=kind)))
        rt = await run.ready()
        assert rt.core is not None and len(rt.core.symbols) == offered
        assert await run.stop() == 0
