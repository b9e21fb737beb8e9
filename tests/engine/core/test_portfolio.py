"""Portfolio accounting is exact: FIFO lots, realized P&L, fees, cash, equity, round trips."""

from __future__ import annotations

import itertools
from collections import deque
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.core.portfolio import Portfolio
from engine.model import Fill
from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model.events import RoundTripClosed
from tests.kit import builders as kit

BTC = Symbol("BTCUSDT")
ETH = Symbol("ETHUSDT")
# one tick x one lot = 0.01 x 0.001 = 1e-5 quote units = 10_000 nanos
BTC_INSTRUMENT = Instrument(
    symbol=BTC, price_increment=Decimal("0.01"), size_increment=Decimal("0.001")
)
# an odd money-per-tick-lot (3 nanos) so half-tick marks must round
ETH_INSTRUMENT = Instrument(
    symbol=ETH, price_increment=Decimal("0.03"), size_increment=Decimal("0.0000001")
)
MPL = 10_000
START = 1_000_000_000_000  # 1,000 quote units

_exec = itertools.count(1)


def fill(side: Side, qty: int, price: int, fee: int = 0, ts: int = 0, symbol: Symbol = BTC) -> Fill:
    n = next(_exec)
    return kit.fill(f"c{n}", side, qty, price, exec_id=f"e{n}", symbol=symbol, fee=fee, ts=ts)


def buy(qty: int, price: int, fee: int = 0, ts: int = 0, symbol: Symbol = BTC) -> Fill:
    return fill(Side.BUY, qty, price, fee, ts, symbol)


def sell(qty: int, price: int, fee: int = 0, ts: int = 0, symbol: Symbol = BTC) -> Fill:
    return fill(Side.SELL, qty, price, fee, ts, symbol)


def portfolio(cash: int = START) -> Portfolio:
    return Portfolio([BTC_INSTRUMENT, ETH_INSTRUMENT], cash)


def test_instruments_units() -> None:
    assert BTC_INSTRUMENT.money_per_tick_lot == MPL
    assert ETH_INSTRUMENT.money_per_tick_lot == 3


def test_a_fresh_portfolio_is_all_cash() -> None:
    p = portfolio()
    assert (p.cash, p.equity, p.high_water_mark, p.max_drawdown, p.drawdown) == (
        START,
        START,
        START,
        0,
        0,
    )
    assert (p.realized, p.unrealized, p.fees, p.day_pnl, p.gross_exposure) == (0, 0, 0, 0, 0)
    assert p.open_positions() == []
    assert [pos.symbol for pos in p.positions()] == [BTC, ETH]
    assert p.lots(BTC) == []
    assert p.avg_price(BTC) == 0.0


# -- long ---------------------------------------------------------------------------


def test_open_long_pays_notional_and_fee() -> None:
    p = portfolio()
    realized, trip = p.apply(buy(3, 1000, fee=50, ts=5))
    assert (realized, trip) == (0, None)
    assert p.cash == START - 3 * 1000 * MPL - 50
    assert p.position_qty(BTC) == 3
    assert p.avg_price(BTC) == 1000.0
    assert p.lots(BTC) == [(3, 1000)]
    # never marked: the position is valued at cost
    assert p.equity == START - 50
    assert p.unrealized == 0
    assert p.fees == 50
    assert p.last_ts == 5
    pos = p.position(BTC)
    assert (pos.qty, pos.avg_price, pos.realized_pnl, pos.unrealized_pnl, pos.fees) == (
        3,
        1000.0,
        0,
        0,
        50,
    )
    assert p.open_positions() == [pos]


