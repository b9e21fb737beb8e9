"""Trading sessions and housekeeping on a timer, on the engine's own loop.

An APScheduler 3.x ``AsyncIOScheduler`` started inside the running loop,
independent of Telegram, calls a :class:`ScheduleTarget` (implemented by the
runtime) from the ``[schedule]`` config:

- per session, on its days, in the configured time zone: ``session_open`` at
  open, ``session_pre_close`` ``flatten_before_close_min`` minutes before close
  (none when 0), ``session_close`` at close;
- ``daily_reset`` at the first session open of each day (local midnight when
  there are no sessions), submitted before that open's ``session_open``;
  the trading day itself (:func:`trading_day`) is kept by the runtime on every
  configuration, and ``daily_reset`` only makes sure it has rolled over before
  the session opens;
- ``reconcile`` and ``equity_snapshot`` every N seconds, ``daily_digest`` daily.

Jobs coalesce, never overlap themselves and run up to ``MISFIRE_GRACE_S`` late
(a busy loop must not skip a close). A job's exception is logged and counted;
it never stops the scheduler. Timers only fire from now on: at start-up the
runtime applies the sessions in effect with :func:`session_state`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time as wall_time
from datetime import timedelta
from enum import Enum
from typing import Any
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MISSED  # type: ignore[import-untyped]
from apscheduler.events import JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from engine.config.schedule import DAYS
from engine.config.schedule import ScheduleConfig
from engine.config.schedule import SessionConfig
from engine.config.schedule import parse_hhmm
from engine.config.schema import Config

log = logging.getLogger("engine.scheduler")  # its name before it moved under the runtime

MISFIRE_GRACE_S = 30
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S}


class ScheduleTarget(Protocol):
    """What the scheduler drives; ``symbols`` is a session's list, or ``["*"]`` for all."""

    async def session_open(self, name: str, symbols: list[str]) -> None: ...

    async def session_pre_close(self, name: str, symbols: list[str]) -> None:
        """Flatten and stop entries ``flatten_before_close_min`` minutes before close."""

    async def session_close(self, name: str, symbols: list[str]) -> None: ...

    async def daily_reset(self) -> None:
        """Make sure the trading day has rolled over (at the first session open)."""

    async def reconcile(self) -> None: ...

    async def equity_snapshot(self) -> None: ...

    async def daily_digest(self) -> None: ...


class SessionPhase(Enum):
    CLOSED = "closed"
    OPEN = "open"
    CLOSING = "closing"  # inside the pre-close flatten window: exits only


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled call: ``target.<method>(*args)`` whenever ``trigger`` fires."""

    id: str
    method: str
    args: tuple[Any, ...]
    trigger: Any  # an APScheduler 3.x trigger

    def next_fire(self, now: datetime) -> datetime | None:
        """The first fire time at or after ``now`` (timezone-aware)."""
        fire: datetime | None = self.trigger.get_next_fire_time(None, now)
        return fire


def _cron(days: str, minute_of_day: int, zone: ZoneInfo) -> Any:
    hour, minute = divmod(minute_of_day, 60)
    return CronTrigger(day_of_week=days, hour=hour, minute=minute, second=0, timezone=zone)


def _session_jobs(session: SessionConfig, flatten_min: int, zone: ZoneInfo) -> list[JobSpec]:
    days = ",".join(session.days)
    args = (session.name, session.symbols)
    times = [("session_open", session.open_minute)]
    if flatten_min:
        times.append(("session_pre_close", session.close_minute - flatten_min))
    times.append(("session_close", session.close_minute))
    return [
        JobSpec(f"{method}:{session.name}", method, args, _cron(days, minute, zone))
        for method, minute in times
    ]


def day_starts(config: ScheduleConfig) -> dict[str, int]:
    """Weekday -> the minute after local midnight its trading day starts: the first
    session open of that day, or midnight every day when there are no sessions. A
    weekday without a session starts no day (the previous one carries on)."""
    starts: dict[str, int] = {}
    for day in DAYS:
        opens = [s.open_minute for s in config.sessions if day in s.days]
        if opens or not config.sessions:
            starts[day] = min(opens, default=0)
    return starts


@dataclass(frozen=True, slots=True)
class TradingDay:
    """One trading day: ``key`` is the local date it started on (``YYYY-MM-DD``)."""

    key: str
    start: datetime  # timezone-aware, in the schedule's zone

    @property
    def start_ns(self) -> int:
        return _ns(self.start)


def _ns(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def _start_on(day: date, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall_time(minute // 60, minute % 60), tzinfo=zone)


def _starts_around(
    config: ScheduleConfig | Config, now: datetime, offsets: range
) -> Iterator[tuple[date, datetime]]:
    """(day, its start) for the days ``offsets`` away from ``now``'s local date, in
    that order, skipping days without a start."""
    schedule = _schedule_of(config)
    zone = schedule.zone
    starts = day_starts(schedule)
    today = now.astimezone(zone).date()
    for offset in offsets:
        day = today + timedelta(days=offset)
        minute = starts.get(DAYS[day.weekday()])
        if minute is not None:
            yield day, _start_on(day, minute, zone)


def trading_day(config: ScheduleConfig | Config, now: datetime) -> TradingDay:
    """The trading day in effect at ``now`` (timezone-aware): the latest day start at
    or before ``now`` (see :func:`day_starts`), in the schedule's time zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    instant = now.astimezone(UTC)
    for day, start in _starts_around(config, now, range(0, -8, -1)):
        if start.astimezone(UTC) <= instant:
            return TradingDay(day.isoformat(), start)
    raise AssertionError("every week has a day start")  # pragma: no cover


