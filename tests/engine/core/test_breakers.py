"""Circuit breakers: daily loss (with warnings), drawdown, loss streak; latch and reset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.core.portfolio import Portfolio
from engine.core.risk import DAILY_LOSS
from engine.core.risk import DRAWDOWN
from engine.core.risk import LOSS_STREAK
from engine.core.risk import Breakers
from engine.core.risk import RiskLimits
from engine.model import Side
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import EngineEvent
from tests.engine.core.helpers import AAA
from tests.engine.core.helpers import INSTRUMENT_A
from tests.engine.core.helpers import SEC
from tests.engine.core.helpers import UNIT
from tests.engine.core.helpers import of_type
from tests.kit import builders as kit

START = 1_000 * UNIT


class Account:
    """What the breakers read of the portfolio, set directly by the test."""

    def __init__(self) -> None:
        self.equity = START
        self.high_water_mark = START
        self.day_start_equity = START

    def lose(self, units: float | Decimal) -> None:
        """Equity ``units`` below the day start (a float is exact to the nano here)."""
        self.equity = self.day_start_equity - int(Decimal(str(units)) * UNIT)


class Rig:
    def __init__(self, **limits: Any) -> None:
        self.b = Breakers(RiskLimits(**limits))
        self.acc = Account()
        self.out: list[EngineEvent] = []
        self.now = 0

    def tick(self, loss: float | Decimal | None = None) -> bool:
        self.now += SEC
        if loss is not None:
            self.acc.lose(loss)
        return self.b.on_tick(self.acc, self.now, self.out)

    def warnings(self) -> list[float]:
        return [w.fraction for w in of_type(self.out, BreakerWarning)]

    def trips(self) -> list[str]:
        return [t.breaker for t in of_type(self.out, BreakerTripped)]


def test_no_limits_never_trip_or_warn() -> None:
    rig = Rig()
    assert rig.tick(999) is False
    rig.acc.high_water_mark = 10**6 * UNIT
    assert rig.tick() is False
    assert rig.out == []
    assert rig.b.entries_blocked(rig.now) == ""


# -- daily loss ---------------------------------------------------------------------------


def test_daily_loss_warns_at_50_and_80_percent_once_each() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(Decimal("49.999999999"))
    assert rig.out == []
    rig.tick(50)
    assert rig.out == [BreakerWarning(rig.now, DAILY_LOSS, 0.5, 50 * UNIT, 100 * UNIT)]
    rig.tick(79)
    rig.tick(10)  # recovers ...
    rig.tick(60)  # ... and falls again: no second 50% warning
    assert rig.warnings() == [0.5]
    rig.tick(80)
    rig.tick(99)
    assert rig.warnings() == [0.5, 0.8]
    assert rig.trips() == []


def test_a_jump_past_both_levels_warns_for_each() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(85)
    assert rig.warnings() == [0.5, 0.8]
    assert all(w.value == 85 * UNIT for w in of_type(rig.out, BreakerWarning))


def test_warnings_rearm_on_a_new_day() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(60)
    rig.b.start_day()
    rig.acc.day_start_equity = rig.acc.equity
    rig.tick(40)
    assert rig.warnings() == [0.5]
    rig.tick(55)
    assert rig.warnings() == [0.5, 0.5]


def test_custom_warning_fractions() -> None:
    rig = Rig(daily_loss_limit=Decimal(100), warn_fractions=(0.9, 0.25))
    rig.tick(30)
    rig.tick(95)
    assert rig.warnings() == [0.25, 0.9]


def test_daily_loss_trips_at_the_limit() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    assert rig.tick(Decimal("99.999999999")) is False
    assert rig.tick(100) is True
    trip = of_type(rig.out, BreakerTripped)
    assert trip == [BreakerTripped(rig.now, DAILY_LOSS, 100 * UNIT, 100 * UNIT, trip[0].detail)]
    assert "daily_loss" in trip[0].detail
    assert rig.b.entries_blocked(rig.now) == DAILY_LOSS
    assert rig.b.latched_name == DAILY_LOSS


def test_a_latched_breaker_trips_only_once() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    assert rig.tick(150) is True
    assert rig.tick(200) is False
    assert rig.tick(10) is False
    assert rig.trips() == [DAILY_LOSS]
    assert rig.b.entries_blocked(rig.now) == DAILY_LOSS  # recovering does not unlatch


def test_daily_loss_counts_unrealized_loss_against_day_start_equity() -> None:
    pf = Portfolio([INSTRUMENT_A], START)
    b = Breakers(RiskLimits(daily_loss_limit=Decimal(5)))
    out: list[EngineEvent] = []
    # buy 1 lot at 100.00 (10_000 ticks of 0.01); no realized P&L yet
    fill = kit.fill("c1", Side.BUY, 1, 10_000, exec_id="x1", symbol=AAA, ts=1)
    pf.apply(fill)
    pf.mark(AAA, 2 * 9_501)  # mid 95.01: 4.99 under water
    assert b.on_tick(pf, 2, out) is False
    pf.mark(AAA, 2 * 9_500)  # mid 95.00: 5.00 under water
    assert b.on_tick(pf, 3, out) is True
    assert pf.realized == 0
    assert [t.value for t in of_type(out, BreakerTripped)] == [5 * UNIT]


@pytest.mark.parametrize("confirmations", [2, 3])
def test_a_trip_needs_consecutive_confirmations(confirmations: int) -> None:
    rig = Rig(daily_loss_limit=Decimal(100), breaker_confirmations=confirmations)
    rig.tick(90)  # every warning given already
    for _ in range(confirmations - 1):
        assert rig.tick(100) is False
    rig.tick(99)  # one check under the limit starts the count again
    for _ in range(confirmations - 1):
        assert rig.tick(120) is False
    assert rig.tick(120) is True
    assert rig.trips() == [DAILY_LOSS]


def test_confirmations_are_consecutive_even_before_the_warnings() -> None:
    """A single bad mark over the limit, then a mark back under it, then one more
    over it: two checks over the limit but not consecutive, so no trip."""
    rig = Rig(daily_loss_limit=Decimal(100), breaker_confirmations=2)
    assert rig.tick(100) is False  # first over the limit (no warning given yet)
    assert rig.tick(90) is False  # back under the limit: the count restarts
    assert rig.tick(100) is False  # only the first of two consecutive checks
    assert rig.trips() == []
    assert rig.tick(100) is True


def test_latch_survives_start_day() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(100)
    rig.b.start_day()
    rig.acc.day_start_equity = rig.acc.equity
    assert rig.tick(0) is False
    assert rig.b.entries_blocked(rig.now) == DAILY_LOSS
    assert rig.b.latched == {DAILY_LOSS: of_type(rig.out, BreakerTripped)[0].detail}


# -- drawdown ------------------------------------------------------------------------------


def test_drawdown_from_the_high_water_mark() -> None:
    rig = Rig(max_drawdown=Decimal(50))
    rig.acc.high_water_mark = START + 200 * UNIT
    rig.acc.equity = START + 150 * UNIT + 1
    assert rig.tick() is False
    rig.acc.equity = START + 150 * UNIT
    assert rig.tick() is True
    assert of_type(rig.out, BreakerTripped) == [
        BreakerTripped(
            rig.now, DRAWDOWN, 50 * UNIT, 50 * UNIT, of_type(rig.out, BreakerTripped)[0].detail
        )
    ]
    assert rig.b.entries_blocked(rig.now) == DRAWDOWN


def test_drawdown_confirmations_restart_below_the_limit() -> None:
    rig = Rig(max_drawdown=Decimal(50), breaker_confirmations=2)
    rig.acc.equity = START - 60 * UNIT
    assert rig.tick() is False
    rig.acc.equity = START - 10 * UNIT
    assert rig.tick() is False
    rig.acc.equity = START - 60 * UNIT
    assert rig.tick() is False
    assert rig.tick() is True


def test_daily_loss_and_drawdown_latch_independently() -> None:
    rig = Rig(daily_loss_limit=Decimal(100), max_drawdown=Decimal(50))
    assert rig.tick(60) is True  # drawdown 60 >= 50; daily loss only warns
    assert rig.trips() == [DRAWDOWN]
    assert rig.tick(100) is True
    assert rig.trips() == [DRAWDOWN, DAILY_LOSS]
    assert set(rig.b.latched) == {DRAWDOWN, DAILY_LOSS}


# -- reset -------------------------------------------------------------------------------------


def test_reset_by_name() -> None:
    rig = Rig(daily_loss_limit=Decimal(100), max_drawdown=Decimal(50))
    rig.tick(100)
    assert rig.b.reset(DAILY_LOSS, "alice", 77, rig.out) is True
    assert of_type(rig.out, BreakerReset) == [BreakerReset(77, DAILY_LOSS, "alice")]
    assert rig.b.entries_blocked(rig.now) == DRAWDOWN
    assert rig.b.reset(DAILY_LOSS, "alice", 78, rig.out) is False  # nothing to clear
    assert rig.b.reset("no_such_breaker", "alice", 79, rig.out) is False
    assert len(of_type(rig.out, BreakerReset)) == 1


def test_reset_all() -> None:
    rig = Rig(daily_loss_limit=Decimal(100), max_drawdown=Decimal(50))
    rig.tick(100)
    assert rig.b.reset("all", "bob", 5, rig.out) is True
    resets = of_type(rig.out, BreakerReset)
    assert sorted(r.breaker for r in resets) == [DAILY_LOSS, DRAWDOWN]
    assert {r.actor for r in resets} == {"bob"}
    assert rig.b.latched == {}
    assert rig.b.entries_blocked(rig.now) == ""
    assert rig.b.reset("all", "bob", 6, rig.out) is False


def test_after_a_reset_the_breaker_trips_again_on_a_new_breach() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(100)
    rig.b.reset(DAILY_LOSS, "alice", rig.now, rig.out)
    rig.b.start_day()
    rig.acc.day_start_equity = rig.acc.equity
    assert rig.tick(10) is False
    assert rig.tick(100) is True
    assert rig.trips() == [DAILY_LOSS, DAILY_LOSS]


def test_set_limits_rearms() -> None:
    rig = Rig(daily_loss_limit=Decimal(100))
    rig.tick(40)
    rig.b.set_limits(RiskLimits(daily_loss_limit=Decimal(50)))
    assert rig.tick(40) is False
    assert rig.warnings() == [0.5, 0.8]  # 40 of the new limit 50 passes both levels
    rig.b.set_limits(RiskLimits())
    assert rig.tick(1000) is False


# -- loss streak ------------------------------------------------------------------------------


def test_a_win_or_scratch_restarts_the_streak() -> None:
    b = Breakers(RiskLimits(max_consecutive_losses=3))
    out: list[EngineEvent] = []
    for pnl in (-1, -1, 0, -1, -1, 5, -1, -1):
        assert b.on_round_trip(pnl, 1, out) is False
    assert out == []
    assert b.loss_streak == 2


def test_loss_streak_with_cooldown_expires_by_itself() -> None:
    b = Breakers(RiskLimits(max_consecutive_losses=3, loss_cooldown_s=10.0))
    out: list[EngineEvent] = []
    assert b.on_round_trip(-1, 1 * SEC, out) is False
    assert b.on_round_trip(-1, 2 * SEC, out) is False
    assert b.on_round_trip(-1, 3 * SEC, out) is True
    trip = of_type(out, BreakerTripped)
    assert [(t.breaker, t.value, t.limit) for t in trip] == [(LOSS_STREAK, 3, 3)]
    assert b.entries_blocked(13 * SEC - 1) == LOSS_STREAK
    assert b.entries_blocked(13 * SEC) == ""
    assert b.latched == {}
    # a fresh streak is needed to trip again
    assert b.on_round_trip(-1, 14 * SEC, out) is False
    assert b.on_round_trip(-1, 15 * SEC, out) is False
    assert b.on_round_trip(-1, 16 * SEC, out) is True


def test_loss_streak_without_cooldown_latches_until_reset() -> None:
    b = Breakers(RiskLimits(max_consecutive_losses=2))
    out: list[EngineEvent] = []
    b.on_round_trip(-1, SEC, out)
    assert b.on_round_trip(-1, 2 * SEC, out) is True
    assert b.entries_blocked(10**6 * SEC) == LOSS_STREAK
    b.start_day()
    assert b.entries_blocked(10**6 * SEC) == LOSS_STREAK
    assert b.on_round_trip(-1, 3 * SEC, out) is False  # already latched: no second trip
    assert b.reset(LOSS_STREAK, "carol", 4 * SEC, out) is True
    assert b.entries_blocked(4 * SEC) == ""
    assert b.loss_streak == 0
    assert of_type(out, BreakerReset) == [BreakerReset(4 * SEC, LOSS_STREAK, "carol")]


def test_loss_streak_off_by_default() -> None:
    b = Breakers(RiskLimits())
    out: list[EngineEvent] = []
    for i in range(50):
        assert b.on_round_trip(-1, i, out) is False
    assert out == []