def test_add_reduce_close_long_fifo() -> None:
    p = portfolio()
    p.apply(buy(3, 1000, fee=30, ts=1))
    p.apply(buy(2, 1010, fee=20, ts=2))
    assert p.lots(BTC) == [(3, 1000), (2, 1010)]
    assert p.avg_price(BTC) == pytest.approx(5020 / 5)

    realized, trip = p.apply(sell(4, 1020, fee=40, ts=3))
    # FIFO: 3 from the 1000 lot (+20 each), 1 from the 1010 lot (+10)
    assert realized == (3 * 20 + 1 * 10) * MPL
    assert trip is None
    assert p.lots(BTC) == [(1, 1010)]
    assert p.position_qty(BTC) == 1
    assert p.avg_price(BTC) == 1010.0

    realized, trip = p.apply(sell(1, 1005, fee=10, ts=4))
    assert realized == -5 * MPL
    assert p.position_qty(BTC) == 0
    assert p.lots(BTC) == []
    assert p.realized == 65 * MPL
    assert p.fees == 100
    assert p.cash == START + 65 * MPL - 100
    assert p.equity == p.cash
    assert trip == RoundTripClosed(
        ts=4,
        symbol=BTC,
        entry_ts=1,
        qty=5,
        entry_price=(3 * 1000 + 2 * 1010) / 5,
        exit_price=(4 * 1020 + 1005) / 5,
        pnl=65 * MPL - 100,
        fees=100,
        mae=0,
        mfe=0,
    )
    assert p.open_positions() == []


def test_add_reduce_close_short_fifo() -> None:
    p = portfolio()
    p.apply(sell(2, 500, fee=10, ts=1))
    p.apply(sell(2, 490, fee=10, ts=2))
    assert p.lots(BTC) == [(-2, 500), (-2, 490)]
    assert p.position_qty(BTC) == -4
    assert p.avg_price(BTC) == pytest.approx(495.0)
    assert p.cash == START + (1000 + 980) * MPL - 20

    realized, trip = p.apply(buy(3, 480, fee=10, ts=3))
    # short 2 @ 500 covered @ 480: +40; short 1 @ 490 covered @ 480: +10
    assert realized == 50 * MPL
    assert trip is None
    assert p.lots(BTC) == [(-1, 490)]

    realized, trip = p.apply(buy(1, 495, fee=10, ts=4))
    assert realized == -5 * MPL
    assert trip is not None
    assert (trip.qty, trip.entry_ts, trip.ts, trip.fees, trip.pnl) == (
        -4,
        1,
        4,
        40,
        45 * MPL - 40,
    )
    assert trip.entry_price == pytest.approx(495.0)
    assert trip.exit_price == pytest.approx((3 * 480 + 495) / 4)
    assert p.cash == START + 45 * MPL - 40
    assert p.equity == p.cash


def test_reverse_long_to_short_splits_the_fee_by_quantity() -> None:
    p = portfolio()
    p.apply(buy(2, 100, fee=4, ts=1))
    realized, trip = p.apply(sell(5, 110, fee=50, ts=2))
    assert realized == 2 * 10 * MPL
    assert p.position_qty(BTC) == -3
    assert p.lots(BTC) == [(-3, 110)]
    assert trip is not None
    # 2 of the 5 lots closed the long: 2/5 of the fee belongs to it
    assert (trip.qty, trip.fees, trip.pnl, trip.entry_ts, trip.ts) == (
        2,
        4 + 20,
        20 * MPL - 24,
        1,
        2,
    )
    assert (trip.entry_price, trip.exit_price) == (100.0, 110.0)
    _, trip2 = p.apply(buy(3, 105, fee=6, ts=3))
    assert trip2 is not None
    assert (trip2.qty, trip2.fees, trip2.pnl, trip2.entry_ts, trip2.ts) == (
        -3,
        30 + 6,
        15 * MPL - 36,
        2,
        3,
    )
    assert (trip2.entry_price, trip2.exit_price) == (110.0, 105.0)
    assert p.fees == 60
    assert p.realized == 35 * MPL


