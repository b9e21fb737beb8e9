"""Per-user command budgets and aggregated refusal audit rows, on a hand-driven clock."""

from __future__ import annotations

from bot.throttle import CommandBudget
from bot.throttle import RefusalAudit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_budget_is_a_burst_then_a_steady_rate_per_user() -> None:
    clock = Clock()
    budget = CommandBudget(per_minute=30, burst=3, clock=clock)
    assert [budget.take(1) for _ in range(3)] == [0, 0, 0]
    assert budget.take(1) == 2.0  # one every 2 s
    assert budget.take(2) == 0
    clock.now = 2.0
    assert budget.take(1) == 0 and budget.take(1) > 0


def test_a_flood_from_one_user_is_one_row_then_summaries() -> None:
    clock, rows = Clock(), []
    audit = RefusalAudit(lambda *row: rows.append(row), 60, max_window_s=240, clock=clock)
    for i in range(1000):
        clock.now = i * 0.5  # 1,000 refusals over 500 s
        audit.refused(4, "/status" if i % 2 else "/kill", "not allow-listed")
    clock.now = 10_000
    audit.flush()
    assert rows[0] == ("tg:4", "/kill", "", "refused: not allow-listed")
    assert len(rows) <= 6, rows  # windows of 60, 120, 240, 240 s ...
    counted = sum(int(r[3].split()[1]) for r in rows[1:])
    assert counted == 999
    assert rows[1][1] == "/status, /kill"


def test_a_quiet_window_closes_and_the_next_refusal_is_written_as_it_is() -> None:
    clock, rows = Clock(), []
    audit = RefusalAudit(lambda *row: rows.append(row), 60, clock=clock)
    audit.refused(4, "/kill", "not allow-listed")
    clock.now = 61
    audit.refused(4, "/pause", "not allow-listed")
    assert [r[1] for r in rows] == ["/kill", "/pause"]


def test_a_crowd_of_new_users_is_summed_up_too() -> None:
    clock, rows = Clock(), []
    audit = RefusalAudit(lambda *row: rows.append(row), 60, new_per_window=3, clock=clock)
    for uid in range(100, 200):
        audit.refused(uid, "/status", "not allow-listed")
    clock.now = 60
    audit.flush()
    assert [r[0] for r in rows] == ["tg:100", "tg:101", "tg:102", "tg:*"]
    assert rows[-1][3].startswith("refused: 97 more from 97 more users in 60 s")
