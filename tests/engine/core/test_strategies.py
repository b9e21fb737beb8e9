"""Strategies: sma_cross against a reference, micro_momentum's entry and exits, params."""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.core.market_state import MarketState
from engine.core.strategies import STRATEGIES
from engine.core.strategies import MicroMomentum
from engine.core.strategies import MicroMomentumParams
from engine.core.strategies import ParamError
from engine.core.strategies import SmaCross
from engine.core.strategies import SmaCrossParams
from engine.core.strategies import parse_params
from engine.core.strategies import strategy_factory
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import SEC

HOUR = 3600 * SEC
DAY = 24 * HOUR


def feed_mids(strategy: SmaCross, mid2s: list[int]) -> list[int | None]:
    """Signals for a series of mids (given as twice the mid, in ticks)."""
    state = MarketState(INSTRUMENT_A)
    out = []
    for i, m2 in enumerate(mid2s):
        bid = m2 // 2
        state.update_quote(i, bid, 1, m2 - bid, 1)
        out.append(strategy.on_quote(state, i))
    return out


def reference(mid2s: list[int], fast: int, slow: int, band_ticks: float) -> list[int | None]:
    """The naive definition in floats: means of mids in ticks, compared with the band."""
    out: list[int | None] = []
    target = 0
    for i in range(len(mid2s)):
        if i + 1 < slow:
            out.append(None)
            continue
        mids = [m / 2 for m in mid2s[: i + 1]]
        diff = sum(mids[-fast:]) / fast - sum(mids[-slow:]) / slow
        new = 1 if diff > band_ticks else -1 if diff < -band_ticks else target
        out.append(new if new != target else None)
        target = new
    return out


def exact_reference(
    mid2s: list[int], fast: int, slow: int, band_ticks: Fraction
) -> list[int | None]:
    out: list[int | None] = []
    target = 0
    fbuf: deque[int] = deque(maxlen=fast)
    sbuf: deque[int] = deque(maxlen=slow)
    for m2 in mid2s:
        fbuf.append(m2)
        sbuf.append(m2)
        if len(sbuf) < slow:
            out.append(None)
            continue
        diff = Fraction(sum(fbuf), 2 * fast) - Fraction(sum(sbuf), 2 * slow)
        new = 1 if diff > band_ticks else -1 if diff < -band_ticks else target
        out.append(new if new != target else None)
        target = new
    return out


def sma(fast: int, slow: int, band: str) -> SmaCross:
    return SmaCross(INSTRUMENT_A, SmaCrossParams(fast=fast, slow=slow, band=Decimal(band)))


# -- sma_cross ------------------------------------------------------------------------------


def test_sma_cross_says_nothing_before_slow_mids() -> None:
    s = sma(2, 4, "0")
    assert feed_mids(s, [20_000, 20_100, 20_200]) == [None, None, None]
    assert feed_mids(s, [20_300]) == [1]


# fast 2, slow 4, band 1 tick (0.01): fast mean - slow mean in ticks, exact in floats
EDGE_CASES = [
    # id, mid2s, expected signals
    ("flat: nothing", [20_000] * 6, [None] * 6),
    (
        # mids 100, 100, 101, 101 (in ticks x 100): fast 101, slow 100.5: diff 0.5 tick < band
        "inside the band",
        [20_000, 20_000, 20_002, 20_002],
        [None, None, None, None],
    ),
    (
        # mids 10000, 10000, 10002, 10002: fast 10002, slow 10001: diff exactly 1 tick = band
        "exactly at the band: no signal",
        [20_000, 20_000, 20_004, 20_004],
        [None, None, None, None],
    ),
    (
        # one more half tick on the last mid: diff 1.125 ticks > band
        "just past the band: long",
        [20_000, 20_000, 20_004, 20_005],
        [None, None, None, 1],
    ),
    (
        "exactly at minus the band: no signal",
        [20_004, 20_004, 20_000, 20_000],
        [None, None, None, None],
    ),
    (
        "just past minus the band: short",
        [20_004, 20_004, 20_000, 19_999],
        [None, None, None, -1],
    ),
    (
        # long, then back inside the band: the position is kept (no signal), then short
        "band is a dead zone",
        [20_000, 20_000, 20_004, 20_005, 20_004, 20_000, 19_996, 19_990],
        [None, None, None, 1, None, None, -1, None],
    ),
]


