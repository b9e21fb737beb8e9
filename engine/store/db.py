"""Engine creation (WAL on SQLite) and programmatic Alembic migrations.

Any SQLAlchemy async URL works: ``sqlite+aiosqlite:///path.db`` (the default)
or ``postgresql+asyncpg://user@host/db``. Nothing here issues dialect-specific
SQL except the SQLite connection pragmas, which are set for SQLite URLs only.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine

from engine.config.secret import register as register_secret

DEFAULT_URL = "sqlite+aiosqlite:///scalpbot.db"
"""Where the store lives when the configuration names no URL."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: str | Path) -> str:
    """The async SQLite URL of a database file."""
    return f"sqlite+aiosqlite:///{Path(path)}"


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database (any driver)."""
    return make_url(url).get_backend_name() == "sqlite"


def create_store_engine(
    url: str = DEFAULT_URL, *, sqlite_busy_timeout: float = 5.0, echo: bool = False
) -> AsyncEngine:
    """An async engine for ``url``.

    For SQLite every new connection gets ``journal_mode=WAL`` (readers never
    block the writer), ``synchronous=NORMAL`` (durable across a process crash;
    the last commits may be lost on power loss) and ``foreign_keys=ON`` (as
    PostgreSQL would enforce them). ``sqlite_busy_timeout`` is how long (s) a
    statement waits for another connection's write lock before failing.
    """
    kwargs: dict[str, Any] = {"echo": echo}
    password = make_url(url).password
    if password:
        register_secret(str(password))  # e.g. in an exception quoting the DSN
    if is_sqlite(url):
        kwargs["connect_args"] = {"timeout": sqlite_busy_timeout}
        private_sqlite_files(url)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def private_sqlite_files(url: str) -> None:
    """Create the SQLite file of ``url`` readable only by this user (0600) before SQLite
    opens it, and take group/other access off an existing one and its ``-wal``, ``-shm``
    and ``-journal`` files (SQLite gives those the main file's mode when it makes them)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite reports the missing directory itself
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for name in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(name.stat().st_mode)
            if mode & 0o077:
                name.chmod(mode & 0o700)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def alembic_config(url: str | None = None, output_buffer: io.StringIO | None = None) -> Config:
    """An Alembic configuration built in code (no alembic.ini needed)."""
    config = Config(output_buffer=output_buffer)
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation: a literal '%' in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration revision shipped with this package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found")
    return head


async def migrate(target: str | AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database at ``target`` (a URL or an engine) to ``revision``.

    This is the only way production code creates or changes the schema.
    """
    engine = create_store_engine(target) if isinstance(target, str) else target
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run_command, "upgrade", revision)
    finally:
        if isinstance(target, str):
            await engine.dispose()


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the database to ``revision`` (``"base"`` drops everything)."""
    async with engine.begin() as conn:
        await conn.run_sync(_run_command, "downgrade", revision)


def _run_command(connection: Connection, name: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    if name == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (``None`` if it was never migrated)."""
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision()
        )


def migration_sql(url: str, revision: str = "head") -> str:
    """The DDL that upgrading an empty database at ``url`` would run (offline mode).

    Needs no connection and no driver, so a DBA can review the PostgreSQL
    schema from any machine.
    """
    buffer = io.StringIO()
    config = alembic_config(url, output_buffer=buffer)
    command.upgrade(config, revision, sql=True)
    return buffer.getvalue()
