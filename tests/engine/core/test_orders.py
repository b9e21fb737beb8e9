"""The order manager follows its transition table; duplicates are idempotent, errors inert."""

from __future__ import annotations

import itertools
from collections import Counter

import msgspec
import pytest
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule

from engine.core.orders import FILLABLE
from engine.core.orders import NOT_AT_VENUE
from engine.core.orders import TRANSITIONS
from engine.core.orders import OrderManager
from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import ExecutionReport
from engine.model import Fill
from engine.model import IdFactory
from engine.model import LiquiditySide
from engine.model import OrderIntent
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model.events import EngineEvent
from engine.model.events import OrderError
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated

S = OrderStatus
K = ReportKind
SYM = Symbol("BTCUSDT")
NON_FILL_KINDS = [k for k in K if k is not K.FILL]
TERMINAL = [s for s in S if s.is_terminal]
NON_TERMINAL = [s for s in S if not s.is_terminal]
LATE_BENIGN = {K.ACCEPTED, K.CANCEL_REJECTED, K.CANCEL_REQUESTED, K.SUBMIT_AMBIGUOUS}
SAME_TERMINAL = {S.CANCELLED: K.CANCELLED, S.REJECTED: K.REJECTED, S.EXPIRED: K.EXPIRED}

# The pairs a non-terminal order can never take: the table leaves them out on purpose.
IMPOSSIBLE = {
    (S.UNKNOWN, K.SUBMIT_AMBIGUOUS),
    (S.PARTIALLY_FILLED, K.REJECTED),
}

# A submit that timed out (REST) after the stream already acknowledged the order:
# a late duplicate that changes nothing, not an error.
LATE_AMBIGUOUS = {
    (S.ACCEPTED, K.SUBMIT_AMBIGUOUS),
    (S.PARTIALLY_FILLED, K.SUBMIT_AMBIGUOUS),
    (S.CANCEL_PENDING, K.SUBMIT_AMBIGUOUS),
}


def intent(qty: int = 5, side: Side = Side.BUY) -> OrderIntent:
    return OrderIntent(SYM, side, qty, OrderType.LIMIT, TimeInForce.GTC, 100, reason="test")


class Harness:
    """One manager, its event list, and one order (qty 5 by default) to push around."""

    def __init__(self, qty: int = 5, side: Side = Side.BUY) -> None:
        self.events: list[EngineEvent] = []
        self.om = OrderManager(IdFactory("t"), self.events)
        self.cid = self.om.create(intent(qty, side), ts=0).client_order_id
        self._exec = itertools.count(1)
        self._ts = itertools.count(1)

    def report(self, kind: K, **kw: object) -> Fill | None:
        cid = kw.pop("cid", self.cid)
        return self.om.on_report(ExecutionReport(cid, kind, next(self._ts), **kw))  # type: ignore[arg-type]

    def reports(self, *kinds: K) -> None:
        """Report ``kinds`` one after the other, as the venue would."""
        for kind in kinds:
            self.report(kind)

    def fill(
        self, qty: int, price: int = 100, exec_id: str | None = None, **kw: object
    ) -> Fill | None:
        eid = exec_id if exec_id is not None else f"e{next(self._exec)}"
        return self.report(K.FILL, exec_id=ExecutionId(eid), last_qty=qty, last_price=price, **kw)

    def status(self) -> OrderStatus | None:
        return self.om.status(self.cid)

    def fill_status(self, qty: int, **kw: object) -> OrderStatus | None:
        """Book a fill the manager must take (not a repeat, not an error); the status after."""
        assert self.fill(qty, **kw) is not None  # type: ignore[arg-type]
        return self.status()

    def report_status(self, kind: K) -> OrderStatus | None:
        """Report ``kind``; the order's status after it."""
        self.report(kind)
        return self.status()

    def errors_of(self) -> list[OrderError]:
        return [e for e in self.events if isinstance(e, OrderError)]

    def updates(self) -> list[OrderUpdated]:
        return [e for e in self.events if isinstance(e, OrderUpdated)]