def test_reverse_short_to_long() -> None:
    p = portfolio()
    p.apply(sell(1, 200, ts=1))
    realized, trip = p.apply(buy(4, 190, fee=8, ts=2))
    assert realized == 10 * MPL
    assert p.lots(BTC) == [(3, 190)]
    assert trip is not None
    assert (trip.qty, trip.fees, trip.pnl) == (-1, 2, 10 * MPL - 2)


def test_reversing_fee_split_floors_into_the_closed_trip() -> None:
    p = portfolio()
    p.apply(buy(1, 100, ts=1))
    _, trip = p.apply(sell(3, 100, fee=7, ts=2))  # 7 * 1 // 3 = 2 closes, 5 opens
    assert trip is not None
    assert trip.fees == 2
    _, trip2 = p.apply(buy(2, 100, ts=3))
    assert trip2 is not None
    assert trip2.fees == 5
    assert trip.fees + trip2.fees == p.fees == 7


def test_rebates_are_negative_fees() -> None:
    p = portfolio()
    p.apply(buy(2, 100, fee=-3, ts=1))
    assert p.cash == START - 200 * MPL + 3
    assert p.fees == -3
    _, trip = p.apply(sell(2, 101, fee=-3, ts=2))
    assert trip is not None
    assert (trip.fees, trip.pnl) == (-6, 2 * MPL + 6)
    assert p.cash == START + 2 * MPL + 6
    assert p.position(BTC).fees == -6


def test_rebate_split_on_reversal_still_adds_up() -> None:
    p = portfolio()
    p.apply(buy(1, 100, ts=1))
    _, trip = p.apply(sell(3, 100, fee=-7, ts=2))  # -7 * 1 // 3 = -3
    assert trip is not None
    _, trip2 = p.apply(buy(2, 100, ts=3))
    assert trip2 is not None
    assert (trip.fees, trip2.fees) == (-3, -4)


def test_exact_nanos_with_large_numbers() -> None:
    p = Portfolio([BTC_INSTRUMENT], 0)
    price = 6_543_210_987  # 65 million quote units per unit: no float anywhere
    p.apply(buy(123_457, price, fee=987_654_321))
    p.apply(sell(123_457, price + 1, fee=1))
    assert p.realized == 123_457 * MPL
    assert p.cash == 123_457 * MPL - 987_654_322
    assert p.equity == p.cash


def test_two_symbols_are_independent() -> None:
    p = portfolio()
    p.apply(buy(2, 100, symbol=BTC))
    p.apply(sell(5, 40, symbol=ETH))
    assert (p.position_qty(BTC), p.position_qty(ETH)) == (2, -5)
    assert p.lots(ETH) == [(-5, 40)]
    p.apply(buy(5, 39, symbol=ETH))
    assert p.realized == 5 * 3
    assert p.position(BTC).realized_pnl == 0
    assert [pos.symbol for pos in p.open_positions()] == [BTC]


# -- marking --------------------------------------------------------------------------


def test_mark_to_market_at_the_mid() -> None:
    p = portfolio()
    p.apply(buy(3, 1000))
    p.mark(BTC, 2001)  # mid 1000.5
    assert p.position(BTC).mark2 == 2001
    assert p.unrealized == 3 * 2001 * MPL // 2 - 3 * 1000 * MPL == 15_000
    assert p.equity == START + 15_000
    assert p.gross_exposure == 3 * 2001 * MPL // 2
    assert p.position(BTC).unrealized_pnl == 15_000


def test_short_mark_with_half_tick_and_odd_money_unit_floors() -> None:
    p = portfolio()
    p.apply(sell(1, 1000, symbol=ETH))
    p.mark(ETH, 2001)  # value -1 * 2001 * 3 / 2 = -3001.5 nanos
    assert p.equity == START + 3 * 1000 - 3002
    assert p.unrealized == -2
    assert p.gross_exposure == 3002


