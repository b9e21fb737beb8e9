"""The order state machine as data: which execution report moves an order from
which status to which, and the sets of statuses and reports the manager reads.

:class:`engine.core.orders.OrderManager` applies it; the few cases it resolves in code
(fills by quantity, a rejected cancel, late or inferred outcomes) are named here too.
"""

from __future__ import annotations

from engine.model import OrderStatus
from engine.model import ReportKind

S = OrderStatus
K = ReportKind

# (status, report kind) -> next status. FILL is resolved by quantity (see OrderManager._on_fill).
TRANSITIONS: dict[tuple[OrderStatus, ReportKind], OrderStatus] = {
    (S.NEW, K.ACCEPTED): S.ACCEPTED,
    (S.NEW, K.REJECTED): S.REJECTED,
    (S.NEW, K.CANCEL_REQUESTED): S.CANCEL_PENDING,
    (S.NEW, K.CANCELLED): S.CANCELLED,
    (S.NEW, K.EXPIRED): S.EXPIRED,
    (S.NEW, K.SUBMIT_AMBIGUOUS): S.UNKNOWN,
    (S.NEW, K.CANCEL_REJECTED): S.NEW,
    (S.UNKNOWN, K.ACCEPTED): S.ACCEPTED,
    (S.UNKNOWN, K.REJECTED): S.REJECTED,
    (S.UNKNOWN, K.CANCEL_REQUESTED): S.CANCEL_PENDING,
    (S.UNKNOWN, K.CANCELLED): S.CANCELLED,
    (S.UNKNOWN, K.EXPIRED): S.EXPIRED,
    (S.UNKNOWN, K.CANCEL_REJECTED): S.UNKNOWN,
    (S.ACCEPTED, K.ACCEPTED): S.ACCEPTED,
    (S.ACCEPTED, K.REJECTED): S.REJECTED,  # acknowledged, then refused (venue risk checks)
    (S.ACCEPTED, K.CANCEL_REQUESTED): S.CANCEL_PENDING,
    (S.ACCEPTED, K.CANCELLED): S.CANCELLED,
    (S.ACCEPTED, K.EXPIRED): S.EXPIRED,
    (S.ACCEPTED, K.CANCEL_REJECTED): S.ACCEPTED,
    (S.PARTIALLY_FILLED, K.ACCEPTED): S.PARTIALLY_FILLED,
    (S.PARTIALLY_FILLED, K.CANCEL_REQUESTED): S.CANCEL_PENDING,
    (S.PARTIALLY_FILLED, K.CANCELLED): S.CANCELLED,
    (S.PARTIALLY_FILLED, K.EXPIRED): S.EXPIRED,
    (S.PARTIALLY_FILLED, K.CANCEL_REJECTED): S.PARTIALLY_FILLED,
    (S.CANCEL_PENDING, K.CANCEL_REQUESTED): S.CANCEL_PENDING,
    (S.CANCEL_PENDING, K.CANCELLED): S.CANCELLED,
    (S.CANCEL_PENDING, K.EXPIRED): S.EXPIRED,
    (S.CANCEL_PENDING, K.REJECTED): S.REJECTED,
    # Handled in code: CANCEL_PENDING + CANCEL_REJECTED returns to the status before
    # the cancel request; CANCEL_PENDING + ACCEPTED (a late acknowledgement) is
    # remembered for that; SUBMIT_AMBIGUOUS after an acknowledgement is a late duplicate.
}

FILLABLE = frozenset({S.NEW, S.UNKNOWN, S.ACCEPTED, S.PARTIALLY_FILLED, S.CANCEL_PENDING})

# Reports that may arrive late for a finished order and mean nothing new.
LATE_BENIGN = frozenset({K.ACCEPTED, K.CANCEL_REJECTED, K.CANCEL_REQUESTED, K.SUBMIT_AMBIGUOUS})

# An ambiguous submit (REST timed out) reported after the venue already told us
# more (acknowledged, filled, or we asked to cancel) adds nothing: a late duplicate.
ACKNOWLEDGED = frozenset({S.ACCEPTED, S.PARTIALLY_FILLED, S.CANCEL_PENDING})

# The reason the shell gives when it infers an outcome from the venue's silence.
NOT_AT_VENUE = "not_at_venue"
INFERRED = frozenset({S.REJECTED, S.CANCELLED})
SETTLING = {K.CANCELLED: S.CANCELLED, K.REJECTED: S.REJECTED, K.EXPIRED: S.EXPIRED}
