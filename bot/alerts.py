"""Engine events to alerts, and who receives them.

:class:`AlertFeed` is the bus subscriber: it only appends the event to a bounded
deque (O(1)) and wakes the outbox; the outbox task pulls, translates with
:class:`Translator` and fans out by each user's level (:class:`AlertPrefs`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot.outbox import Job
from bot.outbox import Priority
from bot.render import Units
from bot.render import esc
from bot.render import nanos
from bot.render import pairs
from bot.settings import Role
from engine.model import ReportKind
from engine.model import TradingState
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import DailyDigest
from engine.model.events import Discrepancy
from engine.model.events import EngineEvent
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import FillApplied
from engine.model.events import Lifecycle
from engine.model.events import OrderUpdated
from engine.model.events import RoundTripClosed
from engine.model.events import TradingStateChanged

log = logging.getLogger("scalpbot.telegram")


@dataclass(frozen=True, slots=True)
class Alert:
    priority: Priority
    kind: str
    text: str
    key: str = ""  # a newer alert with the same key replaces an unsent older one


class Level(Enum):
    ALL = "all"
    CRITICAL = "critical"
    OFF = "off"


class AlertPrefs:
    """Each user's alert level (in memory; defaults: admins and traders all, viewers critical)."""

    def __init__(self, users: Mapping[int, Role]) -> None:
        self._users = dict(users)
        self._levels: dict[int, Level] = {}

    def level(self, user_id: int) -> Level:
        default = Level.CRITICAL if self._users.get(user_id) is Role.VIEWER else Level.ALL
        return self._levels.get(user_id, default)

    def set(self, user_id: int, level: Level) -> None:
        self._levels[user_id] = level

    def recipients(self, priority: Priority) -> list[int]:
        out = []
        for uid in self._users:
            level = self.level(uid)
            if level is Level.ALL or (level is Level.CRITICAL and priority is Priority.CRITICAL):
                out.append(uid)
        return out


WANTED = frozenset(
    {
        FillApplied,
        RoundTripClosed,
        OrderUpdated,
        FeedEvent,
        BreakerWarning,
        BreakerTripped,
        BreakerReset,
        TradingStateChanged,
        Discrepancy,
        Lifecycle,
        DailyDigest,
    }
)


class AlertFeed:
    """The bus subscriber and the outbox's source of alert jobs."""

    def __init__(
        self,
        translator: Translator,
        prefs: AlertPrefs,
        wake: Callable[[], None],
        capacity: int = 50_000,
    ) -> None:
        self._events: deque[EngineEvent] = deque()
        self._capacity = capacity
        self._translator = translator
        self._prefs = prefs
        self._wake = wake
        self.overflow = 0
        self.failed = 0

    def __call__(self, event: EngineEvent) -> None:
        if type(event) not in WANTED:
            return
        if isinstance(event, OrderUpdated) and event.kind is not ReportKind.REJECTED:
            return
        if len(self._events) >= self._capacity:
            self.overflow += 1
            return
        self._events.append(event)
        self._wake()

    def drain(self) -> list[Job]:
        if not self._events:
            return []
        events = list(self._events)
        self._events.clear()
        try:
            alerts = self._translator.translate(events)
        except Exception:  # a bug here must not stop the outbox
            self.failed += len(events)
            log.exception("telegram: could not turn %d event(s) into alerts", len(events))
            return []
        return [j for a in alerts for j in jobs_for(a, self._prefs)]


STATE_MARK = {
    TradingState.ACTIVE: "▶️",
    TradingState.PAUSED: "⏸",
    TradingState.REDUCING: "↘️",
    TradingState.HALTED: "🛑",
}