def driven(status: OrderStatus) -> Harness:
    """A harness whose fresh order (qty 5) was taken to ``status`` along an ordinary path."""
    h = Harness()
    paths: dict[OrderStatus, list[tuple[K, int]]] = {
        S.NEW: [],
        S.UNKNOWN: [(K.SUBMIT_AMBIGUOUS, 0)],
        S.ACCEPTED: [(K.ACCEPTED, 0)],
        S.PARTIALLY_FILLED: [(K.ACCEPTED, 0), (K.FILL, 2)],
        S.CANCEL_PENDING: [(K.ACCEPTED, 0), (K.CANCEL_REQUESTED, 0)],
        S.FILLED: [(K.ACCEPTED, 0), (K.FILL, 5)],
        S.CANCELLED: [(K.ACCEPTED, 0), (K.CANCELLED, 0)],
        S.REJECTED: [(K.REJECTED, 0)],
        S.EXPIRED: [(K.ACCEPTED, 0), (K.EXPIRED, 0)],
    }
    for kind, qty in paths[status]:
        if kind is K.FILL:
            h.fill(qty)
        else:
            h.report(kind)
    assert h.status() is status
    assert h.om.errors == 0
    return h


# -- the table itself ----------------------------------------------------------------


def test_table_holds_only_non_terminal_non_fill_pairs() -> None:
    for status, kind in TRANSITIONS:
        assert not status.is_terminal
        assert kind is not K.FILL
    assert {s for s, _ in TRANSITIONS} == set(NON_TERMINAL)


def test_every_non_terminal_pair_is_listed_special_or_impossible() -> None:
    special = {(S.CANCEL_PENDING, K.CANCEL_REJECTED), (S.CANCEL_PENDING, K.ACCEPTED)}
    for pair in itertools.product(NON_TERMINAL, NON_FILL_KINDS):
        kinds = [pair in TRANSITIONS, pair in special, pair in IMPOSSIBLE, pair in LATE_AMBIGUOUS]
        assert kinds.count(True) == 1, pair


def test_fillable_is_exactly_the_non_terminal_statuses() -> None:
    assert set(FILLABLE) == set(NON_TERMINAL)


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [(s, k, n) for (s, k), n in TRANSITIONS.items()],
    ids=[f"{s.value}+{k.value}" for s, k in TRANSITIONS],
)
def test_listed_transition_moves_as_listed(
    status: OrderStatus, kind: ReportKind, expected: OrderStatus
) -> None:
    h = driven(status)
    before = h.om.get(h.cid)
    n_events, n_dups = len(h.events), h.om.duplicates
    assert h.report(kind) is None
    assert h.status() is expected
    assert h.om.errors == 0
    if expected is status and kind is not K.CANCEL_REJECTED:
        # a repeat of what the order already says: counted, nothing announced
        assert h.om.duplicates == n_dups + 1
        assert len(h.events) == n_events
        assert h.om.get(h.cid) == before
    else:
        assert h.om.duplicates == n_dups
        assert len(h.events) == n_events + 1
        event = h.events[-1]
        assert isinstance(event, OrderUpdated)
        assert event.kind is kind
        assert event.order == h.om.get(h.cid)
        assert event.order.status is expected
        assert event.order.updated_ts == event.ts
    working = {o.client_order_id for o in h.om.working()}
    assert (h.cid in working) is expected.is_working


@pytest.mark.parametrize(
    ("status", "kind"), sorted(IMPOSSIBLE, key=str), ids=lambda p: getattr(p, "value", p)
)
def test_unlisted_transition_is_an_error_that_changes_nothing(
    status: OrderStatus, kind: ReportKind
) -> None:
    h = driven(status)
    before = h.om.get(h.cid)
    n_events, n_dups = len(h.events), h.om.duplicates
    assert h.report(kind) is None
    assert h.om.get(h.cid) == before
    assert h.om.errors == 1
    assert h.om.duplicates == n_dups
    assert len(h.events) == n_events + 1
    err = h.events[-1]
    assert isinstance(err, OrderError)
    assert (err.client_order_id, err.reason) == (h.cid, "transition")
    assert kind.value in err.detail and status.value in err.detail


@pytest.mark.parametrize("kind", NON_FILL_KINDS, ids=lambda k: k.value)
@pytest.mark.parametrize("status", TERMINAL, ids=lambda s: s.value)
def test_terminal_status_never_changes(status: OrderStatus, kind: ReportKind) -> None:
    h = driven(status)
    before = h.om.get(h.cid)
    n_events = len(h.events)
    assert h.report(kind) is None
    assert h.om.get(h.cid) == before
    if kind in LATE_BENIGN or SAME_TERMINAL.get(status) is kind:
        assert (h.om.duplicates, h.om.errors) == (1, 0)
        assert len(h.events) == n_events
    else:
        assert (h.om.duplicates, h.om.errors) == (0, 1)
        assert [e.reason for e in h.events[n_events:]] == ["transition"]  # type: ignore[union-attr]
    assert h.cid not in {o.client_order_id for o in h.om.working()}


