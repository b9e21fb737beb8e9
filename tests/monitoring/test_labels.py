"""Label values stay short, tidy and few."""

from __future__ import annotations

from monitoring.labels import MAX_LEN
from monitoring.labels import OTHER
from monitoring.labels import BoundedValues
from monitoring.labels import tidy


def test_tidy_keeps_codes_and_flattens_free_text() -> None:
    assert tidy("SPREAD_TOO_WIDE") == "SPREAD_TOO_WIDE"
    assert tidy("insufficient buying power") == "insufficient_buying_power"
    assert tidy('  {"code": 40310000}  ') == "code_40310000"
    assert tidy("") == "unspecified"
    assert len(tidy("x" * 500)) == MAX_LEN


def test_bounded_values_admit_a_limited_set_then_other() -> None:
    bounded = BoundedValues(limit=3)
    assert [bounded(f"reason {i}") for i in range(3)] == ["reason_0", "reason_1", "reason_2"]
    assert bounded("reason 9") == OTHER
    assert bounded("reason 1") == "reason_1"  # already admitted values stay
