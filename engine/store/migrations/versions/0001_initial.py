"""The first schema: runs, orders, execution reports, fills, snapshots, events, audit.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(128)
SYM = sa.String(32)


def _row_id() -> sa.Column[int]:
    # BIGINT everywhere, INTEGER on SQLite so that it aliases the rowid.
    row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    return sa.Column("id", row_id, nullable=False, autoincrement=True)


def _fk_name(table: str) -> str:
    return f"fk_{table}_run_id_runs"


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_ts", sa.BigInteger(), nullable=False),
        sa.Column("ended_ts", sa.BigInteger(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "orders",
        sa.Column("client_order_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("symbol", SYM, nullable=False),
        sa.Column("side", sa.Integer(), nullable=False),
        sa.Column("qty", sa.BigInteger(), nullable=False),
        sa.Column("order_type", sa.String(16), nullable=False),
        sa.Column("tif", sa.String(8), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filled_qty", sa.BigInteger(), nullable=False),
        sa.Column("avg_fill_price", sa.Float(), nullable=False),
        sa.Column("created_ts", sa.BigInteger(), nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
        sa.Column("venue_order_id", ID, nullable=True),
        sa.Column("is_entry", sa.Boolean(), nullable=False),
        sa.Column("reduce_only", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("orders")),
        sa.PrimaryKeyConstraint("client_order_id", name="pk_orders"),
    )
    for column in ("run_id", "symbol", "status", "updated_ts", "venue_order_id"):
        op.create_index(f"ix_orders_{column}", "orders", [column])

    op.create_table(
        "execution_reports",
        _row_id(),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("client_order_id", ID, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("exec_id", ID, nullable=True),
        sa.Column("venue_order_id", ID, nullable=True),
        sa.Column("last_qty", sa.BigInteger(), nullable=False),
        sa.Column("last_price", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("liquidity", sa.String(8), nullable=False),
        sa.Column("cum_qty", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("execution_reports")),
        sa.PrimaryKeyConstraint("id", name="pk_execution_reports"),
    )
    for column in ("run_id", "client_order_id", "ts"):
        op.create_index(f"ix_execution_reports_{column}", "execution_reports", [column])

    op.create_table(
        "fills",
        _row_id(),
        sa.Column("exec_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("client_order_id", ID, nullable=False),
        sa.Column("symbol", SYM, nullable=False),
        sa.Column("side", sa.Integer(), nullable=False),
        sa.Column("qty", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("liquidity", sa.String(8), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("is_entry", sa.Boolean(), nullable=False),
        sa.Column("realized_pnl", sa.BigInteger(), nullable=True),
        sa.Column("position_qty", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("fills")),
        sa.PrimaryKeyConstraint("id", name="pk_fills"),
        sa.UniqueConstraint("exec_id", name="uq_fills_exec_id"),
    )
    for column in ("run_id", "client_order_id", "ts"):
        op.create_index(f"ix_fills_{column}", "fills", [column])

    op.create_table(
        "position_snapshots",
        _row_id(),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("symbol", SYM, nullable=False),
        sa.Column("qty", sa.BigInteger(), nullable=False),
        sa.Column("avg_price", sa.Float(), nullable=False),
        sa.Column("realized_pnl", sa.BigInteger(), nullable=False),
        sa.Column("unrealized_pnl", sa.BigInteger(), nullable=False),
        sa.Column("fees", sa.BigInteger(), nullable=False),
        sa.Column("mark2", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("position_snapshots")),
        sa.PrimaryKeyConstraint("id", name="pk_position_snapshots"),
    )
    op.create_index("ix_position_snapshots_run_id", "position_snapshots", ["run_id"])
    op.create_index("ix_position_snapshots_symbol_ts", "position_snapshots", ["symbol", "ts"])

    op.create_table(
        "equity_snapshots",
        _row_id(),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        *(
            sa.Column(name, sa.BigInteger(), nullable=False)
            for name in (
                "cash",
                "equity",
                "realized_pnl",
                "unrealized_pnl",
                "fees",
                "high_water_mark",
                "drawdown",
                "gross_exposure",
            )
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("equity_snapshots")),
        sa.PrimaryKeyConstraint("id", name="pk_equity_snapshots"),
    )
    op.create_index("ix_equity_snapshots_run_id", "equity_snapshots", ["run_id"])
    op.create_index("ix_equity_snapshots_ts", "equity_snapshots", ["ts"])

    op.create_table(
        "events",
        _row_id(),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("symbol", SYM, nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("events")),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_run_id", "events", ["run_id"])
    op.create_index("ix_events_ts", "events", ["ts"])
    op.create_index("ix_events_kind_ts", "events", ["kind", "ts"])

    op.create_table(
        "audit_log",
        _row_id(),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=_fk_name("audit_log")),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_run_id", "audit_log", ["run_id"])
    op.create_index("ix_audit_log_ts", "audit_log", ["ts"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "events",
        "equity_snapshots",
        "position_snapshots",
        "fills",
        "execution_reports",
        "orders",
    ):
        op.drop_table(table)
    op.drop_table("runs")
