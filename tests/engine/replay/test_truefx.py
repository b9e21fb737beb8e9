"""The TrueFX reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import Quote
from engine.replay.errors import DataError
from engine.replay.errors import RejectCounter
from engine.replay.instruments import KNOWN_INSTRUMENTS
from engine.replay.truefx import TRUEFX_HEADER
from engine.replay.truefx import parse_timestamp_ns
from engine.replay.truefx import read_truefx
from tests.engine.replay.support import DATA
from tests.engine.replay.support import write_text

USDJPY = KNOWN_INSTRUMENTS[2].instrument
SYM = USDJPY.symbol


def test_real_file_has_one_locked_quote() -> None:
    """1,000 rows: 999 quotes, and line 943 (bid = ask = 86.836) rejected as locked."""
    rejects = RejectCounter()
    quotes = list(read_truefx(DATA / "raw" / "truefx_usdjpy-ticks.csv", USDJPY, rejects))
    assert len(quotes) == 999
    assert rejects.counts == {"locked": 1}
    assert rejects.first_line == {"locked": 943}
    assert quotes[0] == Quote(SYM, 1357077600295000000, 86655, 0, 86728, 0)
    assert quotes[-1] == Quote(SYM, 1357079713494000000, 86836, 0, 86854, 0)
    # one row has no fraction of a second: 2013-01-01 22:09:27+00:00
    assert any(q.ts == 1357078167000000000 for q in quotes)


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("2013-01-01 22:00:00.295000+00:00", 1357077600295000000),
        ("2013-01-01 22:09:27+00:00", 1357078167000000000),
        ("2013-01-01T23:00:00.000001+01:00", 1357077600000001000),
        ("2013-01-01 22:00:00", 1357077600000000000),  # no offset: UTC
    ],
)
def test_timestamps(text: str, ns: int) -> None:
    assert parse_timestamp_ns(text) == ns


def test_bad_rows(tmp_path: Path) -> None:
    rows = [
        "2013-01-01 22:00:00+00:00,86.655,86.728",
        "2013-01-01 21:00:00+00:00,86.655,86.728",
        "yesterday,86.655,86.728",
        "2013-01-01 22:00:01+00:00,86.6555,86.728",
        "2013-01-01 22:00:01+00:00,86.8,86.7",
        "2013-01-01 22:00:02+00:00,86.655",
    ]
    path = write_text(tmp_path / "fx.csv", TRUEFX_HEADER + "\n" + "\n".join(rows) + "\n")
    rejects = RejectCounter()
    assert len(list(read_truefx(path, USDJPY, rejects))) == 1
    assert rejects.counts == {"time_backwards": 1, "malformed": 2, "off_grid": 1, "crossed": 1}


def test_wrong_header(tmp_path: Path) -> None:
    path = write_text(tmp_path / "fx.csv", "time,bid,ask\n")
    with pytest.raises(DataError, match=r"fx.csv:1: wrong header"):
        list(read_truefx(path, USDJPY))
