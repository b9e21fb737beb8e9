"""Issue 9, control side: the kill switch (item 6), period P&L (item 12), limits changed
from chat or restored at start (item 13), and log redaction of exceptions (suspected).

Real parts wherever they exist: the simulated venue on loopback with its fault
injection, the runtime and its SQLite store, the Telegram plugin against the fake
Bot API, the runtime's own log handler.
"""

from __future__ import annotations

import io
import logging
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot import logsafe
from engine.config import SecretStr
from engine.config import load_config
from engine.config.limits import DIRECTIONS
from engine.config.limits import override
from engine.config.limits import restore
from engine.config.schema import default_risk
from engine.control import Control
from engine.control import ControlError
from engine.core.risk import RiskLimits
from engine.core.trader import TraderConfig
from engine.model import OrderType
from engine.model import ReportKind
from engine.model import TradingState
from engine.model.commands import SubmitOrder
from engine.model.events import EquitySnapshot
from engine.runtime.app import Runtime
from engine.runtime.logs import setup_logging
from engine.runtime.recovery import restore_control_state
from engine.store import create_store_engine
from engine.store import load_control_state
from engine.store import migrate
from engine.store import save_control_state
from engine.venues.sim import FaultConfig
from engine.venues.sim import SimVenue
from tests.acceptance.conftest import venue_truth
from tests.acceptance.test_kill_switch import holding_options
from tests.acceptance.test_kill_switch import quotes_go_by
from tests.bot.conftest import ADMIN
from tests.bot.conftest import Bot
from tests.bot.conftest import bot  # noqa: F401 - fixtures
from tests.bot.conftest import fake  # noqa: F401 - fixtures
from tests.bot.conftest import make_bot  # noqa: F401 - fixtures
from tests.bot.conftest import telegram_env  # noqa: F401 - fixtures
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import UNIT
from tests.engine.core.helpers import Harness
from tests.engine.runtime.conftest import Running
from tests.engine.runtime.conftest import options
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import until_async
from tests.engine.runtime.conftest import venue  # noqa: F401

DAY = 86_400 * SEC


# -- item 6: kill hands closing to the venue, never closes twice ---------------------------


class HandOver:
    """The runtime's own venue adapter, unchanged, except that the venue stops rejecting
    orders at the moment kill hands closing to it (so the venue's close can succeed
    where the bot's flatten kept failing)."""

    def __init__(self, inner: Any, sim: SimVenue) -> None:
        self._inner = inner
        self._venue = sim
        self.handed_over = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def cancel_all(self) -> int:
        self.handed_over = True
        self._venue.set_faults(FaultConfig())
        n: int = await self._inner.cancel_all()
        return n

    async def close_all_positions(self) -> Any:
        self.handed_over = True
        self._venue.set_faults(FaultConfig())
        return await self._inner.close_all_positions()


