"""The store's read API, for the control layer, Telegram and reports.

Every method returns engine model types or small frozen result structs, never
ORM rows. "Recent" lists are newest first; "since" lists are oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from engine.model.enums import LiquiditySide, OrderStatus, OrderType, Side, TimeInForce
from engine.model.events import AuditRecord, EngineEvent
from engine.model.ids import ClientOrderId, ExecutionId, Symbol, VenueOrderId
from engine.model.orders import Fill, Order
from engine.model.portfolio import AccountSnapshot
from engine.store.models import AuditRow, EquitySnapshotRow, EventRow, FillRow, OrderRow, RunRow

T = TypeVar("T")

WORKING_STATUSES = frozenset(s for s in OrderStatus if s.is_working)


class FillRecord(msgspec.Struct, frozen=True):
    """A stored fill with what it did to the portfolio (None if not recorded)."""

    fill: Fill
    realized_pnl: int | None
    position_qty: int | None
    run_id: str | None


class RunRecord(msgspec.Struct, frozen=True):
    """A stored run; ``ended_ts`` and ``summary`` are None while it is going on."""

    id: str
    kind: str
    started_ts: int
    ended_ts: int | None
    params: dict[str, Any]
    summary: dict[str, Any] | None


def order_from_row(row: OrderRow) -> Order:
    """The model :class:`Order` of an ``orders`` row."""
    return Order(
        client_order_id=ClientOrderId(row.client_order_id),
        symbol=Symbol(row.symbol),
        side=Side(row.side),
        qty=row.qty,
        order_type=OrderType(row.order_type),
        tif=TimeInForce(row.tif),
        price=row.price,
        status=OrderStatus(row.status),
        filled_qty=row.filled_qty,
        avg_fill_price=row.avg_fill_price,
        created_ts=row.created_ts,
        updated_ts=row.updated_ts,
        venue_order_id=None if row.venue_order_id is None else VenueOrderId(row.venue_order_id),
        is_entry=row.is_entry,
        reduce_only=row.reduce_only,
        reason=row.reason,
    )


def _fill_record(row: FillRow) -> FillRecord:
    fill = Fill(
        client_order_id=ClientOrderId(row.client_order_id),
        exec_id=ExecutionId(row.exec_id),
        symbol=Symbol(row.symbol),
        side=Side(row.side),
        qty=row.qty,
        price=row.price,
        fee=row.fee,
        liquidity=LiquiditySide(row.liquidity),
        ts=row.ts,
        is_entry=row.is_entry,
    )
    return FillRecord(fill, row.realized_pnl, row.position_qty, row.run_id)


def _account(row: EquitySnapshotRow) -> AccountSnapshot:
    return AccountSnapshot(
        ts=row.ts,
        cash=row.cash,
        equity=row.equity,
        realized_pnl=row.realized_pnl,
        unrealized_pnl=row.unrealized_pnl,
        fees=row.fees,
        high_water_mark=row.high_water_mark,
        drawdown=row.drawdown,
        gross_exposure=row.gross_exposure,
    )


def _event(row: EventRow) -> EngineEvent:
    event: EngineEvent = msgspec.convert(row.payload, type=EngineEvent)
    return event


class StoreReader:
    """Read-only queries over the store (safe to use while the writer runs)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def _all(self, stmt: Select[T]) -> Sequence[T]:
        session: AsyncSession
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def order_by_client_id(self, client_order_id: str) -> Order | None:
        """The stored state of one order, or None."""
        async with self._sessions() as session:
            row = await session.get(OrderRow, client_order_id)
        return None if row is None else order_from_row(row)

    async def orders(
        self,
        status: OrderStatus | Iterable[OrderStatus] | None = None,
        *,
        symbol: str | None = None,
        limit: int = 100,
    ) -> list[Order]:
        """Orders, most recently updated first, optionally by status and symbol."""
        stmt = select(OrderRow)
        if status is not None:
            wanted = [status] if isinstance(status, OrderStatus) else list(status)
            stmt = stmt.where(OrderRow.status.in_([s.value for s in wanted]))
        if symbol is not None:
            stmt = stmt.where(OrderRow.symbol == symbol)
        stmt = stmt.order_by(OrderRow.updated_ts.desc()).limit(limit)
        return [order_from_row(r) for r in await self._all(stmt)]

    async def open_orders(self, *, symbol: str | None = None, limit: int = 1000) -> list[Order]:
        """Orders not in a terminal status (what reconciliation checks at the venue)."""
        return await self.orders(WORKING_STATUSES, symbol=symbol, limit=limit)

    async def status_reasons(self, reason: str) -> frozenset[ClientOrderId]:
        """Orders whose status came with ``reason`` (e.g. ``not_at_venue``: inferred)."""
        ids = await self._all(
            select(OrderRow.client_order_id).where(OrderRow.status_reason == reason)
        )
        return frozenset(ClientOrderId(i) for i in ids)

    async def all_client_order_ids(self) -> frozenset[ClientOrderId]:
        """Every client order id ever stored (ids are unique forever)."""
        ids = await self._all(select(OrderRow.client_order_id))
        return frozenset(ClientOrderId(i) for i in ids)

    async def recent_fills(self, n: int = 20, *, symbol: str | None = None) -> list[FillRecord]:
        """The last ``n`` fills, newest first."""
        stmt = select(FillRow)
        if symbol is not None:
            stmt = stmt.where(FillRow.symbol == symbol)
        stmt = stmt.order_by(FillRow.ts.desc(), FillRow.id.desc()).limit(n)
        return [_fill_record(r) for r in await self._all(stmt)]

    async def fills_since(self, ts: int, *, symbol: str | None = None) -> list[FillRecord]:
        """Fills with ``ts`` at or after ``ts``, oldest first."""
        stmt = select(FillRow).where(FillRow.ts >= ts)
        if symbol is not None:
            stmt = stmt.where(FillRow.symbol == symbol)
        stmt = stmt.order_by(FillRow.ts, FillRow.id)
        return [_fill_record(r) for r in await self._all(stmt)]

    async def count_since(self, ts: int) -> tuple[int, int]:
        """(fills, round trips) stored with ``ts`` at or after ``ts`` (a day's counts)."""
        fills = select(func.count()).select_from(FillRow).where(FillRow.ts >= ts)
        trips = (
            select(func.count())
            .select_from(EventRow)
            .where(EventRow.kind == "RoundTripClosed", EventRow.ts >= ts)
        )
        async with self._sessions() as session:
            return int(await session.scalar(fills) or 0), int(await session.scalar(trips) or 0)

    async def equity_since(self, ts: int) -> list[AccountSnapshot]:
        """Equity snapshots at or after ``ts``, oldest first."""
        stmt = (
            select(EquitySnapshotRow)
            .where(EquitySnapshotRow.ts >= ts)
            .order_by(EquitySnapshotRow.ts, EquitySnapshotRow.id)
        )
        return [_account(r) for r in await self._all(stmt)]

    async def equity_at(self, ts: int) -> AccountSnapshot | None:
        """The last equity snapshot at or before ``ts`` (None: none that old)."""
        stmt = (
            select(EquitySnapshotRow)
            .where(EquitySnapshotRow.ts <= ts)
            .order_by(EquitySnapshotRow.ts.desc(), EquitySnapshotRow.id.desc())
            .limit(1)
        )
        rows = await self._all(stmt)
        return _account(rows[0]) if rows else None

    async def audit(self, n: int = 20) -> list[AuditRecord]:
        """The last ``n`` audited commands, newest first."""
        stmt = select(AuditRow).order_by(AuditRow.ts.desc(), AuditRow.id.desc()).limit(n)
        return [
            AuditRecord(ts=r.ts, actor=r.actor, action=r.action, args=r.args, outcome=r.outcome)
            for r in await self._all(stmt)
        ]

    async def events(
        self,
        n: int = 50,
        *,
        kinds: Iterable[type[EngineEvent]] | None = None,
        since: int | None = None,
    ) -> list[EngineEvent]:
        """The last ``n`` generic events (risk denials, state changes, breakers,
        order errors, signals, round trips), newest first, decoded to their types."""
        stmt = select(EventRow)
        if kinds is not None:
            stmt = stmt.where(EventRow.kind.in_([k.__name__ for k in kinds]))
        if since is not None:
            stmt = stmt.where(EventRow.ts >= since)
        stmt = stmt.order_by(EventRow.ts.desc(), EventRow.id.desc()).limit(n)
        return [_event(r) for r in await self._all(stmt)]

    async def run(self, run_id: str) -> RunRecord | None:
        """One stored run, or None."""
        async with self._sessions() as session:
            row = await session.get(RunRow, run_id)
        if row is None:
            return None
        return RunRecord(row.id, row.kind, row.started_ts, row.ended_ts, row.params, row.summary)