@pytest.mark.parametrize(
    ("mid2s", "expected"), [c[1:] for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES]
)
def test_sma_cross_band_edges(mid2s: list[int], expected: list[int | None]) -> None:
    assert feed_mids(sma(2, 4, "0.01"), mid2s) == expected
    assert reference(mid2s, 2, 4, 1.0) == expected


def test_zero_band_crosses_on_any_difference() -> None:
    assert feed_mids(sma(2, 4, "0"), [20_000, 20_000, 20_000, 20_001]) == [None, None, None, 1]
    assert feed_mids(sma(2, 4, "0"), [20_000] * 4) == [None] * 4


def test_a_band_finer_than_a_tick() -> None:
    # band 0.005 = half a tick: diff of 0.5 tick is at the band, 0.625 is past it
    assert feed_mids(sma(2, 4, "0.005"), [20_000, 20_000, 20_002, 20_002]) == [None] * 4
    assert feed_mids(sma(2, 4, "0.005"), [20_000, 20_000, 20_002, 20_003]) == [None] * 3 + [1]


walks = st.lists(st.integers(-6, 6), min_size=1, max_size=120).map(
    lambda steps: [20_000 + sum(steps[: i + 1]) for i in range(len(steps))]
)


@settings(max_examples=200, deadline=None)
@given(
    mid2s=walks,
    windows=st.sampled_from([(1, 2), (2, 4), (4, 8), (2, 16), (8, 16)]),
    band_ticks=st.sampled_from([0, 1, 2, 3]),
)
def test_sma_cross_matches_the_float_reference(
    mid2s: list[int], windows: tuple[int, int], band_ticks: int
) -> None:
    # power-of-two windows keep every float mean exact, so the reference is exact too
    fast, slow = windows
    band = str(Decimal(band_ticks) / 100)
    assert feed_mids(sma(fast, slow, band), mid2s) == reference(mid2s, fast, slow, band_ticks)


@settings(max_examples=200, deadline=None)
@given(
    mid2s=walks,
    fast=st.integers(1, 6),
    extra=st.integers(1, 8),
    band=st.sampled_from(["0", "0.003", "0.01", "0.015", "0.07"]),
)
def test_sma_cross_matches_exact_arithmetic_for_any_window(
    mid2s: list[int], fast: int, extra: int, band: str
) -> None:
    slow = fast + extra
    band_ticks = Fraction(Decimal(band)) / Fraction(INSTRUMENT_A.price_increment)
    assert feed_mids(sma(fast, slow, band), mid2s) == exact_reference(mid2s, fast, slow, band_ticks)


# -- micro_momentum -------------------------------------------------------------------------


class Tape:
    """Feeds quotes to one micro_momentum instance through a real MarketState."""

    def __init__(self, **params: object) -> None:
        self.s = MicroMomentum(INSTRUMENT_A, MicroMomentumParams(**params))  # type: ignore[arg-type]
        self.state = MarketState(INSTRUMENT_A)
        self.now = 10 * HOUR

    def q(self, bid: int, ask: int, dt: int = SEC, at: int | None = None) -> int | None:
        self.now = at if at is not None else self.now + dt
        self.state.update_quote(self.now, bid, 1, ask, 1)
        return self.s.on_quote(self.state, self.now)

    def filled(self, qty: int, price: float) -> None:
        self.s.on_position(qty, price, self.now)


def test_enters_on_an_uptick_of_the_bid_in_a_tight_market() -> None:
    t = Tape()
    assert t.q(100, 101) is None  # no previous bid
    assert t.q(100, 101) is None  # no up-tick
    assert t.q(101, 102) == 1
    assert t.s.target == 1


def test_no_entry_when_the_spread_is_too_wide() -> None:
    t = Tape(max_spread_ticks=2)
    t.q(100, 101)
    assert t.q(101, 104) is None  # spread 3 > 2
    assert t.q(102, 104) == 1  # spread 2 is allowed


