"""The core's MarketState is a MarketView, depth included (checked by mypy and at run time)."""

from engine.core.market_state import MarketState
from engine.model import BookLevel
from engine.model import BookUpdate
from engine.model import ReportKind
from engine.model import Side
from engine.paper import MarketView
from engine.paper import PaperVenue
from tests.engine.paper.stubs import INSTRUMENT
from tests.engine.paper.stubs import SYM
from tests.engine.paper.stubs import StubView
from tests.engine.paper.stubs import fills
from tests.engine.paper.stubs import order


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
