"""Signed-request checks of the simulated Binance, over the bytes actually received.

Order of checks (each failure is a :class:`BinanceSimError`):

1. ``X-MBX-APIKEY``: missing or malformed -2014, unknown -2015 (HTTP 401).
2. ``signature``: cut out of the raw query string and the raw form body by byte
   position (the pair and one ``&``); the rest, query then body with no
   separator, is what was signed. Absent -1102, twice -1101, wrong -1022. The
   signed bytes are never re-encoded from decoded params, so any encoding the
   client signed is accepted as long as it is what it sent.
3. Params (query and body together): a repeated name -1101, bad text -1100.
4. ``timestamp``/``recvWindow`` (ASCII ``[0-9]{1,19}`` else -1100, see :mod:`.params`;
   recvWindow default 5000, at most 60000, else -1131):
   accepted iff ``timestamp < now + 1000`` and ``now - timestamp <= recvWindow``,
   else -1021 (P§2.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl
from urllib.parse import unquote_to_bytes

from engine.venues.binance_sim.config import MAX_RECV_WINDOW_MS
from engine.venues.binance_sim.errors import AHEAD_MSG
from engine.venues.binance_sim.errors import BinanceSimError
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.keys import verify
from engine.venues.binance_sim.params import int_param
from engine.venues.binance_sim.params import mandatory

DEFAULT_RECV_WINDOW_MS = 5_000
AHEAD_SLACK_MS = 1_000
_KEY_FORMAT = re.compile(r"^[A-Za-z0-9]{1,128}$")
_SIG = b"signature="


@dataclass(frozen=True, slots=True)
class Signed:
    """A request that passed every check: its key and its decoded params."""

    key: SimKey
    params: dict[str, str]


def cut_signature(raw: bytes) -> tuple[bytes, list[bytes]]:
    """``raw`` without its ``signature=`` pairs, and their (still encoded) values."""
    kept: list[bytes] = []
    found: list[bytes] = []
    for pair in raw.split(b"&"):
        (found if pair.startswith(_SIG) else kept).append(pair)
    return b"&".join(kept), [v[len(_SIG) :] for v in found]


def decode_params(raw: bytes) -> dict[str, str]:
    """Params of a query string or form body; -1101 on a repeat, -1100 on bad text."""
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BinanceSimError(-1100) from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise BinanceSimError(-1101, f"Duplicate values for a parameter detected: '{name}'.")
        params[name] = value
    return params


def check_api_key(headers: Mapping[str, str], keys: Mapping[str, SimKey]) -> SimKey:
    """The key named by ``X-MBX-APIKEY``; -2014 / -2015 otherwise."""
    api_key = headers.get("X-MBX-APIKEY", "")
    if not _KEY_FORMAT.fullmatch(api_key):
        raise BinanceSimError(-2014)
    key = keys.get(api_key)
    if key is None:
        raise BinanceSimError(-2015)
    return key


def check_signature(key: SimKey, query: bytes, body: bytes) -> None:
    """-1102 / -1101 / -1022 unless exactly one ``signature`` signs query + body."""
    q_rest, q_sigs = cut_signature(query)
    b_rest, b_sigs = cut_signature(body) if body else (b"", [])
    sigs = q_sigs + b_sigs
    if not sigs:
        raise mandatory("signature")
    if len(sigs) > 1:
        raise BinanceSimError(-1101, "Duplicate values for a parameter detected: 'signature'.")
    try:
        signature = unquote_to_bytes(sigs[0]).decode("ascii")
    except UnicodeDecodeError:
        raise BinanceSimError(-1022) from None
    if not verify(key, q_rest + b_rest, signature):
        raise BinanceSimError(-1022)


def check_timestamp(params: Mapping[str, str], now_ms: int) -> None:
    """-1131 for a recvWindow over 60000 (or 0), -1021 outside the accept rule."""
    recv_window = int_param(params, "recvWindow", DEFAULT_RECV_WINDOW_MS)
    if not 0 < recv_window <= MAX_RECV_WINDOW_MS:
        raise BinanceSimError(-1131)
    timestamp = int_param(params, "timestamp")
    if timestamp >= now_ms + AHEAD_SLACK_MS:
        raise BinanceSimError(-1021, AHEAD_MSG)
    if now_ms - timestamp > recv_window:
        raise BinanceSimError(-1021)


def verify_signed(
    headers: Mapping[str, str], query: bytes, body: bytes, keys: Mapping[str, SimKey], now_ms: int
) -> Signed:
    """Run every check in order; the key and the params of an accepted request."""
    key = check_api_key(headers, keys)
    check_signature(key, query, body)
    params = decode_params(query)
    if body:
        for name, value in decode_params(body).items():
            if name in params:
                raise BinanceSimError(
                    -1101, f"Duplicate values for a parameter detected: '{name}'."
                )
            params[name] = value
    params.pop("signature", None)
    check_timestamp(params, now_ms)
    return Signed(key, params)
