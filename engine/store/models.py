"""ORM models of the store: one table per kind of record the engine produces.

Integers are stored as the engine holds them (prices in ticks, quantities in
lots, money in nanos, timestamps in ns since the epoch), enums by value. The
schema is created only by the Alembic migrations in ``engine/store/migrations``;
a test checks that those migrations and these models agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RowId = BigInteger().with_variant(Integer(), "sqlite")
"""Surrogate keys: BIGINT everywhere, INTEGER on SQLite so it aliases the rowid."""

_ID = 128  # length of id-like strings (run ids, order ids, exec ids)
_SYM = 32


class Base(DeclarativeBase):
    """Declarative base carrying the store's metadata and constraint names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _run_fk() -> Mapped[str | None]:
    return mapped_column(String(_ID), ForeignKey("runs.id"), index=True, nullable=True)


class RunRow(Base):
    """A backtest, replay, paper or live session."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_ts: Mapped[int] = mapped_column(BigInteger)
    ended_ts: Mapped[int | None] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OrderRow(Base):
    """The latest known state of one order (upserted by client order id)."""

    __tablename__ = "orders"

    client_order_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    run_id: Mapped[str | None] = _run_fk()
    symbol: Mapped[str] = mapped_column(String(_SYM), index=True)
    side: Mapped[int] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(BigInteger)
    order_type: Mapped[str] = mapped_column(String(16))
    tif: Mapped[str] = mapped_column(String(8))
    price: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    filled_qty: Mapped[int] = mapped_column(BigInteger)
    avg_fill_price: Mapped[float] = mapped_column(Float)
    created_ts: Mapped[int] = mapped_column(BigInteger)
    updated_ts: Mapped[int] = mapped_column(BigInteger, index=True)
    venue_order_id: Mapped[str | None] = mapped_column(String(_ID), index=True)
    is_entry: Mapped[bool]
    reduce_only: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text)
    # The last report's reason (e.g. "not_at_venue": an outcome inferred, provisional).
    status_reason: Mapped[str] = mapped_column(Text, server_default="")


class ExecutionReportRow(Base):
    """Every execution report received, in arrival order."""

    __tablename__ = "execution_reports"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = _run_fk()
    client_order_id: Mapped[str] = mapped_column(String(_ID), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    ts: Mapped[int] = mapped_column(BigInteger, index=True)
    exec_id: Mapped[str | None] = mapped_column(String(_ID))
    venue_order_id: Mapped[str | None] = mapped_column(String(_ID))
    last_qty: Mapped[int] = mapped_column(BigInteger)
    last_price: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    liquidity: Mapped[str] = mapped_column(String(8))
    cum_qty: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)


class FillRow(Base):
    """One execution booked to the portfolio; ``exec_id`` makes inserts idempotent."""

    __tablename__ = "fills"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    exec_id: Mapped[str] = mapped_column(String(_ID), unique=True)
    run_id: Mapped[str | None] = _run_fk()
    client_order_id: Mapped[str] = mapped_column(String(_ID), index=True)
    symbol: Mapped[str] = mapped_column(String(_SYM))
    side: Mapped[int] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    liquidity: Mapped[str] = mapped_column(String(8))
    ts: Mapped[int] = mapped_column(BigInteger, index=True)
    is_entry: Mapped[bool]
    realized_pnl: Mapped[int | None] = mapped_column(BigInteger)
    position_qty: Mapped[int | None] = mapped_column(BigInteger)


class PositionSnapshotRow(Base):
    __tablename__ = "position_snapshots"
    __table_args__ = (Index(None, "symbol", "ts"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = _run_fk()
    ts: Mapped[int] = mapped_column(BigInteger)
    symbol: Mapped[str] = mapped_column(String(_SYM))
    qty: Mapped[int] = mapped_column(BigInteger)
    avg_price: Mapped[float] = mapped_column(Float)
    realized_pnl: Mapped[int] = mapped_column(BigInteger)
    unrealized_pnl: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
    mark2: Mapped[int] = mapped_column(BigInteger)


class EquitySnapshotRow(Base):
    __tablename__ = "equity_snapshots"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = _run_fk()
    ts: Mapped[int] = mapped_column(BigInteger, index=True)
    cash: Mapped[int] = mapped_column(BigInteger)
    equity: Mapped[int] = mapped_column(BigInteger)
    realized_pnl: Mapped[int] = mapped_column(BigInteger)
    unrealized_pnl: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
    high_water_mark: Mapped[int] = mapped_column(BigInteger)
    drawdown: Mapped[int] = mapped_column(BigInteger)
    gross_exposure: Mapped[int] = mapped_column(BigInteger)


class EventRow(Base):
    """Any other engine event: ``kind`` is its tag, ``payload`` its msgspec form."""

    __tablename__ = "events"
    __table_args__ = (Index(None, "kind", "ts"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = _run_fk()
    ts: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str | None] = mapped_column(String(_SYM))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditRow(Base):
    """A command someone gave (who, what, with which arguments, and the outcome)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = _run_fk()
    ts: Mapped[int] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    args: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)


class ControlStateRow(Base):
    """Settings a person (or a breaker) changed that must survive a restart:
    trading states, limit overrides, resize factors, latched breakers, the day's
    starting equity. One row per key, the value as JSON."""

    __tablename__ = "control_state"

    key: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)
    updated_ts: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actor: Mapped[str] = mapped_column(String(_ID), nullable=False)
