"""Engine creation and migrations: the schema comes from Alembic and matches the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store import create_store_engine
from engine.store import current_revision
from engine.store import downgrade
from engine.store import head_revision
from engine.store import migrate
from engine.store import migration_sql
from engine.store import sqlite_url
from engine.store.db import is_sqlite
from engine.store.models import Base

TABLES = {
    "runs",
    "orders",
    "execution_reports",
    "fills",
    "position_snapshots",
    "equity_snapshots",
    "events",
    "audit_log",
    "control_state",
}


async def _diff(engine: AsyncEngine, metadata: sa.MetaData) -> list[Any]:
    def compare(conn: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        return await conn.run_sync(compare)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def test_migrate_creates_the_schema_from_an_empty_file(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "new.db")
    await migrate(url)
    engine = create_store_engine(url)
    try:
        assert await current_revision(engine) == head_revision()
        assert await _tables(engine) == TABLES | {"alembic_version"}
    finally:
        await engine.dispose()


async def test_migration_head_matches_the_orm_models(engine: AsyncEngine) -> None:
    assert await _diff(engine, Base.metadata) == []


async def test_the_comparison_would_notice_a_model_change(engine: AsyncEngine) -> None:
    changed = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    sa.Table("orders", changed, sa.Column("extra", sa.Integer), extend_existing=True)
    diff = await _diff(engine, changed)
    assert [d[0] for d in diff] == ["add_column"]


async def test_migrate_twice_is_a_no_op(engine: AsyncEngine) -> None:
    await migrate(engine)
    assert await current_revision(engine) == head_revision()


async def test_downgrade_to_base_then_upgrade_again(engine: AsyncEngine) -> None:
    await downgrade(engine, "base")
    assert await current_revision(engine) is None
    assert await _tables(engine) == {"alembic_version"}
    await migrate(engine)
    assert await _diff(engine, Base.metadata) == []


async def test_an_unmigrated_database_has_no_revision(tmp_path: Path) -> None:
    engine = create_store_engine(sqlite_url(tmp_path / "empty.db"))
    try:
        assert await current_revision(engine) is None
    finally:
        await engine.dispose()


async def test_sqlite_connections_use_wal_normal_sync_and_foreign_keys(
    engine: AsyncEngine, db_path: Path
) -> None:
    async with engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        sync = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
        fks = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
    assert (mode, sync, fks) == ("wal", 1, 1)  # synchronous 1 is NORMAL
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    with sqlite3.connect(db_path) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_postgresql_ddl_renders_without_a_driver_or_server() -> None:
    sql = migration_sql("postgresql+asyncpg://bot@db.invalid/scalpbot")
    assert "CREATE TABLE fills" in sql
    assert "id BIGSERIAL NOT NULL" in sql
    assert "CONSTRAINT uq_fills_exec_id UNIQUE (exec_id)" in sql
    assert "payload JSON NOT NULL" in sql
    assert "AUTOINCREMENT" not in sql and "PRAGMA" not in sql
    assert "UPDATE alembic_version" in sql or "INSERT INTO alembic_version" in sql


def test_only_sqlite_urls_are_sqlite() -> None:
    assert is_sqlite("sqlite+aiosqlite:///x.db")
    assert is_sqlite("sqlite+aiosqlite://")
    assert not is_sqlite("postgresql+asyncpg://u@h/db")


def test_production_code_never_creates_the_schema_with_create_all() -> None:
    package = Path(__file__).parents[3] / "engine" / "store"
    offenders = [p.name for p in package.rglob("*.py") if "create_all" in p.read_text()]
    assert offenders == []


async def test_control_state_round_trips_and_survives_a_new_engine(tmp_path):
    from engine.store import create_store_engine
    from engine.store import load_control_state
    from engine.store import migrate
    from engine.store import save_control_state

    url = f"sqlite+aiosqlite:///{tmp_path / 'ctl.db'}"
    engine = create_store_engine(url)
    await migrate(engine)
    await save_control_state(engine, "state:*", {"state": "paused"}, 1, "alice")
    await save_control_state(engine, "state:*", {"state": "halted"}, 2, "breaker")
    await save_control_state(engine, "resize:BTC", 0.5, 3, "bob")
    await engine.dispose()
    engine = create_store_engine(url)
    assert await load_control_state(engine) == {
        "state:*": {"state": "halted"},
        "resize:BTC": 0.5,
    }
    await engine.dispose()
