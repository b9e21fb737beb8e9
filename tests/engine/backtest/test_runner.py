"""The replay loop: the core's timer runs in simulated time, as the live runtime's does."""

from __future__ import annotations

from decimal import Decimal

from engine.backtest.metrics import Metrics
from engine.backtest.runner import TIMER_NS
from engine.backtest.runner import _loop
from engine.core.trader import TraderConfig
from engine.model import OrderStatus
from engine.model import Quote
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import BBB
from tests.engine.core.helpers import MS
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import Harness


def test_an_entry_times_out_without_a_quote_of_its_symbol() -> None:
    h = Harness(order=TraderConfig(qty=Decimal(1), type="limit", entry_timeout_s=1.0))
    assert h.venue is not None
    h.script.set(AAA, 1)
    events = [Quote(AAA, MS, 10_000, 1, 10_002, 1)]  # the signal: a buy rests at 100.00
    # then only the other symbol trades, for 3 s of simulated time
    events += [Quote(BBB, MS + i * 10 * MS, 10_000, 1, 10_002, 1) for i in range(1, 300)]
    _loop(h.core, h.venue, Metrics(), events, None, None)
    [entry] = [o for o in h.core.orders.all_orders() if o.symbol == AAA]
    assert entry.status is OrderStatus.CANCELLED
    timed_out_at = MS + SEC
    assert timed_out_at <= entry.updated_ts <= timed_out_at + TIMER_NS
