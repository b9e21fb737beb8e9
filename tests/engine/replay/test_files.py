"""Opening files: gzip by content, and I/O failures as one-line DataErrors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from engine.replay.errors import DataError
from engine.replay.errors import Reason
from engine.replay.errors import RejectCounter
from engine.replay.files import first_line
from engine.replay.files import numbered_lines
from engine.replay.files import open_text
from engine.replay.files import reject_line
from tests.engine.replay.support import write_text


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = write_text(tmp_path / "plain-name.csv", "a,b\n1,2\n", compress=True)
    with open_text(path) as fh:
        assert fh.read() == "a,b\n1,2\n"
    assert first_line(path) == "a,b"


def test_line_endings_are_kept(tmp_path: Path) -> None:
    path = write_text(tmp_path / "crlf.csv", "a,b\r\n1,2\r\n")
    with open_text(path) as fh:
        assert list(fh) == ["a,b\r\n", "1,2\r\n"]
    assert first_line(path) == "a,b"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(DataError) as info:
        open_text(path)
    assert str(info.value) == f"{path}: cannot open: No such file or directory"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot open"):
        first_line(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "empty.csv", "")
    with pytest.raises(DataError) as info:
        first_line(path)
    assert str(info.value) == f"{path}:1: empty file"


def test_truncated_gzip_names_file_and_line(tmp_path: Path) -> None:
    body = "".join(f"{i},line number {i}\n" for i in range(20_000))
    whole = gzip.compress(body.encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with open_text(path) as fh, pytest.raises(DataError) as info:
        for _ in numbered_lines(path, fh, 1):
            pass
    message = str(info.value)
    assert message.startswith(f"{path}:")
    assert "truncated compressed file" in message
    assert "\n" not in message
    assert info.value.line is not None and 1 < info.value.line <= 20_001


def test_corrupt_gzip(tmp_path: Path) -> None:
    whole = bytearray(gzip.compress(b"a,b\n" * 1000))
    whole[20:40] = b"\x00" * 20
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(whole))
    with pytest.raises(DataError, match=str(path)):
        first_line(path)


def test_non_utf8_text(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("héllo\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        first_line(path)


def test_reject_line_counts_skips_blanks_and_spots_a_cut_off_last_line() -> None:
    rejects = RejectCounter()
    reject_line("f.csv", rejects, Reason.MALFORMED, 3, "x,y\n")
    reject_line("f.csv", rejects, Reason.MALFORMED, 4, "   \n")
    assert rejects.counts == {"malformed": 1}
    with pytest.raises(DataError) as info:
        reject_line("f.csv", rejects, Reason.MALFORMED, 9, "1,2,6180")
    assert str(info.value) == "f.csv:9: truncated file: the last line is cut off (malformed)"