async def test_item_06_kill_never_closes_twice_when_the_venue_takes_over(
    venue: SimVenue,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The bot's flatten is rejected until kill hands closing to the venue (cancel all,
    close all). The core must not re-send its flatten meanwhile or afterwards: the
    venue ends flat, and stays flat, and the result says it verified that."""
    # As in production, the core retries a failed exit (every 1 s) well before the next
    # periodic reconciliation would tell it what the venue did on its own.
    opts = holding_options(venue, tmp_path).replace_flat(reconcile_interval_s=4.0)
    run = Running(Runtime(opts))
    rt = await run.ready()
    try:
        assert rt.core is not None and rt.live is not None and rt.control is not None
        core = rt.core
        await until(lambda: bool(core.portfolio.open_positions()), 60, "a position")
        venue.set_faults(FaultConfig(reject=1.0))  # the bot's flatten cannot fill
        execution = HandOver(rt._execution, venue)
        control = Control(
            core,
            rt.live,
            execution,
            rt.bus,
            rt,
            rt._save,
            settle_timeout_s=2.0,
            base_limits=rt.opts.trading.risk,
        )
        result = await control.kill("test")
        assert execution.handed_over, "the bot's flatten was expected not to fill in time"
        assert result.ok, result
        assert result.leftover_orders == [] and result.leftover_positions == [], result
        assert any("verified flat" in n for n in result.notes), result
        assert core.state is TradingState.HALTED
        at_kill = await venue_truth(venue.url)
        assert at_kill.positions == {} and at_kill.open_orders == [], at_kill
        # The bot's books agree at once (kill reconciled them), before any periodic run.
        assert not any(core.portfolio.position_qty(s) for s in core.symbols)

        # Time for any retry of the old flatten (exit_retry_s = 1 s) and a periodic
        # reconciliation: nothing new may reach the venue, and it stays flat.
        runs = rt.reconcile_runs()

        async def another_run() -> bool:
            return rt.reconcile_runs() > runs

        await until_async(another_run, 20, "another reconciliation")
        await quotes_go_by(core, 500, "more quotes")
        later = await venue_truth(venue.url)
        new = sorted(set(later.orders) - set(at_kill.orders))
        assert later.positions == {}, f"the account moved after the kill: {later.positions}"
        assert not new, f"orders sent after the kill: {new}"
        assert not any(core.portfolio.position_qty(s) for s in core.symbols)
    finally:
        venue.set_faults(FaultConfig())
        assert await run.stop() == 0


# -- item 12: /pnl week and month ----------------------------------------------------------


async def _store_runtime(tmp_path: Path, harness: Harness) -> Runtime:
    """A runtime with its real SQLite store started, and the harness's core as its core."""
    opts = options_without_venue(tmp_path).replace_flat(risk=RiskLimits(), load_plugins=False)
    rt = Runtime(opts)
    await rt._start_store()
    rt.core = harness.core
    return rt


def options_without_venue(tmp_path: Path) -> Any:
    from engine.runtime.options import RuntimeOptions

    return RuntimeOptions().replace_flat(
        store_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", http_port=None, risk=default_risk()
    )


def _publish(rt: Runtime, harness: Harness) -> None:
    for event in harness.core.events:
        rt.bus.publish(event)
    harness.core.events.clear()


async def test_item_12_period_pnl_is_realized_plus_change_in_unrealized(tmp_path: Path) -> None:
    """Buy 100 @ 50.01 with a fee, marked at 50.01: the week's and the month's P&L is
    minus the fee, not minus the 5,001 paid for the position. A position carried into
    the period counts only the change of its value over the period."""
    h = Harness(venue=False, order=TraderConfig(qty=Decimal(100)), instruments=(INSTRUMENT_A,))
    rt = await _store_runtime(tmp_path, h)
    now = {"ts": 0}
    control = Control(h.core, None, None, rt.bus, rt, rt._save, clock=lambda: now["ts"])
    try:
        h.now = 100 * DAY
        h.quote(AAA, 5000, 5002, signal=1)  # mid 50.01; the trader buys 100 at market
        [submit] = [c for c in h.sent if isinstance(c, SubmitOrder)]
        assert submit.order.qty == 100 and submit.order.order_type is OrderType.MARKET
        cid = submit.order.client_order_id
        fee = UNIT * 3 // 2  # 1.50
        h.report(cid, ReportKind.ACCEPTED)
        h.report(cid, ReportKind.FILL, qty=100, price=5001, fee=fee)
        h.quote(AAA, 5000, 5002)
        assert h.position() == 100
        _publish(rt, h)
        now["ts"] = h.now + SEC

        for period in ("day", "week", "month"):
            report = await control.pnl(period)
            assert report.net == Decimal("-1.5"), (period, report)
            assert report.realized == 0 and report.unrealized == 0, report
            assert report.fees == Decimal("1.5") and report.fills == 1, report

        # A snapshot of the account is stored; eight days later the mark is 50.11.
        rt.bus.publish(EquitySnapshot(h.core.portfolio.snapshot(h.now + SEC)))
        h.now += 8 * DAY
        h.quote(AAA, 5010, 5012)
        _publish(rt, h)
        now["ts"] = h.now + SEC

        week = await control.pnl("week")  # starts after the buy: only the mark's move
        assert week.net == Decimal(10), week
        assert (week.realized, week.unrealized, week.fees, week.fills) == (0, 10, 0, 0), week
        month = await control.pnl("month")  # includes the buy and its fee
        assert month.net == Decimal("8.5"), month
        assert (month.realized, month.unrealized, month.fees, month.fills) == (
            0,
            10,
            Decimal("1.5"),
            1,
        ), month
    finally:
        await rt._close_resources()


