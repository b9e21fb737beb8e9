"""Alembic environment for the store, async-aware.

Three ways in:

* ``engine.store.migrate()`` hands over an open connection in
  ``config.attributes["connection"]`` (the migration runs on it);
* the ``alembic`` command line (``alembic -c engine/store/alembic.ini ...``)
  builds its own async engine from ``sqlalchemy.url``;
* offline mode (``--sql``) renders the DDL for the URL's dialect without
  connecting.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from engine.store.db import DEFAULT_URL
from engine.store.db import create_store_engine
from engine.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or DEFAULT_URL


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_store_engine(_url())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run_on)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
elif isinstance(shared := config.attributes.get("connection"), Connection):
    _run_on(shared)
else:
    asyncio.run(_run_async())
