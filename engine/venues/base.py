"""The venue port: what the runtime needs from any venue, in model units.

Adapters convert the venue's wire shapes (strings, decimals, symbols) into
ticks, lots and nanos with the instrument, so nothing above this line parses a
venue's text. Every adapter package uses the same file names: ``config.py``
(its frozen configs), ``protocol.py`` (wire shapes and codecs), ``data.py`` (market
data), ``execution.py`` (orders) and ``factories.py`` (the venue built from a
:class:`VenueSpec`, offered to :mod:`engine.venues.registry`). The simulated venue is
the server side of the Alpaca protocol: its factory serves it through the Alpaca adapter.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from enum import Enum
from typing import Protocol

import msgspec

from engine.config.secret import MASK
from engine.config.secret import register_all
from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import OrderType
from engine.model import Side
from engine.model import Symbol
from engine.model import TimeInForce
from engine.model import VenueOrderId
from engine.model.events import FeedEvent
from engine.model.events import FeedState

__all__ = ["FeedEvent", "FeedState"]  # re-exported for adapters


class VenueError(Exception):
    """A venue call failed in a way that leaves nothing ambiguous (e.g. a 4xx)."""


class SubmitOutcome(Enum):
    ACCEPTED = "accepted"  # the venue took the order
    REJECTED = "rejected"  # the venue refused it (4xx): nothing is working
    AMBIGUOUS = "ambiguous"  # timeout, dropped connection, 5xx: resolve by query


class SubmitResult(msgspec.Struct, frozen=True):
    outcome: SubmitOutcome
    venue_order_id: VenueOrderId | None = None
    reason: str = ""
    status: OrderStatus | None = None  # the status in the venue's answer, if any


class VenueOrder(msgspec.Struct, frozen=True):
    """An order as the venue knows it (for queries and reconciliation)."""

    client_order_id: ClientOrderId
    venue_order_id: VenueOrderId
    symbol: Symbol
    side: Side
    qty: int
    filled_qty: int
    avg_fill_price: float  # ticks; 0.0 when nothing filled
    status: OrderStatus
    order_type: OrderType
    tif: TimeInForce
    price: int  # limit price in ticks, 0 for market
    created_ts: int
    updated_ts: int
    fee: int = 0  # fees charged for the whole order so far, nanos; 0 = not said (Alpaca)

    def to_order(self) -> Order:
        return Order(
            self.client_order_id,
            self.symbol,
            self.side,
            self.qty,
            self.order_type,
            self.tif,
            self.price,
            self.status,
            self.filled_qty,
            self.avg_fill_price,
            self.created_ts,
            self.updated_ts,
            self.venue_order_id,
            reason="venue",
        )


class VenuePosition(msgspec.Struct, frozen=True):
    symbol: Symbol
    qty: int  # signed lots
    avg_price: float  # ticks
    current_price: float = 0.0  # ticks: the venue's own mark of the position; 0 = unknown


class VenueAccount(msgspec.Struct, frozen=True):
    cash: int  # nanos
    equity: int  # nanos
    buying_power: int  # nanos


class CloseResult(msgspec.Struct, frozen=True):
    """One entry of a close-all: the symbol, and the order or why not."""

    symbol: Symbol
    ok: bool
    client_order_id: ClientOrderId | None = None
    reason: str = ""


class MarketSink(Protocol):
    """Where a market-data adapter delivers decoded ticks (called on the loop, synchronously).

    ``on_quote``/``on_trade`` return False when the sink dropped the tick (the runtime's
    sanity gate); an adapter's stale watchdog counts only ticks not refused (None or
    True), so a symbol whose every tick is dropped goes stale.
    """

    def on_quote(
        self, symbol: Symbol, ts: int, bid: int, bid_size: int, ask: int, ask_size: int
    ) -> bool | None: ...

    def on_trade(
        self, symbol: Symbol, ts: int, price: int, size: int, aggressor: Side
    ) -> bool | None: ...

    def on_feed(self, event: FeedEvent) -> None: ...

    def on_decode_error(self, reason: str) -> None: ...


class MarketData(Protocol):
    """A market-data stream: connects, subscribes, decodes, reconnects by itself."""

    async def run(self, symbols: list[Symbol], sink: MarketSink) -> None:
        """Stream until cancelled, reconnecting with backoff; never returns normally."""
        ...


ReportHandler = Callable[[ExecutionReport], None]
FeedHandler = Callable[[FeedEvent], None]
RecoveryHandler = Callable[[list[VenueOrder]], None]


class Execution(Protocol):
    """Orders, positions and the account. ``submit`` is never retried."""

    async def instruments(self, symbols: list[Symbol]) -> list[Instrument]: ...

    async def run_updates(
        self,
        on_report: ReportHandler,
        on_feed: FeedHandler,
        on_recovered: RecoveryHandler | None = None,
    ) -> None:
        """Stream order updates until cancelled, reconnecting and recovering missed
        events by listing orders changed since the last one seen (their snapshots go to
        ``on_recovered`` after each reconnect)."""
        ...

    def begin_submit(self, order: Order) -> Awaitable[SubmitResult]:
        """Send the order now, from the caller's stack where the transport allows
        (the hot path calls this), once; the awaitable gives the outcome."""
        ...

    async def submit(self, order: Order) -> SubmitResult:
        """``await begin_submit(order)``."""
        ...

    async def warm(self) -> None:
        """Open what the order path needs ahead of the first order (best effort)."""
        ...

    async def cancel(self, client_order_id: ClientOrderId) -> bool:
        """Ask to cancel; True if the venue accepted the request."""
        ...

    async def cancel_all(self) -> int: ...

    async def query_order(self, client_order_id: ClientOrderId) -> VenueOrder | None: ...

    async def list_orders(self, status: str = "open", after_ts: int = 0) -> list[VenueOrder]: ...

    async def positions(self) -> list[VenuePosition]: ...

    async def account(self) -> VenueAccount: ...

    async def close_all_positions(self) -> list[CloseResult]: ...

    async def close(self) -> None: ...


# -- building a venue (engine.venues.registry) -------------------------------------------


class VenueRefusedError(Exception):
    """The venue cannot be used as configured (e.g. a sim URL that is not the simulator);
    the message is one line for the person starting the bot."""


class VenueSpec(msgspec.Struct, frozen=True, kw_only=True):
    """The frozen venue config the registry builds a venue from: ``[venue]``, ``[sim]``,
    the secrets and ``--venue-url`` resolved. ``key``/``secret`` are registered with the
    log redactor and ``repr`` shows neither."""

    kind: str = "sim"  # the registry key: sim | alpaca
    url: str | None = None  # None: the embedded simulator (sim) or Alpaca paper (alpaca)
    data_url: str | None = None  # market-data stream URL when it differs (real Alpaca)
    feed: str = "iex"
    key: str = "sim-key"
    secret: str = "sim-secret"
    timeout_s: float = 5.0  # every REST call; a submit past it is ambiguous
    stale_after_s: float = 5.0  # a symbol with no quote this long is stale
    sim: msgspec.Struct | None = None  # kind sim: the embedded SimVenueConfig (None: defaults)

    def __post_init__(self) -> None:
        register_all((self.key, self.secret))

    def __repr__(self) -> str:
        fields = []
        for name in self.__struct_fields__:
            value = MASK if name in ("key", "secret") else getattr(self, name)
            fields.append(f"{name}={value!r}")
        return f"VenueSpec({', '.join(fields)})"

    __str__ = __repr__


class Venue(Protocol):
    """A venue built from a :class:`VenueSpec`, alive between enter and exit of the
    context manager the registry returns."""

    @property
    def name(self) -> str:
        """For status and logs: "sim (embedded)", "sim", "alpaca"."""
        ...

    @property
    def url(self) -> str:
        """The REST base URL the execution talks to (the embedded simulator's loopback
        address when it is embedded)."""
        ...

    @property
    def execution(self) -> Execution: ...

    def market_data(self, instruments: dict[Symbol, Instrument], rng: random.Random) -> MarketData:
        """The data feed for these instruments (no socket until ``run``)."""
        ...


VenueFactory = Callable[[VenueSpec], AbstractAsyncContextManager[Venue]]
"""What a venue package's ``factories.py`` offers the registry: the venue's lifetime."""
