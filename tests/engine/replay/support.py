"""Helpers for the replay tests: where the real data lives, and a small file writer."""

from __future__ import annotations

import gzip
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / "shared" / "data"
"""The project's real market data (../shared/data from the repository root)."""


def write_text(path: Path, text: str, *, compress: bool = False) -> Path:
    """Write ``text`` as UTF-8 (gzip-compressed when ``compress``) and return the path."""
    raw = text.encode("utf-8")
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path
