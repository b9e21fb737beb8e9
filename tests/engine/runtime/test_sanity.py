"""The sanity gate on its own: one table of drop reasons, seeding, the band's floor,
alerts, and a Hypothesis property over a market with noise and real gaps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.runtime.sanity import ALERT_INTERVAL_S
from engine.runtime.sanity import MAX_VOTES
from engine.runtime.sanity import REANCHOR_S
from engine.runtime.sanity import REANCHOR_TICKS
from engine.runtime.sanity import RELEASE_TICKS
from engine.runtime.sanity import GateConfig
from engine.runtime.sanity import SanityGate

SEC = 1_000_000_000
T0 = 1_700_000_000 * SEC
A = Symbol("AAA")
B = Symbol("BBB")


class Rig:
    def __init__(self, config: GateConfig | None = None) -> None:
        self.now = T0
        self.events: list[FeedEvent] = []
        self.flips: list[tuple[Symbol, bool]] = []  # what the core is told, at once
        self.gate = SanityGate(
            [A, B],
            config,
            clock=lambda: self.now,
            emit=self.events.append,
            on_hold=lambda s: self.flips.append((s, self.gate.held(s))),
        )

    def quote(
        self, bid: int, ask: int, *, sym: Symbol = A, ts: int | None = None, size: int = 1
    ) -> int:
        self.now += 1_000_000
        return self.gate.quote(sym, self.now if ts is None else ts, bid, size, ask, size)

    def seeded(self, bid: int = 10_000, ask: int = 10_001) -> Rig:
        for _ in range(3):
            self.quote(bid, ask)
        assert self.gate.reference(A) == bid + ask
        return self

    def states(self, state: FeedState) -> list[FeedEvent]:
        return [e for e in self.events if e.state is state]


@pytest.mark.parametrize(
    ("name", "bid", "ask", "ts_offset", "size", "reason"),
    [
        ("zero bid", 0, 10_001, 0, 1, "bad_price"),
        ("negative ask", 10_000, -1, 0, 1, "bad_price"),
        ("crossed", 10_002, 10_001, 0, 1, "crossed"),
        ("locked", 10_001, 10_001, 0, 1, "locked"),
        ("negative size", 10_000, 10_001, 0, -1, "bad_size"),
        ("before the last tick", 10_000, 10_001, -SEC // 2, 1, "time_backwards"),
        ("3 s ahead of the clock", 10_000, 10_001, 3 * SEC, 1, "future_ts"),
        ("1000x", 10_000_000, 10_000_001, 0, 1, "price_band"),
        ("x0.001", 10, 11, 0, 1, "price_band"),
        ("5.1% up", 10_510, 10_511, 0, 1, "price_band"),
        ("5.1% down", 9_490, 9_491, 0, 1, "price_band"),
    ],
)
def test_each_reason(name: str, bid: int, ask: int, ts_offset: int, size: int, reason: str) -> None:
    rig = Rig().seeded()
    assert not rig.quote(bid, ask, ts=rig.now + 1_000_000 + ts_offset, size=size), name
    assert dict(rig.gate.rejects) == {"no_reference": 2, reason: 1}


def test_inside_the_band_and_the_tolerance_passes_with_the_local_time() -> None:
    rig = Rig().seeded()
    assert rig.quote(10_490, 10_491) == rig.now  # 4.9% up
    ahead = rig.now + 1_000_000 + SEC * 3 // 2
    assert rig.quote(10_490, 10_491, ts=ahead) == rig.now  # 1.5 s ahead: clamped
    assert rig.gate.last_quote_ns[A] == rig.now
    assert rig.quote(10_491, 10_492)  # and the next real tick is not "backwards"


def test_a_symbol_older_than_the_stale_window_is_past() -> None:
    rig = Rig(GateConfig(max_age_s=1.0))
    assert not rig.quote(10_000, 10_001, ts=rig.now - 2 * SEC)
    assert rig.gate.rejects["past_ts"] == 1


def test_trades_and_unknown_symbols() -> None:
    rig = Rig()
    assert not rig.gate.trade(A, rig.now, 10_000, 1)  # no reference yet
    rig.seeded()
    assert rig.gate.trade(A, rig.now, 10_000, 1)
    assert not rig.gate.trade(A, rig.now, 10_000, 0)
    assert not rig.gate.trade(A, rig.now, 20_000, 1)
    assert not rig.gate.trade(Symbol("ZZZ"), rig.now, 10_000, 1)
    assert not rig.gate.quote(Symbol("ZZZ"), rig.now, 1, 1, 2, 1)
    r = rig.gate.rejects
    assert (r["no_reference"], r["bad_size"], r["price_band"], r["unknown_symbol"]) == (3, 1, 1, 2)


def test_seeding_needs_agreement_and_can_be_given() -> None:
    rig = Rig()
    for bid in (10_000, 20_000, 10_000, 20_000):  # two levels take turns: no agreement
        assert not rig.quote(bid, bid + 1)
    assert rig.gate.reference(A) == 0
    rig.gate.seed(A, 20_000, 20_002)
    assert rig.quote(20_100, 20_101)
    one = Rig(GateConfig(seed_ticks=1))
    assert one.quote(10_000, 10_001)  # trusting the first tick is a choice


def test_the_band_is_never_narrower_than_two_ticks() -> None:
    rig = Rig().seeded(10, 11)  # 5% of a 10-tick price is half a tick
    assert rig.quote(11, 12)
    assert rig.quote(10, 11)
    assert not rig.quote(13, 14)


def test_alerts_are_rate_limited_per_symbol() -> None:
    rig = Rig().seeded()
    for _ in range(100):
        rig.quote(10_000_000, 10_000_001)
        rig.quote(10_000, 10_001)
    assert len(rig.states(FeedState.REJECTED)) == 1
    rig.now += int(ALERT_INTERVAL_S * SEC)
    rig.quote(10_000_000, 10_000_001)
    alerts = rig.states(FeedState.REJECTED)
    assert len(alerts) == 2 and alerts[1].detail.startswith("price_band: 100 ticks dropped")
    assert not rig.states(FeedState.STALE)  # noise never agreed on a level: no hold


def test_a_hold_is_released_when_the_new_level_was_noise() -> None:
    rig = Rig().seeded()
    rig.quote(10_000_000, 10_000_001)
    rig.quote(10_000_000, 10_000_001)  # two agree: held
    assert rig.gate.held(A) and rig.states(FeedState.STALE)
    assert rig.flips == [(A, True)]
    for _ in range(RELEASE_TICKS - 1):
        assert rig.quote(10_000, 10_001)  # the real market outvotes them...
        assert rig.gate.held(A)  # ...but a release needs RELEASE_TICKS in a row
    assert rig.quote(10_000, 10_001)
    assert not rig.gate.held(A) and rig.flips == [(A, True), (A, False)]
    assert rig.states(FeedState.FRESH)[-1].detail == "price band: quotes back inside the band"
    assert not rig.gate.held(B)


def _pattern(rig: Rig, bad: int, good: int, seconds: float) -> list[bool]:
    """``bad`` quotes at x1000 then ``good`` real ones, 100 quotes a second; whether the
    symbol was held after each quote."""
    held = []
    for i in range(int(seconds * 100)):
        rig.now += 10_000_000 - 1_000_000  # rig.quote adds 1 ms
        if i % (bad + good) < bad:
            rig.quote(10_000_000, 10_000_001)
        else:
            assert rig.quote(10_000, 10_001), "a real quote was dropped"
        held.append(rig.gate.held(A))
    return held


@pytest.mark.parametrize(("bad", "good"), [(2, 2), (2, RELEASE_TICKS), (3, 5)])
def test_hold_and_release_announcements_are_rate_limited(bad: int, good: int) -> None:
    """REVIEW-SEC D4: pairs of corrupt quotes between real ones gave 1,500 STALE and 1,500
    FRESH events a minute. The core is still told of every hold and release at once
    (entries blocked while held), but the bus gets a hold and its release, then at most
    one summary a minute."""
    rig = Rig().seeded()
    minutes = 5
    held = _pattern(rig, bad, good, 60.0 * minutes)
    # The core follows the gate exactly: one call per change, each with the new state.
    changes = [h for prev, h in zip([False, *held[:-1]], held, strict=True) if h != prev]
    assert [f for _, f in rig.flips] == changes
    assert all(s == A for s, _ in rig.flips)
    if good < RELEASE_TICKS:
        assert changes == [True], "released by fewer than RELEASE_TICKS real quotes in a row"
    else:
        assert len(changes) >= 2 * minutes * 50, "the pattern should flap (the test is wrong)"
    # Every time the bad level agreed (2 quotes), entries were blocked.
    for i, h in enumerate(held):
        if i % (bad + good) >= 1 and i % (bad + good) < bad:
            assert h, f"quote {i}: not held after {bad} agreeing bad quotes"
    stale, fresh = rig.states(FeedState.STALE), rig.states(FeedState.FRESH)
    assert len(stale) + len(fresh) <= 2 + 2 * minutes, [e.detail for e in stale + fresh]
    assert len(rig.states(FeedState.REJECTED)) <= 1 + minutes
    if len(changes) > 2:
        assert any("held" in e.detail and "times in the last" in e.detail for e in stale + fresh)
    # Once the bad quotes stop, the bus ends up saying what the core knows.
    for _ in range(MAX_VOTES + RELEASE_TICKS):
        rig.now += SEC
        assert rig.quote(10_000, 10_001)
    rig.now += int(ALERT_INTERVAL_S * SEC)
    assert rig.quote(10_000, 10_001)
    assert not rig.gate.held(A) and rig.flips[-1] == (A, False)
    last = [e for e in rig.events if e.state is not FeedState.REJECTED][-1]
    assert last.state is FeedState.FRESH, last


def test_alternating_bad_and_good_quotes_do_not_flood_or_freeze() -> None:
    """REVIEW-SEC D5: one corrupt quote, one real one, for good: the votes for the bad
    level never die out, so the symbol stays held (entries blocked: the feed contradicts
    itself), but never silently: a STALE alert says for how long, at most once a
    minute. The real quotes are accepted meanwhile, and once the bad ones stop,
    RELEASE_TICKS real quotes in a row release the hold."""
    rig = Rig().seeded()
    minutes = 10
    rig.quote(10_000_000, 10_000_001)  # one bad quote ahead: the votes go 2, 1, 2, 1...
    held = _pattern(rig, 1, 1, 60.0 * minutes)
    assert all(held) and rig.flips == [(A, True)]
    stale = rig.states(FeedState.STALE)
    assert not rig.states(FeedState.FRESH)
    assert minutes - 1 <= len(stale) <= 1 + minutes, [e.detail for e in stale]
    assert all("needs a person" in e.detail for e in stale)
    assert f"held for {minutes - 1} min" in stale[-1].detail, stale[-1].detail
    assert len(rig.states(FeedState.REJECTED)) <= 1
    assert not rig.quote(10_000_000, 10_000_001)  # the last bad quote (2 votes)
    for _ in range(RELEASE_TICKS):
        assert rig.gate.held(A)
        assert rig.quote(10_000, 10_001)
    assert not rig.gate.held(A) and rig.flips == [(A, True), (A, False)]
    assert rig.states(FeedState.FRESH)[-1].detail == "price band: quotes back inside the band"


def test_a_gap_into_a_trend_still_reanchors() -> None:
    rig = Rig().seeded(100_000, 100_001)
    bid, accepted = 90_000, 0
    for _ in range(24):  # 10% down, then 3% a second on, in steps of 250 ms
        rig.now += 250_000_000
        accepted += bool(rig.quote(bid, bid + 1))
        bid = bid * 9925 // 10_000
    assert accepted, "a market still moving after a gap never re-anchored"
    assert "re-anchored" in rig.states(FeedState.FRESH)[0].detail


@pytest.mark.parametrize(
    ("band_pct", "factor", "reanchors"),
    [
        (5.0, 1.19, True),  # the reach is 4 bands: 20% at the default band
        (5.0, 0.81, True),
        (5.0, 1.22, False),
        (5.0, 0.78, False),
        (5.0, 10.0, False),
        (5.0, 0.1, False),
        (5.0, 1000.0, False),
        (5.0, 0.001, False),
        (20.0, 1.45, True),  # 4 bands would be 80%: capped at 50%
        (20.0, 0.55, True),
        (20.0, 1.6, False),
        (20.0, 0.4, False),
        (50.0, 10.0, False),  # x3 would be 4 bands of 50%
        (50.0, 0.1, False),
    ],
)
def test_only_a_level_within_reach_reanchors(
    band_pct: float, factor: float, reanchors: bool
) -> None:
    rig = Rig(GateConfig(band_pct=band_pct)).seeded(100_000, 100_001)
    bid = int(100_000 * factor)
    accepted = 0
    for _ in range(200):  # 100 s of a consistent level, 2 quotes a second
        rig.now += SEC // 2
        accepted += bool(rig.quote(bid, bid + 1))
    assert rig.gate.held(A) is not reanchors
    if reanchors:
        assert accepted == 200 - 4  # the 5th agreeing quote after 2 s re-anchors
        assert "re-anchored" in rig.states(FeedState.FRESH)[-1].detail
        return
    assert not accepted and rig.gate.reference(A) == 200_001
    first, *again = rig.states(FeedState.STALE)
    assert "implausible" in first.detail and "needs a person" in first.detail
    assert len(again) == 1  # re-alerted once a minute (100 s: once), nothing else
    assert "implausible" in again[0].detail and "price_band: 120 ticks dropped" in again[0].detail
    assert len(rig.states(FeedState.REJECTED)) == 1  # the first drop, before the hold
    assert rig.gate.rejects["price_band"] == 200


def test_an_implausible_hold_is_released_by_the_real_market_or_a_seed() -> None:
    rig = Rig().seeded()
    for _ in range(1000):  # long and consistent: the votes are capped
        rig.quote(10_000_000, 10_000_001)
    assert rig.gate.held(A)
    for i in range(MAX_VOTES):
        assert rig.quote(10_000, 10_001), "the real market is accepted while held"
        assert rig.gate.held(A) is (i < MAX_VOTES - 1)
    assert rig.states(FeedState.FRESH)[-1].detail == "price band: quotes back inside the band"
    # A real move beyond the reach (a split): held until a person seeds the band.
    for _ in range(10):
        assert not rig.quote(2_000, 2_001)
    assert rig.gate.held(A) and "implausible" in rig.states(FeedState.STALE)[-1].detail
    rig.gate.seed(A, 2_000, 2_001)
    assert not rig.gate.held(A)
    assert rig.states(FeedState.FRESH)[-1].detail == "price band seeded"
    assert rig.quote(2_000, 2_001)
    assert not rig.gate.held(A)


def test_noise_around_an_implausible_hold_does_not_repeat_the_alert() -> None:
    rig = Rig().seeded()
    for i in range(300):  # the bad level, with the odd other bad tick
        rig.quote(10_000_000, 10_000_001)
        rig.quote(10_000_000, 10_000_001)
        if i % 3 == 0:
            rig.quote(10, 11)
    assert rig.gate.held(A)
    assert len(rig.states(FeedState.STALE)) == 1


# -- the property -----------------------------------------------------------------------------

tick = st.tuples(
    st.integers(-3, 3),  # true move of the bid
    st.integers(200, 400),  # ms to this tick
    st.sampled_from([None, None, None, 1000.0, 0.001, 1.5, 0.6, 30.0]),  # corruption
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(tick, max_size=40),
    st.sampled_from([None, 1.08, 1.15, 0.9, 0.85, 1.3, 3.0, 0.5, 10.0]),
    st.lists(tick, min_size=20, max_size=40),
)
def test_only_true_quotes_pass_and_a_real_gap_reanchors(
    before: list[tuple[int, int, float | None]],
    gap: float | None,
    after: list[tuple[int, int, float | None]],
) -> None:
    """Noise (never more than one corrupt quote in three) is dropped; a real gap within
    the reach (20% at the default band) is followed within 3 x REANCHOR_TICKS quotes and
    REANCHOR_S + 2 seconds; a bigger one is never accepted and holds the symbol with an
    alert that asks for a person."""
    rig = Rig()
    rig.gate.seed(A, 100_000, 100_002)
    bid = 100_000
    true_mids: set[int] = set()
    within_reach = gap is None or 0.8 < gap < 1.2
    since_corrupt = 99
    gap_at = 0  # local time of the gap
    after_gap = 0
    accepted_after_gap = False
    for i, (move, dt_ms, corrupt) in enumerate(before + after):
        if gap is not None and i == len(before):
            bid = int(bid * gap)
            gap_at = rig.now
        bid = max(100, bid + move)
        rig.now += dt_ms * 1_000_000
        if corrupt is not None and since_corrupt >= 2:
            since_corrupt = 0
            c = max(1, int(bid * corrupt))
            ok = rig.gate.quote(A, rig.now, c, 1, c + 1, 1)
            assert not ok or 2 * c + 1 in true_mids, f"corrupt {c} passed"
        since_corrupt += 1
        true_mids.add(2 * bid + 1)
        ok = rig.gate.quote(A, rig.now, bid, 1, bid + 1, 1)
        if gap_at:
            after_gap += 1
            accepted_after_gap |= bool(ok)
            overdue = after_gap >= 3 * REANCHOR_TICKS and rig.now - gap_at >= (REANCHOR_S + 2) * SEC
            assert accepted_after_gap or not overdue or not within_reach, "a gap froze the symbol"
            assert within_reach or not ok, "a level beyond the reach was accepted"
        else:
            assert ok, "a quiet true market was dropped"
    if gap is not None and within_reach:
        assert accepted_after_gap
    elif gap is not None:
        assert rig.gate.held(A)
        assert "needs a person" in rig.states(FeedState.STALE)[-1].detail
    if rig.gate.held(A):
        assert rig.states(FeedState.STALE)  # a hold is always announced
    minutes = (rig.now - T0) // int(ALERT_INTERVAL_S * SEC)
    assert len(rig.states(FeedState.REJECTED)) <= 1 + minutes
    assert len(rig.states(FeedState.STALE)) <= 2 + minutes