# -- item 13: one validation path for limits -----------------------------------------------


def test_item_13_every_limit_has_a_safety_direction() -> None:
    assert set(DIRECTIONS) == set(RiskLimits.__struct_fields__)


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("daily_loss_limit", "0", False),  # would disarm the breaker
        ("max_order_notional", "0", False),
        ("daily_loss_limit", "5000", False),  # looser than the configured 1000
        ("daily_loss_limit", "500", True),
        ("daily_loss_limit", "1000", True),
        ("max_consecutive_losses", "3", True),  # off in the config: turning it on is tighter
        ("max_consecutive_losses", "0", True),  # ... and off stays allowed
        ("breaker_confirmations", "2", False),  # trips later
        ("rate_window_ms", "500", False),  # the same count in a shorter window
        ("rate_window_ms", "2000", True),
        ("duplicate_window_ms", "0", False),
        ("duplicate_window_ms", "500", True),
        ("loss_cooldown_s", "0", True),  # 0 = latch until reset: the safest
        ("max_spread_bps", "nan", False),
        ("max_spread_bps", "-1", False),
        ("warn_fractions", "0.5", False),
        ("no_such_limit", "1", False),
    ],
)
def test_item_13_chat_changes_stay_inside_the_configuration(
    name: str, value: str, allowed: bool
) -> None:
    base = default_risk()
    if allowed:
        new = override(base, base, name, value)
        assert str(getattr(new, name)) in (value, str(float(value)))
    else:
        with pytest.raises(ValueError) as err:
            override(base, base, name, value)
        assert "\n" not in str(err.value) and str(err.value)


_VALUES = st.one_of(
    st.integers(-5, 100_000).map(str),
    st.decimals(-10, 100_000, places=3, allow_nan=False).map(str),
    st.sampled_from(["0", "0.0", "nan", "inf", "-0", "1e3", "", "x", "1_000"]),
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(DIRECTIONS)),
    value=_VALUES,
    start=st.sampled_from(sorted(DIRECTIONS)),
    start_value=_VALUES,
)
def test_item_13_no_sequence_of_chat_changes_loosens_a_limit(
    name: str, value: str, start: str, start_value: str
) -> None:
    """Whatever is typed, in whatever order: every limit stays at least as tight as the
    configured one, and the result is valid limits."""
    from engine.config.limits import _rank

    base = default_risk()
    current = base
    for n, v in ((start, start_value), (name, value)):
        try:
            current = override(base, current, n, v)
        except ValueError as exc:
            assert str(exc) and "\n" not in str(exc)
    for field, safer in DIRECTIONS.items():
        if safer.name == "FIXED":
            assert getattr(current, field) == getattr(base, field)
        else:
            assert _rank(safer, getattr(current, field)) <= _rank(safer, getattr(base, field))


def test_item_13_cooldown_latching_in_the_config_stays_latching() -> None:
    base = msgspec.structs.replace(default_risk(), max_consecutive_losses=3, loss_cooldown_s=0.0)
    with pytest.raises(ValueError):
        override(base, base, "loss_cooldown_s", "60")
    cooling = msgspec.structs.replace(base, loss_cooldown_s=60.0)
    assert override(cooling, cooling, "loss_cooldown_s", "120").loss_cooldown_s == 120
    with pytest.raises(ValueError):
        override(cooling, cooling, "loss_cooldown_s", "30")