@pytest.mark.parametrize("status", TERMINAL, ids=lambda s: s.value)
def test_new_fill_on_terminal_order_is_rejected(status: OrderStatus) -> None:
    h = driven(status)
    before = h.om.get(h.cid)
    assert h.fill(1, exec_id="late") is None
    assert h.om.get(h.cid) == before
    assert h.om.errors == 1
    assert h.errors_of()[-1].reason == "fill_on_terminal"


# -- scenarios ----------------------------------------------------------------------


def test_create_announces_a_new_order() -> None:
    h = Harness(qty=4, side=Side.SELL)
    [event] = h.events
    assert isinstance(event, OrderSubmitted)
    order = event.order
    assert order == h.om.get(h.cid)
    assert (order.status, order.qty, order.side, order.filled_qty) == (S.NEW, 4, Side.SELL, 0)
    assert (order.price, order.reason, order.avg_fill_price, order.leaves_qty) == (
        100,
        "test",
        0.0,
        4,
    )
    assert [o.client_order_id for o in h.om.working()] == [h.cid]
    assert h.om.working(Symbol("OTHER")) == []
    assert list(h.om.working_ids()) == [h.cid]
    assert len(h.om) == 1


def test_client_order_ids_are_fresh() -> None:
    h = Harness()
    other = h.om.create(intent(), ts=1).client_order_id
    assert other != h.cid
    assert len(h.om) == 2


def test_partial_fills_accumulate_to_filled() -> None:
    h = Harness(qty=5)
    h.report(K.ACCEPTED)
    f1 = h.fill(2, price=100, fee=7, liquidity=LiquiditySide.MAKER)
    assert f1 is not None
    assert (f1.qty, f1.price, f1.fee, f1.liquidity, f1.side, f1.symbol) == (
        2,
        100,
        7,
        LiquiditySide.MAKER,
        Side.BUY,
        SYM,
    )
    assert f1.client_order_id == h.cid
    assert h.status() is S.PARTIALLY_FILLED
    assert h.fill_status(2, price=103) is S.PARTIALLY_FILLED
    order = h.om.get(h.cid)
    assert order is not None
    assert (order.filled_qty, order.leaves_qty) == (4, 1)
    assert order.avg_fill_price == pytest.approx(101.5)
    assert h.fill(1, price=106) is not None
    order = h.om.get(h.cid)
    assert order is not None
    assert (order.status, order.filled_qty, order.leaves_qty) == (S.FILLED, 5, 0)
    assert order.avg_fill_price == pytest.approx((200 + 206 + 106) / 5)
    assert h.om.working() == []
    assert [u.kind for u in h.updates()] == [K.ACCEPTED, K.FILL, K.FILL, K.FILL]
    assert (h.om.errors, h.om.duplicates) == (0, 0)


def test_fill_before_accept_then_late_accept_is_a_duplicate() -> None:
    h = Harness(qty=3)
    assert h.fill_status(1) is S.PARTIALLY_FILLED
    assert h.report_status(K.ACCEPTED) is S.PARTIALLY_FILLED
    assert (h.om.duplicates, h.om.errors) == (1, 0)


def test_fill_while_cancel_pending_stays_pending_then_completes() -> None:
    h = Harness(qty=3)
    h.reports(K.ACCEPTED, K.CANCEL_REQUESTED)
    assert h.fill_status(1) is S.CANCEL_PENDING
    assert h.fill_status(2) is S.FILLED
    # the venue then says the cancel came too late
    assert h.report_status(K.CANCEL_REJECTED) is S.FILLED
    assert (h.om.duplicates, h.om.errors) == (1, 0)


def test_cancel_pending_partially_filled_then_cancelled_keeps_fills() -> None:
    h = Harness(qty=3)
    h.report(K.ACCEPTED)
    h.fill(1)
    h.reports(K.CANCEL_REQUESTED, K.CANCELLED)
    order = h.om.get(h.cid)
    assert order is not None
    assert (order.status, order.filled_qty, order.leaves_qty) == (S.CANCELLED, 1, 0)
    assert h.om.working() == []


def test_cancel_rejected_returns_to_accepted() -> None:
    h = Harness()
    h.reports(K.ACCEPTED, K.CANCEL_REQUESTED, K.CANCEL_REJECTED)
    assert h.status() is S.ACCEPTED
    assert h.updates()[-1].kind is K.CANCEL_REJECTED


