"""Hypothesis: random order flow and market data never break the order lifecycle."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import LiquiditySide
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import TimeInForce
from engine.paper import PaperConfig
from engine.paper import PaperVenue
from engine.paper import quote_crosses
from tests.engine.paper.stubs import INSTRUMENT
from tests.engine.paper.stubs import SYM
from tests.engine.paper.stubs import StubDepth
from tests.engine.paper.stubs import StubView
from tests.engine.paper.stubs import order

sides = st.sampled_from([Side.BUY, Side.SELL])
submits = st.tuples(
    st.just("submit"),
    sides,
    st.sampled_from(list(OrderType)),
    st.sampled_from(list(TimeInForce)),
    st.integers(-1, 20),  # qty, a few invalid
    st.integers(94, 106),  # limit price
)
limits = st.tuples(  # orders that can rest, near the touch
    st.just("submit"),
    sides,
    st.sampled_from([OrderType.LIMIT, OrderType.POST_ONLY]),
    st.sampled_from([TimeInForce.GTC, TimeInForce.DAY]),
    st.integers(1, 8),
    st.integers(96, 104),
)
cancels = st.tuples(st.just("cancel"), st.integers(0, 4))  # n-th latest order
quotes = st.tuples(
    st.just("quote"),
    st.integers(97, 103),  # bid
    st.integers(1, 3),  # spread
    st.integers(0, 6),  # bid size
    st.integers(0, 6),  # ask size
    st.booleans(),  # with depth
)
trades = st.tuples(st.just("trade"), st.integers(96, 104), st.integers(0, 6), sides)
expiries = st.tuples(st.just("expire_day"))
actions = st.lists(
    st.tuples(
        st.integers(0, 8),  # time step
        st.integers(0, 30).flatmap(  # the end of a day is rare
            lambda k: expiries if k == 0 else st.one_of(submits, limits, cancels, quotes, trades)
        ),
    ),
    min_size=10,
    max_size=60,
)
configs = st.builds(
    PaperConfig,
    slippage_ticks=st.integers(0, 2),
    overflow=st.sampled_from(["walk", "partial"]),
    fill_on_touch=st.booleans(),
    latency_in_ns=st.integers(0, 10),
    latency_out_ns=st.integers(0, 10),
)


def run(config: PaperConfig, script: list[tuple[int, tuple[Any, ...]]]) -> tuple[Any, ...]:
    venue = PaperVenue([INSTRUMENT], config)
    view = StubView(99, 100)
    venue.attach(SYM, view)
    now = 0
    submitted: dict[ClientOrderId, Any] = {}
    delivered: list[tuple[int, ExecutionReport]] = []

    def collect() -> None:
        delivered.extend((now, r) for r in venue.advance(now))

    for dt, action in script:
        now += dt
        kind = action[0]
        if kind == "submit":
            _, side, order_type, tif, qty, price = action
            o = order(f"o{len(submitted)}", side, qty, order_type, tif, price)
            submitted[o.client_order_id] = o
            venue.submit(o, now)
        elif kind == "cancel":
            venue.cancel(ClientOrderId(f"o{len(submitted) - 1 - action[1]}"), now)
        elif kind == "quote":
            _, bid, spread, bid_size, ask_size, depth = action
            collect()  # arrivals due by now see the previous view
            view.set(bid, bid + spread, bid_size, ask_size)
            view.book = (
                StubDepth(
                    [(bid - i, 1 + (bid_size + i) % 4) for i in range(3)],
                    [(bid + spread + i, 1 + (ask_size + i) % 4) for i in range(3)],
                )
                if depth
                else None
            )
            venue.on_quote(SYM, now)
            for w in venue.working_orders():  # nothing left resting that the quote crosses
                assert not quote_crosses(view, w.side, w.price, config.fill_on_touch), w
        elif kind == "trade":
            _, price, size, aggressor = action
            collect()
            venue.on_trade(SYM, price, size, aggressor, now)
            for w in venue.working_orders():  # nothing left resting that the print went through
                assert (price - w.price) * w.side >= 0, w
        else:
            venue.expire_day(now)
        collect()
    now += 1_000
    collect()
    assert venue.next_due() is None
    return venue, submitted, delivered, config.latency_out_ns


TERMINAL = {ReportKind.REJECTED, ReportKind.CANCELLED, ReportKind.EXPIRED}


@settings(max_examples=150, deadline=None)
@given(configs, actions)
def test_order_lifecycle_invariants(
    config: PaperConfig, script: list[tuple[int, tuple[Any, ...]]]
) -> None:
    venue, submitted, delivered, latency_out = run(config, script)
    filled: dict[ClientOrderId, int] = {}
    terminal: dict[ClientOrderId, int] = {}
    accepted: set[ClientOrderId] = set()
    last_ts = -1
    for delivered_at, r in delivered:
        assert r.ts + latency_out <= delivered_at
        assert r.ts >= last_ts  # constant latency keeps event order
        last_ts = r.ts
        coid = r.client_order_id
        if r.kind is ReportKind.CANCEL_REJECTED:
            continue
        o = submitted[coid]
        if r.kind is ReportKind.ACCEPTED:
            assert coid not in accepted and coid not in terminal
            accepted.add(coid)
            continue
        assert coid not in terminal, f"{r} after a terminal report"
        if r.kind is ReportKind.FILL:
            assert coid in accepted
            assert r.last_qty > 0 and r.last_price > 0
            filled[coid] = filled.get(coid, 0) + r.last_qty
            assert r.cum_qty == filled[coid] <= o.qty
            if o.order_type is not OrderType.MARKET:
                if r.liquidity is LiquiditySide.MAKER:
                    assert r.last_price == o.price
                else:
                    assert (r.last_price - o.price) * o.side <= 0  # never worse than the limit
            if r.cum_qty == o.qty:
                terminal[coid] = 1
        else:
            assert r.kind in TERMINAL
            assert r.kind is ReportKind.REJECTED or coid in accepted
            terminal[coid] = 1
    working = {o.client_order_id for o in venue.working_orders()}
    for coid in submitted:
        assert (coid in terminal) != (coid in working), coid
    assert venue.counters.filled_lots == sum(filled.values())


@settings(max_examples=30, deadline=None)
@given(configs, actions)
def test_runs_are_deterministic(
    config: PaperConfig, script: list[tuple[int, tuple[Any, ...]]]
) -> None:
    assert run(config, script)[2] == run(config, script)[2]
