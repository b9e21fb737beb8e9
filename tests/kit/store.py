"""The bot's store as a test prepares it: migrated, holding the events a run published."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from engine.model.events import EngineEvent
from engine.store import StoreWriter
from engine.store import create_store_engine
from engine.store import migrate


async def stored_events(path: Path, events: Iterable[EngineEvent]) -> AsyncEngine:
    """A migrated SQLite store at ``path`` holding ``events``, as the writer leaves them;
    the caller disposes of the engine."""
    engine = create_store_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    writer = StoreWriter(engine)
    writer.start()
    for event in events:
        writer.submit(event)
    await writer.close()
    return engine
