"""The state file: a venue restart keeps orders, fills, positions, cash and used ids."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from engine.model import Symbol
from engine.venues.sim import SimVenue
from engine.venues.sim import SimVenueConfig
from engine.venues.sim import StateError
from engine.venues.sim.state import load_state
from tests.engine.venues.sim.support import Rest
from tests.engine.venues.sim.support import UpdatesClient
from tests.engine.venues.sim.support import eventually
from tests.kit.sim import inject_quote

EQ = Symbol("SIMEQ")


async def started(path: Path) -> SimVenue:
    venue = SimVenue(SimVenueConfig(state_file=str(path), state_interval=0.05))
    await venue.start()
    venue.pause_market()
    return venue


async def test_state_file_round_trip(http: aiohttp.ClientSession, tmp_path: Path) -> None:
    path = tmp_path / "venue.json"
    venue = await started(path)
    try:
        inject_quote(venue, EQ, 15000, 15002, 100)
        rest = Rest(http, venue)
        _, filled = await rest.order("SIMEQ", "10", client_order_id="filled-1")
        _, resting = await rest.order(
            "SIMEQ", "4", "sell", type="limit", limit_price="151", client_order_id="rest-1"
        )
        _, canceled = await rest.order(type="limit", limit_price="140", client_order_id="gone-1")
        await rest.delete(f"/v2/orders/{canceled['id']}")
        _, account_before = await rest.get("/v2/account")
        _, orders_before = await rest.get("/v2/orders", params={"status": "all"})
    finally:
        await venue.stop()
    assert path.exists()

    venue = await started(path)
    try:
        rest = Rest(http, venue)
        _, orders = await rest.get("/v2/orders", params={"status": "all"})
        assert orders == orders_before
        _, account = await rest.get("/v2/account")
        assert account["cash"] == account_before["cash"] == "98499.8"
        _, position = await rest.get("/v2/positions/SIMEQ")
        assert (position["qty"], position["avg_entry_price"]) == ("10", "150.02")
        for coid in ("filled-1", "rest-1", "gone-1"):
            status, body = await rest.order(client_order_id=coid)
            assert (status, body["message"]) == (422, "client_order_id must be unique")
        # the resting order rests again, and fills when the market reaches it
        updates = await UpdatesClient.listening(http, venue)
        inject_quote(venue, EQ, 15102, 15103, 100)
        fill = await updates.event()
        assert (fill["event"], fill["order"]["id"], fill["position_qty"]) == (
            "fill",
            resting["id"],
            "6",
        )
        _, again = await rest.get(f"/v2/orders/{filled['id']}")
        assert (again["status"], again["filled_qty"]) == ("filled", "10")
    finally:
        await venue.stop()


async def test_state_is_written_on_change(tmp_path: Path) -> None:
    path = tmp_path / "venue.json"
    venue = await started(path)
    try:
        assert not path.exists()
        inject_quote(venue, EQ, 15000, 15002, 100)
        async with aiohttp.ClientSession() as http:
            await Rest(http, venue).order("SIMEQ", "1")
        await eventually(path.exists)
        loaded = load_state(path)
        assert loaded is not None and len(loaded[0]["fills"]) == 1
    finally:
        await venue.stop()


def test_bad_state_files(tmp_path: Path) -> None:
    path = tmp_path / "venue.json"
    path.write_text("{not json")
    with pytest.raises(StateError, match="not valid JSON"):
        SimVenue(SimVenueConfig(state_file=str(path)))
    path.write_text('{"version": 99}')
    with pytest.raises(StateError, match="not a version 1"):
        SimVenue(SimVenueConfig(state_file=str(path)))
    assert load_state(tmp_path / "missing.json") is None
