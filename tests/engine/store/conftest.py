"""Store fixtures: real SQLite files in tmp_path, migrated once and copied."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store import create_store_engine
from engine.store import migrate
from engine.store import sqlite_url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file upgraded to head once per session (copied per test)."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    asyncio.run(migrate(sqlite_url(path)))
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
async def engine(db_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = create_store_engine(sqlite_url(db_path))
    yield eng
    await eng.dispose()
