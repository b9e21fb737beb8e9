"""Incremental indicators agree with naive recomputation over random streams."""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Callable
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.core.book import Book
from engine.core.indicators import ATR
from engine.core.indicators import EMA
from engine.core.indicators import SMA
from engine.core.indicators import VWAP
from engine.core.indicators import BookImbalance
from engine.core.indicators import Indicator
from engine.core.indicators import OrderFlowImbalance
from engine.core.indicators import RollingStd
from engine.core.indicators import RollingVWAP
from engine.core.indicators import TradeFlowImbalance
from engine.core.indicators import ZScore
from engine.core.market_state import MarketState
from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol

T = TypeVar("T")
BTC = 600_000  # a BTC price in ticks
INSTRUMENT = Instrument(
    symbol=Symbol("BTCUSDT"), price_increment=Decimal("0.1"), size_increment=Decimal("0.001")
)
windows = st.integers(min_value=1, max_value=40)
btc_ints = st.integers(min_value=BTC - 3_000, max_value=BTC + 3_000)
wide_ints = st.integers(min_value=-(10**9), max_value=10**9)
int_values = st.one_of(btc_ints, wide_ints)
float_values = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.floats(min_value=BTC - 5.0, max_value=BTC + 5.0),
).map(lambda v: 0.0 if abs(v) < 1e-30 else v)  # squares of ~1e-160 underflow to 0
int_streams = st.lists(int_values, min_size=1, max_size=150) | st.lists(
    btc_ints, min_size=1, max_size=150
)
float_streams = st.lists(float_values, min_size=1, max_size=150)


def window(xs: Sequence[T], t: int, n: int) -> list[T]:
    """The last ``n`` values up to and including index ``t``."""
    return list(xs[max(0, t - n + 1) : t + 1])


