"""Market sources: the seeded synthetic market and the replay of recorded files."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.model import Quote
from engine.model import Side
from engine.model import Trade
from engine.replay import DataError
from engine.venues.sim import DEFAULT_SYMBOLS
from engine.venues.sim import ReplayMarket
from engine.venues.sim import SyntheticMarket
from tests.engine.venues.sim.support import DATA

NS = 1_000_000_000
START = 1_700_000_000 * NS
QUOTES = str(DATA / "binance_usdm_btcusdt_20240808_quotes.csv")


def run(market: SyntheticMarket, seconds: float, step: float = 0.01) -> list[Quote | Trade]:
    out: list[Quote | Trade] = []
    for i in range(1, int(seconds / step) + 1):
        out.extend(market.poll(START + int(i * step * NS)))
    out.extend(market.poll(START + int(seconds * NS)))
    return out


def synthetic(seed: int = 1, rate: float = 20.0) -> SyntheticMarket:
    return SyntheticMarket(DEFAULT_SYMBOLS, seed, rate, 0.2, START)


def test_deterministic_given_the_seed_whatever_the_polling() -> None:
    a = run(synthetic(seed=3), 20, step=0.01)
    b = run(synthetic(seed=3), 20, step=0.37)
    assert a == b
    assert run(synthetic(seed=4), 20) != a


def test_events_are_in_time_order_and_not_in_the_future() -> None:
    market = synthetic()
    last = 0
    for i in range(1, 200):
        now = START + i * 10_000_000
        for event in market.poll(now):
            assert last <= event.ts <= now
            last = event.ts


def test_symbols_have_their_own_grids_and_prices() -> None:
    events = run(synthetic(), 10)
    first: dict[str, Quote] = {e.symbol: e for e in events if isinstance(e, Quote)}
    assert set(first) == {s.symbol for s in DEFAULT_SYMBOLS}
    assert first["SIMEQ"].bid == pytest.approx(15000, abs=50)  # 150.00 in ticks of 0.01
    assert first["BTCUSD"].bid == pytest.approx(600000, abs=500)  # 60000.0 in ticks of 0.1


def test_spreads_mostly_one_or_two_ticks_wider_in_bursts() -> None:
    quotes = [e for e in run(synthetic(rate=50), 120) if isinstance(e, Quote)]
    spreads = Counter(q.ask - q.bid for q in quotes if q.symbol == "SIMEQ")
    total = sum(spreads.values())
    assert (spreads[1] + spreads[2]) / total > 0.8
    assert max(spreads) >= 4
    assert all(q.ask > q.bid > 0 and q.bid_size > 0 and q.ask_size > 0 for q in quotes)


def test_bursts_and_quiet_spells() -> None:
    events = run(synthetic(rate=20), 300, step=0.1)
    per_second = Counter((e.ts - START) // NS for e in events if e.symbol == "SIMEQ")
    counts = [per_second.get(s, 0) for s in range(300)]
    assert max(counts) >= 3 * 20  # a burst: several times the base rate
    assert sum(1 for c in counts if c <= 6) >= 10  # quiet seconds


def test_trades_print_at_the_touch_with_aggressors() -> None:
    events = run(synthetic(rate=100), 30)
    last_quote: dict[str, Quote] = {}
    sides: Counter[Side] = Counter()
    for e in events:
        if isinstance(e, Quote):
            last_quote[e.symbol] = e
        elif e.symbol in last_quote:
            q = last_quote[e.symbol]
            assert e.price == (q.ask if e.aggressor is Side.BUY else q.bid)
            sides[e.aggressor] += 1
    assert sides[Side.BUY] > 10 and sides[Side.SELL] > 10


def test_restore_continues_from_saved_bids() -> None:
    market = synthetic()
    market.restore({"SIMEQ": 12345})
    first = next(e for e in market.poll(START + 10 * NS) if e.symbol == "SIMEQ")
    assert abs(first.bid - 12345) <= 5 if isinstance(first, Quote) else True
    assert market.bids()["SIMEQ"] != 15000


def test_replay_restamps_to_wall_time() -> None:
    market = ReplayMarket((QUOTES,), speed=2.0)
    assert [i.symbol for i in market.instruments] == ["BTCUSDT"]
    wall = START
    first = market.poll(wall)
    assert len(first) >= 1 and first[0].ts == wall
    assert isinstance(first[0], Quote)
    assert (first[0].bid, first[0].ask) == (618002, 618003)  # 61800.2 / 61800.3
    later = market.poll(wall + NS)  # one wall second = two recorded seconds
    assert later and all(wall < e.ts <= wall + NS for e in later)


def test_replay_flat_out_in_batches_until_the_end() -> None:
    market = ReplayMarket((QUOTES,), speed=0, batch=10_000)
    total = 0
    while not market.finished:
        batch = market.poll(START)
        assert len(batch) <= 10_000
        total += len(batch)
    assert total == 66_089  # every quote row of the file
    assert market.poll(START) == []


def test_replay_can_loop() -> None:
    market = ReplayMarket((QUOTES,), speed=0, batch=70_000, loop=True)
    events = market.poll(START)
    assert len(events) == 70_000  # the file, then the start of its second pass
    assert events[66_089] == events[0]
    assert market.passes == 1 and not market.finished


def test_replay_of_a_missing_file() -> None:
    with pytest.raises(DataError):
        ReplayMarket((str(DATA / "nope.csv"),), speed=1.0)