def test_cancel_rejected_returns_to_partially_filled() -> None:
    h = Harness()
    h.report(K.ACCEPTED)
    h.fill(2)
    h.reports(K.CANCEL_REQUESTED, K.CANCEL_REJECTED)
    assert h.status() is S.PARTIALLY_FILLED
    h.fill(1)  # a pending cancel that was filled during the wait also counts
    h.report(K.CANCEL_REQUESTED)
    h.fill(1)
    assert h.report_status(K.CANCEL_REJECTED) is S.PARTIALLY_FILLED
    assert h.om.errors == 0


@pytest.mark.parametrize(
    ("before_cancel", "kind_before"),
    [(S.NEW, None), (S.UNKNOWN, K.SUBMIT_AMBIGUOUS)],
    ids=["new", "unknown"],
)
def test_cancel_rejected_for_an_unacknowledged_order_does_not_invent_an_accept(
    before_cancel: OrderStatus, kind_before: ReportKind | None
) -> None:
    """A venue rejects a cancel for an order it never saw (paper: reason "unknown_order").

    The table keeps NEW/UNKNOWN on CANCEL_REJECTED; going through CANCEL_PENDING must
    not turn the never-acknowledged order into a working ACCEPTED one.
    """
    h = Harness()
    if kind_before is not None:
        h.report(kind_before)
    h.report(K.CANCEL_REQUESTED)
    h.report(K.CANCEL_REJECTED, reason="unknown_order")
    assert h.status() is before_cancel


def test_cancel_rejected_after_a_late_accept_while_pending_is_accepted() -> None:
    h = Harness()
    h.reports(K.CANCEL_REQUESTED, K.ACCEPTED)
    assert h.status() is S.CANCEL_PENDING
    assert h.report_status(K.CANCEL_REJECTED) is S.ACCEPTED


def test_cancel_requested_twice_is_a_duplicate() -> None:
    h = Harness()
    h.reports(K.ACCEPTED, K.CANCEL_REQUESTED, K.CANCEL_REQUESTED)
    assert h.status() is S.CANCEL_PENDING
    assert (h.om.duplicates, h.om.errors) == (1, 0)


def test_duplicate_exec_id_books_once() -> None:
    h = Harness(qty=5)
    first = h.fill(2, exec_id="x1")
    n_events = len(h.events)
    assert first is not None
    assert h.fill(2, exec_id="x1") is None
    assert h.fill(3, exec_id="x1", price=120) is None  # same id, different body: still a repeat
    order = h.om.get(h.cid)
    assert order is not None
    assert order.filled_qty == 2
    assert (h.om.duplicates, h.om.errors) == (2, 0)
    assert len(h.events) == n_events


def test_duplicate_exec_id_of_a_filled_order_is_a_duplicate_not_an_error() -> None:
    h = Harness(qty=2)
    h.fill(2, exec_id="x1")
    assert h.status() is S.FILLED
    assert h.fill(2, exec_id="x1") is None
    assert (h.om.duplicates, h.om.errors) == (1, 0)


def test_exec_ids_are_unique_across_orders() -> None:
    h = Harness(qty=5)
    other = h.om.create(intent(), ts=0).client_order_id
    h.fill(1, exec_id="x1")
    assert h.fill(1, exec_id="x1", cid=other) is None
    assert h.om.status(other) is S.NEW
    assert h.om.duplicates == 1


def test_report_for_unknown_order_is_an_error() -> None:
    h = Harness()
    ghost = ClientOrderId("ghost-1")
    for kind in K:
        assert h.report(kind, cid=ghost, exec_id=ExecutionId("g"), last_qty=1, last_price=1) is None
    assert h.om.errors == len(K)
    assert {e.reason for e in h.errors_of()} == {"unknown_order"}
    assert {e.client_order_id for e in h.errors_of()} == {ghost}
    assert h.om.get(ghost) is None
    assert h.om.status(ghost) is None
    assert len(h.om) == 1


@pytest.mark.parametrize("exec_id", [None, ""])
def test_fill_without_exec_id_is_an_error(exec_id: str | None) -> None:
    h = Harness()
    h.report(K.ACCEPTED)
    before = h.om.get(h.cid)
    fill = h.om.on_report(
        ExecutionReport(h.cid, K.FILL, 9, exec_id=exec_id, last_qty=1, last_price=100)  # type: ignore[arg-type]
    )
    assert fill is None
    assert h.om.get(h.cid) == before
    assert h.om.errors == 1
    assert h.errors_of()[-1].reason == "fill_without_exec_id"


