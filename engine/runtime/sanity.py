"""The sanity gate: market data that cannot be right is counted by reason and dropped.

Only ticks that pass reach the core (strategies, marks, the high-water mark and
the breakers). A quote is dropped when a price is not positive or a size is
negative (``bad_price``/``bad_size``), when it is crossed or locked, when its
time is before the symbol's last accepted tick (``time_backwards``), more than
``future_tolerance_s`` after the local clock (``future_ts``) or more than
``max_age_s`` (the stale window) before it (``past_ts``), and when its mid is
outside the symbol's **price band** (``price_band``). Trades get the same checks
(a trade's price against the band).

The band is ``band_pct`` (per symbol if configured) around the symbol's
reference, but never narrower than :data:`MIN_BAND_TICKS` ticks. The reference
follows the accepted mids: it is re-centred on the accepted mid whenever that
has moved more than 1/:data:`RECENTER_DIVISOR` of the band from it (so it is
never further than that from the last accepted mid). The check on the hot path
is integer compares of ``bid + ask`` against bounds kept per symbol; nothing is
computed or allocated unless the tick is dropped or the reference moves.

- **Seeding.** A symbol has no reference at start: its quotes are dropped
  (``no_reference``) until :data:`SEED_TICKS` of them agree (each inside the band
  of the one before); the last of those is accepted and becomes the reference.
  A corrupt first tick therefore never becomes the reference. A feed whose first
  :data:`SEED_TICKS` quotes of a symbol are *consistently* wrong does seed on
  them (nothing independent is asked: the venue's trades come down the same
  feed, and waiting for one would leave illiquid symbols unseeded); the real
  market is then a level beyond the reach below, so the symbol is held and
  alerted rather than traded on the real prices, and a person restarts it.
  :meth:`SanityGate.seed` sets a reference known to be good.
- **Genuine gaps.** Out-of-band quotes vote for a candidate level (a majority
  vote: a quote inside the band of the candidate adds one and moves the
  candidate to it, any other quote, in band or not, takes one away; at most
  :data:`MAX_VOTES` are kept, so when a bad level stops, the real market
  releases the hold within that many quotes). With :data:`HOLD_VOTES` votes the
  symbol is *held*: stale for the core (entries blocked, exits allowed) and
  announced. With :data:`REANCHOR_TICKS` votes over at least :data:`REANCHOR_S`
  seconds the band re-anchors on the new level and the quote is accepted, but
  only if that level is within the **reach** of the reference (see
  :data:`MAX_REANCHOR_BANDS`). Otherwise the hold is released once the votes have
  died out *and* the last :data:`RELEASE_TICKS` quotes were inside the band
  (hysteresis: a feed flapping between two levels is not released and held
  again at every other quote).
- **A feed that contradicts itself.** Out-of-band quotes that keep agreeing on a
  level while real ones arrive in between (e.g. one corrupt quote, one good)
  never let the votes die out: the symbol stays held (entries blocked; the good
  quotes are accepted and reach the core) for as long as that goes on, never
  silently: the STALE alert is repeated at most once per
  :data:`ALERT_INTERVAL_S` and says how long the symbol has been held. It ends
  as above: :data:`RELEASE_TICKS` good quotes in a row once the bad ones stop.
- **Implausible levels.** A level beyond the reach (x10, x0.1, x1000, x0.001: a
  scale error, not a market) is never accepted automatically, however long and
  consistently it is quoted: the symbol stays held and the alert says the level
  is implausible and needs a person (again at most once per
  :data:`ALERT_INTERVAL_S`). Nothing reaches the core meanwhile, so marks, the
  high-water mark and the breakers never see it. The ways out: the real market
  comes back inside the band (the hold is released by the votes), or a person
  checks the venue's price and restarts the bot, which seeds the band again
  from the first agreeing quotes (or calls :meth:`SanityGate.seed`).
- **Alerts.** Dropping for ``price_band``, ``future_ts`` or ``past_ts`` is
  announced as a ``FeedEvent`` of state REJECTED (STALE, saying for how long,
  while the symbol is held), at most once per symbol per
  :data:`ALERT_INTERVAL_S`, with the count since the last one. Holds and
  releases (re-anchoring included) are announced as STALE and FRESH, at most
  :data:`ANNOUNCE_BURST` per symbol per :data:`ALERT_INTERVAL_S` (a hold and its
  release); further flips in that interval are folded into one summary ("held N
  times in the last 60 s") given with the first tick after it. The *state* is
  never rate-limited: ``on_hold`` is called at every hold and release, so the
  core blocks entries exactly while :meth:`SanityGate.held`. Nothing is logged
  per tick.

Why one module of over 500 lines: this docstring, the gate's specification, is a
seventh of it; the rest is one per-symbol state machine on the hot path.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState

FUTURE_TOLERANCE_S = 2.0
"""Default tolerance for a tick stamped ahead of the local clock (clock skew, jitter)."""
SEED_TICKS = 3
"""Agreeing quotes needed before a symbol's band has a reference."""
HOLD_VOTES = 2
"""Consistent out-of-band quotes that put a symbol on hold (stale: entries blocked)."""
REANCHOR_TICKS = 5
"""Net votes for a new level needed to re-anchor the band..."""
REANCHOR_S = 2.0
"""...over at least this long (seconds, local clock)."""
MAX_REANCHOR_BANDS = 4
"""How far from the reference the band may re-anchor on its own, in bands: 20% at
the default 5% band. Scale errors in a feed are powers of ten (x10, x100 for cents
read as dollars, x1000, and their inverses: +900% / -90% at the least); genuine
moves while a market keeps quoting stay well inside 20% (US equity limit-up /
limit-down bands are 5-20%, the market-wide circuit breakers 7/13/20%; a crypto
pair rarely jumps 20% between two quotes). A genuine move beyond it (a halt
reopening on news, a split) needs a person; see :data:`MAX_REANCHOR_PCT` too."""
MAX_REANCHOR_PCT = 50
"""...and never further than this percentage of the reference, whatever the band
(a 50% band would otherwise reach x3 and x0): x1.5 and x0.5 at most, so x10 and
x0.1 are never re-anchored on automatically with any configured band."""
MAX_VOTES = 2 * REANCHOR_TICKS
"""A candidate level keeps at most this many votes (see the module docstring)."""
RELEASE_TICKS = 3
"""In-band quotes in a row needed (besides the votes dying out) to release a hold."""
ALERT_INTERVAL_S = 60.0
"""At most one drop alert (REJECTED, or STALE while held) per symbol this often..."""
ANNOUNCE_BURST = 2
"""...and at most this many hold/release announcements (STALE/FRESH): a hold and its
release; further flips are folded into one summary after the interval."""
MIN_BAND_TICKS = 2
"""The band is never narrower than this many ticks either side of the reference."""
RECENTER_DIVISOR = 16
"""The reference moves to the accepted mid once that is 1/16 of the band away."""
FEED = "market_data"
_PPM = 1_000_000


class GateConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The gate's settings: ``venue.price_band_pct``, ``venue.price_band_pct_by_symbol``
    and the stale window (``venue.stale_after_s``) as the oldest tick accepted."""

    band_pct: float = 5.0
    band_pct_by_symbol: dict[str, float] = msgspec.field(default_factory=dict)
    max_age_s: float = 5.0
    future_tolerance_s: float = FUTURE_TOLERANCE_S
    seed_ticks: int = SEED_TICKS

    def band_for(self, symbol: str) -> float:
        """The band (percent) of ``symbol``; per-symbol keys match case-insensitively."""
        by = self.band_pct_by_symbol
        if by:
            for key, pct in by.items():
                if key.upper() == symbol.upper():
                    return pct
        return self.band_pct


@dataclass(slots=True, eq=False)
class _Sym:
    """One symbol's gate state. Prices are twice the mid (bid + ask), in ticks."""

    symbol: Symbol
    ppm: int  # the band's half-width, parts per million of the mid
    min2: int
    last_ts: int = 0
    ref2: int = 0  # 0 = no reference yet
    lo2: int = 1  # empty band: every tick is outside until seeded
    hi2: int = 0
    in_lo2: int = 0  # re-centre the reference when the mid leaves [in_lo2, in_hi2]
    in_hi2: int = 0
    cand_lo2: int = 0
    cand_hi2: int = 0
    votes: int = 0
    since: int = 0  # local ns when the current candidate appeared
    held: bool = False
    implausible: bool = False  # held on a level beyond the reach: needs a person
    reach_lo2: int = 0  # the band may re-anchor on its own within [reach_lo2, reach_hi2]
    reach_hi2: int = 0
    alert_ns: int = 0
    dropped: int = 0  # alertable drops since the last alert
    run: int = 0  # in-band quotes in a row while held (the release's hysteresis)
    held_ns: int = 0  # local ns when the current hold began
    said_ns: int = 0  # local ns when the hold/release announcements' interval began
    said: int = 0  # hold/release announcements in that interval
    holds: int = 0  # holds since the last hold/release announcement
    owed: bool = False  # a hold or release was folded: a summary is due
    watch: bool = False  # votes, held or owed: in-band quotes leave the hot path

    def rewatch(self) -> None:
        self.watch = self.votes > 0 or self.held or self.owed

    def bounds(self, mid2: int) -> tuple[int, int]:
        d = max(mid2 * self.ppm // _PPM, self.min2)
        return mid2 - d, mid2 + d

    def center(self, mid2: int) -> None:
        """Make ``mid2`` the reference: the band and the re-centring zone around it."""
        d = max(mid2 * self.ppm // _PPM, self.min2)
        self.ref2 = mid2
        self.lo2 = mid2 - d
        self.hi2 = mid2 + d
        reach = min(MAX_REANCHOR_BANDS * d, mid2 * MAX_REANCHOR_PCT // 100)
        self.reach_lo2 = mid2 - reach
        self.reach_hi2 = mid2 + reach
        d //= RECENTER_DIVISOR
        self.in_lo2 = mid2 - d
        self.in_hi2 = mid2 + d


class SanityGate:
    """Checks each decoded tick before the core sees it (see the module docstring).

    :meth:`quote` and :meth:`trade` return the tick's time for the core (never after
    the local clock) or 0 when the tick is dropped. Counts live in ``rejects``;
    ``last_quote_ns`` is the time of each symbol's last accepted quote. ``emit`` gets
    the REJECTED/STALE/FRESH events (rate-limited); ``on_hold`` is called with the
    symbol at every hold and release, at once (held symbols are in :meth:`held`).
    """

    __slots__ = (
        "_alert_ns",
        "_clock",
        "_emit",
        "_future_ns",
        "_oldest",
        "_on_hold",
        "_reanchor_ns",
        "_seed",
        "_syms",
        "config",
        "last_quote_ns",
        "rejects",
    )

    def __init__(
        self,
        symbols: list[Symbol],
        config: GateConfig | None = None,
        *,
        clock: Callable[[], int] = time.time_ns,
        emit: Callable[[FeedEvent], None] | None = None,
        on_hold: Callable[[Symbol], None] | None = None,
    ) -> None:
        cfg = config if config is not None else GateConfig()
        self.config = cfg
        self._clock = clock
        self._emit = emit
        self._on_hold = on_hold
        self._future_ns = int(cfg.future_tolerance_s * 1e9)
        self._oldest = -int(cfg.max_age_s * 1e9)  # the earliest stamp, relative to now
        self._reanchor_ns = int(REANCHOR_S * 1e9)
        self._alert_ns = int(ALERT_INTERVAL_S * 1e9)
        self._seed = max(1, cfg.seed_ticks)
        self._syms: dict[Symbol, _Sym] = {
            s: _Sym(s, round(cfg.band_for(s) * 10_000), 2 * MIN_BAND_TICKS)  # percent -> ppm
            for s in symbols
        }
        self.last_quote_ns: dict[Symbol, int] = dict.fromkeys(symbols, 0)
        self.rejects: Counter[str] = Counter()

    # -- the hot path ----------------------------------------------------------------

    def quote(
        self, symbol: Symbol, ts: int, bid: int, bid_size: int, ask: int, ask_size: int
    ) -> int:
        s = self._syms.get(symbol)
        if s is None:
            self.rejects["unknown_symbol"] += 1
            return 0
        if bid <= 0 or ask <= 0:
            return self._drop("bad_price")
        if bid >= ask:
            return self._drop("crossed" if bid > ask else "locked")
        if bid_size < 0 or ask_size < 0:
            return self._drop("bad_size")
        if ts < s.last_ts:
            return self._drop("time_backwards")
        now = self._clock()
        ahead = ts - now
        if not self._oldest <= ahead <= self._future_ns:
            return self._bad_time(s, ahead, now)
        mid2 = bid + ask
        if not s.in_lo2 <= mid2 <= s.in_hi2:  # the reference moves, or out of the band
            if mid2 < s.lo2 or mid2 > s.hi2:
                return self._outside(s, mid2, ts, now)
            s.center(mid2)
        if ahead > 0:
            ts = now
        s.last_ts = ts
        self.last_quote_ns[symbol] = ts
        if s.watch:
            self._in_band(s, now)
        return ts

    def trade(self, symbol: Symbol, ts: int, price: int, size: int) -> int:
        s = self._syms.get(symbol)
        if s is None:
            self.rejects["unknown_symbol"] += 1
            return 0
        if price <= 0:
            return self._drop("bad_price")
        if size <= 0:
            return self._drop("bad_size")
        if ts < s.last_ts:
            return self._drop("time_backwards")
        now = self._clock()
        ahead = ts - now
        if not self._oldest <= ahead <= self._future_ns:
            return self._bad_time(s, ahead, now)
        p2 = 2 * price
        if p2 < s.lo2 or p2 > s.hi2:
            if not s.ref2:
                return self._drop("no_reference")
            return self._drop_alert(s, "price_band", now, _offset(p2, s.ref2))
        if ahead > 0:
            ts = now
        s.last_ts = ts
        return ts

    # -- off the hot path --------------------------------------------------------------

    def held(self, symbol: Symbol) -> bool:
        """Whether the band holds ``symbol`` (out-of-band quotes agree on a new level)."""
        s = self._syms.get(symbol)
        return s is not None and s.held

    def reference(self, symbol: Symbol) -> int:
        """The band's reference (twice the mid, in ticks); 0 before seeding."""
        s = self._syms.get(symbol)
        return 0 if s is None else s.ref2

    def seed(self, symbol: Symbol, bid: int, ask: int) -> None:
        """Set the reference from a price known to be good (e.g. the venue's snapshot,
        or a person's word); a hold is released."""
        s = self._syms[symbol]
        s.center(bid + ask)
        s.votes = 0
        s.implausible = False
        if s.held:
            self._release(s, self._clock(), "price band seeded", always=True)
        s.rewatch()

    def _drop(self, reason: str) -> int:
        self.rejects[reason] += 1
        return 0

    def _bad_time(self, s: _Sym, ahead: int, now: int) -> int:
        return self._drop_alert(s, "future_ts" if ahead > 0 else "past_ts", now, "")

    def _drop_alert(self, s: _Sym, reason: str, now: int, detail: str) -> int:
        self.rejects[reason] += 1
        s.dropped += 1
        if not s.alert_ns or now - s.alert_ns >= self._alert_ns:
            n, s.dropped, s.alert_ns = s.dropped, 0, now
            text = f"{reason}: {n} tick{'s' if n > 1 else ''} dropped"
            if s.held:  # still held: say so again, and for how long
                since = f"held for {_duration(now - s.held_ns)}"
                hold = _implausible(detail) if s.implausible else _new_level(detail)
                self._announce(now, FeedState.STALE, s, f"{hold} · {since} · {text}")
            else:
                self._announce(now, FeedState.REJECTED, s, f"{text}{detail}")
        return 0

    def _outside(self, s: _Sym, mid2: int, ts: int, now: int) -> int:
        s.run = 0
        if s.owed:
            self._flush(s, now)
        agrees = self._vote(s, mid2, now)
        if not s.ref2:
            if agrees and s.votes >= self._seed:
                return self._anchor(s, mid2, ts, now, "")
            return self._drop("no_reference")
        if agrees and s.votes >= HOLD_VOTES:
            if not s.reach_lo2 <= mid2 <= s.reach_hi2:  # never re-anchored on automatically
                if s.implausible:
                    return self._drop_alert(s, "price_band", now, _offset(mid2, s.ref2))
                s.implausible = True
                self.rejects["price_band"] += 1
                self._hold(s, now, _implausible(_offset(mid2, s.ref2)))
                return 0
            s.implausible = False  # the candidate came back within reach: the rules below
        if agrees and s.votes >= REANCHOR_TICKS and now - s.since >= self._reanchor_ns:
            detail = (
                f"price band re-anchored after {s.votes} agreeing quotes over"
                f" {(now - s.since) / 1e9:.1f} s{_offset(mid2, s.ref2)}"
            )
            return self._anchor(s, mid2, ts, now, detail)
        if agrees and s.votes >= HOLD_VOTES and not s.held:
            self.rejects["price_band"] += 1
            self._hold(s, now, _new_level(_offset(mid2, s.ref2)))
            return 0
        return self._drop_alert(s, "price_band", now, _offset(mid2, s.ref2))

    def _vote(self, s: _Sym, mid2: int, now: int) -> bool:
        """A majority vote for the level out-of-band quotes agree on; True if this
        quote agrees with the candidate (or starts one)."""
        if not s.votes:
            s.cand_lo2, s.cand_hi2 = s.bounds(mid2)
            s.votes, s.since = 1, now
            s.watch = True
            return True
        if s.cand_lo2 <= mid2 <= s.cand_hi2:
            if s.votes < MAX_VOTES:
                s.votes += 1
            s.cand_lo2, s.cand_hi2 = s.bounds(mid2)  # follow a market still moving
            return True
        s.votes -= 1  # a hold is released only by quotes inside the band (_in_band)
        s.rewatch()
        return False

    def _in_band(self, s: _Sym, now: int) -> None:
        """An accepted quote while votes, a hold or an announcement are pending."""
        if s.votes:
            s.votes -= 1
        if s.held:
            s.run += 1
            if not s.votes and s.run >= RELEASE_TICKS:
                self._release(s, now, "price band: quotes back inside the band")
        if s.owed:
            self._flush(s, now)
        s.rewatch()

    def _anchor(self, s: _Sym, mid2: int, ts: int, now: int, detail: str) -> int:
        s.center(mid2)
        s.votes = 0
        s.implausible = False
        ts = min(ts, now)
        s.last_ts = ts
        self.last_quote_ns[s.symbol] = ts
        if s.held:
            self._release(s, now, detail)
        elif detail:
            self._announce(now, FeedState.FRESH, s, detail)
        s.rewatch()
        return ts

    # -- holds and releases: the state at once, the announcements rate-limited ----------

    def _hold(self, s: _Sym, now: int, detail: str) -> None:
        """Hold ``s`` (or say why it is held, if it already is)."""
        if not s.held:
            s.held, s.held_ns, s.run = True, now, 0
            s.holds += 1
            s.watch = True
            if self._on_hold is not None:
                self._on_hold(s.symbol)
        if self._tell(s, now, detail):
            s.dropped, s.alert_ns = 0, now  # the next drop alert a full interval later

    def _release(self, s: _Sym, now: int, detail: str, *, always: bool = False) -> None:
        s.held = s.implausible = False
        s.run = 0
        if self._on_hold is not None:
            self._on_hold(s.symbol)
        self._tell(s, now, detail, always=always)

    def _tell(self, s: _Sym, now: int, detail: str, *, always: bool = False) -> bool:
        """Announce the hold or release just made, unless :data:`ANNOUNCE_BURST` were
        announced in this interval (and not ``always``: a person's :meth:`seed`): then
        it is folded into a summary (:meth:`_flush`)."""
        if not s.said_ns or now - s.said_ns >= self._alert_ns:
            s.said_ns, s.said = now, 0
        if s.said >= ANNOUNCE_BURST and not always:
            s.owed = s.watch = True
            return False
        s.said += 1
        self._announce(now, FeedState.STALE if s.held else FeedState.FRESH, s, detail)
        s.holds, s.owed = 0, False
        return True

    def _flush(self, s: _Sym, now: int) -> None:
        """After the interval, one announcement of the state the folded flips left."""
        span = now - s.said_ns
        if span < self._alert_ns:
            return
        n = s.holds
        summary = f"held {n} time{'s' if n != 1 else ''} in the last {span / 1e9:.0f} s"
        if s.held:
            hold = _implausible("") if s.implausible else _new_level("")
            detail = f"{hold} · {summary}, held for {_duration(now - s.held_ns)}"
        else:
            detail = f"price band: quotes back inside the band · {summary}"
        s.said_ns, s.said, s.holds, s.owed = now, 1, 0, False
        self._announce(now, FeedState.STALE if s.held else FeedState.FRESH, s, detail)
        if s.held:
            s.dropped, s.alert_ns = 0, now

    def _announce(self, now: int, state: FeedState, s: _Sym, detail: str) -> None:
        if self._emit is not None:
            self._emit(FeedEvent(now, FEED, state, s.symbol, detail))


def _implausible(offset: str) -> str:
    """The alert for a symbol held on a level beyond the reach (see the module docstring)."""
    return (
        f"price band: quotes agree on an implausible level{offset}, never accepted"
        " automatically; entries blocked, needs a person (check the venue's price, then"
        " restart the bot: it seeds the band again from the first agreeing quotes)"
    )


def _new_level(offset: str) -> str:
    """The alert for a symbol held on a level within the reach."""
    return (
        f"price band: quotes agree on a new level{offset}; entries blocked until the band"
        f" re-anchors, or {RELEASE_TICKS} quotes in a row are back inside the band"
    )


def _duration(ns: int) -> str:
    """``45 s`` or ``12 min``."""
    s = ns // 1_000_000_000
    return f"{s} s" if s < 120 else f"{s // 60} min"


def _offset(x2: int, ref2: int) -> str:
    """``, last +12.3% from the reference``: how far a price is from the reference."""
    return f", last {100.0 * (x2 - ref2) / ref2:+.1f}% from the reference"
