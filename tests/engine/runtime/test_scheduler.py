"""The scheduler: the job set a [schedule] builds, session state at any instant,
and jobs really firing on the running loop."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.config import ScheduleConfig
from engine.config import SessionConfig
from engine.config import load_config
from engine.runtime.scheduler import JOB_DEFAULTS
from engine.runtime.scheduler import Scheduler
from engine.runtime.scheduler import SessionPhase
from engine.runtime.scheduler import build_jobs
from engine.runtime.scheduler import session_phases
from engine.runtime.scheduler import session_state

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
US = SessionConfig(name="us", open="09:30", close="16:00")
SAT = SessionConfig(name="sat", open="10:00", close="12:00", days=("sat",), symbols=("AAPL",))


def schedule(*sessions: SessionConfig, **kw: object) -> ScheduleConfig:
    base: dict[str, object] = {"timezone": "America/New_York", "sessions": sessions}
    return ScheduleConfig(**{**base, **kw})  # type: ignore[arg-type]


class Target:
    """A ScheduleTarget that records its calls; ``fail`` raises on the next N calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.fail = 0
        self.called = asyncio.Event()

    async def _record(self, name: str, *args: object) -> None:
        self.calls.append((name, args))
        self.called.set()
        if self.fail:
            self.fail -= 1
            raise RuntimeError(f"{name} blew up")

    async def session_open(self, name: str, symbols: list[str]) -> None:
        await self._record("session_open", name, symbols)

    async def session_pre_close(self, name: str, symbols: list[str]) -> None:
        await self._record("session_pre_close", name, symbols)

    async def session_close(self, name: str, symbols: list[str]) -> None:
        await self._record("session_close", name, symbols)

    async def daily_reset(self) -> None:
        await self._record("daily_reset")

    async def reconcile(self) -> None:
        await self._record("reconcile")

    async def equity_snapshot(self) -> None:
        await self._record("equity_snapshot")

    async def daily_digest(self) -> None:
        await self._record("daily_digest")


def test_job_set_built_from_a_schedule() -> None:
    config = schedule(US, SAT, digest_time="16:15", reconcile_interval_s=30, equity_snapshot_s=15)
    jobs = {job.id: job for job in build_jobs(config)}
    assert list(jobs) == [
        "session_open:us",
        "session_pre_close:us",
        "session_close:us",
        "session_open:sat",
        "session_pre_close:sat",
        "session_close:sat",
        "daily_reset:mon,tue,wed,thu,fri",
        "daily_reset:sat",
        "reconcile",
        "equity_snapshot",
        "daily_digest",
    ]
    assert jobs["session_open:sat"].method == "session_open"
    assert jobs["session_open:sat"].args == ("sat", ("AAPL",))
    assert jobs["reconcile"].trigger.interval == timedelta(seconds=30)
    assert jobs["equity_snapshot"].trigger.interval == timedelta(seconds=15)
    # Friday 16:30 in New York (21:30 UTC).
    now = datetime(2024, 1, 5, 21, 30, tzinfo=UTC)
    expected = {
        "session_open:us": datetime(2024, 1, 8, 9, 30, tzinfo=NY),
        "session_pre_close:us": datetime(2024, 1, 8, 15, 55, tzinfo=NY),
        "session_close:us": datetime(2024, 1, 8, 16, 0, tzinfo=NY),
        "session_open:sat": datetime(2024, 1, 6, 10, 0, tzinfo=NY),
        "session_pre_close:sat": datetime(2024, 1, 6, 11, 55, tzinfo=NY),
        "session_close:sat": datetime(2024, 1, 6, 12, 0, tzinfo=NY),
        "daily_reset:mon,tue,wed,thu,fri": datetime(2024, 1, 8, 9, 30, tzinfo=NY),
        "daily_reset:sat": datetime(2024, 1, 6, 10, 0, tzinfo=NY),
        "daily_digest": datetime(2024, 1, 6, 16, 15, tzinfo=NY),
    }
    for job_id, when in expected.items():
        fire = jobs[job_id].next_fire(now)
        assert fire == when, job_id
        assert fire is not None and fire.utcoffset() == timedelta(hours=-5)


def test_fire_times_follow_daylight_saving() -> None:
    jobs = {job.id: job for job in build_jobs(schedule(US))}
    friday = datetime(2024, 3, 8, 22, 0, tzinfo=UTC)  # DST starts Sunday 10 March
    assert jobs["session_open:us"].next_fire(friday) == datetime(2024, 3, 11, 13, 30, tzinfo=UTC)
    assert jobs["session_close:us"].next_fire(friday) == datetime(2024, 3, 11, 20, 0, tzinfo=UTC)


def test_daily_reset_runs_at_the_first_open_of_each_day() -> None:
    early = SessionConfig(name="early", open="08:00", close="09:00", days=("mon",))
    jobs = {job.id: job for job in build_jobs(schedule(US, early))}
    resets = sorted(j for j in jobs if j.startswith("daily_reset"))
    assert resets == ["daily_reset:mon", "daily_reset:tue,wed,thu,fri"]
    sunday = datetime(2024, 1, 7, 12, 0, tzinfo=NY)
    assert jobs["daily_reset:mon"].next_fire(sunday) == datetime(2024, 1, 8, 8, 0, tzinfo=NY)
    assert jobs["daily_reset:tue,wed,thu,fri"].next_fire(sunday) == datetime(
        2024, 1, 9, 9, 30, tzinfo=NY
    )


