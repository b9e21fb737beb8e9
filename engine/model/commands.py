"""Commands the core hands to the shell for the venue."""

from __future__ import annotations

import msgspec

from engine.model.ids import ClientOrderId
from engine.model.ids import Symbol
from engine.model.orders import Order


class SubmitOrder(msgspec.Struct, frozen=True):
    order: Order


class CancelOrder(msgspec.Struct, frozen=True):
    client_order_id: ClientOrderId
    symbol: Symbol


VenueCommand = SubmitOrder | CancelOrder
