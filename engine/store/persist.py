"""How a batch of engine records becomes rows, written in one transaction.

Dialect-neutral: orders are upserted and fills inserted at most once per
``exec_id`` with ``INSERT ... ON CONFLICT`` on SQLite and PostgreSQL, and with
a select-then-write fallback on any other database.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any
from typing import TypeAlias
from typing import get_args

import msgspec
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.model.events import AuditRecord
from engine.model.events import EngineEvent
from engine.model.events import EquitySnapshot
from engine.model.events import FillApplied
from engine.model.events import OrderSubmitted
from engine.model.events import OrderUpdated
from engine.model.events import PositionSnapshot
from engine.model.events import TradingStateChanged
from engine.model.orders import ExecutionReport
from engine.model.orders import Order
from engine.store.models import AuditRow
from engine.store.models import EquitySnapshotRow
from engine.store.models import EventRow
from engine.store.models import ExecutionReportRow
from engine.store.models import FillRow
from engine.store.models import OrderRow
from engine.store.models import PositionSnapshotRow

StoreItem: TypeAlias = EngineEvent | ExecutionReport
"""Anything the store writer accepts."""

Row: TypeAlias = dict[str, Any]

ORDERS: Table = OrderRow.__table__  # type: ignore[assignment]
FILLS: Table = FillRow.__table__  # type: ignore[assignment]
_EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
_REPORTS: Table = ExecutionReportRow.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditRow.__table__  # type: ignore[assignment]
_EQUITY: Table = EquitySnapshotRow.__table__  # type: ignore[assignment]
_POSITIONS: Table = PositionSnapshotRow.__table__  # type: ignore[assignment]

_ORDER_KEEP_ON_UPDATE = frozenset({"client_order_id", "run_id", "created_ts"})


def order_row(order: Order, run_id: str | None, status_reason: str = "") -> Row:
    """The ``orders`` row of an order snapshot (``status_reason``: the last report's)."""
    return {
        "client_order_id": order.client_order_id,
        "run_id": run_id,
        "symbol": order.symbol,
        "side": int(order.side),
        "qty": order.qty,
        "order_type": order.order_type.value,
        "tif": order.tif.value,
        "price": order.price,
        "status": order.status.value,
        "filled_qty": order.filled_qty,
        "avg_fill_price": order.avg_fill_price,
        "created_ts": order.created_ts,
        "updated_ts": order.updated_ts,
        "venue_order_id": order.venue_order_id,
        "is_entry": order.is_entry,
        "reduce_only": order.reduce_only,
        "reason": order.reason,
        "status_reason": status_reason,
    }


def _fill_row(ev: FillApplied, run_id: str | None) -> Row:
    f = ev.fill
    return {
        "exec_id": f.exec_id,
        "run_id": run_id,
        "client_order_id": f.client_order_id,
        "symbol": f.symbol,
        "side": int(f.side),
        "qty": f.qty,
        "price": f.price,
        "fee": f.fee,
        "liquidity": f.liquidity.value,
        "ts": f.ts,
        "is_entry": f.is_entry,
        "realized_pnl": ev.realized_pnl,
        "position_qty": ev.position_qty,
    }


def _report_row(r: ExecutionReport, run_id: str | None) -> Row:
    return {
        "run_id": run_id,
        "client_order_id": r.client_order_id,
        "kind": r.kind.value,
        "ts": r.ts,
        "exec_id": r.exec_id,
        "venue_order_id": r.venue_order_id,
        "last_qty": r.last_qty,
        "last_price": r.last_price,
        "fee": r.fee,
        "liquidity": r.liquidity.value,
        "cum_qty": r.cum_qty,
        "reason": r.reason,
    }


def _equity_row(ev: EquitySnapshot, run_id: str | None) -> Row:
    row: Row = msgspec.structs.asdict(ev.account)
    row["run_id"] = run_id
    return row


def _position_row(ev: PositionSnapshot, run_id: str | None) -> Row:
    row: Row = msgspec.structs.asdict(ev.position)
    row["ts"] = ev.ts
    row["run_id"] = run_id
    return row


def _audit_row(ev: AuditRecord, run_id: str | None) -> Row:
    row: Row = msgspec.structs.asdict(ev)
    row["run_id"] = run_id
    return row


def event_row(ev: EngineEvent, run_id: str | None) -> Row:
    """The generic ``events`` row: kind is the struct's tag, payload its builtins form."""
    symbol = getattr(ev, "symbol", None)
    if isinstance(ev, TradingStateChanged) and ev.scope != "*":
        symbol = ev.scope
    return {
        "run_id": run_id,
        "ts": getattr(ev, "ts", 0),
        "kind": type(ev).__name__,
        "symbol": symbol,
        "payload": msgspec.to_builtins(ev),
    }


class _Rows:
    """A batch split by table; orders coalesced to the latest snapshot per id."""

    __slots__ = ("audit", "equity", "events", "fills", "orders", "positions", "reports")

    def __init__(self) -> None:
        self.orders: dict[str, Row] = {}
        self.fills: dict[str, Row] = {}
        self.reports: list[Row] = []
        self.events: list[Row] = []
        self.audit: list[Row] = []
        self.equity: list[Row] = []
        self.positions: list[Row] = []

    def add(self, item: StoreItem, run_id: str | None) -> None:
        handler = _DISPATCH.get(type(item))
        if handler is not None:
            handler(self, item, run_id)
        elif type(item) in _GENERIC:
            self.events.append(event_row(item, run_id))  # type: ignore[arg-type]
        else:
            raise TypeError(f"the store cannot write a {type(item).__name__}")

    def count(self) -> int:
        return sum(
            len(part)
            for part in (
                self.orders,
                self.fills,
                self.reports,
                self.events,
                self.audit,
                self.equity,
                self.positions,
            )
        )


def _add_order(rows: _Rows, item: Any, run_id: str | None) -> None:
    order: Order = item.order
    previous = rows.orders.get(order.client_order_id)
    if previous is None or previous["updated_ts"] <= order.updated_ts:
        rows.orders[order.client_order_id] = order_row(order, run_id, getattr(item, "reason", ""))


def _add_fill(rows: _Rows, item: Any, run_id: str | None) -> None:
    rows.fills.setdefault(item.fill.exec_id, _fill_row(item, run_id))


_DISPATCH: dict[type, Callable[[_Rows, Any, str | None], None]] = {
    OrderSubmitted: _add_order,
    OrderUpdated: _add_order,
    FillApplied: _add_fill,
    ExecutionReport: lambda rows, r, run: rows.reports.append(_report_row(r, run)),
    AuditRecord: lambda rows, ev, run: rows.audit.append(_audit_row(ev, run)),
    EquitySnapshot: lambda rows, ev, run: rows.equity.append(_equity_row(ev, run)),
    PositionSnapshot: lambda rows, ev, run: rows.positions.append(_position_row(ev, run)),
}


_GENERIC: frozenset[type] = frozenset(get_args(EngineEvent)) - _DISPATCH.keys()


async def write_items(
    conn: AsyncConnection,
    items: Iterable[StoreItem],
    run_id: str | None = None,
    *,
    dialect: str | None = None,
) -> int:
    """Write ``items`` on ``conn`` (inside the caller's transaction); return rows sent.

    ``dialect`` overrides the connection's dialect name when choosing the upsert
    strategy (tests use it to exercise the portable fallback on SQLite).
    """
    rows = _Rows()
    for item in items:
        rows.add(item, run_id)
    name = dialect or conn.dialect.name
    if rows.orders:
        await _upsert_orders(conn, list(rows.orders.values()), name)
    if rows.fills:
        await _insert_new_fills(conn, list(rows.fills.values()), name)
    for table, part in (
        (_REPORTS, rows.reports),
        (_EVENTS, rows.events),
        (_AUDIT, rows.audit),
        (_EQUITY, rows.equity),
        (_POSITIONS, rows.positions),
    ):
        if part:
            await conn.execute(insert(table), part)
    return rows.count()


def native_insert(name: str) -> Callable[[Table], Any] | None:
    if name == "sqlite":
        return sqlite.insert
    if name == "postgresql":
        return postgresql.insert
    return None


_ORDER_UPDATED = [c.name for c in ORDERS.columns if c.name not in _ORDER_KEEP_ON_UPDATE]


def order_upsert(dialect: str) -> Any | None:
    """``INSERT ... ON CONFLICT DO UPDATE`` of orders for ``dialect``, if it has one.

    A stored snapshot is replaced only by one at least as recent (``updated_ts``).
    """
    native = native_insert(dialect)
    if native is None:
        return None
    stmt = native(ORDERS)
    return stmt.on_conflict_do_update(
        index_elements=[ORDERS.c.client_order_id],
        set_={c: stmt.excluded[c] for c in _ORDER_UPDATED},
        where=stmt.excluded.updated_ts >= ORDERS.c.updated_ts,
    )


def fill_insert(dialect: str) -> Any | None:
    """``INSERT ... ON CONFLICT (exec_id) DO NOTHING`` for ``dialect``, if it has one."""
    native = native_insert(dialect)
    if native is None:
        return None
    return native(FILLS).on_conflict_do_nothing(index_elements=[FILLS.c.exec_id])


async def _upsert_orders(conn: AsyncConnection, rows: Sequence[Row], name: str) -> None:
    """Insert new orders; update known ones unless the stored snapshot is newer."""
    stmt = order_upsert(name)
    if stmt is not None:
        await conn.execute(stmt, list(rows))
        return
    known = await _insert_unknown(conn, rows, ORDERS, "client_order_id")
    changed = [{f"b_{k}": v for k, v in r.items()} for r in rows if r["client_order_id"] in known]
    if changed:
        stmt_u = (
            update(ORDERS)
            .where(ORDERS.c.client_order_id == bindparam("b_client_order_id"))
            .where(ORDERS.c.updated_ts <= bindparam("b_updated_ts"))
            .values({c: bindparam(f"b_{c}") for c in _ORDER_UPDATED})
        )
        await conn.execute(stmt_u, changed)


async def _insert_new_fills(conn: AsyncConnection, rows: Sequence[Row], name: str) -> None:
    """Insert fills whose ``exec_id`` is not stored yet (idempotent)."""
    stmt = fill_insert(name)
    if stmt is not None:
        await conn.execute(stmt, list(rows))
        return
    await _insert_unknown(conn, rows, FILLS, "exec_id")


async def _insert_unknown(
    conn: AsyncConnection, rows: Sequence[Row], table: Table, key: str
) -> set[str]:
    """Insert the rows whose ``key`` column is not stored yet; return the keys that were."""
    known = await _existing(conn, table.c[key], [r[key] for r in rows])
    new = [r for r in rows if r[key] not in known]
    if new:
        await conn.execute(insert(table), new)
    return known


async def _existing(conn: AsyncConnection, column: Any, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        result = await conn.execute(select(column).where(column.in_(keys[start : start + 500])))
        found.update(result.scalars())
    return found