def test_overfill_is_rejected_and_order_can_still_complete() -> None:
    h = Harness(qty=3)
    h.fill(2)
    before = h.om.get(h.cid)
    assert h.fill(2, exec_id="over") is None
    assert h.om.get(h.cid) == before
    assert h.om.errors == 1
    err = h.errors_of()[-1]
    assert err.reason == "overfill"
    assert "2+2 > ordered 3" in err.detail
    assert h.fill_status(1) is S.FILLED


def test_single_fill_larger_than_order_is_overfill() -> None:
    h = Harness(qty=3)
    assert h.fill(4) is None
    assert h.status() is S.NEW
    assert h.errors_of()[-1].reason == "overfill"


@pytest.mark.parametrize(("qty", "price"), [(0, 100), (-1, 100), (1, 0), (1, -5)])
def test_fill_with_bad_qty_or_price_is_an_error(qty: int, price: int) -> None:
    h = Harness()
    h.report(K.ACCEPTED)
    before = h.om.get(h.cid)
    assert h.fill(qty, price=price) is None
    assert h.om.get(h.cid) == before
    assert h.errors_of()[-1].reason == "bad_fill"


def test_venue_order_id_is_taken_from_the_first_report_that_carries_it() -> None:
    h = Harness()
    h.report(K.ACCEPTED, venue_order_id=VenueOrderId("v1"))
    h.fill(1, venue_order_id=VenueOrderId("v2"))
    order = h.om.get(h.cid)
    assert order is not None
    assert order.venue_order_id == "v1"


def test_a_report_that_is_an_error_does_not_stamp_a_venue_order_id() -> None:
    """Errors are "never applied": a bad report must not change the order at all."""
    h = Harness()
    h.report(K.ACCEPTED)
    h.fill(1)
    before = h.om.get(h.cid)
    h.report(K.REJECTED, venue_order_id=VenueOrderId("bogus"))  # PARTIALLY_FILLED + REJECTED
    assert h.om.errors == 1
    assert h.om.get(h.cid) == before


def test_events_tell_the_whole_story() -> None:
    h = Harness(qty=2)
    h.report(K.ACCEPTED)
    h.report(K.ACCEPTED)  # duplicate: silent
    h.fill(1, exec_id="a")
    h.fill(1, exec_id="a")  # duplicate: silent
    h.report(K.SUBMIT_AMBIGUOUS)  # late (REST timed out after the ack): silent
    h.report(K.REJECTED)  # impossible after a fill: an error event
    h.fill(1, exec_id="b")
    h.report(K.CANCELLED)  # after FILLED: an error event
    kinds = [
        (type(e).__name__, getattr(e, "kind", None) or getattr(e, "reason", None)) for e in h.events
    ]
    assert kinds == [
        ("OrderSubmitted", None),
        ("OrderUpdated", K.ACCEPTED),
        ("OrderUpdated", K.FILL),
        ("OrderError", "transition"),
        ("OrderUpdated", K.FILL),
        ("OrderError", "transition"),
    ]
    statuses = [e.order.status for e in h.updates()]
    assert statuses == [S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED]
    assert (h.om.errors, h.om.duplicates) == (2, 3)


def test_updated_ts_follows_applied_reports_only() -> None:
    h = Harness()
    h.om.on_report(ExecutionReport(h.cid, K.ACCEPTED, 10))
    h.om.on_report(ExecutionReport(h.cid, K.ACCEPTED, 20))  # duplicate
    h.om.on_report(ExecutionReport(h.cid, K.SUBMIT_AMBIGUOUS, 30))  # late: changes nothing
    order = h.om.get(h.cid)
    assert order is not None
    assert (order.created_ts, order.updated_ts) == (0, 10)


def test_all_orders_lists_every_order_ever_created() -> None:
    h = Harness(qty=1)
    second = h.om.create(intent(), ts=3).client_order_id
    h.fill(1)
    ids = [o.client_order_id for o in h.om.all_orders()]
    assert ids == [h.cid, second]
    assert [o.client_order_id for o in h.om.working()] == [second]


# -- properties over arbitrary report streams -----------------------------------------

GHOST = ClientOrderId("ghost-9")
EXEC_POOL = [ExecutionId(f"x{i}") for i in range(8)]


