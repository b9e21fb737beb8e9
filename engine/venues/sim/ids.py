"""Stable UUIDs the simulated venue gives its assets and its account."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f0c1c2e-5b7a-4d1e-9a43-51d7c0a5e0b1")


def asset_id(symbol: str) -> str:
    """A stable UUID for a symbol's asset."""
    return str(uuid.uuid5(_NAMESPACE, f"asset/{symbol}"))


ACCOUNT_ID = str(uuid.uuid5(_NAMESPACE, "account"))
