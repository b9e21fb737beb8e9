"""Read and write the control state table (rare writes: committed at once)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store.models import ControlStateRow
from engine.store.persist import native_insert


async def load_control_state(engine: AsyncEngine) -> dict[str, Any]:
    """Every saved key and its JSON value."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(ControlStateRow.key, ControlStateRow.value))
        return {key: value for key, value in rows}


async def save_control_state(
    engine: AsyncEngine, key: str, value: Any, ts: int, actor: str
) -> None:
    """Upsert one key; committed before returning (survives a crash right after)."""
    await save_control_states(engine, {key: value}, ts, actor)


async def save_control_states(
    engine: AsyncEngine, values: Mapping[str, Any], ts: int, actor: str
) -> None:
    """Upsert several keys in one transaction: all of them survive a crash, or none."""
    table: Table = ControlStateRow.__table__  # type: ignore[assignment]
    async with engine.begin() as conn:
        native = native_insert(conn.dialect.name)
        for key, value in values.items():
            row = {"key": key, "value": value, "updated_ts": ts, "actor": actor}
            if native is None:
                await conn.execute(delete(ControlStateRow).where(ControlStateRow.key == key))
                await conn.execute(table.insert().values(**row))
            else:
                stmt = native(table).values(**row)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[table.c.key],
                        set_={c: stmt.excluded[c] for c in ("value", "updated_ts", "actor")},
                    )
                )