def next_day_start(config: ScheduleConfig | Config, now: datetime) -> datetime:
    """The first trading-day start strictly after ``now`` (timezone-aware)."""
    instant = now.astimezone(UTC)
    for _, start in _starts_around(config, now, range(9)):
        if start.astimezone(UTC) > instant:
            return start
    raise AssertionError("every week has a day start")  # pragma: no cover


def _reset_jobs(config: ScheduleConfig, zone: ZoneInfo) -> list[JobSpec]:
    """One cron per distinct first-open time, on the days it is the first open."""
    first: dict[int, list[str]] = defaultdict(list)
    for day, minute in day_starts(config).items():
        first[minute].append(day)
    return [
        JobSpec(f"daily_reset:{','.join(days)}", "daily_reset", (), _cron(",".join(days), m, zone))
        for m, days in sorted(first.items())
    ]


def _every(method: str, seconds: float, zone: ZoneInfo) -> JobSpec:
    """``method`` (no arguments) every ``seconds``; the job is named after it."""
    return JobSpec(method, method, (), IntervalTrigger(seconds=seconds, timezone=zone))


def build_jobs(config: ScheduleConfig) -> tuple[JobSpec, ...]:
    """Every job the ``[schedule]`` section asks for, in a stable order."""
    zone = config.zone
    jobs: list[JobSpec] = []
    for session in config.sessions:
        jobs += _session_jobs(session, config.flatten_before_close_min, zone)
    jobs += _reset_jobs(config, zone)
    jobs.append(_every("reconcile", config.reconcile_interval_s, zone))
    if config.equity_snapshot_s:
        jobs.append(_every("equity_snapshot", config.equity_snapshot_s, zone))
    if config.digest_time:
        t = parse_hhmm(config.digest_time)
        digest = _cron(",".join(DAYS), t.hour * 60 + t.minute, zone)
        jobs.append(JobSpec("daily_digest", "daily_digest", (), digest))
    return tuple(jobs)


def _schedule_of(config: ScheduleConfig | Config) -> ScheduleConfig:
    return config.schedule if isinstance(config, Config) else config


def session_phases(config: ScheduleConfig | Config, now: datetime) -> dict[str, SessionPhase]:
    """Each session's phase at ``now`` (timezone-aware): open is inclusive, close exclusive."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    schedule = _schedule_of(config)
    local = now.astimezone(schedule.zone)
    day = DAYS[local.weekday()]
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    phases: dict[str, SessionPhase] = {}
    for s in schedule.sessions:
        phase = SessionPhase.CLOSED
        if day in s.days and s.open_minute <= minute < s.close_minute:
            flatten = schedule.flatten_before_close_min
            closing = flatten and minute >= s.close_minute - flatten
            phase = SessionPhase.CLOSING if closing else SessionPhase.OPEN
        phases[s.name] = phase
    return phases


def session_state(config: ScheduleConfig | Config, now: datetime) -> dict[str, bool]:
    """Whether each session is open at ``now`` (the pre-close window counts as open)."""
    return {name: p is not SessionPhase.CLOSED for name, p in session_phases(config, now).items()}


class Scheduler:
    """Runs :func:`build_jobs` on the running loop against ``target``."""

    def __init__(self, config: ScheduleConfig, target: ScheduleTarget) -> None:
        self.config = config
        self.target = target
        self.jobs: tuple[JobSpec, ...] = build_jobs(config)
        self.failures = 0
        self._aps: Any = None

    @property
    def running(self) -> bool:
        return self._aps is not None and bool(self._aps.running)

    def start(self) -> None:
        """Start the timers; call from a coroutine running on the engine's loop."""
        asyncio.get_running_loop()  # RuntimeError outside a running loop
        if self._aps is not None:
            raise RuntimeError("the scheduler is already started")
        aps = AsyncIOScheduler(timezone=self.config.zone, job_defaults=dict(JOB_DEFAULTS))
        aps.add_listener(self._on_missed, EVENT_JOB_MISSED)
        for spec in self.jobs:
            aps.add_job(self._run, trigger=spec.trigger, args=(spec,), id=spec.id, name=spec.id)
        aps.start()
        self._aps = aps
        log.info("scheduler started: %s", ", ".join(spec.id for spec in self.jobs))

    def shutdown(self) -> None:
        """Stop the timers and cancel any job still running (idempotent)."""
        aps, self._aps = self._aps, None
        if aps is not None and aps.running:
            aps.shutdown(wait=False)

    def next_run_times(self) -> dict[str, datetime | None]:
        """When each job fires next, from the running scheduler (empty before start)."""
        if self._aps is None:
            return {}
        return {job.id: job.next_run_time for job in self._aps.get_jobs()}

    async def run_now(self, job_id: str) -> None:
        """Run one job at once, as its timer would (errors logged, not raised)."""
        specs = {spec.id: spec for spec in self.jobs}
        if job_id not in specs:
            raise KeyError(f"no scheduled job {job_id!r} (have: {', '.join(specs)})")
        await self._run(specs[job_id])

    async def _run(self, spec: JobSpec) -> None:
        call: Callable[..., Awaitable[None]] = getattr(self.target, spec.method)
        args = [list(a) if isinstance(a, tuple) else a for a in spec.args]
        try:
            await call(*args)
        except Exception:
            self.failures += 1
            log.exception("scheduled job %s failed", spec.id)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        log.warning("scheduled job %s missed its time %s", event.job_id, event.scheduled_run_time)