def btc_walk(steps: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    p, out = BTC, []
    for _ in range(steps):
        p += rng.choice((-2, -1, -1, 0, 0, 0, 1, 1, 2))
        out.append(p)
    return out


def close(a: float, b: float, scale: float = 0.0) -> bool:
    """Within 1e-9 relative, or a few ulps of the values' magnitude ``scale``."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-14 * scale)


def test_every_indicator_satisfies_the_protocol() -> None:
    built: list[Indicator] = [
        SMA(3),
        EMA(3),
        RollingStd(3),
        ZScore(3),
        VWAP(),
        RollingVWAP(10),
        ATR(3),
        OrderFlowImbalance(3),
        BookImbalance(3),
        TradeFlowImbalance(3),
    ]
    for ind in built:
        assert ind.value == 0
        assert ind.ready is False
        assert not hasattr(ind, "__dict__"), f"{type(ind).__name__} is not slotted"


@pytest.mark.parametrize(
    "make",
    [
        lambda: SMA(0),
        lambda: EMA(0),
        EMA,
        lambda: EMA(3, alpha=0.5),
        lambda: EMA(alpha=0.0),
        lambda: EMA(alpha=1.5),
        lambda: EMA(3, warmup=0),
        lambda: RollingStd(0),
        lambda: RollingStd(3, ddof=2),
        lambda: ZScore(0),
        lambda: VWAP(-1),
        lambda: RollingVWAP(0),
        lambda: ATR(0),
        lambda: OrderFlowImbalance(0),
        lambda: BookImbalance(0),
        lambda: TradeFlowImbalance(0),
    ],
)
def test_bad_parameters_are_refused(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        make()


# SMA


@given(windows, int_streams)
def test_sma_of_ints_is_exact(n: int, xs: list[int]) -> None:
    sma = SMA(n)
    for t, x in enumerate(xs):
        got = sma.update(x)
        w = window(xs, t, n)
        assert type(sma.sum) is int
        assert sma.sum == sum(w)
        assert got == sma.value == sum(w) / len(w)
        assert sma.count == len(w)
        assert sma.ready is (t + 1 >= n)


@given(windows, float_streams)
def test_sma_of_floats_matches_naive(n: int, xs: list[float]) -> None:
    sma = SMA(n)
    for t, x in enumerate(xs):
        sma.update(x)
        w = window(xs, t, n)
        # the running sum is resynced every n updates, so its rounding error is
        # relative to what passed through it since: up to 2n values
        scale = max(abs(v) for v in window(xs, t, 2 * n)) * n
        assert close(sma.value, math.fsum(w) / len(w), scale)


def test_sma_sum_stays_exact_over_a_long_btc_stream() -> None:
    xs = btc_walk(200_000, seed=1)
    sma = SMA(1_000)
    for x in xs:
        sma.update(x)
    assert sma.sum == sum(xs[-1_000:])
    assert sma.value == sum(xs[-1_000:]) / 1_000


def test_sma_float_sum_is_resynced_so_it_does_not_drift() -> None:
    rng = random.Random(2)
    xs = [BTC + rng.uniform(-50, 50) for _ in range(100_000)]
    sma = SMA(64)
    for x in xs:
        sma.update(x)
    assert abs(sma.sum - math.fsum(xs[-64:])) <= 64 * 64 * math.ulp(64 * BTC)


def test_sma_window_evicts_and_reset_forgets() -> None:
    sma = SMA(3)
    assert [sma.update(x) for x in (3, 6, 9, 12)] == [3.0, 4.5, 6.0, 9.0]
    assert sma.ready and sma.sum == 27
    sma.reset()
    assert (sma.value, sma.sum, sma.ready, sma.count) == (0.0, 0, False, 0)
    assert [sma.update(x) for x in (1, 2)] == [1.0, 1.5]
    assert not sma.ready


# EMA


def naive_ema(xs: Sequence[float], alpha: float, warmup: int) -> list[float]:
    out: list[float] = []
    for t, x in enumerate(xs):
        if t < warmup:
            out.append(sum(xs[: t + 1]) / (t + 1))
        else:
            out.append(out[-1] + alpha * (x - out[-1]))
    return out


@given(windows, st.one_of(int_streams, float_streams))
def test_ema_matches_naive(n: int, xs: list[float]) -> None:
    ema = EMA(n)
    assert ema.alpha == 2 / (n + 1)
    for t, (x, ref) in enumerate(zip(xs, naive_ema(xs, 2 / (n + 1), n), strict=True)):
        assert close(ema.update(x), ref, max(abs(v) for v in xs[: t + 1]))
        assert ema.ready is (t + 1 >= n)


@given(st.floats(min_value=0.01, max_value=1.0), st.lists(btc_ints, min_size=1, max_size=60))
def test_ema_from_alpha_warms_up_over_the_equivalent_span(alpha: float, xs: list[int]) -> None:
    ema = EMA(alpha=alpha)
    warmup = max(1, round(2 / alpha - 1))
    assert ema.warmup == warmup
    for x, ref in zip(xs, naive_ema(xs, alpha, warmup), strict=True):
        assert close(ema.update(x), ref, BTC)


def test_ema_seed_is_the_sma_of_the_first_n_then_it_recurses() -> None:
    ema = EMA(3)
    assert [ema.update(x) for x in (1, 2, 6)] == [1.0, 1.5, 3.0]
    assert ema.ready
    assert ema.update(7) == 3.0 + 0.5 * (7 - 3.0)
    ema.reset()
    assert (ema.value, ema.ready) == (0.0, False)
    assert ema.update(10) == 10.0
    assert EMA(alpha=0.5, warmup=1).update(4) == 4.0


# RollingStd / ZScore


def naive_std(w: Sequence[float], ddof: int) -> float:
    if len(w) - ddof <= 0:
        return 0.0
    return statistics.pstdev(w) if ddof == 0 else statistics.stdev(w)


@given(windows, st.sampled_from([0, 1]), int_streams)
def test_rolling_std_of_ints_is_correctly_rounded(n: int, ddof: int, xs: list[int]) -> None:
    rs = RollingStd(n, ddof=ddof)
    for t, x in enumerate(xs):
        got = rs.update(x)
        w = window(xs, t, n)
        assert math.isclose(got, naive_std(w, ddof), rel_tol=4e-16), (got, naive_std(w, ddof))
        assert rs.value == got
        assert rs.mean == pytest.approx(statistics.fmean(w), rel=1e-15, abs=1e-300)
        assert rs.ready is (t + 1 >= n)


@given(windows, st.sampled_from([0, 1]), float_streams)
def test_rolling_std_of_floats_matches_naive(n: int, ddof: int, xs: list[float]) -> None:
    rs = RollingStd(n, ddof=ddof)
    for t, x in enumerate(xs):
        w = window(xs, t, n)
        scale = max(abs(v) for v in w)
        assert close(rs.update(x), naive_std(w, ddof), scale)
        assert close(rs.mean, statistics.fmean(w), scale)


@settings(deadline=None)  # a naive std per step: slow on a busy machine, not wrong
@given(
    st.integers(min_value=2, max_value=30),
    st.lists(st.tuples(float_values, st.integers(1, 40)), min_size=1, max_size=6),
    st.floats(min_value=1e-6, max_value=10.0),
)
def test_rolling_std_survives_level_jumps_with_tiny_noise(
    n: int, regimes: list[tuple[float, int]], noise: float
) -> None:
    """A pivot left behind by a jump would lose every digit; it must be moved."""
    rng = random.Random(n)
    rs = RollingStd(n)
    xs: list[float] = []
    for level, length in regimes:
        for _ in range(length):
            xs.append(level + rng.uniform(-noise, noise))
            rs.update(xs[-1])
            w = xs[-n:]
            assert close(rs.value, naive_std(w, 0), max(abs(v) for v in w))


@pytest.mark.parametrize("kind", ["int", "float"])
def test_rolling_std_does_not_drift_over_a_long_btc_stream(kind: str) -> None:
    n = 50
    walk = btc_walk(200_000, seed=3)
    rng = random.Random(4)
    xs: list[float] = list(walk) if kind == "int" else [p + rng.random() for p in walk]
    rs = RollingStd(n)
    for t, x in enumerate(xs):
        rs.update(x)
        if t % 997 == 0 or t == len(xs) - 1:
            w = window(xs, t, n)
            assert math.isclose(rs.value, statistics.pstdev(w), rel_tol=1e-9)


def test_rolling_std_of_a_flat_window_is_exactly_zero() -> None:
    for flat in (BTC, 0.1, BTC + 0.3):
        rs = RollingStd(4)
        for x in (flat - 7, flat + 7, flat, flat, flat, flat, flat):
            rs.update(x)
        assert rs.value == 0.0
        assert rs.mean == flat


@given(windows, st.one_of(int_streams, float_streams))
def test_zscore_matches_naive(n: int, xs: list[float]) -> None:
    z = ZScore(n)
    for t, x in enumerate(xs):
        got = z.update(x)
        w = window(xs, t, n)
        sd = statistics.pstdev(w)
        if sd == 0:
            assert got == 0.0
            continue
        exact = float((Fraction(x) - sum(map(Fraction, w)) / len(w)) / Fraction(sd))
        scale = max(abs(v) for v in w)
        assert math.isclose(got, exact, rel_tol=1e-9, abs_tol=1e-14 * scale / sd)
        assert z.std == pytest.approx(sd, rel=1e-9, abs=1e-14 * scale)
        assert z.ready is (t + 1 >= n)


def test_zscore_of_ints_near_btc_is_accurate_to_the_last_digits() -> None:
    z = ZScore(3)
    for x in (BTC, BTC + 1, BTC + 2):
        z.update(x)
    assert z.value == pytest.approx(math.sqrt(1.5), rel=1e-15)
    assert z.mean == BTC + 1
    z.reset()
    assert (z.value, z.ready, z.update(BTC)) == (0.0, False, 0.0)


# VWAP


trades = st.lists(
    st.tuples(st.integers(0, 5 * 10**9), btc_ints, st.integers(0, 50)), min_size=1, max_size=80
)


@given(trades, st.sampled_from([0, 10**9, 3 * 10**9]))
def test_session_vwap_matches_naive(raw: list[tuple[int, int, int]], session_ns: int) -> None:
    ts_sorted = sorted(t for t, _, _ in raw)
    stream = [(ts, p, q) for ts, (_, p, q) in zip(ts_sorted, raw, strict=True)]
    vwap = VWAP(session_ns)
    for t, (ts, _, _) in enumerate(stream):
        got = vwap.update(*stream[t])
        now = ts // session_ns if session_ns else 0
        same = [
            (p, q) for s, p, q in stream[: t + 1] if (s // session_ns if session_ns else 0) == now
        ]
        v = sum(q for _, q in same)
        assert vwap.volume == v
        assert vwap.pv == sum(p * q for p, q in same)
        assert got == vwap.value == (sum(p * q for p, q in same) / v if v else 0.0)
        assert vwap.ready is (v > 0)


def test_session_vwap_resets_at_the_boundary_and_on_request() -> None:
    day = 86_400 * 10**9
    vwap = VWAP(day, offset_ns=3_600 * 10**9)
    assert vwap.update(day + 3_600 * 10**9 - 1, 100, 1) == 100.0
    assert vwap.update(day + 3_600 * 10**9, 200, 3) == 200.0  # a new session at 01:00
    assert vwap.update(day + 3_600 * 10**9 + 5, 100, 1) == 175.0
    assert vwap.session == 1
    vwap.reset()
    assert (vwap.value, vwap.ready, vwap.volume, vwap.pv) == (0.0, False, 0, 0)
    assert VWAP().update(10**18, 5, 2) == 5.0  # no sessions: never resets itself


@given(
    st.integers(1, 3 * 10**9),
    st.lists(
        st.tuples(st.integers(0, 10**9), btc_ints, st.integers(0, 50), st.booleans()),
        min_size=1,
        max_size=120,
    ),
    st.integers(1, 8),
)
def test_rolling_vwap_matches_naive(
    window_ns: int, steps: list[tuple[int, int, int, bool]], capacity: int
) -> None:
    rv = RollingVWAP(window_ns, capacity=capacity)
    ts, seen = 0, []
    for gap, price, size, is_trade in steps:
        ts += gap
        if is_trade:
            seen.append((ts, price, size))
            got = rv.update(ts, price, size)
        else:
            got = rv.expire(ts)
        live = [(p, q) for s, p, q in seen if s > ts - window_ns]
        v = sum(q for _, q in live)
        assert len(rv) == len(live)
        assert (rv.volume, rv.pv) == (v, sum(p * q for p, q in live))
        assert got == rv.value == (sum(p * q for p, q in live) / v if v else 0.0)
        assert rv.ready is (v > 0)


def test_rolling_vwap_window_edges_backwards_time_and_reset() -> None:
    rv = RollingVWAP(10)
    rv.update(0, 100, 1)
    rv.update(5, 200, 1)
    assert rv.value == 150.0
    assert rv.update(10, 300, 2) == 800 / 3  # ts 0 is at now - window: out
    assert rv.expire(15) == 300.0
    assert rv.expire(20) == 0.0 and not rv.ready and len(rv) == 0
    with pytest.raises(ValueError, match="backwards"):
        rv.update(19, 1, 1)
    rv.reset()
    assert rv.update(1, 7, 1) == 7.0


# ATR


def naive_atr(bars: list[tuple[int, int, int]], n: int) -> list[float]:
    trs = [bars[0][0] - bars[0][1]]
    for (h, lo, _), (_, _, pc) in zip(bars[1:], bars, strict=False):
        trs.append(max(h - lo, abs(h - pc), abs(lo - pc)))
    out: list[float] = []
    for t, tr in enumerate(trs):
        out.append(sum(trs[: t + 1]) / (t + 1) if t < n else (out[-1] * (n - 1) + tr) / n)
    return out


bars = st.lists(
    st.tuples(btc_ints, st.integers(0, 400), st.integers(0, 400)).map(
        lambda b: (b[0] + b[1], b[0], b[0] + min(b[1], b[2]))
    ),
    min_size=1,
    max_size=100,
)


@given(windows, bars)
def test_atr_matches_naive_wilder(n: int, bs: list[tuple[int, int, int]]) -> None:
    atr = ATR(n)
    for t, (bar, ref) in enumerate(zip(bs, naive_atr(bs, n), strict=True)):
        assert math.isclose(atr.update(*bar), ref, rel_tol=1e-12)
        assert atr.ready is (t + 1 >= n)


def test_atr_true_range_uses_the_previous_close() -> None:
    atr = ATR(2)
    assert atr.update(110, 100, 105) == 10.0
    assert atr.update(130, 120, 125) == 17.5 and atr.tr == 25  # gap up: 130 - 105
    assert atr.ready
    assert atr.update(110, 100, 100) == (17.5 + 25) / 2  # gap down: 125 - 100
    atr.reset()
    assert (atr.value, atr.ready, atr.tr) == (0.0, False, 0)
    from engine.model import Bar

    assert atr.update_bar(Bar(Symbol("X"), 0, 1, 9, 4, 5, 1)) == 5.0


# Order-flow imbalance


def ofi_event(prev: tuple[int, int, int, int], cur: tuple[int, int, int, int]) -> int:
    """Cont, Kukanov & Stoikov (2014), eq. (2), written out case by case."""
    pb, pqb, pa, pqa = prev
    b, qb, a, qa = cur
    bid_part = qb if b > pb else (qb - pqb if b == pb else -pqb)
    ask_part = qa if a < pa else (qa - pqa if a == pa else -pqa)
    return bid_part - ask_part


quotes = st.lists(
    st.tuples(
        st.integers(BTC - 3, BTC + 3), st.integers(0, 30), st.integers(1, 4), st.integers(0, 30)
    ).map(lambda q: (q[0], q[1], q[0] + q[2], q[3])),
    min_size=1,
    max_size=120,
)


@given(windows, quotes)
def test_ofi_matches_the_paper_over_a_rolling_window(
    n: int, qs: list[tuple[int, int, int, int]]
) -> None:
    ofi = OrderFlowImbalance(n)
    events = [ofi_event(p, c) for p, c in itertools.pairwise(qs)]
    assert ofi.update(*qs[0]) == 0 and not ofi.ready
    for t, q in enumerate(qs[1:]):
        assert ofi.update(*q) == sum(window(events, t, n))
        assert ofi.last == events[t]
        assert ofi.ready is (t + 1 >= n)


def test_ofi_cases_and_market_state_feed() -> None:
    ofi = OrderFlowImbalance(10)
    ofi.update(100, 5, 101, 7)
    assert ofi.update(100, 8, 101, 7) == 3  # bid size grew
    assert ofi.update(101, 2, 102, 7) == 3 + 2 + 7  # bid up, ask moved away
    assert ofi.update(100, 4, 101, 6) == 12 - 2 - 6  # bid down, ask down
    ofi.reset()
    assert (ofi.value, ofi.last, ofi.ready) == (0, 0, False)
    state = MarketState(INSTRUMENT)
    state.update_quote(1, 100, 5, 101, 7)
    ofi.update_state(state)
    state.update_quote(2, 100, 1, 101, 7)
    assert ofi.update_state(state) == -4


# Trade-flow imbalance


@given(windows, st.lists(st.tuples(st.integers(0, 100), st.sampled_from(Side)), max_size=100))
def test_trade_flow_matches_naive(n: int, ts: list[tuple[int, Side]]) -> None:
    tfi = TradeFlowImbalance(n)
    for t, (size, side) in enumerate(ts):
        got = tfi.update(size, side)
        w = window(ts, t, n)
        signed = sum(q * int(s) for q, s in w)
        vol = sum(q for q, _ in w)
        assert got == tfi.value == signed
        assert tfi.volume == vol
        assert tfi.ratio == (signed / vol if vol else 0.0)
        assert -1.0 <= tfi.ratio <= 1.0
        assert tfi.ready is (t + 1 >= n)
    tfi.reset()
    assert (tfi.value, tfi.volume, tfi.ready, tfi.ratio) == (0, 0, False, 0.0)


# Book imbalance


def make_book(bids: dict[int, int], asks: dict[int, int]) -> Book:
    book = Book()
    book.apply(
        BookUpdate(
            Symbol("BTCUSDT"),
            0,
            tuple(BookLevel(p, s) for p, s in bids.items()),
            tuple(BookLevel(p, s) for p, s in asks.items()),
            is_snapshot=True,
        )
    )
    return book


side_levels = st.dictionaries(st.integers(1, 500), st.integers(0, 1_000), max_size=25)


@given(st.integers(1, 30), side_levels, side_levels)
def test_book_imbalance_matches_naive(
    levels: int, bids: dict[int, int], asks: dict[int, int]
) -> None:
    asks = {p + 500: s for p, s in asks.items()}
    book = make_book(bids, asks)
    b = sum(s for _, s in book.bids(levels))
    a = sum(s for _, s in book.asks(levels))
    bi = BookImbalance(levels)
    got = bi.update(book)
    assert (bi.bid_depth, bi.ask_depth) == (b, a)
    assert got == bi.value == ((b - a) / (b + a) if b + a else 0.0)
    assert -1.0 <= got <= 1.0
    assert bi.ready is (b + a > 0)


def test_book_imbalance_from_market_state_prefers_the_book() -> None:
    state = MarketState(INSTRUMENT)
    state.update_quote(1, 100, 3, 101, 1)
    bi = BookImbalance(2)
    assert bi.update_state(state) == 0.5  # no book: top of book
    state.book = make_book({100: 1, 99: 1, 98: 50}, {101: 3, 102: 5})
    assert bi.update_state(state) == (2 - 8) / 10  # level 98 is beyond the top 2
    assert bi.update_top(0, 0) == 0.0 and not bi.ready
    bi.update_top(1, 0)
    bi.reset()
    assert (bi.value, bi.ready, bi.bid_depth, bi.ask_depth) == (0.0, False, 0, 0)


# Reset is a fresh start

Windowed = SMA | EMA | RollingStd | ZScore | ATR | TradeFlowImbalance


@settings(max_examples=30)
@given(st.lists(btc_ints, min_size=1, max_size=40), st.lists(btc_ints, min_size=1, max_size=40))
def test_reset_then_replay_equals_a_fresh_instance(before: list[int], after: list[int]) -> None:
    def runs(ind: Windowed) -> list[float]:
        out: list[float] = []
        for x in after:
            if isinstance(ind, ATR):
                out.append(ind.update(x + 5, x - 5, x))
            elif isinstance(ind, TradeFlowImbalance):
                out.append(ind.update(x % 97, Side.BUY if x % 2 else Side.SELL))
            else:
                out.append(ind.update(x))
        return out

    makers: list[Callable[[], Windowed]] = [
        lambda: SMA(7),
        lambda: EMA(7),
        lambda: RollingStd(7),
        lambda: ZScore(7),
        lambda: ATR(7),
        lambda: TradeFlowImbalance(7),
    ]
    for make in makers:
        used = make()
        for x in before:
            if isinstance(used, ATR):
                used.update(x + 1, x - 1, x)
            elif isinstance(used, TradeFlowImbalance):
                used.update(x % 13, Side.SELL)
            else:
                used.update(x + 0.5)  # leave float state behind too
        used.reset()
        assert runs(used) == runs(make())
