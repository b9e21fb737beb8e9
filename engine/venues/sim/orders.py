"""An order as the simulated venue records it, and its Alpaca JSON form.

The mutable record :class:`SimOrder` lives here with its state-file form and the
Alpaca order object it renders (numbers as strings), so REST answers, trade_updates
events and the state file all describe an order the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from typing import Any

from engine.model import OrderType
from engine.model import Side
from engine.model import TimeInForce
from engine.venues.sim.ids import asset_id
from engine.venues.sim.protocol import Units
from engine.venues.sim.protocol import rfc3339
from engine.venues.sim.protocol import rfc3339_or_none

OPEN_STATUSES = frozenset({"accepted", "pending_new", "new", "partially_filled"})
"""Alpaca statuses of an order that can still fill (``status=open``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequest:
    """What a ``POST /v2/orders`` asks for, checked: ticks and lots, not strings."""

    symbol: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    qty: int
    limit: int
    client_order_id: str | None
    extended_hours: bool


@dataclass(slots=True, eq=False, kw_only=True)
class SimOrder:
    """One order as the venue records it: ticks, lots, ns times, an Alpaca status."""

    id: str
    client_order_id: str
    symbol: str
    asset_class: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    qty: int
    limit: int
    intent: str
    created_at: int
    extended_hours: bool = False
    status: str = "accepted"
    filled: int = 0
    cost: int = 0  # sum of price x lots over fills (tick-lots)
    updated_at: int = field(init=False)
    filled_at: int = 0
    canceled_at: int = 0
    expired_at: int = 0
    failed_at: int = 0

    def __post_init__(self) -> None:
        self.updated_at = self.created_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def leaves(self) -> int:
        return self.qty - self.filled if self.is_open else 0

    def to_state(self) -> dict[str, Any]:
        """The record as plain JSON values (for the state file)."""
        state = {name: getattr(self, name) for name in _STATE_FIELDS}
        state["side"] = "buy" if self.side is Side.BUY else "sell"
        state["order_type"] = self.order_type.value
        state["tif"] = self.tif.value
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SimOrder:
        rec = cls(
            id=state["id"],
            client_order_id=state["client_order_id"],
            symbol=state["symbol"],
            asset_class=state["asset_class"],
            side=Side.BUY if state["side"] == "buy" else Side.SELL,
            order_type=OrderType(state["order_type"]),
            tif=TimeInForce(state["tif"]),
            qty=int(state["qty"]),
            limit=int(state["limit"]),
            intent=state["intent"],
            created_at=int(state["created_at"]),
            extended_hours=bool(state["extended_hours"]),
        )
        rec.status = str(state["status"])
        for name in _INT_STATE:
            setattr(rec, name, int(state[name]))
        return rec


_STATE_FIELDS = tuple(sorted(f.name for f in fields(SimOrder)))
"""The state file's keys, in the order the file has always had them."""
_INT_STATE = ("filled", "cost", "updated_at", "filled_at", "canceled_at", "expired_at", "failed_at")


def order_object(rec: SimOrder, units: Units) -> dict[str, Any]:
    """The Alpaca order object (protocols.md 1.3): numbers as strings, unset as null."""
    kind = rec.order_type.value
    created = rfc3339(rec.created_at)
    return {
        "id": rec.id,
        "client_order_id": rec.client_order_id,
        "created_at": created,
        "updated_at": rfc3339(rec.updated_at),
        "submitted_at": created,
        "filled_at": rfc3339_or_none(rec.filled_at),
        "expired_at": rfc3339_or_none(rec.expired_at),
        "canceled_at": rfc3339_or_none(rec.canceled_at),
        "failed_at": rfc3339_or_none(rec.failed_at),
        "replaced_at": None,
        "replaced_by": None,
        "replaces": None,
        "asset_id": asset_id(rec.symbol),
        "symbol": rec.symbol,
        "asset_class": rec.asset_class,
        "notional": None,
        "qty": units.qty_str(rec.qty),
        "filled_qty": units.qty_str(rec.filled),
        "filled_avg_price": units.avg_price_str(rec.cost, rec.filled),
        "order_class": "simple",
        "order_type": kind,
        "type": kind,
        "side": "buy" if rec.side is Side.BUY else "sell",
        "position_intent": rec.intent,
        "time_in_force": rec.tif.value,
        "limit_price": units.price_str(rec.limit) if rec.order_type is OrderType.LIMIT else None,
        "stop_price": None,
        "status": rec.status,
        "extended_hours": rec.extended_hours,
        "legs": None,
        "trail_percent": None,
        "trail_price": None,
        "hwm": None,
        "subtag": None,
        "source": None,
        "expires_at": None,
    }