def test_item_13_restore_lets_the_configuration_win() -> None:
    base = default_risk()
    stored = {
        "daily_loss_limit": "0",
        "max_order_notional": "50000",
        "max_spread_bps": 10.0,
        "rate_window_ms": "oops",
        "gone_limit": 5,
    }
    limits, notes = restore(base, stored)
    assert limits.daily_loss_limit == base.daily_loss_limit
    assert limits.max_order_notional == base.max_order_notional
    assert limits.max_spread_bps == 10.0
    assert limits.rate_window_ms == base.rate_window_ms
    text = " ".join(notes)
    for name in ("daily_loss_limit", "max_order_notional", "rate_window_ms", "gone_limit"):
        assert name in text, notes


def test_item_13_a_quantity_limit_below_one_lot_is_refused_from_chat() -> None:
    """0.5 units of a one-unit lot would round to no limit at all (item 15): refused."""
    control = Control(Harness(limits=default_risk()).core, None, None, None, None, None)  # type: ignore[arg-type]
    with pytest.raises(ControlError, match="below one lot"):
        control.check_limit("max_order_qty", "0.5")
    control.check_limit("max_order_qty", "2")


async def test_item_13_restore_at_start_refuses_a_stored_disarmed_breaker(tmp_path: Path) -> None:
    """The saved limits pass the same check at start-up (a real SQLite store)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_store_engine(url)
    try:
        await migrate(engine)
        stored = msgspec.to_builtins(
            msgspec.structs.replace(
                default_risk(), daily_loss_limit=Decimal(0), max_order_notional=Decimal(0)
            )
        )
        await save_control_state(engine, "limits", stored, time.time_ns(), "old")
        core = Harness(limits=default_risk()).core
        restore_control_state(core, await load_control_state(engine))
    finally:
        await engine.dispose()
    assert core.risk.limits.daily_loss_limit == Decimal(1000)
    assert core.risk.limits.max_order_notional == Decimal(10_000)


async def test_item_13_setlimit_refused_and_bounded_across_a_restart(
    venue: SimVenue,  # noqa: F811
    tmp_path: Path,
) -> None:
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    try:
        assert rt.control is not None and rt.core is not None
        for name, value in (
            ("daily_loss_limit", "0"),
            ("max_order_notional", "0"),
            ("daily_loss_limit", "5000"),
        ):
            with pytest.raises(ControlError) as err:
                await rt.control.set_limit(name, value, "mallory")
            assert "\n" not in str(err.value)
        assert rt.core.risk.limits.daily_loss_limit == Decimal(1000)
        assert rt.core.risk.limits.max_order_notional == Decimal(10_000)
        ok = await rt.control.set_limit("daily_loss_limit", "500", "alice")
        assert ok.ok and rt.core.risk.limits.daily_loss_limit == Decimal(500)
    finally:
        assert await run.stop() == 0
    run = Running(Runtime(options(venue, tmp_path)))
    rt = await run.ready()
    try:
        assert rt.core is not None
        assert rt.core.risk.limits.daily_loss_limit == Decimal(500)
    finally:
        assert await run.stop() == 0


async def test_item_13_telegram_shows_the_refusal_on_one_line(bot: Bot) -> None:  # noqa: F811
    reply = await bot.reply(ADMIN, "/setlimit daily_loss_limit 0")
    assert reply.startswith("⚠️") and "\n" not in reply, reply
    assert "daily_loss_limit" in reply, reply
    assert bot.rt.core is not None
    assert bot.rt.core.risk.limits.daily_loss_limit == Decimal(1000)


# -- item 13, security review: values "tighter" in name that disarm or stall ---------------

MONEY = ("max_order_notional", "max_position_notional", "max_gross_exposure")
BREAKER_MONEY = ("daily_loss_limit", "max_drawdown")
TINY = ("0.000000001", "1e-10", "0.0000000019", "1E-300", "999.9999999999")


@pytest.mark.parametrize("name", MONEY + BREAKER_MONEY)
@pytest.mark.parametrize("value", TINY)
def test_item_13_a_tiny_money_limit_is_refused_everywhere(name: str, value: str) -> None:
    """Below what the core can hold (nanos; 0 = "no limit") or finer than a nano: chat,
    the configuration and the store all refuse it, and the breakers stay armed."""
    base = default_risk()
    with pytest.raises(ValueError) as err:
        override(base, base, name, value)
    assert name in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ValueError, match=f"risk.{name}"):
        fields: dict[str, Any] = {name: Decimal(value)}
        RiskLimits(**fields)  # the configuration's path
    limits, notes = restore(base, {name: value})
    assert limits == base and name in " ".join(notes)
    core = Harness(limits=base).core
    restore_control_state(core, {"limits": {name: value}})
    assert core.risk.limits == base
    assert core.breakers._next_loss > 0 and core.breakers._dd_limit > 0


_TINY_VALUES = st.one_of(
    st.decimals(0, 1, places=12, allow_nan=False).map(str),
    st.integers(-15, 3).map(lambda e: f"1e{e}"),
    st.sampled_from(TINY),
)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(MONEY + BREAKER_MONEY), value=_TINY_VALUES)
def test_item_13_no_chat_change_disarms_a_limit_in_the_cores_units(name: str, value: str) -> None:
    """The property in the core's units: an accepted money limit is a whole, positive
    number of nanos, and the breakers arm a positive amount for it."""
    from engine.core.risk.breakers import Breakers
    from engine.core.risk.limits import money

    base = default_risk()
    try:
        new = override(base, base, name, value)
    except ValueError:
        return
    assert money(getattr(new, name)) >= 1
    assert money(getattr(new, name)) == getattr(new, name) * 10**9  # nothing rounded away
    breakers = Breakers(new)
    assert breakers._next_loss >= 1 and breakers._dd_limit >= 1


def test_item_13_the_loss_breaker_arms_for_any_warning_fraction() -> None:
    """A warning fraction so small its share of the limit is below a nano armed nothing
    (``_next_loss`` 0): the daily-loss breaker never looked at the loss."""
    from engine.core.risk.breakers import Breakers

    limits = RiskLimits(daily_loss_limit=Decimal(50), warn_fractions=(1e-13,))
    assert Breakers(limits)._next_loss >= 1
    h = Harness(limits=limits, order=TraderConfig(qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_001, signal=1)
    for _ in range(3):
        h.quote(AAA, 10_000, 10_001)
    assert h.position() == 1
    for price in range(10_000, 4_000, -500):  # 100 -> 45: a loss of 55 on one unit
        h.quote(AAA, price, price + 1)
    assert "daily_loss" in h.core.breakers.latched


@pytest.mark.parametrize("value", ["1e300000000", "1e-300000000", "9" * 40, "1e16"])
@pytest.mark.parametrize("name", ["max_order_qty", "daily_loss_limit", "rate_window_ms"])
def test_item_13_huge_exponents_are_refused_at_once(name: str, value: str) -> None:
    """``1e300000000`` took seconds and hundreds of MB to format on the event loop.
    Refused before any formatting: the memory it takes stays small (deterministic,
    unlike a timing on a shared machine)."""
    base = default_risk()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        with pytest.raises(ValueError) as err:
            override(base, base, name, value)
        _, notes = restore(base, {name: value})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    assert peak < 1_000_000, f"{peak} bytes"
    assert len(str(err.value)) < 200 and "\n" not in str(err.value)
    assert len(" ".join(notes)) < 300, notes


def test_item_13_a_huge_loss_cooldown_is_refused_and_never_overflows() -> None:
    """``/setlimit loss_cooldown_s 1e300`` was "safer" (higher) and crashed the core
    (OverflowError) when the loss streak tripped."""
    limits = msgspec.structs.replace(
        default_risk(),
        price_collar_bps=0.0,
        max_spread_bps=0.0,
        max_consecutive_losses=1,
        loss_cooldown_s=60.0,
    )
    for value in ("1e300", "604801", "1e16"):
        with pytest.raises(ValueError, match="loss_cooldown_s"):
            override(limits, limits, "loss_cooldown_s", value)
    with pytest.raises(ValueError, match="loss_cooldown_s"):
        msgspec.structs.replace(limits, loss_cooldown_s=1e300)
    week = override(limits, limits, "loss_cooldown_s", "604800")  # 7 days: the bound
    h = Harness(limits=week, order=TraderConfig(qty=Decimal(1)))
    h.quote(AAA, 10_000, 10_001, signal=1)
    for _ in range(3):
        h.quote(AAA, 10_000, 10_001)
    assert h.position() == 1
    h.quote(AAA, 9_990, 9_991, signal=0)  # close at a loss: the streak of 1 trips
    for _ in range(3):
        h.quote(AAA, 9_990, 9_991)
    assert h.position() == 0
    assert "loss_streak" in h.core.breakers.latched
    assert 0 < h.core.breakers.cooldown_until - h.now <= 604_800 * SEC


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("rate_window_ms", "86400000"),
        ("rate_window_ms", "999999999999999"),
        ("duplicate_window_ms", "86400000"),
    ],
)
def test_item_13_a_long_order_window_is_refused(name: str, value: str) -> None:
    base = default_risk()
    with pytest.raises(ValueError, match=name):
        override(base, base, name, value)
    assert getattr(override(base, base, name, "60000"), name) == 60_000  # the bound


def test_item_13_rate_and_duplicate_limits_never_block_an_exit() -> None:
    """DESIGN.md: a position-reducing order is never blocked by a limit meant for new
    exposure. With the order-rate budget of the symbol spent over the longest window
    allowed, flatten still closes at once (before: ORDER_RATE_SYMBOL for 60 s)."""
    from collections import Counter

    from engine.model.events import RiskDenied

    base = default_risk()  # 5 orders per symbol per window, duplicate window 250 ms
    limits = override(base, base, "rate_window_ms", "60000")
    h = Harness(limits=limits, order=TraderConfig(qty=Decimal(1)))
    for target in (1, 0, 1, 0, 1):  # five orders, a second apart: the budget is spent
        h.quote(AAA, 10_000, 10_001, signal=target, dt=SEC)
        for _ in range(3):
            h.quote(AAA, 10_000, 10_001)
    assert h.position() == 1 and len(h.submits(AAA)) == 5
    h.core.flatten(None)
    h.pump()
    for _ in range(3):
        h.quote(AAA, 10_000, 10_001)
    reasons = Counter(e.reason for e in h.events_of(RiskDenied))
    assert h.position() == 0, reasons
    assert not {"ORDER_RATE_SYMBOL", "ORDER_RATE_TOTAL", "DUPLICATE_INTENT"} & set(reasons)


def test_item_13_the_duplicate_check_never_blocks_a_reducing_order() -> None:
    """Two identical market sells of a long position within the duplicate window: the
    second (the exit retried) is not a duplicate entry."""
    from engine.core.risk import RiskGate
    from engine.model import OrderIntent
    from engine.model import Side
    from engine.model import TimeInForce

    gate = RiskGate(RiskLimits(duplicate_window_ms=60_000), [INSTRUMENT_A])

    class Q:
        bid, ask, mid2, quote_ts = 10_000, 10_001, 20_001, 0

    sell = OrderIntent(
        AAA, Side.SELL, 1, OrderType.MARKET, TimeInForce.GTC, 0, True, False, 20_001, "exit"
    )
    assert gate.check(sell, SEC, Q(), 2, 0, TradingState.ACTIVE) is None
    assert gate.check(sell, 2 * SEC, Q(), 1, 0, TradingState.ACTIVE) is None
    buy = OrderIntent(
        AAA, Side.BUY, 1, OrderType.MARKET, TimeInForce.GTC, 0, False, True, 20_001, "entry"
    )
    assert gate.check(buy, 3 * SEC, Q(), 0, 0, TradingState.ACTIVE) is None
    denial = gate.check(buy, 4 * SEC, Q(), 0, 0, TradingState.ACTIVE)
    assert denial is not None and denial.reason == "DUPLICATE_INTENT"  # entries still are


@pytest.mark.parametrize("stored", [[1, 2], "x", 5, {1: "2"}])
def test_item_13_stored_limits_of_the_wrong_shape_keep_the_configuration(stored: Any) -> None:
    """Start-up failed with AttributeError on a stored "limits" that is not a table."""
    core = Harness(limits=default_risk()).core
    notes = restore_control_state(core, {"limits": stored})
    assert core.risk.limits == default_risk()
    assert "configured" in " ".join(notes) or "ignored" in " ".join(notes), notes


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("breaker_confirmations", 1_000_000),
        ("duplicate_window_ms", 3_600_000),
        ("rate_window_ms", 3_600_000),
        ("loss_cooldown_s", float("inf")),
        ("max_spread_bps", float("nan")),
    ],
)
def test_item_13_the_configuration_bounds_limits_that_would_never_act(
    name: str, value: Any
) -> None:
    """A breaker needing a million confirmations never trips; NaN compares false."""
    with pytest.raises(ValueError, match=f"risk.{name}"):
        RiskLimits(**{name: value})


# -- suspected: exceptions bypass log redaction --------------------------------------------

SECRET = "tok-9f8e7d6c5b4a"


def _log_everything(logger: logging.Logger, secret: str) -> None:
    try:
        try:
            raise KeyError(f"header Authorization: Bearer {secret}")
        except KeyError as inner:
            raise RuntimeError(f"venue refused key {secret}") from inner
    except RuntimeError:
        logger.exception("venue call failed")
    logger.error("stack follows", stack_info=True, extra={"detail": f"url=/bot{secret}/x"})
    logger.warning("plain %s", secret)


@pytest.mark.parametrize("json_lines", [False, True])
def test_suspect_redaction_covers_exceptions_tracebacks_and_extras(
    json_lines: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    monkeypatch.setattr(sys, "stderr", out)
    try:
        setup_logging("info", json_lines, [SECRET])
        _log_everything(logging.getLogger("scalpbot.test_redaction"), SECRET)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    text = out.getvalue()
    assert "venue refused key" in text, text
    assert SECRET not in text, text
    assert "***" in text


def test_suspect_redaction_knows_every_secret_the_config_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A secret read by the configuration (here the Telegram token from the environment)
    is redacted even where nobody passed it to the log setup by hand."""
    token = "8765432:AAE-secret-token-from-env"
    config_file = tmp_path / "bot.toml"
    config_file.write_text(
        '[telegram]\nenabled = true\nallowed_users = [{id = 1, role = "admin"}]\n'
    )
    config = load_config(config_file, {"TELEGRAM_BOT_TOKEN": token})
    assert config.secrets.telegram_token is not None
    out = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    monkeypatch.setattr(sys, "stderr", out)
    try:
        setup_logging("info", False, [])
        try:
            raise ValueError(f"GET https://api.telegram.org/bot{token}/getMe failed")
        except ValueError:
            logging.getLogger("scalpbot.test_redaction").exception("telegram")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert token not in out.getvalue(), out.getvalue()


def test_suspect_redaction_telegram_loggers_redact_exceptions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The bot's own filter on PTB/httpx loggers: an httpx error quotes the URL, which
    holds the token, in the exception text."""
    caplog.set_level(logging.DEBUG)
    token = "999:TOKEN-in-an-url"
    guard = logsafe.guard(token)
    try:
        try:
            raise OSError(f"POST https://api.telegram.org/bot{token}/getUpdates: reset")
        except OSError:
            logging.getLogger("httpx").exception("request failed")
    finally:
        logsafe.unguard(guard)
    assert "request failed" in caplog.text and "getUpdates" in caplog.text
    assert token not in caplog.text, caplog.text


async def test_suspect_redaction_no_loaded_secret_reaches_a_telegram_reply(
    bot: Bot,  # noqa: F811
) -> None:
    """A reply that echoes what a user typed (here an unknown symbol) never shows a
    secret the process has loaded."""
    secret = SecretStr("AKLOADED-venue-key-42")  # as the config loads one
    reply = await bot.reply(ADMIN, f"/pause {secret.get_secret_value()}")
    assert "unknown symbol" in reply, reply
    assert secret.get_secret_value() not in reply and "***" in reply, reply
