"""The trader's invariants, checked after every step of generated event sequences.

A Hypothesis ``RuleBasedStateMachine`` drives one :class:`TradingCore` through the
shell model and faulty venue of :mod:`tests.invariants.world` (the paper venue
holds the venue's truth). After every step the invariants below are checked; the
look-ahead ones run on a deep copy of the world, so the sequence itself goes on.

Profiles (registered in ``tests/invariants/conftest.py``; the rest of the suite
is not affected):

* default ``invariants``: 200 sequences of up to 40 steps, derandomized, no
  deadline; a failure prints the shrunk sequence of rules and a reproduction blob;
* ``long``: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/invariants``
  runs 5,000 random sequences of up to 100 steps (about an hour on two cores).
  Add ``--hypothesis-show-statistics`` to see how many ran.

Invariants
----------
INV-1 settled positions: once reports settle (faults stop, the stream delivers,
    ambiguous submits resolve, reconciliation of orders runs; no position
    adjustment), the bot's position in every symbol equals the venue's, its cash
    equals the venue's, and every order the venue knows has the same filled
    quantity and the same working/finished state in the bot.
INV-2 limits: no order is sent that opens, increases or flips exposure while it
    breaks a limit (max_order_qty in units, max_order_notional,
    max_position_notional, max_gross_exposure), while a breaker is latched, or
    while the symbol's trading state is not ACTIVE; reducing orders never cross
    flat.
INV-3 one owner: at the venue (working or on its way to it) a symbol never has two
    closing orders, nor two entries; no client order id is ever sent twice.
INV-4 breakers: a tripped breaker stays latched (across any number of restarts)
    until it is reset; a daily-loss or drawdown trip keeps trading HALTED until a
    person changes the state; a restart keeps the trading states it found.
INV-5 flatten and kill converge: from any state, once faults stop, a flatten
    (or a kill: the two take turns from step to step) leaves the bot and the
    venue flat with nothing working within 50 timer steps of 100 ms (no market
    data, when the bot has a quote for every symbol it holds; plus the core's
    documented hold while an earlier closing order is in doubt), and within 50
    more steps with quotes.
INV-6 accounting: cash + positions at market == starting equity + realized +
    unrealized - fees, exactly, in integer nanos (starting equity is the
    account's first deposit, also after restarts).
INV-7 target side: once settled, the position is flat or on the side of the
    last signal (flat after a flatten or kill), never on the old side: a
    reversal that the risk gate denies, or that times out, never keeps the old
    position.

Rules
-----
quotes (random walk on the tick grid, sometimes wide spreads) with strategy
signals; timer steps and outages (timer only, no data); faults armed for the
next submit (venue reject, ambiguous and reached, ambiguous and held then
arriving late or never) and the next cancel (refused, unanswered then retried);
the order stream stalled, delivered out of order, duplicated, a report lost;
periodic reconciliation; day rollover; restart (with an optional lost tail of
the store's last batch); the control commands pause, resume, resize, flatten,
kill (with the venue-side cancel-all/close-all escalation), setlimit, reset.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import rule

from engine.core.risk import RiskLimits
from engine.core.risk.limits import money
from engine.core.trading_core import ALL
from engine.model import Order
from engine.model import OrderType
from engine.model import Side
from engine.model import TradingState
from tests.invariants.conftest import invariant_settings
from tests.invariants.world import AAA
from tests.invariants.world import BBB
from tests.invariants.world import BY_SYMBOL
from tests.invariants.world import MS
from tests.invariants.world import SEC
from tests.invariants.world import START_CASH
from tests.invariants.world import TIMER_NS
from tests.invariants.world import VENUE_CLOSE_PREFIX
from tests.invariants.world import Config
from tests.invariants.world import World
from tests.invariants.world import fail

SYMBOLS = st.sampled_from([AAA, BBB])
SCOPES = st.sampled_from([ALL, AAA, BBB])
BREAKERS = st.sampled_from(["all", "daily_loss", "drawdown", "loss_streak"])

LIMIT_CHOICES: dict[str, list[object]] = {
    "max_order_qty": [Decimal(0), Decimal("0.05"), Decimal(1), Decimal(2), Decimal(3)],
    "max_order_notional": [Decimal(0), Decimal(150), Decimal(500)],
    "max_position_notional": [Decimal(0), Decimal(250), Decimal(1000)],
    "max_gross_exposure": [Decimal(0), Decimal(400)],
    "daily_loss_limit": [Decimal(0), Decimal(1), Decimal(3)],
    "max_drawdown": [Decimal(0), Decimal(2), Decimal(5)],
    "max_consecutive_losses": [0, 2, 3],
    "max_orders_per_window_symbol": [0, 4],
    "duplicate_window_ms": [0, 200],
}


def _limits(values: dict[str, object]) -> RiskLimits | None:
    """RiskLimits from the values, or None when the configuration refuses them."""
    try:
        return RiskLimits(**values)  # type: ignore[arg-type]
    except ValueError:
        return None


LIMITS = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in LIMIT_CHOICES.items()})


# -- INV-2 and INV-3, checked when an order is sent -------------------------------------------


def check_send(world: World, order: Order) -> None:
    cid = order.client_order_id
    if cid in world.sent:
        fail("INV-3.1", f"INV-3: client order id {cid} sent twice")
    core = world.core
    sym = order.symbol
    inst = BY_SYMBOL[sym]
    pos = core.portfolio.position_qty(sym)
    new = pos + order.qty * order.side
    opens = new != 0 and (abs(new) > abs(pos) or (new > 0) != (pos > 0))
    what = f"{order.side.name} {order.qty} lots of {sym} ({cid}, position {pos})"
    if opens:
        lim = world.limits
        state = core.trading_state(sym)
        if state is not TradingState.ACTIVE:
            fail("INV-2.1", f"INV-2: {what} opens exposure in state {state.value}")
        if world.latched:
            fail("INV-2.2", f"INV-2: {what} opens exposure with breaker(s) {world.latched} latched")
        if lim.max_order_qty and order.qty * inst.size_increment > lim.max_order_qty:
            fail("INV-2.3", f"INV-2: {what} exceeds max_order_qty {lim.max_order_qty}")
        market = core.market(sym)
        if order.order_type is not OrderType.MARKET and order.price:
            ref2 = 2 * order.price
        else:
            ref2 = 2 * (market.ask if order.side is Side.BUY else market.bid)
        mpl = inst.money_per_tick_lot
        notional = order.qty * ref2 * mpl // 2
        if lim.max_order_notional and notional > money(lim.max_order_notional):
            fail("INV-2.4", f"INV-2: {what} notional {notional} > max_order_notional")
        value = abs(new) * ref2 * mpl // 2
        if lim.max_position_notional and value > money(lim.max_position_notional):
            fail("INV-2.5", f"INV-2: {what} position value {value} > max_position_notional")
        old = abs(pos) * ref2 * mpl // 2
        gross = core.portfolio.gross_exposure - old + value
        if lim.max_gross_exposure and gross > money(lim.max_gross_exposure):
            fail("INV-2.6", f"INV-2: {what} gross {gross} > max_gross_exposure")
    live = world.venue_live(sym)
    closes = [o.client_order_id for o in live if not o.is_entry]
    entries = [o.client_order_id for o in live if o.is_entry]
    if not order.is_entry and closes:
        fail("INV-3.2", f"INV-3: closing order {what} sent while {closes} still live")
    if order.is_entry and entries:
        fail("INV-3.3", f"INV-3: entry {what} sent while entry {entries} still live")


# -- look-ahead checks (on a copy) ---------------------------------------------------------


def check_settled(world: World) -> None:
    """INV-1 and INV-7 on a world whose faults stopped and whose reports settled."""
    core = world.core
    for sym in BY_SYMBOL:
        mine, theirs = core.portfolio.position_qty(sym), world.venue_pos[sym]
        if mine != theirs:
            fail("INV-1.1", f"INV-1: settled position of {sym}: bot {mine}, venue {theirs}")
    if core.portfolio.cash != world.venue_cash:
        fail(
            "INV-1.2",
            f"INV-1: settled cash: bot {core.portfolio.cash}, venue {world.venue_cash} "
            f"(diff {core.portfolio.cash - world.venue_cash} nanos)",
        )
    for vo in world.venue_orders():
        if vo.client_order_id.startswith(VENUE_CLOSE_PREFIX):
            continue
        mine_o = core.orders.get(vo.client_order_id)
        if mine_o is None:
            continue  # an order of an earlier run the store lost: adopted or not, positions tell
        if mine_o.filled_qty != vo.filled_qty:
            fail(
                "INV-1.3",
                f"INV-1: {vo.client_order_id} filled {mine_o.filled_qty} in the bot, "
                f"{vo.filled_qty} at the venue",
            )
        if mine_o.status.is_working != vo.status.is_working:
            fail(
                "INV-1.4",
                f"INV-1: {vo.client_order_id} is {mine_o.status.value} in the bot, "
                f"{vo.status.value} at the venue",
            )
    for o in core.orders.working():
        if o.client_order_id not in world.venue_cids:
            fail(
                "INV-1.5", f"INV-1: {o.client_order_id} {o.status.value} in the bot, unknown there"
            )
    for sym in BY_SYMBOL:
        target = world.target[sym]
        pos = core.portfolio.position_qty(sym)
        if target is None or not pos:
            continue
        if target == 0 or (pos > 0) != (target > 0):
            fail(
                "INV-7.1",
                f"INV-7: settled position {pos} of {sym} is on the wrong side of the "
                f"last signal/flatten ({target})",
            )


def check_converges(world: World, how: str) -> None:
    """INV-5 from a settled world: flatten or kill, then timer steps only, then quotes.

    The bound is 50 steps of 100 ms, plus the core's documented hold while an earlier
    order of the symbol is in doubt (provisional, ``provisional_hold_ns``).
    """
    if how == "kill":
        world.kill()
    else:
        world.flatten(ALL)
    core = world.core
    doubt = max(0, world.in_doubt_until() - world.now) // TIMER_NS
    for _ in range(50 + doubt):
        if not _unflat(world):
            break
        world.timer(TIMER_NS)
    held = [s for s in BY_SYMBOL if core.portfolio.position_qty(s) or world.venue_pos[s]]
    if all(core.market(s).has_quote for s in held):
        _flat_or_fail(world, f"INV-5.{how}.timer", f"{how} not flat after 50 timer steps, no data")
    extra = 5
    for _ in range(50 + extra):
        if not _unflat(world):
            extra -= 1
            if extra < 0:
                break
        for sym in BY_SYMBOL:
            if world.venue_market[sym].has_quote:
                world.quote(sym, 0, 2, TIMER_NS // 2, None)
        world.timer(TIMER_NS // 2)
    _flat_or_fail(world, f"INV-5.{how}.quotes", f"{how} not flat after 50 more steps with quotes")


def _unflat(world: World) -> dict[str, tuple[int, int, int]]:
    core = world.core
    return {
        s: (core.portfolio.position_qty(s), world.venue_pos[s], len(core.orders.working(s)))
        for s in BY_SYMBOL
        if core.portfolio.position_qty(s) or world.venue_pos[s] or core.orders.working(s)
    }


def _flat_or_fail(world: World, key: str, what: str) -> None:
    bad = _unflat(world)
    if bad:
        fail(key, f"INV-5: {what}: symbol -> (bot position, venue position, bot working) {bad}")


# -- the machine -------------------------------------------------------------------------------


class TraderInvariants(RuleBasedStateMachine):
    """Generated sequences of market data, signals, faults, restarts and commands."""

    world: World

    @initialize(
        qty=st.sampled_from([Decimal(1), Decimal(2)]),
        order_type=st.sampled_from(["market", "market", "limit"]),
        values=LIMITS,
        fees=st.sampled_from([(Decimal(0), Decimal(0)), (Decimal("0.001"), Decimal("-0.0002"))]),
    )
    def build(
        self,
        qty: Decimal,
        order_type: str,
        values: dict[str, object],
        fees: tuple[Decimal, Decimal],
    ) -> None:
        limits = _limits(values) or RiskLimits()
        try:
            self.world = World(Config(qty, order_type, limits, fees[0], fees[1]), check_send)
        except ValueError:
            # the core refuses the limits at configuration time (e.g. max_order_qty below
            # one lot, item 15): that run never starts; run without that limit instead
            limits = msgspec.structs.replace(limits, max_order_qty=Decimal(0))
            self.world = World(Config(qty, order_type, limits, fees[0], fees[1]), check_send)
        self.steps = 0
        for sym in (AAA, BBB):  # one quote each, so the bot can price from the start
            self.world.quote(sym, 0, 2, MS, None)

    # -- market data and signals -------------------------------------------------------------

    @rule(
        symbol=SYMBOLS,
        move=st.integers(-30, 30),
        spread=st.sampled_from([1, 2, 2, 3, 40]),
        dt=st.sampled_from([MS, 50 * MS, 300 * MS, 2 * SEC]),
        signal=st.sampled_from([None, None, 1, -1, 0]),
    )
    def quote(self, symbol: str, move: int, spread: int, dt: int, signal: int | None) -> None:
        self.world.quote(symbol, move, spread, dt, signal)  # type: ignore[arg-type]

    @rule(symbol=SYMBOLS, direction=st.sampled_from([1, -1, 0]))
    def signal(self, symbol: str, direction: int) -> None:
        """A signal on an unchanged quote (reversals are frequent)."""
        self.world.quote(symbol, 0, 2, MS, direction)  # type: ignore[arg-type]

    @rule(symbol=SYMBOLS)
    def reverse(self, symbol: str) -> None:
        """A signal against the position held (or against the last signal): a reversal."""
        w = self.world
        pos = w.core.portfolio.position_qty(symbol)  # type: ignore[arg-type]
        last = w.target[symbol] or 1  # type: ignore[index]
        direction = -1 if pos > 0 else 1 if pos < 0 else -last
        w.quote(symbol, 0, 2, MS, direction)  # type: ignore[arg-type]

    @rule(dt=st.sampled_from([TIMER_NS, 500 * MS, 3 * SEC]))
    def timer(self, dt: int) -> None:
        self.world.timer(dt)

    @rule(steps=st.integers(1, 80))
    def outage(self, steps: int) -> None:
        """No market data: only the runtime's timer drives the core."""
        for _ in range(steps):
            self.world.timer(TIMER_NS)

    # -- faults -----------------------------------------------------------------------

    @rule(
        fault=st.sampled_from(["reject", "ambiguous_reached", "ambiguous_held"]),
        delay=st.sampled_from([0, 300 * MS, 3 * SEC, 9 * SEC]),
    )
    def arm_submit_fault(self, fault: str, delay: int) -> None:
        """The next submit is rejected, or ambiguous (held: arrives after ``delay``, 0 = never)."""
        self.world.submit_fault = (fault, delay)

    @rule(
        fault=st.sampled_from(["refused", "silent"]),
        delay=st.sampled_from([200 * MS, 2 * SEC, 8 * SEC]),
    )
    def arm_cancel_fault(self, fault: str, delay: int) -> None:
        """The next cancel is refused or unanswered; the shell retries after ``delay``."""
        self.world.cancel_fault = (fault, delay)

    @rule(
        op=st.sampled_from(["stall", "unstall", "deliver_one", "drop_one", "duplicate"]),
        index=st.integers(0, 5),
    )
    def stream(self, op: str, index: int) -> None:
        self.world.stream(op, index)

    @rule()
    def reconcile(self) -> None:
        """The periodic reconciliation (orders, then positions twice in a row)."""
        self.world.reconcile_orders()
        self.world.reconcile_positions(startup=False)

    @rule()
    def start_day(self) -> None:
        self.world.start_day()

    @rule(lose=st.sampled_from([0, 0, 1, 3]))
    def restart(self, lose: int) -> None:
        """SIGKILL and restart; ``lose`` events of the store's last batch never got written."""
        w = self.world
        core = w.core
        before = (core.state, {s: core._slots[s].state for s in BY_SYMBOL})
        latched = set(core.breakers.latched)
        w.restart(lose)
        after = (w.core.state, {s: w.core._slots[s].state for s in BY_SYMBOL})
        if not latched <= set(w.core.breakers.latched):
            fail(
                "INV-4.1",
                f"INV-4: breakers {latched} latched before a restart, "
                f"{set(w.core.breakers.latched)} after",
            )
        if before != after:
            fail("INV-4.2", f"INV-4: trading states {before} before a restart, {after} after")

    # -- control commands ---------------------------------------------------------------

    @rule(scope=SCOPES)
    def pause(self, scope: str) -> None:
        self.world.set_state(scope, TradingState.PAUSED, "test")

    @rule(scope=SCOPES)
    def reduce(self, scope: str) -> None:
        self.world.set_state(scope, TradingState.REDUCING, "test")

    @rule(scope=SCOPES)
    def resume(self, scope: str) -> None:
        self.world.set_state(scope, TradingState.ACTIVE, "test")

    @rule(scope=SCOPES, factor=st.sampled_from([0.5, 1.0, 2.0, 3.0]))
    def resize(self, scope: str, factor: float) -> None:
        self.world.resize(scope, factor)

    @rule(scope=SCOPES)
    def flatten(self, scope: str) -> None:
        self.world.flatten(scope)

    @rule()
    def kill(self) -> None:
        self.world.kill()

    @rule(steps=st.integers(0, 30))
    def kill_escalated(self, steps: int) -> None:
        """Kill, wait ``steps`` timer steps, then the venue-side cancel all / close all."""
        w = self.world
        w.kill()
        for _ in range(steps):
            w.timer(TIMER_NS)
        w.kill_escalate()

    @rule(name=st.sampled_from(sorted(LIMIT_CHOICES)), data=st.data())
    def setlimit(self, name: str, data: st.DataObject) -> None:
        """/setlimit through the control's validation (a refused value changes nothing)."""
        value = data.draw(st.sampled_from(LIMIT_CHOICES[name]), label="value")
        self.world.set_limit(name, str(value))

    @rule(name=BREAKERS)
    def reset(self, name: str) -> None:
        self.world.reset_breaker(name)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def accounting(self) -> None:
        """INV-6: cash + positions at market == start + realized + unrealized - fees."""
        pf = self.world.core.portfolio
        lhs = pf.cash + sum(
            p.qty * p.mark2 * BY_SYMBOL[p.symbol].money_per_tick_lot // 2
            if p.mark2
            else round(p.avg_price * p.qty) * BY_SYMBOL[p.symbol].money_per_tick_lot
            for p in pf.positions()
        )
        rhs = START_CASH + pf.realized + pf.unrealized - pf.fees
        if lhs != pf.equity:
            fail("INV-6.1", f"INV-6: equity {pf.equity} != cash + marked positions {lhs}")
        if lhs != rhs:
            fail(
                "INV-6.2",
                f"INV-6: cash + positions {lhs} != start + realized + unrealized - fees {rhs} "
                f"(diff {lhs - rhs} nanos)",
            )

    @invariant()
    def breakers_stay_latched(self) -> None:
        """INV-4: every breaker the core announced stays latched until a reset."""
        w = self.world
        if not w.latched <= set(w.core.breakers.latched):
            fail(
                "INV-4.3",
                f"INV-4: breakers {w.latched} tripped and not reset, core has "
                f"{set(w.core.breakers.latched)}",
            )
        if w.halted_by_breaker and w.core.state is not TradingState.HALTED:
            fail("INV-4.4", f"INV-4: a breaker halted trading, state is {w.core.state.value}")

    @invariant()
    def one_owner_at_the_venue(self) -> None:
        """INV-3: at most one closing order and one entry live per symbol at the venue."""
        for sym in BY_SYMBOL:
            live = self.world.venue_live(sym)
            closes = [o.client_order_id for o in live if not o.is_entry]
            entries = [o.client_order_id for o in live if o.is_entry]
            if len(closes) > 1 or len(entries) > 1:
                fail(
                    "INV-3.4", f"INV-3: {sym} live at the venue: closes {closes}, entries {entries}"
                )

    @invariant()
    def settles_and_converges(self) -> None:
        """INV-1, INV-7 on a settled copy; INV-5 from there (kill and flatten by turns)."""
        w = getattr(self, "world", None)
        if w is None:
            return
        settled = w.clone()
        settled.settle()
        check_settled(settled)
        self.looks = getattr(self, "looks", 0) + 1
        check_converges(settled, "kill" if self.looks % 2 else "flatten")


TraderInvariants.TestCase.settings = invariant_settings()
TestTraderInvariants = TraderInvariants.TestCase