class Translator:
    """Events to alert texts; remembers feed outages and stale symbols to coalesce them."""

    def __init__(self, units: Units) -> None:
        self._units = units
        self._down: dict[str, tuple[int, int]] = {}  # feed -> (down since ns, drops)
        self._stale: dict[str, int] = {}  # symbol -> stale since ns

    def translate(self, events: Sequence[EngineEvent]) -> list[Alert]:
        out: list[Alert] = []
        trips = [e for e in events if isinstance(e, RoundTripClosed)]
        used: set[int] = set()
        for event in events:
            if isinstance(event, FillApplied):
                trip = _pair(event, trips, used)
                out.append(self._fill(event, trip))
            elif isinstance(event, RoundTripClosed):
                if id(event) not in used:
                    out.append(self._trip(event))
            else:
                alert = self._other(event)
                if alert is not None:
                    out.append(alert)
        return _latest_per_key(out)

    def _fill(self, e: FillApplied, trip: RoundTripClosed | None) -> Alert:
        f, u = e.fill, self._units
        side = "BUY" if f.side > 0 else "SELL"
        mark = "🟢" if f.side > 0 else "🔴"
        what = "entry" if f.is_entry else "exit"
        text = (
            f"{mark} {side} {u.qty(f.symbol, f.qty)} <b>{esc(f.symbol)}</b>"
            f" @ {u.price(f.symbol, f.price)} · {what}"
        )
        if trip is not None:
            text += f" · trade P&amp;L <b>{nanos(trip.pnl, True)}</b>"
        return Alert(Priority.FILL, "fill", text)

    def _trip(self, e: RoundTripClosed) -> Alert:
        text = f"💰 {esc(e.symbol)} trade closed · P&amp;L <b>{nanos(e.pnl, True)}</b>"
        return Alert(Priority.FILL, "fill", text)

    def _other(self, event: EngineEvent) -> Alert | None:
        if isinstance(event, FeedEvent):
            return self._feed(event)
        if isinstance(event, OrderUpdated):
            o, u = event.order, self._units
            side = "BUY" if o.side > 0 else "SELL"
            text = (
                f"❌ order rejected: {side} {u.qty(o.symbol, o.qty)} <b>{esc(o.symbol)}</b>"
                f" {esc(o.order_type.value)}{' · ' + esc(o.reason) if o.reason else ''}"
                f"{': ' + esc(event.reason) if event.reason else ''}"
            )
            return Alert(Priority.FILL, "reject", text)
        return _risk_or_life(event)

    def _feed(self, e: FeedEvent) -> Alert | None:
        if e.state is FeedState.DISCONNECTED:
            since, drops = self._down.get(e.feed, (e.ts, 0))
            self._down[e.feed] = (since, drops + 1)
            detail = f": {esc(e.detail)}" if e.detail else ""
            text = f"🔌 <b>{esc(e.feed)} disconnected</b>{detail}"
            return Alert(Priority.CRITICAL, "feed", text, key=f"feed:{e.feed}")
        if e.state is FeedState.CONNECTED:
            if e.feed not in self._down:
                return None
            since, drops = self._down.pop(e.feed)
            times = f" ({drops} drops)" if drops > 1 else ""
            text = f"🔌 {esc(e.feed)} reconnected after {(e.ts - since) / 1e9:.1f} s{times}"
            return Alert(Priority.CRITICAL, "feed", text, key=f"feed:{e.feed}")
        symbol = e.symbol or "?"
        why = f" · {esc(e.detail)}" if e.detail else ""  # FEED: the sanity gate's reason
        if e.state is FeedState.REJECTED:  # FEED: rate-limited by the gate (1/min/symbol)
            text = f"🚫 <b>{esc(symbol)}</b>: bad market data dropped{why}"
            return Alert(Priority.INFO, "stale", text, key=f"rejected:{symbol}")
        if e.state is FeedState.STALE:
            self._stale.setdefault(symbol, e.ts)
            text = f"⏳ <b>{esc(symbol)}</b>: market data stale, entries blocked{why}"
            return Alert(Priority.INFO, "stale", text, key=f"stale:{symbol}")
        since = self._stale.pop(symbol, e.ts)
        text = (
            f"⏳ {esc(symbol)}: market data fresh again (stale {(e.ts - since) / 1e9:.1f} s){why}"
        )
        return Alert(Priority.INFO, "stale", text, key=f"stale:{symbol}")