class OrderStreams(RuleBasedStateMachine):
    """Any stream of reports, including repeats, reorderings and garbage, for a few orders."""

    @initialize(
        qtys=st.lists(st.integers(1, 6), min_size=1, max_size=3),
        sides=st.lists(st.sampled_from(Side), min_size=3, max_size=3),
    )
    def start(self, qtys: list[int], sides: list[Side]) -> None:
        self.events: list[EngineEvent] = []
        self.om = OrderManager(IdFactory("p"), self.events)
        self.cids = [
            self.om.create(intent(q, sides[i]), ts=0).client_order_id for i, q in enumerate(qtys)
        ]
        self.qty = dict(zip(self.cids, qtys, strict=True))
        self.side = dict(zip(self.cids, sides, strict=False))
        self.sent: list[ExecutionReport] = []
        self.fills: list[Fill] = []
        self.terminal_seen: dict[ClientOrderId, OrderStatus] = {}
        self.ts = 0

    def _send(self, report: ExecutionReport) -> None:
        before_status = {c: self.om.status(c) for c in self.cids}
        before = self.om.get(report.client_order_id)
        counts = (self.om.errors, self.om.duplicates)
        fill = self.om.on_report(report)
        self.sent.append(report)
        if (self.om.errors, self.om.duplicates) != counts:
            # an error or a duplicate: nothing about the order moved
            assert fill is None
            assert self.om.get(report.client_order_id) == before
        if fill is not None:
            assert report.kind is K.FILL
            assert fill.client_order_id == report.client_order_id
            assert fill.exec_id == report.exec_id
            assert (fill.qty, fill.price, fill.fee) == (
                report.last_qty,
                report.last_price,
                report.fee,
            )
            assert fill.side is self.side[fill.client_order_id]
            self.fills.append(fill)
        for c in self.cids:
            if c != report.client_order_id:
                assert self.om.status(c) is before_status[c]

    def _next_ts(self) -> int:
        self.ts += 1
        return self.ts

    @rule(i=st.integers(0, 2), kind=st.sampled_from(NON_FILL_KINDS))
    def status_report(self, i: int, kind: ReportKind) -> None:
        cid = self.cids[i % len(self.cids)]
        self._send(ExecutionReport(cid, kind, self._next_ts()))

    @rule(i=st.integers(0, 2), kind=st.sampled_from([K.REJECTED, K.CANCELLED]))
    def inferred(self, i: int, kind: ReportKind) -> None:
        """The shell infers an outcome from silence (the venue did not know the order)."""
        cid = self.cids[i % len(self.cids)]
        self._send(ExecutionReport(cid, kind, self._next_ts(), reason=NOT_AT_VENUE))

    @rule(
        i=st.integers(0, 2),
        exec_id=st.sampled_from(EXEC_POOL),
        qty=st.integers(1, 4),
        price=st.integers(95, 105),
        fee=st.integers(-5, 20),
    )
    def fill(self, i: int, exec_id: ExecutionId, qty: int, price: int, fee: int) -> None:
        cid = self.cids[i % len(self.cids)]
        self._send(
            ExecutionReport(
                cid,
                K.FILL,
                self._next_ts(),
                exec_id=exec_id,
                last_qty=qty,
                last_price=price,
                fee=fee,
            )
        )

    @rule(
        i=st.integers(0, 2),
        exec_id=st.sampled_from([None, ExecutionId(""), *EXEC_POOL]),
        qty=st.integers(-2, 8),
        price=st.integers(-1, 101),
    )
    def garbage_fill(self, i: int, exec_id: ExecutionId | None, qty: int, price: int) -> None:
        cid = self.cids[i % len(self.cids)]
        self._send(
            ExecutionReport(
                cid, K.FILL, self._next_ts(), exec_id=exec_id, last_qty=qty, last_price=price
            )
        )

    @rule(kind=st.sampled_from(K))
    def ghost_report(self, kind: ReportKind) -> None:
        self._send(
            ExecutionReport(
                GHOST, kind, self._next_ts(), exec_id=EXEC_POOL[0], last_qty=1, last_price=100
            )
        )

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        self._send(data.draw(st.sampled_from(self.sent)))

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def filled_never_exceeds_ordered(self) -> None:
        for c in self.cids:
            order = self.om.get(c)
            assert order is not None
            assert 0 <= order.filled_qty <= order.qty == self.qty[c]
            # the order is FILLED exactly when all of it has been filled
            assert (order.status is S.FILLED) == (order.filled_qty == order.qty)

    @invariant()
    def terminal_is_forever(self) -> None:
        """...unless it was only inferred (provisional): venue evidence may revive it."""
        for c in self.cids:
            status = self.om.status(c)
            assert status is not None
            if self.om.is_provisional(c):
                assert c not in self.terminal_seen
                assert status in (S.REJECTED, S.CANCELLED)
                continue
            if c in self.terminal_seen:
                assert status is self.terminal_seen[c]
            elif status.is_terminal:
                self.terminal_seen[c] = status

    @invariant()
    def returned_fills_add_up_to_filled_qty(self) -> None:
        per_order: Counter[ClientOrderId] = Counter()
        notional: Counter[ClientOrderId] = Counter()
        for f in self.fills:
            per_order[f.client_order_id] += f.qty
            notional[f.client_order_id] += f.qty * f.price
        for c in self.cids:
            order = self.om.get(c)
            assert order is not None
            assert per_order[c] == order.filled_qty
            if order.filled_qty:
                assert order.avg_fill_price == pytest.approx(notional[c] / order.filled_qty)

    @invariant()
    def position_is_the_signed_sum_of_fills(self) -> None:
        position = sum(int(f.side) * f.qty for f in self.fills)
        expected = 0
        for c in self.cids:
            order = self.om.get(c)
            assert order is not None
            expected += int(order.side) * order.filled_qty
        assert position == expected

    @invariant()
    def each_exec_id_books_at_most_once(self) -> None:
        ids = [f.exec_id for f in self.fills]
        assert len(ids) == len(set(ids))

    @invariant()
    def every_report_is_applied_duplicate_or_error(self) -> None:
        errors = [e for e in self.events if isinstance(e, OrderError)]
        applied = [e for e in self.events if isinstance(e, OrderUpdated)]
        submitted = [e for e in self.events if isinstance(e, OrderSubmitted)]
        assert len(errors) == self.om.errors
        assert len(submitted) == len(self.cids)
        assert self.om.errors + self.om.duplicates + len(applied) == len(self.sent)
        fill_updates = [e for e in applied if e.kind is K.FILL]
        assert len(fill_updates) == len(self.fills)

    @invariant()
    def provisional_is_listed_by_symbol(self) -> None:
        listed = {o.client_order_id for o in self.om.provisional(SYM)}
        assert listed == {c for c in self.cids if self.om.is_provisional(c)}
        assert self.om.provisional(Symbol("OTHER")) == []

    @invariant()
    def working_is_the_non_terminal_orders(self) -> None:
        working = {o.client_order_id for o in self.om.working()}
        live = {c for c in self.cids if self.om.status(c).is_working}  # type: ignore[union-attr]
        assert working == live == set(self.om.working_ids())
        assert all(o.leaves_qty == o.qty - o.filled_qty for o in self.om.working())

    @invariant()
    def last_update_matches_the_order(self) -> None:
        last: dict[ClientOrderId, OrderUpdated] = {}
        for e in self.events:
            if isinstance(e, OrderUpdated):
                last[e.order.client_order_id] = e
        for c, e in last.items():
            current = self.om.get(c)
            assert current is not None
            assert (e.order.status, e.order.filled_qty) == (current.status, current.filled_qty)