def test_without_sessions_reset_at_midnight_and_optional_jobs_are_left_out() -> None:
    jobs = build_jobs(ScheduleConfig(timezone="Asia/Tokyo", equity_snapshot_s=0))
    assert [j.id for j in jobs] == ["daily_reset:mon,tue,wed,thu,fri,sat,sun", "reconcile"]
    now = datetime(2024, 1, 1, 15, 30, tzinfo=UTC)  # 00:30 on 2 January in Tokyo
    assert jobs[0].next_fire(now) == datetime(2024, 1, 3, 0, 0, tzinfo=TOKYO)


def test_no_pre_close_job_when_flatten_is_zero() -> None:
    ids = [j.id for j in build_jobs(schedule(US, flatten_before_close_min=0))]
    assert "session_pre_close:us" not in ids and "session_close:us" in ids


@pytest.mark.parametrize(
    ("local", "state"),
    [
        (datetime(2024, 1, 8, 9, 29, 59, 999999), False),  # Monday, just before open
        (datetime(2024, 1, 8, 9, 30), True),  # open is inclusive
        (datetime(2024, 1, 8, 15, 59, 59, 999999), True),
        (datetime(2024, 1, 8, 16, 0), False),  # close is exclusive
        (datetime(2024, 1, 6, 12, 0), False),  # Saturday
        (datetime(2024, 7, 8, 9, 30), True),  # summer time
    ],
)
def test_session_state_at_boundaries(local: datetime, state: bool) -> None:
    config = schedule(US)
    assert session_state(config, local.replace(tzinfo=NY)) == {"us": state}
    assert session_state(config, local.replace(tzinfo=NY).astimezone(UTC)) == {"us": state}


def test_session_phases_include_the_pre_close_window() -> None:
    config = schedule(US, SAT, flatten_before_close_min=10)
    monday = datetime(2024, 1, 8, tzinfo=NY)
    assert session_phases(config, monday.replace(hour=15, minute=49)) == {
        "us": SessionPhase.OPEN,
        "sat": SessionPhase.CLOSED,
    }
    assert session_phases(config, monday.replace(hour=15, minute=50))["us"] is SessionPhase.CLOSING
    assert session_state(config, monday.replace(hour=15, minute=55)) == {"us": True, "sat": False}


def test_session_state_across_midnight_and_time_zones() -> None:
    tokyo = schedule(SessionConfig(name="tse", open="09:00", close="15:00"), timezone="Asia/Tokyo")
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo; Monday 00:30 UTC is 09:30 there.
    assert session_state(tokyo, datetime(2024, 1, 7, 23, 30, tzinfo=UTC)) == {"tse": False}
    assert session_state(tokyo, datetime(2024, 1, 8, 0, 30, tzinfo=UTC)) == {"tse": True}
    # Friday 06:30 UTC is 15:30 in Tokyo: closed, though New York's Thursday evening.
    assert session_state(tokyo, datetime(2024, 1, 5, 6, 30, tzinfo=UTC)) == {"tse": False}
    # Monday 01:00 UTC is still Sunday 20:00 in New York.
    assert session_state(schedule(US), datetime(2024, 1, 8, 1, 0, tzinfo=UTC)) == {"us": False}


def test_session_state_takes_the_whole_config_and_refuses_naive_times() -> None:
    sessions = '[{name = "a", open = "00:00", close = "23:59", days = ["mon"]}]'
    config = load_config(None, {"SCALPBOT__SCHEDULE__SESSIONS": sessions})
    assert session_state(config, datetime(2024, 1, 8, 12, tzinfo=UTC)) == {"a": True}
    with pytest.raises(ValueError, match="timezone-aware"):
        session_state(config, datetime(2024, 1, 8, 12))


def test_start_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        Scheduler(schedule(US), Target()).start()


async def test_interval_job_fires_on_the_loop_and_survives_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = Target()
    target.fail = 1
    scheduler = Scheduler(schedule(US, reconcile_interval_s=0.02, equity_snapshot_s=0), target)
    scheduler.start()
    try:
        assert scheduler.running
        with pytest.raises(RuntimeError, match="already started"):
            scheduler.start()
        assert set(scheduler.next_run_times()) == {j.id for j in scheduler.jobs}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while sum(name == "reconcile" for name, _ in target.calls) < 2:
            target.called.clear()
            await asyncio.wait_for(target.called.wait(), timeout=deadline - loop.time())
    finally:
        scheduler.shutdown()
    assert scheduler.failures == 1
    assert "scheduled job reconcile failed" in caplog.text
    assert scheduler.next_run_times() == {}  # stopped
    scheduler.shutdown()  # idempotent


async def test_run_now_passes_a_fresh_symbol_list_and_logs_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = Target()
    scheduler = Scheduler(schedule(SAT), target)
    await scheduler.run_now("session_open:sat")
    assert target.calls == [("session_open", ("sat", ["AAPL"]))]
    target.fail = 1
    with caplog.at_level(logging.ERROR, logger="engine.scheduler"):
        await scheduler.run_now("session_close:sat")
    assert scheduler.failures == 1 and "session_close:sat failed" in caplog.text
    with pytest.raises(KeyError):
        await scheduler.run_now("nope")


def test_job_defaults_coalesce_and_never_overlap() -> None:
    assert JOB_DEFAULTS["coalesce"] is True
    assert JOB_DEFAULTS["max_instances"] == 1
    assert 0 < JOB_DEFAULTS["misfire_grace_time"] <= 60
