"""Defects the invariant state machine (tests/invariants) found in its long profile,
each kept as the short sequence it shrank to.
"""

from __future__ import annotations

from decimal import Decimal

from tests.invariants.test_trading_invariants import AAA
from tests.invariants.test_trading_invariants import TraderInvariants
from tests.invariants.test_trading_invariants import check_settled

NO_LIMITS: dict[str, object] = {
    "max_order_qty": Decimal(0),
    "max_order_notional": Decimal(0),
    "max_position_notional": Decimal(0),
    "max_gross_exposure": Decimal(0),
    "daily_loss_limit": Decimal(0),
    "max_drawdown": Decimal(0),
    "max_consecutive_losses": 0,
    "max_orders_per_window_symbol": 0,
    "duplicate_window_ms": 0,
}


def test_a_position_adopted_after_a_kill_is_closed() -> None:
    """INV-7: an entry in doubt reaches the venue late; the bot restarts with that
    submission lost from the store, is killed while it holds nothing, and only then
    does the venue fill the old entry. Reconciliation adopts it: the halted bot held a
    position of 1 for good (the kill had found nothing to flatten). A halt means flat:
    what an adopted order fills while HALTED is closed too."""
    m = TraderInvariants()
    m.build(qty=Decimal(1), order_type="market", values=NO_LIMITS, fees=(Decimal(0), Decimal(0)))
    m.arm_submit_fault(delay=300_000_000, fault="ambiguous_held")
    m.signal(direction=1, symbol="AAA")
    m.restart(lose=3)
    m.kill()
    settled = m.world.clone()
    settled.settle()
    adopted = [o for o in settled.core.orders.all_orders() if o.filled_qty]
    assert adopted, "the held entry never reached the venue: the scenario did not happen"
    check_settled(settled)  # INV-1 and INV-7: flat, as the venue
    assert settled.core.portfolio.position_qty(AAA) == 0
