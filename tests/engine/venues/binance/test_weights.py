"""WeightTracker: never admits an entry at or over ``stop_at`` of a window, nothing at all
during a 429/418 pause, never anything over 100%; headers are read like binance-common."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import rule

from engine.venues.binance.weights import Admit
from engine.venues.binance.weights import RateLimit
from engine.venues.binance.weights import WeightTracker
from engine.venues.binance.weights import parse_usage_header
from engine.venues.binance.weights import rate_limits_from_json

S = 1_000_000_000
T0 = 1_700_000_000 * S  # a minute boundary
STOP_AT = 0.95
LIMITS = [
    RateLimit("REQUEST_WEIGHT", "MINUTE", 1, 100),
    RateLimit("ORDERS", "SECOND", 10, 20),
    RateLimit("ORDERS", "MINUTE", 1, 50),
    RateLimit("RAW_REQUESTS", "MINUTE", 5, 61000),
]
WINDOWS = {
    ("REQUEST_WEIGHT", 1, "M"): (60, 100),
    ("ORDERS", 10, "S"): (10, 20),
    ("ORDERS", 1, "M"): (60, 50),
}


def random_case(text: str, flips: list[bool]) -> str:
    return "".join(
        c.upper() if f else c.lower()
        for c, f in zip(text, flips + [False] * len(text), strict=False)
    )


class WeightMachine(RuleBasedStateMachine):
    """The reference: per window, the larger of the last reported usage and what was
    admitted, both within the current window (usage only grows inside a window)."""

    @initialize()
    def start(self) -> None:
        self.tracker = WeightTracker(LIMITS, slow_at=0.8, stop_at=STOP_AT)
        self.now = T0
        self.reported: dict[
            tuple[str, int, str], tuple[int, int]
        ] = {}  # key -> (window index, count)
        self.admitted: dict[tuple[str, int, str], tuple[int, int]] = {}
        self.paused_until = 0

    def _ref_used(self, key: tuple[str, int, str]) -> int:
        index = self.now // (WINDOWS[key][0] * S)
        current = [
            seen[1]
            for seen in (self.reported.get(key), self.admitted.get(key))
            if seen and seen[0] == index
        ]
        return max(current, default=0)

    @rule(dt_ms=st.integers(0, 70_000))
    def advance(self, dt_ms: int) -> None:
        self.now += dt_ms * 1_000_000

    @rule(delta_ns=st.integers(-2 * S, S))
    def to_pause_end(self, delta_ns: int) -> None:
        """Close to where the pause ends, from either side (time never goes back)."""
        self.now = max(self.now, self.paused_until + delta_ns)

    @rule(
        which=st.sampled_from(sorted(WINDOWS)),
        count=st.integers(0, 120),
        flips=st.lists(st.booleans(), max_size=30),
    )
    def answer_headers(self, which: tuple[str, int, str], count: int, flips: list[bool]) -> None:
        kind, num, unit = which
        base = "x-mbx-used-weight-" if kind == "REQUEST_WEIGHT" else "x-mbx-order-count-"
        name = random_case(f"{base}{num}{unit}", flips)
        self.tracker.on_headers({name: str(count), "Content-Type": "application/json"}, self.now)
        index = self.now // (WINDOWS[which][0] * S)
        previous = self.reported.get(which)
        if previous is None or previous[0] != index:
            self.reported[which] = (index, count)
        else:
            self.reported[which] = (index, max(previous[1], count))

    @rule(status=st.sampled_from([429, 418]), retry_after=st.none() | st.integers(0, 300))
    def limited(self, status: int, retry_after: int | None) -> None:
        pause = self.tracker.on_limited(status, retry_after, self.now)
        wait = retry_after if retry_after is not None else (60 if status == 429 else 120)
        self.paused_until = max(self.paused_until, self.now + wait * S)
        assert pause.until_ns == self.paused_until == self.tracker.paused_until_ns
        assert pause.banned == (status == 418)

    @rule(weight=st.integers(0, 30), is_order=st.booleans(), entry=st.booleans())
    def request(self, weight: int, is_order: bool, entry: bool) -> None:
        verdict = self.tracker.before(weight, is_order, self.now, entry=entry)
        worst = 0.0
        for key, (_, limit) in WINDOWS.items():
            if key[0] == "ORDERS" and not is_order:
                continue
            cost = weight if key[0] == "REQUEST_WEIGHT" else 1
            worst = max(worst, (self._ref_used(key) + cost) / limit)
        if self.now < self.paused_until:
            assert verdict is not Admit.OK
            assert verdict is (Admit.REFUSE if entry else Admit.SLOW)
        if verdict is Admit.OK:
            assert not (entry and worst >= STOP_AT), worst
            assert worst <= 1, worst
            for key in WINDOWS:
                if key[0] == "ORDERS" and not is_order:
                    continue
                index = self.now // (WINDOWS[key][0] * S)
                cost = weight if key[0] == "REQUEST_WEIGHT" else 1
                before = self.admitted.get(key)
                spent = before[1] if before is not None and before[0] == index else 0
                self.admitted[key] = (index, max(spent, self._ref_used(key)) + cost)
        elif verdict is Admit.SLOW:
            assert self.tracker.delay_s > 0
        else:
            assert entry and self.tracker.refusal

    @invariant()
    def pause_never_shrinks(self) -> None:
        assert self.tracker.paused_until_ns == self.paused_until


TestWeightMachine = WeightMachine.TestCase


# binance-common 4.7.0 utils.parse_rate_limit_headers, the name handling copied as it is.
def binance_common_parse(key: str) -> tuple[str, str, int] | None:
    normalized_key = key.lower()
    match = re.match(
        r"x-mbx-used-weight-(\d+)([smhd])|x-mbx-order-count-(\d+)([smhd])",
        normalized_key,
        re.IGNORECASE,
    )
    if not match:
        return None
    interval_num = int(match.group(1) or match.group(3))
    letter = (match.group(2) or match.group(4)).upper()
    interval = {"S": "SECOND", "M": "MINUTE", "H": "HOUR", "D": "DAY"}[letter]
    if normalized_key.startswith("x-mbx-used-weight-"):
        return "REQUEST_WEIGHT", interval, interval_num
    if normalized_key.startswith("x-mbx-order-count-"):
        return "ORDERS", interval, interval_num
    return None


HEADER_NAMES = st.builds(
    lambda base, num, unit, tail, flips: random_case(base + num + unit + tail, flips),
    st.sampled_from(
        ["x-mbx-used-weight-", "x-mbx-order-count-", "x-mbx-used-weight", "x-mbx-", "retry-after"]
    ),
    st.sampled_from(["", "1", "10", "5", "0", "x"]),
    st.sampled_from(["", "s", "m", "h", "d", "w"]),
    st.sampled_from(["", "x", "-1"]),
    st.lists(st.booleans(), max_size=30),
)


@given(name=HEADER_NAMES, count=st.integers(0, 10**6))
def test_header_names_like_binance_common(name: str, count: int) -> None:
    ours = parse_usage_header(name, str(count))
    theirs = binance_common_parse(name)
    assert (ours[:3] if ours else None) == theirs
    if ours:
        assert ours[3] == count


def test_rate_limits_from_exchange_info() -> None:
    wire = [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
    ]
    limits = rate_limits_from_json(wire)
    assert limits == [
        RateLimit("REQUEST_WEIGHT", "MINUTE", 1, 2400),
        RateLimit("ORDERS", "SECOND", 10, 300),
    ]
    assert limits[1].window_s == 10
    with pytest.raises(ValueError, match="interval"):
        rate_limits_from_json([{**wire[0], "interval": "WEEK"}])


def test_policy_by_example() -> None:
    tracker = WeightTracker([RateLimit("REQUEST_WEIGHT", "MINUTE", 1, 100)])
    now = T0
    tracker.on_headers({"X-MBX-USED-WEIGHT-1M": "79"}, now)
    assert tracker.before(1, False, now, entry=False) is Admit.OK  # 80%: at the edge
    assert tracker.before(5, False, now, entry=False) is Admit.SLOW  # a read past 80% waits
    assert 0 < tracker.delay_s <= 60
    assert tracker.before(5, True, now) is Admit.OK  # an entry order up to 95%
    assert tracker.before(10, True, now) is Admit.REFUSE
    assert "rate limit" in tracker.refusal
    assert tracker.before(10, True, now, entry=False) is Admit.OK  # an exit, up to 100%
    assert tracker.before(10, True, now, entry=False) is Admit.SLOW  # over 100%: wait
    assert tracker.before(10, True, now + 60 * S) is Admit.OK  # the next window
    tracker.on_limited(429, 7, now + 60 * S)
    assert tracker.before(0, False, now + 67 * S - 1, entry=False) is Admit.SLOW
    assert tracker.before(0, True, now + 67 * S - 1) is Admit.REFUSE
    assert tracker.before(0, True, now + 67 * S) is Admit.OK
    with pytest.raises(ValueError, match="rate-limit"):
        tracker.on_limited(500, None, now)