def test_min_upticks_needs_consecutive_upticks() -> None:
    t = Tape(min_upticks=2)
    t.q(100, 101)
    assert t.q(101, 102) is None
    assert t.q(101, 102) is None  # the run is broken
    assert t.q(102, 103) is None
    assert t.q(103, 104) == 1


def in_position(entry_bid: int = 101, fill: float = 102.0, **params: object) -> Tape:
    t = Tape(**params)
    t.q(entry_bid - 1, entry_bid)
    assert t.q(entry_bid, entry_bid + 1) == 1
    t.filled(1, fill)
    return t


@pytest.mark.parametrize(
    ("bid", "signal"),
    [(104, None), (105, 0), (106, 0), (100, None), (99, 0), (98, 0)],
    ids=["tp-1", "tp", "tp+1", "sl-1", "sl", "sl+1"],
)
def test_take_profit_and_stop_loss_from_the_average_fill(bid: int, signal: int | None) -> None:
    t = in_position(fill=102.0, take_profit_ticks=3, stop_loss_ticks=3)
    assert t.q(bid, bid + 1) == signal


def test_time_stop_counts_from_the_fill() -> None:
    t = in_position(time_stop_s=30.0)
    filled_at = t.now
    assert t.q(102, 103, at=filled_at + 30 * SEC - 1) is None
    assert t.q(102, 103, at=filled_at + 30 * SEC) == 0


def test_time_stop_ends_an_entry_that_never_filled() -> None:
    t = Tape(time_stop_s=30.0)
    t.q(100, 101)
    assert t.q(101, 102) == 1
    signalled = t.now
    assert t.q(110, 111, at=signalled + 30 * SEC - 1) is None  # no fill: no TP either
    assert t.q(110, 111, at=signalled + 30 * SEC) == 0


def test_cooldown_after_an_exit() -> None:
    t = in_position(cooldown_s=5.0)
    assert t.q(105, 106) == 0
    exited = t.now
    t.filled(0, 0.0)
    assert t.q(106, 107, at=exited + 5 * SEC - 1) is None  # an up-tick, but cooling down
    assert t.q(107, 108, at=exited + 5 * SEC) == 1


def test_short_side_is_off_by_default_and_mirrors_when_allowed() -> None:
    t = Tape()
    t.q(100, 102)
    assert t.q(99, 101) is None
    t = Tape(allow_short=True, take_profit_ticks=2, stop_loss_ticks=2)
    t.q(100, 101)
    assert t.q(99, 100) == -1  # the ask ticked down
    t.filled(-1, 99.0)
    assert t.q(97, 98) is None  # gain 1 (measured at the ask)
    assert t.q(96, 97) == 0  # gain 2: take profit


def test_short_stop_loss_at_the_ask() -> None:
    t = Tape(allow_short=True, stop_loss_ticks=2)
    t.q(100, 101)
    assert t.q(99, 100) == -1
    t.filled(-1, 99.0)
    assert t.q(99, 100) is None
    assert t.q(100, 101) == 0


def at(hh: int, mm: int, ss: int = 0, day: int = 19_000) -> int:
    return day * DAY + ((hh * 60 + mm) * 60 + ss) * SEC


@pytest.mark.parametrize(
    ("when", "signal"),
    [
        (at(9, 29, 59), None),
        (at(9, 30), 1),
        (at(15, 59, 59), 1),
        (at(16, 0), None),
        (at(3, 0), None),
    ],
)
def test_session_window_start_inclusive_end_exclusive(when: int, signal: int | None) -> None:
    t = Tape(session_start="09:30", session_end="16:00", cooldown_s=0.0)
    t.q(100, 101, at=when - SEC)
    assert t.q(101, 102, at=when) == signal


def test_a_position_is_closed_at_the_session_end() -> None:
    t = Tape(session_start="09:30", session_end="16:00", time_stop_s=86_400.0)
    t.q(100, 101, at=at(15, 59, 50))
    assert t.q(101, 102, at=at(15, 59, 51)) == 1
    t.filled(1, 102.0)
    assert t.q(101, 102, at=at(15, 59, 59)) is None
    assert t.q(101, 102, at=at(16, 0)) == 0