def test_fills_after_a_mark_are_valued_at_that_mark() -> None:
    p = portfolio()
    p.mark(BTC, 199)  # flat: nothing to revalue
    assert p.equity == START
    p.apply(buy(1, 100))  # bought at the ask, marked at the mid 99.5
    assert p.equity == START - MPL // 2
    assert p.unrealized == -MPL // 2


def test_mark_while_flat_changes_nothing() -> None:
    p = portfolio()
    p.apply(buy(1, 100))
    p.apply(sell(1, 90))
    before = p.snapshot(1)
    p.mark(BTC, 400)
    assert p.snapshot(1) == before


def test_high_water_mark_and_drawdown() -> None:
    p = portfolio()
    p.apply(buy(10, 100))
    p.mark(BTC, 210)  # +50 ticks-lots
    assert p.high_water_mark == START + 50 * MPL
    assert (p.drawdown, p.max_drawdown) == (0, 0)
    p.mark(BTC, 190)  # -50
    assert p.drawdown == 100 * MPL
    assert p.max_drawdown == 100 * MPL
    p.mark(BTC, 204)  # +20
    assert p.drawdown == 30 * MPL
    assert p.max_drawdown == 100 * MPL
    p.apply(sell(10, 102, fee=MPL))  # locks in +20, pays a fee; at the mark -> flat
    assert p.equity == START + 19 * MPL
    assert p.high_water_mark == START + 50 * MPL
    assert p.max_drawdown == 100 * MPL
    snap = p.snapshot(9)
    assert (snap.ts, snap.cash, snap.equity, snap.drawdown, snap.high_water_mark) == (
        9,
        p.cash,
        p.equity,
        31 * MPL,
        START + 50 * MPL,
    )
    assert (snap.realized_pnl, snap.fees, snap.unrealized_pnl, snap.gross_exposure) == (
        20 * MPL,
        MPL,
        0,
        0,
    )


def test_fees_alone_make_drawdown() -> None:
    p = portfolio()
    p.apply(buy(1, 100, fee=7))
    assert (p.high_water_mark, p.max_drawdown, p.drawdown) == (START, 7, 7)


def test_day_pnl_counts_from_start_day() -> None:
    p = portfolio()
    p.apply(buy(2, 100, fee=5))
    p.mark(BTC, 204)
    assert p.day_pnl == 4 * MPL - 5
    p.start_day()
    assert p.day_start_equity == p.equity
    assert p.day_pnl == 0
    p.mark(BTC, 198)
    assert p.day_pnl == -6 * MPL
    p.apply(sell(2, 99, fee=5))
    assert p.day_pnl == -6 * MPL - 5


def test_round_trip_mae_and_mfe_come_from_marks() -> None:
    p = portfolio()
    p.apply(buy(1, 100, ts=1))
    p.mark(BTC, 196)  # 98: -2
    p.mark(BTC, 210)  # 105: +5
    p.mark(BTC, 194)  # 97: -3
    p.mark(BTC, 206)  # 103: +3
    _, trip = p.apply(sell(1, 103, ts=2))
    assert trip is not None
    assert (trip.mae, trip.mfe) == (-3 * MPL, 5 * MPL)
    # the next trip starts clean
    p.apply(sell(2, 103, ts=3))
    p.mark(BTC, 204)  # 102: short gains +2
    _, trip2 = p.apply(buy(2, 102, ts=4))
    assert trip2 is not None
    assert (trip2.mae, trip2.mfe, trip2.qty, trip2.entry_ts) == (0, 2 * MPL, -2, 3)


def test_round_trip_without_marks_has_zero_excursions() -> None:
    p = portfolio()
    p.apply(buy(1, 100))
    _, trip = p.apply(sell(1, 90))
    assert trip is not None
    assert (trip.mae, trip.mfe) == (0, 0)


