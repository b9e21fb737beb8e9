"""Frozen result types of the control API (money as Decimal in the quote currency)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from engine.model import Fill
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderType
from engine.model import Position
from engine.model import TradingState
from engine.model import money_to_decimal


def side_name(side: int) -> str:
    """A side as the control API spells it: "buy" or "sell"."""
    return "buy" if side > 0 else "sell"


class PositionView(msgspec.Struct, frozen=True):
    symbol: str
    qty: Decimal
    avg_price: Decimal
    mark: Decimal
    unrealized_pnl: Decimal
    realized_pnl: Decimal

    @classmethod
    def of(cls, inst: Instrument, p: Position) -> PositionView:
        return cls(
            p.symbol,
            inst.qty(p.qty),
            inst.price(p.avg_price),
            inst.price(p.mark2 / 2),
            money_to_decimal(p.unrealized_pnl),
            money_to_decimal(p.realized_pnl),
        )


class OrderView(msgspec.Struct, frozen=True):
    client_order_id: str
    symbol: str
    side: str
    qty: Decimal
    filled_qty: Decimal
    order_type: str
    price: Decimal | None
    status: str
    age_s: float

    @classmethod
    def of(cls, inst: Instrument, o: Order, now: int) -> OrderView:
        """``o`` as it stands at ``now`` (ns)."""
        return cls(
            o.client_order_id,
            o.symbol,
            side_name(o.side),
            inst.qty(o.qty),
            inst.qty(o.filled_qty),
            o.order_type.value,
            None if o.order_type is OrderType.MARKET else inst.price(o.price),
            o.status.value,
            (now - o.created_ts) / 1e9,
        )


class TradeView(msgspec.Struct, frozen=True):
    ts: int
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    client_order_id: str
    realized_pnl: Decimal | None = None  # what the fill closed, before fees (None: unknown)

    @classmethod
    def of(cls, inst: Instrument, f: Fill, realized_pnl: int | None) -> TradeView:
        """A fill, with what it closed in nanos (None: unknown)."""
        return cls(
            f.ts,
            f.symbol,
            side_name(f.side),
            inst.qty(f.qty),
            inst.price(f.price),
            money_to_decimal(f.fee),
            f.client_order_id,
            None if realized_pnl is None else money_to_decimal(realized_pnl),
        )


class SymbolStatus(msgspec.Struct, frozen=True):
    symbol: str
    state: TradingState
    last_tick_age_s: float | None
    stale: bool
    position: Decimal


class StatusReport(msgspec.Struct, frozen=True):
    run_id: str
    ready: bool
    state: TradingState
    state_actor: str
    venue: str
    feed_connected: bool
    symbols: list[SymbolStatus]
    equity: Decimal
    day_pnl: Decimal
    drawdown: Decimal
    open_positions: int
    open_orders: int
    breakers: dict[str, str]


class PnlReport(msgspec.Struct, frozen=True):
    """P&L over a period: ``net = realized - fees + unrealized`` (``realized`` before
    fees; ``unrealized`` is the change in unrealized P&L over the period). See
    ``Control.pnl`` for where the period starts."""

    period: str
    since_ts: int
    net: Decimal
    realized: Decimal
    unrealized: Decimal
    fees: Decimal
    fills: int


class ActionResult(msgspec.Struct, frozen=True):
    ok: bool
    message: str


class SymbolOutcome(msgspec.Struct, frozen=True):
    symbol: str
    ok: bool
    detail: str


class FlattenResult(msgspec.Struct, frozen=True):
    ok: bool
    symbols: list[SymbolOutcome]


class KillResult(msgspec.Struct, frozen=True):
    """What the kill switch did, and what the venue still shows afterwards."""

    ok: bool
    cancelled: int
    flatten_orders: int
    leftover_orders: list[str]
    leftover_positions: list[str]
    notes: list[str]


class HealthReport(msgspec.Struct, frozen=True):
    ready: bool
    feed_connected: bool
    stale_symbols: list[str]
    reconnects: int
    decode_errors: dict[str, int]
    sanity_rejects: dict[str, int]
    orders_last_minute: int
    pending_venue_calls: int
    store_queue: int
    store_rows_written: int
    store_errors: int
    store_writable: bool
    last_reconcile_ts: int
    last_reconcile_ok: bool
    event_subscriber_failures: dict[str, int]


class HistogramView(msgspec.Struct, frozen=True):
    """Cumulative buckets in seconds: (upper bound, count), ending with +inf."""

    buckets: list[tuple[float, int]]
    sum: float
    count: int


class SymbolTelemetry(msgspec.Struct, frozen=True):
    symbol: str
    quotes: int
    trades: int
    last_tick_age_s: float | None
    stale: bool
    state: str
    position: float  # in instrument units, signed
    exposure: float  # marked value, quote currency
    unrealized_pnl: float


class TelemetrySnapshot(msgspec.Struct, frozen=True):
    """Everything the metrics exporter reads, in one synchronous call (floats for export)."""

    venue: str
    ready: bool
    feed_connected: bool
    reconnects: int
    decode_errors: dict[str, int]
    sanity_rejects: dict[str, int]
    symbols: list[SymbolTelemetry]
    state: str
    breakers: list[str]
    equity: float
    cash: float
    realized_pnl: float
    unrealized_pnl: float
    day_pnl: float
    drawdown: float
    high_water_mark: float
    gross_exposure: float
    fees: float
    tick_to_trade: HistogramView
    submit_to_ack: HistogramView
    ack_to_fill: HistogramView
    store_queue: int
    store_rows_written: int
    store_errors: int
    store_last_batch_s: float
    reconcile_runs: int
    reconcile_ok: bool
    last_reconcile_ts: int
    pending_venue_calls: int
    daily_loss_limit: float