def _latest_per_key(alerts: list[Alert]) -> list[Alert]:
    """Within a batch, a keyed alert replaces an earlier one with the same key (in its place)."""
    where: dict[str, int] = {}
    out: list[Alert] = []
    for alert in alerts:
        if alert.key and alert.key in where:
            out[where[alert.key]] = alert
            continue
        if alert.key:
            where[alert.key] = len(out)
        out.append(alert)
    return out


def _pair(
    fill: FillApplied, trips: list[RoundTripClosed], used: set[int]
) -> RoundTripClosed | None:
    """The round trip this fill closed (published right after it), if any."""
    if fill.fill.is_entry and fill.position_qty != 0:
        return None
    for trip in trips:
        if id(trip) not in used and trip.symbol == fill.fill.symbol and trip.ts >= fill.ts:
            used.add(id(trip))
            return trip
    return None


def _risk_or_life(event: EngineEvent) -> Alert | None:
    crit = Priority.CRITICAL
    if isinstance(event, BreakerWarning):
        text = (
            f"⚠️ <b>{esc(event.breaker)}</b> at {event.fraction:.0%} of its limit:"
            f" {nanos(event.value)} of {nanos(event.limit)}"
        )
        return Alert(crit, "breaker", text)
    if isinstance(event, BreakerTripped):
        text = (
            f"🛑 <b>breaker {esc(event.breaker)} tripped</b>: {esc(event.detail)}"
            f" ({nanos(event.value)} / limit {nanos(event.limit)}). Latched until /reset."
        )
        return Alert(crit, "breaker", text)
    if isinstance(event, BreakerReset):
        return Alert(crit, "breaker", f"breaker {esc(event.breaker)} reset by {esc(event.actor)}")
    if isinstance(event, TradingStateChanged):
        where = "all symbols" if event.scope in ("*", "") else event.scope
        reason = f" · {esc(event.reason)}" if event.reason else ""
        text = (
            f"{STATE_MARK.get(event.new, '')} trading <b>{esc(event.new.value)}</b>"
            f" ({esc(where)}) by {esc(event.actor)}{reason}"
        )
        return Alert(crit, "state", text)
    if isinstance(event, Discrepancy):
        text = (
            f"🧾 reconciliation: <b>{esc(event.kind)}</b> {esc(event.symbol)} · {esc(event.detail)}"
        )
        return Alert(crit, "discrepancy", text)
    if isinstance(event, Lifecycle):
        return _lifecycle(event)
    if isinstance(event, DailyDigest):
        return Alert(Priority.INFO, "digest", render_digest(event))
    return None


def _lifecycle(e: Lifecycle) -> Alert | None:
    marks = {"ready": "🚀 started", "stopping": "⏹ stopping", "stopped": "⏹ stopped"}
    if e.phase not in marks:
        return None
    detail = f": {esc(e.detail)}" if e.detail else ""
    return Alert(Priority.CRITICAL, "lifecycle", f"{marks[e.phase]} (run {esc(e.run_id)}){detail}")


def render_digest(d: DailyDigest) -> str:
    return "📊 <b>Daily digest</b>\n" + pairs(
        [
            ("equity", nanos(d.equity)),
            ("day P&L", nanos(d.day_pnl, True)),
            ("drawdown", nanos(d.drawdown)),
            ("fills", d.fills),
            ("round trips", d.round_trips),
            ("open positions", d.open_positions),
        ]
    )


def startup_alert(info: Mapping[str, str], state: str, actor: str) -> Alert:
    """The bot's own start-up message (the engine's 'ready' came before it subscribed)."""
    text = (
        f"🚀 scalpbot {esc(info.get('version', '?'))} up · run {esc(info.get('run_id', '?'))}"
        f" · venue {esc(info.get('venue', '?'))} · trading <b>{esc(state)}</b>"
        f" (set by {esc(actor or '-')})"
    )
    return Alert(Priority.CRITICAL, "lifecycle", text)


def jobs_for(alert: Alert, prefs: AlertPrefs) -> Iterable[Job]:
    for uid in prefs.recipients(alert.priority):
        yield Job(uid, alert.priority, alert.text, key=alert.key, kind=alert.kind, coalesce=True)