def test_reversal_starts_the_new_trip_without_excursions() -> None:
    p = portfolio()
    p.apply(buy(1, 100, ts=1))
    p.mark(BTC, 180)  # -10
    _, trip = p.apply(sell(2, 100, ts=2))
    assert trip is not None
    assert trip.mae == -10 * MPL
    p.mark(BTC, 198)  # the short is at +1
    _, trip2 = p.apply(buy(1, 100, ts=3))
    assert trip2 is not None
    assert (trip2.mae, trip2.mfe, trip2.entry_ts) == (0, 1 * MPL, 2)


def test_round_trip_qty_is_the_largest_size_held() -> None:
    p = portfolio()
    p.apply(buy(1, 100))
    p.apply(buy(3, 100))
    p.apply(sell(2, 100))
    p.apply(buy(1, 100))
    _, trip = p.apply(sell(3, 100))
    assert trip is not None
    assert trip.qty == 4
    assert trip.entry_price == 100.0


# -- properties ------------------------------------------------------------------------

INSTRUMENTS = {BTC: BTC_INSTRUMENT, ETH: ETH_INSTRUMENT}

fill_ops = st.tuples(
    st.just("fill"),
    st.sampled_from([BTC, ETH]),
    st.sampled_from([Side.BUY, Side.SELL]),
    st.integers(1, 6),
    st.integers(90, 110),
    st.integers(-20, 60),
)
mark_ops = st.tuples(st.just("mark"), st.sampled_from([BTC, ETH]), st.integers(170, 230))
day_ops = st.tuples(st.just("day"))
op_lists = st.lists(st.one_of(fill_ops, fill_ops, mark_ops, day_ops), min_size=1, max_size=40)


class NaiveFifo:
    """One symbol, lot by lot: a list of (sign, price, fill index) units, oldest first."""

    def __init__(self) -> None:
        self.units: deque[tuple[int, int, int]] = deque()
        self.realized = 0  # tick-lots
        self.fees = 0

    def apply(self, sign: int, qty: int, price: int, index: int) -> int:
        realized = 0
        for _ in range(qty):
            if self.units and self.units[0][0] != sign:
                lot_sign, lot_price, _ = self.units.popleft()
                realized += (price - lot_price) * lot_sign
            else:
                self.units.append((sign, price, index))
        self.realized += realized
        return realized

    @property
    def qty(self) -> int:
        return sum(s for s, _, _ in self.units)

    @property
    def cost(self) -> int:
        return sum(s * p for s, p, _ in self.units)

    def lots(self) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for _, group in itertools.groupby(self.units, key=lambda u: u[2]):
            units = list(group)
            out.append((sum(u[0] for u in units), units[0][1]))
        return out


