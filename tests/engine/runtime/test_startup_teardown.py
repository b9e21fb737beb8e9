"""A start-up that fails half-way releases exactly what it acquired (issue 11).

The runtime acquires the store, then the venue (an embedded simulator, its
client), then the session's tasks, the HTTP server and the plugins, and releases
them in reverse order through one ``AsyncExitStack``. Each test makes one stage
fail and checks what was started is stopped and the exit code: 1 for a refusal
("refusing to start: ...") or a failed task; a store that cannot be opened is
raised, as before (the process exits 1 with the traceback).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from engine.config import load_config
from engine.runtime.app import Runtime
from engine.runtime.cli import options_from_config
from engine.runtime.options import RuntimeOptions
from engine.store import RunRecord
from engine.store import StoreReader
from engine.store import create_store_engine


def _options(tmp_path: Path, http: str | None = None, **changes: object) -> RuntimeOptions:
    config = tmp_path / "bot.toml"
    listen = f'[http]\nlisten = "{http}"\n' if http else ""
    config.write_text(f'[store]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n{listen}')
    options = options_from_config(load_config(config, {}))
    base = {"load_plugins": False, "status_interval_s": 3600.0}
    if not http:
        base["http_port"] = None
    return options.replace_flat(**{**base, **changes})


async def _stored_run(tmp_path: Path, run_id: str) -> RunRecord | None:
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        return await StoreReader(engine).run(run_id)
    finally:
        await engine.dispose()


async def _refused(url: str) -> bool:
    """True when nothing answers at ``url`` any more."""
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{url}/sim/identity") as r:
            await r.read()
    except aiohttp.ClientConnectionError:
        return True
    return False


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_store_that_cannot_be_opened_starts_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()  # a directory where the database file should be
    opts = _options(tmp_path, store_url=f"sqlite+aiosqlite:///{tmp_path / 'db'}")
    rt = Runtime(opts)
    with pytest.raises(Exception, match="Is a directory"):
        await rt.run()
    store = rt._store
    assert store is None or store.engine.sync_engine.pool.checkedout() == 0
    assert rt._venue is None and rt._session is None and not rt.ready


async def test_a_refused_venue_releases_the_store(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"  # nothing there: not the simulator
    rt = Runtime(_options(tmp_path, venue_url=url))
    assert await rt.run() == 1
    assert rt._venue is None and rt._session is None
    run = await _stored_run(tmp_path, rt.run_id)
    assert run is not None and run.ended_ts is not None  # the store was closed


async def test_instruments_refused_stop_the_embedded_simulator_and_the_store(
    tmp_path: Path,
) -> None:
    rt = Runtime(_options(tmp_path, symbols=("NOSUCH",)))
    assert await rt.run() == 1
    sim = rt._sim
    assert sim is not None and await _refused(sim.url)
    assert rt._session is None and not rt.ready
    run = await _stored_run(tmp_path, rt.run_id)
    assert run is not None and run.ended_ts is not None


async def test_an_http_server_that_cannot_listen_stops_the_run(
    tmp_path: Path, taken_port: int
) -> None:
    rt = Runtime(_options(tmp_path, http=f"127.0.0.1:{taken_port}"))
    assert await rt.run() == 1  # the http task failed: orderly shutdown, then exit 1
    assert rt._session is not None and not rt.ready
    assert rt._session.updates is not None and rt._session.updates.done()
    sim = rt._sim
    assert sim is not None and await _refused(sim.url)
    run = await _stored_run(tmp_path, rt.run_id)
    assert run is not None and run.ended_ts is not None