OrderStreams.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_order_streams = OrderStreams.TestCase


@pytest.mark.parametrize(
    ("status", "kind"), sorted(LATE_AMBIGUOUS, key=str), ids=lambda p: getattr(p, "value", p)
)
def test_a_late_ambiguous_submit_is_a_silent_duplicate(status: OrderStatus, kind: ReportKind):
    h = driven(status)
    before = h.om.get(h.cid)
    n_events = len(h.events)
    assert h.report(kind) is None
    assert h.om.get(h.cid) == before
    assert (h.om.duplicates, h.om.errors) == (1, 0)
    assert len(h.events) == n_events


def test_an_acknowledged_order_can_still_be_rejected_by_the_venue() -> None:
    """Alpaca answers a submit with "accepted" and may send "rejected" after it."""
    h = Harness()
    h.report(K.ACCEPTED)
    h.report(K.REJECTED, reason="venue risk check")
    order = h.om.get(h.cid)
    assert order is not None and order.status is S.REJECTED
    assert h.om.errors == 0
    assert h.updates()[-1].reason == "venue risk check"


# -- outcomes inferred from silence are provisional ---------------------------------------


@pytest.mark.parametrize(
    ("before", "kind"),
    [(S.NEW, K.REJECTED), (S.UNKNOWN, K.REJECTED), (S.CANCEL_PENDING, K.CANCELLED)],
    ids=lambda p: getattr(p, "value", p),
)
def test_not_at_venue_ends_the_order_provisionally(before: OrderStatus, kind: ReportKind) -> None:
    h = driven(before)
    h.report(kind, reason=NOT_AT_VENUE)
    assert h.status() in (S.REJECTED, S.CANCELLED)
    assert h.om.is_provisional(h.cid)
    assert [o.client_order_id for o in h.om.provisional(SYM)] == [h.cid]
    assert h.om.working() == []