def test_an_overnight_session_is_refused_or_honoured() -> None:
    """22:00-02:00 either wraps midnight or is refused; it must not silently never trade."""
    try:
        params = MicroMomentumParams(session_start="22:00", session_end="02:00")
    except ValueError:
        return
    t = Tape(session_start=params.session_start, session_end=params.session_end)
    t.q(100, 101, at=at(23, 0))
    assert t.q(101, 102, at=at(23, 0, 1)) == 1


# -- params -------------------------------------------------------------------------------


def test_registry() -> None:
    assert strategy_factory("sma_cross") is SmaCross
    assert strategy_factory("micro_momentum") is MicroMomentum
    assert set(STRATEGIES) == {"sma_cross", "micro_momentum"}
    with pytest.raises(ParamError, match="unknown strategy 'nope'"):
        strategy_factory("nope")


def test_params_parse_from_strings() -> None:
    p = parse_params(
        MicroMomentumParams, {"max_spread_ticks": "2", "allow_short": "true", "time_stop_s": "1.5"}
    )
    assert (p.max_spread_ticks, p.allow_short, p.time_stop_s) == (2, True, 1.5)
    s = parse_params(SmaCrossParams, {"fast": "3", "slow": "9", "band": "0.02"})
    assert (s.fast, s.slow, s.band) == (3, 9, Decimal("0.02"))


BAD_PARAMS = [
    # strategy params class, raw, the key the message must name
    (SmaCrossParams, {"fats": "3"}, "fats"),
    (SmaCrossParams, {"fast": "three"}, "fast"),
    (SmaCrossParams, {"band": "wide"}, "band"),
    (SmaCrossParams, {"fast": "9", "slow": "9"}, "fast"),
    (SmaCrossParams, {"band": "-0.01"}, "band"),
    (MicroMomentumParams, {"max_spread_ticks": "0"}, "max_spread_ticks"),
    (MicroMomentumParams, {"take_profit_ticks": "-1"}, "take_profit_ticks"),
    (MicroMomentumParams, {"min_upticks": "0"}, "min_upticks"),
    (MicroMomentumParams, {"cooldown_s": "-1"}, "cooldown_s"),
    (MicroMomentumParams, {"time_stop_s": "soon"}, "time_stop_s"),
    (MicroMomentumParams, {"session_start": "9h30"}, "session_start"),
    (MicroMomentumParams, {"session_end": "24:30"}, "session_end"),
    (MicroMomentumParams, {"allow_short": "maybe"}, "allow_short"),
]


@pytest.mark.parametrize(
    ("cls", "raw", "key"), BAD_PARAMS, ids=[f"{c.__name__}-{k}" for c, _, k in BAD_PARAMS]
)
def test_param_errors_name_the_key(cls: type, raw: dict[str, str], key: str) -> None:
    with pytest.raises(ParamError) as err:
        parse_params(cls, raw)
    assert key in str(err.value)


PREFIXED = [
    # one of each kind of error: unknown key, wrong type, a value the struct refuses
    ("unknown", {"fats": "3"}, "fats"),
    ("type", {"fast": "three"}, "fast"),
    ("value", {"band": "-0.01"}, "band"),
]


@pytest.mark.parametrize(("raw", "key"), [c[1:] for c in PREFIXED], ids=[c[0] for c in PREFIXED])
def test_param_errors_name_the_key_with_its_prefix(raw: dict[str, str], key: str) -> None:
    """parse_params promises to name the bad key "(with prefix)", e.g. for /set commands."""
    with pytest.raises(ParamError) as err:
        parse_params(SmaCrossParams, raw, prefix="strategy.")
    assert f"strategy.{key}" in str(err.value)


def test_unknown_key_lists_the_known_ones() -> None:
    with pytest.raises(
        ParamError,
        match=r"unknown key 'strategy.fats' \(known: strategy.band, strategy.fast, strategy.slow\)",
    ):
        parse_params(SmaCrossParams, {"fats": "3"}, prefix="strategy.")
