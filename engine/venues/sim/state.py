"""The optional state file: a JSON snapshot of the account (and the synthetic prices).

It holds every order (so client order ids stay used forever), every fill (the
account is rebuilt by booking them again, exactly), the starting cash and, for
the synthetic market, each symbol's last bid so prices continue where they were.
Writes go to a temporary file that then replaces the old one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionId
from engine.model import Fill
from engine.model import LiquiditySide
from engine.model import Side
from engine.model import Symbol

STATE_VERSION = 1


class StateError(ValueError):
    """A state file that cannot be used (unreadable, malformed, or another version)."""


def save_state(path: str | Path, account: dict[str, Any], market: dict[str, int]) -> None:
    """Write the snapshot atomically (temporary file, fsync, rename), readable only by
    this user (0600): it lists every order and fill of the account."""
    path = Path(path)
    data = msgspec.json.encode({"version": STATE_VERSION, "account": account, "market": market})
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)  # a leftover .tmp keeps its old mode otherwise
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_state(path: str | Path) -> tuple[dict[str, Any], dict[str, int]] | None:
    """``(account, market)`` from the file, or None when it does not exist yet."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"state file {path}: cannot read: {exc.strerror}") from exc
    try:
        state = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise StateError(f"state file {path}: not valid JSON ({exc})") from exc
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise StateError(f"state file {path}: not a version {STATE_VERSION} venue state")
    account = state.get("account")
    market = state.get("market", {})
    keys = ("start_cash", "last_ts", "orders", "fills", "used_client_order_ids")
    if not isinstance(account, dict) or any(k not in account for k in keys):
        raise StateError(f"state file {path}: the account section is incomplete")
    return account, market if isinstance(market, dict) else {}


def fill_to_json(f: Fill) -> list[Any]:
    """A fill as a compact JSON row."""
    return [
        f.client_order_id,
        f.exec_id,
        f.symbol,
        int(f.side),
        f.qty,
        f.price,
        f.fee,
        f.liquidity.value,
        f.ts,
    ]


def fill_from_json(row: list[Any]) -> Fill:
    """The inverse of :func:`fill_to_json`."""
    coid, exec_id, symbol, side, qty, price, fee, liquidity, ts = row
    return Fill(
        ClientOrderId(coid),
        ExecutionId(exec_id),
        Symbol(symbol),
        Side(int(side)),
        int(qty),
        int(price),
        int(fee),
        LiquiditySide(liquidity),
        int(ts),
    )
