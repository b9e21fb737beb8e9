"""Runs: a backtest, replay, paper or live session and what it produced.

A live session calls :func:`start_run`, gives the run id to its
:class:`~engine.store.writer.StoreWriter` and calls :func:`finish_run` at the
end. A backtest that already holds its events calls :func:`write_run`, which
stores the run row and every item in one transaction, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from itertools import islice
from typing import Any

import msgspec
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.store.models import RunRow
from engine.store.persist import StoreItem
from engine.store.persist import write_items

RUNS: Table = RunRow.__table__  # type: ignore[assignment]

RUN_KINDS = frozenset({"backtest", "replay", "paper", "live"})


def _json(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    converted = msgspec.to_builtins(dict(value))
    assert isinstance(converted, dict)
    return converted


async def _insert_run(
    conn: AsyncConnection, run_id: str, kind: str, started_ts: int, params: Mapping[str, Any]
) -> None:
    if kind not in RUN_KINDS:
        raise ValueError(f"run kind must be one of {sorted(RUN_KINDS)}, not {kind!r}")
    row = {"id": run_id, "kind": kind, "started_ts": started_ts, "params": _json(params)}
    await conn.execute(insert(RUNS), [row])


async def _finish(
    conn: AsyncConnection, run_id: str, ended_ts: int, summary: Mapping[str, Any] | None
) -> None:
    stmt = update(RUNS).where(RUNS.c.id == run_id).values(ended_ts=ended_ts, summary=_json(summary))
    result = await conn.execute(stmt)
    if result.rowcount != 1:
        raise LookupError(f"no run {run_id!r}")


async def start_run(
    engine: AsyncEngine,
    run_id: str,
    kind: str,
    *,
    started_ts: int,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Record that run ``run_id`` of ``kind`` started (rows may then refer to it)."""
    async with engine.begin() as conn:
        await _insert_run(conn, run_id, kind, started_ts, params or {})


async def finish_run(
    engine: AsyncEngine,
    run_id: str,
    *,
    ended_ts: int,
    summary: Mapping[str, Any] | None = None,
) -> None:
    """Record the end of a run and its summary (JSON-able values, msgspec types allowed)."""
    async with engine.begin() as conn:
        await _finish(conn, run_id, ended_ts, summary)


def _chunks(items: Iterable[StoreItem], size: int) -> Iterator[list[StoreItem]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def write_run(  # noqa: PLR0913 (keyword-only run record)
    engine: AsyncEngine,
    *,
    run_id: str,
    kind: str,
    started_ts: int,
    ended_ts: int,
    items: Iterable[StoreItem],
    params: Mapping[str, Any] | None = None,
    summary: Mapping[str, Any] | None = None,
    batch_size: int = 1000,
) -> int:
    """Store a finished run and its items; return the number of rows written.

    Everything goes in one transaction (the run is stored whole or not at all),
    as one statement per table per ``batch_size`` items; ``items`` is consumed
    lazily. Client order ids and exec ids must be unique across runs (give the
    backtest's ``IdFactory`` the run id as its run tag): an order id already in
    the store is updated rather than duplicated, and a known exec id is skipped.
    """
    rows = 0
    async with engine.begin() as conn:
        await _insert_run(conn, run_id, kind, started_ts, params or {})
        for chunk in _chunks(items, batch_size):
            rows += await write_items(conn, chunk, run_id)
        await _finish(conn, run_id, ended_ts, summary)
    return rows
