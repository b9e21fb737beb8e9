"""Child processes (the simulated venue, the bot) and what the acceptance tests read back.

Everything is real: ``scalpbot sim-venue`` and ``scalpbot run`` as processes on
loopback ports (found by binding port 0, then closing), the bot's SQLite store,
the venue's REST API read through the project's Alpaca adapter. Nothing here
sleeps to wait for a condition: :func:`eventually` polls with a deadline. Every
child is killed when the test ends, and the tail of each child's log (kept in
``tmp_path``) is printed when the test failed.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections import defaultdict
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import NamedTuple
from typing import TypeVar

import aiohttp
import pytest

from engine.model import Fill
from engine.model import Instrument
from engine.model import Order
from engine.model import OrderStatus
from engine.model import Symbol
from engine.model.events import EngineEvent
from engine.model.events import Lifecycle
from engine.store import StoreReader
from engine.store import create_store_engine
from engine.venues.alpaca import AlpacaExecution
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.base import VenueOrder
from engine.venues.sim import DEFAULT_KEY
from engine.venues.sim import DEFAULT_SECRET
from engine.venues.sim import SimVenue
from tests.kit.sim import started_sim

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
SCALPBOT = str(Path(sys.executable).with_name("scalpbot"))
HOST = "127.0.0.1"
RECONCILIATION = "reconciliation"  # client order id of a reconciliation's position adjustment


# -- hooks: remember whether the test failed, for the log tails ------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# -- polling ---------------------------------------------------------------------------


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    timeout: float,
    what: str,
    *,
    every: float = 0.05,
    child: Child | None = None,
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds
    (or at once when ``child`` has exited meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if child is not None and child.returncode is not None:
            raise AssertionError(f"{child.name} exited ({child.returncode}) waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(every)


def free_port() -> int:
    """A port nobody listens on right now (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


# -- child processes ------------------------------------------------------------------------


# The simulated venue's key pair in every test: the in-process venue's defaults, given to
# every ``scalpbot sim-venue`` child too (see child_env); venue_truth reads with it.
SIM_KEY = DEFAULT_KEY
SIM_SECRET = DEFAULT_SECRET


def child_env() -> dict[str, str]:
    """This environment without any configuration of ours that could leak into a child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCALPBOT", "APCA_"))}
    env["PYTHONUNBUFFERED"] = "1"
    # The key pair ``scalpbot sim-venue`` takes and ``scalpbot run --venue-url`` sends
    # (docs/configuration.md), so no child makes or reads a keys file in the checkout.
    env["SCALPBOT_SIM_KEY"] = SIM_KEY
    env["SCALPBOT_SIM_SECRET"] = SIM_SECRET
    return env


class Child:
    """One child process; stdout and stderr go to ``log``."""

    def __init__(
        self, name: str, argv: list[str], log: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.name = name
        self.argv = argv
        self.log = log
        self._out = open(log, "ab")  # noqa: SIM115 - closed in kill()
        self.started_ns = time.time_ns()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env={**child_env(), **(env or {})},
            cwd=REPO,
        )

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()

    def send(self, sig: signal.Signals) -> int:
        """Send ``sig``; returns the wall time (ns) just before it was sent."""
        assert self.returncode is None, f"{self.name} already exited ({self.returncode})"
        ts = time.time_ns()
        os.kill(self.proc.pid, sig)
        return ts

    async def exited(self, timeout: float) -> int:
        """The exit code, polled until the process has ended (fails at the deadline)."""

        async def code() -> int | None:
            rc = self.returncode
            return None if rc is None else rc + 1000  # truthy even for exit code 0

        return await eventually(code, timeout, f"{self.name} to exit", every=0.02) - 1000

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text[-lines:])


class Children:
    """Every child a test started, so that all of them are killed at the end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.all: list[Child] = []

    def spawn(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> Child:
        """Start ``argv``; ``env`` is added to the children's environment."""
        child = Child(name, argv, self.directory / f"{name}.log", env)
        self.all.append(child)
        return child

    def kill_all(self) -> None:
        for child in self.all:
            child.kill()

    def tails(self) -> str:
        out = []
        for child in self.all[-4:] if len(self.all) > 4 else self.all:
            out.append(f"----- {child.name} (exit {child.returncode}): {child.log}")
            out.append(child.tail())
        return "\n".join(out)


@pytest.fixture
def children(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Children]:
    kids = Children(tmp_path)
    try:
        yield kids
    finally:
        kids.kill_all()
        report = getattr(request.node, "rep_call", None)
        if report is None or report.failed:
            print(f"\nlogs of the last children (all in {tmp_path}):\n{kids.tails()}")


# -- the simulated venue ---------------------------------------------------------------------


class Venue(NamedTuple):
    child: Child
    url: str


async def start_venue(
    children: Children,
    tmp_path: Path,
    *,
    seed: int,
    quote_rate: float = 200.0,
    faults: dict[str, float] | None = None,
    env: Mapping[str, str] | None = None,
) -> Venue:
    """``scalpbot sim-venue`` with a state file, listening on a free loopback port
    (``env`` added to its environment)."""
    port = free_port()
    argv = [
        SCALPBOT, "sim-venue", "--listen", f"{HOST}:{port}", "--seed", str(seed),
        "--quote-rate", str(quote_rate), "--state", str(tmp_path / "venue.json"),
    ]  # fmt: skip
    for name, value in (faults or {}).items():
        argv += ["--fault", f"{name}={value}"]
    child = children.spawn("venue", argv, env)
    url = f"http://{HOST}:{port}"
    async with aiohttp.ClientSession() as http:
        await eventually(lambda: get_json(http, f"{url}/sim/stats"), 20, "the venue", child=child)
    return Venue(child, url)


async def get_json(http: aiohttp.ClientSession, url: str) -> Any:
    """The JSON body of a 200 answer, or None (refused, another status, a timeout)."""
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
            return await resp.json() if resp.status == 200 else None
    except (aiohttp.ClientError, TimeoutError):
        return None


@pytest.fixture
async def sim_venue() -> AsyncIterator[SimVenue]:
    """A simulated venue in this process (for tests that drive a runtime in-process)."""
    async with started_sim(None, 11, 200.0) as sim:
        yield sim


class VenueTruth(NamedTuple):
    """What the venue says, read through the project's Alpaca adapter."""

    instruments: dict[Symbol, Instrument]
    orders: dict[str, VenueOrder]  # every order, by client order id
    positions: dict[Symbol, int]  # lots, signed, non-zero only
    open_orders: list[str]


async def venue_truth(url: str, timeout: float = 30.0) -> VenueTruth:
    """Read the venue's orders and positions, retrying until it answers (reads are
    idempotent; a venue with REST faults on may refuse a few times)."""

    async def read() -> VenueTruth | None:
        ex = AlpacaExecution(ExecutionConfig(url, SIM_KEY, SIM_SECRET))
        try:
            async with aiohttp.ClientSession() as http:
                stats = await get_json(http, f"{url}/sim/stats")
            if stats is None:
                return None
            instruments = await ex.instruments(stats["market"]["symbols"])
            orders = await ex.list_orders("all")
            positions = await ex.positions()
            open_orders = await ex.list_orders("open")
            async with aiohttp.ClientSession() as http:
                again = await get_json(http, f"{url}/sim/stats")
        except Exception as exc:
            print(f"venue read failed, retrying: {exc!r}")
            return None
        finally:
            await ex.close()
        if again is None or (again["orders"], again["fills"]) != (stats["orders"], stats["fills"]):
            return None  # it changed while being read: read again
        by_id = {o.client_order_id: o for o in orders}
        assert len(by_id) == len(orders), "the venue lists a client order id twice"
        assert len(orders) == stats["orders"], "the venue's listing is incomplete"
        return VenueTruth(
            {i.symbol: i for i in instruments},
            by_id,
            {p.symbol: p.qty for p in positions if p.qty},
            [o.client_order_id for o in open_orders],
        )

    return await eventually(read, timeout, "the venue's orders and positions", every=0.2)


# -- the bot ----------------------------------------------------------------------------------


def toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, sections: dict[str, dict[str, object]]) -> Path:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {toml(value)}" for key, value in values.items())
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def bot_config(tmp_path: Path, venue_url: str, db_url: str, **overrides: dict[str, object]) -> Path:
    """A config that trades often: short exits, fast reconciliation, quiet logs."""
    sections: dict[str, dict[str, object]] = {
        "venue": {"kind": "sim", "url": venue_url},
        "strategy": {"name": "micro_momentum"},
        "strategy.params": {
            "time_stop_s": 1.0,
            "cooldown_s": 0.2,
            "take_profit_ticks": 2,
            "stop_loss_ticks": 2,
        },
        "store": {"url": db_url},
        "log": {"status_interval_s": 3600.0},
        "schedule": {"reconcile_interval_s": 1.0, "equity_snapshot_s": 5.0},
        "shutdown": {"timeout_s": 10.0},  # longer than an ambiguity takes to resolve
    }
    for section, values in overrides.items():
        sections.setdefault(section.replace("__", "."), {}).update(values)
    return write_config(tmp_path / "bot.toml", sections)


class BotRun:
    """One ``scalpbot run`` process and its HTTP endpoints."""

    def __init__(self, child: Child, port: int) -> None:
        self.child = child
        self.base = f"http://{HOST}:{port}"
        self.ready_ns = 0
        self.killed_ns = 0  # when SIGKILL was sent (0: never)

    async def wait_ready(self, http: aiohttp.ClientSession, timeout: float = 30.0) -> None:
        await eventually(
            lambda: get_json(http, f"{self.base}/readyz"),
            timeout,
            f"{self.child.name} /readyz",
            child=self.child,
        )
        self.ready_ns = time.time_ns()

    async def status(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        body = await get_json(http, f"{self.base}/status")
        assert body is not None, f"{self.child.name} /status did not answer"
        result: dict[str, Any] = body
        return result


def start_bot(children: Children, name: str, config: Path, venue_url: str, db_url: str) -> BotRun:
    port = free_port()
    argv = [
        SCALPBOT, "run", "--config", str(config), "--venue-url", venue_url,
        "--db", db_url, "--http", f"{HOST}:{port}",
    ]  # fmt: skip
    return BotRun(children.spawn(name, argv), port)


# -- the bot's store --------------------------------------------------------------------------


class StoreView(NamedTuple):
    orders: dict[str, Order]
    fills: list[Fill]  # oldest first
    events: list[EngineEvent]  # oldest first

    def of(self, kind: type[T]) -> list[T]:
        return [e for e in self.events if isinstance(e, kind)]

    def ready_ts(self) -> dict[str, int]:
        """Run id -> ts of its durable ``Lifecycle ready`` event."""
        return {e.run_id: e.ts for e in self.of(Lifecycle) if e.phase == "ready"}


async def read_store(db_url: str) -> StoreView:
    engine = create_store_engine(db_url)
    try:
        reader = StoreReader(engine)
        orders = await reader.orders(None, limit=10_000_000)
        fills = [rec.fill for rec in await reader.fills_since(0)]
        events = await reader.events(10_000_000)
    finally:
        await engine.dispose()
    by_id = {o.client_order_id: o for o in orders}
    assert len(by_id) == len(orders), "the store holds a client order id twice"
    return StoreView(by_id, fills, events[::-1])


# -- what must hold between the store and the venue ---------------------------------------------


def run_of(client_order_id: str) -> str:
    """``sb-<run id>-<n>`` -> the run id."""
    prefix, run, seq = client_order_id.split("-")
    assert prefix == "sb" and run and seq.isdigit(), client_order_id
    return run


def check_books(store: StoreView, venue: VenueTruth) -> None:
    """Every venue order is stored with the venue's fills, each fill is counted exactly
    once, and the stored fills add up to the venue's positions."""
    missing = sorted(set(venue.orders) - set(store.orders))
    assert not missing, f"orders at the venue but not in the store: {missing}"
    for cid, vo in venue.orders.items():
        mine = store.orders[cid]
        assert (mine.filled_qty, mine.symbol, mine.side, mine.qty) == (
            vo.filled_qty,
            vo.symbol,
            vo.side,
            vo.qty,
        ), f"stored {mine} but the venue has {vo}"
        if vo.status.is_terminal:
            assert mine.status is vo.status, f"stored {mine.status} for {vo}"
    exec_ids = Counter(f.exec_id for f in store.fills)
    twice = [e for e, n in exec_ids.items() if n > 1]
    assert not twice, f"execution ids stored twice: {twice}"
    booked: Counter[str] = Counter()
    for f in store.fills:
        booked[f.client_order_id] += f.qty
    for cid, vo in venue.orders.items():
        assert booked[cid] == vo.filled_qty, f"{cid}: fills add up to {booked[cid]}, venue {vo}"
    strays = sorted(c for c in booked if c not in venue.orders and c != RECONCILIATION)
    assert not strays, f"fills for orders the venue never had: {strays}"
    for cid, order in store.orders.items():
        if cid not in venue.orders:
            assert order.filled_qty == 0 and not order.status.is_working, (
                f"never reached the venue, yet stored as {order.status.value}: {order}"
            )
    position: Counter[str] = Counter()
    for f in store.fills:
        position[f.symbol] += f.qty * f.side
    assert {s: q for s, q in position.items() if q} == venue.positions, (
        f"stored fills add up to {dict(position)}, the venue holds {venue.positions}"
    )


def check_ids(store: StoreView, venue: VenueTruth, starts: int) -> None:
    """A fresh run id for every process start, and client order ids used once: every
    id carries a run id of this store, and an order the bot recorded as rejected
    (a 422 for a reused id would be one) never exists at the venue."""
    starting = [e.run_id for e in store.of(Lifecycle) if e.phase == "starting"]
    assert len(starting) == starts, f"{starts} starts but {len(starting)} 'starting' events"
    assert len(set(starting)) == starts, f"a run id was used twice: {Counter(starting)}"
    for cid in set(store.orders) | set(venue.orders):
        assert run_of(cid) in starting, f"{cid} belongs to no run of this store"
    for cid, order in store.orders.items():
        vo = venue.orders.get(cid)
        if order.status is OrderStatus.REJECTED and vo is not None:
            assert vo.status is OrderStatus.REJECTED, f"rejected here, {vo.status} there: {cid}"


def check_one_intent_one_order(venue: VenueTruth, lots: int = 1) -> None:
    """No intent reached the venue twice: a long-only trader of one lot moves each
    position between 0 and ``lots`` and keeps one order per symbol working, so the
    venue's position, replayed through its orders in execution order, never leaves
    [0, lots], and within a run no order of a symbol is created before the previous
    one ended. A retried ambiguous submit would break one or the other."""
    replay: dict[str, int] = defaultdict(int)
    for vo in sorted(venue.orders.values(), key=lambda o: (o.updated_ts, o.created_ts)):
        replay[vo.symbol] += vo.filled_qty * vo.side
        assert 0 <= replay[vo.symbol] <= lots, f"{vo.symbol} position {replay[vo.symbol]}: {vo}"
    by_run: dict[tuple[str, str], list[VenueOrder]] = defaultdict(list)
    for vo in venue.orders.values():
        by_run[run_of(vo.client_order_id), vo.symbol].append(vo)
    for orders in by_run.values():
        orders.sort(key=lambda o: o.created_ts)
        for before, after in itertools.pairwise(orders):
            assert after.created_ts >= before.updated_ts, (
                f"{after.client_order_id} created while {before.client_order_id} was open"
            )
