"""The store: orders, fills, events, snapshots, audit and runs in SQL.

SQLite (WAL) by default, any SQLAlchemy async URL by configuration. The schema
comes only from the Alembic migrations (:func:`migrate`); writes go through the
batching :class:`StoreWriter`; reads through :class:`StoreReader`.
"""

from engine.store.control_state import (
    load_control_state,
    save_control_state,
    save_control_states,
)
from engine.store.db import (
    DEFAULT_URL,
    create_store_engine,
    current_revision,
    downgrade,
    head_revision,
    migrate,
    migration_sql,
    sqlite_url,
)
from engine.store.persist import StoreItem, write_items
from engine.store.queries import FillHistory, FillRecord, RunRecord, StoreReader
from engine.store.runs import finish_run, start_run, write_run
from engine.store.writer import StoreWriter, WriterStats

__all__ = [
    "DEFAULT_URL",
    "FillHistory",
    "FillRecord",
    "RunRecord",
    "StoreItem",
    "StoreReader",
    "StoreWriter",
    "WriterStats",
    "create_store_engine",
    "current_revision",
    "downgrade",
    "finish_run",
    "head_revision",
    "load_control_state",
    "migrate",
    "migration_sql",
    "save_control_state",
    "save_control_states",
    "sqlite_url",
    "start_run",
    "write_items",
    "write_run",
]
