"""The store's read API, for the control layer, Telegram and reports.

Every method returns engine model types or small frozen result structs, never
ORM rows. "Recent" lists are newest first; "since" lists are oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

import msgspec
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.asyncio import async_sessionmaker

from engine.model.enums import LiquiditySide
from engine.model.enums import OrderStatus
from engine.model.enums import OrderType
from engine.model.enums import Side
from engine.model.enums import TimeInForce
from engine.model.events import AuditRecord
from engine.model.events import EngineEvent
from engine.model.ids import ClientOrderId
from engine.model.ids import ExecutionId
from engine.model.ids import Symbol
from engine.model.ids import VenueOrderId
from engine.model.orders import Fill
from engine.model.orders import Order
from engine.model.portfolio import AccountSnapshot
from engine.store.models import AuditRow
from engine.store.models import EquitySnapshotRow
from engine.store.models import EventRow
from engine.store.models import FillRow
from engine.store.models import OrderRow
from engine.store.models import RunRow

T = TypeVar("T")

WORKING_STATUSES = frozenset(s for s in OrderStatus if s.is_working)


class FillRecord(msgspec.Struct, frozen=True):
    """A stored fill with what it did to the portfolio (None if not recorded)."""

    fill: Fill
    realized_pnl: int | None
    position_qty: int | None
    run_id: str | None


class FillHistory(msgspec.Struct, frozen=True):
    """What start-up replays of the stored fills (see :meth:`StoreReader.fill_history`)."""

    fills: list[FillRecord]  # oldest first (time, then insertion)
    carried: dict[Symbol, tuple[int, int]]  # symbol -> (realized P&L, fees) before ``fills``


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
    """The snapshot of an ``equity_snapshots`` row: every field is the column of its name."""
    return AccountSnapshot(
        **{name: getattr(row, name) for name in AccountSnapshot.__struct_fields__}
    )


def _event(row: EventRow) -> EngineEvent:
    event: EngineEvent = msgspec.convert(row.payload, type=EngineEvent)
    return event


def _chunks(ids: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


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

    async def status_reasons(
        self, reason: str, among: Iterable[str] | None = None
    ) -> frozenset[ClientOrderId]:
        """Orders whose status came with ``reason`` (e.g. ``not_at_venue``: inferred),
        of the orders ``among`` when given."""
        stmt = select(OrderRow.client_order_id).where(OrderRow.status_reason == reason)
        if among is None:
            return frozenset(ClientOrderId(i) for i in await self._all(stmt))
        out: set[ClientOrderId] = set()
        for chunk in _chunks(among):
            ids = await self._all(stmt.where(OrderRow.client_order_id.in_(chunk)))
            out.update(ClientOrderId(i) for i in ids)
        return frozenset(out)

    # -- start-up: a bounded window, not the whole history ----------------------------------

    async def newest_update(self) -> int:
        """The newest ``updated_ts`` of any stored order (0: none)."""
        async with self._sessions() as session:
            newest = await session.scalar(select(func.max(OrderRow.updated_ts)))
        return int(newest or 0)

    async def recent_orders(self, since_ts: int, limit: int) -> list[Order]:
        """At most ``limit`` orders updated at or after ``since_ts``, newest first."""
        stmt = (
            select(OrderRow)
            .where(OrderRow.updated_ts >= since_ts)
            .order_by(OrderRow.updated_ts.desc())
            .limit(limit)
        )
        return [order_from_row(r) for r in await self._all(stmt)]

    async def orders_by_ids(self, ids: Iterable[str]) -> list[Order]:
        """The stored orders of these client order ids (unknown ids are left out)."""
        out: list[Order] = []
        for chunk in _chunks(ids):
            rows = await self._all(select(OrderRow).where(OrderRow.client_order_id.in_(chunk)))
            out.extend(order_from_row(r) for r in rows)
        return out

    async def fills_of(self, ids: Iterable[str]) -> list[FillRecord]:
        """The stored fills of these orders, oldest first."""
        out: list[FillRecord] = []
        for chunk in _chunks(ids):
            stmt = select(FillRow).where(FillRow.client_order_id.in_(chunk))
            out.extend(_fill_record(r) for r in await self._all(stmt))
        return sorted(out, key=lambda f: f.fill.ts)

    async def fill_history(self, before_ts: int) -> FillHistory:
        """Per symbol, every fill after the last one that left the position flat before
        ``before_ts`` (all of them when none did, or when a fill before it lacks its
        realized P&L), and the realized P&L and fees of the fills up to that point:
        replaying ``fills`` over ``carried`` rebuilds the positions, their FIFO lots and
        the running totals exactly, without loading the whole history."""
        flat = (
            select(FillRow.symbol, func.max(FillRow.id))
            .where(FillRow.position_qty == 0, FillRow.ts < before_ts)
            .group_by(FillRow.symbol)
        )
        session: AsyncSession
        async with self._sessions() as session:
            found = (await session.execute(flat)).all()
            cuts = {str(sym): int(last) for sym, last in found if last is not None}
            carried: dict[Symbol, tuple[int, int]] = {}
            for sym, last in list(cuts.items()):
                totals = select(
                    func.coalesce(func.sum(FillRow.realized_pnl), 0),
                    func.coalesce(func.sum(FillRow.fee), 0),
                    func.count() - func.count(FillRow.realized_pnl),
                ).where(FillRow.symbol == sym, FillRow.id <= last)
                realized, fees, unknown = (await session.execute(totals)).one()
                if unknown:
                    del cuts[sym]  # a total is not known: replay that symbol whole
                else:
                    carried[Symbol(sym)] = (int(realized or 0), int(fees or 0))
        rows: list[FillRow] = []
        for sym, last in cuts.items():
            rows.extend(
                await self._all(select(FillRow).where(FillRow.symbol == sym, FillRow.id > last))
            )
        rest = select(FillRow)
        if cuts:
            rest = rest.where(FillRow.symbol.not_in(list(cuts)))
        rows.extend(await self._all(rest))
        rows.sort(key=lambda r: (r.ts, r.id))
        return FillHistory([_fill_record(r) for r in rows], carried)

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
