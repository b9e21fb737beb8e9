"""DataError messages and the RejectCounter."""

from __future__ import annotations

from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.errors import quote_problem
from engine.replay.errors import trade_problem


def test_data_error_is_one_line_naming_file_and_line() -> None:
    err = DataError("data/x.csv", 17, "wrong header:\n  expected a,\tfound b")
    assert str(err) == "data/x.csv:17: wrong header: expected a, found b"
    assert "\n" not in str(err)
    assert isinstance(err, ValueError)
    assert (err.path, err.line) == ("data/x.csv", 17)


def test_data_error_without_a_line_names_the_file() -> None:
    assert str(DataError("x.csv", None, "cannot open: No such file")) == (
        "x.csv: cannot open: No such file"
    )


def test_counter_counts_by_reason_and_keeps_the_first_line() -> None:
    counter = RejectCounter()
    assert not counter
    assert counter.summary() == "no rejected rows"
    counter.add(Reason.CROSSED, 17)
    counter.add(Reason.CROSSED, 20)
    counter.add("locked", 5)
    assert counter.counts == {"crossed": 2, "locked": 1}
    assert counter.first_line == {"crossed": 17, "locked": 5}
    assert counter[Reason.CROSSED] == 2
    assert counter["off_grid"] == 0
    assert counter.total == 3
    assert counter.summary() == "crossed=2 (first line 17), locked=1 (first line 5)"
    counter.clear()
    assert counter.total == 0


def test_counter_update_adds_counts() -> None:
    a, b = RejectCounter(), RejectCounter()
    a.add(Reason.LOCKED, 3)
    b.add(Reason.LOCKED, 1)
    b.add(Reason.MALFORMED, 9)
    a.update(b)
    assert a.counts == {"locked": 2, "malformed": 1}
    assert a.first_line == {"locked": 3, "malformed": 9}


def test_quote_problem_names_the_first_broken_rule() -> None:
    assert quote_problem(-1, 1, 1, 2, 1) == Reason.MALFORMED
    assert quote_problem(0, 0, 1, 2, 1) == Reason.BAD_PRICE
    assert quote_problem(0, 1, -1, 2, 1) == Reason.BAD_SIZE
    assert quote_problem(0, 3, 1, 2, 1) == Reason.CROSSED
    assert quote_problem(0, 2, 1, 2, 1) == Reason.LOCKED
    assert quote_problem(0, 1, 1, 2, 1) == Reason.TIME_BACKWARDS


def test_trade_problem_rejects_empty_trades() -> None:
    assert trade_problem(0, 5, 0) == Reason.BAD_SIZE
    assert trade_problem(0, 0, 5) == Reason.BAD_PRICE
