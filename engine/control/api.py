"""``Control``: status, positions, P&L, pause/resume, resize, flatten, kill, limits.

Every method that changes something records its actor in the audit log (an
``AuditRecord`` event) and persists what must survive a restart (trading
states, limit overrides, resize factors, latched breakers).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec

from engine.bus import EventBus
from engine.config.limits import Provenance
from engine.config.limits import override as limits_override
from engine.config.limits import overrides as limits_overrides
from engine.control.kill import Closing
from engine.control.readings import health_report
from engine.control.readings import telemetry_snapshot
from engine.control.results import ActionResult
from engine.control.results import FlattenResult
from engine.control.results import HealthReport
from engine.control.results import KillResult
from engine.control.results import OrderView
from engine.control.results import PnlReport
from engine.control.results import PositionView
from engine.control.results import StatusReport
from engine.control.results import SymbolOutcome
from engine.control.results import SymbolStatus
from engine.control.results import TelemetrySnapshot
from engine.control.results import TradeView
from engine.control.views import LiveView
from engine.control.views import RuntimeView
from engine.control.views import SaveState
from engine.core.risk import RiskLimits
from engine.core.trading_core import ALL
from engine.core.trading_core import TradingCore
from engine.model import Instrument
from engine.model import Symbol
from engine.model import TradingState
from engine.model import money_to_decimal
from engine.model.events import AuditRecord
from engine.venues.base import Execution


class ControlError(ValueError):
    """A control call with a bad argument; the message is one line for the user."""


class Control:
    """The one public, typed, transport-agnostic control API."""

    def __init__(  # noqa: PLR0913 (wired parts plus keyword tunables)
        self,
        core: TradingCore,
        live: LiveView,
        execution: Execution,
        bus: EventBus,
        runtime: RuntimeView,
        save: SaveState,
        *,
        resize_bounds: tuple[float, float] = (0.1, 3.0),
        settle_timeout_s: float = 10.0,
        clock: Callable[[], int] = time.time_ns,
        base_limits: RiskLimits | None = None,
        venue_kind: str = "sim",
    ) -> None:
        """``base_limits`` are the configured risk limits (the bounds of any change from
        chat; default: the core's limits now), ``venue_kind`` the configured venue kind
        (the configuration's checks on limits depend on it)."""
        self._core = core
        self._live = live
        self._exec = execution
        self._bus = bus
        self._rt = runtime
        self._save = save
        self._bounds = resize_bounds
        self._settle = settle_timeout_s
        self._clock = clock
        self._base_limits = base_limits if base_limits is not None else core.risk.limits
        self._venue_kind = venue_kind
        self._provenance = Provenance(self._base_limits, venue_kind)
        self._closing = Closing(core, live, execution, self._reconcile_now, settle_timeout_s)

    # -- reading -------------------------------------------------------------------

    async def status(self) -> StatusReport:
        core, now = self._core, self._clock()
        pf = core.portfolio
        symbols = []
        for sym in core.symbols:
            last = self._live.last_tick_ns.get(sym, 0)
            inst = core.instruments[sym]
            symbols.append(
                SymbolStatus(
                    sym,
                    core.trading_state(sym),
                    max(0.0, (now - last) / 1e9) if last else None,  # FEED: a clock step back
                    core.is_stale(sym),
                    inst.qty(pf.position_qty(sym)),
                )
            )
        return StatusReport(
            run_id=self._rt.run_id,
            ready=self._rt.ready,
            state=core.state,
            state_actor=core.state_actor,
            venue=self._rt.venue_name,
            feed_connected=self._live.feed_connected,
            symbols=symbols,
            equity=money_to_decimal(pf.equity),
            day_pnl=money_to_decimal(pf.day_pnl),
            drawdown=money_to_decimal(pf.drawdown),
            open_positions=len(pf.open_positions()),
            open_orders=len(core.orders.working()),
            breakers=dict(core.breakers.latched),
        )

    async def positions(self) -> list[PositionView]:
        core = self._core
        return [
            PositionView.of(core.instruments[p.symbol], p) for p in core.portfolio.open_positions()
        ]

    async def orders(self) -> list[OrderView]:
        core, now = self._core, self._clock()
        return [OrderView.of(core.instruments[o.symbol], o, now) for o in core.orders.working()]

    async def trades(self, n: int = 10) -> list[TradeView]:
        if not 1 <= n <= 100:
            raise ControlError("n must be between 1 and 100")
        fills = await self._rt.fills_since(0)
        return fills[-n:][::-1]

    async def equity_history(self, period: str = "day") -> list[tuple[int, Decimal, Decimal]]:
        """(ts, equity, drawdown) points over the last day or week, for charts."""
        spans = {"day": 1, "week": 7}
        if period not in spans:
            raise ControlError("period must be day or week")
        since = self._clock() - spans[period] * 86_400 * 1_000_000_000
        points = await self._rt.equity_since(since)
        pf = self._core.portfolio
        now = (self._clock(), money_to_decimal(pf.equity), money_to_decimal(pf.drawdown))
        return [*points, now]

    async def pnl(self, period: str = "day") -> PnlReport:
        """P&L since the start of the trading day, or over the last 7 or 30 days.

        ``net = realized - fees + unrealized``, where ``realized`` is the P&L closed
        over the period (FIFO, before fees), ``fees`` the fees paid over it and
        ``unrealized`` the *change* in unrealized P&L over it (open positions now,
        marked at the mid, minus what was open at the start, marked then). Buying 100
        at 50.01 marked at 50.01 is minus the fee, whatever the period.

        Week and month start at the last equity snapshot stored at or before
        ``now - 7 (30) days`` (``since_ts`` says where): a snapshot holds the
        cumulative realized P&L, fees and unrealized P&L of that moment, and the
        portfolio holds the same figures now (rebuilt from every stored fill at
        start-up), so the differences are exact. With no snapshot that old the
        period starts with the store's history (nothing was realized, paid or open
        before its first fill). Cash moves that are not trading (deposits, the
        venue's own adjustments) do not count.

        Day: ``net`` is the portfolio's day P&L (equity now minus equity at the day's
        start: what the daily-loss breaker measures); ``realized``, ``fees`` and the
        fill count are those of the fills stored since the day's start (each fill's
        stored realized P&L), and ``unrealized`` is the rest.
        """
        spans = {"day": 0, "week": 7, "month": 30}
        if period not in spans:
            raise ControlError("period must be day, week or month")
        if period == "day":
            return await self._day_pnl()
        pf = self._core.portfolio
        nominal = self._clock() - spans[period] * 86_400 * 1_000_000_000
        start = await self._rt.account_at(nominal)
        if start is not None:
            since = start.ts
            fills = await self._rt.fills_since(since)
            realized = pf.realized - start.realized_pnl
            fees = pf.fees - start.fees
            unrealized = pf.unrealized - start.unrealized_pnl
        else:  # the whole history: it may begin before the nominal start
            fills = await self._rt.fills_since(0)
            since = min(nominal, fills[0].ts) if fills else nominal
            realized, fees, unrealized = pf.realized, pf.fees, pf.unrealized
        return PnlReport(
            period,
            since,
            money_to_decimal(realized - fees + unrealized),
            money_to_decimal(realized),
            money_to_decimal(unrealized),
            money_to_decimal(fees),
            len(fills),
        )

    async def _day_pnl(self) -> PnlReport:
        """The trading day: net is the day P&L (what the daily-loss breaker measures);
        realized, fees and fills are those of the fills stored since the day's start."""
        pf = self._core.portfolio
        since = pf.day_start_ts
        fills = await self._rt.fills_since(since)
        fees = sum((f.fee for f in fills), Decimal(0))
        known = [f.realized_pnl for f in fills if f.realized_pnl is not None]
        if len(known) == len(fills):
            realized = sum(known, Decimal(0))
        else:  # older rows without it: from the last snapshot before the day, if any
            start = await self._rt.account_at(since)
            realized = money_to_decimal(pf.realized - (start.realized_pnl if start else 0))
        net = money_to_decimal(pf.day_pnl)
        return PnlReport("day", since, net, realized, net - realized + fees, fees, len(fills))

    def instruments(self) -> dict[Symbol, Instrument]:
        """Every traded symbol's instrument (to show ticks and lots as prices and sizes)."""
        return dict(self._core.instruments)

    @property
    def resize_bounds(self) -> tuple[float, float]:
        return self._bounds

    def snapshot(self) -> TelemetrySnapshot:
        """Everything the metrics exporter needs, read synchronously at scrape time."""
        return telemetry_snapshot(self._core, self._live, self._rt, self._clock())

    async def audit(self, n: int = 20) -> list[AuditRecord]:
        """Who changed what: the newest ``n`` audit records, newest first."""
        if not 1 <= n <= 200:
            raise ControlError("n must be between 1 and 200")
        return await self._rt.audit(n)

    async def limits(self) -> dict[str, Any]:
        return msgspec.structs.asdict(self._core.risk.limits)

    async def limit_reasons(self) -> dict[str, str]:
        """Why each limit not at its configured value is what it is (and refusals at start)."""
        return self._provenance.reasons()

    def limits_restored(self, stored: object) -> None:
        """The runtime restored ``stored`` limit overrides at start-up (for the reasons)."""
        self._provenance.restored(stored, self._core.check_limits)

    async def health(self) -> HealthReport:
        return health_report(self._core, self._live, self._rt, self._bus, self._clock())

    # -- changing -------------------------------------------------------------------

    async def pause(self, scope: str, actor: str) -> ActionResult:
        """No new entries for one symbol or all (exits still allowed)."""
        return await self._set_state(scope, TradingState.PAUSED, actor, "pause")

    async def resume(self, scope: str, actor: str) -> ActionResult:
        """Back to ACTIVE (refused while a breaker is latched: reset it first)."""
        if self._core.breakers.latched:
            names = ", ".join(self._core.breakers.latched)
            return await self._audit(
                actor,
                "resume",
                scope,
                ActionResult(False, f"breaker latched ({names}): reset first"),
            )
        held = await self._give_back_closes()
        if held:
            return await self._audit(actor, "resume", scope, ActionResult(False, held))
        return await self._set_state(scope, TradingState.ACTIVE, actor, "resume")

    async def _set_state(
        self, scope: str, state: TradingState, actor: str, action: str
    ) -> ActionResult:
        key = self._scope(scope)
        self._core.set_state(key, state, actor, action)
        self._live.apply([])
        await self._save(f"state:{key}", {"state": state.value, "actor": actor}, actor)
        where = "all symbols" if key == ALL else key
        return await self._audit(
            actor, action, scope, ActionResult(True, f"{where}: {state.value}")
        )

    async def resize(self, scope: str, factor: float, actor: str) -> ActionResult:
        low, high = self._bounds
        if not low <= factor <= high:
            raise ControlError(f"factor must be between {low} and {high}")
        key = self._scope(scope)
        self._core.resize(None if key == ALL else Symbol(key), factor)
        await self._save(f"resize:{key}", factor, actor)
        return await self._audit(
            actor, "resize", f"{scope} {factor}", ActionResult(True, f"{key}: size x{factor:g}")
        )

    async def flatten(self, scope: str, actor: str) -> FlattenResult:
        """Cancel working orders and close positions at market; result per symbol."""
        key = self._scope(scope)
        core = self._core
        held = await self._give_back_closes()
        if held:
            await self._audit(actor, "flatten", scope, ActionResult(False, held))
            return FlattenResult(False, [SymbolOutcome(key, False, held)])
        touched = core.flatten(None if key == ALL else Symbol(key))
        self._live.apply([])
        await self._wait_settled(touched)
        outcomes = []
        for sym in touched:
            left = core.portfolio.position_qty(sym)
            working = core.orders.working(sym)
            ok = left == 0 and not working
            detail = (
                "flat" if ok else f"{core.instruments[sym].qty(left)} left, {len(working)} working"
            )
            outcomes.append(SymbolOutcome(sym, ok, detail))
        result = FlattenResult(all(o.ok for o in outcomes), outcomes)
        summary = (
            "nothing to flatten"
            if not touched
            else ", ".join(f"{o.symbol} {o.detail}" for o in outcomes)
        )
        await self._audit(actor, "flatten", scope, ActionResult(result.ok, summary))
        return result

    async def kill(self, actor: str) -> KillResult:
        """Halt, cancel every working order and flatten every position, then make sure.

        The bot's own flatten gets the settle time. If the venue still shows exposure
        then, closing is handed to the venue (cancel all, close all) while the core's
        closes are held, so only one owner closes a position at a time; the venue is
        polled until it shows no open order and no position, the bot's book is
        reconciled with it, and closing is given back to the core only when both
        agree. The result says the venue was verified flat, or lists what is left
        (``unverified`` when the venue could not be read).
        """
        core, closing = self._core, self._closing
        working_before = len(core.orders.working())
        core.kill(actor)
        await self._save(
            f"state:{ALL}", {"state": TradingState.HALTED.value, "actor": actor}, actor
        )
        flatten_orders = sum(1 for o in core.orders.working() if o.reason == "flatten")
        self._live.apply([])
        notes: list[str] = []
        if not closing.held:  # else the venue already owns closing (an earlier kill)
            await closing.bot_flat()
        orders, positions = await closing.leftovers(notes)
        if orders or positions:
            orders, positions = await closing.hand_over(notes)
        ok = not orders and not positions
        if ok:
            notes.append("venue verified flat: no open order, no position")
            if closing.held or not closing.flat_here():
                closing.hold(True)  # nothing may close against a flat venue meanwhile
                if await closing.agree(notes):
                    closing.hold(False)
                    notes.append("the bot's book agrees with the venue")
                else:
                    notes.append("the bot's closes stay held until its book agrees (/kill again)")
        elif closing.held:
            notes.append("closing stays with the venue (the bot's closes are held): /kill again")
        result = KillResult(ok, working_before, flatten_orders, orders, positions, notes)
        outcome = "clean" if result.ok else f"left: {orders + positions}"
        await self._audit(actor, "kill", "", ActionResult(result.ok, outcome))
        return result

    async def _reconcile_now(self) -> None:
        await self._rt.reconcile_now()

    async def _give_back_closes(self) -> str:
        """After a kill left closing with the venue: give it back to the core once the
        venue is flat and the bot's book agrees. Returns why not ('' when given back)."""
        closing = self._closing
        if not closing.held:
            return ""
        notes: list[str] = []
        orders, positions = await closing.leftovers(notes)
        if orders or positions:
            return "closing is still with the venue after a kill: /kill again"
        if not await closing.agree(notes):
            return "the bot's book does not agree with the flat venue yet: /kill again"
        closing.hold(False)
        return ""

    def check_limit(self, name: str, value: str) -> None:
        """Raise ControlError (one line) unless ``set_limit(name, value)`` would be accepted:
        a change may only tighten a limit within the configured bounds
        (:mod:`engine.config.limits`)."""
        self._limit_after(name, value)

    def _limit_after(self, name: str, value: str) -> RiskLimits:
        try:
            new = limits_override(
                self._base_limits,
                self._core.risk.limits,
                name,
                value,
                venue_kind=self._venue_kind,
            )
            self._core.check_limits(new)  # e.g. a quantity limit below one lot
        except ValueError as exc:
            raise ControlError(" ".join(str(exc).split())) from None
        return new

    async def set_limit(self, name: str, value: str, actor: str) -> ActionResult:
        """Change one risk limit, inside the bounds the configuration sets (tighter
        only; see ``engine.config.limits``); a refusal is a ControlError."""
        new = self._limit_after(name, value)
        self._core.set_limits(new)
        self._provenance.changed(name, getattr(new, name), actor)
        await self._save("limits", limits_overrides(self._base_limits, new), actor)
        return await self._audit(
            actor,
            "setlimit",
            f"{name} {value}",
            ActionResult(True, f"{name} = {getattr(new, name)}"),
        )

    async def reset_breaker(self, name: str, actor: str) -> ActionResult:
        """Clear a latched breaker ('all' for every one). Trading stays as it is."""
        cleared = self._core.reset_breaker(name, actor)
        self._live.apply([])
        await self._save("breakers", dict(self._core.breakers.latched), actor)
        message = f"{name}: reset" if cleared else f"{name}: nothing latched"
        return await self._audit(actor, "reset", name, ActionResult(cleared, message))

    # -- helpers ------------------------------------------------------------------

    def _scope(self, scope: str) -> str:
        if scope in ("", "all", ALL):
            return ALL
        sym = scope.upper()
        if sym not in self._core.instruments:
            raise ControlError(f"unknown symbol '{scope}'")
        return sym

    async def _wait_settled(self, symbols: list[Symbol]) -> None:
        deadline = time.monotonic() + self._settle
        await self._live.wait_idle(self._settle)
        while time.monotonic() < deadline:
            if not any(self._core.orders.working(s) for s in symbols):
                return
            await asyncio.sleep(0.05)

    async def _audit(
        self, actor: str, action: str, args: str, result: ActionResult
    ) -> ActionResult:
        outcome = ("ok: " if result.ok else "refused: ") + result.message
        self._bus.publish(AuditRecord(self._clock(), actor, action, args, outcome))
        return result