def test_a_venue_rejection_with_its_own_reason_is_not_provisional() -> None:
    h = Harness()
    h.report(K.REJECTED, reason="insufficient buying power")
    assert not h.om.is_provisional(h.cid)
    assert h.om.provisional() == []


def test_a_fill_revives_a_provisional_order_and_books_once() -> None:
    h = Harness(qty=5)
    h.report(K.SUBMIT_AMBIGUOUS)
    h.report(K.REJECTED, reason=NOT_AT_VENUE)
    f = h.fill(2, exec_id="e1")
    assert f is not None and f.qty == 2
    assert h.status() is S.PARTIALLY_FILLED
    assert not h.om.is_provisional(h.cid)
    assert [o.client_order_id for o in h.om.working()] == [h.cid]
    assert h.fill(2, exec_id="e1") is None  # the same execution again
    assert h.fill_status(3, exec_id="e2") is S.FILLED
    assert h.om.working() == []
    assert h.om.errors == 0


def test_a_reconciled_fill_revives_to_filled_and_a_late_stream_copy_is_a_duplicate() -> None:
    h = Harness(qty=3)
    h.report(K.REJECTED, reason=NOT_AT_VENUE)
    assert h.fill_status(3, exec_id=f"recon:{h.cid}:3", cum_qty=3, reason="reconciled") is S.FILLED
    assert h.fill(3, exec_id="stream-1", cum_qty=3) is None
    assert (h.om.errors, h.om.duplicates) == (0, 1)


def test_accepted_revives_a_provisional_order_by_its_quantity() -> None:
    h = Harness(qty=5)
    h.report(K.ACCEPTED)
    h.fill(1)
    h.report(K.CANCEL_REQUESTED)
    h.report(K.CANCELLED, reason=NOT_AT_VENUE)
    assert h.report_status(K.ACCEPTED) is S.PARTIALLY_FILLED
    assert [o.client_order_id for o in h.om.working()] == [h.cid]
    assert h.om.provisional() == []
    assert h.updates()[-1].kind is K.ACCEPTED


def test_the_venues_own_terminal_report_settles_a_provisional_order() -> None:
    h = Harness()
    h.report(K.REJECTED, reason=NOT_AT_VENUE)
    h.report(K.REJECTED, reason=NOT_AT_VENUE)  # the same inference again: a duplicate
    assert h.om.is_provisional(h.cid) and h.om.duplicates == 1
    h.report(K.CANCELLED, reason="reconciled")
    assert h.status() is S.CANCELLED
    assert not h.om.is_provisional(h.cid)
    assert h.fill(1) is None  # final now: a fill is an error again
    assert h.errors_of()[-1].reason == "fill_on_terminal"


def test_settle_provisional_makes_the_inferred_outcome_final() -> None:
    h = Harness()
    h.report(K.REJECTED, reason=NOT_AT_VENUE)
    assert h.om.settle_provisional(h.cid) is True
    assert h.om.settle_provisional(h.cid) is False
    assert h.status() is S.REJECTED and h.om.provisional() == []


def test_in_doubt_since_is_the_newest_provisional_order_of_the_kind() -> None:
    events: list[EngineEvent] = []
    om = OrderManager(IdFactory("t"), events)
    exit_ = OrderIntent(SYM, Side.SELL, 1, reduce_only=True, is_entry=False)
    a = om.create(exit_, ts=10).client_order_id
    b = om.create(exit_, ts=20).client_order_id
    e = om.create(intent(), ts=30).client_order_id
    for cid in (a, b, e):
        om.on_report(ExecutionReport(cid, K.REJECTED, 40, reason=NOT_AT_VENUE))
    assert om.in_doubt_since(SYM, closing=True) == 20
    assert om.in_doubt_since(SYM, closing=False) == 30
    assert om.in_doubt_since(Symbol("OTHER"), closing=True) == 0


def test_adopting_an_order_the_manager_knows_changes_nothing() -> None:
    """A listing taken while the order was being sent: its fills were booked by the
    stream; adopting the listed copy would reset them and let them be booked again."""
    h = Harness(qty=2)
    h.report(K.ACCEPTED)
    h.fill(2, exec_id="e1", cum_qty=2)
    before = h.om.get(h.cid)
    assert before is not None
    listed = msgspec.structs.replace(before, status=S.ACCEPTED, filled_qty=0, avg_fill_price=0.0)
    assert h.om.adopt(listed) is False
    assert h.om.get(h.cid) == before
    recon = f"recon:{h.cid}:2"
    assert h.fill(2, exec_id=recon, cum_qty=2, reason="reconciled") is None
    assert h.om.get(h.cid) == before
