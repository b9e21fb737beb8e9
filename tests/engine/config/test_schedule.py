"""The [schedule] section on its own."""

from __future__ import annotations

from datetime import time

import pytest

from engine.config import ScheduleConfig
from engine.config import SessionConfig
from engine.config.schedule import parse_hhmm


@pytest.mark.parametrize(("text", "value"), [("00:00", time(0)), ("9:05", time(9, 5)),
                                             ("23:59", time(23, 59))])  # fmt: skip
def test_parse_hhmm(text: str, value: time) -> None:
    assert parse_hhmm(text) == value


@pytest.mark.parametrize("text", ["24:00", "12:60", "noon", "12", "", "1:2", "12:00:00"])
def test_parse_hhmm_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(text)


def test_session_defaults_and_helpers() -> None:
    s = SessionConfig(name="us", open="09:30", close="16:00")
    assert s.days == ("mon", "tue", "wed", "thu", "fri")
    assert s.symbols == ("*",) and s.trades("ANY")
    assert (s.open_minute, s.close_minute) == (570, 960)
    assert (s.open_time, s.close_time) == (time(9, 30), time(16))
    assert not SessionConfig(name="x", open="09:00", close="10:00", symbols=("A",)).trades("B")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "a b"}, "name"),
        ({"symbols": ()}, "symbols"),
        ({"symbols": ("*", "A")}, "symbols"),
        ({"symbols": ("A", "A")}, "symbols"),
        ({"days": ()}, "days"),
        ({"days": ("mon", "mon")}, "days"),
        ({"open": "9"}, "open"),
    ],
)
def test_session_refuses(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {"name": "s", "open": "09:00", "close": "10:00"}
    with pytest.raises(ValueError, match=f"^{field}: "):
        SessionConfig(**{**base, **kwargs})  # type: ignore[arg-type]


def test_schedule_zone_and_defaults() -> None:
    schedule = ScheduleConfig(timezone="Asia/Tokyo")
    assert schedule.zone.key == "Asia/Tokyo"
    assert schedule.reconcile_interval_s > 0 and schedule.digest_time == ""
    with pytest.raises(ValueError, match=r"^timezone: "):
        ScheduleConfig(timezone="../etc/passwd")
