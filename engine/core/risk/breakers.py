"""Circuit breakers: daily loss, drawdown from the equity peak, loss streak.

A tripped breaker latches until a person resets it (the loss streak may
instead cool down after ``loss_cooldown_s``). Warnings are announced once per
level per day. A trip needs ``breaker_confirmations`` consecutive checks over
the limit, so a single bad mark cannot halt the bot.
"""

from __future__ import annotations

from typing import Protocol

from engine.core.risk.limits import MAX_LOSS_COOLDOWN_S
from engine.core.risk.limits import RiskLimits
from engine.core.risk.limits import money
from engine.model.events import BreakerReset
from engine.model.events import BreakerTripped
from engine.model.events import BreakerWarning
from engine.model.events import EngineEvent

DAILY_LOSS = "daily_loss"
DRAWDOWN = "drawdown"
LOSS_STREAK = "loss_streak"


class Account(Protocol):
    @property
    def equity(self) -> int: ...

    @property
    def high_water_mark(self) -> int: ...

    @property
    def day_start_equity(self) -> int: ...


class Breakers:
    """Watches the account on every tick; cheap while nothing is near a limit."""

    def __init__(self, limits: RiskLimits) -> None:
        self.latched: dict[str, str] = {}  # name -> detail
        self.cooldown_until = 0
        self.loss_streak = 0
        self._over = {DAILY_LOSS: 0, DRAWDOWN: 0}
        self._warned: set[float] = set()
        self.set_limits(limits)

    def set_limits(self, limits: RiskLimits) -> None:
        self.limits = limits
        self._loss_limit = money(limits.daily_loss_limit)
        self._dd_limit = money(limits.max_drawdown)
        self._confirm = limits.breaker_confirmations
        self._fractions = sorted(limits.warn_fractions)
        self._arm()

    def _arm(self) -> None:
        """Compute the smallest loss that needs attention (a warning or the limit)."""
        self._next_loss = 0
        if self._loss_limit:
            pending = [f for f in self._fractions if f not in self._warned]
            # Never 0 for a non-zero limit (0 would check nothing): at least 1 nano.
            self._next_loss = (
                max(1, int(self._loss_limit * pending[0])) if pending else self._loss_limit
            )

    @property
    def latched_name(self) -> str:
        return next(iter(self.latched), "")

    def on_tick(self, account: Account, now: int, out: list[EngineEvent]) -> bool:
        """Check the loss and drawdown limits; return True when a breaker tripped now."""
        tripped = False
        if self._next_loss:
            loss = account.day_start_equity - account.equity
            if loss >= self._next_loss:
                tripped |= self._on_loss(loss, now, out)
            elif self._over[DAILY_LOSS]:
                self._over[DAILY_LOSS] = 0
        if self._dd_limit:
            dd = account.high_water_mark - account.equity
            if dd >= self._dd_limit:
                tripped |= self._confirm_trip(DRAWDOWN, dd, self._dd_limit, now, out)
            elif self._over[DRAWDOWN]:
                self._over[DRAWDOWN] = 0
        return tripped

    def _on_loss(self, loss: int, now: int, out: list[EngineEvent]) -> bool:
        if loss >= self._loss_limit:
            return self._confirm_trip(DAILY_LOSS, loss, self._loss_limit, now, out)
        self._over[DAILY_LOSS] = 0  # confirmations must be consecutive
        for f in self._fractions:
            if f not in self._warned and loss >= max(1, int(self._loss_limit * f)):
                self._warned.add(f)
                out.append(BreakerWarning(now, DAILY_LOSS, f, loss, self._loss_limit))
        self._arm()
        return False

    def _confirm_trip(
        self, name: str, value: int, limit: int, now: int, out: list[EngineEvent]
    ) -> bool:
        if name in self.latched:
            return False
        self._over[name] += 1
        if self._over[name] < self._confirm:
            return False
        self._over[name] = 0
        detail = f"{name} {value / 1e9:.2f} reached limit {limit / 1e9:.2f}"
        self.latched[name] = detail
        out.append(BreakerTripped(now, name, value, limit, detail))
        return True

    def on_round_trip(self, pnl: int, now: int, out: list[EngineEvent]) -> bool:
        """Count consecutive losing round trips; return True when the streak trips."""
        n = self.limits.max_consecutive_losses
        if pnl >= 0:
            self.loss_streak = 0
            return False
        self.loss_streak += 1
        if not n or self.loss_streak < n or LOSS_STREAK in self.latched:
            return False
        cool = self.limits.loss_cooldown_s
        # Bounded (RiskLimits: at most 7 days), and capped here too: never an overflow.
        self.cooldown_until = now + int(min(cool, MAX_LOSS_COOLDOWN_S) * 1e9) if cool else 0
        detail = f"{self.loss_streak} losing trades in a row"
        self.latched[LOSS_STREAK] = detail
        out.append(BreakerTripped(now, LOSS_STREAK, self.loss_streak, n, detail))
        self.loss_streak = 0
        return True

    def entries_blocked(self, now: int) -> str:
        """Name of the breaker blocking new exposure, or '' (ends an expired cool-down)."""
        if not self.latched:
            return ""
        if LOSS_STREAK in self.latched and self.cooldown_until and now >= self.cooldown_until:
            del self.latched[LOSS_STREAK]
            self.cooldown_until = 0
        return self.latched_name

    def reset(self, name: str, actor: str, now: int, out: list[EngineEvent]) -> bool:
        """Clear a latched breaker ('all' clears every one); True if one was cleared."""
        names = list(self.latched) if name == "all" else [name]
        cleared = False
        for n in names:
            if self.latched.pop(n, None) is not None:
                cleared = True
                out.append(BreakerReset(now, n, actor))
                if n == LOSS_STREAK:
                    self.cooldown_until = 0
                    self.loss_streak = 0
                if n in self._over:
                    self._over[n] = 0
        return cleared

    def start_day(self) -> None:
        """New session: warnings re-arm. Latched breakers stay latched."""
        self._warned = set()
        self._arm()
