"""The store: orders, fills, events, snapshots, audit and runs in SQL.

SQLite (WAL) by default, any SQLAlchemy async URL by configuration. The schema
comes only from the Alembic migrations (:func:`migrate`); writes go through the
batching :class:`StoreWriter`; reads through :class:`StoreReader`.
"""

from engine.store.control_state import load_control_state
from engine.store.control_state import save_control_state
from engine.store.control_state import save_control_states
from engine.store.db import DEFAULT_URL
from engine.store.db import create_store_engine
from engine.store.db import current_revision
from engine.store.db import downgrade
from engine.store.db import head_revision
from engine.store.db import migrate
from engine.store.db import migration_sql
from engine.store.db import sqlite_url
from engine.store.persist import StoreItem
from engine.store.persist import write_items
from engine.store.queries import FillHistory
from engine.store.queries import FillRecord
from engine.store.queries import RunRecord
from engine.store.queries import StoreReader
from engine.store.runs import finish_run
from engine.store.runs import start_run
from engine.store.runs import write_run
from engine.store.writer import StoreWriter
from engine.store.writer import WriterStats

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
