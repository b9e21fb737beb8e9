"""The core's MarketState is a MarketView, depth included (checked by mypy and at run time)."""

from engine.core.market_state import MarketState
from engine.model import BookLevel, BookUpdate, ReportKind, Side
from engine.paper import MarketView, PaperVenue
from tests.engine.paper.stubs import INSTRUMENT, SYM, StubView, fills, order


def test_market_state_is_a_market_view_with_depth() -> None:
    state = MarketState(INSTRUMENT)
    view: MarketView = state  # the structural check mypy makes
    stub: MarketView = StubView()
    assert stub.book is None
    venue = PaperVenue([INSTRUMENT])
    venue.attach(SYM, view)
    state.update_quote(1, 99, 2, 100, 2)
    snapshot = BookUpdate(
        SYM,
        1,
        bids=(BookLevel(99, 2),),
        asks=(BookLevel(100, 2), BookLevel(101, 3)),
        is_snapshot=True,
    )
    state.update_book(snapshot)
    venue.submit(order("a", Side.BUY, 6), 2)
    reports = venue.advance(2)
    assert fills(reports) == [(100, 2), (101, 3), (102, 1)]
    assert reports[-1].kind is ReportKind.FILL and reports[-1].cum_qty == 6