@settings(max_examples=200, deadline=None)
@given(ops=op_lists, start=st.integers(0, 10**12))
def test_accounting_invariants_hold_for_any_fills_and_marks(
    ops: list[tuple[object, ...]], start: int
) -> None:
    p = Portfolio(list(INSTRUMENTS.values()), start)
    ref = {s: NaiveFifo() for s in INSTRUMENTS}
    marks: dict[Symbol, int] = {}
    cash = start
    hwm = start
    max_dd = 0
    day_start = start
    trips: dict[Symbol, list[RoundTripClosed]] = {s: [] for s in INSTRUMENTS}
    peak_qty = dict.fromkeys(INSTRUMENTS, 0)
    last_hwm, last_max_dd = p.high_water_mark, p.max_drawdown

    for index, op in enumerate(ops):
        kind = op[0]
        if kind == "fill":
            _, sym, side, qty, price, fee = op
            assert isinstance(sym, str) and isinstance(side, Side)
            assert isinstance(qty, int) and isinstance(price, int) and isinstance(fee, int)
            book = ref[Symbol(sym)]
            mpl = INSTRUMENTS[Symbol(sym)].money_per_tick_lot
            old = book.qty
            realized, trip = p.apply(fill(side, qty, price, fee, ts=index, symbol=Symbol(sym)))
            expected_realized = book.apply(int(side), qty, price, index)
            book.fees += fee
            new = book.qty
            cash -= int(side) * qty * price * mpl + fee
            assert realized == expected_realized * mpl
            crossed = old != 0 and (new == 0 or (new > 0) != (old > 0))
            assert (trip is not None) == crossed
            if trip is not None:
                assert trip.symbol == sym
                assert trip.ts == index
                assert trip.qty == peak_qty[Symbol(sym)] * (1 if old > 0 else -1)
                assert trip.mae <= 0 <= trip.mfe
                assert trip.entry_ts <= trip.ts
                trips[Symbol(sym)].append(trip)
                peak_qty[Symbol(sym)] = 0
            peak_qty[Symbol(sym)] = max(peak_qty[Symbol(sym)], abs(new))
        elif kind == "mark":
            _, sym, mid2 = op
            assert isinstance(sym, str) and isinstance(mid2, int)
            p.mark(Symbol(sym), mid2)
            marks[Symbol(sym)] = mid2
        else:
            p.start_day()
            day_start = p.equity

        # positions and lots agree with the naive FIFO book
        value_total = 0
        unrealized = 0
        for sym, book in ref.items():
            mpl = INSTRUMENTS[sym].money_per_tick_lot
            assert p.position_qty(sym) == book.qty
            assert p.lots(sym) == book.lots()
            assert sum(q for q, _ in p.lots(sym)) == p.position_qty(sym)
            assert len({q > 0 for q, _ in p.lots(sym)}) <= 1
            value = book.qty * marks[sym] * mpl // 2 if sym in marks else book.cost * mpl
            value_total += value
            unrealized += value - book.cost * mpl
            pos = p.position(sym)
            assert pos.realized_pnl == book.realized * mpl
            assert pos.fees == book.fees
            assert pos.unrealized_pnl == value - book.cost * mpl
            if book.qty:
                assert pos.avg_price == pytest.approx(book.cost / book.qty)
            else:
                # flat: every round trip is closed, and together they are the whole story
                assert sum(t.pnl for t in trips[sym]) == book.realized * mpl - book.fees
                assert sum(t.fees for t in trips[sym]) == book.fees

        realized_total = sum(b.realized * INSTRUMENTS[s].money_per_tick_lot for s, b in ref.items())
        fees_total = sum(b.fees for b in ref.values())
        assert p.cash == cash
        assert p.realized == realized_total
        assert p.fees == fees_total
        assert p.equity == cash + value_total
        assert p.unrealized == unrealized
        assert p.day_pnl == p.equity - day_start
        # without any mark, equity is start + realized - fees
        if not marks:
            assert p.equity == start + realized_total - fees_total

        # the high-water mark is the best equity seen; max drawdown the deepest fall from it
        hwm = max(hwm, p.equity)
        max_dd = max(max_dd, hwm - p.equity)
        assert p.high_water_mark == hwm
        assert p.max_drawdown == max_dd
        assert p.max_drawdown >= 0
        assert p.max_drawdown >= p.high_water_mark - p.equity == p.drawdown
        assert p.high_water_mark >= last_hwm and p.max_drawdown >= last_max_dd
        last_hwm, last_max_dd = p.high_water_mark, p.max_drawdown


@settings(max_examples=200, deadline=None)
@given(
    fills=st.lists(
        st.tuples(st.sampled_from([Side.BUY, Side.SELL]), st.integers(1, 5), st.integers(1, 200)),
        min_size=1,
        max_size=30,
    )
)
def test_closing_everything_realizes_total_sell_minus_buy_notional(
    fills: list[tuple[Side, int, int]],
) -> None:
    p = portfolio(0)
    for side, qty, price in fills:
        p.apply(fill(side, qty, price))
    pos = p.position_qty(BTC)
    if pos:
        p.apply(fill(Side.SELL if pos > 0 else Side.BUY, abs(pos), 100))
    # flat: realized P&L is the cash that came back, whatever the lot order
    assert p.position_qty(BTC) == 0
    assert p.realized == p.cash == p.equity
